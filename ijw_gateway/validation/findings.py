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


class MessageReport(BaseModel):
    """The verdict on one message: valid when it has no error findings."""

    file: str | None = None
    bericht: str | None = None
    valid: bool
    findings: list[Finding] = Field(default_factory=list)
    sleutel: tuple[str, str, str] | None = Field(default=None, exclude=True, repr=False)
    """(berichttype, Afzender, Identificatie) of a schema-valid message: the key of TR056."""
    digest: str | None = Field(default=None, exclude=True, repr=False)
    """The content digest of that message, to tell it from another one under the same key."""

    def with_finding(self, finding: Finding) -> "MessageReport":
        findings = [*self.findings, finding]
        return self.model_copy(update={"findings": findings, "valid": self.valid and finding.severity != "error"})

    @classmethod
    def of(cls, file: str | None, bericht: str | None, findings: list[Finding]) -> "MessageReport":
        return cls(
            file=file,
            bericht=bericht,
            valid=not any(f.severity == "error" for f in findings),
            findings=findings,
        )

    def as_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")
