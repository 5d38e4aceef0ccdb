"""``ijw ledger report``: per region, municipality and GI — cases, share of steps on time,
median working days per step, cases with an open overdue deadline."""

from __future__ import annotations

import html
import statistics
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from ijw_gateway.ledger.calendar import WorkingDayCalendar
from ijw_gateway.ledger.deadlines import Deadline

__all__ = ["build_report", "render_html", "render_text"]

GROUPS = (("regio", "regio"), ("gemeente", "gemeente"), ("gi", "gecertificeerde_instelling"))


def build_report(
    cases: Iterable[Any], deadlines: Iterable[Deadline], *, today: date, calendar: WorkingDayCalendar
) -> dict[str, Any]:
    """The report as a JSON-ready mapping: ``{"today", "groups": {"regio": [...], "gemeente": [...], "gi": [...]}}``."""
    by_case: dict[str, list[Deadline]] = defaultdict(list)
    for d in deadlines:
        by_case[d.case].append(d)
    case_list = list(cases)
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
            rows.append(
                {
                    label: name,
                    "cases": len(members[name]),
                    "steps_done": len(done),
                    "on_time": round(sum(d.state == "met" for d in done) / len(done), 3) if done else None,
                    "median_werkdagen": {step: statistics.median(v) for step, v in sorted(days.items())},
                    "overdue_cases": len({d.case for d in items if d.state == "overdue"}),
                }
            )
        groups[attr] = rows
    return {"today": today.isoformat(), "groups": groups}


def render_text(report: dict[str, Any]) -> str:
    lines = [f"ledger report on {report['today']}"]
    for attr, label in GROUPS:
        lines.append(f"\nper {label}:")
        for row in report["groups"][attr]:
            share = "-" if row["on_time"] is None else f"{row['on_time']:.0%}"
            medians = ", ".join(f"{s}: {v}" for s, v in row["median_werkdagen"].items()) or "-"
            lines.append(
                f"  {row[label]}: {row['cases']} cases, {share} of {row['steps_done']} steps on time, "
                f"{row['overdue_cases']} with overdue deadlines; median werkdagen per step {medians}"
            )
    return "\n".join(lines) + "\n"


def render_html(report: dict[str, Any]) -> str:
    parts = [
        "<!doctype html><html lang='en'><meta charset='utf-8'><title>ijw ledger report</title>",
        f"<h1>Ledger report on {html.escape(report['today'])}</h1>",
    ]
    for attr, label in GROUPS:
        parts.append(f"<h2>Per {html.escape(label)}</h2><table border='1'><tr><th>{html.escape(label)}</th>"
                     "<th>cases</th><th>steps done</th><th>on time</th><th>overdue cases</th>"
                     "<th>median werkdagen per step</th></tr>")
        for row in report["groups"][attr]:
            share = "-" if row["on_time"] is None else f"{row['on_time']:.0%}"
            medians = ", ".join(f"{s}: {v}" for s, v in row["median_werkdagen"].items()) or "-"
            cells = (row[label], row["cases"], row["steps_done"], share, row["overdue_cases"], medians)
            parts.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
        parts.append("</table>")
    parts.append("</html>\n")
    return "".join(parts)
