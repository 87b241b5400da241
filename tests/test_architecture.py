"""The shape of the house, asserted rather than described.

Data flows one way: files -> reading -> organisations -> the index -> the query service ->
the command line and the web. Each room is a package; these tests walk every module's imports
(including those inside functions) and fail when an arrow points the wrong way.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("lgsearch", "webui", "indexer")
# The rooms, most specific first: a module belongs to the first whose name prefixes its own.
ROOMS = (
    "indexer.alerts",
    "indexer.query",
    "indexer.reading",
    "indexer.organisations",
    "indexer.reindex",
    "indexer.engine",
    "indexer.harvest",
    "indexer",
    "webui",
    "lgsearch",
)
# Entry points run as scripts (`python -m indexer`), never imported by the package they sit in.
ENTRY_POINTS = {"indexer.__main__", "lgsearch.__main__"}


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imports_of(path: Path, module: str) -> set[str]:
    """Every module this one imports, at any depth of its code."""
    names = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def room(name: str) -> str | None:
    return next((r for r in ROOMS if name == r or name.startswith(r + ".")), None)


def room_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for module, path in modules().items():
        if module in ENTRY_POINTS:
            continue
        source = room(module)
        for name in imports_of(path, module):
            target = room(name)
            if target and target != source:
                graph[source].add(target)
    return graph


def test_no_cycle_between_rooms():
    graph = room_graph()
    visiting, done, cycles = set(), set(), []

    def visit(node, trail):
        visiting.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt in visiting:
                cycles.append(trail + [nxt])
            elif nxt not in done:
                visit(nxt, trail + [nxt])
        visiting.discard(node)
        done.add(node)

    for start in sorted(graph):
        if start not in done:
            visit(start, [start])
    assert cycles == [], cycles


def test_data_flows_one_way():
    graph = room_graph()
    assert "webui" not in graph["indexer.query"] and "lgsearch" not in graph["indexer.query"]
    assert graph["indexer.reading"] <= {"indexer"}, graph["indexer.reading"]
    assert graph["indexer"] <= {"indexer.organisations"}, graph["indexer"]  # the index's core needs nobody else
    assert "indexer.query" not in graph["indexer.reindex"], "the reindex job must not need the query service"
    assert not graph["indexer.organisations"] - {"indexer"}, graph["indexer.organisations"]


def test_the_engine_needs_only_the_index_core():
    """The engine reads and writes Whoosh's files for the query service and the reindex job; it
    knows neither, nor the web or the command line."""
    graph = room_graph()
    assert graph["indexer.engine"] <= {"indexer"}, graph["indexer.engine"]
    assert "indexer.engine" not in graph["webui"] and "indexer.engine" not in graph["lgsearch"]


def whoosh_private_names(path: Path) -> set[str]:
    """Whoosh's private names a module uses: `_names` imported from whoosh, and `._names` of
    objects other than its own (`self`, `cls`) in a module that imports whoosh at all."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = [node for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))]
    from_whoosh = [
        node for node in imported if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("whoosh")
    ]
    if not from_whoosh and not any(
        alias.name.startswith("whoosh") for node in imported if isinstance(node, ast.Import) for alias in node.names
    ):
        return set()
    found = {alias.name for node in from_whoosh for alias in node.names if alias.name.startswith("_")}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls", "os", "sys"))
        ):
            found.add("." + node.attr)
    return found


def test_only_the_engine_uses_whooshs_private_names():
    """Whoosh's private names are the fast engine's business (checked against the Whoosh version
    it was written for); anywhere else they would break unseen on another release."""
    users = {
        module: names
        for module, path in modules().items()
        if room(module) != "indexer.engine" and (names := whoosh_private_names(path))
    }
    assert users == {}
    engine = {
        module for module, path in modules().items() if room(module) == "indexer.engine" and whoosh_private_names(path)
    }
    assert "indexer.engine.postings" in engine  # the check sees them where they are


def test_harvest_only_writes_files_for_the_readers():
    """Harvested posts reach the index as files, like any other: harvest needs no other room, and
    only the command line runs it."""
    graph = room_graph()
    assert not graph["indexer.harvest"], graph["indexer.harvest"]
    assert [room for room, targets in graph.items() if "indexer.harvest" in targets] == ["lgsearch"]


def test_the_web_uses_only_the_query_service():
    """`from indexer.query import X` (or `indexer.alerts`) is allowed for X in its __all__;
    nothing deeper, no Whoosh."""
    import indexer.alerts
    import indexer.query

    allowed = (
        {"indexer.query", "indexer.alerts"}
        | {f"indexer.query.{name}" for name in indexer.query.__all__}
        | {f"indexer.alerts.{name}" for name in indexer.alerts.__all__}
    )
    for module, path in modules().items():
        if room(module) != "webui":
            continue
        used = imports_of(path, module)
        assert {name for name in used if name.split(".")[0] == "indexer"} <= allowed, module
        assert not [name for name in used if name.split(".")[0] == "whoosh"], module


def test_alerts_search_through_the_query_service_alone():
    """Email alerts sit beside the web: they search through the query service's public names,
    and know neither Whoosh nor Flask (the web and the command line both use them)."""
    import indexer.query

    allowed = {"indexer.query"} | {f"indexer.query.{name}" for name in indexer.query.__all__}
    for module, path in modules().items():
        if room(module) != "indexer.alerts":
            continue
        used = imports_of(path, module)
        outside = {name for name in used if name.split(".")[0] == "indexer" and room(name) != "indexer.alerts"}
        assert outside <= allowed, (module, outside - allowed)
        assert not [name for name in used if name.split(".")[0] in ("whoosh", "flask", "webui", "lgsearch")], module
    assert "indexer.alerts" not in room_graph()["indexer.query"]


def test_importing_the_query_service_imports_no_flask():
    code = "import sys, indexer.query; print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'webui', 'lgsearch')))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_command_line_still_runs_as_python_m_indexer():
    out = subprocess.run([sys.executable, "-m", "indexer", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0 and "index" in out.stdout and "serve" in out.stdout
