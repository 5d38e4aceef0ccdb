"""The chain of a toewijzing: what each message says about it, read from its typed model or, the same
facts, from its checked tree (pure).

A JW301 states toewijzingen (gemeente, ToewijzingNummer, product, period, omvang, budget,
RedenWijziging); a JW305 / JW307 the start and stop of care on them; a JW323 prestaties
declared on them and a JW325 the prestaties the gemeente rejected; a retourbericht (JW302,
JW306, …) which items of its heenbericht were rejected. Each fact carries the natural key
it links by — (gemeente, ToewijzingNummer), (aanbieder, gemeente, ReferentieNummer), the
heenbericht's (type, afzender, identificatie) — never a row id, so linking needs no order
of arrival: whichever message comes first, a query by that key finds the other.

Nothing personal is kept: a client's BSN is read only to be hashed (``bsn`` fields are
transient; :func:`hashed` replaces them by the keyed hash before anything is stored).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, time
from typing import Any

from lxml import etree

from ijw_gateway.ledger.treeread import children, day, items, text
from ijw_gateway.messages.registry import BERICHTTYPEN, Berichttype, berichttype_of
from ijw_gateway.validation.declaratie_antwoord import VOLLEDIG_TOEGEWEZEN
from ijw_gateway.validation.retour import GEEN_OPMERKING

__all__ = [
    "GEEN_OPMERKING",
    "ChainFacts",
    "Declaratie",
    "Levering",
    "Prestatie",
    "RetourItem",
    "Toewijzing",
    "Verzoek",
    "chain_facts",
    "chain_tree_facts",
    "hashed",
]

ACCEPTED = frozenset({GEEN_OPMERKING, VOLLEDIG_TOEGEWEZEN})
"""Retourcodes that reject nothing: no remark, and (a JW325) the declaration awarded in full."""
HEEN_OF_RETOUR = {t.naam: t.heenbericht for t in BERICHTTYPEN.values() if t.heenbericht and t.naam != "JW325"}
"""Each retourbericht's heenbericht, from the registry; not the JW325, an answer with a Header of its own."""
"""The heenbericht of each retourbericht (IV028)."""


@dataclass(frozen=True)
class Toewijzing:
    """A ToegewezenProduct as one JW301 states it (of several statements of a number, the most recent by
    Toewijzingsdatum and Toewijzingstijd is leading)."""

    position: int
    nummer: str
    referentie_aanbieder: str | None
    categorie: str | None
    code: str | None
    ingangsdatum: date
    einddatum: date | None
    reden_wijziging: str | None
    volume: int | None
    eenheid: str | None
    frequentie: str | None
    budget: int | None
    toegewezen_op: str
    """Toewijzingsdatum and Toewijzingstijd as YYYY-MM-DDTHH:MM:SS: which statement of a number is current."""


@dataclass(frozen=True)
class Levering:
    """A StartProduct (JW305) or StopProduct (JW307)."""

    position: int
    nummer: str | None
    categorie: str | None
    code: str | None
    toewijzing_ingangsdatum: date | None
    begindatum: date
    einddatum: date | None
    reden_beeindiging: str | None
    status_aanlevering: str


@dataclass(frozen=True)
class Prestatie:
    """A prestatie of a JW323, or a rejected one of a JW325 (with its retourcodes)."""

    position: int
    client: int
    referentie: str
    vorig_referentie: str | None
    nummer: str
    categorie: str
    code: str
    begindatum: date
    einddatum: date
    volume: int
    eenheid: str
    tarief: int | None
    bedrag: int
    debet_credit: str
    bsn: str | None = field(default=None, repr=False)
    """Transient: the client's BSN, only to be hashed (see :func:`hashed`); afterwards its keyed hash."""
    retourcodes: tuple[str, ...] = ()

    @property
    def signed(self) -> int:
        return -self.bedrag if self.debet_credit == "C" else self.bedrag


@dataclass(frozen=True)
class Declaratie:
    """The Declaratie of a JW323, or the DeclaratieAntwoord of a JW325 (``declaratie_identificatie`` set)."""

    nummer: str
    begindatum: date | None
    einddatum: date | None
    totaal: int
    declaratie_identificatie: str | None = None
    retourcodes: tuple[str, ...] = ()


@dataclass(frozen=True)
class RetourItem:
    """A rejected item of a heenbericht, as its retourbericht says (position 0: the whole message)."""

    heenbericht: str
    afzender: str
    identificatie: str
    position: int
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Verzoek:
    """An AangevraagdProduct (JW315), the Verzoek's products of a JW317, or the Antwoord of a JW319."""

    position: int
    soort: str
    """``aangevraagd``, ``ongewijzigd``, ``te_wijzigen``, ``nieuw`` or ``antwoord``."""
    referentie: str | None
    nummer: str | None = None
    gewenste_ingangsdatum: date | None = None
    einddatum: date | None = None
    omvang: tuple[int, str, str] | None = None
    budget: int | None = None
    verzoek_antwoord: str | None = None
    categorie: str | None = None
    """A NieuwProduct's own Product (the others name theirs by ToewijzingNummer)."""
    code: str | None = None


@dataclass(frozen=True)
class ChainFacts:
    """What one message says about the chain; ``gemeente`` and ``aanbieder`` whichever way it goes."""

    berichttype: str
    gemeente: str
    aanbieder: str
    identificatie: str
    dagtekening: date
    toewijzingen: tuple[Toewijzing, ...] = ()
    leveringen: tuple[Levering, ...] = ()
    prestaties: tuple[Prestatie, ...] = ()
    declaratie: Declaratie | None = None
    retour: tuple[RetourItem, ...] = ()
    verzoeken: tuple[Verzoek, ...] = ()
    """Judged, not stored: the ledger's message and product rows hold what later rules need of them."""
    bsn: str | None = field(default=None, repr=False)
    """Transient: the client's BSN (one-client messages), only to be hashed; afterwards its keyed hash."""

    @property
    def empty(self) -> bool:
        return not (self.toewijzingen or self.leveringen or self.prestaties or self.declaratie or self.retour)


def hashed(facts: ChainFacts, bsn_hash: Callable[[str], str]) -> ChainFacts:
    """``facts`` with every transient BSN replaced by its keyed hash."""
    if facts.bsn is None and not facts.prestaties:  # a retourbericht: nothing to hash
        return facts
    return replace(facts, bsn=bsn_hash(facts.bsn) if facts.bsn else None,
                   prestaties=tuple(replace(p, bsn=bsn_hash(p.bsn) if p.bsn else None) for p in facts.prestaties))


# ---------------------------------------------------------------------- reading a model
def _s(value: Any) -> str | None:
    return None if value is None else str(value)


def _product(item: Any) -> tuple[str | None, str | None]:
    product = getattr(item, "Product", None)
    if product is None:
        return None, None
    return _s(product.Categorie), _s(product.Code)


def _codes(item: Any) -> tuple[str, ...]:
    codes = getattr(item, "RetourCodes", None)
    return tuple(str(c) for c in codes.RetourCode) if codes is not None else ()


def _rejected(codes: tuple[str, ...]) -> bool:
    return bool(codes) and any(c not in ACCEPTED for c in codes)


def _toewijzingen(model: Any) -> tuple[Toewijzing, ...]:
    found = []
    for i, p in enumerate(model.Client.ToegewezenProducten.ToegewezenProduct, 1):
        categorie, code = _product(p)
        omvang = p.Omvang
        found.append(Toewijzing(
            position=i, nummer=str(p.ToewijzingNummer), referentie_aanbieder=_s(p.ReferentieAanbieder),
            categorie=categorie, code=code, ingangsdatum=p.Ingangsdatum, einddatum=p.Einddatum,
            reden_wijziging=_s(p.RedenWijziging),
            volume=int(omvang.Volume) if omvang is not None else None,
            eenheid=_s(omvang.Eenheid) if omvang is not None else None,
            frequentie=_s(omvang.Frequentie) if omvang is not None else None,
            budget=int(p.Budget) if p.Budget is not None else None,
            toegewezen_op=f"{p.Toewijzingsdatum.isoformat()}T{str(p.Toewijzingstijd)[:8]}",
        ))
    return tuple(found)


def _leveringen(items: Any) -> tuple[Levering, ...]:
    found = []
    for i, p in enumerate(items, 1):
        categorie, code = _product(p)
        found.append(Levering(
            position=i, nummer=_s(p.ToewijzingNummer), categorie=categorie, code=code,
            toewijzing_ingangsdatum=p.ToewijzingIngangsdatum, begindatum=p.Begindatum,
            einddatum=getattr(p, "Einddatum", None), reden_beeindiging=_s(getattr(p, "RedenBeeindiging", None)),
            status_aanlevering=str(p.StatusAanlevering),
        ))
    return tuple(found)


def _prestaties(clienten: Any, answer: bool) -> tuple[Prestatie, ...]:
    found = []
    position = 0
    for c, client in enumerate(clienten.Client if clienten is not None else (), 1):
        for p in client.Prestaties.Prestatie:
            position += 1
            ref = p.ProductReferentie
            found.append(Prestatie(
                position=position, client=c, referentie=str(ref.ReferentieNummer),
                vorig_referentie=_s(ref.VorigReferentieNummer), nummer=str(p.ToewijzingNummer),
                categorie=str(p.ProductCategorie), code=str(p.ProductCode), begindatum=p.ProductPeriode.Begindatum,
                einddatum=p.ProductPeriode.Einddatum, volume=int(p.GeleverdVolume), eenheid=str(p.Eenheid),
                tarief=int(p.ProductTarief) if p.ProductTarief is not None else None,
                bedrag=int(p.IngediendBedrag.Bedrag), debet_credit=str(p.IngediendBedrag.DebetCredit),
                bsn=str(client.Bsn), retourcodes=_codes(p) if answer else (),
            ))
    return tuple(found)


def _retour_items(model: Any, heen: str, afzender: str, identificatie: str) -> tuple[RetourItem, ...]:
    """The rejected items of a retourbericht (see :func:`_rejections`)."""
    whole = _codes(model.Header)
    client = getattr(model, "Client", None)
    body = getattr(model, "Antwoord", None)
    items: list[Any] = []
    if client is not None:
        whole += _codes(client)
        for holder, name in _RETOUR_GROUPS:
            if (group := getattr(client, holder, None)) is not None:
                whole += _codes(group)
                items = list(getattr(group, name))
        if (verzoek := getattr(client, "Verzoek", None)) is not None:
            whole += _codes(verzoek)
    if body is not None:
        whole += _codes(body)
    return _rejections(heen, afzender, identificatie, whole, [_codes(item) for item in items])


_RETOUR_GROUPS = (("StartProducten", "StartProduct"), ("StopProducten", "StopProduct"),
                  ("ToegewezenProducten", "ToegewezenProduct"), ("AangevraagdeProducten", "AangevraagdProduct"))
"""Where a retourbericht's Client keeps the products it judges one by one."""


def _rejections(heen: str, afzender: str, identificatie: str, whole: tuple[str, ...],
                per_item: list[tuple[str, ...]]) -> tuple[RetourItem, ...]:
    """Position 0 when the retour's Header, Client or body is rejected (``whole``: nothing of the
    heenbericht then stands), else each rejected product by its position."""
    if _rejected(whole):
        return (RetourItem(heen, afzender, identificatie, 0, tuple(sorted(set(whole) - ACCEPTED))),)
    return tuple(RetourItem(heen, afzender, identificatie, i, codes) for i, codes in enumerate(per_item, 1)
                 if _rejected(codes))


def _base(naam: str, afzender: str, ontvanger: str, identificatie: str, dagtekening: date) -> dict[str, Any]:
    """The fields every message's facts have. ``identificatie`` and ``dagtekening``: a retourbericht's own
    (IdentificatieRetour, DagtekeningRetour), any other message's BerichtIdentificatie."""
    # a retourbericht repeats its heenbericht's Header: Afzender is the heenbericht's sender
    gemeente_sends = naam in ("JW301", "JW319", "JW325", "JW302", "JW320")
    gemeente, aanbieder = (afzender, ontvanger) if gemeente_sends else (ontvanger, afzender)
    return {"berichttype": naam, "identificatie": identificatie, "dagtekening": dagtekening,
            "gemeente": gemeente, "aanbieder": aanbieder}


def _answer(base: dict[str, Any], ontvanger: str, declared: str, header_codes: tuple[str, ...],
            antwoord: tuple[str, int, tuple[str, ...], tuple[Prestatie, ...]] | None) -> ChainFacts:
    """A JW325's facts: ``antwoord`` is (DeclaratieNummer, TotaalToegekendBedrag signed, its RetourCodes,
    the prestaties), None when the whole declaration is rejected in the Header."""
    if antwoord is None:
        return ChainFacts(**base, retour=(RetourItem("JW323", ontvanger, declared, 0, header_codes),))
    nummer, toegekend, codes, prestaties = antwoord
    whole = header_codes + codes
    declaratie = Declaratie(nummer, None, None, toegekend, declared, tuple(sorted(set(whole))))
    retour = (RetourItem("JW323", ontvanger, declared, 0, tuple(sorted(set(whole) - ACCEPTED))),) \
        if _rejected(whole) else ()
    return ChainFacts(**base, prestaties=prestaties, declaratie=declaratie, retour=retour)


def chain_facts(model: Any) -> ChainFacts | None:
    """The chain facts of a parsed message; None for a type that says nothing about a toewijzing."""
    naam = berichttype_of(model).naam
    header = model.Header
    afzender, ontvanger = str(header.Afzender), str(header.Ontvanger)
    ident = header.BerichtIdentificatie
    if naam in HEEN_OF_RETOUR:
        base = _base(naam, afzender, ontvanger, str(header.IdentificatieRetour), header.DagtekeningRetour)
    else:
        base = _base(naam, afzender, ontvanger, str(ident.Identificatie), ident.Dagtekening)
    client = getattr(model, "Client", None)
    if client is not None and naam not in HEEN_OF_RETOUR:
        base["bsn"] = _s(getattr(client, "Bsn", None))
    if naam == "JW301":
        return ChainFacts(**base, toewijzingen=_toewijzingen(model))
    if naam == "JW305":
        return ChainFacts(**base, leveringen=_leveringen(model.Client.StartProducten.StartProduct))
    if naam == "JW307":
        return ChainFacts(**base, leveringen=_leveringen(model.Client.StopProducten.StopProduct))
    if naam == "JW315":
        return ChainFacts(**base, verzoeken=tuple(
            Verzoek(i, "aangevraagd", str(p.ReferentieAanbieder))
            for i, p in enumerate(model.Client.AangevraagdeProducten.AangevraagdProduct, 1)))
    if naam == "JW317":
        return ChainFacts(**base, verzoeken=_wijziging(model.Client.Verzoek))
    if naam == "JW319":
        a = model.Antwoord
        return ChainFacts(**base, verzoeken=(Verzoek(1, "antwoord", str(a.ReferentieAanbieder),
                                                     verzoek_antwoord=str(a.VerzoekAntwoord)),))
    if naam == "JW323":
        d = model.Declaratie
        declaratie = Declaratie(str(d.DeclaratieNummer), d.DeclaratiePeriode.Begindatum,
                                d.DeclaratiePeriode.Einddatum, _signed_total(d.TotaalIngediendBedrag))
        return ChainFacts(**base, prestaties=_prestaties(d.Clienten, answer=False), declaratie=declaratie)
    if naam == "JW325":
        a = model.DeclaratieAntwoord
        return _answer(base, ontvanger, str(header.DeclaratieIdentificatie.Identificatie), _codes(header),
                       None if a is None else (str(a.DeclaratieNummer), _signed_total(a.TotaalToegekendBedrag),
                                               _codes(a), _prestaties(a.Clienten, answer=True)))
    if naam in HEEN_OF_RETOUR:
        heen = HEEN_OF_RETOUR[naam]
        return ChainFacts(**base, retour=_retour_items(model, heen, afzender, str(ident.Identificatie)))
    return None


def _wijziging(verzoek: Any) -> tuple[Verzoek, ...]:
    ref = str(verzoek.ReferentieAanbieder)
    found = [Verzoek(0, "verzoek", ref)]
    if verzoek.OngewijzigdeProducten is not None:
        found += [Verzoek(i, "ongewijzigd", ref, str(p.ToewijzingNummer))
                  for i, p in enumerate(verzoek.OngewijzigdeProducten.OngewijzigdProduct, 1)]
    for soort, group, name in (("te_wijzigen", verzoek.TeWijzigenProducten, "TeWijzigenProduct"),
                               ("nieuw", verzoek.NieuweProducten, "NieuwProduct")):
        if group is None:
            continue
        for i, p in enumerate(getattr(group, name), 1):
            omvang = p.Omvang
            categorie, code = _product(p)
            found.append(Verzoek(
                i, soort, ref, _s(getattr(p, "ToewijzingNummer", None)), p.GewensteIngangsdatum, p.Einddatum,
                (int(omvang.Volume), str(omvang.Eenheid), str(omvang.Frequentie)) if omvang is not None else None,
                int(p.Budget) if p.Budget is not None else None, categorie=categorie, code=code))
    return tuple(found)


def _signed_total(total: Any) -> int:
    return _signed(int(total.TotaalBedrag), str(total.DebetCredit))


def _signed(amount: int, debet_credit: str) -> int:
    return -amount if debet_credit == "C" else amount


# ---------------------------------------------------------------------- reading a tree
# The twin of the model reading above, for a schema-valid message's lxml tree (ingest never builds the
# model): the same facts, values converted as the codec converts them; direct child look-ups only.
def _ts(element: etree._Element | None) -> str | None:
    return None if element is None else text(element)


def _tint(element: etree._Element | None) -> int | None:
    return None if element is None else int(text(element).strip())


def _tnummer(element: etree._Element | None) -> str | None:
    """A ToewijzingNummer as the model gives it: an int, so without leading zeros or white space."""
    return None if element is None else str(int(text(element).strip()))


def _tday(element: etree._Element) -> date:
    return date.fromisoformat(text(element).strip())


def _tproduct(fields: dict[str, etree._Element]) -> tuple[str | None, str | None]:
    product = fields.get("Product")
    if product is None:
        return None, None
    p = children(product)
    return text(p["Categorie"]), _ts(p.get("Code"))


def _tcodes(fields: dict[str, etree._Element]) -> tuple[str, ...]:
    return tuple(text(c) for c in items(fields.get("RetourCodes"), "RetourCode"))


def _tomvang(element: etree._Element | None) -> tuple[int, str, str] | None:
    if element is None:
        return None
    o = children(element)
    return int(text(o["Volume"]).strip()), text(o["Eenheid"]), text(o["Frequentie"])


def _tsigned_total(element: etree._Element) -> int:
    t = children(element)
    return _signed(int(text(t["TotaalBedrag"]).strip()), text(t["DebetCredit"]))


def _ttoewijzingen(client: dict[str, etree._Element]) -> tuple[Toewijzing, ...]:
    found = []
    for i, element in enumerate(items(client["ToegewezenProducten"], "ToegewezenProduct"), 1):
        p = children(element)
        categorie, code = _tproduct(p)
        omvang = _tomvang(p.get("Omvang"))
        tijd = time.fromisoformat(text(p["Toewijzingstijd"]).strip())
        found.append(Toewijzing(
            position=i, nummer=str(int(text(p["ToewijzingNummer"]).strip())),
            referentie_aanbieder=_ts(p.get("ReferentieAanbieder")), categorie=categorie, code=code,
            ingangsdatum=_tday(p["Ingangsdatum"]), einddatum=day(p.get("Einddatum")),
            reden_wijziging=_ts(p.get("RedenWijziging")),
            volume=omvang[0] if omvang is not None else None, eenheid=omvang[1] if omvang is not None else None,
            frequentie=omvang[2] if omvang is not None else None, budget=_tint(p.get("Budget")),
            toegewezen_op=f"{_tday(p['Toewijzingsdatum']).isoformat()}T{str(tijd)[:8]}",
        ))
    return tuple(found)


def _tleveringen(group: etree._Element, name: str) -> tuple[Levering, ...]:
    found = []
    for i, element in enumerate(items(group, name), 1):
        p = children(element)
        categorie, code = _tproduct(p)
        found.append(Levering(
            position=i, nummer=_tnummer(p.get("ToewijzingNummer")), categorie=categorie, code=code,
            toewijzing_ingangsdatum=day(p.get("ToewijzingIngangsdatum")), begindatum=_tday(p["Begindatum"]),
            einddatum=day(p.get("Einddatum")), reden_beeindiging=_ts(p.get("RedenBeeindiging")),
            status_aanlevering=text(p["StatusAanlevering"]),
        ))
    return tuple(found)


def _tprestaties(clienten: etree._Element | None, answer: bool) -> tuple[Prestatie, ...]:
    found = []
    position = 0
    for c, element in enumerate(items(clienten, "Client"), 1):
        client = children(element)
        bsn = text(client["Bsn"])
        for prestatie in items(client["Prestaties"], "Prestatie"):
            position += 1
            p = children(prestatie)
            ref, periode, bedrag = children(p["ProductReferentie"]), children(p["ProductPeriode"]), \
                children(p["IngediendBedrag"])
            found.append(Prestatie(
                position=position, client=c, referentie=text(ref["ReferentieNummer"]),
                vorig_referentie=_ts(ref.get("VorigReferentieNummer")),
                nummer=str(int(text(p["ToewijzingNummer"]).strip())), categorie=text(p["ProductCategorie"]),
                code=text(p["ProductCode"]), begindatum=_tday(periode["Begindatum"]),
                einddatum=_tday(periode["Einddatum"]), volume=int(text(p["GeleverdVolume"]).strip()),
                eenheid=text(p["Eenheid"]), tarief=_tint(p.get("ProductTarief")),
                bedrag=int(text(bedrag["Bedrag"]).strip()), debet_credit=text(bedrag["DebetCredit"]),
                bsn=bsn, retourcodes=_tcodes(p) if answer else (),
            ))
    return tuple(found)


def _twijziging(element: etree._Element) -> tuple[Verzoek, ...]:
    verzoek = children(element)
    ref = text(verzoek["ReferentieAanbieder"])
    found = [Verzoek(0, "verzoek", ref)]
    found += [Verzoek(i, "ongewijzigd", ref, str(int(text(children(p)["ToewijzingNummer"]).strip())))
              for i, p in enumerate(items(verzoek.get("OngewijzigdeProducten"), "OngewijzigdProduct"), 1)]
    for soort, group, name in (("te_wijzigen", "TeWijzigenProducten", "TeWijzigenProduct"),
                               ("nieuw", "NieuweProducten", "NieuwProduct")):
        for i, element in enumerate(items(verzoek.get(group), name), 1):
            p = children(element)
            categorie, code = _tproduct(p)
            found.append(Verzoek(
                i, soort, ref, _tnummer(p.get("ToewijzingNummer")), _tday(p["GewensteIngangsdatum"]),
                day(p.get("Einddatum")), _tomvang(p.get("Omvang")), _tint(p.get("Budget")),
                categorie=categorie, code=code))
    return tuple(found)


def _tretour_items(top: dict[str, etree._Element], header: dict[str, etree._Element], heen: str, afzender: str,
                   identificatie: str) -> tuple[RetourItem, ...]:
    """:func:`_retour_items` read from the tree."""
    whole = _tcodes(header)
    products: list[etree._Element] = []
    if (element := top.get("Client")) is not None:
        client = children(element)
        whole += _tcodes(client)
        for holder, name in _RETOUR_GROUPS:
            if (group := client.get(holder)) is not None:
                whole += _tcodes(children(group))
                products = list(items(group, name))
        if (verzoek := client.get("Verzoek")) is not None:
            whole += _tcodes(children(verzoek))
    if (body := top.get("Antwoord")) is not None:
        whole += _tcodes(children(body))
    return _rejections(heen, afzender, identificatie, whole, [_tcodes(children(p)) for p in products])


def chain_tree_facts(tree: etree._ElementTree, berichttype: Berichttype) -> ChainFacts | None:
    """:func:`chain_facts` of a schema-valid message, read from its tree (the same facts, values and types)."""
    naam = berichttype.naam
    top = children(tree.getroot())
    header = children(top["Header"])
    afzender, ontvanger = text(header["Afzender"]), text(header["Ontvanger"])
    ident = children(header["BerichtIdentificatie"])
    if naam in HEEN_OF_RETOUR:
        base = _base(naam, afzender, ontvanger, text(header["IdentificatieRetour"]),
                     _tday(header["DagtekeningRetour"]))
    else:
        base = _base(naam, afzender, ontvanger, text(ident["Identificatie"]), _tday(ident["Dagtekening"]))
    client = children(top.get("Client"))
    if "Client" in top and naam not in HEEN_OF_RETOUR:
        base["bsn"] = _ts(client.get("Bsn"))
    if naam == "JW301":
        return ChainFacts(**base, toewijzingen=_ttoewijzingen(client))
    if naam == "JW305":
        return ChainFacts(**base, leveringen=_tleveringen(client["StartProducten"], "StartProduct"))
    if naam == "JW307":
        return ChainFacts(**base, leveringen=_tleveringen(client["StopProducten"], "StopProduct"))
    if naam == "JW315":
        return ChainFacts(**base, verzoeken=tuple(
            Verzoek(i, "aangevraagd", text(children(p)["ReferentieAanbieder"]))
            for i, p in enumerate(items(client["AangevraagdeProducten"], "AangevraagdProduct"), 1)))
    if naam == "JW317":
        return ChainFacts(**base, verzoeken=_twijziging(client["Verzoek"]))
    if naam == "JW319":
        a = children(top["Antwoord"])
        return ChainFacts(**base, verzoeken=(Verzoek(1, "antwoord", text(a["ReferentieAanbieder"]),
                                                     verzoek_antwoord=text(a["VerzoekAntwoord"])),))
    if naam == "JW323":
        d = children(top["Declaratie"])
        periode = children(d["DeclaratiePeriode"])
        declaratie = Declaratie(text(d["DeclaratieNummer"]), _tday(periode["Begindatum"]),
                                _tday(periode["Einddatum"]), _tsigned_total(d["TotaalIngediendBedrag"]))
        return ChainFacts(**base, prestaties=_tprestaties(d["Clienten"], answer=False), declaratie=declaratie)
    if naam == "JW325":
        declared = text(children(header["DeclaratieIdentificatie"])["Identificatie"])
        antwoord = None
        if (element := top.get("DeclaratieAntwoord")) is not None:
            a = children(element)
            antwoord = (text(a["DeclaratieNummer"]), _tsigned_total(a["TotaalToegekendBedrag"]), _tcodes(a),
                        _tprestaties(a.get("Clienten"), answer=True))
        return _answer(base, ontvanger, declared, _tcodes(header), antwoord)
    if naam in HEEN_OF_RETOUR:
        return ChainFacts(**base, retour=_tretour_items(top, header, HEEN_OF_RETOUR[naam], afzender,
                                                        text(ident["Identificatie"])))
    return None
