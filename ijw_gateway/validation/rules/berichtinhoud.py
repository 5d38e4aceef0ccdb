"""Controleniveau 2: conditions, constraints and technical rules checkable within one message.

All carry retourcode 0001 (IV032): a message breaking one is rejected technically.
Most are XPath hits (see ``registry.Hit``); the few that compare elements with each
other (duplicates, overlapping periods) or need a library (the elfproef) are tree checks
that stay linear or n·log n whatever the message's size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ijw_gateway.messages.codelists import EENHEID, FREQUENTIE
from ijw_gateway.validation.rules.common import (
    OPEN_END,
    Periode,
    Producten,
    date_key,
    duplicates,
    elfproef_breaks,
    more_than_one,
    one_of,
    overlaps,
    repeated_keys,
)
from ijw_gateway.validation.rules.registry import Hit, HitNode, TreeInput, Violation, rule, xpath_rule

WITH_CLIENT_BSN = ("JW301", "JW305", "JW307", "JW315", "JW317")
TOEWIJZING_EN_VERZOEK = ("JW301", "JW315")

PRODUCTEN = {
    "JW301": Producten("m:Client/m:ToegewezenProducten/m:ToegewezenProduct", "Ingangsdatum", "Einddatum"),
    "JW315": Producten("m:Client/m:AangevraagdeProducten/m:AangevraagdProduct", "ToewijzingIngangsdatum",
                       "ToewijzingEinddatum"),
}


def per_product(berichten: tuple[str, ...], make: Callable[[Producten], Hit]) -> dict[str, Hit]:
    """One hit per message type, made by ``make`` for the type's product layout."""
    return {b: make(PRODUCTEN[b]) for b in berichten}


# --- the client ---------------------------------------------------------------------------------


xpath_rule("CS002", "Client.Bsn", "BSN voldoet aan de elfproef.",
           {b: Hit("m:Client/m:Bsn", elfproef_breaks("."), "the BSN does not pass the elfproef (11-test)")
            for b in WITH_CLIENT_BSN})


_GEBOORTEDATUM_CLIENT = ("JW301", "JW305", "JW307", "JW315")

xpath_rule(
    "TR002", "Client.Geboortedatum", "Geboortedatum ligt niet meer dan 120 jaar voor de Dagtekening, tenzij onbekend.",
    {b: Hit("m:Client/m:Geboortedatum",
            "date(ijw:Datum) < $dagtekening - 1200000 "
            "and not(ijw:DatumGebruik = '3' and ijw:Datum = '1900-01-01')",
            "the Geboortedatum lies more than 120 years before the Dagtekening", at="ijw:Datum")
     for b in _GEBOORTEDATUM_CLIENT},
)

xpath_rule(
    "TR134", "Client.Geboortedatum", "Geboortedatum is een bestaande datum niet na de Dagtekening.",
    {b: Hit("m:Client/m:Geboortedatum", "date(ijw:Datum) > $dagtekening",
            "the Geboortedatum lies after the Dagtekening", at="ijw:Datum")
     for b in _GEBOORTEDATUM_CLIENT},
)

_DATUMGEBRUIK = {
    "1": ("substring(ijw:Datum, 9, 2) != '01'", "the first day of a month (01-MM-EEJJ)"),
    "2": ("substring(ijw:Datum, 6, 5) != '01-01'", "1 January (01-01-EEJJ)"),
    "3": ("ijw:Datum != '1900-01-01'", "01-01-1900"),
}


def _datumgebruik(hit: HitNode) -> str:
    gebruik = hit.text("ijw:DatumGebruik") or ""
    return f"DatumGebruik {gebruik} requires the Datum to be {_DATUMGEBRUIK[gebruik][1]}"


_DATUMGEBRUIK_TEST = "ijw:DatumGebruik and (" + " or ".join(
    f"(ijw:DatumGebruik = '{code}' and {test})" for code, (test, _) in _DATUMGEBRUIK.items()) + ")"

_CLIENT_DATUMGEBRUIK = Hit("m:Client/m:Geboortedatum", _DATUMGEBRUIK_TEST, _datumgebruik, at="ijw:Datum")

xpath_rule(
    "CS139", "Geboortedatum.DatumGebruik",
    "DatumGebruik en Datum van een Geboortedatum zijn met elkaar in overeenstemming.",
    {
        **{b: _CLIENT_DATUMGEBRUIK for b in _GEBOORTEDATUM_CLIENT},
        "JW301": (_CLIENT_DATUMGEBRUIK, Hit("m:Client/m:Relaties/m:Relatie/m:Geboortedatum", _DATUMGEBRUIK_TEST,
                                            _datumgebruik, at="ijw:Datum")),
    },
)


# --- products: periods, omvang, budget ------------------------------------------------------------


# The product rules below are written once over a product layout (:class:`Producten`): the
# toewijzing and the verzoek use them here, the verzoek om wijziging in ``wijziging.py``.


def eind_voor_ingang(p: Producten) -> Hit:
    """CS003: the product's end lies before its start."""

    def explain(hit: HitNode) -> str:
        return f"{p.eind} {hit.text(f'm:{p.eind}')} lies before {p.ingang} {hit.text(f'm:{p.ingang}')}"

    return Hit(p.context, f"m:{p.eind} and date(m:{p.eind}) < date(m:{p.ingang})", explain, at=f"m:{p.eind}")


def einddatum_bij_budget(p: Producten) -> Hit:
    """CD075: a Budget without an end."""
    return Hit(p.context, f"m:Budget and not(m:{p.eind})", f"{p.eind} is required when a Budget is given",
               at=f"m:{p.eind}")


def einddatum_per_week(p: Producten) -> Hit:
    """CD076: Frequentie 2 (per week) without an end."""
    return Hit(p.context, f"not(m:{p.eind}) and m:Omvang/ijw:Frequentie = '2'",
               f"{p.eind} is required when the Frequentie is 2 (per week)", at=f"m:{p.eind}")


def geen_omvang_bij_budget(p: Producten) -> Hit:
    """CD077: Omvang and Budget together (the Omvang's side)."""
    return Hit(p.context, "m:Budget and m:Omvang", "Omvang must be empty when a Budget is given", at="m:Omvang")


def geen_budget_bij_omvang(p: Producten) -> Hit:
    """CD078: Omvang and Budget together (the Budget's side)."""
    return Hit(p.context, "m:Budget and m:Omvang", "Budget must be empty when an Omvang is given", at="m:Budget")


def product_zonder_budget(p: Producten) -> Hit:
    """CD079: neither a Product nor a Budget."""
    return Hit(p.context, "not(m:Product) and not(m:Budget)", "Product is required when no Budget is given",
               at="m:Product")


def omvang_bij_code(p: Producten) -> Hit:
    """CD041: a product code without an Omvang."""
    return Hit(p.context, "not(m:Omvang) and m:Product/ijw:Code",
               lambda hit: f"Omvang is required for product code {hit.text('m:Product/ijw:Code')}", at="m:Omvang")


def geen_omvang_zonder_code(p: Producten) -> Hit:
    """CD080 / CD095 / CD096: an Omvang for a product without code that runs after 2020."""
    return Hit(p.context, f"not(m:Product/ijw:Code) and m:Omvang and {p.runs_after_cutover()}",
               "Omvang must be empty when Product has no Code and the toewijzing runs after 2020-12-31",
               at="m:Omvang")


def _periode_eind_voor_begin(context: str) -> Hit:
    def explain(hit: HitNode) -> str:
        return f"Einddatum {hit.text('ijw:Einddatum')} lies before Begindatum {hit.text('ijw:Begindatum')}"

    return Hit(context, "ijw:Begindatum and ijw:Einddatum and date(ijw:Einddatum) < date(ijw:Begindatum)", explain,
               at="ijw:Einddatum")


CONTACTEN_301 = ("m:Client/m:Contactgegevens/m:Contact", "m:Client/m:Relaties/m:Relatie/m:Contact")
"""Every Contact of a JW301: the client's and each relatie's."""

xpath_rule(
    "CS003", "ToegewezenProduct.Einddatum / AangevraagdProduct.ToewijzingEinddatum",
    "Einddatum is groter dan of gelijk aan de Ingangsdatum.",
    {
        "JW301": (eind_voor_ingang(PRODUCTEN["JW301"]),
                  *(_periode_eind_voor_begin(f"{c}/m:Periode") for c in CONTACTEN_301)),
        "JW315": eind_voor_ingang(PRODUCTEN["JW315"]),
    },
)

xpath_rule("CD075", "Einddatum", "Einddatum is verplicht als Budget gevuld is.",
           per_product(TOEWIJZING_EN_VERZOEK, einddatum_bij_budget))
xpath_rule("CD076", "Einddatum", "Einddatum is verplicht als Frequentie 2 (per week) is.",
           per_product(TOEWIJZING_EN_VERZOEK, einddatum_per_week))
xpath_rule("CD077", "Omvang", "Omvang is leeg als Budget gevuld is.",
           per_product(TOEWIJZING_EN_VERZOEK, geen_omvang_bij_budget))
xpath_rule("CD078", "Budget", "Budget is leeg als Omvang gevuld is.",
           per_product(TOEWIJZING_EN_VERZOEK, geen_budget_bij_omvang))
xpath_rule("CD079", "Product", "Product is verplicht als Budget leeg is.",
           per_product(TOEWIJZING_EN_VERZOEK, product_zonder_budget))
xpath_rule("CD041", "Omvang", "Omvang is verplicht als Code in Product gevuld is.",
           per_product(TOEWIJZING_EN_VERZOEK, omvang_bij_code))
xpath_rule("CD080", "ToegewezenProduct.Omvang",
           "Omvang is leeg als Code in Product leeg is en de Einddatum na 31-12-2020 ligt of leeg is.",
           per_product(("JW301",), geen_omvang_zonder_code))
xpath_rule("CD095", "AangevraagdProduct.Omvang",
           "Omvang is leeg als Code in Product leeg is en de ToewijzingEinddatum na 31-12-2020 ligt of leeg is.",
           per_product(("JW315",), geen_omvang_zonder_code))

PER_PERIODE_EENHEDEN = ("14", "16", "83", "84")
PER_PERIODE_FREQUENTIES = ("2", "4", "6")


def frequentie_bij_eenheid(p: Producten) -> Hit:
    """CS338 / CS343: Eenheid 14, 16, 83 or 84 without Frequentie 2, 4 or 6, after 2020."""

    def explain(hit: HitNode) -> str:
        eenheid, frequentie = hit.text("m:Omvang/ijw:Eenheid") or "", hit.text("m:Omvang/ijw:Frequentie") or ""
        return (f"Eenheid {EENHEID.describe(eenheid)} needs Frequentie 2 (per week), 4 (per maand) or 6 (totaal "
                f"binnen geldigheidsduur toewijzing), not {FREQUENTIE.describe(frequentie)}")

    return Hit(p.context, f"{one_of('m:Omvang/ijw:Eenheid', PER_PERIODE_EENHEDEN)} and "
                          f"not({one_of('m:Omvang/ijw:Frequentie', PER_PERIODE_FREQUENTIES)}) and "
                          f"{p.runs_after_cutover()}", explain, at="m:Omvang/ijw:Frequentie")


xpath_rule("CS338", "ToegewezenProduct.Omvang",
           "Bij Eenheid 14, 16, 83 of 84 (en Einddatum na 31-12-2020 of leeg) is Frequentie 2, 4 of 6.",
           per_product(("JW301",), frequentie_bij_eenheid))
xpath_rule("CS343", "AangevraagdProduct.Omvang",
           "Bij Eenheid 14, 16, 83 of 84 (en ToewijzingEinddatum na 31-12-2020 of leeg) is Frequentie 2, 4 of 6.",
           per_product(("JW315",), frequentie_bij_eenheid))


# --- overlapping periods of one product (TR302, TR386): a sweep, n·log n ---------------------------


def _perioden(r: TreeInput) -> list[Periode] | None:
    """The products of the message that take part (not removed), or None when none can overlap."""
    p = PRODUCTEN[r.bericht]
    items = r.select(p.context)
    if len(items) < 2:
        return None
    categories = r.texts(f"{p.context}/m:Product/ijw:Categorie")
    if len(categories) == len(items) and len(set(categories)) == len(categories):
        return None  # every product has a category of its own: nothing can overlap
    removable = r.bericht == "JW301"
    found = []
    for index, item in enumerate(items, 1):
        start = date_key(r.text(f"m:{p.ingang}", item)) or 0
        end = date_key(r.text(f"m:{p.eind}", item)) or OPEN_END
        if removable and start == end and r.text("m:RedenWijziging", item) in ("13", "01"):
            continue  # a removed toewijzing takes no part (the rule's note)
        found.append(Periode(index, item, r.text("m:Product/ijw:Categorie", item),
                              r.text("m:Product/ijw:Code", item), start, end))
    return found


def _no_overlapping_periods(r: TreeInput) -> Iterator[Violation]:
    perioden = _perioden(r)
    if perioden is None:
        return
    reported: set[int] = set()
    for item, earlier in sorted(overlaps(perioden), key=lambda pair: pair[0].index):
        if item.index in reported:
            continue
        reported.add(item.index)
        what = item.code or (f"of categorie {item.categorie}" if item.categorie else "without code")
        yield Violation(r.path(item.node), f"product {what} occurs more than once with overlapping periods "
                                           f"(see item {earlier.index})")


def _second_product(bericht: str) -> str:
    return more_than_one(PRODUCTEN[bericht].context)


rule("TR302", ("JW301",), "ToegewezenProduct",
     "Een product komt alleen vaker voor in een toewijzing als de zorgperiodes niet overlappen.",
     when=_second_product)(_no_overlapping_periods)
rule("TR386", ("JW315",), "AangevraagdProduct",
     "Een product komt alleen vaker voor in een verzoek om toewijzing als de zorgperiodes niet overlappen.",
     when=_second_product)(_no_overlapping_periods)


# --- duplicates (TR101, TR383): one pass with a set -------------------------------------------------


@rule("TR383", ("JW315",), "AangevraagdProduct.ReferentieAanbieder",
      "ReferentieAanbieder is uniek per AangevraagdProduct binnen het bericht.", when=_second_product)
@rule("TR101", ("JW315",), "AangevraagdProduct.ReferentieAanbieder",
      "Binnen een bericht zijn dubbele regels niet toegestaan (sleutel: ReferentieAanbieder).", when=_second_product)
def unieke_referentie(r: TreeInput) -> Iterator[Violation]:
    for item, value, first in duplicates(r, PRODUCTEN["JW315"].context, "m:ReferentieAanbieder"):
        yield Violation(r.path(item, "m:ReferentieAanbieder"),
                        f"ReferentieAanbieder {value!r} is used by AangevraagdProduct {first} too")


_CONTACTEN_CLIENT = "m:Client/m:Contactgegevens/m:Contact"


@rule("TR101", ("JW301",), "ToegewezenProduct.ToewijzingNummer / Relatie.Nummer / Contact.Soort",
      "Binnen een bericht zijn dubbele regels (gelijke logische sleutel) niet toegestaan.",
      when=f"{more_than_one(PRODUCTEN['JW301'].context)} or {more_than_one('m:Client/m:Relaties/m:Relatie')} "
           f"or {more_than_one(_CONTACTEN_CLIENT)}",
      note="keys: ToewijzingNummer; Relatie Nummer; a client's Contact by Soort and, for a tijdelijk "
           "verblijfadres (04, the one Soort with a Periode, CD009), its Begindatum")
def geen_dubbele_regels(r: TreeInput) -> Iterator[Violation]:
    for item, value, _ in duplicates(r, PRODUCTEN["JW301"].context, "m:ToewijzingNummer"):
        yield Violation(r.path(item, "m:ToewijzingNummer"), f"ToewijzingNummer {value} occurs more than once in "
                                                             "this message")
    for item, _, _ in duplicates(r, "m:Client/m:Relaties/m:Relatie", "m:Nummer"):
        yield Violation(r.path(item, "m:Nummer"), "Relatie Nummer occurs more than once in this message")
    for item, first in repeated_keys(r, _CONTACTEN_CLIENT, ("m:Soort", "m:Periode/ijw:Begindatum")):
        yield Violation(r.path(item, "m:Soort"), f"the client has a second Contact of Soort {r.text('m:Soort', item)} "
                                                 f"(see Contact {first}); a Soort is given once (04 once per period)")


# --- JW301: RedenWijziging, names, communication, contacts ------------------------------------------

_P301 = PRODUCTEN["JW301"].context

xpath_rule("CS335", "ToegewezenProduct.RedenWijziging",
           "RedenWijziging 13 (verwijderd) alleen als Ingangsdatum gelijk is aan Einddatum.",
           {"JW301": Hit(_P301, "m:RedenWijziging = '13' and not(m:Einddatum = m:Ingangsdatum)",
                         "RedenWijziging 13 (Verwijderd) requires Einddatum equal to Ingangsdatum",
                         at="m:RedenWijziging")})

xpath_rule("CS336", "ToegewezenProduct.RedenWijziging", "RedenWijziging 01 (vervallen) wordt niet gebruikt.",
           {"JW301": Hit(_P301, "m:RedenWijziging = '01'",
                         "RedenWijziging 01 (Administratieve correctie (vervallen)) may no longer be used",
                         at="m:RedenWijziging")})

_MET_PARTNERNAAM, _ZONDER_PARTNERNAAM = ("1", "2", "3", "4"), ("1", "6")


def _naamgebruik(hit: HitNode) -> str:
    met = hit.has("ijw:Partnernaam")
    allowed = _MET_PARTNERNAAM if met else _ZONDER_PARTNERNAAM
    return (f"NaamGebruik {hit.text('ijw:NaamGebruik')} is not allowed {'with' if met else 'without'} a "
            f"Partnernaam (expected {', '.join(allowed)})")


_NAAMGEBRUIK_TEST = (f"(ijw:Partnernaam and not({one_of('ijw:NaamGebruik', _MET_PARTNERNAAM)})) or "
                     f"(not(ijw:Partnernaam) and not({one_of('ijw:NaamGebruik', _ZONDER_PARTNERNAAM)}))")

xpath_rule("CS050", "Naam.NaamGebruik", "Met Partnernaam is NaamGebruik 1, 2, 3 of 4; zonder Partnernaam 1 of 6.",
           {"JW301": (Hit("m:Client/m:Naam", _NAAMGEBRUIK_TEST, _naamgebruik, at="ijw:NaamGebruik"),
                      Hit("m:Client/m:Relaties/m:Relatie/m:Naam", _NAAMGEBRUIK_TEST, _naamgebruik,
                          at="ijw:NaamGebruik"))})

xpath_rule("CS318", "Client.Naam.NaamGebruik", "NaamGebruik 6 (niet-natuurlijk persoon) niet voor de client.",
           {"JW301": Hit("m:Client/m:Naam", "ijw:NaamGebruik = '6'",
                         "the client cannot have NaamGebruik 6 (niet-natuurlijk persoon)", at="ijw:NaamGebruik")})


def _taal(hit: HitNode) -> str:
    vorm = hit.text("ijw:Vorm")
    if vorm == "1":
        return "Taal is required when Communicatie Vorm is 1 (tolk taal)"
    return f"Taal must be empty when Communicatie Vorm is {vorm}"


xpath_rule("CD007", "Client.Communicatie.Taal", "Taal is verplicht als Vorm 1 (tolk taal) is, anders leeg.",
           {"JW301": Hit("m:Client/m:Communicatie", "(ijw:Vorm = '1') != boolean(ijw:Taal)", _taal,
                         at="ijw:Taal")})


def per_contact(test: str, explain: str | object, at: str | None = None) -> dict[str, tuple[Hit, ...]]:
    """The same hit on every Contact of a JW301 (the client's and the relaties')."""
    return {"JW301": tuple(Hit(context, test, explain, at=at) for context in CONTACTEN_301)}  # type: ignore[arg-type]


xpath_rule("CD009", "Contact.Periode", "Periode alleen als Soort adres 04 (tijdelijk verblijfadres) is.",
           per_contact("m:Periode and not(m:Soort = '04')",
                       lambda hit: f"Periode is only allowed with Soort 04, not {hit.text('m:Soort')}", at="m:Periode"))

xpath_rule("CD034", "Contact.Adres.Postcode", "Postcode is verplicht als Soort adres 01 (BRP) of 03 is.",
           per_contact(f"{one_of('m:Soort', ('01', '03'))} and not(m:Adres/ijw:Postcode)",
                       lambda hit: f"Postcode is required for an address of Soort {hit.text('m:Soort')}",
                       at="m:Adres/ijw:Postcode"))

def per_adres(test: str, explain: str | object, at: str | None = None) -> dict[str, tuple[Hit, ...]]:
    """The same hit on the Adres of every Contact of a JW301."""
    return {"JW301": tuple(Hit(f"{context}/m:Adres", test, explain, at=at)  # type: ignore[arg-type]
                           for context in CONTACTEN_301)}


xpath_rule("CD025", "Contact.Adres.Huis", "Huis is verplicht als LandCode NL is.",
           per_adres("ijw:LandCode = 'NL' and not(ijw:Huis)", "Huis is required for an address in the Netherlands",
                     at="ijw:Huis"))


def _landcode(hit: HitNode) -> str:
    if hit.has("ijw:Postcode"):
        return "LandCode is required when a Postcode is given"
    return "LandCode must be empty when no Postcode is given"


xpath_rule("CD005", "Contact.Adres.LandCode", "LandCode is verplicht als Postcode gevuld is, anders leeg.",
           per_adres("boolean(ijw:Postcode) != boolean(ijw:LandCode)", _landcode, at="ijw:LandCode"))

_DIGITS, _LETTERS = "0123456789", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_DUTCH_POSTCODE = (  # the rule's expression [1-9][0-9]{3}[a-zA-Z]{2}, in XPath 1.0, on the Postcode itself
    "string-length(.) = 6 and translate(substring(., 1, 1), '123456789', '') = '' "
    f"and translate(substring(., 2, 3), '{_DIGITS}', '') = '' and translate(substring(., 5, 2), '{_LETTERS}', '') = ''"
)

xpath_rule("CS089", "Contact.Adres.Postcode", "Met LandCode NL heeft de Postcode het Nederlandse formaat.",
           {"JW301": tuple(Hit(f"{contact}/m:Adres/ijw:Postcode", f"../ijw:LandCode = 'NL' and not({_DUTCH_POSTCODE})",
                               "the Postcode is not a Dutch postcode (4 digits, the first not 0, then 2 letters)")
                           for contact in CONTACTEN_301)})

xpath_rule("TR006", "Contact", "Een Contact heeft Telefoon en/of de combinatie Huis en Postcode.",
           per_contact("not(m:Telefoon) and not(m:Adres/ijw:Huis and m:Adres/ijw:Postcode)",
                       "a Contact needs a Telefoon, or an Adres with both Huis and Postcode"))

xpath_rule("TR061", "Client.Contactgegevens",
           "De client heeft minstens één adres met Soort 01 (BRP), 02 (correspondentie) of 03 (verblijf).",
           {"JW301": Hit("m:Client/m:Contactgegevens", f"not(m:Contact[{one_of('m:Soort', ('01', '02', '03'))}])",
                         "the client needs at least one Contact of Soort 01, 02 or 03")})


# --- JW315: beschikking, verwijzer ------------------------------------------------------------------

_P315 = PRODUCTEN["JW315"].context


def _beschikking(hit: HitNode) -> str:
    if hit.has("m:BeschikkingNummer"):
        return "BeschikkingIngangsdatum is required when a BeschikkingNummer is given"
    return "BeschikkingIngangsdatum must be empty when no BeschikkingNummer is given"


xpath_rule("CD043", "AangevraagdProduct.BeschikkingIngangsdatum",
           "BeschikkingIngangsdatum is verplicht als BeschikkingNummer gevuld is, anders leeg.",
           {"JW315": Hit(_P315, "boolean(m:BeschikkingNummer) != boolean(m:BeschikkingIngangsdatum)",
                         _beschikking, at="m:BeschikkingIngangsdatum")})

ZORGVERLENER_VERWIJZERS = ("02", "03", "04", "05")
_VERWIJZER = f"{_P315}/m:Verwijzer"
_ZORGVERLENER = one_of("ijw:Type", ZORGVERLENER_VERWIJZERS)

xpath_rule("CD066", "AangevraagdProduct.Verwijzer.Naam",
           "Bij verwijzer 02–05 met ZorgverlenerCode is de Naam verwijzer leeg.",
           {"JW315": Hit(_VERWIJZER, f"{_ZORGVERLENER} and ijw:ZorgverlenerCode and ijw:Naam",
                         lambda hit: f"Naam must be empty for Verwijzer type {hit.text('ijw:Type')} with a "
                                     "ZorgverlenerCode", at="ijw:Naam")})

xpath_rule("CD067", "AangevraagdProduct.Verwijzer.Naam",
           "Bij verwijzer 02–05 zonder ZorgverlenerCode is de Naam verwijzer gevuld.",
           {"JW315": Hit(_VERWIJZER, f"{_ZORGVERLENER} and not(ijw:ZorgverlenerCode) and not(ijw:Naam)",
                         lambda hit: f"Naam is required for Verwijzer type {hit.text('ijw:Type')} without "
                                     "ZorgverlenerCode", at="ijw:Naam")})

xpath_rule("CD068", "AangevraagdProduct.Verwijzer.ZorgverlenerCode",
           "Bij een ander verwijzertype dan 02–05 is de ZorgverlenerCode leeg.",
           {"JW315": Hit(_VERWIJZER, f"not({_ZORGVERLENER}) and ijw:ZorgverlenerCode",
                         lambda hit: f"ZorgverlenerCode must be empty for Verwijzer type {hit.text('ijw:Type')}",
                         at="ijw:ZorgverlenerCode")})


# --- JW319: the answer ------------------------------------------------------------------------------

xpath_rule("CD085", "Antwoord.RedenAfwijzingVerzoek",
           "RedenAfwijzingVerzoek is verplicht als VerzoekAntwoord 1 (afgewezen) is.",
           {"JW319": Hit("m:Antwoord", "m:VerzoekAntwoord = '1' and not(m:RedenAfwijzingVerzoek)",
                         "RedenAfwijzingVerzoek is required when VerzoekAntwoord is 1 (verzoek afgewezen)",
                         at="m:RedenAfwijzingVerzoek")})

xpath_rule("CD086", "Antwoord.RedenAfwijzingVerzoek",
           "RedenAfwijzingVerzoek is leeg als VerzoekAntwoord 2 (in onderzoek) is.",
           {"JW319": Hit("m:Antwoord", "m:VerzoekAntwoord = '2' and m:RedenAfwijzingVerzoek",
                         "RedenAfwijzingVerzoek must be empty when VerzoekAntwoord is 2 (aanvraag in onderzoek)",
                         at="m:RedenAfwijzingVerzoek")})

xpath_rule("TR377", "Antwoord.Woonplaatsbeginsel",
           "Bij RedenAfwijzingVerzoek 8 (woonplaatsbeginsel) is Woonplaatsbeginsel opgenomen.",
           {"JW319": Hit("m:Antwoord", "m:RedenAfwijzingVerzoek = '8' and not(m:Woonplaatsbeginsel)",
                         "Woonplaatsbeginsel (the responsible gemeente) is required with RedenAfwijzingVerzoek 8",
                         at="m:Woonplaatsbeginsel")})

xpath_rule("TR409", "Antwoord.Woonplaatsbeginsel",
           "Bij een andere RedenAfwijzingVerzoek dan 8 is Woonplaatsbeginsel weggelaten.",
           {"JW319": Hit("m:Antwoord", "not(m:RedenAfwijzingVerzoek = '8') and m:Woonplaatsbeginsel",
                         "Woonplaatsbeginsel must be left out unless RedenAfwijzingVerzoek is 8",
                         at="m:Woonplaatsbeginsel")})
