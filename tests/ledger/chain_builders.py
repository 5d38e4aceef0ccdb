"""Messages of a toewijzing's chain (JW301, JW305, JW307, JW317, JW323) with chosen facts, for the
chain and cross-message rule tests: built from the shipped examples with the message models."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import ijw_gateway as ijw
from ijw_gateway.messages import jw317 as m
from tests.ledger.builders import ACHTERNAAM, _example, _header, with_field

GEMEENTE = "0202"  # Arnhem
AANBIEDER = "42420001"


def _bytes(model: Any) -> bytes:
    data = ijw.to_xml(model)
    ijw.parse(data)
    return data


@dataclass(frozen=True)
class Toewijzing:
    nummer: int
    ingang: date
    eind: date | None = None
    categorie: str = "45"
    code: str | None = "45A53"
    volume: int | None = 2
    eenheid: str = "04"
    frequentie: str = "2"
    budget: int | None = None
    reden: str | None = None
    ref: str | None = None
    toegewezen: date | None = None
    tijd: str = "10:30:00"


def jw301(ident: str, day: date, bsn: str, toewijzingen: list[Toewijzing], *, gemeente: str = GEMEENTE,
          aanbieder: str = AANBIEDER) -> bytes:
    model = _header(_example("jw301-toewijzing.xml"), ident, day, gemeente, aanbieder)
    model = with_field(model, "Client.Bsn", bsn)
    model = with_field(model, "Client.Naam.Geslachtsnaam.Achternaam", ACHTERNAAM)
    first = model.Client.ToegewezenProducten.ToegewezenProduct[0]
    products = []
    for t in toewijzingen:
        update: dict[str, Any] = {
            "ToewijzingNummer": t.nummer, "ReferentieAanbieder": t.ref,
            "Product": None if t.categorie is None else first.Product.model_copy(
                update={"Categorie": t.categorie, "Code": t.code}),
            "Toewijzingsdatum": t.toegewezen or day, "Toewijzingstijd": t.tijd, "Ingangsdatum": t.ingang,
            "Einddatum": t.eind, "RedenWijziging": t.reden, "Budget": t.budget,
            "Omvang": None if t.volume is None else first.Omvang.model_copy(
                update={"Volume": t.volume, "Eenheid": t.eenheid, "Frequentie": t.frequentie}),
        }
        products.append(first.model_copy(update=update))
    return _bytes(with_field(model, "Client.ToegewezenProducten.ToegewezenProduct", products))


@dataclass(frozen=True)
class Levering:
    nummer: int | None
    begindatum: date
    status: str = "1"
    categorie: str = "45"
    code: str | None = "45A53"
    einddatum: date | None = None  # JW307
    reden: str = "02"  # JW307: RedenBeeindiging


def _regie(example: str, items_path: str, ident: str, day: date, bsn: str, items: list[Levering], stop: bool,
           gemeente: str, aanbieder: str) -> bytes:
    model = _header(_example(example), ident, day, aanbieder, gemeente)
    model = with_field(model, "Client.Bsn", bsn)
    model = with_field(model, "Client.Naam.Geslachtsnaam.Achternaam", ACHTERNAAM)
    holder = model.Client
    for name in items_path.split(".")[1:-1]:
        holder = getattr(holder, name)
    first = getattr(holder, items_path.split(".")[-1])[0]
    products = []
    for lv in items:
        update: dict[str, Any] = {
            "ToewijzingNummer": lv.nummer, "Begindatum": lv.begindatum, "StatusAanlevering": lv.status,
            "ToewijzingIngangsdatum": None,
            "Product": None if first.Product is None and lv.categorie is None else (
                first.Product or _example("jw301-toewijzing.xml").Client.ToegewezenProducten
                .ToegewezenProduct[0].Product).model_copy(update={"Categorie": lv.categorie, "Code": lv.code}),
        }
        if stop:
            update.update(Einddatum=lv.einddatum, RedenBeeindiging=lv.reden)
        products.append(first.model_copy(update=update))
    return _bytes(with_field(model, items_path, products))


def jw305(ident: str, day: date, bsn: str, items: list[Levering], *, gemeente: str = GEMEENTE,
          aanbieder: str = AANBIEDER) -> bytes:
    return _regie("jw305-start-zorg.xml", "Client.StartProducten.StartProduct", ident, day, bsn, items, False,
                  gemeente, aanbieder)


def jw307(ident: str, day: date, bsn: str, items: list[Levering], *, gemeente: str = GEMEENTE,
          aanbieder: str = AANBIEDER) -> bytes:
    return _regie("jw307-stop-zorg.xml", "Client.StopProducten.StopProduct", ident, day, bsn, items, True,
                  gemeente, aanbieder)


@dataclass(frozen=True)
class Prestatie:
    ref: str
    nummer: int
    begin: date
    eind: date
    volume: int = 8
    categorie: str = "45"
    code: str = "45A53"
    eenheid: str = "04"
    tarief: int = 10454  # 45A53 in Centraal Gelderland's contract of 2026
    dc: str = "D"
    vorig: str | None = None

    @property
    def bedrag(self) -> int:
        return self.volume * self.tarief

    @property
    def signed(self) -> int:
        return -self.bedrag if self.dc == "C" else self.bedrag


@dataclass(frozen=True)
class Client:
    bsn: str
    prestaties: list[Prestatie] = field(default_factory=list)


def jw323(ident: str, day: date, nummer: str, periode: tuple[date, date], clients: list[Client], *,
          gemeente: str = GEMEENTE, aanbieder: str = AANBIEDER) -> bytes:
    model = _header(_example("jw323-declaratie.xml"), ident, day, aanbieder, gemeente)
    example = model.Declaratie.Clienten.Client[0]
    first = example.Prestaties.Prestatie[0]
    clienten = []
    total = 0
    for c in clients:
        prestaties = []
        for p in c.prestaties:
            total += p.signed
            prestaties.append(first.model_copy(update={
                "ProductReferentie": first.ProductReferentie.model_copy(
                    update={"ReferentieNummer": p.ref, "VorigReferentieNummer": p.vorig}),
                "ToewijzingNummer": p.nummer, "ProductCategorie": p.categorie, "ProductCode": p.code,
                "ProductPeriode": first.ProductPeriode.model_copy(update={"Begindatum": p.begin, "Einddatum": p.eind}),
                "GeleverdVolume": p.volume, "Eenheid": p.eenheid, "ProductTarief": p.tarief,
                "IngediendBedrag": first.IngediendBedrag.model_copy(update={"Bedrag": p.bedrag, "DebetCredit": p.dc}),
            }))
        clienten.append(example.model_copy(update={
            "Bsn": c.bsn, "Prestaties": example.Prestaties.model_copy(update={"Prestatie": prestaties})}))
    body = model.Declaratie.model_copy(update={
        "DeclaratieNummer": nummer,
        "DeclaratiePeriode": model.Declaratie.DeclaratiePeriode.model_copy(
            update={"Begindatum": periode[0], "Einddatum": periode[1]}),
        "DeclaratieDagtekening": day,
        "TotaalIngediendBedrag": model.Declaratie.TotaalIngediendBedrag.model_copy(
            update={"TotaalBedrag": abs(total), "DebetCredit": "C" if total < 0 else "D"}),
        "Clienten": model.Declaratie.Clienten.model_copy(update={"Client": clienten}),
    })
    return _bytes(model.model_copy(update={"Declaratie": body}))


@dataclass(frozen=True)
class Wijziging:
    nummer: int
    gewenst: date
    eind: date | None = None
    omvang: tuple[int, str, str] | None = (3, "04", "2")
    budget: int | None = None


def jw317(ident: str, day: date, bsn: str, ref: str, ongewijzigd: list[int], te_wijzigen: list[Wijziging], *,
          gemeente: str = GEMEENTE, aanbieder: str = AANBIEDER) -> bytes:
    model = _header(_example("jw317-verzoek-om-wijziging.xml"), ident, day, aanbieder, gemeente)
    model = with_field(model, "Client.Bsn", bsn)
    verzoek = model.Client.Verzoek
    update: dict[str, Any] = {
        "ReferentieAanbieder": ref, "NieuweProducten": None,
        "OngewijzigdeProducten": m.OngewijzigdeProducten(
            OngewijzigdProduct=[m.OngewijzigdProduct(ToewijzingNummer=n) for n in ongewijzigd])
        if ongewijzigd else None,
        "TeWijzigenProducten": m.TeWijzigenProducten(TeWijzigenProduct=[m.TeWijzigenProduct(
            ToewijzingNummer=w.nummer, GewensteIngangsdatum=w.gewenst, Einddatum=w.eind, Budget=w.budget,
            Omvang=None if w.omvang is None else {"Volume": w.omvang[0], "Eenheid": w.omvang[1],
                                                   "Frequentie": w.omvang[2]}) for w in te_wijzigen])
        if te_wijzigen else None,
    }
    return _bytes(with_field(model, "Client.Verzoek", verzoek.model_copy(update=update)))
