"""``ijw ledger report``: per region, municipality and GI — cases, share of steps on time,
median working days per step, and the open overdue cases with the next step of the
escalation ladder.

:func:`build_report` makes one JSON-ready mapping; :func:`render_text` and
:func:`render_html` only format that mapping, so every number of the text and HTML
reports is the number of ``--format json``. The HTML page is self-contained (inline CSS
and SVG, no script, no fonts, no network) for a monitor on a wall, with tables as the
accessible alternative of every chart and ``data-*`` attributes on every number.

Definitions:

* a deadline is *done* when its step was completed (``met`` or ``late``); ``on_time`` is
  the share of done deadlines that were met (``met / (met + late)``), None when none is
  done; ``overdue`` deadlines (open past due) are counted apart, never hidden in a share;
* ``median_werkdagen``: the median number of working days from the start of a step to
  its completion, over its done deadlines;
* ``werkdagen_overdue``: working days after the due date up to and including ``today``;
* ``period``: from the day the first case was opened to ``today``, the day judged on;
* ``mapping`` of an overdue route step: why the case's bepaling could not be mapped to its
  region's contract when it was opened (None when it could, and on the process rules, which
  are about messages that were made) — the reason no provider got it;
* ``glossary``: every abbreviation the report uses (JB, LTM, ZA, BO, RET, GI and the GIs,
  wd, the OP codes of the process rules) and its meaning.

A step with no deadline at all in the period is listed by name only (folded away in the HTML,
one line in the text), with the same zero numbers in JSON. No personal data: cases appear by
their id (the kenmerk of the bepaling) only.
"""

from __future__ import annotations

import html
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from ijw_gateway.ledger.calendar import WorkingDayCalendar
from ijw_gateway.ledger.deadlines import Deadline
from ijw_gateway.ledger.facts import local_date
from ijw_gateway.ledger.routes import Definitions, load_definitions

__all__ = ["GROUPS", "build_report", "glossary", "render_html", "render_text", "step_order"]

GROUPS = (("regio", "regio"), ("gemeente", "gemeente"), ("gi", "gecertificeerde_instelling"))
_GROUP_TITLES = {"regio": "jeugdhulpregio", "gemeente": "gemeente", "gi": "gecertificeerde instelling (GI)"}
_STATES = ("met", "late", "overdue", "open")


# --------------------------------------------------------------------------- building
def step_order(definitions: Definitions) -> list[tuple[str, str, str, str]]:
    """(route, step, description, term) of every step column of both routes in route order,
    followed per route by the iJw process rules (OP090, OP274, …); a step column that has
    several terms (5A of the 315 route, OP274) is listed once."""
    out: list[tuple[str, str, str, str]] = []
    for route_id in sorted(definitions.routes):
        seen: dict[str, tuple[list[str], list[str]]] = {}
        for s in definitions.routes[route_id].steps:
            descriptions, terms = seen.setdefault(s.step, ([], []))
            descriptions.append(s.description)
            if str(s.term) not in terms:
                terms.append(str(s.term))
        for r in definitions.rules:
            descriptions, terms = seen.setdefault(r.rule, ([], []))
            descriptions.append(r.description)
            if str(r.term) not in terms:
                terms.append(str(r.term))
        out += [(route_id, step, "; ".join(d), " / ".join(t)) for step, (d, t) in seen.items()]
    return out


_WD = "werkdagen: working days, Monday to Friday without the public holidays of the Algemene termijnenwet"
_TERMS = {
    "on time": "the share of the done steps that were done by their due date",
    "median": "the middle one of the numbers of werkdagen from the start of a step to its completion",
    "overdue": "open past its due date",
    "open": "not done yet and not yet due",
}


def glossary(definitions: Definitions, gis: Iterable[str] = (), gi_namen: Mapping[str, str] | None = None
             ) -> dict[str, str]:
    """Every abbreviation the report uses and what it stands for, in the order a reader meets them
    (``gi_namen``: GI code → name, for the GIs of the cases)."""
    out = dict(definitions.abbreviations)
    names = gi_namen or {}
    out.update((gi, names[gi]) for gi in sorted(set(gis)) if gi in names)
    out["wd"] = _WD
    for rule in definitions.rules:
        if rule.rule in out:
            out[rule.rule] += f"; {rule.description}"
        else:
            out[rule.rule] = f"iJw process rule: {rule.description}"
    return out | _TERMS


def _share(met: int, done: int) -> float | None:
    return round(met / done, 3) if done else None


def _median(values: list[int]) -> float | int | None:
    if not values:
        return None
    m = statistics.median(values)
    return int(m) if float(m).is_integer() else float(m)


def _tally(items: Iterable[Deadline], calendar: WorkingDayCalendar) -> dict[str, Any]:
    counts = dict.fromkeys(_STATES, 0)
    days: list[int] = []
    for d in items:
        counts[d.state] += 1
        if d.done is not None:
            days.append(calendar.working_days_between(d.start, d.done))
    done = counts["met"] + counts["late"]
    return {
        "deadlines": sum(counts.values()),
        **counts,
        "steps_done": done,
        "on_time": _share(counts["met"], done),
        "median_werkdagen": _median(days),
    }


def build_report(
    cases: Iterable[Any],
    deadlines: Iterable[Deadline],
    *,
    today: date,
    calendar: WorkingDayCalendar,
    definitions: Definitions | None = None,
    gemeente_namen: Mapping[str, str] | None = None,
    gi_namen: Mapping[str, str] | None = None,
    wachttijden: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The report as a JSON-ready mapping; ``gemeente_namen`` (CBS code → name) and ``gi_namen``
    (GI code → name) name them where the report shows a code (the ledger keeps codes only).

    ``{"today", "summary", "routes", "steps": [...], "groups": {"regio": [...], "gemeente": [...],
    "gi": [...]}, "overdue": [...]}``: ``steps`` per route and step column (in route order,
    then the process rules) with the counts per state, ``on_time`` and
    ``median_werkdagen``; ``groups`` per region, municipality and GI with ``cases``,
    ``steps_done``, ``on_time``, ``median_werkdagen`` (per step), ``overdue_cases`` and
    ``per_step``; ``overdue`` every open overdue deadline, longest overdue first, with the
    next step of the escalation ladder; ``wachttijden`` the waiting-time monitor
    (:func:`~ijw_gateway.ledger.wachttijden.build_wachttijden`), when given.
    """
    defs = definitions or load_definitions()
    case_list = list(cases)
    info = {c.case: c for c in case_list}
    by_case: dict[str, list[Deadline]] = defaultdict(list)
    by_step: dict[tuple[str, str], list[Deadline]] = defaultdict(list)
    all_deadlines = list(deadlines)
    for d in all_deadlines:
        by_case[d.case].append(d)
        by_step[(d.route, d.step)].append(d)

    order = step_order(defs)
    known = {(route, step) for route, step, _, _ in order}
    extra = sorted(k for k in by_step if k not in known)  # definitions given elsewhere: still shown
    steps = []
    for route, step, description, term in [*order, *((r, s, "", "") for r, s in extra)]:
        steps.append({"route": route, "step": step, "description": description, "term": term,
                      **_tally(by_step.get((route, step), ()), calendar)})

    namen = gemeente_namen or {}
    groups: dict[str, list[dict[str, Any]]] = {}
    for attr, label in GROUPS:
        members: dict[str, list[Any]] = defaultdict(list)
        for c in case_list:
            members[str(getattr(c, attr) or "?")].append(c)
        rows = []
        for name in sorted(members):
            items = [d for c in members[name] for d in by_case.get(c.case, [])]
            done = [d for d in items if d.done is not None]
            days: dict[str, list[int]] = defaultdict(list)
            for d in done:
                assert d.done is not None
                days[d.step].append(calendar.working_days_between(d.start, d.done))
            grouped: dict[tuple[str, str], list[Deadline]] = defaultdict(list)
            for d in items:
                grouped[(d.route, d.step)].append(d)
            per_step = []
            for route, step, _, _ in [*order, *((r, s, "", "") for r, s in extra)]:
                if (route, step) in grouped:
                    tally = _tally(grouped[(route, step)], calendar)
                    per_step.append({"route": route, "step": step, "steps_done": tally["steps_done"],
                                     "on_time": tally["on_time"], "overdue": tally["overdue"],
                                     "median_werkdagen": tally["median_werkdagen"]})
            tally = _tally(items, calendar)
            rows.append(
                {
                    label: name,
                    **({"naam": namen.get(name)} if attr == "gemeente" else {}),
                    "cases": len(members[name]),
                    "steps_done": len(done),
                    "on_time": tally["on_time"],
                    "median_werkdagen": {step: _median(v) for step, v in sorted(days.items())},
                    "overdue_cases": len({d.case for d in items if d.state == "overdue"}),
                    "overdue": tally["overdue"],
                    "per_step": per_step,
                }
            )
        groups[attr] = rows

    overdue = []
    rules = {r.rule for r in defs.rules}  # on messages that were made: the mapping is no reason there
    for d in all_deadlines:
        if d.state != "overdue":
            continue
        case = info.get(d.case)
        overdue.append(
            {
                "case": d.case,
                "route": d.route,
                "step": d.step,
                "regio": getattr(case, "regio", None),
                "gemeente": getattr(case, "gemeente", None),
                "gemeente_naam": namen.get(getattr(case, "gemeente", None) or ""),
                "gi": getattr(case, "gi", None),
                "what": d.subject or d.description,
                "due": d.due.isoformat(),
                "werkdagen_overdue": calendar.working_days_between(d.due, today),
                "escalation": d.escalation,
                "mapping": getattr(case, "mapping", None) if d.step not in rules else None,
            }
        )
    overdue.sort(key=lambda o: (-o["werkdagen_overdue"], o["due"], o["case"], o["step"], o["what"]))

    total = _tally(all_deadlines, calendar)
    summary = {
        "cases": len(case_list),
        "deadlines": total["deadlines"],
        **{state: total[state] for state in _STATES},
        "steps_done": total["steps_done"],
        "on_time": total["on_time"],
        "overdue_cases": len({o["case"] for o in overdue}),
    }
    routes = {route_id: route.name for route_id, route in sorted(defs.routes.items())}
    opened = [local_date(c.opened_at) for c in case_list if getattr(c, "opened_at", None) is not None]
    period = {"from": min(opened).isoformat() if opened else None, "to": today.isoformat()}
    report = {"today": today.isoformat(), "period": period, "summary": summary, "routes": routes, "steps": steps,
              "groups": groups, "overdue": overdue,
              "glossary": glossary(defs, (str(c.gi) for c in case_list if getattr(c, "gi", None)), gi_namen)}
    if wachttijden is not None:
        report["wachttijden"] = wachttijden
    return report


# --------------------------------------------------------------------------- formatting
def _pct(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.0f}%"


def _num(value: float | int | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return str(int(value))


def _routes(report: dict[str, Any]) -> list[str]:
    return list(dict.fromkeys(s["route"] for s in report["steps"]))


def _period(report: dict[str, Any]) -> str:
    period = report.get("period") or {}
    start = period.get("from")
    return f"cases opened from {start} to {report['today']}" if start else "no cases"


def _medians(per_step: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(route, "step 1: 2 wd, step 3: 4.5 wd") per route, for the steps that have a median."""
    out: dict[str, list[str]] = {}
    for p in per_step:
        if isinstance(p.get("median_werkdagen"), int | float):
            out.setdefault(p["route"], []).append(f"step {p['step']}: {_num(p['median_werkdagen'])} wd")
    return [(route, ", ".join(items)) for route, items in out.items()]


def _unmapped(item: dict[str, Any]) -> str | None:
    return f"its bepaling could not be mapped to the region's contract: {item['mapping']}" if item.get("mapping") \
        else None


# --------------------------------------------------------------------------- text
def render_text(report: dict[str, Any]) -> str:
    s = report["summary"]
    lines = [
        f"ledger report on {report['today']}: {_period(report)}",
        f"{s['cases']} cases, {s['deadlines']} deadlines: {s['met']} met, {s['late']} late, {s['overdue']} overdue, "
        f"{s['open']} open; {_pct(s['on_time'])} of {s['steps_done']} steps done on time; "
        f"{s['overdue_cases']} cases with overdue deadlines",
    ]
    for route in _routes(report):
        lines.append(f"\nroute {route}, per step: on time (of done), median werkdagen, overdue, open")
        for st in (x for x in report["steps"] if x["route"] == route and x["deadlines"]):
            lines.append(
                f"  {st['step']:<6} {_pct(st['on_time']):>5} of {st['steps_done']:<5} "
                f"median {_num(st['median_werkdagen']):>4}  overdue {st['overdue']:<4} open {st['open']:<4} "
                f"({st['term']})"
            )
        empty = [x["step"] for x in report["steps"] if x["route"] == route and not x["deadlines"]]
        if empty:
            lines.append(f"  no deadlines in this period: {', '.join(empty)}")
    for attr, label in GROUPS:
        lines.append(f"\nper {label}:")
        for row in report["groups"][attr]:
            medians = "; ".join(f"route {route} {items}" for route, items in _medians(row["per_step"])) or "-"
            name = f"{row['naam']} ({row[label]})" if row.get("naam") else row[label]
            lines.append(
                f"  {name}: {row['cases']} cases, {_pct(row['on_time'])} of {row['steps_done']} steps on time, "
                f"{row['overdue_cases']} with overdue deadlines; median werkdagen: {medians}"
            )
    lines.append(f"\nopen overdue deadlines ({len(report['overdue'])}), longest overdue first:")
    for o in report["overdue"]:
        lines.append(
            f"  {o['case']} route {o['route']} step {o['step']} ({o['regio'] or '?'}, "
            f"{o['gemeente_naam'] or o['gemeente'] or '?'}, "
            f"{o['gi'] or '?'}): due {o['due']}, {o['werkdagen_overdue']} werkdagen overdue — next: {o['escalation']}"
        )
        if note := _unmapped(o):
            lines.append(f"    note: {note}")
    if not report["overdue"]:
        lines.append("  none")
    if "wachttijden" in report:
        lines += _wachttijden_text(report["wachttijden"])
    lines.append("\nabbreviations and terms:")
    lines += [f"  {term}: {meaning}" for term, meaning in report.get("glossary", {}).items()]
    return "\n".join(lines) + "\n"


_WACHT_GROUPS = (("regio", "regio", "jeugdhulpregio"), ("gemeente", "gemeente", "gemeente"),
                 ("gi", "gecertificeerde_instelling", "gecertificeerde instelling (GI)"),
                 ("zorgvorm", "zorgvorm", "zorgvorm (tussentaal)"))
_WAITS = (("bepaling_toewijzing", "bepaling → toewijzing (JW301)"), ("toewijzing_start", "toewijzing → start (JW305)"))


def _wait_text(m: dict[str, Any]) -> str:
    return (f"n {m['aantal']}, median {_num(m['mediaan_werkdagen'])} wd, {_pct(m['binnen_termijn'])} within the term")


def _wachttijden_text(w: dict[str, Any]) -> list[str]:
    terms = w["termijnen"]
    lines = ["\nwaiting times (werkdagen) per toewijzing:"]
    for route, chains in terms["bepaling_toewijzing"].items():
        lines.append(f"  term bepaling → toewijzing, route {route}: {' or '.join(chains) or 'none'}")
    lines.append(f"  term toewijzing → start: {terms['toewijzing_start']}; zorg niet gestart after "
                 f"{w['weken_niet_gestart']} weken")
    t = w["totaal"]
    lines.append(f"  all: toewijzingen {t['toewijzingen']}; bepaling → toewijzing "
                 f"{_wait_text(t['bepaling_toewijzing'])}; toewijzing → start {_wait_text(t['toewijzing_start'])}; "
                 f"zorg niet gestart {t['niet_gestart']}")
    for attr, label, title in _WACHT_GROUPS:
        lines.append(f"  per {title}:")
        for row in w["groups"][attr]:
            lines.append(f"    {row[label]}: toewijzingen {row['toewijzingen']}; bepaling → toewijzing "
                         f"{_wait_text(row['bepaling_toewijzing'])}; toewijzing → start "
                         f"{_wait_text(row['toewijzing_start'])}; zorg niet gestart {row['niet_gestart']}")
    lines.append(f"  zorg niet gestart ({len(w['niet_gestart'])}), longest waiting first:")
    for n in w["niet_gestart"]:
        lines.append(f"    {n['case']} toewijzing {n['toewijzing']} ({n['regio']}, {n['gemeente']}, {n['gi']}, "
                     f"{n['zorgvorm']}): in effect since {n['sinds']}, {n['werkdagen']} werkdagen without a start")
    if not w["niet_gestart"]:
        lines.append("    none")
    return lines


# --------------------------------------------------------------------------- HTML
def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _attr(value: Any) -> str:
    """A ``data-value``: the JSON number as written by json.dumps (``null`` for None)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return _e(value)


def _level(share: float | None) -> str:
    if share is None:
        return "none"
    return "good" if share >= 0.9 else "fair" if share >= 0.7 else "poor"


_CSS = """
:root{--bg:#f6f7f9;--card:#fff;--ink:#1b1f24;--muted:#5b6470;--line:#d9dde3;--good:#1d7a46;--fair:#b36b00;
--poor:#b42318;--none:#9aa3ad;--track:#e8ebef;--accent:#1f4e8c}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
background:var(--bg);color:var(--ink)}
header{background:var(--accent);color:#fff;padding:18px 28px}
header h1{margin:0;font-size:24px}
header p{margin:4px 0 0;opacity:.9}
main{padding:20px 28px 40px;max-width:1500px}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:16px 20px;margin:0 0 20px}
h2{font-size:19px;margin:0 0 10px}
h3{font-size:16px;margin:14px 0 6px}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:12px;margin:0 0 20px;padding:0;
list-style:none}
.kpi{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 16px}
.kpi .value{display:block;font-size:32px;font-weight:700;font-variant-numeric:tabular-nums}
.kpi .label{color:var(--muted)}
.kpi.alert .value{color:var(--poor)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:16px}
figure{margin:0}
figcaption{color:var(--muted);font-size:13px;margin-top:4px}
svg text{font-family:inherit;fill:var(--ink)}
svg .muted{fill:var(--muted)}
svg .track{fill:var(--track)}
svg .good{fill:var(--good)} svg .fair{fill:var(--fair)} svg .poor{fill:var(--poor)} svg .none{fill:var(--none)}
svg .od{fill:var(--poor);font-weight:600}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums;margin:6px 0 4px}
caption{text-align:left;color:var(--muted);font-size:13px;padding:2px 0 6px}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:#eef1f5;font-weight:600}
td.n,th.n{text-align:right}
.nw{white-space:nowrap}
.matrix td.cell{text-align:center;font-size:13px;min-width:44px}
.cell.good{background:#d8f0e1}.cell.fair{background:#fbe7c6}.cell.poor{background:#f8d3cf}.cell.none{color:var(--muted)}
.od-badge{color:var(--poor);font-weight:600}
details summary{cursor:pointer;color:var(--accent);margin:6px 0}
.scroll{overflow-x:auto}
.legend{color:var(--muted);font-size:13px}
.legend b.good{color:var(--good)}.legend b.fair{color:var(--fair)}.legend b.poor{color:var(--poor)}
.legend .swatch{display:inline-block;width:12px;height:12px;border-radius:2px;vertical-align:-1px;margin:0 3px 0 8px;
border:1px solid var(--line)}
.swatch.good{background:#d8f0e1}.swatch.fair{background:#fbe7c6}.swatch.poor{background:#f8d3cf}
.swatch.none{background:#fff}
.folded{color:var(--muted);font-size:13px;margin:4px 0 0}
.note{margin:4px 0 0;color:var(--poor);font-weight:600}
.why{color:var(--muted);font-size:13px}
.why summary{margin:2px 0}
dl.glossary{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}
dl.glossary dt{font-weight:700}
dl.glossary dd{margin:0}
footer{color:var(--muted);font-size:13px;padding:0 28px 24px}
@media print{body{background:#fff}section,.kpi{break-inside:avoid}}
"""


def _bar_chart(
    chart_id: str, title: str, desc: str, rows: Sequence[tuple[str, str, dict[str, Any], dict[str, str]]]
) -> str:
    """A horizontal bar chart of on-time shares: (label, sublabel, values, data attributes) per row."""
    label_w, bar_w, right_w, row_h, top = 215, 250, 290, 28, 26
    width = label_w + bar_w + right_w
    height = top + row_h * len(rows) + 8
    out = [
        f'<svg id="{_e(chart_id)}" class="chart" role="img" aria-labelledby="{_e(chart_id)}-t {_e(chart_id)}-d" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{_e(chart_id)}-t">{_e(title)}</title><desc id="{_e(chart_id)}-d">{_e(desc)}</desc>',
    ]
    for frac, tick in ((0.0, "0%"), (0.5, "50%"), (0.9, "90%"), (1.0, "100%")):
        x = label_w + frac * bar_w
        out.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 4}" stroke="#c5cbd3" '
                   f'stroke-dasharray="{"2 3" if frac not in (0.0, 1.0) else "none"}"/>')
        if tick != "90%":
            out.append(f'<text x="{x:.1f}" y="{top - 10}" font-size="11" text-anchor="middle" class="muted">'
                       f"{tick}</text>")
    for i, (label, sub, values, data) in enumerate(rows):
        y = top + i * row_h
        share = values.get("on_time")
        median = values.get("median_werkdagen")
        attrs = " ".join(f'data-{_e(k)}="{_e(v)}"' for k, v in data.items())
        text = (f"{label}: {_pct(share)} on time of {values['steps_done']} done, {values.get('overdue', 0)} overdue"
                + (f", median {_num(median)} werkdagen" if not isinstance(median, dict | None) else ""))
        out.append(f'<g class="bar" {attrs} data-on-time="{_attr(share)}" data-steps-done="{values["steps_done"]}" '
                   f'data-overdue="{values.get("overdue", 0)}"><title>{_e(text)}</title>')
        fits = sub and len(label) + len(sub) <= 30
        out.append(f'<text x="0" y="{y + 18}" font-size="13">{_e(label)}'
                   + (f' <tspan class="muted" font-size="11">{_e(sub)}</tspan>' if fits else "") + "</text>")
        out.append(f'<rect class="track" x="{label_w}" y="{y + 6}" width="{bar_w}" height="16" rx="3"/>')
        if share is not None:
            out.append(f'<rect class="{_level(share)}" x="{label_w}" y="{y + 6}" width="{share * bar_w:.1f}" '
                       f'height="16" rx="3"/>')
        detail = f"{_pct(share)}" + (f" of {values['steps_done']}" if share is not None else " (none done)")
        if isinstance(median, int | float) and not isinstance(median, bool):
            detail += f" · median {_num(median)} wd"
        out.append(f'<text x="{label_w + bar_w + 8}" y="{y + 18}" font-size="13">{_e(detail)}</text>')
        if values.get("overdue"):
            out.append(f'<text x="{width - 4}" y="{y + 18}" font-size="13" text-anchor="end" class="od">'
                       f'{values["overdue"]} overdue</text>')
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def _kpis(report: dict[str, Any]) -> str:
    s = report["summary"]
    items = [
        ("cases", "cases", _num(s["cases"]), s["cases"], False),
        ("on_time", "of done steps on time", _pct(s["on_time"]), s["on_time"], False),
        ("steps_done", "steps done", _num(s["steps_done"]), s["steps_done"], False),
        ("overdue", "deadlines overdue", _num(s["overdue"]), s["overdue"], s["overdue"] > 0),
        ("overdue_cases", "cases with an overdue deadline", _num(s["overdue_cases"]), s["overdue_cases"],
         s["overdue_cases"] > 0),
        ("open", "deadlines open, not yet due", _num(s["open"]), s["open"], False),
    ]
    out = ['<ul class="kpis" aria-label="Summary">']
    for key, label, shown, value, alert in items:
        out.append(f'<li class="kpi{" alert" if alert else ""}"><span class="value" id="kpi-{key}" '
                   f'data-key="{key}" data-value="{_attr(value)}">{_e(shown)}</span>'
                   f'<span class="label">{_e(label)}</span></li>')
    out.append("</ul>")
    return "".join(out)


def _td(value: Any, shown: str, key: str, numeric: bool = True, extra: str = "") -> str:
    cls = ' class="n"' if numeric else ""
    return f'<td{cls} data-key="{_e(key)}" data-value="{_attr(value)}"{extra}>{_e(shown)}</td>'


_LEGEND = ('<p class="legend">Bars: share of the <em>done</em> steps that were done by their due date '
           '(<b class="good">≥ 90%</b>, <b class="fair">70–89%</b>, <b class="poor">&lt; 70%</b>; the dashed line '
           'is 90%), with the median number of werkdagen (<abbr title="werkdagen">wd</abbr>) from start to done; '
           'open steps past their due date are counted as <span class="od-badge">overdue</span> beside it. Steps '
           'without any deadline in the period are named below their chart. The tables below hold the same '
           'numbers; the abbreviations are explained at the end of the page.</p>')


def _without_deadlines(steps: list[dict[str, Any]]) -> str:
    empty = [s["step"] for s in steps if not s["deadlines"]]
    if not empty:
        return ""
    return (f'<p class="folded" data-key="no_deadlines">No deadlines in this period: '
            f"{_e(', '.join(empty))}.</p>")


def _charts_section(report: dict[str, Any]) -> str:
    out = ['<section id="charts" aria-labelledby="charts-h"><h2 id="charts-h">On time per route step, region and '
           "GI</h2>", _LEGEND, '<div class="charts">']
    for route in _routes(report):
        steps = [s for s in report["steps"] if s["route"] == route]
        rows = [(f"step {s['step']}", s["term"], s, {"route": route, "step": s["step"]}) for s in steps
                if s["deadlines"]]
        chart = _bar_chart(f"chart-steps-{route}", f"Route {route}: share of steps on time",
                           f"On-time share per step of route {route}; the table 'Route {route} per step' has the "
                           "same numbers.", rows)
        name = report.get("routes", {}).get(route, "")
        out.append(f"<figure><h3>Route {_e(route)}{' — ' + _e(name) if name else ''}</h3>{chart}<figcaption>"
                   "The steps of the aanmeldroute, then the iJw process rules.</figcaption>"
                   f"{_without_deadlines(steps)}</figure>")
    for attr, label in (("regio", "regio"), ("gi", "gecertificeerde_instelling")):
        rows = report["groups"][attr]
        if not rows:
            continue
        title = _GROUP_TITLES[attr]
        bars = [(str(r[label]), f"{r['cases']} cases", r, {"group": attr, "name": str(r[label])}) for r in rows]
        chart = _bar_chart(f"chart-{attr}", f"Share of steps on time per {title}",
                           f"On-time share of the done steps per {title}; the table 'Per {title}' has the same "
                           "numbers.", bars)
        out.append(f"<figure><h3>Per {_e(title)}</h3>{chart}<figcaption>All steps and rules together."
                   "</figcaption></figure>")
    out.append("</div></section>")
    return "".join(out)


_STEP_HEAD = ('<thead><tr><th scope="col">step</th><th scope="col">term</th><th scope="col" class="n">met</th>'
              '<th scope="col" class="n">late</th><th scope="col" class="n">overdue</th>'
              '<th scope="col" class="n">open</th><th scope="col" class="n">on time</th>'
              '<th scope="col" class="n">median werkdagen</th><th scope="col">what</th></tr></thead><tbody>')


def _step_row(route: str, s: dict[str, Any]) -> str:
    return (
        f'<tr data-route="{_e(route)}" data-step="{_e(s["step"])}"><th scope="row">{_e(s["step"])}</th>'
        f"<td>{_e(s['term'])}</td>"
        + _td(s["met"], _num(s["met"]), "met")
        + _td(s["late"], _num(s["late"]), "late")
        + _td(s["overdue"], _num(s["overdue"]), "overdue")
        + _td(s["open"], _num(s["open"]), "open")
        + _td(s["on_time"], _pct(s["on_time"]), "on_time")
        + _td(s["median_werkdagen"], _num(s["median_werkdagen"]), "median_werkdagen")
        + f"<td>{_e(s['description'])}</td></tr>"
    )


def _steps_tables(report: dict[str, Any]) -> str:
    out = ['<section id="steps" aria-labelledby="steps-h"><h2 id="steps-h">Per route step</h2>']
    for route in _routes(report):
        steps = [x for x in report["steps"] if x["route"] == route]
        out.append(f'<div class="scroll"><table id="table-steps-{_e(route)}"><caption>Route {_e(route)} per step: '
                   "deadlines by state, share on time and median werkdagen from start to done</caption>" + _STEP_HEAD)
        out += [_step_row(route, s) for s in steps if s["deadlines"]]
        out.append("</tbody></table></div>")
        empty = [s for s in steps if not s["deadlines"]]
        if empty:  # all zero: folded away, still here with their numbers
            out.append(f'<details><summary>Route {_e(route)}: {len(empty)} step{"s" if len(empty) != 1 else ""} '
                       f"without deadlines in this period ({_e(', '.join(s['step'] for s in empty))})</summary>"
                       f'<div class="scroll"><table id="table-steps-{_e(route)}-none"><caption>Route {_e(route)}: '
                       "steps without deadlines in this period</caption>" + _STEP_HEAD)
            out += [_step_row(route, s) for s in empty]
            out.append("</tbody></table></div></details>")
    out.append("</section>")
    return "".join(out)


def _group_section(report: dict[str, Any], attr: str, label: str) -> str:
    title = _GROUP_TITLES[attr]
    rows = report["groups"][attr]
    out = [f'<section id="group-{attr}" aria-labelledby="group-{attr}-h"><h2 id="group-{attr}-h">Per {_e(title)}</h2>']
    out.append(f'<div class="scroll"><table id="table-{attr}"><caption>Cases, steps done, share on time and '
               f"cases with an overdue deadline per {_e(title)}; the median werkdagen per step are in the table "
               "below it</caption>"
               f'<thead><tr><th scope="col">{_e(title)}</th><th scope="col" class="n">cases</th>'
               '<th scope="col" class="n">steps done</th><th scope="col" class="n">on time</th>'
               '<th scope="col" class="n">overdue deadlines</th><th scope="col" class="n">overdue cases</th>'
               "</tr></thead><tbody>")
    for r in rows:
        shown = f"{r['naam']} ({r[label]})" if r.get("naam") else str(r[label])
        out.append(
            f'<tr data-group="{attr}" data-name="{_e(r[label])}"><th scope="row">{_e(shown)}</th>'
            + _td(r["cases"], _num(r["cases"]), "cases")
            + _td(r["steps_done"], _num(r["steps_done"]), "steps_done")
            + _td(r["on_time"], _pct(r["on_time"]), "on_time")
            + _td(r["overdue"], _num(r["overdue"]), "overdue")
            + _td(r["overdue_cases"], _num(r["overdue_cases"]), "overdue_cases")
            + "</tr>"
        )
    out.append("</tbody></table></div>")
    if rows:
        out.append(_matrix(report, attr, label, title))
        out.append(_median_matrix(report, attr, label, title))
    out.append("</section>")
    return "".join(out)


def _grid(report: dict[str, Any], attr: str, label: str, table_id: str, summary: str, caption: str,
          columns: list[tuple[str, str]], cell: Callable[[str, str, dict[str, Any]], str], after: str = "") -> str:
    """A collapsible group × route step table; ``cell`` renders the ``<td>`` of a step the group has."""
    if not columns:
        return ""
    out = [f'<details{" open" if attr == "regio" else ""}><summary>{_e(summary)}</summary><div class="scroll">'
           f'<table class="matrix" id="{table_id}"><caption>{_e(caption)}</caption><thead><tr>'
           f'<th scope="col">{_e(_GROUP_TITLES[attr])}</th>']
    out += [f'<th scope="col" class="n">{_e(route)}<br>{_e(step)}</th>' for route, step in columns]
    out.append("</tr></thead><tbody>")
    for r in report["groups"][attr]:
        cells = {(p["route"], p["step"]): p for p in r["per_step"]}
        shown = f"{r['naam']} ({r[label]})" if r.get("naam") else str(r[label])
        out.append(f'<tr data-group="{attr}" data-name="{_e(r[label])}"><th scope="row">{_e(shown)}</th>')
        for route, step in columns:
            p = cells.get((route, step))
            out.append('<td class="cell none">·</td>' if p is None else cell(route, step, p))
        out.append("</tr>")
    out.append(f"</tbody></table></div>{after}</details>")
    return "".join(out)


def _matrix(report: dict[str, Any], attr: str, label: str, title: str) -> str:
    """Per group × step: the on-time share (coloured, with its text) and overdue count, with its legend."""

    def cell(route: str, step: str, p: dict[str, Any]) -> str:
        od = f' <span class="od-badge">{p["overdue"]}</span>' if p["overdue"] else ""
        tip = f"{route} step {step}: {_pct(p['on_time'])} of {p['steps_done']} on time, {p['overdue']} overdue"
        return (f'<td class="cell {_level(p["on_time"])}" data-route="{_e(route)}" data-step="{_e(step)}" '
                f'data-key="on_time" data-value="{_attr(p["on_time"])}" data-overdue="{p["overdue"]}" '
                f'title="{_e(tip)}">{_e(_pct(p["on_time"]))}{od}</td>')

    legend = (f'<p class="legend" id="matrix-{attr}-legend">Each cell: the share of the done steps that were on '
              'time — <span class="swatch good"></span>90% or more <span class="swatch fair"></span>70–89% '
              '<span class="swatch poor"></span>less than 70% <span class="swatch none"></span>none done yet (–); '
              "a red number is the count of overdue deadlines; · means no deadline of that step. The column heads "
              "are the route and the step.</p>")
    return _grid(report, attr, label, f"matrix-{attr}", f"On time per step and {title}",
                 f"Share of done steps on time per {title} and route step; a red number is the count of overdue "
                 "deadlines", [(s["route"], s["step"]) for s in report["steps"] if s["deadlines"]], cell, legend)


def _median_matrix(report: dict[str, Any], attr: str, label: str, title: str) -> str:
    """Per group × step: the median werkdagen from start to done (readable as a grid, not a list)."""

    def cell(route: str, step: str, p: dict[str, Any]) -> str:
        median = p.get("median_werkdagen")
        return (f'<td class="cell" data-route="{_e(route)}" data-step="{_e(step)}" data-key="median_werkdagen" '
                f'data-value="{_attr(median)}" title="{_e(f"{route} step {step}: median {_num(median)} werkdagen")}">'
                f"{_e(_num(median))}</td>")

    return _grid(report, attr, label, f"medians-{attr}", f"Median werkdagen per step and {title}",
                 f"Median number of werkdagen from the start of a step to its completion, per {title} and route "
                 "step; – none done, · no deadline",
                 [(s["route"], s["step"]) for s in report["steps"] if s["steps_done"]], cell)


def _overdue_section(report: dict[str, Any]) -> str:
    items = report["overdue"]
    out = ['<section id="overdue" aria-labelledby="overdue-h">'
           f'<h2 id="overdue-h">Open overdue deadlines <span class="od-badge" data-key="overdue_count" '
           f'data-value="{len(items)}">{len(items)}</span></h2>']
    if not items:
        out.append("<p>No deadline is overdue.</p></section>")
        return "".join(out)
    out.append('<div class="scroll"><table id="table-overdue"><caption>Longest overdue first, with the next step of '
               "the escalation ladder</caption><thead><tr>"
               '<th scope="col">case</th><th scope="col">regio</th><th scope="col">gemeente</th>'
               '<th scope="col">GI</th><th scope="col">route</th><th scope="col">step</th><th scope="col">due</th>'
               '<th scope="col" class="n">werkdagen overdue</th><th scope="col">next step of the escalation ladder</th>'
               "</tr></thead><tbody>")
    for o in items:
        out.append(
            f'<tr data-case="{_e(o["case"])}" data-route="{_e(o["route"])}" data-step="{_e(o["step"])}">'
            f'<th scope="row" class="nw">{_e(o["case"])}</th><td>{_e(o["regio"] or "?")}</td>'
            f'<td>{_e(o["gemeente_naam"] or o["gemeente"] or "?")}</td>'
            f"<td>{_e(o['gi'] or '?')}</td><td>{_e(o['route'])}</td>"
            f'<td title="{_e(o["what"])}">{_e(o["step"])}</td>'
            f'<td class="nw" data-key="due" data-value="{_e(o["due"])}">'
            f'<time datetime="{_e(o["due"])}">{_e(o["due"])}</time></td>'
            + _td(o["werkdagen_overdue"], _num(o["werkdagen_overdue"]), "werkdagen_overdue")
            + f"<td>{_e(o['escalation'])}"
            + (f'<p class="note" data-key="mapping">Its bepaling could not be mapped to the region\'s contract: no '
               f'JW301 or JW315 could be made.</p><details class="why"><summary>why</summary>{_e(o["mapping"])}'
               "</details>" if o.get("mapping") else "")
            + "</td></tr>"
        )
    out.append("</tbody></table></div></section>")
    return "".join(out)


def _wait_cells(m: dict[str, Any], wait: str) -> str:
    return (_td(m["aantal"], _num(m["aantal"]), f"{wait}.aantal")
            + _td(m["mediaan_werkdagen"], _num(m["mediaan_werkdagen"]), f"{wait}.mediaan_werkdagen")
            + _td(m["binnen_termijn"], _pct(m["binnen_termijn"]), f"{wait}.binnen_termijn"))


def _wachttijden_section(w: dict[str, Any]) -> str:
    terms = w["termijnen"]
    chains = "".join(f"<li>route {_e(route)}: {_e(' or '.join(found) or 'none')}</li>"
                     for route, found in terms["bepaling_toewijzing"].items())
    out = ['<section id="wachttijden" aria-labelledby="wachttijden-h"><h2 id="wachttijden-h">Waiting times</h2>'
           "<p>Per toewijzing, in werkdagen: from the bepaling (the case opened) to the toewijzing (its first JW301), "
           "and from the toewijzing (its JW301, or its Ingangsdatum when later) to the start of care (the Begindatum "
           f"of its JW305). Within the term: the JW301 by the route's terms, each step taking its full term:</p>"
           f'<ul>{chains}</ul><p>and care started within <span data-key="weken_niet_gestart" '
           f'data-value="{_attr(w["weken_niet_gestart"])}">{_e(terms["toewijzing_start"])}</span>; a toewijzing '

           "without a start after that (not stopped, its case not closed) is listed as <em>zorg niet gestart</em>."
           "</p>"]
    head = ('<thead><tr><th scope="col" rowspan="2">{title}</th><th scope="col" class="n" rowspan="2">toewijzingen'
            "</th>" + "".join(f'<th scope="colgroup" colspan="3">{_e(label)}</th>' for _, label in _WAITS)
            + '<th scope="col" class="n" rowspan="2">zorg niet gestart</th></tr><tr>'
            + '<th scope="col" class="n">n</th><th scope="col" class="n">median wd</th>'
              '<th scope="col" class="n">within term</th>' * len(_WAITS) + "</tr></thead><tbody>")

    def row(name: str, shown: str, m: dict[str, Any], attr: str) -> str:
        return (f'<tr data-group="{_e(attr)}" data-name="{_e(name)}"><th scope="row">{_e(shown)}</th>'
                + _td(m["toewijzingen"], _num(m["toewijzingen"]), "toewijzingen")
                + "".join(_wait_cells(m[wait], wait) for wait, _ in _WAITS)
                + _td(m["niet_gestart"], _num(m["niet_gestart"]), "niet_gestart") + "</tr>")

    out.append('<div class="scroll"><table id="table-wachttijden-totaal"><caption>All toewijzingen</caption>'
               + head.format(title="") + row("totaal", "all", w["totaal"], "totaal") + "</tbody></table></div>")
    for attr, label, title in _WACHT_GROUPS:
        out.append(f'<h3>Per {_e(title)}</h3><div class="scroll"><table id="table-wachttijden-{attr}"><caption>'
                   f"Waiting times per {_e(title)}</caption>" + head.format(title=_e(title)))
        out += [row(str(r[label]), str(r[label]), r, attr) for r in w["groups"][attr]]
        out.append("</tbody></table></div>")
    items = w["niet_gestart"]
    out.append(f'<h3>Zorg niet gestart <span class="od-badge" data-key="niet_gestart_count" '
               f'data-value="{len(items)}">{len(items)}</span></h3>')
    if items:
        out.append('<div class="scroll"><table id="table-niet-gestart"><caption>Toewijzingen without a start, longest '
                   'waiting first</caption><thead><tr><th scope="col">case</th><th scope="col">toewijzing</th>'
                   '<th scope="col">regio</th><th scope="col">gemeente</th><th scope="col">GI</th>'
                   '<th scope="col">zorgvorm</th><th scope="col">in effect since</th>'
                   '<th scope="col" class="n">werkdagen without a start</th></tr></thead><tbody>')
        for n in items:
            out.append(f'<tr data-case="{_e(n["case"])}" data-toewijzing="{_e(n["toewijzing"])}">'
                       f'<th scope="row" class="nw">{_e(n["case"])}</th><td>{_e(n["toewijzing"])}</td>'
                       f"<td>{_e(n['regio'])}</td><td>{_e(n['gemeente'])}</td><td>{_e(n['gi'])}</td>"
                       f"<td>{_e(n['zorgvorm'])}</td>"
                       f'<td class="nw" data-key="sinds" data-value="{_e(n["sinds"])}"><time datetime="'
                       f'{_e(n["sinds"])}">{_e(n["sinds"])}</time></td>'
                       + _td(n["werkdagen"], _num(n["werkdagen"]), "werkdagen") + "</tr>")
        out.append("</tbody></table></div>")
    else:
        out.append("<p>Every toewijzing started in time, or is still within its term.</p>")
    out.append("</section>")
    return "".join(out)


def _header_period(report: dict[str, Any]) -> str:
    start = (report.get("period") or {}).get("from")
    if not start:
        return "ledger (no cases yet)"
    return (f'cases opened from <time id="report-from" datetime="{_e(start)}">{_e(start)}</time> '
            f"to {_e(report['today'])}")


def _glossary_section(report: dict[str, Any]) -> str:
    items = "".join(f'<dt id="term-{_e(term)}">{_e(term)}</dt><dd>{_e(meaning)}</dd>'
                    for term, meaning in report.get("glossary", {}).items())
    return ('<section id="glossary-section" aria-labelledby="glossary-h"><h2 id="glossary-h">Abbreviations and '
            f'terms</h2><dl class="glossary" id="glossary">{items}</dl></section>')


CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
"""The page's Content-Security-Policy: no script, no network; inline CSS and data: images only (also the
header of ``/monitor``)."""


def render_html(report: dict[str, Any]) -> str:
    """The report as one self-contained HTML page (inline CSS and SVG, no script, no network)."""
    today = _e(report["today"])
    parts = [
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f"<title>iJw ledger report {today}</title><style>{_CSS}</style></head><body>",
        f'<header><h1>Aanmeldroutes jeugdhulp — monitor</h1><p>Deadlines of the 301 and 315 routes and the iJw '
        f"process rules of the {_header_period(report)}, judged on "
        f'<time id="report-today" datetime="{today}">{today}</time> '
        "(working days per the Algemene termijnenwet)</p></header><main>",
        _kpis(report),
        _charts_section(report),
        _overdue_section(report),
        _steps_tables(report),
        _group_section(report, "regio", "regio"),
        _group_section(report, "gi", "gecertificeerde_instelling"),
        _group_section(report, "gemeente", "gemeente"),
        _wachttijden_section(report["wachttijden"]) if "wachttijden" in report else "",
        _glossary_section(report),
        "</main><footer>On time = share of the done steps that were done by their due date. Median = working "
        "days from the start of a step to its completion. Cases by their kenmerk only; the ledger keeps no names "
        "or BSNs. Generated by ijw ledger report.</footer></body></html>\n",
    ]
    return "".join(parts)
