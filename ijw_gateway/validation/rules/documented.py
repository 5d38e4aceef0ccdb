"""Rules of the regelrapport we do not check within one message, registered with the reason.

Restrictions (RS) are facets of our generated XSDs; berichtoverstijgende rules need
what earlier messages said (the ledger); some apply to messages outside our scope.
"""

from ijw_gateway.validation.rules.berichtoverstijgend import cross_message_rule
from ijw_gateway.validation.rules.registry import Level, Status, documented

ALL = ("JW301", "JW305", "JW307", "JW315", "JW317", "JW319", "JW323", "JW325")
RETOUR = ("JW302", "JW306", "JW308", "JW316", "JW318", "JW320")

_XSD_RULES: list[tuple[str, tuple[str, ...], str, str]] = [
    ("CS015", ALL, "Header.BerichtSubversie", "BerichtSubversie is 2."),
    ("CS025", ALL, "Header.BerichtVersie", "BerichtVersie is 3."),
    ("RS001", ALL, "numbers", "Minimale waarde 0."),
    ("RS002", ALL, "BerichtVersie, BerichtSubversie, Volgorde", "Maximale waarde 99."),
    ("RS004", ("JW301",), "Huisnummer", "Maximale waarde 99999."),
    ("RS005", ("JW301", "JW315", "JW317", "JW323", "JW325"), "Volume, Budget, Bedrag", "Maximale waarde 99999999."),
    ("RS006", ("JW301", "JW305", "JW307", "JW315", "JW317", "JW323", "JW325"), "ToewijzingNummer, BeschikkingNummer",
     "Maximale waarde 999999999."),
    ("RS008", ALL, "one-position codes", "Maximale lengte 1 positie."),
    ("RS009", ALL, "two-position codes", "Maximale lengte 2 posities."),
    ("RS010", ALL, "BerichtCode", "Maximale lengte 3 posities."),
    ("RS011", ("JW301", "JW325", *RETOUR), "RetourCode, Landnummer, Huisnummertoevoeging", "Maximale lengte 4."),
    ("RS012", ("JW301", "JW305", "JW307", "JW315", "JW317", "JW323", "JW325"), "ProductCode", "Maximale lengte 5."),
    ("RS013", ("JW301", "JW305", "JW307", "JW315"), "Voorletters", "Maximale lengte 6 posities."),
    ("RS014", ALL, "AGB-codes", "Maximale lengte 8 posities."),
    ("RS015", ("JW301", "JW305", "JW307", "JW315", "JW317", "JW323", "JW325"), "Bsn", "Maximale lengte 9 posities."),
    ("RS016", ("JW301", "JW305", "JW307", "JW315"), "Voorvoegsel", "Maximale lengte 10 posities."),
    ("RS017", (*ALL, *RETOUR), "Identificatie, IdentificatieRetour", "Maximale lengte 12 posities."),
    ("RS018", ("JW301",), "Telefoonnummer", "Maximale lengte 15 posities."),
    ("RS019", ("JW301", "JW323", "JW325"), "Persoonsid, ReferentieNummer", "Maximale lengte 20 posities."),
    ("RS020", ("JW301",), "Straatnaam", "Maximale lengte 24 posities."),
    ("RS021", ("JW301",), "Taal", "Maximale lengte 25 posities."),
    ("RS023", ("JW301",), "Organisatie", "Maximale lengte 35 posities."),
    ("RS024", ("JW301", "JW315", "JW317", "JW319"), "ReferentieAanbieder", "Maximale lengte 36 posities."),
    ("RS025", ("JW315",), "Verwijzer.Naam", "Maximale lengte 64 posities."),
    ("RS026", ("JW301",), "Plaatsnaam, Emailadres", "Maximale lengte 80 posities."),
    ("RS028", ("JW301", "JW305", "JW307", "JW315"), "Achternaam, Voornamen", "Maximale lengte 200 posities."),
    ("RS031", ("JW301", "JW315"), "Commentaar", "Commentaarvelden niet leeg."),
    ("RS032", (*ALL, *RETOUR), "dates", "Datum zonder tijdzone."),
    ("RS033", (*ALL, *RETOUR), "text elements", "Geen lege elementen."),
    ("RS034", ("JW301",), "Toewijzingstijd", "Tijd zonder tijdzone."),
    ("RS035", ALL, "gemeentecodes", "Vullen met 4 cijfers."),
    ("RS036", ALL, "AGB-codes", "Vullen met 8 cijfers."),
    ("RS037", ("JW301", "JW305", "JW307", "JW315", "JW317", "JW323", "JW325"), "Bsn", "Vullen met 9 cijfers."),
    ("RS040", ("JW323", "JW325"), "TotaalBedrag", "Maximale waarde 999999999999."),
    ("RS045", ("JW301", "JW305", "JW307", "JW315"), "Voorletters", "Aaneengesloten, zonder punten of spaties."),
    ("RS046", ("JW301",), "Telefoonnummer", "Aaneengesloten cijfers."),
    ("RS047", ALL, "BerichtCode", "BerichtCode volgens de specificatie."),
    ("RS048", (*ALL, *RETOUR), "XsdVersie, XsltVersie", "Versienummer van drie gehele getallen met punten."),
]

for code, berichten, element, text in _XSD_RULES:
    documented(code, berichten, element, text, Status.XSD, level=Level.XSD,
               note="a facet of the generated XSD; a breach is an XSD finding")

_CROSS_MESSAGE: list[tuple[str, tuple[str, ...], str, str, str]] = [
    ("TR332", ("JW301",), "ToegewezenProduct.ToewijzingNummer", "ToewijzingNummer is uniek per gemeente.", "9332"),
    ("TR347", ("JW315", "JW317"), "ReferentieAanbieder", "ReferentieAanbieder is uniek voor de aanbieder.", "9347"),
    ("TR355", ("JW319",), "Antwoord.ReferentieAanbieder", "ReferentieAanbieder komt voor in een eerder verzoek.",
     "9355"),
    ("TR359", ("JW319",), "Antwoord", "Geen antwoord na een eerdere toewijzing met deze ReferentieAanbieder.", "9359"),
    ("TR360", ("JW319",), "Antwoord", "Antwoord 'in onderzoek' alleen als eerste antwoord.", "9360"),
    ("TR365", ("JW319",), "Antwoord", "Na een eerder antwoord was dat 'in onderzoek'.", "9365"),
    ("TR374", ("JW315", "JW317"), "Client", "Geen nieuw verzoek zolang er een verzoek onderhanden is.", "9374"),
    ("TR379", ("JW301",), "ToegewezenProduct.ReferentieAanbieder",
     "ReferentieAanbieder alleen ter honorering van een verzoek.", "9379"),
    ("TR385", ("JW301",), "ToegewezenProduct", "Geen wijziging van een toewijzing met goedgekeurde declaraties.",
     "9385"),
]

for code, berichten, element, text, retourcode in _CROSS_MESSAGE:
    cross_message_rule(code, berichten, element, text, retourcode, "needs earlier messages: the ledger")

documented("TR056", ALL, "Header.BerichtIdentificatie.Identificatie",
           "Identificatie is uniek per afzender en berichttype.", Status.IMPLEMENTED,
           level=Level.BERICHTOVERSTIJGEND, retourcode="9056",
           note="judged across the messages of one run of ijw validate or ijw respond")

_OUT_OF_SCOPE: list[tuple[str, tuple[str, ...], str, str, Level, str | None]] = [
]

for code, berichten, element, text, level, retourcode in _OUT_OF_SCOPE:
    documented(code, berichten, element, text, Status.NOT_APPLICABLE, level=level, retourcode=retourcode,
               note="applies to JW305/307/317/323/325 only; not checked in this release")

_TRANSPORT = ("JW301", "JW305", "JW307", "JW315", "JW317", "JW319", "JW323", "JW325")
documented("OP179", _TRANSPORT, "the file", "De grootte van verzonden bestanden is niet meer dan 25 MB.",
           Status.IMPLEMENTED, level=Level.XSD, retourcode="0001",
           note="judged on the bytes before the XSD (validator.transport_findings), as 25,000,000 bytes")
documented("OP192", (*_TRANSPORT, *RETOUR), "the file",
           "Verzonden berichten voldoen aan de technische eisen (UTF-8 zonder BOM, CR/LF).",
           Status.IMPLEMENTED, level=Level.XSD, retourcode="0001",
           note="judged on the bytes before the XSD (validator.transport_findings); LF-only or CR-only line ends "
                "are a warning")
