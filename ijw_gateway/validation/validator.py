"""Validate one message, once: safe XML, message type, transport rules, XSD, then the rules.

``check`` turns bytes into a :class:`~ijw_gateway.validation.checked.CheckedMessage`:
the tree libxml2 parsed and schema-checked, the verdict, and what later steps reuse. The
rules run on that tree (``rules/engine.py``); the typed model is not built to judge a
message, only when a later step asks for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from lxml import etree

from ijw_gateway.messages import safexml
from ijw_gateway.messages.identificatie import content_digest
from ijw_gateway.messages.namespaces import BASISSCHEMA
from ijw_gateway.messages.registry import BERICHTTYPEN, Berichttype, berichttype_of, detect
from ijw_gateway.messages.schemaset import SchemaSet, schema_set
from ijw_gateway.validation.bronnen import ExterneBronnen, default_bronnen
from ijw_gateway.validation.checked import CheckedMessage
from ijw_gateway.validation.findings import (
    NOT_JUDGED_AFTER_XSD,
    NOT_JUDGED_AT_ALL,
    RETOURCODE_TECHNISCH,
    RULE_XML,
    Finding,
    MessageReport,
    NotJudged,
)
from ijw_gateway.validation.foreign import describe_foreign_root
from ijw_gateway.validation.rules import run_rules
from ijw_gateway.validation.xsd_layer import xsd_findings

if TYPE_CHECKING:
    from ijw_gateway.messages.xsd import IjwModel

__all__ = [
    "DEFAULT_BRONNEN",
    "IdentificatieRegister",
    "SeenIdentificaties",
    "ValidationContext",
    "check",
    "check_built",
    "transport_findings",
]


NOT_JUDGED_ALONE = "cross-message rules need earlier messages (a batch, or --ledger)"


class _DefaultBronnen:
    """The shipped reference data, resolved on first use (see :func:`default_bronnen`)."""

    def __repr__(self) -> str:
        return "DEFAULT_BRONNEN"


DEFAULT_BRONNEN = _DefaultBronnen()


@dataclass
class ValidationContext:
    """What validation needs beyond the message itself."""

    today: date | None = None
    """The system date for date rules (TR135); None means the real today."""
    schemas: Path | None = None
    """Validate against this schema directory instead of our own."""
    limits: safexml.Limits = field(default_factory=safexml.Limits)
    rules: bool = True
    """Controleniveau 2–4; False checks XML and XSD only (``ijw.parse``)."""
    bronnen: ExterneBronnen | _DefaultBronnen | None = DEFAULT_BRONNEN
    """The external sources of controleniveau 4 (TR378, TR381); None leaves those rules unjudged."""
    seen: SeenIdentificaties | None = None
    """TR056 across the messages checked with this context (in-process batches)."""
    digests: bool = False
    """Put the content digest in every report (TR056 against a ledger judged in another process)."""
    cross_message: str | None = None
    """What of controleniveau 3 is judged elsewhere (the parent of a batch judges TR056), in the verdict's words."""

    @property
    def schema_set(self) -> SchemaSet:
        return schema_set(self.schemas)

    @property
    def system_date(self) -> date:
        return self.today or date.today()

    @cached_property
    def resolved_bronnen(self) -> ExterneBronnen | None:
        return default_bronnen() if isinstance(self.bronnen, _DefaultBronnen) else self.bronnen

    @cached_property
    def not_judged(self) -> NotJudged:
        """What this context leaves unjudged in a schema-valid message (controleniveau → why)."""
        missing: NotJudged = {}
        if not self.rules:
            missing[2] = "rules were not asked for (XML and XSD only)"
            missing[4] = missing[2]
        elif self.bronnen is None:
            missing[4] = "only TR135 and TR346: TR378 and TR381 need the CBS list and the product code lists"
        if self.seen is not None and self.rules:
            missing[3] = self.seen.not_judged
        else:
            missing[3] = self.cross_message if self.cross_message is not None and self.rules else NOT_JUDGED_ALONE
        return missing


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

    @property
    def not_judged(self) -> str:
        """What of controleniveau 3 a verdict with this TR056 judgement still leaves unjudged."""
        if self.register is None:
            return "only TR056, within this run; the other cross-message rules need --ledger"
        return "only TR056, within this run and against the ledger"

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


def _xml_finding(message: str, line: int | None = None) -> Finding:
    return Finding(rule=RULE_XML, retourcode=RETOURCODE_TECHNISCH, line=line, message=message)


OP179_MAX_BYTES = 25_000_000
"""OP179: a sent file is at most 25 MB (read as 25,000,000 bytes, the stricter of the two readings)."""


def transport_findings(data: bytes, tree: etree._ElementTree) -> list[Finding]:
    """OP179 and OP192: at most 25 MB, UTF-8 without BOM and CR/LF line ends, as the standard requires
    of a sent message."""
    findings = []
    if len(data) > OP179_MAX_BYTES:
        findings.append(
            Finding(rule="OP179", retourcode=RETOURCODE_TECHNISCH, line=1,
                    message=f"the file is {len(data):,} bytes; a sent iJw message is at most 25 MB "
                            f"({OP179_MAX_BYTES:,} bytes)")
        )
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        findings.append(
            Finding(rule="OP192", retourcode=RETOURCODE_TECHNISCH, line=1,
                    message="the file starts with a byte order mark (BOM); iJw messages are UTF-8 without BOM")
        )
    encoding = _declared_encoding(data) or (tree.docinfo.encoding or "UTF-8").upper()
    if encoding not in {"UTF-8", "UTF8"}:
        findings.append(
            Finding(rule="OP192", retourcode=RETOURCODE_TECHNISCH, line=1,
                    message=f"the file is encoded as {encoding}; iJw messages are UTF-8")
        )
    lf, cr = data.count(b"\n"), data.count(b"\r")  # single bytes: counted fast
    crlf = data.count(b"\r\n") if lf or cr else 0
    if crlf != lf or crlf != cr:
        ends = "LF only" if cr == 0 else "CR only" if lf == 0 else "a mix of CR/LF, LF and CR"
        findings.append(
            Finding(rule="OP192", retourcode=RETOURCODE_TECHNISCH, severity="warning", line=1,
                    message=f"lines end in {ends}; iJw messages are sent with CR/LF line ends")
        )
    return findings


_DECLARATION = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)")


def _declared_encoding(data: bytes) -> str | None:
    """The encoding an ASCII-compatible document declares (UTF-8 without a declaration); None otherwise."""
    if not data.startswith(b"<?xml"):
        return "UTF-8" if data.startswith(b"<") else None
    found = _DECLARATION.match(data, 0, 200)
    return found.group(1).decode("ascii").upper() if found else "UTF-8"


def check(data: bytes, context: ValidationContext | None = None, file: str | None = None) -> CheckedMessage:
    """Validate the bytes of one message as deep as it gets; never raises for bad input."""
    context = context or ValidationContext()
    try:
        tree = safexml.parse(data, context.limits, deferred=True)  # depth: see too_deep()
    except safexml.UnsafeOrMalformedXml as problem:
        return _unsafe(data, file, problem)

    berichttype = detect(tree)
    if berichttype is None:
        if (problem := too_deep(tree, data, context.limits)) is not None:
            return _unsafe(data, file, problem)
        root = tree.getroot()
        finding = _xml_finding(describe_foreign_root(root), root.sourceline)
        return CheckedMessage(data, MessageReport.of(file, None, [finding], NOT_JUDGED_AT_ALL), tree=tree)

    findings = transport_findings(data, tree)
    schemas = context.schema_set
    if not schemas.available(berichttype):
        if (problem := too_deep(tree, data, context.limits)) is not None:
            return _unsafe(data, file, problem)
        findings.append(_xml_finding(f"no schema for {berichttype.naam} in {schemas.directory}"))
        report = MessageReport.of(file, berichttype.naam, findings, NOT_JUDGED_AT_ALL)
        return CheckedMessage(data, report, berichttype, tree)
    schema_errors = xsd_findings(tree, berichttype, schemas.schema(berichttype))
    if schema_errors:
        if (problem := too_deep(tree, data, context.limits)) is not None:
            return _unsafe(data, file, problem)
        report = MessageReport.of(file, berichttype.naam, findings + schema_errors, NOT_JUDGED_AFTER_XSD)
        return CheckedMessage(data, report, berichttype, tree)

    trusted = context.schemas is None
    model: IjwModel | None = None
    if not trusted:
        from ijw_gateway.messages.codec import UnreadableMessage, from_tree  # the models: only for other XSDs

        try:  # another schema than ours does not guarantee the values our models hold: read it now
            model = from_tree(tree, berichttype, trusted=False)
        except UnreadableMessage as problem:
            findings.append(_xml_finding(f"the message is schema-valid but cannot be processed: {problem}"))
            report = MessageReport.of(file, berichttype.naam, findings, NOT_JUDGED_AFTER_XSD)
            return CheckedMessage(data, report, berichttype, tree, xsd_valid=True, trusted=trusted)

    kop = _header(tree, berichttype)
    if context.rules:
        findings.extend(_rules(tree, berichttype, context, kop))
    digest = None
    if context.digests or (context.seen is not None and context.seen.register is not None):
        digest = content_digest(data)
    report = MessageReport.of(file, berichttype.naam, findings, context.not_judged,
                              sleutel=(berichttype.naam, kop.afzender, kop.identificatie), digest=digest)
    if context.seen is not None:
        report = context.seen.check(report)
    return CheckedMessage(data, report, berichttype, tree, xsd_valid=True, trusted=trusted, model=model)


def too_deep(tree: etree._ElementTree, data: bytes, limits: safexml.Limits) -> safexml.UnsafeOrMalformedXml | None:
    """The nesting limit, checked only for a document that is no schema-valid iJw message (one that is
    nests 9 levels at most)."""
    try:
        safexml.check_deferred(tree, limits)
    except safexml.UnsafeOrMalformedXml as problem:
        return problem
    return None


def _unsafe(data: bytes, file: str | None, problem: safexml.UnsafeOrMalformedXml) -> CheckedMessage:
    return CheckedMessage(data, MessageReport.of(file, None, [_xml_finding(str(problem), problem.line)],
                                                 NOT_JUDGED_AT_ALL))


@dataclass(frozen=True)
class _Kop:
    """What the validator reads of a schema-valid message's Header, in one evaluation."""

    afzender: str
    ontvanger: str
    dagtekening: str | None
    identificatie: str

    def for_rules(self) -> dict[str, str]:
        """The Header values the rules would otherwise look up again (TR378, TR381)."""
        return {"m:Header/m:Afzender": self.afzender, "m:Header/m:Ontvanger": self.ontvanger}


def _header(tree: etree._ElementTree, berichttype: Berichttype) -> _Kop:
    """Afzender and Identificatie (with the type: the key of TR056), Ontvanger, and the Dagtekening
    (the rules' ``$dagtekening``) of a schema-valid message."""
    parts = str(_header_xpath(berichttype.naam)(tree)).split("|", 3)  # only the Identificatie may hold a '|'
    afzender, ontvanger, dagtekening, identificatie = [*parts, "", "", "", ""][:4]
    return _Kop(afzender.strip(), ontvanger.strip(), dagtekening or None, identificatie.strip())


@cache
def _header_xpath(bericht: str) -> etree.XPath:
    return etree.XPath(
        "concat(/m:Bericht/m:Header/m:Afzender, '|', /m:Bericht/m:Header/m:Ontvanger, '|', "
        "/m:Bericht/m:Header/m:BerichtIdentificatie/ijw:Dagtekening, '|', "
        "/m:Bericht/m:Header/m:BerichtIdentificatie/ijw:Identificatie)",
        namespaces={"m": BERICHTTYPEN[bericht].namespace.uri, "ijw": BASISSCHEMA.uri},
    )


def check_built(message: IjwModel, context: ValidationContext) -> CheckedMessage:
    """Validate a message we built ourselves, without writing and re-reading it.

    The model's element tree is checked against the XSD and the rules: the same verdict as
    :func:`check` on ``to_xml(message)``. The checked message carries the bytes a file or
    the ledger will get.
    """
    from ijw_gateway.messages.codec import serialize, to_element

    berichttype = berichttype_of(message)
    root = to_element(message)
    tree = etree.ElementTree(root)
    findings = xsd_findings(tree, berichttype, context.schema_set.schema(berichttype))
    not_judged = NOT_JUDGED_AFTER_XSD if findings else context.not_judged
    if not findings and context.rules:
        findings = _rules(tree, berichttype, context, _header(tree, berichttype))
    data = serialize(root)
    sleutel = digest = None
    if not findings:
        kop = _header(tree, berichttype)
        sleutel, digest = (berichttype.naam, kop.afzender, kop.identificatie), content_digest(data)
    report = MessageReport.of(None, berichttype.naam, findings, not_judged, sleutel=sleutel, digest=digest)
    return CheckedMessage(data, report, berichttype, tree, xsd_valid=not any(f.rule == "XSD" for f in findings),
                          model=message)


def _rules(tree: etree._ElementTree, berichttype: Berichttype, context: ValidationContext, kop: _Kop) -> list[Finding]:
    return run_rules(tree, berichttype, context.system_date, context.resolved_bronnen, kop.dagtekening,
                     kop.for_rules())
