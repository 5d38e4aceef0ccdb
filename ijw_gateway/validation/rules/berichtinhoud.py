"""Controleniveau 2: conditions, constraints and technical rules checkable within one message.

All carry retourcode 0001 (IV032): a message breaking one is rejected technically.
"""

from collections.abc import Iterator
from datetime import date
from itertools import combinations

from stdnum.nl import bsn as stdnum_bsn

from ijw_gateway.messages import jw301, jw315, jw319
from ijw_gateway.messages.codelists import EENHEID, FREQUENTIE
from ijw_gateway.validation.rules.registry import RuleInput, Violation, rule
from ijw_gateway.validation.rules.views import ProductView, XPath, dagtekening, geboortedata, root

WITH_CLIENT_BSN = ("JW301", "JW305", "JW307", "JW315", "JW317")
TOEWIJZING_EN_VERZOEK = ("JW301", "JW315")
CUTOVER = date(2020, 12, 31)
"""Rules about Omvang and Frequentie apply to toewijzingen running after 31-12-2020."""
ONBEKENDE_DATUM = date(1900, 1, 1)


@rule("CS002", WITH_CLIENT_BSN, "Client.Bsn", "BSN voldoet aan de elfproef.")
def bsn_elfproef(r: RuleInput) -> Iterator[Violation]:
    value = r.message.Client.Bsn  # type: ignore[attr-defined]
    if not stdnum_bsn.is_valid(value):
        yield Violation(str(root(r.bericht).el("Client").el("Bsn")), "the BSN does not pass the elfproef (11-test)")


def _onbekend(datum: date, gebruik: str | None) -> bool:
    return gebruik == "3" and datum == ONBEKENDE_DATUM


@rule("TR002", ("JW301", "JW305", "JW307", "JW315"), "Client.Geboortedatum",
      "Geboortedatum ligt niet meer dan 120 jaar voor de Dagtekening, tenzij onbekend.")
def geboortedatum_120_jaar(r: RuleInput) -> Iterator[Violation]:
    geboorte = r.message.Client.Geboortedatum  # type: ignore[attr-defined]
    dag = dagtekening(r.message)
    if dag.year - 120 < date.min.year:  # no date lies 120 years before a Dagtekening in the years 1–120
        return
    try:
        limit = dag.replace(year=dag.year - 120)
    except ValueError:  # 29 February
        limit = dag.replace(year=dag.year - 120, day=28)
    if geboorte.Datum < limit and not _onbekend(geboorte.Datum, geboorte.DatumGebruik):
        path = root(r.bericht).el("Client").el("Geboortedatum").ijw("Datum")
        yield Violation(
            str(path), f"Geboortedatum {geboorte.Datum} lies more than 120 years before the Dagtekening {dag}"
        )


@rule("TR134", ("JW301", "JW305", "JW307", "JW315"), "Client.Geboortedatum",
      "Geboortedatum is een bestaande datum niet na de Dagtekening.")
def geboortedatum_niet_na_dagtekening(r: RuleInput) -> Iterator[Violation]:
    geboorte = r.message.Client.Geboortedatum  # type: ignore[attr-defined]
    dag = dagtekening(r.message)
    if geboorte.Datum > dag:
        path = root(r.bericht).el("Client").el("Geboortedatum").ijw("Datum")
        yield Violation(str(path), f"Geboortedatum {geboorte.Datum} lies after the Dagtekening {dag}")


@rule("CS139", ("JW301", "JW315"), "Geboortedatum.DatumGebruik",
      "DatumGebruik en Datum van een Geboortedatum zijn met elkaar in overeenstemming.")
def datumgebruik(r: RuleInput) -> Iterator[Violation]:
    for geboorte, path in geboortedata(r.message, r.bericht):
        datum, gebruik = geboorte.Datum, geboorte.DatumGebruik
        expected = {
            "1": ("01-MM-EEJJ (day 1)", datum.day == 1),
            "2": ("01-01-EEJJ (1 January)", (datum.month, datum.day) == (1, 1)),
            "3": ("01-01-1900", datum == ONBEKENDE_DATUM),
        }.get(gebruik or "")
        if expected is not None and not expected[1]:
            yield Violation(
                str(path.ijw("Datum")),
                f"DatumGebruik {gebruik} requires the Datum to be {expected[0]}, not {datum}",
            )


@rule("CS003", TOEWIJZING_EN_VERZOEK, "ToegewezenProduct.Einddatum / AangevraagdProduct.ToewijzingEinddatum",
      "Einddatum is groter dan of gelijk aan de Ingangsdatum.")
def einddatum_na_ingangsdatum(r: RuleInput) -> Iterator[Violation]:
    for p in r.products:
        if p.einddatum is not None and p.einddatum < p.ingangsdatum:
            yield Violation(
                p.eind_path, f"{p.eind_element} {p.einddatum} lies before {p.ingang_element} {p.ingangsdatum}"
            )
    if isinstance(r.message, jw301.JW301):
        for path, contact in _contacts(r.message):
            periode = contact.Periode
            if periode and periode.Begindatum and periode.Einddatum and periode.Einddatum < periode.Begindatum:
                yield Violation(str(path.el("Periode").ijw("Einddatum")),
                                f"Einddatum {periode.Einddatum} lies before Begindatum {periode.Begindatum}")


@rule("CD075", TOEWIJZING_EN_VERZOEK, "Einddatum", "Einddatum is verplicht als Budget gevuld is.")
def einddatum_bij_budget(r: RuleInput) -> Iterator[Violation]:
    for p in r.products:
        if p.budget is not None and p.einddatum is None:
            yield Violation(p.eind_path, f"{p.eind_element} is required when a Budget is given")


@rule("CD076", TOEWIJZING_EN_VERZOEK, "Einddatum", "Einddatum is verplicht als Frequentie 2 (per week) is.")
def einddatum_bij_per_week(r: RuleInput) -> Iterator[Violation]:
    for p in r.products:
        if p.omvang is not None and p.omvang.Frequentie == "2" and p.einddatum is None:
            yield Violation(p.eind_path, f"{p.eind_element} is required when the Frequentie is 2 (per week)")


@rule("CD077", TOEWIJZING_EN_VERZOEK, "Omvang", "Omvang is leeg als Budget gevuld is.")
def geen_omvang_bij_budget(r: RuleInput) -> Iterator[Violation]:
    for p in r.products:
        if p.budget is not None and p.omvang is not None:
            yield Violation(str(p.path.el("Omvang")), "Omvang must be empty when a Budget is given")


@rule("CD078", TOEWIJZING_EN_VERZOEK, "Budget", "Budget is leeg als Omvang gevuld is.")
def geen_budget_bij_omvang(r: RuleInput) -> Iterator[Violation]:
    for p in r.products:
        if p.omvang is not None and p.budget is not None:
            yield Violation(str(p.path.el("Budget")), "Budget must be empty when an Omvang is given")


@rule("CD079", TOEWIJZING_EN_VERZOEK, "Product", "Product is verplicht als Budget leeg is.")
def product_zonder_budget(r: RuleInput) -> Iterator[Violation]:
    for p in r.products:
        if p.budget is None and p.product is None:
            yield Violation(str(p.path.el("Product")), "Product is required when no Budget is given")


@rule("CD041", TOEWIJZING_EN_VERZOEK, "Omvang", "Omvang is verplicht als Code in Product gevuld is.")
def omvang_bij_productcode(r: RuleInput) -> Iterator[Violation]:
    for p in r.products:
        if p.code is not None and p.omvang is None:
            yield Violation(str(p.path.el("Omvang")), f"Omvang is required for product code {p.code}")


def _runs_after_cutover(p: ProductView) -> bool:
    return p.einddatum is None or p.einddatum > CUTOVER


def _no_omvang_without_code(r: RuleInput) -> Iterator[Violation]:
    for p in r.products:
        if p.code is None and p.omvang is not None and _runs_after_cutover(p):
            yield Violation(
                str(p.path.el("Omvang")),
                f"Omvang must be empty when Product has no Code and the toewijzing runs after {CUTOVER}",
            )


rule("CD080", ("JW301",), "ToegewezenProduct.Omvang",
     "Omvang is leeg als Code in Product leeg is en de Einddatum na 31-12-2020 ligt of leeg is.")(
    _no_omvang_without_code
)
rule("CD095", ("JW315",), "AangevraagdProduct.Omvang",
     "Omvang is leeg als Code in Product leeg is en de ToewijzingEinddatum na 31-12-2020 ligt of leeg is.")(
    _no_omvang_without_code
)

PER_PERIODE_EENHEDEN = {"14", "16", "83", "84"}


def _frequentie_bij_eenheid(r: RuleInput) -> Iterator[Violation]:
    for p in r.products:
        omvang = p.omvang
        if omvang and omvang.Eenheid in PER_PERIODE_EENHEDEN and omvang.Frequentie not in {"2", "4", "6"} and (
            _runs_after_cutover(p)
        ):
            yield Violation(
                str(p.path.el("Omvang").ijw("Frequentie")),
                f"Eenheid {EENHEID.describe(omvang.Eenheid)} needs Frequentie 2, 4 or 6, "
                f"not {FREQUENTIE.describe(omvang.Frequentie)}",
            )


rule("CS338", ("JW301",), "ToegewezenProduct.Omvang",
     "Bij Eenheid 14, 16, 83 of 84 (en Einddatum na 31-12-2020 of leeg) is Frequentie 2, 4 of 6.")(
    _frequentie_bij_eenheid
)
rule("CS343", ("JW315",), "AangevraagdProduct.Omvang",
     "Bij Eenheid 14, 16, 83 of 84 (en ToewijzingEinddatum na 31-12-2020 of leeg) is Frequentie 2, 4 of 6.")(
    _frequentie_bij_eenheid
)


def _overlap(a: ProductView, b: ProductView) -> bool:
    far = date.max
    return a.ingangsdatum <= (b.einddatum or far) and b.ingangsdatum <= (a.einddatum or far)


def _verwijderd(r: RuleInput, p: ProductView) -> bool:
    if not isinstance(r.message, jw301.JW301):
        return False
    reden = r.message.Client.ToegewezenProducten.ToegewezenProduct[p.index - 1].RedenWijziging
    return reden in {"13", "01"} and p.einddatum == p.ingangsdatum


def _same_product(a: ProductView, b: ProductView) -> bool:
    if a.code and b.code:
        return (a.categorie, a.code) == (b.categorie, b.code)
    if a.categorie and b.categorie and not (a.code or b.code):
        return a.categorie == b.categorie
    return a.product is None or b.product is None


def _no_overlapping_periods(r: RuleInput) -> Iterator[Violation]:
    views = [p for p in r.products if not _verwijderd(r, p)]
    for a, b in combinations(views, 2):
        if _same_product(a, b) and _overlap(a, b):
            what = b.code or b.categorie or "a product without code"
            yield Violation(
                str(b.path), f"product {what} occurs more than once with overlapping periods (see item {a.index})"
            )


rule("TR302", ("JW301",), "ToegewezenProduct",
     "Een product komt alleen vaker voor in een toewijzing als de zorgperiodes niet overlappen.")(
    _no_overlapping_periods
)
rule("TR386", ("JW315",), "AangevraagdProduct",
     "Een product komt alleen vaker voor in een verzoek om toewijzing als de zorgperiodes niet overlappen.")(
    _no_overlapping_periods
)


@rule("TR383", ("JW315",), "AangevraagdProduct.ReferentieAanbieder",
      "ReferentieAanbieder is uniek per AangevraagdProduct binnen het bericht.")
@rule("TR101", ("JW315",), "AangevraagdProduct.ReferentieAanbieder",
      "Binnen een bericht zijn dubbele regels niet toegestaan (sleutel: ReferentieAanbieder).")
def unieke_referentie(r: RuleInput) -> Iterator[Violation]:
    assert isinstance(r.message, jw315.JW315)
    seen: dict[str, int] = {}
    for p in r.products:
        referentie = r.message.Client.AangevraagdeProducten.AangevraagdProduct[p.index - 1].ReferentieAanbieder
        if referentie in seen:
            yield Violation(str(p.path.el("ReferentieAanbieder")),
                            f"ReferentieAanbieder {referentie!r} is used by AangevraagdProduct {seen[referentie]} too")
        seen.setdefault(referentie, p.index)


@rule("TR101", ("JW301",), "ToegewezenProduct.ToewijzingNummer / Relatie.Nummer",
      "Binnen een bericht zijn dubbele regels (gelijke logische sleutel) niet toegestaan.")
def geen_dubbele_regels(r: RuleInput) -> Iterator[Violation]:
    assert isinstance(r.message, jw301.JW301)
    client = r.message.Client
    base = root(r.bericht).el("Client")
    seen: set[object] = set()
    for i, p in enumerate(client.ToegewezenProducten.ToegewezenProduct, 1):
        if p.ToewijzingNummer in seen:
            yield Violation(str(base.el("ToegewezenProducten").el("ToegewezenProduct", i).el("ToewijzingNummer")),
                            f"ToewijzingNummer {p.ToewijzingNummer} occurs more than once in this message")
        seen.add(p.ToewijzingNummer)
    seen.clear()
    for i, relatie in enumerate(client.Relaties.Relatie if client.Relaties else [], 1):
        if relatie.Nummer in seen:
            yield Violation(str(base.el("Relaties").el("Relatie", i).el("Nummer")),
                            "Relatie Nummer occurs more than once in this message")
        seen.add(relatie.Nummer)


@rule("CS335", ("JW301",), "ToegewezenProduct.RedenWijziging",
      "RedenWijziging 13 (verwijderd) alleen als Ingangsdatum gelijk is aan Einddatum.")
def verwijderd_alleen_zonder_periode(r: RuleInput) -> Iterator[Violation]:
    for p in r.products:
        reden = r.message.Client.ToegewezenProducten.ToegewezenProduct[p.index - 1].RedenWijziging  # type: ignore
        if reden == "13" and p.einddatum != p.ingangsdatum:
            yield Violation(str(p.path.el("RedenWijziging")),
                            "RedenWijziging 13 (Verwijderd) requires Einddatum equal to Ingangsdatum")


@rule("CS336", ("JW301",), "ToegewezenProduct.RedenWijziging", "RedenWijziging 01 (vervallen) wordt niet gebruikt.")
def reden_01_vervallen(r: RuleInput) -> Iterator[Violation]:
    for p in r.products:
        reden = r.message.Client.ToegewezenProducten.ToegewezenProduct[p.index - 1].RedenWijziging  # type: ignore
        if reden == "01":
            yield Violation(str(p.path.el("RedenWijziging")), "RedenWijziging 01 (Administratieve correctie "
                            "(vervallen)) may no longer be used")


def _namen(message: jw301.JW301, bericht: str) -> Iterator[tuple[object, object, bool]]:
    base = root(bericht).el("Client")
    yield message.Client.Naam, base.el("Naam"), True
    for i, relatie in enumerate(message.Client.Relaties.Relatie if message.Client.Relaties else [], 1):
        yield relatie.Naam, base.el("Relaties").el("Relatie", i).el("Naam"), False


@rule("CS050", ("JW301",), "Naam.NaamGebruik",
      "Met Partnernaam is NaamGebruik 1, 2, 3 of 4; zonder Partnernaam 1 of 6.")
def naamgebruik_partnernaam(r: RuleInput) -> Iterator[Violation]:
    assert isinstance(r.message, jw301.JW301)
    for naam, path, _ in _namen(r.message, r.bericht):
        allowed = {"1", "2", "3", "4"} if naam.Partnernaam is not None else {"1", "6"}  # type: ignore[attr-defined]
        if naam.NaamGebruik not in allowed:  # type: ignore[attr-defined]
            with_without = "with" if naam.Partnernaam is not None else "without"  # type: ignore[attr-defined]
            yield Violation(str(path.ijw("NaamGebruik")),  # type: ignore[attr-defined]
                            f"NaamGebruik {naam.NaamGebruik} is not allowed {with_without} a Partnernaam "  # type: ignore
                            f"(expected {', '.join(sorted(allowed))})")


@rule("CS318", ("JW301",), "Client.Naam.NaamGebruik", "NaamGebruik 6 (niet-natuurlijk persoon) niet voor de client.")
def client_is_natuurlijk_persoon(r: RuleInput) -> Iterator[Violation]:
    assert isinstance(r.message, jw301.JW301)
    if r.message.Client.Naam.NaamGebruik == "6":
        yield Violation(str(root(r.bericht).el("Client").el("Naam").ijw("NaamGebruik")),
                        "the client cannot have NaamGebruik 6 (niet-natuurlijk persoon)")


@rule("CD007", ("JW301",), "Client.Communicatie.Taal", "Taal is verplicht als Vorm 1 (tolk taal) is, anders leeg.")
def taal_bij_tolk(r: RuleInput) -> Iterator[Violation]:
    assert isinstance(r.message, jw301.JW301)
    communicatie = r.message.Client.Communicatie
    if communicatie is None:
        return
    path = str(root(r.bericht).el("Client").el("Communicatie").ijw("Taal"))
    if communicatie.Vorm == "1" and communicatie.Taal is None:
        yield Violation(path, "Taal is required when Communicatie Vorm is 1 (tolk taal)")
    elif communicatie.Vorm != "1" and communicatie.Taal is not None:
        yield Violation(path, f"Taal must be empty when Communicatie Vorm is {communicatie.Vorm}")


_CLIENT_301 = root("JW301").el("Client")


def _contacts(message: jw301.JW301) -> Iterator[tuple[object, jw301.Contact]]:
    for i, contact in enumerate(message.Client.Contactgegevens.Contact, 1):
        yield _ContactPath(f"{_CLIENT_301}/jw301:Contactgegevens/jw301:Contact[{i}]"), contact
    for i, relatie in enumerate(message.Client.Relaties.Relatie if message.Client.Relaties else [], 1):
        yield _ContactPath(f"{_CLIENT_301}/jw301:Relaties/jw301:Relatie[{i}]/jw301:Contact"), relatie.Contact


class _ContactPath(str):
    """The path of a JW301 Contact, extended only when a rule reports on it."""

    __slots__ = ()

    def el(self, name: str) -> "XPath":
        return XPath(f"{self}/jw301:{name}")


@rule("CD009", ("JW301",), "Contact.Periode", "Periode alleen als Soort adres 04 (tijdelijk verblijfadres) is.")
def periode_alleen_tijdelijk(r: RuleInput) -> Iterator[Violation]:
    for path, contact in _contacts(r.message):  # type: ignore[arg-type]
        if contact.Periode is not None and contact.Soort != "04":
            yield Violation(str(path.el("Periode")), f"Periode is only allowed with Soort 04, not {contact.Soort}")  # type: ignore


@rule("CD034", ("JW301",), "Contact.Adres.Postcode", "Postcode is verplicht als Soort adres 01 (BRP) of 03 is.")
def postcode_bij_brp_of_verblijf(r: RuleInput) -> Iterator[Violation]:
    for path, contact in _contacts(r.message):  # type: ignore[arg-type]
        if contact.Soort in {"01", "03"} and (contact.Adres is None or contact.Adres.Postcode is None):
            yield Violation(str(path.el("Adres").ijw("Postcode")),  # type: ignore[attr-defined]
                            f"Postcode is required for an address of Soort {contact.Soort}")


@rule("CD025", ("JW301",), "Contact.Adres.Huis", "Huis is verplicht als LandCode NL is.")
def huis_in_nederland(r: RuleInput) -> Iterator[Violation]:
    for path, contact in _contacts(r.message):  # type: ignore[arg-type]
        if contact.Adres is not None and contact.Adres.LandCode == "NL" and contact.Adres.Huis is None:
            yield Violation(str(path.el("Adres").ijw("Huis")), "Huis is required for an address in the Netherlands")  # type: ignore


@rule("CD005", ("JW301",), "Contact.Adres.LandCode", "LandCode is verplicht als Postcode gevuld is, anders leeg.")
def landcode_bij_postcode(r: RuleInput) -> Iterator[Violation]:
    for path, contact in _contacts(r.message):  # type: ignore[arg-type]
        adres = contact.Adres
        if adres is None:
            continue
        target = str(path.el("Adres").ijw("LandCode"))  # type: ignore[attr-defined]
        if adres.Postcode is not None and adres.LandCode is None:
            yield Violation(target, "LandCode is required when a Postcode is given")
        elif adres.Postcode is None and adres.LandCode is not None:
            yield Violation(target, "LandCode must be empty when no Postcode is given")


_POSTCODE_NL = __import__("re").compile(r"[1-9][0-9]{3}[A-Z]{2}")


@rule("CS089", ("JW301",), "Contact.Adres.Postcode", "Met LandCode NL heeft de Postcode het Nederlandse formaat.")
def nederlandse_postcode(r: RuleInput) -> Iterator[Violation]:
    for path, contact in _contacts(r.message):  # type: ignore[arg-type]
        adres = contact.Adres
        if adres and adres.LandCode == "NL" and adres.Postcode and not _POSTCODE_NL.fullmatch(adres.Postcode):
            yield Violation(str(path.el("Adres").ijw("Postcode")),  # type: ignore[attr-defined]
                            f"'{adres.Postcode}' is not a Dutch postcode (4 digits, the first not 0, and 2 capitals)")


@rule("TR006", ("JW301",), "Contact", "Een Contact heeft Telefoon en/of de combinatie Huis en Postcode.")
def contact_bereikbaar(r: RuleInput) -> Iterator[Violation]:
    for path, contact in _contacts(r.message):  # type: ignore[arg-type]
        adres = contact.Adres
        if contact.Telefoon is None and not (adres and adres.Huis is not None and adres.Postcode is not None):
            yield Violation(str(path), "a Contact needs a Telefoon, or an Adres with both Huis and Postcode")


@rule("TR061", ("JW301",), "Client.Contactgegevens",
      "De client heeft minstens één adres met Soort 01 (BRP), 02 (correspondentie) of 03 (verblijf).")
def client_heeft_adres(r: RuleInput) -> Iterator[Violation]:
    assert isinstance(r.message, jw301.JW301)
    if not any(c.Soort in {"01", "02", "03"} for c in r.message.Client.Contactgegevens.Contact):
        yield Violation(str(root(r.bericht).el("Client").el("Contactgegevens")),
                        "the client needs at least one Contact of Soort 01, 02 or 03")


@rule("CD043", ("JW315",), "AangevraagdProduct.BeschikkingIngangsdatum",
      "BeschikkingIngangsdatum is verplicht als BeschikkingNummer gevuld is, anders leeg.")
def beschikking_ingangsdatum(r: RuleInput) -> Iterator[Violation]:
    assert isinstance(r.message, jw315.JW315)
    for p in r.products:
        item = r.message.Client.AangevraagdeProducten.AangevraagdProduct[p.index - 1]
        path = str(p.path.el("BeschikkingIngangsdatum"))
        if item.BeschikkingNummer is not None and item.BeschikkingIngangsdatum is None:
            yield Violation(path, "BeschikkingIngangsdatum is required when a BeschikkingNummer is given")
        elif item.BeschikkingNummer is None and item.BeschikkingIngangsdatum is not None:
            yield Violation(path, "BeschikkingIngangsdatum must be empty when no BeschikkingNummer is given")


ZORGVERLENER_VERWIJZERS = {"02", "03", "04", "05"}


def _verwijzers(r: RuleInput) -> Iterator[tuple[object, object]]:
    assert isinstance(r.message, jw315.JW315)
    for p in r.products:
        yield p.path.el("Verwijzer"), r.message.Client.AangevraagdeProducten.AangevraagdProduct[p.index - 1].Verwijzer


@rule("CD066", ("JW315",), "AangevraagdProduct.Verwijzer.Naam",
      "Bij verwijzer 02–05 met ZorgverlenerCode is de Naam verwijzer leeg.")
def verwijzer_naam_leeg(r: RuleInput) -> Iterator[Violation]:
    for path, v in _verwijzers(r):
        if v.Type in ZORGVERLENER_VERWIJZERS and v.ZorgverlenerCode and v.Naam is not None:  # type: ignore
            yield Violation(str(path.ijw("Naam")),  # type: ignore[attr-defined]
                            f"Naam must be empty for Verwijzer type {v.Type} with a ZorgverlenerCode")  # type: ignore


@rule("CD067", ("JW315",), "AangevraagdProduct.Verwijzer.Naam",
      "Bij verwijzer 02–05 zonder ZorgverlenerCode is de Naam verwijzer gevuld.")
def verwijzer_naam_gevuld(r: RuleInput) -> Iterator[Violation]:
    for path, v in _verwijzers(r):
        if v.Type in ZORGVERLENER_VERWIJZERS and v.ZorgverlenerCode is None and v.Naam is None:  # type: ignore
            yield Violation(str(path.ijw("Naam")),  # type: ignore[attr-defined]
                            f"Naam is required for Verwijzer type {v.Type} without ZorgverlenerCode")  # type: ignore


@rule("CD068", ("JW315",), "AangevraagdProduct.Verwijzer.ZorgverlenerCode",
      "Bij een ander verwijzertype dan 02–05 is de ZorgverlenerCode leeg.")
def verwijzer_zonder_zorgverlenercode(r: RuleInput) -> Iterator[Violation]:
    for path, v in _verwijzers(r):
        if v.Type not in ZORGVERLENER_VERWIJZERS and v.ZorgverlenerCode is not None:  # type: ignore
            yield Violation(str(path.ijw("ZorgverlenerCode")),  # type: ignore[attr-defined]
                            f"ZorgverlenerCode must be empty for Verwijzer type {v.Type}")  # type: ignore


def _antwoord(r: RuleInput) -> jw319.Antwoord:
    assert isinstance(r.message, jw319.JW319)
    return r.message.Antwoord


@rule("CD085", ("JW319",), "Antwoord.RedenAfwijzingVerzoek",
      "RedenAfwijzingVerzoek is verplicht als VerzoekAntwoord 1 (afgewezen) is.")
def reden_bij_afwijzing(r: RuleInput) -> Iterator[Violation]:
    antwoord = _antwoord(r)
    if antwoord.VerzoekAntwoord == "1" and antwoord.RedenAfwijzingVerzoek is None:
        yield Violation(str(root(r.bericht).el("Antwoord").el("RedenAfwijzingVerzoek")),
                        "RedenAfwijzingVerzoek is required when VerzoekAntwoord is 1 (verzoek afgewezen)")


@rule("CD086", ("JW319",), "Antwoord.RedenAfwijzingVerzoek",
      "RedenAfwijzingVerzoek is leeg als VerzoekAntwoord 2 (in onderzoek) is.")
def geen_reden_in_onderzoek(r: RuleInput) -> Iterator[Violation]:
    antwoord = _antwoord(r)
    if antwoord.VerzoekAntwoord == "2" and antwoord.RedenAfwijzingVerzoek is not None:
        yield Violation(str(root(r.bericht).el("Antwoord").el("RedenAfwijzingVerzoek")),
                        "RedenAfwijzingVerzoek must be empty when VerzoekAntwoord is 2 (aanvraag in onderzoek)")


@rule("TR377", ("JW319",), "Antwoord.Woonplaatsbeginsel",
      "Bij RedenAfwijzingVerzoek 8 (woonplaatsbeginsel) is Woonplaatsbeginsel opgenomen.")
def woonplaatsbeginsel_opgenomen(r: RuleInput) -> Iterator[Violation]:
    antwoord = _antwoord(r)
    if antwoord.RedenAfwijzingVerzoek == "8" and antwoord.Woonplaatsbeginsel is None:
        yield Violation(str(root(r.bericht).el("Antwoord").el("Woonplaatsbeginsel")),
                        "Woonplaatsbeginsel (the responsible gemeente) is required with RedenAfwijzingVerzoek 8")


@rule("TR409", ("JW319",), "Antwoord.Woonplaatsbeginsel",
      "Bij een andere RedenAfwijzingVerzoek dan 8 is Woonplaatsbeginsel weggelaten.")
def woonplaatsbeginsel_weggelaten(r: RuleInput) -> Iterator[Violation]:
    antwoord = _antwoord(r)
    if antwoord.RedenAfwijzingVerzoek != "8" and antwoord.Woonplaatsbeginsel is not None:
        yield Violation(str(root(r.bericht).el("Antwoord").el("Woonplaatsbeginsel")),
                        "Woonplaatsbeginsel must be left out unless RedenAfwijzingVerzoek is 8")
