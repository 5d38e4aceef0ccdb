"""JW305 Start zorg and JW307 Stop zorg: the rules one regiebericht can show.

The client's rules (CS002, CS139, TR002, TR134) are registered with the toewijzing's in
``berichtinhoud.py``; here are the rules of the regieberichten' own products, their
external sources, and, with the reason, the rules that need earlier messages.

The logical key of a StartProduct and a StopProduct is ToewijzingNummer, Product and
Begindatum (IV008: the ToewijzingIngangsdatum is no part of it, so correcting it takes
a message of its own).
"""

from __future__ import annotations

from collections.abc import Iterator

from ijw_gateway.validation.rules.berichtoverstijgend import cross_message_rule
from ijw_gateway.validation.rules.common import more_than_one, one_of, repeated_keys
from ijw_gateway.validation.rules.externe_bron import ONTVANGER, Productbron, gemeentecode_rule, productcode_rule
from ijw_gateway.validation.rules.registry import (
    Hit,
    HitNode,
    TreeInput,
    Violation,
    rule,
    xpath_rule,
)

REGIEPRODUCTEN = {
    "JW305": "m:Client/m:StartProducten/m:StartProduct",
    "JW307": "m:Client/m:StopProducten/m:StopProduct",
}
"""Where each regiebericht keeps its products (one per started or stopped toewijzing)."""

REGIEBERICHTEN = tuple(REGIEPRODUCTEN)
SLEUTEL = ("m:ToewijzingNummer", "m:Product/ijw:Categorie", "m:Product/ijw:Code", "m:Begindatum")
"""The logical key of a StartProduct / StopProduct (IV008)."""

_EERSTE_OF_VERWIJDEREN = ("1", "3")


def _status(hit: HitNode) -> str:
    return (f"StatusAanlevering {hit.text('m:StatusAanlevering')} is not used in a regiebericht: expected 1 "
            "(eerste aanlevering) or 3 (verwijderen aanlevering); a correction removes the line (3) and sends it "
            "again (1)")


xpath_rule(
    "CS058", "StartProduct.StatusAanlevering / StopProduct.StatusAanlevering",
    "StatusAanlevering is 1 (eerste aanlevering) of 3 (verwijderen aanlevering).",
    {b: Hit(context, f"not({one_of('m:StatusAanlevering', _EERSTE_OF_VERWIJDEREN)})", _status,
            at="m:StatusAanlevering")
     for b, context in REGIEPRODUCTEN.items()},
)


def _einde_voor_begin(hit: HitNode) -> str:
    return f"Einddatum {hit.text('m:Einddatum')} lies before Begindatum {hit.text('m:Begindatum')}"


xpath_rule(
    "TR018", "StopProduct.Einddatum", "Einddatum is groter dan of gelijk aan de Begindatum.",
    {"JW307": Hit(REGIEPRODUCTEN["JW307"], "date(m:Einddatum) < date(m:Begindatum)", _einde_voor_begin,
                  at="m:Einddatum")},
)


def _product_naam(bericht: str) -> str:
    return REGIEPRODUCTEN[bericht].rsplit(":", 1)[1]


@rule("TR101", REGIEBERICHTEN, "StartProduct / StopProduct (ToewijzingNummer, Product, Begindatum)",
      "Binnen een bericht zijn dubbele regels (gelijke logische sleutel) niet toegestaan.",
      when=lambda bericht: more_than_one(REGIEPRODUCTEN[bericht]))
def geen_dubbele_regieregels(r: TreeInput) -> Iterator[Violation]:
    naam = _product_naam(r.bericht)
    for item, first in repeated_keys(r, REGIEPRODUCTEN[r.bericht], SLEUTEL):
        yield Violation(r.path(item), f"{naam} has the same ToewijzingNummer, Product and Begindatum as {naam} "
                                      f"{first}: a line may occur once per message (to correct a "
                                      "ToewijzingIngangsdatum, remove the line and send it again in a next message)")


# --- controleniveau 4: the gemeente (Ontvanger) and the product codes ----------------------------------
# A regiebericht names the product of a toewijzing: the CBS list and the gemeente's product code
# list are those in force on the toewijzing's ToewijzingIngangsdatum (TR378 names it), and, as
# that element is optional, on the Begindatum of the care when it is left out.


def _regiebron(bericht: str) -> Productbron:
    return Productbron(REGIEPRODUCTEN[bericht], "m:Product/ijw:Categorie", "m:Product/ijw:Code", "m:Begindatum",
                       voorkeur="m:ToewijzingIngangsdatum")


for bericht in REGIEBERICHTEN:
    gemeentecode_rule(bericht, ONTVANGER, _regiebron(bericht))
    productcode_rule(bericht, ONTVANGER, _regiebron(bericht))


# --- controleniveau 3: what earlier messages (the ledger) must show -------------------------------------

_CROSS_MESSAGE: list[tuple[str, tuple[str, ...], str, str, str]] = [
    ("TR019", REGIEBERICHTEN, "StartProduct / StopProduct.ToewijzingNummer",
     "De start of stop is gerelateerd aan een toewijzing op basis van het ToewijzingNummer.", "9019"),
    ("TR063", REGIEBERICHTEN, "StatusAanlevering",
     "Bij StatusAanlevering 3 is eerder een aanlevering met dezelfde logische sleutel verstuurd.", "9063"),
    ("TR071", ("JW305",), "StartProduct.StatusAanlevering",
     "StatusAanlevering 3 niet als voor de start al een stop zorg is verstuurd.", "9071"),
    ("TR074", REGIEBERICHTEN, "StatusAanlevering",
     "Bij StatusAanlevering 1 is de sleutel ook uniek over alle eerder ontvangen berichten.", "9074"),
    ("TR326", ("JW305",), "StartProduct", "Geen startbericht zolang er een actueel startbericht is.", "9326"),
    ("TR382", ("JW307",), "StopProduct",
     "De sleutelelementen van het startbericht worden ongewijzigd overgenomen in het stopbericht.", "9069"),
    ("TR413", ("JW307",), "StopProduct.RedenBeeindiging",
     "Na een tijdelijke stop (RedenBeeindiging 20) met dezelfde sleutel niet opnieuw RedenBeeindiging 20.", "9413"),
    ("TR414", ("JW307",), "StopProduct.Einddatum",
     "Einddatum is niet eerder dan die van een actueel StopProduct met dezelfde sleutel.", "9414"),
    ("TR415", ("JW307",), "StopProduct",
     "Geen tweede definitieve stop (RedenBeeindiging anders dan 20) met dezelfde sleutel.", "9415"),
]

for code, berichten, element, text, retourcode in _CROSS_MESSAGE:
    cross_message_rule(code, berichten, element, text, retourcode,
                       "needs the earlier toewijzing, start and stop messages: the ledger")
