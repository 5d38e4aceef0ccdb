"""Ingest's CPU work before the database: message bytes → :class:`Prepared` (what the ledger
keeps of the message, and keyed hashes), in this process or in a few forked workers.

Parsing (safe parse, XSD; the fields and chain facts read from the tree, no model) costs more than storing,
so a large ingest parses in worker processes while the parent, the only writer, stores what they return in order.
The BSN never leaves a worker: only its keyed hash does.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from ijw_gateway.errors import MessageError, UsageError
from ijw_gateway.ledger.chain import ChainFacts, chain_facts, chain_tree_facts, hashed
from ijw_gateway.ledger.extract import MessageInfo, message_info, tree_info
from ijw_gateway.ledger.privacy import Hasher
from ijw_gateway.messages.identificatie import content_digest
from ijw_gateway.validation.checked import CheckedMessage
from ijw_gateway.validation.output import not_valid_sentence
from ijw_gateway.validation.validator import ValidationContext, check
from ijw_gateway.workers import WorkerPool

__all__ = ["PreparePool", "Prepared", "prepare", "prepare_checked", "prepare_model", "worker_count"]

#: Messages per task of a worker, and tasks handed out ahead, so parsing and storing overlap.
WINDOW = 32
IN_FLIGHT = 4
MAX_WORKERS = 4
UNREPRESENTABLE = ("the message is schema-valid but holds a date or time ijw-gateway cannot represent "
                   "(a year after 9999, or 24:00:00); send it with a date up to 9999-12-31 and a time before 24:00:00")
T = TypeVar("T")


@dataclass(frozen=True)
class Prepared:
    """A parsed message as the ledger stores it; ``info.bsn`` is always None."""

    info: MessageInfo
    bsn_hash: str | None
    content_hash: str
    claim_hash: str  # keyed hash of the content digest: the TR056 claim (ledger_identificatie)
    chain: ChainFacts | None = None
    """What the message says about its toewijzingen (chain.py), BSNs hashed."""


def _prepared(info: MessageInfo, data: bytes, digest: str, hasher: Hasher, facts: ChainFacts | None) -> Prepared:
    """``facts``: the chain's, read from the message's model or tree (chain.py), BSNs not yet hashed."""
    if info.berichttype in ("JW323", "JW325"):
        # A declaration names the toewijzingen of every client of a month: its product references would
        # tie all their cases to the one case it is kept under. Its prestaties link in the chain instead.
        info = replace(info, toewijzingnummers=())
    if facts is not None:
        bsns: dict[str, str] = {}
        facts = hashed(facts, lambda bsn: bsns.get(bsn) or bsns.setdefault(bsn, hasher.bsn(bsn)))
    return Prepared(
        info=replace(info, bsn=None),
        bsn_hash=hasher.bsn(info.bsn) if info.bsn else None,
        content_hash=hasher.content(data),
        claim_hash=hasher.content(digest.encode()),
        chain=facts,
    )


def prepare_model(model: Any, data: bytes, hasher: Hasher) -> Prepared:
    """A message given as its typed model (and its bytes)."""
    return _prepared(message_info(model), data, content_digest(data), hasher, chain_facts(model))


def prepare_checked(checked: CheckedMessage, hasher: Hasher) -> Prepared | None:
    """A checked message, read from its tree (its model is not built); None unless schema-valid.
    MessageError when it holds a value no model can (a year after 9999, a time of 24:00:00)."""
    if checked.xsd_valid and checked.tree is not None and checked.berichttype is not None:
        try:
            info = tree_info(checked.tree, checked.berichttype)
            facts = chain_tree_facts(checked.tree, checked.berichttype)
        except ValueError:  # the value itself is not shown: it may be personal (a birth date)
            raise MessageError(UNREPRESENTABLE) from None
        return _prepared(info, checked.data, checked.digest, hasher, facts)
    if checked.model is not None:
        return prepare_model(checked.model, checked.data, hasher)
    return None


def prepare(data: bytes, hasher: Hasher) -> Prepared:
    """Parse and prepare one message; MessageError when it is not a valid iJw message."""
    checked = check(data, ValidationContext(rules=False))
    prepared = prepare_checked(checked, hasher)
    if prepared is None:
        errors = [f for f in checked.report.findings if f.severity == "error"]
        raise MessageError(not_valid_sentence(errors), errors)
    return prepared


def worker_count() -> int:
    """Worker processes for a large ingest: one per core (at most MAX_WORKERS), 0 without fork or a second core."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    if cores < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return min(cores, MAX_WORKERS)


_HASHER: Hasher | None = None
_READ: Callable[[Any], bytes] | None = None


def _init(hasher: Hasher, read: Callable[[Any], bytes]) -> None:
    global _HASHER, _READ
    _HASHER, _READ = hasher, read


def _work(content: Any) -> Prepared | str:
    assert _HASHER is not None and _READ is not None
    try:
        return prepare(_READ(content), _HASHER)
    except (UsageError, MessageError) as error:  # vanished, unreadable, too large, not a valid message
        return str(error)


def _work_window(contents: list[Any]) -> list[Prepared | str]:
    return [_work(content) for content in contents]


class PreparePool(Generic[T]):
    """Forked workers that read and prepare messages for one Ledger, kept between its ingest calls
    (a :class:`~ijw_gateway.workers.WorkerPool`: they die with the parent).

    ``read`` gives the bytes of a content (a path, or bytes as they are), UsageError when it
    has none; it runs in the workers.
    """

    def __init__(self, hasher: Hasher, workers: int, read: Callable[[T], bytes]) -> None:
        self.pool = WorkerPool(workers, initializer=_init, initargs=(hasher, read))
        self.workers = workers

    def run(self, items: Sequence[tuple[str, T]]) -> Iterator[tuple[str, Prepared | str]]:
        """(source, content) → (source, Prepared or why it is invalid), in order; up to
        IN_FLIGHT windows are parsed ahead of what the caller is storing."""
        pending: deque[tuple[Sequence[tuple[str, T]], Future[list[Prepared | str]]]] = deque()
        for start in range(0, len(items), WINDOW):
            window = items[start:start + WINDOW]
            pending.append((window, self.pool.submit(_work_window, [content for _, content in window])))
            if len(pending) >= IN_FLIGHT:
                yield from _drain(*pending.popleft())
        while pending:
            yield from _drain(*pending.popleft())

    def close(self) -> None:
        self.pool.terminate()


def _drain(
    window: Sequence[tuple[str, Any]], result: Future[list[Prepared | str]]
) -> Iterator[tuple[str, Prepared | str]]:
    for (source, _), prepared in zip(window, result.result(), strict=True):
        yield source, prepared
