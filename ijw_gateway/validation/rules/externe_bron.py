"""Controleniveau 4: rules that need a source outside the message (system date, CBS list, product lists)."""

from collections.abc import Iterator
from datetime import date
from functools import lru_cache

from ijw_gateway.messages import jw301, jw315, jw319
from ijw_gateway.tussentaal import default_catalog
from ijw_gateway.validation.rules.registry import Level, RuleInput, Violation, rule
from ijw_gateway.validation.rules.views import dagtekening, root

HEENBERICHTEN = ("JW301", "JW305", "JW307", "JW315", "JW317", "JW319", "JW323", "JW325")


@rule("TR135", HEENBERICHTEN, "Header.BerichtIdentificatie.Dagtekening",
      "Dagtekening is een bestaande datum die niet in de toekomst ligt.", retourcode="8848", level=Level.EXTERNE_BRON)
def dagtekening_niet_in_toekomst(r: RuleInput) -> Iterator[Violation]:
    dag = dagtekening(r.message)
    if dag > r.today:
        path = root(r.bericht).el("Header").el("BerichtIdentificatie").ijw("Dagtekening")
        yield Violation(str(path), f"Dagtekening {dag} lies after the system date {r.today}")


def _gemeenten(r: RuleInput) -> Iterator[tuple[str, str, list[date]]]:
    """(gemeentecode, path, dates on which it must be valid) for every gemeentecode in the message."""
    header = r.message.Header  # type: ignore[attr-defined]
    dates = [p.ingangsdatum for p in r.products] or [dagtekening(r.message)]
    side = "Afzender" if isinstance(r.message, jw301.JW301 | jw319.JW319) else "Ontvanger"
    yield getattr(header, side), str(root(r.bericht).el("Header").el(side)), dates
    if isinstance(r.message, jw319.JW319) and r.message.Antwoord.Woonplaatsbeginsel is not None:
        path = root(r.bericht).el("Antwoord").el("Woonplaatsbeginsel").el("Gemeente")
        yield r.message.Antwoord.Woonplaatsbeginsel.Gemeente, str(path), dates


@lru_cache(maxsize=4096)
def _cbs_geldig(code: str, datum: date) -> bool:
    return default_catalog().cbs_geldig(code, datum)


@rule("TR378", ("JW301", "JW315", "JW319"), "Header.Afzender / Header.Ontvanger / Woonplaatsbeginsel.Gemeente",
      "Gemeentecode bestaat in de CBS-lijst die actueel is op de (Toewijzing)Ingangsdatum.",
      retourcode="S300", level=Level.EXTERNE_BRON)
def gemeentecode_bestaat(r: RuleInput) -> Iterator[Violation]:
    for code, path, dates in _gemeenten(r):
        if not any(_cbs_geldig(code, d) for d in dates):
            yield Violation(path, f"gemeentecode {code} is not in the CBS list of municipalities valid on "
                                  f"{min(dates)}")


@rule("TR381", ("JW301", "JW315"), "Product.Code",
      "ProductCode past bij de ProductCategorie volgens de productcodelijst die de gemeente hanteert.",
      retourcode="S329", level=Level.EXTERNE_BRON)
def productcode_past_in_lijst(r: RuleInput) -> Iterator[Violation]:
    catalog = default_catalog()
    header = r.message.Header  # type: ignore[attr-defined]
    gemeente = header.Afzender if isinstance(r.message, jw301.JW301) else header.Ontvanger
    assert isinstance(r.message, jw301.JW301 | jw315.JW315)
    for p in r.products:
        if p.product is None or p.product.Code is None:
            continue
        oordeel = catalog.productcode_past(p.product.Categorie, p.product.Code, gemeente, p.ingangsdatum)
        if oordeel.past is False:
            yield Violation(str(p.path.el("Product").ijw("Code")),
                            f"productcode {p.product.Code} does not fit productcategorie {p.product.Categorie}: "
                            f"{oordeel.reden}")
