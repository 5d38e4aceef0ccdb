"""``Ledger.ingest``: message files in, each linked to its case, in batches.

Parsing costs more than storing, so from INGEST_PARALLEL_MIN messages on the files are read
and parsed in worker processes (:mod:`.prepare`, on :mod:`ijw_gateway.workers`) while this
process, the only writer, records what they return in order. Up to INGEST_BATCH messages
(or what INGEST_BATCH_SECONDS brings) share a transaction and are recorded together: one
look-up per kind for the batch, one multi-row write per table. Each message stays all or
nothing: when the batch fails in the database it is recorded again one message at a time,
each in a SAVEPOINT of its own, so the messages before the failing one stay recorded and
the error is raised.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from ijw_gateway.errors import MessageError, UsageError
from ijw_gateway.files import DanglingLink, NotARegularFile, not_a_message_file, read_regular_file, xml_files
from ijw_gateway.ledger.facts import Direction
from ijw_gateway.ledger.prepare import Prepared, PreparePool, prepare, worker_count
from ijw_gateway.ledger.privacy import Hasher
from ijw_gateway.ledger.recording import Item, Raced, record_messages
from ijw_gateway.ledger.repository import Repository
from ijw_gateway.ledger.results import IngestResult, Moment
from ijw_gateway.ledger.store import raise_mapped, transaction
from ijw_gateway.logging import get_logger

__all__ = ["INGEST_BATCH", "INGEST_BATCH_SECONDS", "INGEST_PARALLEL_MIN", "MAX_MESSAGE_BYTES", "Ingester"]

log = get_logger(__name__)

MAX_MESSAGE_BYTES = 16 * 1024 * 1024
#: ``ingest`` records this many messages per transaction, or what it has after
#: INGEST_BATCH_SECONDS, so other writers wait at most that long.
INGEST_BATCH = 64
INGEST_BATCH_SECONDS = 0.5
#: From this many messages on, ``ingest`` parses in worker processes (prepare.py) while it stores.
INGEST_PARALLEL_MIN = 32


class Ingester:
    """Ingest for one ledger; keeps its worker processes between calls until :meth:`close`."""

    def __init__(self, engine: Engine, url: str, hasher: Hasher) -> None:
        self.engine = engine
        self.url = url
        self.hasher = hasher
        self.workers: PreparePool[bytes | Path] | None = None

    def close(self) -> None:
        if self.workers is not None:
            self.workers.close()
            self.workers = None

    def ingest(
        self, items: Iterable[str | Path | bytes], direction: Direction, at: Moment | None
    ) -> list[IngestResult]:
        plan: list[tuple[str, bytes | Path]] = []  # every path is checked before anything is written
        skipped: list[IngestResult] = []
        for index, item in enumerate(items, start=1):
            if isinstance(item, bytes | bytearray):
                plan.append((f"<bytes {index}>", bytes(item)))
                continue
            for path in _expand(Path(item)):
                if why := not_a_message_file(path):
                    skipped.append(IngestResult(source=str(path), status="skipped",
                                                detail=f"{why}, not a message file, so it is not read"))
                else:
                    plan.append((str(path), path))
        results: list[IngestResult | None] = []
        batch: list[tuple[int, Item]] = []  # (position in results, message)
        started = batch_started = time.perf_counter()
        for source, prepared in self._prepared(plan):
            if isinstance(prepared, str):  # vanished, unreadable, too large or not a valid message: go on
                results.append(IngestResult(source=source, status="invalid", detail=prepared))
                continue
            batch.append((len(results), Item(source, prepared, direction, at)))
            results.append(None)
            if len(batch) >= INGEST_BATCH or time.perf_counter() - batch_started >= INGEST_BATCH_SECONDS:
                self._store(batch, results)
                batch, batch_started = [], time.perf_counter()
        if batch:
            self._store(batch, results)
        done = skipped + [r for r in results if r is not None]
        counts: dict[str, int] = {}
        for result in done:
            counts[result.status] = counts.get(result.status, 0) + 1
        log.info("ingested", files=len(plan), direction=direction, seconds=round(time.perf_counter() - started, 3),
                 **counts)
        return done

    def _prepared(self, plan: Sequence[tuple[str, bytes | Path]]) -> Iterator[tuple[str, Prepared | str]]:
        """Each message parsed and hashed (or why it is invalid), in order: in worker processes
        for INGEST_PARALLEL_MIN messages or more, where there is a second core."""
        if len(plan) >= INGEST_PARALLEL_MIN and self.workers is None and (workers := worker_count()):
            self.engine.dispose()  # no pooled connection may be shared with the forked workers
            self.workers = PreparePool(self.hasher, workers, message_bytes)
        if len(plan) >= INGEST_PARALLEL_MIN and self.workers is not None:
            yield from self.workers.run(plan)
            return
        for source, content in plan:
            try:
                yield source, prepare(message_bytes(content), self.hasher)
            except (UsageError, MessageError) as error:  # vanished, unreadable or too large mid-batch
                yield source, str(error)

    def _store(self, batch: list[tuple[int, Item]], results: list[IngestResult | None]) -> None:
        """Record a batch in one transaction (see the module's docstring)."""
        failed: SQLAlchemyError | None = None
        with transaction(self.engine, self.url) as conn:
            repo = Repository(conn)
            try:
                done = _whole(conn, repo, [item for _, item in batch])
            except (Raced, SQLAlchemyError):
                done = []
                for _, item in batch:
                    try:
                        done += _whole(conn, repo, [item])
                    except SQLAlchemyError as error:
                        failed = error
                        break
        for (position, item), result in zip(batch, done, strict=False):
            results[position] = result
            if result.status == "recorded":
                log.info("message recorded", case=result.case, bericht=result.berichttype, direction=item.direction)
        if failed is not None:
            raise_mapped(failed, self.url)


def _whole(conn: Connection, repo: Repository, items: list[Item]) -> list[IngestResult]:
    """Record ``items`` in a SAVEPOINT: all of them, or on any exception none."""
    with conn.begin_nested():
        return record_messages(repo, items, lenient=True)


def _expand(path: Path) -> Sequence[Path]:
    if path.is_dir():
        return xml_files(path)
    if not path.exists() and not path.is_symlink():
        raise UsageError(f"{path}: no such file or directory")
    return [path]


def message_bytes(content: bytes | Path) -> bytes:
    """The bytes of a message given as bytes or as a file (UsageError: one sentence on why not)."""
    return content if isinstance(content, bytes) else _read_message(content)


def _read_message(path: Path) -> bytes:
    try:
        data = read_regular_file(path, MAX_MESSAGE_BYTES + 1)
    except NotARegularFile:
        raise UsageError(f"{path}: not a regular file (a pipe, device or socket), so it is not read") from None
    except DanglingLink:
        raise UsageError(f"{path}: a symbolic link to a file that does not exist, so it is not read") from None
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory") from None
    except OSError as error:
        raise UsageError(f"{path}: cannot be read ({error.strerror or error})") from None
    if len(data) > MAX_MESSAGE_BYTES:
        raise UsageError(f"{path}: more than an iJw message can be ({MAX_MESSAGE_BYTES:,} bytes at most)")
    return data
