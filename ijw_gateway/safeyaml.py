"""The one way we read YAML (and JSON) data files: size, alias, node and depth limits, clear errors.

Every YAML file the tool reads — bepalingen, demo scenarios, contracts, the tussentaal, route
definitions — goes through :func:`load_yaml` (text) or :func:`read_yaml` (a file), so no file can:

* be larger than its limit (read at most the limit + 1 byte, see :func:`read_text`);
* expand through aliases (billion laughs): at most :data:`MAX_ALIASES` aliases, and at most
  :data:`MAX_NODES` values counted *after* expanding them;
* nest deeper than :data:`MAX_DEPTH` lists and mappings (a Python RecursionError otherwise).

Codes stay text: YAML 1.1 reads ``0202`` as the octal number 130 but ``0299`` as text, so only
plain decimals without a leading zero resolve as numbers (gemeentecode, AGB code and BSN stay
text whether quoted or not). JSON gets the same depth limit (:func:`load_json`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from ijw_gateway.errors import DataError

__all__ = ["MAX_ALIASES", "MAX_DATA_BYTES", "MAX_DEPTH", "MAX_NODES", "CodeLoader", "check_depth", "load_json",
           "load_yaml", "read_text", "read_yaml"]

MAX_DATA_BYTES = 5 * 1024 * 1024
"""The default size limit of a data file."""
MAX_DEPTH = 32
"""Lists and mappings nested in each other; our files need 6 (the bepaling 4), an XML message may have 32."""
MAX_ALIASES = 1000
"""YAML aliases (``*name``) in one file; none of our files needs one."""
MAX_NODES = 1_000_000
"""Values (scalars, lists, mappings) in one file, every alias counted as the size of what it stands for."""


class _LimitExceeded(yaml.YAMLError):
    def __init__(self, problem: str, mark: Any) -> None:
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = mark


class CodeLoader(yaml.SafeLoader):
    """SafeLoader that keeps numbers with a leading zero as text and counts what it composes.

    Aliases are counted, and so is every value after alias expansion; lists and mappings
    deeper than :data:`MAX_DEPTH` are refused before the recursive composer descends.
    """

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0
        self._nodes = 0
        self._sizes: dict[str, int] = {}

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _LimitExceeded(f"more than {MAX_ALIASES} aliases", event.start_mark)
            self._count(self._sizes.get(event.anchor or "", 1), event)
            return super().compose_node(parent, index)
        nested = isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent)
        if nested:
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise _LimitExceeded(f"lists and mappings nested deeper than {MAX_DEPTH} levels", event.start_mark)
        before = self._nodes
        self._count(1, event)
        try:
            node = super().compose_node(parent, index)
        finally:
            if nested:
                self._depth -= 1
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            self._sizes[anchor] = self._nodes - before
        return node

    def _count(self, size: int, event: Any) -> None:
        self._nodes += size
        if self._nodes > MAX_NODES:
            raise _LimitExceeded(f"more than {MAX_NODES:,} values (aliases expanded)", event.start_mark)


CodeLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:int"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
CodeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?(?:0|[1-9][0-9_]*))$"), list("-+0123456789")
)


_C_LOADER: type | None = None
if getattr(yaml, "__with_libyaml__", False):
    class _CCodeLoader(yaml.CSafeLoader):  # type: ignore[name-defined,misc]
        """libyaml's parser and composer with :class:`CodeLoader`'s resolvers: the same values, ten times faster."""

    _CCodeLoader.yaml_implicit_resolvers = CodeLoader.yaml_implicit_resolvers
    _C_LOADER = _CCodeLoader


def _check_limits(text: str) -> None:
    """The limits of :class:`CodeLoader`, judged on libyaml's events before anything is composed.

    One pass over the events: aliases counted, lists and mappings nested, and every value counted
    with each alias as the size of what its anchor stands for (the sizes of anchored collections
    are added up as they close).
    """
    assert _C_LOADER is not None
    aliases = nodes = 0
    sizes: dict[str, int] = {}
    open_: list[tuple[str | None, int]] = []  # (anchor, nodes before it) of every collection still open
    try:
        for event in yaml.parse(text, Loader=_C_LOADER):
            nodes = _judge(event, aliases, nodes, sizes, open_)
            if isinstance(event, yaml.AliasEvent):
                aliases += 1
    except yaml.YAMLError as exc:
        # libyaml refuses nesting past its own limit (about a thousand) while scanning ahead, before
        # the events reach ours: the same limit, said the same way.
        if "nesting depth" in str(exc) and not isinstance(exc, _LimitExceeded):
            raise _LimitExceeded(
                f"lists and mappings nested deeper than {MAX_DEPTH} levels", getattr(exc, "problem_mark", None)
            ) from None
        raise


def _judge(
    event: Any, aliases: int, nodes: int, sizes: dict[str, int], open_: list[tuple[str | None, int]]
) -> int:
    """The node count after ``event`` (``aliases`` seen before it); :class:`_LimitExceeded` past a limit."""
    if isinstance(event, yaml.AliasEvent):
        if aliases + 1 > MAX_ALIASES:
            raise _LimitExceeded(f"more than {MAX_ALIASES} aliases", event.start_mark)
        nodes += sizes.get(event.anchor or "", 1)
    elif isinstance(event, yaml.ScalarEvent):
        nodes += 1
        if event.anchor is not None:
            sizes[event.anchor] = 1
    elif isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
        if len(open_) >= MAX_DEPTH:
            raise _LimitExceeded(f"lists and mappings nested deeper than {MAX_DEPTH} levels", event.start_mark)
        open_.append((event.anchor, nodes))
        nodes += 1
    elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
        anchor, before = open_.pop()
        if anchor is not None:
            sizes[anchor] = nodes - before
    else:
        return nodes
    if nodes > MAX_NODES:
        raise _LimitExceeded(f"more than {MAX_NODES:,} values (aliases expanded)", event.start_mark)
    return nodes


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


def load_yaml(text: str, source: str, *, error: type[Exception] = DataError) -> Any:
    """Parse one YAML document within the limits; ``error`` naming ``source``, the line and the problem."""
    try:
        if _C_LOADER is None:
            return yaml.load(text, Loader=CodeLoader)
        _check_limits(text)
        return yaml.load(text, Loader=_C_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise error(f"{source}: not valid YAML{where}: {problem}") from None
    except RecursionError:  # a limit above should make this unreachable; never a traceback
        raise error(f"{source}: lists and mappings nested deeper than {MAX_DEPTH} levels") from None


def read_yaml(path: Path, *, limit: int = MAX_DATA_BYTES, error: type[Exception] = DataError) -> Any:
    """Read and parse a YAML file within the limits, ``error`` naming the file."""
    return load_yaml(read_text(path, limit=limit, error=error), str(path), error=error)


def check_depth(data: Any, source: str, *, error: type[Exception] = DataError) -> Any:
    """``data`` itself; ``error`` when its lists and mappings nest deeper than :data:`MAX_DEPTH`.

    Iterative, so it cannot overflow the stack however deep ``data`` is.
    """
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list | tuple):
            children = value
        else:
            continue
        if depth + 1 > MAX_DEPTH:
            raise error(f"{source}: lists and mappings nested deeper than {MAX_DEPTH} levels")
        stack.extend((child, depth + 1) for child in children)
    return data


def load_json(text: str, source: str, *, error: type[Exception] = DataError) -> Any:
    """Parse JSON with the YAML's depth limit; ``error`` naming ``source``, the line and column."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(f"{source}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise error(f"{source}: lists and mappings nested deeper than {MAX_DEPTH} levels") from None
    return check_depth(data, source, error=error)
