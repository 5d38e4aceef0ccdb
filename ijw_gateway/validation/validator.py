"""Validate one message: safe XML, message type, transport rules, XSD, then the rule layer."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from lxml import etree

from ijw_gateway.messages import safexml
from ijw_gateway.messages.codec import UnreadableMessage, detect, from_tree
from ijw_gateway.messages.identificatie import content_digest
from ijw_gateway.messages.registry import Berichttype
from ijw_gateway.messages.schemaset import SchemaSet, schema_set
from ijw_gateway.messages.xsd import IjwModel
from ijw_gateway.validation.findings import RETOURCODE_TECHNISCH, RULE_XML, Finding, MessageReport
from ijw_gateway.validation.xsd_layer import xsd_findings

RuleLayer = Callable[[IjwModel, Berichttype, etree._ElementTree, "ValidationContext"], list[Finding]]


@dataclass
class ValidationContext:
    """What validation needs beyond the message itself."""

    today: date | None = None
    """The system date for date rules (TR135); None means the real today."""
    schemas: Path | None = None
    """Validate against this schema directory instead of our own."""
    limits: safexml.Limits = field(default_factory=safexml.Limits)
    rule_layer: RuleLayer | None = None
    """Controleniveau 2–4; None checks XML and XSD only."""
    seen: "SeenIdentificaties | None" = None
    """TR056 across the messages checked with this context (in-process batches)."""

    @property
    def schema_set(self) -> SchemaSet:
        return schema_set(self.schemas)

    @property
    def system_date(self) -> date:
        return self.today or date.today()


class IdentificatieRegister(Protocol):
    """Where Identificaties of earlier batches are kept (``ijw_gateway.ledger.Ledger``)."""

    def claim_identificatie(
        self, berichttype: str, afzender: str, identificatie: str, digest: str
    ) -> datetime | None: ...


@dataclass
class SeenIdentificaties:
    """TR056: an Identificatie is unique per sender and message type (retourcode 9056).

    Holds one key per message checked, so a batch of any size can be judged; the
    first occurrence is valid, every later one is not. With a ``register`` (the ledger)
    the Identificaties of earlier batches count too: one already used there for another
    message is a duplicate; the same message seen again is not.
    """

    keys: set[tuple[str, str, str]] = field(default_factory=set)
    register: IdentificatieRegister | None = None

    def check(self, report: MessageReport) -> MessageReport:
        if report.sleutel is None:
            return report
        bericht, afzender, identificatie = report.sleutel
        if report.sleutel in self.keys:
            earlier = "earlier in this batch"
        else:
            seen_at = None
            if self.register is not None and report.digest is not None:
                seen_at = self.register.claim_identificatie(bericht, afzender, identificatie, report.digest)
            if seen_at is None:
                self.keys.add(report.sleutel)
                return report
            earlier = f"for another message, recorded in the ledger on {seen_at:%Y-%m-%d}"
        prefix = bericht.lower()
        return report.with_finding(
            Finding(
                rule="TR056",
                retourcode="9056",
                path=f"/{prefix}:Bericht/{prefix}:Header/{prefix}:BerichtIdentificatie/ijw:Identificatie",
                message=f"Identificatie {identificatie!r} was already used by sender {afzender} for a {bericht} "
                f"{earlier}",
            )
        )


@dataclass
class Checked:
    """A validated message: the report, and what later steps (retourberichten, ledger) reuse."""

    report: MessageReport
    berichttype: Berichttype | None = None
    tree: etree._ElementTree | None = None
    message: IjwModel | None = None
    xsd_valid: bool = False


def _xml_finding(message: str, line: int | None = None) -> Finding:
    return Finding(rule=RULE_XML, retourcode=RETOURCODE_TECHNISCH, line=line, message=message)


def transport_findings(data: bytes, tree: etree._ElementTree) -> list[Finding]:
    """OP192: UTF-8 without BOM and CR/LF line ends, as the standard requires of a sent message."""
    findings = []
    encoding = (tree.docinfo.encoding or "UTF-8").upper()
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        findings.append(
            Finding(rule="OP192", retourcode=RETOURCODE_TECHNISCH, line=1,
                    message="the file starts with a byte order mark (BOM); iJw messages are UTF-8 without BOM")
        )
    if encoding not in {"UTF-8", "UTF8"}:
        findings.append(
            Finding(rule="OP192", retourcode=RETOURCODE_TECHNISCH, line=1,
                    message=f"the file is encoded as {encoding}; iJw messages are UTF-8")
        )
    if b"\n" in data and b"\r\n" not in data:
        findings.append(
            Finding(rule="OP192", retourcode=RETOURCODE_TECHNISCH, severity="warning", line=1,
                    message="lines end in LF only; iJw messages are sent with CR/LF line ends")
        )
    return findings


def check(data: bytes, context: ValidationContext | None = None, file: str | None = None) -> Checked:
    """Validate the bytes of one message as deep as it gets; never raises for bad input."""
    context = context or ValidationContext()
    try:
        tree = safexml.parse(data, context.limits)
    except safexml.UnsafeOrMalformedXml as problem:
        return Checked(MessageReport.of(file, None, [_xml_finding(str(problem), problem.line)]))

    berichttype = detect(tree)
    if berichttype is None:
        root = etree.QName(tree.getroot())
        what = f"root element '{root.localname}' in namespace '{root.namespace or '(none)'}'"
        return Checked(
            MessageReport.of(file, None, [_xml_finding(
                f"not an iJw 3.2 message: {what} (expected 'Bericht' in a namespace like "
                "http://www.istandaarden.nl/ijw/3_2/jw301/schema)", tree.getroot().sourceline)])
        )

    findings = transport_findings(data, tree)
    schemas = context.schema_set
    if not schemas.available(berichttype):
        findings.append(_xml_finding(f"no schema for {berichttype.naam} in {schemas.directory}"))
        return Checked(MessageReport.of(file, berichttype.naam, findings), berichttype, tree)
    schema_errors = xsd_findings(tree, berichttype, schemas.schema(berichttype))
    if schema_errors:
        return Checked(MessageReport.of(file, berichttype.naam, findings + schema_errors), berichttype, tree)

    try:
        message = from_tree(tree, berichttype, trusted=context.schemas is None)
    except UnreadableMessage as problem:
        findings.append(_xml_finding(f"the message is schema-valid but cannot be processed: {problem}"))
        return Checked(MessageReport.of(file, berichttype.naam, findings), berichttype, tree, xsd_valid=True)

    if context.rule_layer is not None:
        findings.extend(context.rule_layer(message, berichttype, tree, context))
    report = MessageReport.of(file, berichttype.naam, findings)
    header = message.Header  # type: ignore[attr-defined]
    report.sleutel = (berichttype.naam, header.Afzender, header.BerichtIdentificatie.Identificatie)
    report.digest = content_digest(data)
    if context.seen is not None:
        report = context.seen.check(report)
    return Checked(report, berichttype, tree, message, xsd_valid=True)


def check_built(message: IjwModel, context: ValidationContext) -> MessageReport:
    """Validate a message we built ourselves, without writing and re-reading it.

    The model's element tree is checked against the XSD and the rule layer runs on the
    model itself: the same verdict as :func:`check` on ``to_xml(message)``, faster.
    """
    from ijw_gateway.messages.codec import to_element
    from ijw_gateway.messages.registry import berichttype_of

    berichttype = berichttype_of(message)
    tree = etree.ElementTree(to_element(message))
    findings = xsd_findings(tree, berichttype, context.schema_set.schema(berichttype))
    if not findings and context.rule_layer is not None:
        findings = context.rule_layer(message, berichttype, tree, context)
    return MessageReport.of(None, berichttype.naam, findings)
