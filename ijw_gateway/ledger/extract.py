"""What the ledger keeps of an iJw message, read from its checked tree or its typed model (pure, no database).

A checked message has its tree: :func:`tree_info` reads the few fields the ledger keeps in
one pass over it, so recording a message never builds its pydantic model.
:func:`message_info` reads the same from a model (a message given as one). The BSN is
returned only to be hashed; nothing else personal is read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from lxml import etree
from pydantic import BaseModel

from ijw_gateway.errors import UsageError
from ijw_gateway.ledger.treeread import children as _children
from ijw_gateway.ledger.treeread import day as _day
from ijw_gateway.ledger.treeread import local as _local
from ijw_gateway.ledger.treeread import text as _text
from ijw_gateway.messages.namespaces import BASISSCHEMA
from ijw_gateway.messages.registry import Berichttype, berichttype_of
from ijw_gateway.messages.xsd import IjwModel

__all__ = ["MessageInfo", "message_info", "tree_info"]


@dataclass(frozen=True)
class MessageInfo:
    """The ledger's view of one message. ``bsn`` is transient: hash it, never store it."""

    berichttype: str
    heenbericht: str | None
    afzender: str
    ontvanger: str
    identificatie: str
    retour_op: str | None
    dagtekening: date
    referenties: tuple[str, ...]  # ReferentieAanbieder values, in order, once each
    toewijzingnummers: tuple[str, ...]
    verzoek_antwoord: str | None
    zorgdatum: date | None
    bsn: str | None = field(default=None, repr=False)
    regie: dict[str, tuple[str | None, date | None, date | None]] = field(default_factory=dict, compare=False)
    """ToewijzingNummer → (product code, date, Einddatum) of a JW301 (Ingangsdatum and Einddatum), a JW305
    (Begindatum) or a JW307 (Einddatum); the earliest date when a message names a ToewijzingNummer twice.
    A line that removes an earlier one (StatusAanlevering 3) is no start or stop."""

    @property
    def producten(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*self.referenties, *self.toewijzingnummers)))


def _walk(node: BaseModel) -> Iterator[tuple[str, Any]]:
    """(field name, value) of every field below ``node``, depth first, in document order
    (recursing only into models and lists: most fields are leaves)."""
    for name in type(node).model_fields:
        value = getattr(node, name, None)
        if value is None:
            continue
        yield name, value
        if isinstance(value, BaseModel):
            yield from _walk(value)
        elif isinstance(value, list | tuple):
            for item in value:
                if isinstance(item, BaseModel):
                    yield from _walk(item)


_REGIE = {
    "JW301": ("ToegewezenProducten", "ToegewezenProduct", "Ingangsdatum"),
    "JW305": ("StartProducten", "StartProduct", "Begindatum"),
    "JW307": ("StopProducten", "StopProduct", "Einddatum"),
}
"""Where a message keeps its ToewijzingNummers with their product and date."""


_VERWIJDEREN = "3"


def _regie(message: IjwModel, naam: str) -> dict[str, tuple[str | None, date | None, date | None]]:
    where = _REGIE.get(naam)
    client = getattr(message, "Client", None)
    if where is None or client is None:
        return {}
    out: dict[str, tuple[str | None, date | None, date | None]] = {}
    for item in getattr(getattr(client, where[0]), where[1]):
        if item.ToewijzingNummer is None or str(getattr(item, "StatusAanlevering", "")) == _VERWIJDEREN:
            continue
        nummer, day = str(item.ToewijzingNummer), getattr(item, where[2])
        code = str(item.Product.Code) if item.Product is not None else None
        einde = item.Einddatum if naam == "JW301" else None
        earlier = out.get(nummer)
        if earlier is None or (day is not None and (earlier[1] is None or day < earlier[1])):
            out[nummer] = (code, day, einde)
    return out


def message_info(message: IjwModel) -> MessageInfo:
    """Read the ledger fields of a parsed message (JW301, JW302, JW315, JW319, …)."""
    try:
        kind = berichttype_of(message)
    except Exception:
        raise UsageError(f"expected an iJw message model, got {type(message).__name__}") from None
    header = message.Header  # type: ignore[attr-defined]
    ident = header.BerichtIdentificatie
    if kind.heenbericht and hasattr(header, "IdentificatieRetour"):  # a JW325 has a BerichtIdentificatie of its own
        identificatie, retour_op, dagtekening = str(header.IdentificatieRetour), str(ident.Identificatie), None
        dagtekening = header.DagtekeningRetour
    elif kind.heenbericht and hasattr(header, "DeclaratieIdentificatie"):  # a JW325 answers the JW323 it names
        identificatie, dagtekening = str(ident.Identificatie), ident.Dagtekening
        retour_op = str(header.DeclaratieIdentificatie.Identificatie)
    else:
        identificatie, retour_op, dagtekening = str(ident.Identificatie), None, ident.Dagtekening
    referenties: list[str] = []
    nummers: list[str] = []
    zorgdata: list[date] = []
    verzoek_antwoord: str | None = None
    for name, value in _walk(message):
        if name == "ReferentieAanbieder":
            referenties.append(str(value))
        elif name == "ToewijzingNummer":
            nummers.append(str(value))
        elif name == "VerzoekAntwoord":
            verzoek_antwoord = str(value)
        elif (name == "Begindatum" and kind.naam == "JW305") or (name == "Einddatum" and kind.naam == "JW307"):
            zorgdata.append(value)
    client = getattr(message, "Client", None)
    bsn = getattr(client, "Bsn", None) if client is not None else None
    return MessageInfo(
        berichttype=kind.naam,
        heenbericht=kind.heenbericht,
        afzender=str(header.Afzender),
        ontvanger=str(header.Ontvanger),
        identificatie=identificatie,
        retour_op=retour_op,
        dagtekening=dagtekening,
        referenties=tuple(dict.fromkeys(referenties)),
        toewijzingnummers=tuple(dict.fromkeys(nummers)),
        verzoek_antwoord=verzoek_antwoord if kind.naam == "JW319" else None,
        zorgdatum=min(zorgdata) if zorgdata else None,
        bsn=str(bsn) if bsn is not None else None,
        regie=_regie(message, kind.naam),
    )


def tree_info(tree: etree._ElementTree, berichttype: Berichttype) -> MessageInfo:
    """:func:`message_info` of a schema-valid message, read from its tree (the same values:
    strings as they stand, numbers and dates as the model reads them)."""
    root = tree.getroot()
    top = _children(root)
    header = _children(top.get("Header"))
    ident = _children(header.get("BerichtIdentificatie"))
    kind = berichttype.naam
    if berichttype.heenbericht and "IdentificatieRetour" in header:  # a JW325 has a BerichtIdentificatie of its own
        identificatie, retour_op = _text(header["IdentificatieRetour"]), _text(ident["Identificatie"])
        dagtekening = date.fromisoformat(_text(header["DagtekeningRetour"]).strip())
    elif berichttype.heenbericht and "DeclaratieIdentificatie" in header:  # a JW325 answers the JW323 it names
        identificatie = _text(ident["Identificatie"])
        dagtekening = date.fromisoformat(_text(ident["Dagtekening"]).strip())
        retour_op = _text(_children(header["DeclaratieIdentificatie"])["Identificatie"])
    else:
        identificatie, retour_op = _text(ident["Identificatie"]), None
        dagtekening = date.fromisoformat(_text(ident["Dagtekening"]).strip())
    zorg = {"JW305": "Begindatum", "JW307": "Einddatum"}.get(kind)
    referenties: list[str] = []
    nummers: list[str] = []
    zorgdata: list[date] = []
    verzoek_antwoord: str | None = None
    for element in root.iter(*_tags(berichttype.namespace.uri, zorg)):  # lxml picks them out, in document order
        name = _local(element)
        if name == "ReferentieAanbieder":
            referenties.append(_text(element))
        elif name == "ToewijzingNummer":
            nummers.append(str(int(_text(element).strip())))
        elif name == "VerzoekAntwoord":
            verzoek_antwoord = _text(element)
        elif name == zorg:
            zorgdata.append(date.fromisoformat(_text(element).strip()))
    bsn = _children(top.get("Client")).get("Bsn")
    return MessageInfo(
        berichttype=kind,
        heenbericht=berichttype.heenbericht,
        afzender=_text(header["Afzender"]),
        ontvanger=_text(header["Ontvanger"]),
        identificatie=identificatie,
        retour_op=retour_op,
        dagtekening=dagtekening,
        referenties=tuple(dict.fromkeys(referenties)),
        toewijzingnummers=tuple(dict.fromkeys(nummers)),
        verzoek_antwoord=verzoek_antwoord if kind == "JW319" else None,
        zorgdatum=min(zorgdata) if zorgdata else None,
        bsn=_text(bsn) if bsn is not None else None,
        regie=_tree_regie(top.get("Client"), kind),
    )


@cache
def _tags(uri: str, zorg: str | None) -> tuple[str, ...]:
    """The tags :func:`tree_info` reads, in the message's namespace and the basisschema's (a schema-valid
    message has no other)."""
    names = ("ReferentieAanbieder", "ToewijzingNummer", "VerzoekAntwoord") + ((zorg,) if zorg else ())
    return tuple(f"{{{ns}}}{name}" for ns in (uri, BASISSCHEMA.uri) for name in names)


def _tree_regie(client: etree._Element | None, naam: str) -> dict[str, tuple[str | None, date | None, date | None]]:
    """:func:`_regie` read from the tree."""
    where = _REGIE.get(naam)
    if where is None or client is None:
        return {}
    out: dict[str, tuple[str | None, date | None, date | None]] = {}
    container = _children(client).get(where[0])
    for element in () if container is None else container:
        if not isinstance(element.tag, str) or _local(element) != where[1]:
            continue
        fields = _children(element)
        status = fields.get("StatusAanlevering")
        if "ToewijzingNummer" not in fields or (status is not None and _text(status).strip() == _VERWIJDEREN):
            continue
        nummer = str(int(_text(fields["ToewijzingNummer"]).strip()))
        day = _day(fields.get(where[2]))
        product = _children(fields.get("Product")).get("Code")
        code = _text(product) if product is not None else None
        einde = _day(fields.get("Einddatum")) if naam == "JW301" else None
        earlier = out.get(nummer)
        if earlier is None or (day is not None and (earlier[1] is None or day < earlier[1])):
            out[nummer] = (code, day, einde)
    return out

