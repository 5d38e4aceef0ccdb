"""What the ledger hands out or remembers once: a gemeente's ToewijzingNummers and TR056 claims.

Both are shared by every process on the ledger. A ToewijzingNummer counter is taken under the
gemeente's lock (SQLite: the write lock of BEGIN IMMEDIATE; PostgreSQL: an advisory lock), so
two processes never give out the same number; asking again for the same sleutel gives the
same number, so a re-run of a build writes the same JW301.
"""

from __future__ import annotations

from datetime import datetime

from ijw_gateway.errors import LedgerError, UsageError
from ijw_gateway.ledger.repository import Repository, SeenKey
from ijw_gateway.ledger.results import now

__all__ = ["MAX_TOEWIJZINGNUMMER", "claim", "toewijzingnummer"]

MAX_TOEWIJZINGNUMMER = 999_999_999  # LDT_Nummer


def sleutel_of(gemeente: str, sleutel: tuple[object, ...]) -> str:
    """The counter's key of what ``sleutel`` names; UsageError for a gemeente or sleutel it cannot keep."""
    if not (len(gemeente) == 4 and gemeente.isascii() and gemeente.isdigit()):
        raise UsageError(f"gemeente {gemeente!r}: expected a CBS gemeentecode of four digits")
    key = "|".join(map(str, sleutel))
    if not key or len(key) > 120:
        raise UsageError("a ToewijzingNummer needs a sleutel of 1 to 120 characters")
    return key


def toewijzingnummer(repo: Repository, gemeente: str, key: str) -> tuple[int, bool]:
    """(the gemeente's number for ``key``, whether it was given out now): 1, 2, 3, …"""
    repo.lock_counter(gemeente)
    found = repo.nummer(gemeente, key)
    if found is not None:
        return found, False
    last = repo.last_nummer(gemeente)
    nummer = last + 1
    if nummer > MAX_TOEWIJZINGNUMMER:
        raise LedgerError(f"gemeente {gemeente} has given out every ToewijzingNummer up to {last}")
    repo.insert_nummer({"gemeente": gemeente, "sleutel": key, "nummer": nummer, "created_at": now()})
    return nummer, True


def claim(repo: Repository, key: SeenKey, content_hash: str) -> datetime | None:
    """Note a TR056 claim; None when new or made by this same message (``content_hash``), else
    the moment another message first made it."""
    if repo.insert_seen([{"berichttype": key.berichttype, "afzender": key.afzender,
                          "identificatie": key.identificatie, "content_hash": content_hash, "seen_at": now()}]):
        return None
    stored, seen_at = repo.seen([key])[key]
    if stored == content_hash:
        return None
    if stored == "":  # carried over from schema 0001: the content was not kept
        repo.fill_seen([(key, content_hash)])
        return None
    return seen_at
