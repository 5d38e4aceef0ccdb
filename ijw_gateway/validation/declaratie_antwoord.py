"""The JW325 Declaratie-antwoord on a judged JW323: the gemeente's decision on each prestatie.

Built from the JW323's findings (controleniveau 2 and, with the ledger, 3): a prestatie with
an error finding is rejected with its retourcodes, the others are awarded. A technical
rejection (0001) or a finding in the Header rejects the declaration in the Header; a
finding on the Declaratie itself (a DeclaratieNummer used before) rejects the
DeclaratieAntwoord, which then holds no prestaties and awards 0 (TR342). Otherwise the
answer lists only the rejected prestaties, each with its retourcodes, and
TotaalToegekendBedrag = TotaalIngediendBedrag − their sum (TR342); a declaration awarded in
full says 8001.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ijw_gateway.messages import jw323, jw325
from ijw_gateway.messages.identificatie import identificatie
from ijw_gateway.validation.checked import CheckedMessage
from ijw_gateway.validation.findings import RETOURCODE_TECHNISCH, Finding
from ijw_gateway.validation.retour import GEEN_OPMERKING

__all__ = ["VOLLEDIG_TOEGEWEZEN", "build_jw325"]

VOLLEDIG_TOEGEWEZEN = "8001"
"""The JW325's retourcode for a declaration awarded in full."""
_ROOT = "/jw323:Bericht"
_HEADER = f"{_ROOT}/jw323:Header"
_CLIENT = f"{_ROOT}/jw323:Declaratie/jw323:Clienten/jw323:Client["


def _where(path: str | None) -> tuple[str, int | None, int | None]:
    """('header' | 'declaratie' | 'client' | 'prestatie', client, prestatie) a finding's path points at."""
    if path is None:
        return "declaratie", None, None
    if path.startswith(_HEADER):
        return "header", None, None
    if not path.startswith(_CLIENT):
        return "declaratie", None, None
    rest = path[len(_CLIENT):]
    client = int(rest[:rest.index("]")])
    marker = "/jw323:Prestaties/jw323:Prestatie["
    if marker not in rest:
        return "client", client, None
    after = rest[rest.index(marker) + len(marker):]
    return "prestatie", client, int(after[:after.index("]")])


def _signed(total: Any) -> int:
    amount = int(total.TotaalBedrag)
    return -amount if str(total.DebetCredit) == "C" else amount


def _total(amount: int) -> dict[str, Any]:
    return {"TotaalBedrag": abs(amount), "DebetCredit": "C" if amount < 0 else "D"}


def build_jw325(checked: CheckedMessage, today: date) -> jw325.JW325:
    """The JW325 on a schema-valid JW323 whose report holds every finding judged on it."""
    declaratie = checked.model
    assert isinstance(declaratie, jw323.JW323)
    errors: list[Finding] = [f for f in checked.report.findings if f.severity == "error"]
    header = declaratie.Header
    antwoord_header: dict[str, Any] = {
        "BerichtCode": "491", "BerichtVersie": header.BerichtVersie, "BerichtSubversie": header.BerichtSubversie,
        "Afzender": header.Ontvanger, "Ontvanger": header.Afzender,
        "BerichtIdentificatie": {"Identificatie": identificatie("JW325", checked.digest), "Dagtekening": today},
        "DeclaratieIdentificatie": header.BerichtIdentificatie, "XsdVersieDeclaratie": header.XsdVersie,
        "RetourCodes": {"RetourCode": [GEEN_OPMERKING]},
    }
    if any(f.retourcode == RETOURCODE_TECHNISCH for f in errors):
        antwoord_header["RetourCodes"] = {"RetourCode": [RETOURCODE_TECHNISCH]}
        return jw325.JW325.model_validate({"Header": antwoord_header})
    in_header = sorted({f.retourcode for f in errors if _where(f.path)[0] == "header"})
    if in_header:
        antwoord_header["RetourCodes"] = {"RetourCode": in_header}
        return jw325.JW325.model_validate({"Header": antwoord_header})
    body = declaratie.Declaratie
    ingediend = _signed(body.TotaalIngediendBedrag)
    antwoord: dict[str, Any] = {"DeclaratieNummer": body.DeclaratieNummer,
                                "TotaalIngediendBedrag": body.TotaalIngediendBedrag}
    on_declaratie = sorted({f.retourcode for f in errors if _where(f.path)[0] == "declaratie"})
    if on_declaratie:
        antwoord.update(TotaalToegekendBedrag=_total(0), RetourCodes={"RetourCode": on_declaratie})
        return jw325.JW325.model_validate({"Header": antwoord_header, "DeclaratieAntwoord": antwoord})
    client_codes: dict[int, set[str]] = {}
    prestatie_codes: dict[tuple[int, int], set[str]] = {}
    for finding in errors:
        kind, client, prestatie = _where(finding.path)
        assert client is not None
        if kind == "client":
            client_codes.setdefault(client, set()).add(finding.retourcode)
        else:
            assert prestatie is not None
            prestatie_codes.setdefault((client, prestatie), set()).add(finding.retourcode)
    rejected_sum = 0
    clienten = []
    for c, client in enumerate(body.Clienten.Client, 1):
        own = client_codes.get(c, set())
        rejected = []
        for i, p in enumerate(client.Prestaties.Prestatie, 1):
            codes = prestatie_codes.get((c, i)) or own  # a rejected client: each prestatie for its reason
            if not codes:
                continue
            rejected.append({**dict(p), "RetourCodes": {"RetourCode": sorted(codes)}})
            amount = int(p.IngediendBedrag.Bedrag)
            rejected_sum += -amount if str(p.IngediendBedrag.DebetCredit) == "C" else amount
        if rejected:
            clienten.append({"Bsn": client.Bsn, "Prestaties": {"Prestatie": rejected},
                             "RetourCodes": {"RetourCode": sorted(own) or [GEEN_OPMERKING]}})
    antwoord["TotaalToegekendBedrag"] = _total(ingediend - rejected_sum)
    if clienten:
        antwoord["Clienten"] = {"Client": clienten}
    antwoord["RetourCodes"] = {"RetourCode": [GEEN_OPMERKING if clienten else VOLLEDIG_TOEGEWEZEN]}
    return jw325.JW325.model_validate({"Header": antwoord_header, "DeclaratieAntwoord": antwoord})
