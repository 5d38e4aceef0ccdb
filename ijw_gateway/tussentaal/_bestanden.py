"""Reading our data files safely: size limits, safe YAML, CSV with line numbers, clear DataErrors."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import yaml

from ijw_gateway.errors import DataError, UsageError
from ijw_gateway.files import write_bytes_atomic

MAX_DATA_BYTES = 5 * 1024 * 1024


class CodeLoader(yaml.SafeLoader):
    """SafeLoader that keeps numbers with a leading zero as text.

    YAML 1.1 reads ``0202`` as the octal number 130 but ``0299`` as text; for codes
    (gemeentecode, AGB, BSN) both must stay text. Plain decimals, floats, booleans and
    dates resolve as usual.
    """


CodeLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:int"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
CodeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?(?:0|[1-9][0-9_]*))$"), list("-+0123456789")
)


def read_text(path: Path, *, limit: int = MAX_DATA_BYTES, error: type[Exception] = DataError) -> str:
    """The UTF-8 text of ``path``; ``error`` when missing, too large, or not UTF-8 text."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise error(f"{path}: not a regular file")
        if size > limit:
            raise error(f"{path}: file is {size} bytes, larger than the limit of {limit} bytes")
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise error(f"{path}: file not found") from None
    except OSError as exc:
        raise error(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise error(f"{path}: file is larger than the limit of {limit} bytes")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text (byte {exc.start})") from None


def load_yaml_text(text: str, source: str, *, error: type[Exception] = DataError) -> Any:
    """Parse YAML (safe, codes kept as text); ``error`` naming ``source`` and the line."""
    try:
        return yaml.load(text, Loader=CodeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise error(f"{source}: not valid YAML{where}: {problem}") from None


def read_yaml(path: Path) -> Any:
    """Read a YAML data file (safe, size-limited), raising DataError naming the file."""
    return load_yaml_text(read_text(path), str(path))


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
