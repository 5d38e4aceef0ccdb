"""Building blocks shared by the message modules: fixed header values and header shapes.

A message module subclasses these, so its classes live in its own namespace.
"""

from typing import Annotated, Any, Literal

from pydantic import Field

from ijw_gateway.messages.basisschema import (
    BERICHT_CODE,
    BERICHT_SUBVERSIE,
    BERICHT_VERSIE,
    CDT_BerichtIdentificatie,
    CDT_XsdVersie,
    LDT_AgbCode,
    LDT_Gemeente,
)
from ijw_gateway.messages.xsd import IjwModel

RELEASE_VERSIE = 3
RELEASE_SUBVERSIE = 2


def berichtcode(code: str) -> Any:
    """The type of a BerichtCode element fixed to ``code`` (a pattern restriction, as the standard does)."""
    return Annotated[Literal[code], BERICHT_CODE.restrict(pattern=code), Field(default=code)]  # type: ignore[valid-type]


FixedBerichtVersie = Annotated[
    Literal[3], BERICHT_VERSIE.restrict(pattern=str(RELEASE_VERSIE)), Field(default=RELEASE_VERSIE)
]
FixedBerichtSubversie = Annotated[
    Literal[2], BERICHT_SUBVERSIE.restrict(pattern=str(RELEASE_SUBVERSIE)), Field(default=RELEASE_SUBVERSIE)
]


class _Header(IjwModel):
    BerichtCode: str
    BerichtVersie: FixedBerichtVersie
    BerichtSubversie: FixedBerichtSubversie


class GemeenteHeader(_Header):
    """Header of a message from a gemeente to an aanbieder (JW301, JW319, JW325)."""

    Afzender: LDT_Gemeente
    Ontvanger: LDT_AgbCode
    BerichtIdentificatie: CDT_BerichtIdentificatie
    XsdVersie: CDT_XsdVersie = Field(default_factory=CDT_XsdVersie)


class AanbiederHeader(_Header):
    """Header of a message from an aanbieder to a gemeente (JW305, JW307, JW315, JW317, JW323)."""

    Afzender: LDT_AgbCode
    Ontvanger: LDT_Gemeente
    BerichtIdentificatie: CDT_BerichtIdentificatie
    XsdVersie: CDT_XsdVersie = Field(default_factory=CDT_XsdVersie)
