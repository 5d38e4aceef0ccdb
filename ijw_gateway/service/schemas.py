"""The response documents of the endpoints, for the OpenAPI schema (the bodies are built by the library)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from ijw_gateway.ledger.deadlines import Deadline
from ijw_gateway.validation.findings import Finding


class Level(BaseModel):
    level: int
    name: str
    judged: bool
    why: str | None = Field(None, description="Why the level was not judged (only when it was not).")


class ValidationResult(BaseModel):
    """One entry of ``ijw validate --format json``."""

    file: str | None
    bericht: str | None
    valid: bool
    findings: list[Finding]
    levels: list[Level]


class BatchLine(BaseModel):
    """One line of the NDJSON stream of /v1/validate/batch: a result, and last the summary."""

    result: ValidationResult | None = None
    summary: dict[str, int] | None = None


class Message(BaseModel):
    bericht: str = Field(description="JW301, JW302, …")
    file: str | None = Field(None, description="The file name `ijw build` or `ijw respond` would write.")
    xml: str = Field(description="The message, UTF-8 XML.")


class IngestResult(BaseModel):
    source: str
    status: str = Field(description="recorded, duplicate, conflict, invalid or unlinked")
    bericht: str | None
    identificatie: str | None
    case: str | None
    detail: str | None


class Built(BaseModel):
    messages: list[Message]
    recorded: list[IngestResult] | None = Field(None, description="What the ledger made of them (record=true).")


class Responded(BaseModel):
    report: ValidationResult
    retour: Message | None
    why_no_retour: str | None
    besluit: list[Message]
    ledger: list[IngestResult] | None


class Mapping(BaseModel):
    """``ijw map --format json``: per hulp line the toewijzing or why it cannot be mapped."""

    model_config = {"extra": "allow"}
    lines: list[dict[str, Any]]


class CaseInfo(BaseModel):
    case: str
    route: str
    gemeente: str
    regio: str | None
    gi: str
    maatregel: str
    opened: str
    created: bool
    mapping: str | None


class Event(BaseModel):
    event: str = Field(description="overleg, bepaling_vastgesteld, bepaling_verstuurd, bepaling_ontvangen, …")
    at: str | None = Field(None, description="YYYY-MM-DD or an ISO date and time (Amsterdam unless it has an "
                                             "offset); default now.")


class EventResult(BaseModel):
    case: str
    event: str
    day: str
    created: bool


class Status(BaseModel):
    """``ijw ledger status --format json``."""

    today: str
    deadlines: list[Deadline]


class Problem(BaseModel):
    """RFC 9457 (``application/problem+json``)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    problems: list[str] | None = None
    findings: list[Finding] | None = None


PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "content": {"application/problem+json": {}}, "description": what}
    for code, what in ((400, "bad input"), (401, "no usable token"), (403, "outside the token's scope or "
                       "organisation"), (413, "body over the limit"), (415, "wrong content type"),
                       (422, "invalid message or bepaling"), (503, "busy, timed out or the ledger is unreachable"))
}
