"""Tenants kept apart: what each kind of organisation may see and do.

* a **gemeente** (CBS code): the cases of that gemeente, messages it sent or received;
* a **regio**: the cases and messages of its municipalities (the tussentaal's region data);
* a **gi** (JBG, WSS, LDH, JVV): the cases it made the bepaling of;
* an **aanbieder** (AGB code): only the cases and messages it is party to; it builds JW315s
  for its own hulp lines, never a JW301.

A case outside the caller's organisation is answered 404, as if it did not exist.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from ijw_gateway.ledger.tenancy import case_ids
from ijw_gateway.ledger.tokens import Org
from ijw_gateway.service.problems import HttpProblem


@cache
def region_gemeenten(regio: str) -> frozenset[str]:
    """The gemeentecodes of a jeugdhulpregio."""
    from ijw_gateway.tussentaal import default_catalog

    return frozenset(code for code, g in default_catalog().gemeenten.items() if g.regio == regio)


def gemeenten_of(org: Org) -> frozenset[str]:
    """The municipalities an organisation speaks for (none for a provider or a GI)."""
    if org.kind == "gemeente":
        return frozenset({org.code})
    if org.kind == "regio":
        return region_gemeenten(org.code)
    return frozenset()


def party_codes(org: Org) -> frozenset[str]:
    """The codes (Afzender/Ontvanger) of the messages an organisation is party to."""
    if org.kind == "aanbieder":
        return frozenset({org.code})
    return gemeenten_of(org)


def visible_cases(ledger: Any, org: Org) -> set[str]:
    if org.kind == "aanbieder":
        return case_ids(ledger, party=org.code)
    if org.kind == "gi":
        return case_ids(ledger, gi=org.code)
    return case_ids(ledger, gemeenten=gemeenten_of(org))


def check_case(ledger: Any, org: Org, case: str) -> None:
    """404 for a case the organisation may not see (whether or not it exists)."""
    if case not in visible_cases(ledger, org):
        raise HttpProblem(404, f"there is no case {case!r} for {org}")


def check_bepaling(org: Org, bepaling: Any, route: str) -> None:
    """403 unless ``org`` may open the case of ``bepaling`` or build its messages on ``route``."""
    if org.kind == "gi" and bepaling.gecertificeerde_instelling == org.code:
        return
    if org.kind in ("gemeente", "regio") and bepaling.gemeente in gemeenten_of(org):
        return
    if org.kind == "aanbieder":
        if route != "315":
            raise HttpProblem(403, f"{org} cannot make a JW301 or open a case: that is the gemeente's or the GI's")
        others = sorted({h.aanbieder for h in bepaling.hulp} - {org.code})
        if not others:
            return
        raise HttpProblem(403, f"{org} can build JW315s for its own hulp lines only; this bepaling also names "
                               f"aanbieder {', '.join(others)}")
    raise HttpProblem(403, f"{org} cannot act for gemeente {bepaling.gemeente} "
                           f"(GI {bepaling.gecertificeerde_instelling})")


def check_party(org: Org, afzender: str, ontvanger: str, direction: str) -> None:
    """403 unless ``org`` sent (direction sent) or received (received) the message."""
    mine = party_codes(org)
    who = afzender if direction == "sent" else ontvanger
    if who not in mine:
        role = "Afzender" if direction == "sent" else "Ontvanger"
        raise HttpProblem(403, f"{org} is not the {role} ({who}) of this message, so it cannot record it "
                               f"as {direction}")


def header_parties(data: bytes) -> tuple[str, str] | None:
    """(Afzender, Ontvanger) of a message's Header, read with the safe parser before anything is judged or
    noted (TR056), or None when the bytes are no readable message (validation then rejects them)."""
    from ijw_gateway.messages import safexml

    try:
        root = safexml.parse(data).getroot()
    except safexml.UnsafeOrMalformedXml:
        return None
    header = next((child for child in root if isinstance(child.tag, str) and child.tag.endswith("}Header")), None)
    if header is None:
        return None
    found = {}
    for child in header:
        if isinstance(child.tag, str):
            found[child.tag.rpartition("}")[2]] = (child.text or "").strip()
    if "Afzender" not in found or "Ontvanger" not in found:
        return None
    return found["Afzender"], found["Ontvanger"]
