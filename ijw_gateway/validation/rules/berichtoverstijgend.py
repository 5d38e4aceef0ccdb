"""Controleniveau 3: which berichtoverstijgende rules the ledger judges (``--ledger``), and why the
others are not judged.

The judging itself is :mod:`ijw_gateway.ledger.crossrules` (it needs the database); this module
is the registry's side of it, light enough for ``ijw rules`` and start-up: per rule the message
types it is judged for and what is checked. A message family registers its level-3 rules with
:func:`cross_message_rule`, which marks each (rule, message type) judged by the ledger or says
why it is not.
"""

from __future__ import annotations

from ijw_gateway.validation.rules.registry import Level, Status, documented

__all__ = ["JUDGED_BY_LEDGER", "cross_message_rule"]

JUDGED_BY_LEDGER: dict[str, tuple[tuple[str, ...], str]] = {
    "TR019": (("JW305", "JW307"), "the ToewijzingNummer is a toewijzing of this gemeente to this aanbieder"),
    "TR063": (("JW305", "JW307"), "a StatusAanlevering 3 removes an earlier delivery with the same key"),
    "TR071": (("JW305",), "no removal (3) of a start that has a stop"),
    "TR074": (("JW305", "JW307"), "a first delivery (1) repeats no key delivered before (ToewijzingNummer, "
                                  "Begindatum; for a stop also Einddatum)"),
    "OP033": (("JW305", "JW307"), "a correction of an earlier start or stop goes through StatusAanlevering 3 "
                                  "and 1: a first delivery with an earlier key and other content is one (reported "
                                  "with TR074's retourcode)"),
    "TR304": (("JW317", "JW323", "JW325"), "the client's BSN (compared as keyed hashes) is that of the toewijzing "
                                           "(JW325: of the prestatie as declared)"),
    "TR366": (("JW325",), "each prestatie is one of the declaration answered (when the ledger has it)"),
    "TR367": (("JW325",), "each prestatie holds the values it was declared with"),
    "TR307": (("JW323",), "the ProductPeriode starts on or after the toewijzing's Ingangsdatum"),
    "TR308": (("JW323",), "the ProductPeriode ends on or before the toewijzing's Einddatum"),
    "TR314": (("JW323",), "the ReferentieNummer was not used by the aanbieder in an earlier declaration"),
    "TR321": (("JW323",), "GeleverdVolume within the assigned Volume per Frequentie over the ProductPeriode "
                          "(per week: the weeks begun, days / 7 rounded up; minutes on a toewijzing in hours)"),
    "TR322": (("JW323",), "the GeleverdVolume of the standing debets on a toewijzing within its Omvang over its "
                          "loopduur (Frequentie 6, or a toewijzing with an Einddatum)"),
    "TR323": (("JW323",), "a credit names (VorigReferentieNummer) a standing debet of the toewijzing with the "
                          "same product, period and amount"),
    "TR326": (("JW305",), "no start while the toewijzing has a current start (no stop since)"),
    "TR332": (("JW301",), "a ToewijzingNummer of the gemeente names one client, aanbieder and ProductCategorie"),
    "TR333": (("JW323",), "the DeclaratieNummer was not used by the aanbieder before"),
    "TR338": (("JW323",), "the prestatie declares on a toewijzing of this gemeente to this aanbieder"),
    "TR339": (("JW323",), "ProductCategorie is the toewijzing's"),
    "TR340": (("JW323",), "ProductCode is the toewijzing's, where it has one"),
    "TR341": (("JW323",), "Eenheid is the toewijzing's (minutes on a toewijzing in hours)"),
    "TR347": (("JW315", "JW317"), "the ReferentieAanbieder was not used by the aanbieder in an earlier verzoek"),
    "TR349": (("JW317",), "every current toewijzing of the client to this aanbieder is in the verzoek"),
    "TR350": (("JW317",), "every OngewijzigdProduct is a current toewijzing"),
    "TR351": (("JW317",), "every TeWijzigenProduct is a current toewijzing"),
    "TR355": (("JW319",), "the ReferentieAanbieder is that of an earlier verzoek"),
    "TR357": (("JW317",), "a GewensteIngangsdatum not after the Dagtekening is the toewijzing's Ingangsdatum"),
    "TR359": (("JW319",), "no toewijzing (JW301) was sent before with this ReferentieAanbieder"),
    "TR360": (("JW319",), "'in onderzoek' (2) only as the first answer on a ReferentieAanbieder"),
    "TR361": (("JW317",), "the toewijzingen the verzoek names (their product and period, as changed) and its "
                          "NieuweProducten overlap only where the product differs (two NieuweProducten: TR410)"),
    "TR365": (("JW319",), "an earlier answer on the ReferentieAanbieder was 'in onderzoek' (2)"),
    "TR369": (("JW323",), "the IngediendBedrag of the standing debets on a toewijzing within its Budget"),
    "TR373": (("JW317",), "a changed Budget or total (Frequentie 6) starts on the toewijzing's Ingangsdatum"),
    "TR374": (("JW315", "JW317"), "no verzoek while an earlier one of the client to this gemeente is open "
                                  "(neither honoured by a JW301 nor rejected by a JW319 with VerzoekAntwoord 1)"),
    "OP350": (("JW315", "JW317"), "judged as TR374, its technische regel: the finding is TR374 (9374)"),
    "TR375": (("JW317",), "no Omvang for a toewijzing without Product running after 2020"),
    "TR379": (("JW301",), "a ReferentieAanbieder only when it is that of a verzoek of the aanbieder"),
    "TR382": (("JW307",), "the stop repeats the key of a standing start (ToewijzingNummer, Begindatum, Product)"),
    "TR384": (("JW323",), "no prestatie on a toewijzing removed (RedenWijziging 13)"),
    "TR385": (("JW301",), "no removal (RedenWijziging 13) of a toewijzing with approved, uncredited prestaties"),
    "TR387": (("JW323",), "the ProductPeriode starts on the first of its month, or the later Ingangsdatum"),
    "TR388": (("JW323",), "the ProductPeriode ends on the last of its month, or the earlier Einddatum"),
    "TR389": (("JW323",), "no second debet for the same toewijzing, product and period while an earlier one stands "
                          "(not rejected, not credited)"),
    "TR390": (("JW323",), "a debet is credited once"),
    "TR411": (("JW317",), "Omvang is given for a toewijzing with a ProductCode"),
    "TR412": (("JW317",), "no Omvang for a toewijzing without ProductCode running after 2020"),
    "TR413": (("JW307",), "no second temporary stop (20) on the same start"),
    "TR414": (("JW307",), "an Einddatum not before that of the current stop on the same start"),
    "TR415": (("JW307",), "no further stop on a start after a definitive one"),
    "TR418": (("JW323",), "ProductTarief is the tarief of the ProductCode in the contract of the gemeente's region "
                          "on the ProductPeriode's Begindatum (minutes on an hourly tarief: round(tarief / 60), "
                          "IV081); a code no contract has is left to TR381"),
}
"""Rule → (the message types the ledger judges it for, what is checked). Messages rejected by their
retourbericht (or JW325) do not count as delivered."""

NOT_JUDGED: dict[str, str] = {
    "TR318": "needs to know the months in which no care was delivered, which no message says: a gap in the "
             "DeclaratiePerioden is allowed then",
    "TR337": "has no retourcode (n.v.t.): with --ledger the answered declaration is looked up by "
             "DeclaratieIdentificatie for TR366/TR367, and an answer to one the ledger lacks is left unjudged",
    "TR371": "has no retourcode (n.v.t.), and the ledger keeps no XsdVersie of a declaration",
    "TR376": "has no retourcode (n.v.t.); not judged in this release",
}
"""Why a level-3 rule (for the message types JUDGED_BY_LEDGER does not name) is not judged."""


def cross_message_rule(code: str, berichten: tuple[str, ...], element: str, text: str, retourcode: str | None,
                       why: str) -> None:
    """Register a berichtoverstijgende rule: judged by the ledger for the types JUDGED_BY_LEDGER names,
    for the others with why not (``why``, or NOT_JUDGED's reason)."""
    judged_for, what = JUDGED_BY_LEDGER.get(code, ((), ""))
    judged = tuple(b for b in berichten if b in judged_for)
    rest = tuple(b for b in berichten if b not in judged_for)
    if judged:
        documented(code, judged, element, text, Status.LEDGER, level=Level.BERICHTOVERSTIJGEND,
                   retourcode=retourcode, note=f"with --ledger: {what}")
    if rest:
        documented(code, rest, element, text, Status.CROSS_MESSAGE, level=Level.BERICHTOVERSTIJGEND,
                   retourcode=retourcode, note=NOT_JUDGED.get(code, why))


for _code, _text in (("OP033", "Wijzigingen en correcties op eerder verzonden JW305 en JW307 lopen via de "
                               "systematiek van StatusAanlevering."),
                     ("OP350", "Geen nieuw verzoek om toewijzing of wijziging zolang een eerder verzoek voor de "
                               "client niet is afgehandeld.")):
    _berichten, _what = JUDGED_BY_LEDGER[_code]
    documented(_code, _berichten, "Client", _text, Status.LEDGER, level=Level.BERICHTOVERSTIJGEND,
               retourcode="9074" if _code == "OP033" else "9374", note=f"with --ledger: {_what}")
