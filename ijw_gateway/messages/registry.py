"""Every iJw 3.2 message type we know: its name, BerichtCode, namespace and model."""

from dataclasses import dataclass
from types import ModuleType

from ijw_gateway.messages import (
    jw301,
    jw302,
    jw305,
    jw306,
    jw307,
    jw308,
    jw315,
    jw316,
    jw317,
    jw318,
    jw319,
    jw320,
    jw323,
    jw325,
)
from ijw_gateway.messages.codelists import BERICHTCODE
from ijw_gateway.messages.xsd import IjwModel, Namespace


@dataclass(frozen=True)
class Berichttype:
    naam: str
    module: ModuleType
    model: type[IjwModel]
    heenbericht: str | None = None
    """For a retourbericht: the message type it answers (JW302 → JW301)."""

    @property
    def namespace(self) -> Namespace:
        return self.module.NAMESPACE

    @property
    def berichtcode(self) -> str:
        return self.model.model_fields["Header"].annotation.model_fields["BerichtCode"].default

    @property
    def omschrijving(self) -> str:
        return BERICHTCODE[self.berichtcode].split(" ", 1)[1]

    @property
    def schema_filename(self) -> str:
        return f"{self.naam}.xsd"


BERICHTTYPEN: dict[str, Berichttype] = {
    t.naam: t
    for t in (
        Berichttype("JW301", jw301, jw301.JW301),
        Berichttype("JW302", jw302, jw302.JW302, heenbericht="JW301"),
        Berichttype("JW305", jw305, jw305.JW305),
        Berichttype("JW306", jw306, jw306.JW306, heenbericht="JW305"),
        Berichttype("JW307", jw307, jw307.JW307),
        Berichttype("JW308", jw308, jw308.JW308, heenbericht="JW307"),
        Berichttype("JW315", jw315, jw315.JW315),
        Berichttype("JW316", jw316, jw316.JW316, heenbericht="JW315"),
        Berichttype("JW317", jw317, jw317.JW317),
        Berichttype("JW318", jw318, jw318.JW318, heenbericht="JW317"),
        Berichttype("JW319", jw319, jw319.JW319),
        Berichttype("JW320", jw320, jw320.JW320, heenbericht="JW319"),
        Berichttype("JW323", jw323, jw323.JW323),
        Berichttype("JW325", jw325, jw325.JW325, heenbericht="JW323"),
    )
}

BY_NAMESPACE: dict[str, Berichttype] = {t.namespace.uri: t for t in BERICHTTYPEN.values()}
BY_MODEL: dict[type[IjwModel], Berichttype] = {t.model: t for t in BERICHTTYPEN.values()}
RETOUR_OF: dict[str, Berichttype] = {t.heenbericht: t for t in BERICHTTYPEN.values() if t.heenbericht}


def berichttype_of(message: IjwModel) -> Berichttype:
    """The message type of a message model instance."""
    try:
        return BY_MODEL[type(message)]
    except KeyError:
        raise TypeError(f"{type(message).__name__} is not an iJw message (JW301, JW315, …)") from None
