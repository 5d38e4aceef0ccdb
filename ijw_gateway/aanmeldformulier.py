"""The één Gelders aanmeldformulier (GVJB Bouwsteen 5, point 4): one referral form, filled from the bepaling.

:func:`render` gives one self-contained, printable HTML page: the jeugdige, the GI and its
jeugdbeschermer, the maatregel, every hulp line in the tussentaal with the product of the
gemeente's region (the omvang as converted and split by the region's contract), the
evaluation moments, and the route with the terms of its steps (``ijw_gateway/ledger/routes.yaml``).
Steps counted from sending the bepaling get their date. The page has no script and loads
nothing (its Content-Security-Policy allows only its own inline style, by hash).

The form holds personal data by design: :func:`write` makes it owner-only (0600) from the first
byte, and nothing of it is logged.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import date
from html import escape
from pathlib import Path

from ijw_gateway.files import write_bytes_atomic
from ijw_gateway.ledger.calendar import WorkingDayCalendar
from ijw_gateway.ledger.routes import Ref, Route, Step, load_definitions
from ijw_gateway.logging import get_logger
from ijw_gateway.messages.codelists import GESLACHT
from ijw_gateway.tussentaal.bepaling import Bepaling
from ijw_gateway.tussentaal.build import gecertificeerde_instellingen
from ijw_gateway.tussentaal.catalog import Catalog, default_catalog
from ijw_gateway.tussentaal.mapping import Toewijzing, map_bepaling
from ijw_gateway.tussentaal.omvang import omschrijf, omschrijf_woorden

__all__ = ["render", "write"]

log = get_logger(__name__)

MAATREGEL = {"OTS": "Ondertoezichtstelling (OTS)", "voogdij": "Voogdij", "jeugdreclassering": "Jeugdreclassering",
             "drang": "Drang (vrijwillig kader)"}
_VERSTUURD = "event:bepaling_verstuurd"

_CSS = """
@page{size:A4;margin:14mm}
*{box-sizing:border-box}
body{font:10.5pt/1.4 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1b1f24;margin:0 auto;
max-width:60rem;padding:1.5rem}
h1{font-size:1.5rem;margin:0 0 .2rem}h2{font-size:1.1rem;margin:1.4rem 0 .4rem;border-bottom:2px solid #1f5f8b;
padding-bottom:.15rem;color:#1f5f8b}h3{font-size:1rem;margin:.8rem 0 .3rem}
.sub{color:#4a5560;margin:0 0 1rem}.note{font-size:.9rem;color:#4a5560}
dl{display:grid;grid-template-columns:13rem 1fr;gap:.15rem 1rem;margin:0}dt{font-weight:600}dd{margin:0}
table{border-collapse:collapse;width:100%;margin:.3rem 0 .6rem}th,td{border:1px solid #b9c2cb;padding:.25rem .4rem;
text-align:left;vertical-align:top}th{background:#eef3f7}
section.hulp{border:1px solid #b9c2cb;border-radius:4px;padding:.2rem .8rem .6rem;margin:.6rem 0;break-inside:avoid}
.fout{color:#a4000f;font-weight:600}.privacy{border:2px solid #a4000f;padding:.4rem .6rem;margin:1rem 0}
footer{margin-top:1.5rem;font-size:.85rem;color:#4a5560}
@media print{body{padding:0;max-width:none}section.hulp,tr{break-inside:avoid}h2{break-after:avoid}}
"""
_CSP_HASH = base64.b64encode(hashlib.sha256(_CSS.encode("utf-8")).digest()).decode("ascii")
CSP = (f"default-src 'none'; style-src 'sha256-{_CSP_HASH}'; img-src 'none'; font-src 'none'; connect-src 'none'; "
       "base-uri 'none'; form-action 'none'")


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _dl(rows: list[tuple[str, object]]) -> str:
    return "<dl>" + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in rows if v not in (None, "")) + "</dl>"


def _naam(bepaling: Bepaling) -> str:
    j = bepaling.jeugdige
    return " ".join(p for p in (j.voornamen or j.voorletters, j.voorvoegsel, j.achternaam) if p)


def _datum(d: date) -> str:
    return d.strftime("%d-%m-%Y")


def _jeugdige(bepaling: Bepaling) -> str:
    j = bepaling.jeugdige
    return "<h2>Jeugdige</h2>" + _dl([
        ("Naam", _naam(bepaling)), ("Voorletters", j.voorletters), ("BSN", j.bsn),
        ("Geboortedatum", _datum(j.geboortedatum)), ("Geslacht", GESLACHT[j.geslacht]),
    ])


def _verwijzer(bepaling: Bepaling, catalog: Catalog) -> str:
    gi = gecertificeerde_instellingen().get(bepaling.gecertificeerde_instelling)
    gemeente = catalog.gemeente(bepaling.gemeente)
    return "<h2>Verwijzer en maatregel</h2>" + _dl([
        ("Gecertificeerde instelling", f"{gi.naam} ({gi.code})" if gi else bepaling.gecertificeerde_instelling),
        ("Telefoon GI", gi.telefoon if gi else ""),
        ("Jeugdbeschermer", bepaling.jeugdbeschermer),
        ("Maatregel", MAATREGEL[bepaling.maatregel]),
        ("Bepaling vastgesteld op", _datum(bepaling.vastgesteld_op)),
        ("Kenmerk", bepaling.kenmerk),
        ("Gemeente", f"{gemeente.naam} ({bepaling.gemeente})" if gemeente else bepaling.gemeente),
        ("Jeugdhulpregio", gemeente.regio if gemeente else "onbekend"),
    ])


def _hulp(bepaling: Bepaling, catalog: Catalog) -> str:
    mapping = map_bepaling(bepaling, catalog=catalog)
    parts = ["<h2>Jeugdhulp</h2>"]
    for hulp, line in zip(bepaling.hulp, mapping.lines, strict=True):
        zorgvorm = catalog.zorgvorm(hulp.zorgvorm)
        o = hulp.omvang
        contract = catalog.contract_voor_gemeente(bepaling.gemeente, hulp.ingangsdatum)
        aanbieder = contract.aanbieder(hulp.aanbieder) if contract else None
        rows: list[tuple[str, object]] = [
            ("Zorgvorm (tussentaal)", f"{hulp.zorgvorm} — {zorgvorm.omschrijving}" if zorgvorm else hulp.zorgvorm),
            ("Aanbieder", f"{aanbieder.naam} (AGB {hulp.aanbieder})" if aanbieder else f"AGB {hulp.aanbieder}"),
            ("Periode", f"{_datum(hulp.ingangsdatum)} t/m {_datum(hulp.periode_einde)}"
                        + (f" ({hulp.duur})" if hulp.duur else "")),
            ("Omvang", omschrijf_woorden(o.volume, o.eenheid, o.frequentie)),
            ("Evaluatiemomenten", ", ".join(_datum(d) for d in hulp.evaluatiemomenten) or "geen"),
            ("Toelichting", hulp.commentaar),
        ]
        body = _dl(rows)
        if isinstance(line, Toewijzing):
            product = contract.product(hulp.zorgvorm) if contract else None
            omschrijving = f" — {product.omschrijving}" if product and product.omschrijving else ""
            body += "<h3>Product van de regio</h3>" + _dl([
                ("Contract", line.contract),
                ("Product", f"{line.productcategorie}/{line.productcode}{omschrijving}"),
                ("Omvang volgens contract", line.omrekening.tekst),
                ("Aanbieder gecontracteerd", "ja" if line.aanbieder_gecontracteerd else
                 "nee (gecontracteerd: " + ", ".join(line.gecontracteerde_aanbieders) + ")"),
            ])
            if line.splitsing is not None:
                body += f"<p class=\"note\">{_e(line.splitsing.tekst)}:</p><table><thead><tr><th>Toewijzing</th>" \
                        "<th>Van</th><th>Tot en met</th><th>Omvang</th></tr></thead><tbody>"
                for deel, p in enumerate(line.perioden, 1):
                    body += (f"<tr><td>{deel}</td><td>{_datum(p.ingangsdatum)}</td><td>{_datum(p.einddatum)}</td>"
                             f"<td>{_e(omschrijf(p.volume, line.eenheid, line.frequentie))}</td></tr>")
                body += "</tbody></table>"
        else:
            body += f"<p class=\"fout\">{_e(line.error)}</p>"
        parts.append(f'<section class="hulp"><h3>Hulpregel {line.regel}</h3>{body}</section>')
    return "".join(parts)


def _ref(ref: Ref) -> str:
    if ref.kind == "opened":
        return "voorgenomen bepaling"
    if ref.kind == "event":
        return str(ref.name).replace("_", " ")
    if ref.kind == "message":
        return str(ref.name)
    return f"stap {ref.name}"


def _start(step: Step, route: Route, known: dict[str, date]) -> date | None:
    """The date the step's term starts when the form knows it: the first of its starts that happened."""
    for ref in step.start:
        if str(ref) in known:
            return known[str(ref)]
        if ref.kind == "step":
            done = route.step(str(ref.name)).done_by
            found = next((known[str(d)] for d in done if str(d) in known), None)
            if found is not None:
                return found
        if ref.kind == "event" and ref.name == "bepaling_ontvangen":
            continue  # not yet known; the next start (sending) applies, as in the deadline engine
        return None
    return None


def _route(bepaling: Bepaling, verstuurd: date) -> str:
    route = load_definitions().routes[bepaling.route]
    calendar = WorkingDayCalendar()
    known = {"event:bepaling_vastgesteld": bepaling.vastgesteld_op, _VERSTUURD: verstuurd}
    rows = []
    for step in route.steps:
        start = _start(step, route, known)
        due = _datum(step.term.due(start, calendar)) if start is not None else ""
        done = next((_datum(known[str(d)]) for d in step.done_by if str(d) in known), "")
        rows.append(f"<tr><td>{_e(step.step)}</td><td>{_e(step.description)}</td><td>{_e(step.term)}</td>"
                    f"<td>{_e(' of '.join(_ref(r) for r in step.start))}</td><td>{due}</td><td>{done}</td></tr>")
    return (f"<h2>Aanmeldroute {bepaling.route}: {_e(route.name)}</h2>"
            f"<p class=\"note\">Bepaling en aanmeldformulier verstuurd op {_datum(verstuurd)}. Termijnen in werkdagen "
            "volgens de Algemene termijnenwet; een datum staat bij de stappen die vanaf het versturen tellen.</p>"
            "<table><thead><tr><th>Stap</th><th>Wat</th><th>Termijn</th><th>Gerekend vanaf</th><th>Uiterlijk</th>"
            f"<th>Gedaan</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")


def render(bepaling: Bepaling, *, verstuurd: date | None = None, catalog: Catalog | None = None) -> str:
    """The filled-in aanmeldformulier as one self-contained HTML page (no script, nothing loaded)."""
    catalog = catalog or default_catalog()
    verstuurd = verstuurd or date.today()
    title = f"Aanmeldformulier jeugdhulp {bepaling.kenmerk}"
    return "".join([
        '<!doctype html>\n<html lang="nl"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<header><h1>Aanmeldformulier jeugdhulp</h1><p class=\"sub\">Eén Gelders aanmeldformulier · kenmerk "
        f"{_e(bepaling.kenmerk)} · route {bepaling.route}</p></header>",
        '<p class="privacy">Dit formulier bevat persoonsgegevens van de jeugdige. Deel het alleen met de '
        "lokale toegang, de zorgaanbieder en de gemeente die het betreft.</p>",
        "<main>", _jeugdige(bepaling), _verwijzer(bepaling, catalog), _hulp(bepaling, catalog),
        _route(bepaling, verstuurd), "</main>",
        f"<footer>Ingevuld uit de bepaling jeugdhulp {_e(bepaling.kenmerk)} door ijw aanmeldformulier; producten "
        "volgens de contracten van de regio (illustratief).</footer></body></html>\n",
    ])


def write(bepaling: Bepaling, path: Path, *, verstuurd: date | None = None, catalog: Catalog | None = None,
          option: str | None = None) -> Path:
    """Write the form to ``path``, owner-only (0600), whole or not at all."""
    page = render(bepaling, verstuurd=verstuurd, catalog=catalog)
    write_bytes_atomic(path, page.encode("utf-8"), option=option, mode=0o600)
    log.info("aanmeldformulier written", hulp_lines=len(bepaling.hulp))
    return path
