"""Reading our data files safely: size limits and safe YAML (:mod:`ijw_gateway.safeyaml`), CSV with line
numbers, clear DataErrors."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ijw_gateway.errors import DataError, UsageError
from ijw_gateway.files import write_bytes_atomic
from ijw_gateway.safeyaml import read_text, read_yaml

__all__ = ["read_csv", "read_text", "read_yaml", "write_atomic", "write_csv"]


def read_csv(path: Path, required: list[str]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV data file as ``(line number, row)``; DataError for missing columns."""
    text = read_text(path)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in required if c not in header]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)} (header is {', '.join(header)})")
    rows: list[tuple[int, dict[str, str]]] = []
    for row in reader:
        if None in row:
            raise DataError(f"{path}, line {reader.line_num}: more fields than the header has")
        rows.append((reader.line_num, {k: (v or "").strip() for k, v in row.items()}))
    return rows


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Write a CSV data file (UTF-8, ``\\n`` line ends) atomically."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    write_atomic(path, buffer.getvalue())


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file, so readers never see half a file.

    A directory that cannot be created or written is a UsageError naming it.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{path}: cannot create the directory {path.parent} ({exc.strerror or exc})") from None
    write_bytes_atomic(path, text.encode("utf-8"))
