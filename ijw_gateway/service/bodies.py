"""Request bodies: the content type checked (415), the size limited (413, see limits.py), JSON parsed safely."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from ijw_gateway.errors import DataError
from ijw_gateway.service.problems import HttpProblem

XML_TYPES = ("application/xml", "text/xml")
JSON_TYPES = ("application/json",)


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").partition(";")[0].strip().lower()


def expect(request: Request, allowed: tuple[str, ...]) -> str:
    kind = media_type(request)
    if kind not in allowed:
        raise HttpProblem(415, f"the body is {kind or 'of no stated type'}; this endpoint takes "
                               f"{' or '.join(allowed)}")
    return kind


async def xml_body(request: Request) -> bytes:
    """The message in the body (application/xml); 415 for another type, 400 for none."""
    expect(request, XML_TYPES)
    data = await request.body()
    if not data:
        raise HttpProblem(400, "the body is empty; send one iJw message as application/xml")
    return data


async def json_body(request: Request) -> Any:
    """The JSON document in the body (application/json), with our nesting limit and a bepaling file's size."""
    from ijw_gateway.safeyaml import load_json
    from ijw_gateway.tussentaal.bepaling import MAX_BEPALING_BYTES

    expect(request, JSON_TYPES)
    data = await request.body()
    if len(data) > MAX_BEPALING_BYTES:
        raise HttpProblem(413, f"the JSON body is {len(data):,} bytes, more than the {MAX_BEPALING_BYTES:,} bytes "
                               "a bepaling may have")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise HttpProblem(400, "the body is not UTF-8; send JSON in UTF-8") from None
    try:
        return load_json(text, "the body", error=DataError)
    except DataError as error:
        raise HttpProblem(400, str(error)) from None
