"""The declaration messages: JW323 Declaratie and JW325 Declaratie-antwoord.

A JW323 declares a month of care for many clients at once, thousands of prestaties in one
message, so every rule here is linear in the number of prestaties: a condition on one
prestatie is an XPath hit; what compares or adds up prestaties (a repeated key, the total,
volume times tariff) is a tree check on :func:`regels`, every prestatie read once in one
pass, compared with a set and added up with Python integers. Nothing compares a prestatie
with its preceding siblings.

Amounts are integers in eurocent with a DebetCredit indicator (COD043: D is added, C is
subtracted). The XSD allows a sign on an integer (``+5000``), which XPath's ``number()``
reads as NaN: an amount in a hit is read with :func:`amount`; Python's ``int()`` reads it as it is.

Which element a rule means is decided from its text and the layouts where the reference
does not say it (the "Gebruik in berichten" of its TR pages names WMO323/WMO325); the
registrations' notes say where that decision is not obvious. Rules that compare a
declaration with earlier messages (a prestatie against its toewijzing, a credit against the
debet it credits) are registered as needing cross-message state, with their retourcodes.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from functools import cache
from typing import NamedTuple

from lxml import etree

from ijw_gateway.validation.rules.berichtoverstijgend import cross_message_rule
from ijw_gateway.validation.rules.common import date_key, elfproef_breaks, more_than_one
from ijw_gateway.validation.rules.externe_bron import (
    AFZENDER,
    ONTVANGER,
    Productbron,
    gemeentecode_rule,
    productcode_rule,
)
from ijw_gateway.validation.rules.registry import (
    Hit,
    HitNode,
    Level,
    Status,
    TreeInput,
    Violation,
    documented,
    namespaces_of,
    rule,
    xpath_rule,
)

DECLARATIES = ("JW323", "JW325")
BODY = {"JW323": "m:Declaratie", "JW325": "m:DeclaratieAntwoord"}
CLIENT = {b: f"{BODY[b]}/m:Clienten/m:Client" for b in DECLARATIES}
PRESTATIE = {b: f"{CLIENT[b]}/m:Prestaties/m:Prestatie" for b in DECLARATIES}
P323, P325 = PRESTATIE["JW323"], PRESTATIE["JW325"]

REFERENTIE = "m:ProductReferentie/ijw:ReferentieNummer"
VORIG = "m:ProductReferentie/ijw:VorigReferentieNummer"
BEGIN, EIND = "date(ijw:Begindatum)", "date(ijw:Einddatum)"
"""The dates of a period (DeclaratiePeriode, ProductPeriode) as numbers YYYYMMDD (``engine.expand``)."""


def amount(path: str) -> str:
    """XPath: the integer at ``path`` as a number (``+5000`` is schema-valid; ``number()`` alone reads NaN)."""
    return f"number(translate({path}, '+', ''))"


def _signed(bedrag: str | None, debet_credit: str | None) -> int:
    """An amount with its indicator as one signed integer (credit negative); int() reads '+5000' and ' 5000 '."""
    value = int(bedrag or "0")
    return -value if (debet_credit or "").strip() == "C" else value


def _bedrag(value: int) -> str:
    """A signed amount as the message writes it: eurocent and D or C."""
    return f"{abs(value)} {'C' if value < 0 else 'D'}"


def _raw(node: etree._Element) -> str:
    """An element's whole text (a comment may split it; ``.text`` would stop there)."""
    return "".join(node.itertext())


def _waarde(r: TreeInput, path: str, node: etree._Element | None = None) -> str | None:
    found = r.select(path, node)
    return _raw(found[0]) if found else None


# --- the client -------------------------------------------------------------------------------------

xpath_rule("CS002", "Client.Bsn", "BSN voldoet aan de elfproef.",
           {b: Hit(f"{CLIENT[b]}/m:Bsn", elfproef_breaks("."), "the BSN does not pass the elfproef (11-test)")
            for b in DECLARATIES})


# --- dates: DeclaratiePeriode, ProductPeriode, DeclaratieDagtekening ------------------------------------
#
# A prestatie's dates are judged with the date element itself as the context: ``date(.)`` reads it
# without another step down the tree, which is what an XPath test costs (a JW323 holds thousands).

DATUM, BEGIN_ERNAAST = "date(.)", "date(../ijw:Begindatum)"
"""In a hit on a period's Einddatum: that date, and the Begindatum beside it (as numbers YYYYMMDD)."""


def _datum(hit: HitNode) -> str:
    return _raw(hit.node).strip()


def _begin_ernaast(hit: HitNode) -> str:
    parent = hit.node.getparent()
    return "" if parent is None else (HitNode(parent, hit.bericht, hit.namespaces).text("ijw:Begindatum") or "")


def _explain_periode(what: str, sentence: str) -> Callable[[HitNode], str]:
    def explain(hit: HitNode) -> str:
        return f"{what} {hit.text('ijw:Begindatum')} – {hit.text('ijw:Einddatum')} {sentence}"

    return explain


def _vanaf_2021(periode: str, what: str, element: str) -> Hit:
    return Hit(f"{periode}/ijw:{element}", f"{DATUM} < 20210101",
               lambda hit: f"{what} {element} {_datum(hit)} lies before 2021-01-01")


_DECLARATIEPERIODE = "m:Declaratie/m:DeclaratiePeriode"
_PRODUCTPERIODE = f"{P323}/m:ProductPeriode"
_PRODUCT_EIND = f"{_PRODUCTPERIODE}/ijw:Einddatum"

xpath_rule(
    "CS100", "DeclaratiePeriode / Prestatie.ProductPeriode", "De datums van de periode liggen op of na 01-01-2021.",
    {"JW323": tuple(_vanaf_2021(periode, what, element)
                    for periode, what in ((_DECLARATIEPERIODE, "DeclaratiePeriode"),
                                          (_PRODUCTPERIODE, "ProductPeriode"))
                    for element in ("Begindatum", "Einddatum"))},
)

_DAGEN_PER_MAAND = "312831303130313130313031"


def _laatste_dag(day: str) -> str:
    """XPath: the last day of the month of ``day`` (a date number YYYYMMDD), leap years included."""
    month, year = f"(floor({day} div 100) mod 100)", f"floor({day} div 10000)"
    leap = f"(({year} mod 4 = 0 and {year} mod 100 != 0) or {year} mod 400 = 0)"
    return f"number(substring('{_DAGEN_PER_MAAND}', 2 * {month} - 1, 2)) + number({month} = 2 and {leap})"


xpath_rule(
    "CS340", "DeclaratiePeriode", "De DeclaratiePeriode is precies één hele kalendermaand.",
    {"JW323": Hit(_DECLARATIEPERIODE,
                  f"not({BEGIN} mod 100 = 1 and floor({EIND} div 100) = floor({BEGIN} div 100) "
                  f"and {EIND} mod 100 = {_laatste_dag(EIND)})",
                  _explain_periode("DeclaratiePeriode", "is not one whole calendar month (its first to its last day)"),
                  at="ijw:Einddatum")},
)

xpath_rule(
    "CS337", "Prestatie.ProductPeriode",
    "Einddatum van de ProductPeriode ligt in dezelfde kalendermaand als de Begindatum.",
    {"JW323": Hit(_PRODUCT_EIND, f"floor({DATUM} div 100) != floor({BEGIN_ERNAAST} div 100)",
                  lambda hit: f"ProductPeriode {_begin_ernaast(hit)} – {_datum(hit)} spans more than one calendar "
                              "month")},
)


def _eind_na_begin_of_dagtekening(hit: HitNode) -> str:
    begin, eind = _begin_ernaast(hit), _datum(hit)
    if (date_key(eind) or 0) < (date_key(begin) or 0):
        return f"ProductPeriode Einddatum {eind} lies before its Begindatum {begin}"
    return f"ProductPeriode Einddatum {eind} lies after the Dagtekening of the message"


xpath_rule(
    "TR137", "Prestatie.ProductPeriode.Einddatum",
    "Einddatum ligt op of na de Begindatum van de periode en niet na de Dagtekening van het bericht.",
    {b: Hit(f"{PRESTATIE[b]}/m:ProductPeriode/ijw:Einddatum", f"{DATUM} > $dagtekening or {DATUM} < {BEGIN_ERNAAST}",
            _eind_na_begin_of_dagtekening)
     for b in DECLARATIES},
    note="the ProductPeriode (a period of care delivered); not the DeclaratiePeriode, which may be the current "
         "month (IV090)",
)

xpath_rule(
    "TR134", "Declaratie.DeclaratieDagtekening / Header.DeclaratieIdentificatie.Dagtekening",
    "Een bestaande datum die niet na de Dagtekening van het bericht ligt.",
    {
        "JW323": Hit("m:Declaratie", "date(m:DeclaratieDagtekening) > $dagtekening",
                     lambda hit: f"DeclaratieDagtekening {hit.text('m:DeclaratieDagtekening')} lies after the "
                                 "Dagtekening of the message", at="m:DeclaratieDagtekening"),
        "JW325": Hit("m:Header/m:DeclaratieIdentificatie", "date(ijw:Dagtekening) > $dagtekening",
                     lambda hit: f"the Dagtekening {hit.text('ijw:Dagtekening')} of the declaration answered lies "
                                 "after the Dagtekening of this answer", at="ijw:Dagtekening"),
    },
    note="the declaration's own date: in a JW323 its DeclaratieDagtekening, in a JW325 the Dagtekening of the "
         "JW323 it answers (a ProductPeriode is TR137's)",
)

# Five years before the Dagtekening first: with the DeclaratieDagtekening not after it (TR134) that
# comes no later than five years before the DeclaratieDagtekening, so only a prestatie that old looks
# the DeclaratieDagtekening up (one more walk from the root per prestatie otherwise).
xpath_rule(
    "TR335", "Prestatie.ProductPeriode.Einddatum", "Einddatum ligt niet meer dan 5 jaar voor de DeclaratieDagtekening.",
    {"JW323": Hit(_PRODUCT_EIND, f"{DATUM} < $dagtekening - 50000 and "
                                 f"{DATUM} < date(/m:Bericht/m:Declaratie/m:DeclaratieDagtekening) - 50000",
                  lambda hit: f"ProductPeriode Einddatum {_datum(hit)} lies more than 5 years before the "
                              "DeclaratieDagtekening")},
)

xpath_rule(
    "TR319", "Prestatie.ProductPeriode",
    "De ProductPeriode valt in de huidige of een voorgaande declaratieperiode.",
    {"JW323": Hit(_PRODUCT_EIND, f"{DATUM} > date(/m:Bericht/m:Declaratie/m:DeclaratiePeriode/ijw:Einddatum)",
                  lambda hit: f"ProductPeriode Einddatum {_datum(hit)} lies after the DeclaratiePeriode: a prestatie "
                              "is declared in its own or a later period")},
    retourcode="9319", level=Level.BERICHTOVERSTIJGEND,
    note="controleniveau 3 in the reference, but the current declaratieperiode is this message's: judged within it",
)


# --- amounts ----------------------------------------------------------------------------------------


def _nul_is_debet(context: str, bedrag: str, what: str) -> Hit:
    return Hit(context, f"ijw:DebetCredit = 'C' and {amount(bedrag)} = 0",
               f"{what} is 0: its DebetCredit must be D (debet), not C", at="ijw:DebetCredit")


xpath_rule(
    "CS325", "TotaalIngediendBedrag / TotaalToegekendBedrag / IngediendBedrag",
    "Een (Totaal)Bedrag van 0 heeft DebetCredit D.",
    {
        "JW323": (_nul_is_debet("m:Declaratie/m:TotaalIngediendBedrag", "ijw:TotaalBedrag", "TotaalIngediendBedrag"),
                  _nul_is_debet(f"{P323}/m:IngediendBedrag", "ijw:Bedrag", "IngediendBedrag")),
        "JW325": (_nul_is_debet("m:DeclaratieAntwoord/m:TotaalIngediendBedrag", "ijw:TotaalBedrag",
                                "TotaalIngediendBedrag"),
                  _nul_is_debet("m:DeclaratieAntwoord/m:TotaalToegekendBedrag", "ijw:TotaalBedrag",
                                "TotaalToegekendBedrag"),
                  _nul_is_debet(f"{P325}/m:IngediendBedrag", "ijw:Bedrag", "IngediendBedrag")),
    },
)


def _vorig_referentie(hit: HitNode) -> str:
    if (hit.text("m:IngediendBedrag/ijw:DebetCredit") or "").strip() == "C":
        return ("VorigReferentieNummer is required for a credit prestatie (DebetCredit C): the ReferentieNummer of "
                "the debet prestatie it credits")
    return "VorigReferentieNummer must be empty for a debet prestatie (DebetCredit D)"


xpath_rule(
    "CD060", "Prestatie.ProductReferentie.VorigReferentieNummer",
    "VorigReferentieNummer is verplicht als het IngediendBedrag credit is, anders leeg.",
    {b: Hit(PRESTATIE[b], f"(m:IngediendBedrag/ijw:DebetCredit = 'C') != boolean({VORIG})", _vorig_referentie,
            at=VORIG)
     for b in DECLARATIES},
)


def _tarief(hit: HitNode) -> str:
    if hit.has("m:ProductTarief"):
        return "ProductTarief must be empty when the Eenheid is 83 (euro's)"
    return f"ProductTarief is required when the Eenheid is {hit.text('m:Eenheid')}, not 83 (euro's)"


xpath_rule(
    "CD087", "Prestatie.ProductTarief", "ProductTarief is verplicht als de Eenheid niet 83 (euro's) is, anders leeg.",
    {"JW323": Hit(P323, "(m:Eenheid = '83') = boolean(m:ProductTarief)", _tarief, at="m:ProductTarief")},
)

xpath_rule(
    "CS339", "Prestatie.IngediendBedrag", "Bij Eenheid 83 (euro's) is IngediendBedrag gelijk aan GeleverdVolume.",
    {"JW323": Hit(P323,
                  f"m:Eenheid = '83' and {amount('m:IngediendBedrag/ijw:Bedrag')} != {amount('m:GeleverdVolume')}",
                  lambda hit: f"with Eenheid 83 (euro's) the IngediendBedrag "
                              f"{hit.text('m:IngediendBedrag/ijw:Bedrag')} must equal the GeleverdVolume "
                              f"{hit.text('m:GeleverdVolume')} (both in eurocent)",
                  at="m:IngediendBedrag/ijw:Bedrag")},
)


# --- what the tree checks compare: every prestatie read once --------------------------------------


class Regel(NamedTuple):
    """One prestatie as the tree checks compare them, with where it is ("Client 2, Prestatie 1").

    A named tuple: a JW323 makes one per prestatie, and a tuple is built several times faster than
    a frozen dataclass."""

    node: etree._Element
    client: int
    positie: int
    bsn: str
    referentie: str
    vorig: str | None
    toewijzing: str
    categorie: str
    code: str
    begin: str
    eind: str
    volume: str
    eenheid: str
    tarief: str | None
    bedrag: str
    debet_credit: str

    @property
    def plaats(self) -> str:
        return f"Client {self.client}, Prestatie {self.positie}"

    @property
    def signed(self) -> int:
        return _signed(self.bedrag, self.debet_credit)


_VELDEN = {  # element (m: or ijw:) → field of a Regel; the ijw: ones lie one level deeper
    "ijw:ReferentieNummer": "referentie", "ijw:VorigReferentieNummer": "vorig", "m:ToewijzingNummer": "toewijzing",
    "m:ProductCategorie": "categorie", "m:ProductCode": "code", "ijw:Begindatum": "begin", "ijw:Einddatum": "eind",
    "m:GeleverdVolume": "volume", "m:Eenheid": "eenheid", "m:ProductTarief": "tarief", "ijw:Bedrag": "bedrag",
    "ijw:DebetCredit": "debet_credit",
}
_SAMENGESTELD = ("m:ProductReferentie", "m:ProductPeriode", "m:IngediendBedrag")
assert tuple(_VELDEN.values()) == Regel._fields[4:], "a Regel is built from _VELDEN in order"


def _clark(bericht: str, name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{namespaces_of(bericht)[prefix]}}}{local}"


@cache
def _tags(bericht: str) -> tuple[dict[str, int], frozenset[str], str, str, str]:
    """The Clark tags :func:`regels` meets: fields (→ place in a Regel), composites, Bsn, Prestaties, Prestatie."""
    return ({_clark(bericht, name): index for index, name in enumerate(_VELDEN)},
            frozenset(_clark(bericht, name) for name in _SAMENGESTELD),
            *(_clark(bericht, name) for name in ("m:Bsn", "m:Prestaties", "m:Prestatie")))


def _leaf(node: etree._Element) -> str:
    return (node.text or "") if len(node) == 0 else _raw(node)  # a child of a leaf is a comment


def regels(r: TreeInput) -> list[Regel]:
    """Every prestatie of the message in document order, read in one pass (shared by the tree checks).

    One walk over the elements in Python costs less than an XPath per field: libxml2 compares
    each child's namespace on every step, and a prestatie has a dozen fields.
    """

    def read(tree_input: TreeInput) -> list[Regel]:
        bericht = tree_input.bericht
        velden, samengesteld, bsn_tag, prestaties_tag, prestatie_tag = _tags(bericht)
        found: list[Regel] = []
        for client_index, client in enumerate(tree_input.select(CLIENT[bericht]), 1):
            bsn, positie = "", 0
            for part in client:
                if part.tag == bsn_tag:
                    bsn = _leaf(part)
                elif part.tag == prestaties_tag:
                    for prestatie in part:
                        if prestatie.tag != prestatie_tag:
                            continue  # a comment
                        positie += 1
                        values: list[str | None] = [None] * len(_VELDEN)
                        for child in prestatie:
                            tag = child.tag  # built anew by lxml on every access: read once
                            index = velden.get(tag)  # type: ignore[arg-type]
                            if index is not None:
                                values[index] = (child.text or "") if len(child) == 0 else _raw(child)
                            elif tag in samengesteld:
                                for leaf in child:
                                    index = velden.get(leaf.tag)  # type: ignore[arg-type]
                                    if index is not None:
                                        values[index] = (leaf.text or "") if len(leaf) == 0 else _raw(leaf)
                        found.append(Regel(prestatie, client_index, positie, bsn, *values))  # type: ignore[arg-type]
        return found

    return r.shared("regels", read)


def producten(r: TreeInput) -> Iterator[tuple[str, str | None, str, etree._Element]]:
    """(ProductCategorie, ProductCode, the ProductPeriode's Begindatum, the prestatie) for TR378 and TR381."""
    return ((regel.categorie, regel.code, regel.begin, regel.node) for regel in regels(r))


# --- sums -------------------------------------------------------------------------------------------


def _signed_sum(prestaties: str) -> str:
    """XPath: the prestaties' IngediendBedrag, debet minus credit (NaN when an amount carries a sign)."""
    return (f"(sum(/m:Bericht/{prestaties}/m:IngediendBedrag[ijw:DebetCredit = 'D']/ijw:Bedrag) - "
            f"sum(/m:Bericht/{prestaties}/m:IngediendBedrag[ijw:DebetCredit = 'C']/ijw:Bedrag))")


def _signed_total(totaal: str) -> str:
    """XPath: a TotaalBedragMetDC as one signed number."""
    return f"(/m:Bericht/{totaal}/ijw:TotaalBedrag * (1 - 2 * (/m:Bericht/{totaal}/ijw:DebetCredit = 'C')))"


def _signed_total_of(r: TreeInput, totaal: str) -> int:
    """A TotaalBedragMetDC as one signed integer: its element found once, its two children read below it."""
    found = r.select(totaal)
    if not found:
        return _signed(None, None)
    return _signed(_waarde(r, "ijw:TotaalBedrag", found[0]), _waarde(r, "ijw:DebetCredit", found[0]))


_TOTAAL_323 = "m:Declaratie/m:TotaalIngediendBedrag"


@rule("TR358", ("JW323",), "Declaratie.TotaalIngediendBedrag",
      "TotaalIngediendBedrag is de som van IngediendBedrag van alle prestaties, debet min credit.",
      note="added up exactly with integers, from the prestaties the other tree checks read too")
def totaal_is_de_som(r: TreeInput) -> Iterator[Violation]:
    prestaties = regels(r)
    declared, total = _signed_total_of(r, _TOTAAL_323), sum(regel.signed for regel in prestaties)
    if declared != total:
        yield Violation(r.path(r.root, f"{_TOTAAL_323}/ijw:TotaalBedrag"),
                        f"TotaalIngediendBedrag {_bedrag(declared)} is not the sum of the {len(prestaties)} "
                        f"prestaties' IngediendBedrag, debet minus credit: {_bedrag(total)} (eurocent)")


_ANTWOORD = "m:DeclaratieAntwoord"
_AFGEKEURD = f"{_ANTWOORD}/m:RetourCodes/m:RetourCode[not(. = '0200' or . = '8001')]"
"""The DeclaratieAntwoord itself is rejected: a retourcode other than 0200 (no remark) or 8001 (fully awarded)."""
_TOEGEKEND = f"{_ANTWOORD}/m:TotaalToegekendBedrag"
_GOEDGEKEURD = "not(m:RetourCodes/m:RetourCode != '0200')"
"""A prestatie of a JW325 that carries no retourcode but 0200: an awarded one, which the answer leaves out."""


# A JW325 holds only the rejected prestaties, few: its sum is taken in the gate, and the tree
# check runs only on an answer whose totals do not add up.
@rule("TR342", ("JW325",), "DeclaratieAntwoord.TotaalToegekendBedrag / Prestatie",
      "Alleen afgewezen prestaties: hun som is TotaalIngediendBedrag min TotaalToegekendBedrag.",
      when=(f"/m:Bericht/{_AFGEKEURD} and ({amount(f'/m:Bericht/{_TOEGEKEND}/ijw:TotaalBedrag')} != 0 "
            f"or /m:Bericht/{_ANTWOORD}/m:Clienten) "
            f"or /m:Bericht/{_ANTWOORD} and not(/m:Bericht/{_AFGEKEURD}) and "
            f"{_signed_sum(P325)} != {_signed_total(f'{_ANTWOORD}/m:TotaalIngediendBedrag')} - "
            f"{_signed_total(_TOEGEKEND)} "
            f"or /m:Bericht/{P325}[{_GOEDGEKEURD}]"),
      note="with the rule's note: a rejected DeclaratieAntwoord (a retourcode other than 0200 or 8001) holds no "
           "prestaties and awards 0")
def alleen_afgewezen_prestaties(r: TreeInput) -> Iterator[Violation]:
    toegekend_path = r.path(r.root, f"{_TOEGEKEND}/ijw:TotaalBedrag")
    if r.select(_AFGEKEURD):
        if _signed_total_of(r, _TOEGEKEND) != 0:
            yield Violation(toegekend_path, "TotaalToegekendBedrag must be 0 when the DeclaratieAntwoord is rejected")
        if r.select(f"{_ANTWOORD}/m:Clienten"):
            yield Violation(r.path(r.root, f"{_ANTWOORD}/m:Clienten"),
                            "a rejected DeclaratieAntwoord holds no prestaties: they were not judged")
        return
    ingediend = _signed_total_of(r, f"{_ANTWOORD}/m:TotaalIngediendBedrag")
    toegekend, afgewezen = _signed_total_of(r, _TOEGEKEND), sum(regel.signed for regel in regels(r))
    if afgewezen != ingediend - toegekend:
        yield Violation(toegekend_path,
                        f"TotaalIngediendBedrag {_bedrag(ingediend)} minus TotaalToegekendBedrag {_bedrag(toegekend)} "
                        f"is {_bedrag(ingediend - toegekend)}, but the rejected prestaties add up to "
                        f"{_bedrag(afgewezen)} (eurocent)")
    for prestatie in r.select(f"{P325}[{_GOEDGEKEURD}]"):
        yield Violation(r.path(prestatie, "m:RetourCodes"),
                        "a prestatie with only retourcode 0200 was awarded: only rejected prestaties are sent back")


# --- TR346: IngediendBedrag = GeleverdVolume x ProductTarief (IV081 for minutes) ----------------------

_MINUUT, _EUROS = "01", "83"


def _per_minuut_uit_uurtarief(volume: int, tarief: int, bedrag: int) -> bool:
    """IV081: is ``bedrag`` round(uurtarief × minutes / 60) for an hourly tariff that rounds to ``tarief`` a minute?

    The contract's uurtarief u (whole eurocent) is not in the message, only ProductTarief =
    round(u / 60), so u lies in [60·tarief − 30, 60·tarief + 29]; the amount is round(u · volume / 60),
    i.e. 60·bedrag − 30 ≤ u · volume < 60·bedrag + 30. Rounding is half up, as the instruction says.
    """
    low, high = max(0, 60 * tarief - 30), 60 * tarief + 29
    if volume == 0:
        return bedrag == 0
    first = -((30 - 60 * bedrag) // volume)  # ceil((60·bedrag − 30) / volume)
    last = -((-(60 * bedrag + 30)) // volume) - 1  # ceil((60·bedrag + 30) / volume) − 1
    return max(low, first) <= min(high, last)


@rule("TR346", ("JW323",), "Prestatie.IngediendBedrag",
      "Bij een Eenheid anders dan 83 (euro's) is IngediendBedrag gelijk aan GeleverdVolume maal ProductTarief.",
      retourcode="9346", level=Level.EXTERNE_BRON,
      note="judged from the message: the contract's hourly tariff, the external source, matters only for minutes "
           "(IV081), where any hourly tariff that rounds to the ProductTarief is accepted")
def bedrag_is_volume_maal_tarief(r: TreeInput) -> Iterator[Violation]:
    for regel in regels(r):
        if regel.tarief is None or regel.eenheid == _EUROS:
            continue  # no tariff to multiply with (CD087 judges whether there should be one)
        volume, tarief, bedrag = int(regel.volume), int(regel.tarief), int(regel.bedrag)
        if bedrag == volume * tarief:
            continue
        minuten = regel.eenheid == _MINUUT
        if minuten and _per_minuut_uit_uurtarief(volume, tarief, bedrag):
            continue
        yield Violation(r.path(regel.node, "m:IngediendBedrag/ijw:Bedrag"),
                        f"IngediendBedrag {bedrag} is not GeleverdVolume {volume} × ProductTarief {tarief} = "
                        f"{volume * tarief} (eurocent)"
                        + (", nor the rounded amount of an hourly tariff (IV081)" if minuten else ""))


# --- repeated keys: compared with a set ------------------------------------------------------------


def _twee_prestaties(bericht: str) -> str:
    """A ``when``: the message holds a second prestatie (two clients, or a client with two)."""
    return f"{more_than_one(CLIENT[bericht])} or {more_than_one(PRESTATIE[bericht])}"


def _herhaald(values: list[Hashable]) -> Iterator[tuple[int, int]]:
    """(index, index of the first with the same value) for every later occurrence of a value."""
    first: dict[Hashable, int] = {}
    for index, value in enumerate(values):
        if value in first:
            yield index, first[value]
        else:
            first[value] = index


@rule("TR101", DECLARATIES, "Client.Bsn / Prestatie.ProductReferentie",
      "Binnen een bericht zijn dubbele regels (gelijke logische sleutel) niet toegestaan.", when=_twee_prestaties,
      note="the keys of the layout: a Client by its Bsn, a Prestatie by its ProductReferentie (ReferentieNummer "
           "and VorigReferentieNummer) within its Client")
def geen_dubbele_regels(r: TreeInput) -> Iterator[Violation]:
    prestaties = regels(r)
    clients = {regel.client: regel for regel in prestaties}  # the first prestatie of each client
    eerste_van: dict[str, int] = {}
    for client, regel in clients.items():
        if regel.bsn in eerste_van:
            node = regel.node.getparent().getparent()  # type: ignore[union-attr]
            yield Violation(r.path(node, "m:Bsn"),
                            f"Client {client} has the same Bsn as Client {eerste_van[regel.bsn]}")
        else:
            eerste_van[regel.bsn] = client
    keys: list[Hashable] = [(regel.bsn, regel.referentie, regel.vorig) for regel in prestaties]
    for later, first in _herhaald(keys):
        yield Violation(r.path(prestaties[later].node, "m:ProductReferentie"),
                        f"this client declares ProductReferentie {prestaties[later].referentie!r} twice "
                        f"(first at {prestaties[first].plaats})")


@rule("TR314", ("JW323",), "Prestatie.ProductReferentie.ReferentieNummer",
      "ReferentieNummer van een prestatie is uniek voor de aanbieder, ook binnen één bericht.",
      retourcode="8021", level=Level.BERICHTOVERSTIJGEND, when=_twee_prestaties,
      note="within this message; across the aanbieder's earlier declarations with --ledger")
def unieke_referentie(r: TreeInput) -> Iterator[Violation]:
    prestaties = regels(r)
    for later, first in _herhaald([regel.referentie for regel in prestaties]):
        yield Violation(r.path(prestaties[later].node, REFERENTIE),
                        f"ReferentieNummer {prestaties[later].referentie!r} is used by another prestatie of this "
                        f"message too (first at {prestaties[first].plaats})")


@rule("TR315", ("JW323",), "Prestatie.ProductReferentie.VorigReferentieNummer",
      "VorigReferentieNummer is uniek binnen het bericht.")
def uniek_vorig_referentienummer(r: TreeInput) -> Iterator[Violation]:
    credits = [regel for regel in regels(r) if regel.vorig is not None]
    for later, first in _herhaald([regel.vorig for regel in credits]):
        yield Violation(r.path(credits[later].node, VORIG),
                        f"VorigReferentieNummer {credits[later].vorig!r} is credited twice in this message "
                        f"(first at {credits[first].plaats})")


@rule("TR316", ("JW323",), "Prestatie.ProductReferentie.VorigReferentieNummer",
      "Een debetprestatie wordt niet in hetzelfde bericht gecrediteerd.")
def niet_in_hetzelfde_bericht_gecrediteerd(r: TreeInput) -> Iterator[Violation]:
    prestaties = regels(r)
    referenties = {regel.referentie: regel for regel in reversed(prestaties)}  # the first with each
    for regel in prestaties:
        if regel.vorig is not None and regel.vorig in referenties:
            yield Violation(r.path(regel.node, VORIG),
                            f"VorigReferentieNummer {regel.vorig!r} credits a prestatie of this same message "
                            f"({referenties[regel.vorig].plaats}): a debet prestatie and its credit are not sent "
                            "together (IV086)")


@rule("TR416", ("JW323",), "Prestatie.IngediendBedrag.DebetCredit",
      "Per ToewijzingNummer, ProductCategorie, ProductCode en ProductPeriode is er één debetprestatie in het bericht.",
      when=_twee_prestaties,
      note="across the whole message, as the rule's text has it (a ToewijzingNummer belongs to one client)")
def een_debetprestatie_per_product_en_periode(r: TreeInput) -> Iterator[Violation]:
    debet = [regel for regel in regels(r) if regel.debet_credit.strip() == "D"]
    keys: list[Hashable] = [(int(regel.toewijzing), regel.categorie, regel.code, regel.begin.strip(),
                             regel.eind.strip()) for regel in debet]
    for later, first in _herhaald(keys):
        regel = debet[later]
        yield Violation(r.path(regel.node, "m:IngediendBedrag/ijw:DebetCredit"),
                        f"a second debet prestatie for ToewijzingNummer {regel.toewijzing.strip()}, product "
                        f"{regel.categorie}/{regel.code} and ProductPeriode {regel.begin.strip()} – "
                        f"{regel.eind.strip()} (the first at {debet[first].plaats})")


# --- controleniveau 4: the CBS list and the product code lists ---------------------------------------

DECLARATIE_BRON = Productbron(P323, "m:ProductCategorie", "m:ProductCode", "m:ProductPeriode/ijw:Begindatum",
                              lees=producten)
ANTWOORD_BRON = Productbron(P325, "m:ProductCategorie", "m:ProductCode", "m:ProductPeriode/ijw:Begindatum",
                            lees=producten)
_OP_PRODUCTPERIODE = ("on the Begindatum of a ProductPeriode: the toewijzing's Ingangsdatum the rule names is not "
                      "in a declaration, and a prestatie lies within its toewijzing (TR307)")

gemeentecode_rule("JW323", ONTVANGER, DECLARATIE_BRON, note=_OP_PRODUCTPERIODE)
gemeentecode_rule("JW325", AFZENDER, ANTWOORD_BRON,
                  note=_OP_PRODUCTPERIODE + "; on the Dagtekening when the answer holds no prestaties")
productcode_rule("JW323", ONTVANGER, DECLARATIE_BRON,
                 note="the list the gemeente uses on the ProductPeriode's Begindatum")


# --- enforced by the XSD, or needing earlier messages ------------------------------------------------

documented("CS319", ("JW323",), "Declaratie.DeclaratieNummer",
           "DeclaratieNummer aaneengesloten, cijfers en/of letters.", Status.XSD, level=Level.XSD,
           note="the pattern ([a-zA-Z0-9])+ of DeclaratieNummer in the XSD")

_CROSS_MESSAGE: list[tuple[str, tuple[str, ...], str, str, str | None]] = [
    ("TR304", DECLARATIES, "Client.Bsn", "Bsn is die van de client van de toewijzing.", "8187"),
    ("TR307", ("JW323",), "Prestatie.ProductPeriode.Begindatum",
     "Begindatum ligt op of na de Ingangsdatum van het ToegewezenProduct.", "9307"),
    ("TR308", ("JW323",), "Prestatie.ProductPeriode.Einddatum",
     "Einddatum ligt op of voor de Einddatum van het ToegewezenProduct.", "9308"),
    ("TR318", ("JW323",), "Declaratie.DeclaratiePeriode",
     "Bij maandelijkse zorg volgt de DeclaratiePeriode op de vorige.", "8214"),
    ("TR321", ("JW323",), "Prestatie.GeleverdVolume", "GeleverdVolume past binnen het toegewezen Volume.", "9321"),
    ("TR322", ("JW323",), "Prestatie.GeleverdVolume",
     "De som van GeleverdVolume op een toewijzing past binnen de toegewezen Omvang.", "9322"),
    ("TR323", ("JW323",), "Prestatie", "Een creditprestatie hoort bij een eerder goedgekeurde debetprestatie.",
     "8017"),
    ("TR333", ("JW323",), "Declaratie.DeclaratieNummer", "DeclaratieNummer is uniek voor de aanbieder.", "9333"),
    ("TR337", ("JW325",), "Header.DeclaratieIdentificatie",
     "DeclaratieIdentificatie is de BerichtIdentificatie van een ontvangen declaratie.", None),
    ("TR338", ("JW323",), "Prestatie.ToewijzingNummer", "De prestatie hoort bij een ToegewezenProduct.", "9338"),
    ("TR339", ("JW323",), "Prestatie.ProductCategorie", "ProductCategorie is die van het ToegewezenProduct.", "9339"),
    ("TR340", ("JW323",), "Prestatie.ProductCode", "ProductCode is die van het ToegewezenProduct.", "9340"),
    ("TR341", ("JW323",), "Prestatie.Eenheid", "Eenheid past bij die van het ToegewezenProduct.", "9341"),
    ("TR366", ("JW325",), "Prestatie.ProductReferentie", "Elke prestatie hoort bij een prestatie van de declaratie.",
     "9366"),
    ("TR367", ("JW325",), "Prestatie", "De waarden zijn die van de prestatie in de declaratie.", "9367"),
    ("TR369", ("JW323",), "Prestatie.GeleverdVolume",
     "De som van GeleverdVolume op een toewijzing past binnen het toegewezen Budget.", "9369"),
    ("TR371", ("JW325",), "Header.XsdVersieDeclaratie", "XsdVersieDeclaratie is de XsdVersie van de declaratie.",
     None),
    ("TR376", ("JW325",), "DeclaratieAntwoord.DeclaratieNummer",
     "DeclaratieNummer is dat van een ontvangen declaratie.", None),
    ("TR384", ("JW323",), "Prestatie.ToewijzingNummer", "Niet declareren op een verwijderde toewijzing (13).", "9384"),
    ("TR387", ("JW323",), "Prestatie.ProductPeriode.Begindatum",
     "Begindatum is de eerste van de maand, of de latere Ingangsdatum van de toewijzing.", "9387"),
    ("TR388", ("JW323",), "Prestatie.ProductPeriode.Einddatum",
     "Einddatum is de laatste van de maand, of de eerdere Einddatum van de toewijzing.", "9388"),
    ("TR389", ("JW323",), "Prestatie.IngediendBedrag.DebetCredit",
     "Geen tweede debetprestatie voor dezelfde toewijzing, product en periode (ook niet eerder verzonden).", "9389"),
    ("TR390", ("JW323",), "Prestatie.IngediendBedrag.DebetCredit",
     "Een prestatie wordt maar één keer gecrediteerd.", "9390"),
    ("TR418", ("JW323",), "Prestatie.ProductTarief", "ProductTarief is het contractuele tarief van de ProductCode.",
     "0611"),
]

_WHY = {
    "TR418": "needs the toewijzing the prestatie declares on, for the contract (region, year) whose tarief applies",
    "TR337": "judged by the aanbieder on the answer it receives (no retourcode): needs the declaration answered",
    "TR371": "judged by the aanbieder on the answer it receives (no retourcode): needs the declaration answered",
    "TR376": "judged by the aanbieder on the answer it receives (no retourcode): needs the declaration answered",
}

for code, berichten, element, text, retourcode in _CROSS_MESSAGE:
    cross_message_rule(code, berichten, element, text, retourcode,
                       _WHY.get(code, "needs earlier messages (the toewijzing, earlier declarations, the declaration "
                                      "answered): the ledger"))
