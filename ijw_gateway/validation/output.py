"""Report writers for ``ijw validate``: text for people, JSON and JUnit XML for machines.

Reports are added one at a time; JSON and JUnit spool them to a temporary file so
that the summary can come first without holding the batch in memory. Every format
passes each finding through :func:`without_personal_values` first.
"""

import json
import re
import tempfile
from collections import Counter
from collections.abc import Iterable
from typing import IO, Literal

from ijw_gateway.validation.findings import LEVELS, Finding, MessageReport
from ijw_gateway.words import plural

OutputFormat = Literal["text", "json", "junit"]


class Summary:
    def __init__(self) -> None:
        self.files = 0
        self.valid = 0
        self.invalid = 0
        self.levels: Counter[tuple[tuple[int, str], ...]] = Counter()
        """How many messages had each set of unjudged control levels (usually one set for the whole batch)."""

    def add(self, report: MessageReport) -> None:
        self.files += 1
        if report.valid:
            self.valid += 1
        else:
            self.invalid += 1
        self.levels[tuple(sorted(report.not_judged.items()))] += 1

    def levels_line(self) -> str | None:
        """What the batch's verdicts judged, for the messages that got furthest (the text report's last line)."""
        if not self.levels:
            return None
        furthest = min(self.levels, key=len)
        count = self.levels[furthest]
        return f"{plural(count, 'message')} judged on {describe_levels(dict(furthest))}"

    def as_json(self) -> dict[str, int]:
        return {"files": self.files, "valid": self.valid, "invalid": self.invalid}


def describe_levels(not_judged: dict[int, str]) -> str:
    """``controleniveau 1, 2 and 4; not 3 (cross-message rules need …)``."""
    judged = [str(n) for n in LEVELS if n not in not_judged]
    text = "controleniveau " + (", ".join(judged[:-1]) + " and " + judged[-1] if len(judged) > 1 else
                                judged[0]) if judged else "no controleniveau"
    reasons: dict[str, list[str]] = {}
    for number, why in sorted(not_judged.items()):
        reasons.setdefault(why, []).append(str(number))
    for why, numbers in reasons.items():
        text += f"; not {', '.join(numbers)} ({why})"
    return text


def verdict(report: MessageReport) -> str:
    """``JW301 is invalid``, ``JW315 is valid, with warnings``, or why the type could not be told."""
    if report.bericht is None:
        return "invalid; it could not be read as an iJw message" if not report.valid else "valid"
    if not report.valid:
        return f"{report.bericht} is invalid"
    return f"{report.bericht} is valid, with warnings" if report.findings else f"{report.bericht} is valid"


_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"")


def first_error(findings: Iterable[Finding]) -> Finding | None:
    """The first error of ``findings``, as an error sentence may quote it (:func:`without_personal_values`)."""
    first = next((f for f in findings if f.severity == "error"), None)
    return None if first is None else without_personal_values(first)


def not_valid_sentence(findings: Iterable[Finding]) -> str:
    """"not a valid iJw message at PATH: WHY", the one sentence for a message that cannot be read as one."""
    first = first_error(findings)
    if first is None:
        return "not a valid iJw message: unreadable"
    where = f" at {first.path}" if first.path else ""
    return f"not a valid iJw message{where}: {first.message}"


def without_personal_values(finding: Finding) -> Finding:
    """The finding with every quoted value removed when it is about a personal element.

    A net behind the messages, which name the element and the expected form, never the value of
    a BSN, name, address, postcode or birth date: whatever a rule writes, no quoted value of such
    an element reaches a report, a CI log or a terminal.
    """
    from ijw_gateway.messages.personal import personal_kind_at  # the layout: only for a report with findings

    if personal_kind_at(finding.path) is None or not _QUOTED.search(finding.message):
        return finding
    return finding.model_copy(update={"message": _QUOTED.sub("(not shown)", finding.message)})


def _private(report: MessageReport) -> MessageReport:
    if not report.findings:
        return report
    findings = [without_personal_values(f) for f in report.findings]
    if all(new is old for new, old in zip(findings, report.findings, strict=True)):
        return report
    return report.model_copy(update={"findings": findings})


def json_entry(report: MessageReport) -> dict[str, object]:
    """One entry of ``results`` in ``ijw validate --format json`` (personal values removed), also ``/v1/validate``'s."""
    return _private(report).as_json()


def describe_finding(finding: Finding) -> str:
    finding = without_personal_values(finding)
    where = finding.path or ""
    if finding.line:
        where = f"{where} (line {finding.line})" if where else f"line {finding.line}"
    prefix = f"{finding.severity}: {finding.rule} [{finding.retourcode}]"
    return f"{prefix} {where}: {finding.message}" if where else f"{prefix} {finding.message}"


class ReportWriter:
    """Collects reports and writes them in one format to ``stream`` on :meth:`finish`."""

    def __init__(self, stream: IO[str], output_format: OutputFormat) -> None:
        self.stream = stream
        self.format = output_format
        self.summary = Summary()
        self._spool: IO[str] | None = None
        if output_format != "text":
            self._spool = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed in finish()

    def add(self, report: MessageReport) -> None:
        report = _private(report)
        self.summary.add(report)
        if self.format == "text":
            self._text(report)
        elif self.format == "json":
            assert self._spool is not None
            if self.summary.files > 1:
                self._spool.write(",\n")
            self._spool.write("    " + json.dumps(report.as_json(), ensure_ascii=False))  # report is _private
        else:
            assert self._spool is not None
            self._spool.write(self._testcase(report))

    def _text(self, report: MessageReport) -> None:
        if not report.findings:
            return
        self.stream.write(f"{report.file}: {verdict(report)}\n")
        for finding in report.findings:
            self.stream.write(f"  {describe_finding(finding)}\n")

    @staticmethod
    def _testcase(report: MessageReport) -> str:
        # Imported here: xml.sax.saxutils pulls in urllib.request and ssl (8 ms) for a JUnit-only need.
        from xml.sax.saxutils import escape, quoteattr

        name = quoteattr(report.file or "<message>")
        classname = quoteattr(report.bericht or "unknown")
        case = f'  <testcase classname={classname} name={name}>'
        errors = [f for f in report.findings if f.severity == "error"]
        warnings = [f for f in report.findings if f.severity == "warning"]
        if errors:
            body = escape("\n".join(describe_finding(f) for f in errors))
            first = quoteattr(errors[0].message[:200])
            case += f'\n    <failure message={first} type={quoteattr(errors[0].rule)}>{body}</failure>'
        properties = "".join(
            f'\n      <property name="controleniveau {level["level"]} {level["name"]}" '
            f'value={quoteattr("judged" if level["judged"] else "not judged: " + level["why"])}/>'
            for level in report.levels())
        case += f"\n    <properties>{properties}\n    </properties>"
        if warnings:
            case += "\n    <system-out>" + escape("\n".join(describe_finding(f) for f in warnings)) + "</system-out>"
        return case + "\n  </testcase>\n"

    def finish(self) -> None:
        counts = self.summary
        if self.format == "text":
            self.stream.write(f"{plural(counts.files, 'file')}: {counts.valid} valid, {counts.invalid} invalid\n")
            if (levels := counts.levels_line()) is not None:
                self.stream.write(f"{levels}\n")
            return
        assert self._spool is not None
        self._spool.seek(0)
        if self.format == "json":
            self.stream.write('{\n  "summary": ' + json.dumps(counts.as_json()) + ',\n  "results": [\n')
            _copy(self._spool, self.stream)
            self.stream.write("\n  ]\n}\n" if counts.files else "  ]\n}\n")
        else:
            self.stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
            self.stream.write(
                f'<testsuites name="ijw validate" tests="{counts.files}" failures="{counts.invalid}">\n'
                f'<testsuite name="ijw validate" tests="{counts.files}" failures="{counts.invalid}" errors="0">\n'
            )
            _copy(self._spool, self.stream)
            self.stream.write("</testsuite>\n</testsuites>\n")
        self._spool.close()


def _copy(source: IO[str], target: IO[str]) -> None:
    while chunk := source.read(1 << 16):
        target.write(chunk)

