"""JW317 Verzoek om wijziging: the rules one verzoek om wijziging can show.

A verzoek lists every current toewijzing of the client, as an OngewijzigdProduct or a
TeWijzigenProduct (both named by their ToewijzingNummer), and the products asked for
anew as NieuwProduct (IV092). A TeWijzigenProduct carries no Product (it keeps the
toewijzing's), so the rules on a product's code (CD041, CD079, CD096, TR381) judge the
NieuwProducten only; the rules on period, omvang and budget judge both. The product
rules are the toewijzing's (``berichtinhoud.py``), written once over a product layout.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ijw_gateway.validation.rules.berichtinhoud import (
    eind_voor_ingang,
    einddatum_bij_budget,
    einddatum_per_week,
    frequentie_bij_eenheid,
    geen_budget_bij_omvang,
    geen_omvang_bij_budget,
    geen_omvang_zonder_code,
    omvang_bij_code,
    product_zonder_budget,
)
from ijw_gateway.validation.rules.berichtoverstijgend import cross_message_rule
from ijw_gateway.validation.rules.common import (
    OPEN_END,
    Periode,
    Producten,
    date_key,
    duplicates,
    more_than_one,
    overlaps,
)
from ijw_gateway.validation.rules.externe_bron import ONTVANGER, Productbron, gemeentecode_rule, productcode_rule
from ijw_gateway.validation.rules.registry import (
    Hit,
    TreeInput,
    Violation,
    rule,
    xpath_rule,
)

VERZOEK = "m:Client/m:Verzoek"
ONGEWIJZIGD = f"{VERZOEK}/m:OngewijzigdeProducten/m:OngewijzigdProduct"
TE_WIJZIGEN = Producten(f"{VERZOEK}/m:TeWijzigenProducten/m:TeWijzigenProduct", "GewensteIngangsdatum", "Einddatum")
NIEUW = Producten(f"{VERZOEK}/m:NieuweProducten/m:NieuwProduct", "GewensteIngangsdatum", "Einddatum")
BEIDE = (TE_WIJZIGEN, NIEUW)


def _both(make: Callable[[Producten], Hit]) -> dict[str, tuple[Hit, ...]]:
    """One rule on the TeWijzigenProducten and the NieuwProducten of a JW317."""
    return {"JW317": tuple(make(p) for p in BEIDE)}


# --- period, omvang and budget of what is asked for ---------------------------------------------
# CS003's "Begindatum (of Ingangsdatum) van de aangeduide periode" is the GewensteIngangsdatum:
# the class asks for the period from it to its Einddatum.

xpath_rule("CS003", "TeWijzigenProduct.Einddatum / NieuwProduct.Einddatum",
           "Einddatum is groter dan of gelijk aan de GewensteIngangsdatum.", _both(eind_voor_ingang))
xpath_rule("CD075", "TeWijzigenProduct.Einddatum / NieuwProduct.Einddatum",
           "Einddatum is verplicht als Budget gevuld is.", _both(einddatum_bij_budget))
xpath_rule("CD076", "TeWijzigenProduct.Einddatum / NieuwProduct.Einddatum",
           "Einddatum is verplicht als Frequentie 2 (per week) is.", _both(einddatum_per_week))
xpath_rule("CD077", "TeWijzigenProduct.Omvang / NieuwProduct.Omvang", "Omvang is leeg als Budget gevuld is.",
           _both(geen_omvang_bij_budget))
xpath_rule("CD078", "TeWijzigenProduct.Budget / NieuwProduct.Budget", "Budget is leeg als Omvang gevuld is.",
           _both(geen_budget_bij_omvang))
xpath_rule("CS338", "TeWijzigenProduct.Omvang / NieuwProduct.Omvang",
           "Bij Eenheid 14, 16, 83 of 84 (en Einddatum na 31-12-2020 of leeg) is Frequentie 2, 4 of 6.",
           _both(frequentie_bij_eenheid))
xpath_rule("CD079", "NieuwProduct.Product", "Product is verplicht als Budget leeg is.",
           {"JW317": product_zonder_budget(NIEUW)})
xpath_rule("CD041", "NieuwProduct.Omvang", "Omvang is verplicht als Code in Product gevuld is.",
           {"JW317": omvang_bij_code(NIEUW)})
xpath_rule("CD096", "NieuwProduct.Omvang",
           "Omvang is leeg als Code in Product leeg is en de Einddatum na 31-12-2020 ligt of leeg is.",
           {"JW317": geen_omvang_zonder_code(NIEUW)})


# --- what a verzoek must hold --------------------------------------------------------------------

xpath_rule("TR352", "Verzoek", "Een verzoek om wijziging bevat minstens één OngewijzigdProduct of TeWijzigenProduct.",
           {"JW317": Hit(VERZOEK, "not(m:OngewijzigdeProducten) and not(m:TeWijzigenProducten)",
                         "a verzoek om wijziging needs at least one OngewijzigdProduct or TeWijzigenProduct: it "
                         "lists every current toewijzing of the client")})
xpath_rule("TR353", "Verzoek", "Een verzoek om wijziging bevat minstens één TeWijzigenProduct of NieuwProduct.",
           {"JW317": Hit(VERZOEK, "not(m:TeWijzigenProducten) and not(m:NieuweProducten)",
                         "a verzoek om wijziging needs at least one TeWijzigenProduct or NieuwProduct: without one "
                         "there is nothing to change")})

# TR380 ("a date after the Dagtekening") is the NieuwProduct's GewensteIngangsdatum: a TeWijzigenProduct's
# may lie on or before the Dagtekening when it is the original toewijzing's Ingangsdatum (TR357, IV092).
xpath_rule("TR380", "NieuwProduct.GewensteIngangsdatum", "GewensteIngangsdatum ligt na de Dagtekening van het bericht.",
           {"JW317": Hit(NIEUW.context, "date(m:GewensteIngangsdatum) <= $dagtekening",
                         lambda hit: f"GewensteIngangsdatum {hit.text('m:GewensteIngangsdatum')} of a NieuwProduct "
                                     "must lie after the Dagtekening of the message",
                         at="m:GewensteIngangsdatum")})


# --- duplicates and overlaps: one pass with a set, a sweep --------------------------------------
# TR101: the logical key of an OngewijzigdProduct and of a TeWijzigenProduct is its ToewijzingNummer
# (per class, as the rule's note says). A NieuwProduct has no key element of its own: two equal ones
# overlap, which TR410 reports.

@rule("TR101", ("JW317",), "OngewijzigdProduct.ToewijzingNummer / TeWijzigenProduct.ToewijzingNummer",
      "Binnen een bericht zijn dubbele regels (gelijke logische sleutel) niet toegestaan.",
      when=f"{more_than_one(ONGEWIJZIGD)} or {more_than_one(TE_WIJZIGEN.context)}")
def geen_dubbele_toewijzingen(r: TreeInput) -> Iterator[Violation]:
    for context in (ONGEWIJZIGD, TE_WIJZIGEN.context):
        naam = context.rsplit(":", 1)[1]
        for item, value, first in duplicates(r, context, "m:ToewijzingNummer"):
            yield Violation(r.path(item, "m:ToewijzingNummer"),
                            f"ToewijzingNummer {value} is named by {naam} {first} too")


def _nieuwe_perioden(r: TreeInput) -> list[Periode] | None:
    items = r.select(NIEUW.context)
    categories = r.texts(f"{NIEUW.context}/m:Product/ijw:Categorie")
    if len(categories) == len(items) and len(set(categories)) == len(categories):
        return None  # every product has a category of its own: nothing can overlap
    return [Periode(index, item, r.text("m:Product/ijw:Categorie", item), r.text("m:Product/ijw:Code", item),
                    date_key(r.text("m:GewensteIngangsdatum", item)) or 0,
                    date_key(r.text("m:Einddatum", item)) or OPEN_END)
            for index, item in enumerate(items, 1)]


@rule("TR410", ("JW317",), "NieuwProduct",
      "Een Product komt alleen vaker voor in NieuwProduct als de zorgperiodes elkaar niet overlappen.",
      when=more_than_one(NIEUW.context))
def geen_overlappende_nieuwe_producten(r: TreeInput) -> Iterator[Violation]:
    perioden = _nieuwe_perioden(r)
    if perioden is None:
        return
    reported: set[int] = set()
    for item, earlier in sorted(overlaps(perioden), key=lambda pair: pair[0].index):
        if item.index not in reported:
            reported.add(item.index)
            what = item.code or (f"of categorie {item.categorie}" if item.categorie else "without product")
            yield Violation(r.path(item.node), f"NieuwProduct {what} overlaps NieuwProduct {earlier.index}: the same "
                                               "product may be asked for again only for a period that does not "
                                               "overlap")


# --- controleniveau 4: the gemeente (Ontvanger) and the codes of the new products -----------------
# The dates are the NieuwProducten's GewensteIngangsdatum (the toewijzing they ask for starts then);
# a verzoek without NieuwProduct is judged on its Dagtekening.

_NIEUW_BRON = Productbron(NIEUW.context, "m:Product/ijw:Categorie", "m:Product/ijw:Code", "m:GewensteIngangsdatum")
gemeentecode_rule("JW317", ONTVANGER, _NIEUW_BRON)
productcode_rule("JW317", ONTVANGER, _NIEUW_BRON)


# --- controleniveau 3: what the current toewijzingen (the ledger) must show ---------------------------

_CROSS_MESSAGE: list[tuple[str, str, str, str]] = [
    ("TR304", "Client.Bsn", "Bsn komt overeen met de Bsn van een Client (van de toewijzingen).", "8187"),
    ("TR349", "Verzoek", "Het verzoek bevat alle actuele ToegewezenProducten van de client.", "9349"),
    ("TR350", "OngewijzigdProduct.ToewijzingNummer",
     "Ieder OngewijzigdProduct hoort bij een actueel ToegewezenProduct (ToewijzingNummer).", "9350"),
    ("TR351", "TeWijzigenProduct.ToewijzingNummer",
     "Ieder TeWijzigenProduct hoort bij een actueel ToegewezenProduct (ToewijzingNummer).", "9351"),
    ("TR357", "TeWijzigenProduct.GewensteIngangsdatum",
     "Een GewensteIngangsdatum niet na de Dagtekening is de Ingangsdatum van het originele ToegewezenProduct.",
     "9357"),
    ("TR361", "Verzoek", "Een Product komt alleen vaker voor als de zorgperiodes (met de actuele) niet overlappen.",
     "9361"),
    ("TR373", "TeWijzigenProduct.GewensteIngangsdatum",
     "Bij een gewijzigd Budget of totaal is de GewensteIngangsdatum die van de actuele toewijzing.", "9373"),
    ("TR375", "TeWijzigenProduct.Omvang",
     "Omvang is leeg als de toewijzing geen Product heeft en na 31-12-2020 loopt.", "9375"),
    ("TR411", "TeWijzigenProduct.Omvang", "Omvang is verplicht als de toewijzing een productcode heeft.", "9411"),
    ("TR412", "TeWijzigenProduct.Omvang",
     "Omvang is leeg als de toewijzing geen productcode heeft en na 31-12-2020 loopt.", "9412"),
]

for code, element, text, retourcode in _CROSS_MESSAGE:
    cross_message_rule(code, ("JW317",), element, text, retourcode,
                       "needs the client's current toewijzingen (a TeWijzigenProduct names only its "
                       "ToewijzingNummer): the ledger")
