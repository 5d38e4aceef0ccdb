"""The ledger is a store beside the flow: it knows no HTTP API and no tussentaal (bepalingen,
contracts, regions), and no package of ijw_gateway needs itself back to load (no import cycle)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "ijw_gateway"
FORBIDDEN = ("ijw_gateway.api", "ijw_gateway.tussentaal")


def _imports(tree: ast.AST) -> list[tuple[str, int]]:
    """(module, line) of every absolute import anywhere in the module, function-local ones too."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.module, node.lineno)]
            found += [(f"{node.module}.{a.name}", node.lineno) for a in node.names]
        elif isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names]
    return found


def _load_time_imports(body: list[ast.stmt]) -> list[str]:
    """The modules a module imports when it loads (not in functions, not under TYPE_CHECKING)."""
    found: list[str] = []
    for node in body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            found += _load_time_imports(node.orelse)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.If | ast.Try | ast.With):
            found += _load_time_imports(node.body)
            for more in (getattr(node, "orelse", []), getattr(node, "finalbody", []),
                         *(h.body for h in getattr(node, "handlers", []))):
                found += _load_time_imports(more)
    return found


def test_no_module_of_the_ledger_imports_the_api_or_the_tussentaal() -> None:
    offending = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}"
        for path in sorted((PACKAGE / "ledger").rglob("*.py"))
        for module, line in _imports(ast.parse(path.read_text("utf-8")))
        if any(module == f or module.startswith(f + ".") for f in FORBIDDEN)
    ]
    assert not offending, offending


def test_the_scan_sees_a_function_local_import() -> None:
    tree = ast.parse("def f():\n    from ijw_gateway.tussentaal import Bepaling\n")
    assert ("ijw_gateway.tussentaal", 2) in _imports(tree)


def _package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).parts
        if len(parts) == 1 and parts[0] == "__init__.py":
            continue  # the library's front door, which imports what it offers on first use
        package = parts[0].removesuffix(".py")
        for module in _load_time_imports(ast.parse(path.read_text("utf-8")).body):
            if module.startswith("ijw_gateway.") and (target := module.split(".")[1]) != package:
                graph.setdefault(package, set()).add(target)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*stack[stack.index(target):], target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_package_needs_itself_back_when_it_loads() -> None:
    graph = _package_graph()
    assert "ledger" in graph and "workflows" in graph["cli"]
    assert _cycle(graph) is None, " → ".join(_cycle(graph) or [])


def test_the_cycle_check_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}}) is None
