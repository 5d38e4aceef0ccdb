"""The iJw 3.2 basisschema: the datatypes (``LDT_…``) and composite types (``CDT_…``)
every message is built from. ``schemas/basisschema.xsd`` is generated from this module.
"""

from datetime import date, time
from typing import Annotated

from ijw_gateway.messages import codelists as cl
from ijw_gateway.messages.namespaces import BASISSCHEMA
from ijw_gateway.messages.xsd import IjwModel, Opt, SimpleType

NAMESPACE = BASISSCHEMA

NOT_BLANK = r".*[^\s].*"
"""The standard's 'at least one character that is not white space' (on one line)."""


def _text(name: str, max_length: int | None, pattern: str | None = NOT_BLANK, min_length: int = 1) -> SimpleType:
    return SimpleType(name, "string", min_length=min_length, max_length=max_length, pattern=pattern)


def _code(name: str, codelist: cl.Codelist, max_length: int) -> SimpleType:
    return SimpleType(name, "string", max_length=max_length, codelist=codelist)


def _number(name: str, maximum: int) -> SimpleType:
    return SimpleType(name, "integer", min_inclusive=0, max_inclusive=maximum)


# --- simple types: the facts, once --------------------------------------------------------------

AANDUIDING_WOONADRES = _code("LDT_AanduidingWoonadres", cl.AANDUIDING_WOONADRES, 2)
ADRES_SOORT = _code("LDT_AdresSoort", cl.ADRES_SOORT, 2)
AGB_CODE = _text("LDT_AgbCode", 8, r"[0-9]{8}")
BEDRAG = _number("LDT_Bedrag", 99_999_999)
BERICHT_CODE = _text("LDT_BerichtCode", 3, None)
BERICHT_SUBVERSIE = _number("LDT_BerichtSubversie", 99)
BERICHT_VERSIE = _number("LDT_BerichtVersie", 99)
BUDGET = _number("LDT_Budget", 99_999_999)
BURGERSERVICENUMMER = _text("LDT_BurgerServicenummer", 9, r"[0-9]{9}")
COMMENTAAR = _text("LDT_Commentaar", None, r"([.\s]*\S+[.\s]*)+")
COMMUNICATIEVORM = _code("LDT_Communicatievorm", cl.COMMUNICATIEVORM, 1)
DATUM = SimpleType("LDT_Datum", "date", pattern=r"[^:Z]*")
DATUM_GEBRUIK = _code("LDT_DatumGebruik", cl.DATUMGEBRUIK, 1)
DEBET_CREDIT = _code("LDT_DebetCredit", cl.DEBET_CREDIT, 1)
EENHEID = _code("LDT_Eenheid", cl.EENHEID, 2)
EMAILADRES = _text("LDT_Emailadres", 80)
FREQUENTIE = _code("LDT_Frequentie", cl.FREQUENTIE, 1)
GEMEENTE = _text("LDT_Gemeente", None, r"[0-9]{4}")
GESLACHT = _code("LDT_Geslacht", cl.GESLACHT, 1)
HUISLETTER = _text("LDT_Huisletter", 1)
HUISNUMMER = _number("LDT_Huisnummer", 99_999)
HUISNUMMER_TOEVOEGING = _text("LDT_HuisnummerToevoeging", 4)
IDENTIFICATIE_BERICHT = _text("LDT_IdentificatieBericht", 12)
IDENTIFICATIE_DECLARATIE = _text("LDT_IdentificatieDeclaratie", 12, None)
JA_NEE = _code("LDT_JaNee", cl.JA_NEE, 1)
JURIDISCHE_STATUS = _code("LDT_JuridischeStatus", cl.JURIDISCHE_STATUS, 2)
LAND_CODE = _code("LDT_LandCode", cl.LAND, 2)
LANDNUMMER = _text("LDT_Landnummer", 4)
NAAM = _text("LDT_Naam", 200)
NAAM_GEBRUIK = _code("LDT_NaamGebruik", cl.NAAMGEBRUIK, 1)
NAAM_VERWIJZER = _text("LDT_NaamVerwijzer", 64)
NUMMER = _number("LDT_Nummer", 999_999_999)
ORGANISATIENAAM = _text("LDT_Organisatienaam", 35)
PERSOONSID = _text("LDT_Persoonsid", 20)
PLAATSNAAM = _text("LDT_Plaatsnaam", 80)
POSTCODE = _text("LDT_Postcode", 8)
PRODUCT_CATEGORIE = _code("LDT_ProductCategorie", cl.PRODUCTCATEGORIE, 2)
PRODUCT_CODE = _text("LDT_ProductCode", 5)
REDEN_AFWIJZING_VERZOEK = _code("LDT_RedenAfwijzingVerzoek", cl.REDEN_AFWIJZING_VERZOEK, 2)
REDEN_BEEINDIGING = _code("LDT_RedenBeeindiging", cl.REDEN_BEEINDIGING, 2)
REDEN_VERZOEK = _code("LDT_RedenVerzoek", cl.REDEN_VERZOEK, 1)
REDEN_WIJZIGING = _code("LDT_RedenWijziging", cl.REDEN_WIJZIGING, 2)
REFERENTIE = _text("LDT_Referentie", 36)
REFERENTIE_NUMMER = _text("LDT_ReferentieNummer", 20, None)
RELATIE_VOLGORDE = _number("LDT_RelatieVolgorde", 99)
RETOUR_CODE = _code("LDT_RetourCode", cl.RETOURCODE, 4)
SOORT_RELATIE = _code("LDT_SoortRelatie", cl.SOORT_RELATIE, 2)
STATUS_AANLEVERING = _code("LDT_StatusAanlevering", cl.STATUS_AANLEVERING, 1)
STRAATNAAM = _text("LDT_Straatnaam", 24)
TAAL = _text("LDT_Taal", 25)
TELEFOONNUMMER = _text("LDT_Telefoonnummer", 15, r"[0-9]*")
TIJD = SimpleType("LDT_Tijd", "time", pattern=r"[^Z+-]+")
TOTAAL_BEDRAG = _number("LDT_TotaalBedrag", 999_999_999_999)
TYPE_VERWIJZER = _code("LDT_TypeVerwijzer", cl.TYPE_VERWIJZER, 2)
VERSIE = _text("LDT_Versie", None, r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")
VERZOEK_ANTWOORD = _code("LDT_VerzoekAntwoord", cl.VERZOEK_ANTWOORD, 1)
VOLUME = _number("LDT_Volume", 99_999_999)
VOORLETTERS = _text("LDT_Voorletters", 6, r"([a-zA-ZÀ-ỳ])+")
VOORVOEGSEL = _text("LDT_Voorvoegsel", 10)
WETTELIJKE_VERTEGENWOORDIGING = _code("LDT_WettelijkeVertegenwoordiging", cl.WETTELIJKE_VERTEGENWOORDIGING, 2)

# --- the same types as annotations for model fields ---------------------------------------------

LDT_AanduidingWoonadres = Annotated[str, AANDUIDING_WOONADRES]
LDT_AdresSoort = Annotated[str, ADRES_SOORT]
LDT_AgbCode = Annotated[str, AGB_CODE]
LDT_Bedrag = Annotated[int, BEDRAG]
LDT_Budget = Annotated[int, BUDGET]
LDT_BurgerServicenummer = Annotated[str, BURGERSERVICENUMMER]
LDT_Commentaar = Annotated[str, COMMENTAAR]
LDT_Communicatievorm = Annotated[str, COMMUNICATIEVORM]
LDT_Datum = Annotated[date, DATUM]
LDT_DatumGebruik = Annotated[str, DATUM_GEBRUIK]
LDT_DebetCredit = Annotated[str, DEBET_CREDIT]
LDT_Eenheid = Annotated[str, EENHEID]
LDT_Emailadres = Annotated[str, EMAILADRES]
LDT_Frequentie = Annotated[str, FREQUENTIE]
LDT_Gemeente = Annotated[str, GEMEENTE]
LDT_Geslacht = Annotated[str, GESLACHT]
LDT_Huisletter = Annotated[str, HUISLETTER]
LDT_Huisnummer = Annotated[int, HUISNUMMER]
LDT_HuisnummerToevoeging = Annotated[str, HUISNUMMER_TOEVOEGING]
LDT_IdentificatieBericht = Annotated[str, IDENTIFICATIE_BERICHT]
LDT_IdentificatieDeclaratie = Annotated[str, IDENTIFICATIE_DECLARATIE]
LDT_JaNee = Annotated[str, JA_NEE]
LDT_JuridischeStatus = Annotated[str, JURIDISCHE_STATUS]
LDT_LandCode = Annotated[str, LAND_CODE]
LDT_Landnummer = Annotated[str, LANDNUMMER]
LDT_Naam = Annotated[str, NAAM]
LDT_NaamGebruik = Annotated[str, NAAM_GEBRUIK]
LDT_NaamVerwijzer = Annotated[str, NAAM_VERWIJZER]
LDT_Nummer = Annotated[int, NUMMER]
LDT_Organisatienaam = Annotated[str, ORGANISATIENAAM]
LDT_Persoonsid = Annotated[str, PERSOONSID]
LDT_Plaatsnaam = Annotated[str, PLAATSNAAM]
LDT_Postcode = Annotated[str, POSTCODE]
LDT_ProductCategorie = Annotated[str, PRODUCT_CATEGORIE]
LDT_ProductCode = Annotated[str, PRODUCT_CODE]
LDT_RedenAfwijzingVerzoek = Annotated[str, REDEN_AFWIJZING_VERZOEK]
LDT_RedenBeeindiging = Annotated[str, REDEN_BEEINDIGING]
LDT_RedenVerzoek = Annotated[str, REDEN_VERZOEK]
LDT_RedenWijziging = Annotated[str, REDEN_WIJZIGING]
LDT_Referentie = Annotated[str, REFERENTIE]
LDT_ReferentieNummer = Annotated[str, REFERENTIE_NUMMER]
LDT_RelatieVolgorde = Annotated[int, RELATIE_VOLGORDE]
LDT_RetourCode = Annotated[str, RETOUR_CODE]
LDT_SoortRelatie = Annotated[str, SOORT_RELATIE]
LDT_StatusAanlevering = Annotated[str, STATUS_AANLEVERING]
LDT_Straatnaam = Annotated[str, STRAATNAAM]
LDT_Taal = Annotated[str, TAAL]
LDT_Telefoonnummer = Annotated[str, TELEFOONNUMMER]
LDT_Tijd = Annotated[time, TIJD]
LDT_TotaalBedrag = Annotated[int, TOTAAL_BEDRAG]
LDT_TypeVerwijzer = Annotated[str, TYPE_VERWIJZER]
LDT_Versie = Annotated[str, VERSIE]
LDT_VerzoekAntwoord = Annotated[str, VERZOEK_ANTWOORD]
LDT_Volume = Annotated[int, VOLUME]
LDT_Voorletters = Annotated[str, VOORLETTERS]
LDT_Voorvoegsel = Annotated[str, VOORVOEGSEL]
LDT_WettelijkeVertegenwoordiging = Annotated[str, WETTELIJKE_VERTEGENWOORDIGING]

# --- composite types ----------------------------------------------------------------------------


class CDT_Achternaam(IjwModel):
    Achternaam: LDT_Naam
    Voorvoegsel: Opt[LDT_Voorvoegsel]


class CDT_Huis(IjwModel):
    Huisnummer: LDT_Huisnummer
    Huisletter: Opt[LDT_Huisletter]
    HuisnummerToevoeging: Opt[LDT_HuisnummerToevoeging]
    AanduidingWoonadres: Opt[LDT_AanduidingWoonadres]


class CDT_Adres(IjwModel):
    Huis: Opt[CDT_Huis]
    Postcode: Opt[LDT_Postcode]
    Straatnaam: Opt[LDT_Straatnaam]
    Plaatsnaam: Opt[LDT_Plaatsnaam]
    LandCode: Opt[LDT_LandCode]


class CDT_BedragMetDC(IjwModel):
    Bedrag: LDT_Bedrag
    DebetCredit: LDT_DebetCredit


class CDT_BerichtIdentificatie(IjwModel):
    Identificatie: LDT_IdentificatieBericht
    Dagtekening: LDT_Datum


class CDT_Communicatie(IjwModel):
    Vorm: LDT_Communicatievorm
    Taal: Opt[LDT_Taal]


class CDT_Geboortedatum(IjwModel):
    Datum: LDT_Datum
    DatumGebruik: Opt[LDT_DatumGebruik]


class CDT_GeslotenPeriode(IjwModel):
    Begindatum: LDT_Datum
    Einddatum: LDT_Datum


class CDT_Omvang(IjwModel):
    Volume: LDT_Volume
    Eenheid: LDT_Eenheid
    Frequentie: LDT_Frequentie


class CDT_OpenPeriode(IjwModel):
    Begindatum: Opt[LDT_Datum]
    Einddatum: Opt[LDT_Datum]


class CDT_Product(IjwModel):
    Categorie: LDT_ProductCategorie
    Code: Opt[LDT_ProductCode]


class CDT_Referentie(IjwModel):
    ReferentieNummer: LDT_ReferentieNummer
    VorigReferentieNummer: Opt[LDT_ReferentieNummer]


class CDT_Telefoon(IjwModel):
    Telefoonnummer: LDT_Telefoonnummer
    Landnummer: LDT_Landnummer


class CDT_Telefoonnummers(IjwModel):
    Telefoon01: CDT_Telefoon
    Telefoon02: Opt[CDT_Telefoon]


class CDT_TotaalBedragMetDC(IjwModel):
    TotaalBedrag: LDT_TotaalBedrag
    DebetCredit: LDT_DebetCredit


class CDT_VerkorteNaam(IjwModel):
    Geslachtsnaam: CDT_Achternaam
    Voornamen: Opt[LDT_Naam]
    Voorletters: Opt[LDT_Voorletters]


class CDT_Verwijzer(IjwModel):
    Type: LDT_TypeVerwijzer
    Naam: Opt[LDT_NaamVerwijzer]
    ZorgverlenerCode: Opt[LDT_AgbCode]


class CDT_VolledigeNaam(IjwModel):
    Geslachtsnaam: CDT_Achternaam
    Partnernaam: Opt[CDT_Achternaam]
    Voornamen: Opt[LDT_Naam]
    Voorletters: Opt[LDT_Voorletters]
    NaamGebruik: LDT_NaamGebruik


class CDT_XsdVersie(IjwModel):
    BasisschemaXsdVersie: LDT_Versie = "1.0.0"
    BerichtXsdVersie: LDT_Versie = "1.0.0"
