"""What validation reports: findings per message, in the shape of ``ijw validate --format json``."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Severity = Literal["error", "warning"]

RULE_XML = "XML"
"""Not well-formed or unsafe XML, or not an iJw message at all."""
RULE_XSD = "XSD"
"""Well-formed, but not valid against the message's XSD."""
RETOURCODE_TECHNISCH = "0001"


class Finding(BaseModel):
    """One problem found in one message."""

    model_config = ConfigDict(frozen=True)

    rule: str
    retourcode: str
    severity: Severity = "error"
    path: str | None = None
    line: int | None = None
    message: str


LEVELS: dict[int, str] = {
    1: "berichtformaat (XSD)",
    2: "berichtinhoud",
    3: "berichtoverstijgend",
    4: "externe bron",
}
"""The control levels of IV032, in the order a message passes them."""

NotJudged = dict[int, str]
"""Control level → why a verdict did not (fully) judge it; a level not named was judged."""

NOT_JUDGED_AT_ALL: NotJudged = {n: "the bytes are not a safe, well-formed iJw 3.2 message" for n in LEVELS}
NOT_JUDGED_AFTER_XSD: NotJudged = {n: "the message failed controleniveau 1 (XSD)" for n in (2, 3, 4)}


_set = object.__setattr__


class MessageReport(BaseModel):
    """The verdict on one message: valid when it has no error findings."""

    file: str | None = None
    bericht: str | None = None
    valid: bool
    findings: list[Finding] = Field(default_factory=list)
    not_judged: NotJudged = Field(default_factory=dict, exclude=True, repr=False)
    """The control levels this verdict did not (fully) judge, and why (see :meth:`levels`)."""
    sleutel: tuple[str, str, str] | None = Field(default=None, exclude=True, repr=False)
    """(berichttype, Afzender, Identificatie) of a schema-valid message: the key of TR056."""
    digest: str | None = Field(default=None, exclude=True, repr=False)
    """The content digest of that message, to tell it from another one under the same key."""

    def with_finding(self, finding: Finding) -> "MessageReport":
        findings = [*self.findings, finding]
        return self.model_copy(update={"findings": findings, "valid": self.valid and finding.severity != "error"})

    @classmethod
    def of(
        cls,
        file: str | None,
        bericht: str | None,
        findings: list[Finding],
        not_judged: NotJudged | None = None,
        *,
        sleutel: tuple[str, str, str] | None = None,
        digest: str | None = None,
    ) -> "MessageReport":
        report = cls.__new__(cls)  # what model_construct does, without its per-field work (every message has one)
        _set(report, "__dict__", {
            "file": file, "bericht": bericht, "valid": not any(f.severity == "error" for f in findings),
            "findings": findings, "not_judged": not_judged if not_judged is not None else {}, "sleutel": sleutel,
            "digest": digest,
        })
        _set(report, "__pydantic_fields_set__", set(_REPORT_FIELDS))
        _set(report, "__pydantic_extra__", None)
        _set(report, "__pydantic_private__", None)
        return report

    def levels(self) -> list[dict[str, Any]]:
        """Each control level with whether this verdict judged it (and why not, where it did not)."""
        return [
            {"level": number, "name": name, "judged": number not in self.not_judged}
            | ({"why": self.not_judged[number]} if number in self.not_judged else {})
            for number, name in LEVELS.items()
        ]

    def as_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json") | {"levels": self.levels()}


_REPORT_FIELDS = frozenset({"file", "bericht", "valid", "findings", "not_judged"})
