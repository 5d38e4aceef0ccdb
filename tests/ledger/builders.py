"""Small valid iJw messages and bepalingen for the ledger tests, built with the message models."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml

import ijw_gateway as ijw
from ijw_gateway.tussentaal import Bepaling
from ijw_gateway.validation.retour import build_retour
from ijw_gateway.validation.validator import check

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
#: Distinctive personal data, so a byte search of the database cannot hit by chance.
ACHTERNAAM = "Zonnebloemveldhuis"
VOORNAMEN = "Quirijntje"
AGB = "42420001"


def _example(name: str) -> Any:
    return ijw.parse((EXAMPLES / "berichten" / name).read_bytes())


def with_field(model: Any, path: str, value: Any) -> Any:
    """A copy of ``model`` with the field at dotted ``path`` (list positions as numbers) replaced."""
    head, _, rest = path.partition(".")
    if head.isdigit():
        items = list(model)
        items[int(head)] = with_field(items[int(head)], rest, value) if rest else value
        return items
    if not rest:
        return model.model_copy(update={head: value})
    return model.model_copy(update={head: with_field(getattr(model, head), rest, value)})


def _header(model: Any, ident: str, day: date, afzender: str, ontvanger: str) -> Any:
    model = with_field(model, "Header.BerichtIdentificatie.Identificatie", ident)
    model = with_field(model, "Header.BerichtIdentificatie.Dagtekening", day)
    model = with_field(model, "Header.Afzender", afzender)
    return with_field(model, "Header.Ontvanger", ontvanger)


def _client(model: Any, bsn: str) -> Any:
    model = with_field(model, "Client.Bsn", bsn)
    return with_field(model, "Client.Naam.Geslachtsnaam.Achternaam", ACHTERNAAM)


def _bytes(model: Any) -> bytes:
    data = ijw.to_xml(model)
    ijw.parse(data)  # every message a test uses is valid
    return data


def jw315(ident: str, day: date, bsn: str, gemeente: str, refs: list[str], aanbieder: str = AGB) -> bytes:
    model = _client(_header(_example("jw315-verzoek-om-toewijzing.xml"), ident, day, aanbieder, gemeente), bsn)
    first = model.Client.AangevraagdeProducten.AangevraagdProduct[0]
    products = [first.model_copy(update={"ReferentieAanbieder": r}) for r in refs]
    return _bytes(with_field(model, "Client.AangevraagdeProducten.AangevraagdProduct", products))


def jw301(
    ident: str, day: date, bsn: str, gemeente: str, nummer: int, ref: str | None = None, aanbieder: str = AGB
) -> bytes:
    model = _client(_header(_example("jw301-toewijzing.xml"), ident, day, gemeente, aanbieder), bsn)
    product = model.Client.ToegewezenProducten.ToegewezenProduct[0]
    update = {"ToewijzingNummer": nummer, "ReferentieAanbieder": ref, "Toewijzingsdatum": day}
    product = product.model_copy(update=update)
    return _bytes(with_field(model, "Client.ToegewezenProducten.ToegewezenProduct", [product]))


def jw305(ident: str, day: date, bsn: str, gemeente: str, nummer: int, begindatum: date,
          aanbieder: str = AGB) -> bytes:
    """A JW305 Start zorg of toewijzing ``nummer`` (product 45A53, as :func:`jw301`) from ``begindatum``."""
    model = _client(_header(_example("jw305-start-zorg.xml"), ident, day, aanbieder, gemeente), bsn)
    product = model.Client.StartProducten.StartProduct[0]
    product = product.model_copy(update={
        "ToewijzingNummer": nummer, "Begindatum": begindatum, "ToewijzingIngangsdatum": None,
        "Product": product.Product.model_copy(update={"Code": "45A53"})})
    return _bytes(with_field(model, "Client.StartProducten.StartProduct", [product]))


def jw319(ident: str, day: date, gemeente: str, ref: str, antwoord: str = "1", aanbieder: str = AGB) -> bytes:
    model = _header(_example("jw319-antwoord-geen-contract.xml"), ident, day, gemeente, aanbieder)
    model = with_field(model, "Antwoord.ReferentieAanbieder", ref)
    model = with_field(model, "Antwoord.VerzoekAntwoord", antwoord)
    if antwoord == "2":
        model = with_field(model, "Antwoord.RedenAfwijzingVerzoek", None)
    return _bytes(model)


def retour(heen: bytes, day: date) -> bytes:
    """The JW302/JW316 on a heenbericht, as the receiver's validation would send it."""
    model = build_retour(check(heen), day)
    assert model is not None
    return _bytes(model)


def bepaling(kenmerk: str, route: str, gemeente: str, bsn: str) -> Bepaling:
    data = yaml.safe_load((EXAMPLES / "bepalingen" / "02-centraal-gelderland-arnhem-315.yaml").read_text())
    data.update(kenmerk=kenmerk, route=route, gemeente=gemeente)
    data["jeugdige"].update(bsn=bsn, achternaam=ACHTERNAAM, voornamen=VOORNAMEN)
    return Bepaling.model_validate(data)


def write_bepaling(path: Path, kenmerk: str, route: str, gemeente: str, bsn: str) -> Path:
    data = yaml.safe_load((EXAMPLES / "bepalingen" / "02-centraal-gelderland-arnhem-315.yaml").read_text())
    data.update(kenmerk=kenmerk, route=route, gemeente=gemeente)
    data["jeugdige"].update(bsn=bsn, achternaam=ACHTERNAAM, voornamen=VOORNAMEN)
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path
