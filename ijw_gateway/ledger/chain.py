"""The chain of a toewijzing: what each message says about it, read from its typed model (pure).

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
from datetime import date
from typing import Any

from ijw_gateway.messages.registry import berichttype_of

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
    "hashed",
]

GEEN_OPMERKING = "0200"
ACCEPTED = frozenset({GEEN_OPMERKING, "8001"})
"""Retourcodes that reject nothing: no remark, and (a JW325) the declaration awarded in full."""
HEEN_OF_RETOUR = {"JW302": "JW301", "JW306": "JW305", "JW308": "JW307", "JW316": "JW315", "JW318": "JW317",
                  "JW320": "JW319"}
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
    """The rejected items of a retourbericht: position 0 when its Header, Client or body is rejected
    (nothing of the heenbericht then stands), else each rejected product by its position."""
    whole = _codes(model.Header)
    client = getattr(model, "Client", None)
    body = getattr(model, "Antwoord", None)
    items: list[Any] = []
    if client is not None:
        whole += _codes(client)
        for holder, name in (("StartProducten", "StartProduct"), ("StopProducten", "StopProduct"),
                             ("ToegewezenProducten", "ToegewezenProduct"),
                             ("AangevraagdeProducten", "AangevraagdProduct")):
            if (group := getattr(client, holder, None)) is not None:
                whole += _codes(group)
                items = list(getattr(group, name))
        if (verzoek := getattr(client, "Verzoek", None)) is not None:
            whole += _codes(verzoek)
    if body is not None:
        whole += _codes(body)
    if _rejected(whole):
        return (RetourItem(heen, afzender, identificatie, 0, tuple(sorted(set(whole) - ACCEPTED))),)
    return tuple(RetourItem(heen, afzender, identificatie, i, codes) for i, item in enumerate(items, 1)
                 if _rejected(codes := _codes(item)))


def chain_facts(model: Any) -> ChainFacts | None:
    """The chain facts of a parsed message; None for a type that says nothing about a toewijzing."""
    naam = berichttype_of(model).naam
    header = model.Header
    afzender, ontvanger = str(header.Afzender), str(header.Ontvanger)
    ident = header.BerichtIdentificatie
    base: dict[str, Any] = {"berichttype": naam, "identificatie": str(ident.Identificatie),
                            "dagtekening": ident.Dagtekening}
    # a retourbericht repeats its heenbericht's Header: Afzender is the heenbericht's sender
    gemeente_sends = naam in ("JW301", "JW319", "JW325", "JW302", "JW320")
    if naam in HEEN_OF_RETOUR:
        base["identificatie"] = str(header.IdentificatieRetour)
        base["dagtekening"] = header.DagtekeningRetour
    gemeente, aanbieder = (afzender, ontvanger) if gemeente_sends else (ontvanger, afzender)
    base.update(gemeente=gemeente, aanbieder=aanbieder)
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
        antwoord = model.DeclaratieAntwoord
        declared = str(header.DeclaratieIdentificatie.Identificatie)
        if antwoord is None:  # the whole declaration rejected in the Header
            return ChainFacts(**base, retour=(RetourItem("JW323", ontvanger, declared, 0, _codes(header)),))
        declaratie = Declaratie(str(antwoord.DeclaratieNummer), None, None,
                                _signed_total(antwoord.TotaalToegekendBedrag), declared,
                                tuple(sorted(set(_codes(header) + _codes(antwoord)))))
        whole = _codes(header) + _codes(antwoord)
        retour = (RetourItem("JW323", ontvanger, declared, 0, tuple(sorted(set(whole) - ACCEPTED))),) \
            if _rejected(whole) else ()
        return ChainFacts(**base, prestaties=_prestaties(antwoord.Clienten, answer=True), declaratie=declaratie,
                          retour=retour)
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
    amount = int(total.TotaalBedrag)
    return -amount if str(total.DebetCredit) == "C" else amount
