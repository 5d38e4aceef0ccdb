"""What the route modules share: the ledger of the process, dates from queries, the OpenAPI bodies."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import Request

from ijw_gateway.cli.options import parse_date


def ledger(request: Request) -> Any:
    return request.app.state.ledger


def day(value: str | None, name: str) -> date | None:
    """A YYYY-MM-DD query parameter, checked as the CLI checks ``--today`` (the same sentence)."""
    return parse_date(value, name)


def xml_request(description: str) -> dict[str, Any]:
    return {"requestBody": {"required": True, "description": description, "content": {
        "application/xml": {"schema": {"type": "string", "format": "binary"}}}}}


def json_request(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"requestBody": {"required": True, "description": description,
                            "content": {"application/json": {"schema": schema}}}}
