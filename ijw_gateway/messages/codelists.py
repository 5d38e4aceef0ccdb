"""The iJw 3.2 code lists, each defined once.

The XSD enumerations (``schemas/basisschema.xsd`` is generated from these), the
message models, the rules and the human-readable texts all read from here.
Meanings are short Dutch labels of the standard's code values.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Codelist(Mapping[str, str]):
    """A code list of the standard: code → meaning, in the standard's order."""

    id: str
    naam: str
    codes: Mapping[str, str] = field(repr=False)

    def __getitem__(self, code: str) -> str:
        return self.codes[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    def describe(self, code: str) -> str:
        """``'04 (Uur)'`` for a known code, the bare code otherwise."""
        meaning = self.codes.get(code)
        return f"{code} ({meaning})" if meaning else code


def _codes(*pairs: tuple[str, str]) -> dict[str, str]:
    return dict(pairs)


GESLACHT = Codelist("COD046", "Geslacht", _codes(("0", "Onbekend"), ("1", "Man"), ("2", "Vrouw")))

DATUMGEBRUIK = Codelist(
    "COD170",
    "Datumgebruik",
    _codes(
        ("1", "dag onbekend"),
        ("2", "dag en maand onbekend"),
        ("3", "dag, maand en jaar onbekend"),
    ),
)

JA_NEE = Codelist("COD260", "Ja/nee", _codes(("1", "Ja"), ("2", "Nee")))

TYPE_VERWIJZER = Codelist(
    "COD327",
    "Code verwijzer",
    _codes(
        ("01", "Gemeente"),
        ("02", "Huisarts"),
        ("03", "Jeugdarts"),
        ("04", "Gecertificeerde instelling"),
        ("05", "Medisch specialist"),
        ("06", "Zelfverwijzer of geen verwijzer"),
        ("08", "Rechter, officier van justitie of JJI-functionaris"),
    ),
)

STATUS_AANLEVERING = Codelist(
    "COD467",
    "Status aanlevering",
    _codes(
        ("1", "Eerste aanlevering"),
        ("2", "Gewijzigde aanlevering"),
        ("3", "Verwijderen aanlevering"),
        ("9", "Niet van toepassing"),
    ),
)

SOORT_RELATIE = Codelist(
    "COD472",
    "Soort relatie",
    _codes(
        ("03", "Curator"),
        ("04", "Financieel gemachtigd"),
        ("05", "Financieel toetsing"),
        ("06", "Leefeenheid"),
        ("07", "Hulpverlener"),
        ("08", "Specialist"),
        ("09", "Anders"),
        ("10", "Ouder"),
        ("11", "Voogd"),
        ("12", "Partner"),
        ("13", "Pleegouder"),
        ("14", "Bewindvoerder"),
        ("15", "Mentor"),
        ("16", "Zoon of dochter"),
        ("17", "Familielid"),
        ("18", "Gezinslid"),
        ("19", "Buur"),
        ("20", "Vriend of kennis"),
        ("21", "Cliëntondersteuner"),
        ("22", "Huisarts"),
        ("23", "Erven van"),
        ("24", "Werkgever"),
        ("25", "Wijkcoach"),
    ),
)

NAAMGEBRUIK = Codelist(
    "COD700",
    "Naamgebruik",
    _codes(
        ("1", "Eigen naam"),
        ("2", "Naam partner"),
        ("3", "Naam partner gevolgd door eigen naam"),
        ("4", "Eigen naam gevolgd door naam partner"),
        ("5", "Pseudoniem"),
        ("6", "Niet-natuurlijk persoon"),
    ),
)

COMMUNICATIEVORM = Codelist(
    "COD747", "Communicatievorm", _codes(("1", "Tolk taal"), ("2", "Doventolk"), ("3", "Doofblindentolk"))
)

ADRES_SOORT = Codelist(
    "COD757",
    "Soort adres",
    _codes(
        ("01", "BRP-adres"),
        ("02", "Correspondentieadres"),
        ("03", "Verblijfadres"),
        ("04", "Tijdelijk verblijfadres"),
    ),
)

DEBET_CREDIT = Codelist("COD043", "Debet/credit", _codes(("C", "Credit"), ("D", "Debet")))

AANDUIDING_WOONADRES = Codelist(
    "NUM061",
    "Aanduiding woonadres",
    _codes(("AB", "Aan boord"), ("BY", "Bij"), ("TO", "Tegenover"), ("WW", "Woonwagen")),
)

REDEN_WIJZIGING = Codelist(
    "JZ002",
    "Reden wijziging toewijzing",
    _codes(
        ("01", "Administratieve correctie (vervallen)"),
        ("02", "Cliënt overleden"),
        ("03", "Contractwijziging"),
        ("04", "Herbeoordeling verlenging"),
        ("05", "Herbeoordeling verkorting"),
        ("06", "Uitstroom naar ander domein"),
        ("07", "Verhuizing naar andere gemeente"),
        ("08", "Wijziging leveringsvorm"),
        ("09", "Overstap naar andere aanbieder"),
        ("10", "Nieuwe bekostigingssystematiek"),
        ("11", "Gemeentelijke herindeling"),
        ("12", "Geïnitieerd door de aanbieder"),
        ("13", "Verwijderd"),
        ("14", "Administratieve correctie"),
    ),
)

PRODUCTCATEGORIE = Codelist(
    "JZ020",
    "Productcategorie",
    _codes(
        ("31", "(2015) Wijk- of buurtteam"),
        ("32", "(2015) Ambulant op locatie aanbieder"),
        ("33", "(2015) Daghulp op locatie aanbieder"),
        ("34", "(2015) Jeugdhulp in het netwerk"),
        ("35", "(2015) Pleegzorg"),
        ("36", "(2015) Gezinsgericht verblijf"),
        ("37", "(2015) Gesloten plaatsing"),
        ("38", "(2015) Overig residentieel"),
        ("40", "Persoonlijke verzorging"),
        ("41", "Dagbehandeling"),
        ("42", "Vervoerdiensten"),
        ("43", "Jeugdhulp verblijf (incl. behandeling)"),
        ("44", "Jeugdhulp verblijf (excl. behandeling)"),
        ("45", "Jeugdhulp ambulant"),
        ("46", "Jeugdhulp crisis"),
        ("47", "Jeugdreclassering"),
        ("48", "Jeugdbescherming"),
        ("49", "Preventief justitieel kader"),
        ("50", "Maatwerkarrangementen jeugd"),
        ("51", "Generalistische basis-ggz"),
        ("52", "Specialistische ggz"),
        ("53", "Kindergeneeskunde"),
        ("54", "Jeugd-ggz"),
        ("55", "Landelijk ingekochte zorg"),
    ),
)

REDEN_BEEINDIGING = Codelist(
    "JZ588",
    "Reden beëindiging",
    _codes(
        ("02", "Overlijden"),
        ("20", "Levering tijdelijk beëindigd"),
        ("31", "Volgens plan beëindigd"),
        ("32", "Voortijdig afgesloten door cliënt"),
        ("33", "Voortijdig afgesloten door aanbieder"),
        ("34", "Voortijdig afgesloten in overleg"),
        ("35", "Voortijdig afgesloten, externe oorzaak"),
        ("36", "Geïnitieerd door de gemeente"),
        ("37", "In verband met wijzigingsverzoek"),
        ("38", "Overstap naar andere aanbieder"),
        ("39", "Uitstroom naar ander domein"),
    ),
)

WETTELIJKE_VERTEGENWOORDIGING = Codelist(
    "WJ003",
    "Wettelijke vertegenwoordiging",
    _codes(
        ("06", "Voogdij"),
        ("07", "Bewindvoering"),
        ("08", "Mentorschap"),
        ("09", "Onder curatele"),
        ("10", "Zaakwaarneming"),
    ),
)

JURIDISCHE_STATUS = Codelist(
    "WJ232",
    "Juridische status",
    _codes(
        ("01", "Rechterlijke machtiging (voorlopig/voortgezet)"),
        ("02", "Rechterlijke machtiging op eigen verzoek"),
        ("03", "Rechterlijke machtiging met voorwaardelijk ontslag"),
        ("04", "Ondertoezichtstelling (OTS)"),
        ("05", "Inbewaringstelling (IBS)"),
        ("11", "Strafrechtelijk justitieel contact (tbs)"),
        ("12", "Strafrechtelijk justitieel contact (overig)"),
    ),
)

EENHEID = Codelist(
    "WJ756",
    "Eenheid",
    _codes(
        ("01", "Minuut"),
        ("04", "Uur"),
        ("14", "Etmaal"),
        ("16", "Dagdeel (4 uur)"),
        ("82", "Stuks (output)"),
        ("83", "Euro's"),
        ("84", "Stuks (inspanning)"),
    ),
)

REDEN_VERZOEK = Codelist(
    "WJ758", "Reden verzoek", _codes(("1", "Verandering cliëntsituatie"), ("2", "Wijziging zorgplan"))
)

REDEN_AFWIJZING_VERZOEK = Codelist(
    "WJ759",
    "Reden afwijzing verzoek",
    _codes(
        ("1", "Geen wijziging, maar nieuwe aanvraag"),
        ("2", "Past niet binnen budget"),
        ("3", "Geen contract"),
        ("4", "Past niet binnen contract"),
        ("5", "Andere gemeente"),
        ("6", "Stapeling"),
        ("7", "Zorginhoudelijke afkeur"),
        ("8", "Woonplaatsbeginsel"),
        ("9", "Leeftijdsgrens bereikt"),
    ),
)

VERZOEK_ANTWOORD = Codelist(
    "WJ760", "Verzoek antwoord", _codes(("1", "Verzoek afgewezen"), ("2", "Aanvraag in onderzoek"))
)

FREQUENTIE = Codelist(
    "WMO757",
    "Frequentie",
    _codes(
        ("1", "Per dag"),
        ("2", "Per week"),
        ("4", "Per maand"),
        ("6", "Totaal binnen geldigheidsduur toewijzing"),
    ),
)

RETOURCODE = Codelist(
    "WJ001",
    "Retourcode",
    _codes(
        ("0001", "Bericht is afgekeurd om technische redenen."),
        ("0200", "Geen opmerking over deze berichtklasse."),
        ("0233", "Berichtklasse is niet beoordeeld."),
        ("0611", "Ingediend tarief wijkt af van het contractuele tarief."),
        ("8001", "Declaratie is volledig toegewezen."),
        ("8017", "Van deze creditprestatie is geen debetprestatie bekend."),
        ("8021", "Referentienummer prestatie is al aangeleverd."),
        ("8187", "De prestatie hoort niet bij deze cliënt."),
        ("8214", "DeclaratiePeriode sluit niet aan op de vorige DeclaratiePeriode."),
        ("8848", "Dagtekening ligt na de systeemdatum."),
        ("9019", "Regiebericht is niet te koppelen aan een toewijzing."),
        ("9056", "Identificatie is niet uniek."),
        ("9063", "Geen eerder bericht ontvangen om dit bericht op te verwerken."),
        ("9069", "Geen actueel startbericht met dezelfde sleutel."),
        ("9071", "Eerder startbericht kan niet worden verwijderd: zorg is al beëindigd."),
        ("9074", "Er is al een bericht met dezelfde sleutel ontvangen."),
        ("9307", "Begindatum prestatie valt buiten de toewijzing."),
        ("9308", "Einddatum prestatie valt buiten de toewijzing."),
        ("9319", "ProductPeriode valt niet geheel binnen de DeclaratiePeriode."),
        ("9321", "Ingediend volume overschrijdt het toegewezen volume."),
        ("9322", "Som van de ingediende volumes overschrijdt het toegewezen volume."),
        ("9326", "De actuele levering is nog niet gestopt."),
        ("9332", "ToewijzingNummer is niet uniek binnen het wettelijk domein."),
        ("9333", "Declaratienummer is niet uniek."),
        ("9338", "Prestatie is niet te koppelen aan een toegewezen product."),
        ("9339", "ProductCategorie wijkt af van de toewijzing."),
        ("9340", "ProductCode wijkt af van de toewijzing."),
        ("9341", "Eenheid past niet bij de eenheid van de toewijzing."),
        ("9346", "IngediendBedrag is niet GeleverdVolume maal ProductTarief."),
        ("9347", "ReferentieAanbieder is niet uniek voor de aanbieder."),
        ("9349", "Verzoek om wijziging bevat niet alle actuele toegewezen producten."),
        ("9350", "OngewijzigdProduct hoort niet bij een actuele toewijzing."),
        ("9351", "TeWijzigenProduct hoort niet bij een actuele toewijzing."),
        ("9355", "Toewijzing is niet te koppelen aan een eerdere toewijzing."),
        ("9357", "GewensteIngangsdatum ligt niet na de dagtekening en wijkt af van de toewijzing."),
        ("9359", "Er is al een toewijzing gestuurd met deze ReferentieAanbieder."),
        ("9360", "Er is al een antwoord 'in onderzoek' met deze ReferentieAanbieder."),
        ("9361", "Product komt vaker voor met overlappende zorgperiodes."),
        ("9365", "Er is al een definitief antwoord met deze ReferentieAanbieder."),
        ("9366", "ProductReferentie komt niet voor in een declaratie."),
        ("9367", "Waarde wijkt af van het heenbericht met dezelfde ProductReferentie."),
        ("9369", "Som van het geleverde volume past niet binnen het toegewezen budget."),
        ("9373", "Budget gewijzigd, maar GewensteIngangsdatum wijkt af van de toewijzing."),
        ("9374", "Er is al een verzoek in behandeling."),
        ("9375", "Omvang gevuld terwijl de toewijzing zonder productcode is."),
        ("9379", "ReferentieAanbieder verwijst niet naar een verzoek."),
        ("9384", "Declaratie op een verwijderde toewijzing."),
        ("9385", "Toewijzing heeft goedgekeurde declaratieregels."),
        ("9387", "Begindatum ProductPeriode is niet de eerste dag van de maand."),
        ("9388", "Einddatum ProductPeriode is niet de laatste dag van de maand."),
        ("9389", "Debetprestatie zonder bijbehorende creditprestatie."),
        ("9390", "Er is al een creditprestatie met deze ProductReferentie."),
        ("9411", "Omvang leeg terwijl de toewijzing een productcode heeft."),
        ("9412", "Omvang gevuld terwijl de toewijzing geen productcode heeft."),
        ("9413", "Dubbele tijdelijke stop voor hetzelfde product."),
        ("9414", "Einddatum ligt voor de einddatum van de actuele stop."),
        ("9415", "Er is al een definitieve stop voor dit product."),
        ("S300", "Gemeentecode ongeldig."),
        ("S329", "ProductCode ongeldig."),
    ),
)

# COD032: the country codes the standard accepts (ISO 3166-1 alpha-2 based).
LAND = Codelist(
    "COD032",
    "Land",
    {
        code: code
        for code in """
        AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT
        BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH
        ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT
        HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS
        LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI
        NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG
        SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG
        UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
        """.split()
    },
)

# COD002 (Vektis): the BerichtCode of every iJw message type.
BERICHTCODE = Codelist(
    "COD002",
    "Berichtcode",
    _codes(
        ("436", "JW301 Toewijzing"),
        ("437", "JW302 Toewijzing retour"),
        ("438", "JW305 Start zorg"),
        ("439", "JW306 Start zorg retour"),
        ("440", "JW307 Stop zorg"),
        ("441", "JW308 Stop zorg retour"),
        ("446", "JW315 Verzoek om toewijzing"),
        ("447", "JW316 Verzoek om toewijzing retour"),
        ("486", "JW317 Verzoek om wijziging"),
        ("487", "JW318 Verzoek om wijziging retour"),
        ("488", "JW319 Antwoordbericht"),
        ("489", "JW320 Antwoordbericht retour"),
        ("490", "JW323 Declaratie"),
        ("491", "JW325 Declaratie-antwoord"),
    ),
)
