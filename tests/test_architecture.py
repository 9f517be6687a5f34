"""The package reads like the pipeline: every import of assistant/ goes down the layers, never up, and no
two modules import each other (imports inside functions and under TYPE_CHECKING count too)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "assistant"
# Lowest first. A module may import from its own layer or a lower one.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"__init__", "errors", "types", "settings", "language", "testing"}),
    frozenset({"ingest"}),
    frozenset({"index"}),
    frozenset({"search"}),
    frozenset({"answer"}),
    frozenset({"contract", "draft", "evaluate"}),
    frozenset({"ui"}),
    frozenset({"cli"}),
)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The assistant modules a file imports, anywhere in it; `from pkg import sub` counts as pkg.sub."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("assistant")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("assistant"):
            subs = {f"{node.module}.{a.name}" for a in node.names}
            found |= (subs & known) or {node.module}
    return found & known


def layer(module: str) -> int:
    top = module.split(".")[1] if "." in module else "__init__"
    found = [i for i, names in enumerate(LAYERS) if top in names]
    assert found, f"{module}: add {top!r} to LAYERS in {Path(__file__).name}"
    return found[0]


def graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imports_of(path, set(found)) - {name} for name, path in found.items()}


def test_every_module_belongs_to_a_layer():
    assert [layer(name) for name in modules()]


def test_no_module_imports_from_a_higher_layer():
    upward = [
        f"{source} (layer {layer(source)}) imports {target} (layer {layer(target)})"
        for source, targets in graph().items()
        for target in sorted(targets)
        if layer(target) > layer(source)
    ]
    assert upward == []


def find_cycle(edges: dict[str, set[str]]) -> list[str]:
    """One import cycle as a path that ends where it starts, or [] when there is none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return []

    for start in sorted(edges):
        if start not in state and (cycle := visit(start)):
            return cycle
    return []


def test_no_import_cycles():
    assert find_cycle(graph()) == []


@pytest.mark.parametrize(
    ("edges", "cycle"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
        ({"a": {"b"}, "b": {"b"}}, ["b", "b"]),
    ],
)
def test_the_cycle_finder_finds_cycles(edges, cycle):
    assert find_cycle(edges) == cycle


def test_the_import_walker_sees_imports_inside_functions(tmp_path):
    source = tmp_path / "m.py"
    source.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from assistant.index import Index\n"
        "def f():\n    from assistant.search import plan\n    import assistant.errors\n",
        encoding="utf-8",
    )
    known = {"assistant.index", "assistant.search", "assistant.search.plan", "assistant.errors"}
    assert imports_of(source, known) == {"assistant.index", "assistant.search.plan", "assistant.errors"}
