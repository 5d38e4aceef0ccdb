"""Validate many messages: find them, read them safely, spread them over processes, stream results.

Results come back in input order, one at a time, so memory does not grow with
the batch; a file that cannot be read becomes a finding and the batch goes on.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ijw_gateway.errors import UsageError
from ijw_gateway.files import DanglingLink, NotARegularFile, read_regular_file, write_bytes_atomic, xml_files
from ijw_gateway.messages import safexml
from ijw_gateway.messages.registry import RETOUR_OF, berichttype_of
from ijw_gateway.validation.checked import CheckedMessage
from ijw_gateway.validation.findings import RETOURCODE_TECHNISCH, RULE_XML, Finding, MessageReport
from ijw_gateway.validation.validator import (
    IdentificatieRegister,
    SeenIdentificaties,
    ValidationContext,
    check,
)
from ijw_gateway.workers import WorkerPool

if TYPE_CHECKING:
    from ijw_gateway.validation.retour import RetourKop

STDIN = "-"


@dataclass(frozen=True)
class Source:
    """One message to validate: a file, or the bytes read from standard input."""

    label: str
    path: Path | None = None
    data: bytes | None = None


def discover(paths: Iterable[str], stdin: bytes | None = None) -> list[Source]:
    """Files named, ``*.xml`` files found recursively in directories named, and ``-`` for stdin."""
    sources: list[Source] = []
    for raw in paths:
        if raw == STDIN:
            sources.append(Source("<stdin>", data=stdin if stdin is not None else b""))
            continue
        path = Path(raw)
        if path.is_dir():
            sources.extend(Source(str(p), path=p) for p in xml_files(path))
        elif path.exists():
            sources.append(Source(str(path), path=path))
        else:
            raise UsageError(f"{raw}: no such file or directory")
    return sources


@dataclass(frozen=True)
class BatchOptions:
    """Everything a worker process needs to validate like the parent would (picklable)."""

    today: date | None = None
    schemas: Path | None = None
    limits: safexml.Limits = field(default_factory=safexml.Limits)
    rules: bool = True
    retour_dir: Path | None = None
    """Also write the retourbericht of every validated heenbericht (JW301 → JW302, JW315 → JW316, …) here."""
    digests: bool = False
    """Carry each message's content digest to the parent (TR056 against a ledger)."""
    cross_message: str | None = None
    """What the parent judges of controleniveau 3 (TR056), for the verdicts the workers write."""
    facts: Callable[[Any], Any] | None = None
    """Read what the parent judges controleniveau 3 on from each schema-valid message's model (with a
    register that judges the chain: ``ijw validate --ledger``); a module-level function, so picklable."""

    def context(self) -> ValidationContext:
        return ValidationContext(today=self.today, schemas=self.schemas, limits=self.limits, rules=self.rules,
                                 digests=self.digests, cross_message=self.cross_message)


def _unreadable(label: str, reason: str) -> MessageReport:
    finding = Finding(rule=RULE_XML, retourcode=RETOURCODE_TECHNISCH, message=reason)
    return MessageReport.of(label, None, [finding])


def read_source(source: Source, limits: safexml.Limits) -> bytes | MessageReport:
    """The bytes of a source, or a report saying why it cannot be read (never more than the limit)."""
    if source.data is not None:
        return source.data
    assert source.path is not None
    try:
        data = read_regular_file(source.path, limits.max_bytes + 1)
    except NotARegularFile:
        return _unreadable(source.label, "this is not a regular file (a pipe, device or socket), so it is not read")
    except DanglingLink:
        return _unreadable(source.label, "this is a symbolic link to a file that does not exist, so it is not read")
    except FileNotFoundError:
        return _unreadable(source.label, "the file disappeared before it could be read")
    except IsADirectoryError:
        return _unreadable(source.label, "this is a directory, not a message file")
    except OSError as error:
        return _unreadable(source.label, f"the file cannot be read: {error.strerror or error}")
    if len(data) > limits.max_bytes:
        return _unreadable(
            source.label, f"the file is larger than the limit of {limits.max_bytes:,} bytes for one message"
        )
    return data


def validate_source(source: Source, options: BatchOptions) -> MessageReport:
    return _validate_one(source, options).report


_UNREAD = "it could not be read as a message"


@dataclass(frozen=True)
class _Validated:
    """What a worker sends back for one message (small and picklable: never the tree or the bytes)."""

    report: MessageReport
    no_retour: str | None = None
    """With a retour_dir: why no retourbericht was written; None when one was."""
    kop: RetourKop | None = None
    """With a retour_dir: what rewriting the retourbericht takes, should TR056 find a duplicate."""
    facts: Any = None
    """With ``BatchOptions.facts``: what the parent judges controleniveau 3 on."""


def _validate_one(source: Source, options: BatchOptions, context: ValidationContext | None = None) -> _Validated:
    """``context`` is ``context_for(options)``, looked up by the caller once per batch or chunk rather
    than once per message (a look-up hashes every field of the options)."""
    data = read_source(source, options.limits)
    if isinstance(data, MessageReport):
        return _Validated(data, _UNREAD)
    if context is None:
        context = context_for(options)
    checked = check(data, context, file=source.label)
    facts = options.facts(checked.model) if options.facts is not None and checked.model is not None else None
    if options.retour_dir is None:
        return _Validated(checked.report, facts=facts)
    from ijw_gateway.validation.retour import no_retour, retour_kop  # with --retour-dir only (start-up time)

    written = write_retour(checked, context.system_date, options.retour_dir, _stem(source))
    if written is None:
        return _Validated(checked.report, no_retour(checked) or _UNREAD, facts=facts)
    return _Validated(checked.report, kop=retour_kop(checked, context.system_date), facts=facts)


def _stem(source: Source) -> str:
    return source.path.stem if source.path is not None else "stdin"


def write_retour(checked: CheckedMessage, today: date, directory: Path, stem: str) -> Path | None:
    """Write the retourbericht of ``checked`` as ``<stem>-<JW302|JW316|…>.xml``; None when the standard sends none."""
    from ijw_gateway.messages.codec import to_xml
    from ijw_gateway.validation.retour import build_retour

    retour = build_retour(checked, today)
    if retour is None:
        return None
    path = directory / f"{stem}-{berichttype_of(retour).naam}.xml"
    write_bytes_atomic(path, to_xml(retour))
    return path


@lru_cache(maxsize=64)  # bounded: a service sees a new ?today= on every request that gives one
def context_for(options: BatchOptions) -> ValidationContext:
    return options.context()


def _validate_chunk(sources: list[Source], options: BatchOptions) -> list[_Validated]:
    context = context_for(options)
    return [_validate_one(source, options, context) for source in sources]


@dataclass
class RetourAccount:
    """What ``--retour-dir`` wrote, and which messages got no retourbericht and why (the first
    :data:`NAMED` of them by name, the rest counted)."""

    written: int = 0
    without: int = 0
    named: list[tuple[str, str]] = field(default_factory=list)

    NAMED = 20

    def add(self, label: str, reason: str | None) -> None:
        if reason is None:
            self.written += 1
            return
        self.without += 1
        if len(self.named) < self.NAMED:
            self.named.append((label, reason))


SERIAL_BELOW = 64
"""Fewer messages than this are validated in-process: starting workers would cost more."""


def run(
    sources: list[Source],
    options: BatchOptions,
    workers: int | None = None,
    register: IdentificatieRegister | None = None,
    account: RetourAccount | None = None,
) -> Iterator[MessageReport]:
    """Validate ``sources`` in order with ``workers`` processes (default: every core).

    TR056 (Identificatie unique per sender and message type) is judged here, in input
    order, over the whole batch and, with a ``register`` (the ledger), against earlier
    batches; a duplicate's retourbericht is rewritten to carry 9056 from what its worker
    sent along (the message is not read or validated again). With a retour_dir,
    ``account`` learns which messages got a retourbericht.
    """
    seen = SeenIdentificaties(register=register)
    judge_chain = getattr(register, "judge_chain", None)  # controleniveau 3 against the ledger's chain
    options = replace(options, digests=options.digests or register is not None, cross_message=seen.not_judged,
                      facts=getattr(register, "facts_reader", None) if judge_chain is not None else None)
    for source, validated in zip(sources, _validate_all(sources, options, workers), strict=True):
        if account is not None and options.retour_dir is not None:
            account.add(source.label, validated.no_retour)
        judged = seen.check(validated.report)
        if judged is not validated.report and options.retour_dir is not None and validated.kop is not None:
            _rewrite_retour(validated.kop, judged, options.retour_dir, _stem(source))
        if validated.facts is not None and judge_chain is not None:
            chained = judge_chain(judged, validated.facts)
            if len(chained.findings) > len(judged.findings) and options.retour_dir is not None \
                    and validated.kop is not None:
                _rebuild_retour(source, chained, options)
            judged = chained
        yield judged


def _rebuild_retour(source: Source, judged: MessageReport, options: BatchOptions) -> None:
    """The retourbericht of a message with level-3 findings, carrying their retourcodes: the message is
    checked again here (only such messages are), its verdict replaced by the judged one."""
    data = read_source(source, options.limits)
    if isinstance(data, MessageReport):
        return
    checked = check(data, context_for(replace(options, facts=None)), file=source.label)
    checked.report = judged
    write_retour(checked, context_for(options).system_date, options.retour_dir, _stem(source))  # type: ignore[arg-type]


def _rewrite_retour(kop: RetourKop, judged: MessageReport, directory: Path, stem: str) -> None:
    """The retourbericht of a TR056 duplicate: a Header with 9056 (or 0001), as IV028 says."""
    from ijw_gateway.messages.codec import to_xml
    from ijw_gateway.validation.retour import header_only_retour

    retour = header_only_retour(kop, judged.findings)
    assert retour is not None  # a TR056 finding is in the Header
    write_bytes_atomic(directory / f"{stem}-{RETOUR_OF[kop.bericht].naam}.xml", to_xml(retour))


def _validate_all(sources: list[Source], options: BatchOptions, workers: int | None) -> Iterator[_Validated]:
    workers = workers or os.cpu_count() or 1
    if workers < 1:
        raise UsageError(f"--workers {workers}: expected a number of processes of at least 1")
    if workers == 1 or len(sources) < SERIAL_BELOW:
        context = context_for(options)
        for source in sources:
            yield _validate_one(source, options, context)
        return
    size = max(1, min(128, len(sources) // (workers * 8)))
    in_flight: deque[Future[list[_Validated]]] = deque()
    with WorkerPool(workers) as pool:
        for start in range(0, len(sources), size):
            in_flight.append(pool.submit(_validate_chunk, sources[start : start + size], options))
            if len(in_flight) >= workers * 4:  # a bounded window keeps memory flat
                yield from in_flight.popleft().result()
        while in_flight:
            yield from in_flight.popleft().result()
