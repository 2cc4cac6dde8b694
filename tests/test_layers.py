"""The layers of docs/architecture.md, enforced: every import of a salesdw module (at the top
of a file or inside a function) points to the same layer or one below, and no modules import
each other in a circle. The checker is run on the real tree, and on a temporary tree with a
deliberate upward import, which it must report."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from salesdw.config import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "include" / "salesdw"

LAYERS = (
    ("salesdw", "salesdw.config", "salesdw.contract"),
    ("salesdw.warehouse",),
    (
        "salesdw.connectors",
        "salesdw.generate",
        "salesdw.ingest",
        "salesdw.mdm",
        "salesdw.quality",
        "salesdw.sources",
    ),
    ("salesdw.build", "salesdw.publish", "salesdw.serving"),
    ("salesdw.pipeline",),
    (
        "salesdw.access_cli",
        "salesdw.cli",
        "salesdw.dashboard",
        "salesdw.orchestration",
        "salesdw.query",
        "salesdw.query_as",
        "salesdw.reports",
    ),
    ("dags",),
)
"""Bottom to top: a module may import its own layer and the layers before it."""


def layer_of(module: str) -> int:
    """The layer of a module: the longest prefix listed in LAYERS."""
    best, found = -1, None
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, found = len(prefix), index
    if found is None:
        raise ValueError(f"{module} is in no layer of docs/architecture.md")
    return found


def modules(package: Path, dags: Path | None = None) -> dict[str, Path]:
    """Every module of the package (``salesdw.x.y``) and DAG file (``dags.x``), by name."""
    out = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    for path in sorted(dags.glob("*.py")) if dags else []:
        out[f"dags.{path.stem}"] = path
    return out


def imports(path: Path, known: set[str]) -> set[str]:
    """The salesdw modules a file imports, anywhere in it (lazy imports included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{a.name}" for a in node.names]
            names = [n if n in known else node.module for n in names]
        else:
            continue
        found |= {n for n in names if n == "salesdw" or n.startswith("salesdw.")}
    return found


def problems(package: Path, dags: Path | None = None) -> list[str]:
    """Every upward import and every circle of imports, in words."""
    found = modules(package, dags)
    graph = {name: imports(path, set(found)) for name, path in found.items()}
    out = [
        f"{name} (layer {layer_of(name)}) imports {target} (layer {layer_of(target)})"
        for name, targets in graph.items()
        for target in sorted(targets)
        if layer_of(target) > layer_of(name)
    ]
    return out + [f"import circle: {' -> '.join(c)}" for c in _circles(graph)]


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle through each module that can reach itself (depth-first search)."""
    circles, done, seen = [], set(), set()

    def visit(name: str, path: list[str]) -> None:
        for target in sorted(graph.get(name, ())):
            if target == name or target in done:
                continue
            if target in path:
                circle = path[path.index(target) :]
                if frozenset(circle) not in seen:
                    seen.add(frozenset(circle))
                    circles.append([*circle, target])
            elif target in graph:
                visit(target, [*path, target])

    for start in sorted(graph):
        visit(start, [start])
        done.add(start)
    return circles


def test_the_package_imports_only_downward_and_without_circles():
    assert problems(PACKAGE, PROJECT_ROOT / "dags") == []


def test_every_module_is_in_a_layer():
    for name in modules(PACKAGE, PROJECT_ROOT / "dags"):
        layer_of(name)  # raises for a module docs/architecture.md does not place


def _tree(tmp: Path, files: dict[str, str]) -> Path:
    package = tmp / "salesdw"
    for name, text in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return package


def test_an_upward_import_is_reported_even_inside_a_function(tmp_path):
    package = _tree(
        tmp_path,
        {
            "__init__.py": "",
            "warehouse.py": "from salesdw.config import Settings\n",
            "config.py": "",
            "ingest/__init__.py": "",
            "ingest/loader.py": """
                def load():
                    from salesdw.publish import gate  # upward: publish is above ingest
                    return gate
            """,
            "publish/__init__.py": "",
            "publish/gate.py": "from salesdw import warehouse\n",
        },
    )
    assert problems(package) == [
        "salesdw.ingest.loader (layer 2) imports salesdw.publish.gate (layer 3)"
    ]


def test_a_circle_within_a_layer_is_reported(tmp_path):
    package = _tree(
        tmp_path,
        {
            "__init__.py": "",
            "build/__init__.py": "",
            "build/steps.py": "from salesdw.publish.gate import audit\n",
            "publish/__init__.py": "",
            "publish/gate.py": "from salesdw.build.steps import STEPS\n",
        },
    )
    assert problems(package) == [
        "import circle: salesdw.build.steps -> salesdw.publish.gate -> salesdw.build.steps"
    ]
