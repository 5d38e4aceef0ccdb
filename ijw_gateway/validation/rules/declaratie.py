"""The declaration messages: JW323 Declaratie and JW325 Declaratie-antwoord.

A JW323 declares a month of care for many clients at once, thousands of prestaties in one
message, so every rule here is linear in the number of prestaties: a condition on one
prestatie is an XPath hit, a sum is one ``sum()`` in the gate, and a comparison between
prestaties (a repeated key) is a tree check that reads each column once and compares with a
set. Nothing compares a prestatie with its preceding siblings.

Amounts are integers in eurocent with a DebetCredit indicator (COD043: D is added, C is
subtracted). The XSD allows a sign on an integer (``+5000``), which XPath's ``number()``
reads as NaN: one amount is read with :func:`amount`, and a sum that comes out NaN only
makes its tree check run, which computes exactly with Python integers.

Which element a rule means is decided from its text and the layouts where the reference
does not say it (the "Gebruik in berichten" of its TR pages names WMO323/WMO325); the
registrations' notes say where that decision is not obvious. Rules that compare a
declaration with earlier messages (a prestatie against its toewijzing, a credit against the
debet it credits) are registered as needing cross-message state, with their retourcodes.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from functools import cache

from lxml import etree

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


# --- what the tree checks read: each column once, in document order ---------------------------------


@cache
def _counter(bericht: str, path: str) -> etree.XPath:
    return etree.XPath(f"count({path})", namespaces=namespaces_of(bericht))


def _count(r: TreeInput, items: str) -> int:
    return r.shared(f"count:{items}", lambda tree_input: int(_counter(r.bericht, items)(tree_input.root)))


def column(r: TreeInput, items: str, child: str) -> list[str]:
    """The text of ``child`` (required by the layout) of every item at ``items``, in document order.

    One XPath for all items; only when a comment splits a text (more text nodes than items)
    is each element read on its own.
    """

    def read(tree_input: TreeInput) -> list[str]:
        values = tree_input.texts(f"{items}/{child}")
        if len(values) == _count(tree_input, items):
            return values
        return [_raw(node) for node in tree_input.select(f"{items}/{child}")]

    return r.shared(f"column:{items}/{child}", read)


def _plaats(r: TreeInput, node: etree._Element) -> str:
    """Where a prestatie is, for a sentence: "Client 2, Prestatie 1" (positions as in its path)."""
    prestaties = node.getparent()
    client = prestaties.getparent() if prestaties is not None else None
    clients = client.getparent() if client is not None else None
    if prestaties is None or client is None or clients is None:
        return "a prestatie"
    return f"Client {clients.index(client) + 1}, Prestatie {prestaties.index(node) + 1}"


# --- the client -------------------------------------------------------------------------------------

xpath_rule("CS002", "Client.Bsn", "BSN voldoet aan de elfproef.",
           {b: Hit(f"{CLIENT[b]}/m:Bsn", elfproef_breaks("."), "the BSN does not pass the elfproef (11-test)")
            for b in DECLARATIES})


# --- dates: DeclaratiePeriode, ProductPeriode, DeclaratieDagtekening ------------------------------------


def _explain_periode(what: str, sentence: str) -> Callable[[HitNode], str]:
    def explain(hit: HitNode) -> str:
        return f"{what} {hit.text('ijw:Begindatum')} – {hit.text('ijw:Einddatum')} {sentence}"

    return explain


def _vanaf_2021(context: str, what: str, element: str) -> Hit:
    return Hit(context, f"date(ijw:{element}) < 20210101",
               lambda hit: f"{what} {element} {hit.text(f'ijw:{element}')} lies before 2021-01-01",
               at=f"ijw:{element}")


_DECLARATIEPERIODE = "m:Declaratie/m:DeclaratiePeriode"
_PRODUCTPERIODE = f"{P323}/m:ProductPeriode"

xpath_rule(
    "CS100", "DeclaratiePeriode / Prestatie.ProductPeriode", "De datums van de periode liggen op of na 01-01-2021.",
    {"JW323": tuple(_vanaf_2021(context, what, element)
                    for context, what in ((_DECLARATIEPERIODE, "DeclaratiePeriode"),
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
    {"JW323": Hit(_PRODUCTPERIODE, f"floor({EIND} div 100) != floor({BEGIN} div 100)",
                  _explain_periode("ProductPeriode", "spans more than one calendar month"), at="ijw:Einddatum")},
)


def _eind_na(reference: str) -> Callable[[HitNode], str]:
    def explain(hit: HitNode) -> str:
        begin, eind = hit.text("ijw:Begindatum"), hit.text("ijw:Einddatum")
        if (date_key(eind) or 0) < (date_key(begin) or 0):
            return f"ProductPeriode Einddatum {eind} lies before its Begindatum {begin}"
        return f"ProductPeriode Einddatum {eind} lies after the {reference}"

    return explain


xpath_rule(
    "TR137", "Prestatie.ProductPeriode.Einddatum",
    "Einddatum ligt op of na de Begindatum van de periode en niet na de Dagtekening van het bericht.",
    {b: Hit(f"{PRESTATIE[b]}/m:ProductPeriode", f"{EIND} < {BEGIN} or {EIND} > $dagtekening",
            _eind_na("Dagtekening of the message"), at="ijw:Einddatum")
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

xpath_rule(
    "TR335", "Prestatie.ProductPeriode.Einddatum", "Einddatum ligt niet meer dan 5 jaar voor de DeclaratieDagtekening.",
    {"JW323": Hit(_PRODUCTPERIODE, f"{EIND} < date(/m:Bericht/m:Declaratie/m:DeclaratieDagtekening) - 50000",
                  lambda hit: f"ProductPeriode Einddatum {hit.text('ijw:Einddatum')} lies more than 5 years before "
                              "the DeclaratieDagtekening", at="ijw:Einddatum")},
)

xpath_rule(
    "TR319", "Prestatie.ProductPeriode",
    "De ProductPeriode valt in de huidige of een voorgaande declaratieperiode.",
    {"JW323": Hit(_PRODUCTPERIODE, f"{EIND} > date(/m:Bericht/m:Declaratie/m:DeclaratiePeriode/ijw:Einddatum)",
                  lambda hit: f"ProductPeriode Einddatum {hit.text('ijw:Einddatum')} lies after the "
                              "DeclaratiePeriode: a prestatie is declared in its own or a later period",
                  at="ijw:Einddatum")},
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
    return f"ProductTarief is required when the Eenheid is {hit.text('m:Eenheid')} (not 83, euro's)"


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


def _som(r: TreeInput, prestaties: str) -> int:
    """The prestaties' IngediendBedrag added up exactly: debet plus, credit minus."""
    bedragen = column(r, prestaties, "m:IngediendBedrag/ijw:Bedrag")
    tekens = column(r, prestaties, "m:IngediendBedrag/ijw:DebetCredit")
    return sum(_signed(bedrag, teken) for bedrag, teken in zip(bedragen, tekens, strict=True))


def _signed_sum(prestaties: str) -> str:
    """XPath: the prestaties' IngediendBedrag, debet minus credit (NaN when an amount carries a sign)."""
    return (f"(sum(/m:Bericht/{prestaties}/m:IngediendBedrag[ijw:DebetCredit = 'D']/ijw:Bedrag) - "
            f"sum(/m:Bericht/{prestaties}/m:IngediendBedrag[ijw:DebetCredit = 'C']/ijw:Bedrag))")


def _signed_total(totaal: str) -> str:
    """XPath: a TotaalBedragMetDC as one signed number."""
    return f"(/m:Bericht/{totaal}/ijw:TotaalBedrag * (1 - 2 * (/m:Bericht/{totaal}/ijw:DebetCredit = 'C')))"


def _signed_total_of(r: TreeInput, totaal: str) -> int:
    return _signed(_waarde(r, f"{totaal}/ijw:TotaalBedrag"), _waarde(r, f"{totaal}/ijw:DebetCredit"))


_TOTAAL_323 = "m:Declaratie/m:TotaalIngediendBedrag"


@rule("TR358", ("JW323",), "Declaratie.TotaalIngediendBedrag",
      "TotaalIngediendBedrag is de som van IngediendBedrag van alle prestaties, debet min credit.",
      when=f"{_signed_sum(P323)} != {_signed_total(_TOTAAL_323)}",
      note="summed in the gate (exact: doubles hold every total a message can have); the tree check recomputes "
           "with integers only when the sums differ")
def totaal_is_de_som(r: TreeInput) -> Iterator[Violation]:
    declared, total = _signed_total_of(r, _TOTAAL_323), _som(r, P323)
    if declared != total:
        yield Violation(r.path(r.root, f"{_TOTAAL_323}/ijw:TotaalBedrag"),
                        f"TotaalIngediendBedrag {_bedrag(declared)} is not the sum of the "
                        f"{_count(r, P323)} prestaties' IngediendBedrag, debet minus credit: {_bedrag(total)} "
                        "(eurocent)")


_ANTWOORD = "m:DeclaratieAntwoord"
_AFGEKEURD = f"{_ANTWOORD}/m:RetourCodes/m:RetourCode[not(. = '0200' or . = '8001')]"
"""The DeclaratieAntwoord itself is rejected: a retourcode other than 0200 (no remark) or 8001 (fully awarded)."""
_TOEGEKEND = f"{_ANTWOORD}/m:TotaalToegekendBedrag"
_GOEDGEKEURD = "not(m:RetourCodes/m:RetourCode != '0200')"
"""A prestatie of a JW325 that carries no retourcode but 0200: an awarded one, which the answer leaves out."""


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
    toegekend, afgewezen = _signed_total_of(r, _TOEGEKEND), _som(r, P325)
    if afgewezen != ingediend - toegekend:
        yield Violation(toegekend_path,
                        f"TotaalIngediendBedrag {_bedrag(ingediend)} minus TotaalToegekendBedrag {_bedrag(toegekend)} "
                        f"is {_bedrag(ingediend - toegekend)}, but the rejected prestaties add up to "
                        f"{_bedrag(afgewezen)} (eurocent)")
    for prestatie in r.select(f"{P325}[{_GOEDGEKEURD}]"):
        yield Violation(r.path(prestatie, "m:RetourCodes"),
                        "a prestatie with only retourcode 0200 was awarded: only rejected prestaties are sent back")


# --- TR346: IngediendBedrag = GeleverdVolume x ProductTarief (IV081 for minutes) ----------------------

_MINUUT = "01"
_TR346_VERDACHT = ("m:ProductTarief and not(m:Eenheid = '83') and "
                   "m:IngediendBedrag/ijw:Bedrag != m:GeleverdVolume * m:ProductTarief")
"""A prestatie whose amount is not volume times tariff as XPath reads them (NaN included: then Python judges)."""


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
      retourcode="9346", level=Level.EXTERNE_BRON, when=f"/m:Bericht/{P323}[{_TR346_VERDACHT}]",
      note="judged from the message: the contract's hourly tariff, the external source, matters only for minutes "
           "(IV081), where any hourly tariff that rounds to the ProductTarief is accepted")
def bedrag_is_volume_maal_tarief(r: TreeInput) -> Iterator[Violation]:
    for prestatie in r.select(f"{P323}[{_TR346_VERDACHT}]"):
        volume = int(_waarde(r, "m:GeleverdVolume", prestatie) or "0")
        tarief = int(_waarde(r, "m:ProductTarief", prestatie) or "0")
        bedrag = int(_waarde(r, "m:IngediendBedrag/ijw:Bedrag", prestatie) or "0")
        if bedrag == volume * tarief:
            continue
        eenheid = _waarde(r, "m:Eenheid", prestatie)
        if eenheid == _MINUUT and _per_minuut_uit_uurtarief(volume, tarief, bedrag):
            continue
        yield Violation(r.path(prestatie, "m:IngediendBedrag/ijw:Bedrag"),
                        f"IngediendBedrag {bedrag} is not GeleverdVolume {volume} × ProductTarief {tarief} = "
                        f"{volume * tarief} (eurocent)" + (", nor the rounded amount of an hourly tariff (IV081)"
                                                           if eenheid == _MINUUT else ""))


# --- repeated keys: each column read once, compared with a set ------------------------------------


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
    clients, prestaties = CLIENT[r.bericht], PRESTATIE[r.bericht]
    bsns = column(r, clients, "m:Bsn")
    if len(set(bsns)) != len(bsns):
        nodes = r.select(clients)
        for later, first in _herhaald(bsns):
            yield Violation(r.path(nodes[later], "m:Bsn"), f"Client {later + 1} has the same Bsn as Client {first + 1}")
    referenties = column(r, prestaties, REFERENTIE)
    if len(set(referenties)) == len(referenties):
        return  # every key holds its own ReferentieNummer
    keys: list[Hashable] = []
    nodes = []
    for client_node, bsn in zip(r.select(clients), bsns, strict=True):
        for prestatie in r.select("m:Prestaties/m:Prestatie", client_node):
            keys.append((bsn, _waarde(r, REFERENTIE, prestatie), _waarde(r, VORIG, prestatie)))
            nodes.append(prestatie)
    for later, first in _herhaald(keys):
        yield Violation(r.path(nodes[later], "m:ProductReferentie"),
                        f"this client declares ProductReferentie {keys[later][1]!r} twice "  # type: ignore[index]
                        f"(first at {_plaats(r, nodes[first])})")


@rule("TR314", ("JW323",), "Prestatie.ProductReferentie.ReferentieNummer",
      "ReferentieNummer van een prestatie is uniek voor de aanbieder, ook binnen één bericht.",
      retourcode="8021", level=Level.BERICHTOVERSTIJGEND, when=_twee_prestaties,
      note="within this message; unique across the aanbieder's earlier messages needs the ledger")
def unieke_referentie(r: TreeInput) -> Iterator[Violation]:
    referenties = column(r, P323, REFERENTIE)
    if len(set(referenties)) == len(referenties):
        return
    nodes = r.select(P323)
    for later, first in _herhaald(referenties):
        yield Violation(r.path(nodes[later], REFERENTIE),
                        f"ReferentieNummer {referenties[later]!r} is used by another prestatie of this message too "
                        f"(first at {_plaats(r, nodes[first])})")


@rule("TR315", ("JW323",), "Prestatie.ProductReferentie.VorigReferentieNummer",
      "VorigReferentieNummer is uniek binnen het bericht.", when=f"(/m:Bericht/{P323}/{VORIG})[2]")
def uniek_vorig_referentienummer(r: TreeInput) -> Iterator[Violation]:
    nodes = r.select(f"{P323}/{VORIG}")
    values: list[Hashable] = [_raw(node) for node in nodes]
    for later, first in _herhaald(values):
        yield Violation(r.path(nodes[later]), f"VorigReferentieNummer {values[later]!r} is credited twice in this "
                                              f"message (first at {_plaats(r, nodes[first].getparent().getparent())})")


@rule("TR316", ("JW323",), "Prestatie.ProductReferentie.VorigReferentieNummer",
      "Een debetprestatie wordt niet in hetzelfde bericht gecrediteerd.", when=f"/m:Bericht/{P323}/{VORIG}")
def niet_in_hetzelfde_bericht_gecrediteerd(r: TreeInput) -> Iterator[Violation]:
    referenties = set(column(r, P323, REFERENTIE))
    for node in r.select(f"{P323}/{VORIG}"):
        if _raw(node) in referenties:
            yield Violation(r.path(node), f"VorigReferentieNummer {_raw(node)!r} credits a prestatie of this same "
                                          "message: a debet prestatie and its credit are not sent together (IV086)")


_TR416_SLEUTEL = ("m:ToewijzingNummer", "m:ProductCategorie", "m:ProductCode", "m:ProductPeriode/ijw:Begindatum",
                  "m:ProductPeriode/ijw:Einddatum")


@rule("TR416", ("JW323",), "Prestatie.IngediendBedrag.DebetCredit",
      "Per ToewijzingNummer, ProductCategorie, ProductCode en ProductPeriode is er één debetprestatie in het bericht.",
      when=f"(/m:Bericht/{P323}/m:IngediendBedrag[ijw:DebetCredit = 'D'])[2]",
      note="across the whole message, as the rule's text has it (a ToewijzingNummer belongs to one client)")
def een_debetprestatie_per_product_en_periode(r: TreeInput) -> Iterator[Violation]:
    tekens = column(r, P323, "m:IngediendBedrag/ijw:DebetCredit")
    toewijzing, categorie, code, begin, eind = (column(r, P323, path) for path in _TR416_SLEUTEL)
    debet = [i for i, teken in enumerate(tekens) if teken.strip() == "D"]
    keys: list[Hashable] = [(int(toewijzing[i]), categorie[i], code[i], begin[i].strip(), eind[i].strip())
                            for i in debet]
    if len(set(keys)) == len(keys):
        return
    nodes = r.select(P323)
    for later, first in _herhaald(keys):
        i, j = debet[later], debet[first]
        yield Violation(r.path(nodes[i], "m:IngediendBedrag/ijw:DebetCredit"),
                        f"a second debet prestatie for ToewijzingNummer {toewijzing[i].strip()}, product "
                        f"{categorie[i]}/{code[i]} and ProductPeriode {begin[i].strip()} – {eind[i].strip()} "
                        f"(the first at {_plaats(r, nodes[j])})")


# --- controleniveau 4: the CBS list and the product code lists ---------------------------------------

DECLARATIE_BRON = Productbron(P323, "m:ProductCategorie", "m:ProductCode", "m:ProductPeriode/ijw:Begindatum")
ANTWOORD_BRON = Productbron(P325, "m:ProductCategorie", "m:ProductCode", "m:ProductPeriode/ijw:Begindatum")
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
    documented(code, berichten, element, text, Status.CROSS_MESSAGE, level=Level.BERICHTOVERSTIJGEND,
               retourcode=retourcode,
               note=_WHY.get(code, "needs earlier messages (the toewijzing, earlier declarations, the declaration "
                                    "answered): the ledger"))
