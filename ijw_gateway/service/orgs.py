"""The organisation a token speaks for, read from ``--org`` / a request: ``gemeente:0202``,
``aanbieder:42420001``, ``gi:JBG``, ``regio:Achterhoek``.

Here and not in ``ledger/tokens.py``: a region is checked against the tussentaal's list of
regions, and the ledger knows no tussentaal.
"""

from __future__ import annotations

import re

from ijw_gateway.errors import UsageError
from ijw_gateway.ledger.tokens import GI_CODES, ORG_KINDS, Org

__all__ = ["parse_org"]


def parse_org(value: str, option: str = "--org") -> Org:
    """``gemeente:<CBS code>``, ``aanbieder:<AGB code>``, ``gi:<JBG|WSS|LDH|JVV>`` or ``regio:<name>``."""
    from ijw_gateway.tussentaal.gemeenten import REGIOS, regio_slug

    kind, sep, code = value.strip().partition(":")
    expected = ("expected gemeente:<4-digit CBS code>, aanbieder:<8-digit AGB code>, "
                f"gi:<{'|'.join(GI_CODES)}> or regio:<name>")
    if not sep or kind not in ORG_KINDS:
        raise UsageError(f"{option} {value}: {expected}")
    code = code.strip()
    if kind == "gemeente" and not re.fullmatch(r"[0-9]{4}", code):
        raise UsageError(f"{option} {value}: a gemeente is its CBS gemeentecode of four digits, e.g. gemeente:0202")
    if kind == "aanbieder" and not re.fullmatch(r"[0-9]{8}", code):
        raise UsageError(f"{option} {value}: an aanbieder is its AGB code of eight digits, e.g. aanbieder:42420001")
    if kind == "gi":
        code = code.upper()
        if code not in GI_CODES:
            raise UsageError(f"{option} {value}: a gecertificeerde instelling is one of {', '.join(GI_CODES)}")
    if kind == "regio":
        by_slug = {regio_slug(r): r for r in REGIOS}
        found = by_slug.get(regio_slug(code))
        if found is None:
            raise UsageError(f"{option} {value}: a regio is one of {', '.join(REGIOS)}")
        code = found
    return Org(kind, code)  # type: ignore[arg-type]
