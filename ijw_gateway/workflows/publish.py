"""The unit of work of every use case that writes: files and ledger records appear together or not at all."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from ijw_gateway.files import write_all_atomic

__all__ = ["publish"]

T = TypeVar("T")


def publish(files: Sequence[tuple[Path, bytes]], record: Callable[[], T]) -> tuple[list[Path], T]:
    """Write every file (each whole, see :func:`~ijw_gateway.files.write_all_atomic`), then ``record``
    (one ledger transaction); when either fails, the files written are removed again and the
    error is raised: nothing of the unit stays."""
    paths = write_all_atomic(list(files))
    try:
        return paths, record()
    except BaseException:
        for path in paths:
            path.unlink(missing_ok=True)
        raise
