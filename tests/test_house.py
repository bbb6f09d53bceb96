"""The house's shape, read from the code: imports run one way, and the package maps tell the truth.

- Nothing in graph/ or ontology/ imports service/, at module or function level.
- No import cycle anywhere, function-level imports counted (an ``if TYPE_CHECKING:`` import
  never runs, so it does not count).
- service/ is layered as its __init__.py lists it: each subpackage imports only those below it.
- Every package's __init__.py maps its modules: each one listed, none that is not there.
- README's layout section is those maps, as ``layout()`` writes them.
- tests/ mirrors the code: a folder under tests/graph/ or tests/service/ is a package there.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("graph", "ontology", "service")
MAP_LINE = re.compile(r"^    (?P<name>[A-Za-z0-9_]+(?:\.py|/))\s{2,}(?P<says>\S.*)$")


def _modules() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = path
    return out


MODULES = _modules()


def _package_of(name: str, path: Path) -> str:
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imported(name: str, path: Path) -> set[str]:
    """The project modules ``name`` imports, anywhere in its code (functions included)."""
    package = _package_of(name, path)
    found: set[str] = set()

    def closest(module: str) -> str | None:
        while module and module not in MODULES:
            module = module.rpartition(".")[0]
        return module or None

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking_only(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = closest(alias.name)
                if target:
                    found.add(target)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                target = closest(f"{base}.{alias.name}") if f"{base}.{alias.name}" in MODULES else closest(base)
                if target:
                    found.add(target)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text("utf-8"), str(path)))
    found.discard(name)
    return found


IMPORTS = {name: _imported(name, path) for name, path in MODULES.items()}


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(IMPORTS[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(IMPORTS):
        if v not in index:
            strong(v)
    return out


def test_the_pipeline_and_the_ontology_never_import_the_service():
    wrong = sorted(f"{name} -> {target}" for name, targets in IMPORTS.items()
                   if name.split(".")[0] in ("graph", "ontology")
                   for target in targets if target.split(".")[0] == "service")
    assert wrong == []


def test_no_import_cycle_anywhere():
    assert _cycles() == []


def test_the_check_sees_function_level_imports():
    # graph/cli.py imports its stages inside the commands; the check must see them
    assert "graph.build" in IMPORTS["graph.cli"]
    assert "service.lifecycle.startup_cache" in IMPORTS["service.cli"]


def _map(package: str) -> list[tuple[str, str]]:
    """(file or folder, what it is) as the package's __init__.py docstring lists them."""
    doc = ast.get_docstring(ast.parse(MODULES[package].read_text("utf-8")), clean=False) or ""
    return [(m["name"], m["says"]) for line in doc.splitlines() if (m := MAP_LINE.match(line))]


SERVICE_LAYERS = [name.rstrip("/").removesuffix(".py") for name, _ in _map("service")]


def test_service_layers_import_only_downward():
    rank = {layer: i for i, layer in enumerate(SERVICE_LAYERS)}
    wrong = []
    for name, targets in IMPORTS.items():
        parts = name.split(".")
        if parts[0] != "service" or len(parts) < 2:
            continue
        for target in targets:
            tparts = target.split(".")
            if tparts[0] != "service" or len(tparts) < 2 or tparts[1] == parts[1]:
                continue
            if rank[tparts[1]] < rank[parts[1]]:
                wrong.append(f"{name} -> {target}")
    assert wrong == [], f"imports up the list of service/__init__.py: {wrong}"


def _mapped_packages() -> list[str]:
    """service and its subpackages, and graph's subpackages (graph/ itself is mapped in the README)."""
    return [name for name, path in MODULES.items() if path.name == "__init__.py"
            and (name.startswith("service") or name.count(".") >= 1 and name.startswith("graph"))]


def test_every_package_maps_its_modules():
    for package in _mapped_packages():
        folder = MODULES[package].parent
        there = {p.name for p in folder.glob("*.py") if p.name != "__init__.py"}
        there |= {f"{p.name}/" for p in folder.iterdir() if (p / "__init__.py").is_file()}
        listed = {name for name, _ in _map(package)}
        assert listed == there, f"{package}/__init__.py: missing {sorted(there - listed)}, gone {sorted(listed - there)}"


def layout() -> str:
    """README's layout section: service/ and each subpackage, as their __init__.py map them."""
    lines: list[str] = []

    def walk(package: str, depth: int) -> None:
        for name, says in _map(package):
            lines.append(f"{'    ' * depth}{name}".ljust(30) + says)
            if name.endswith("/"):
                walk(f"{package}.{name[:-1]}", depth + 1)

    walk("service", 0)
    return "\n".join(lines) + "\n"


def test_the_readme_layout_is_the_package_maps():
    readme = (ROOT / "README.md").read_text("utf-8")
    block = readme.split("<!-- layout: tests/test_house.py -->\n", 1)[1].split("```\n", 2)[1]
    assert block == layout(), "README's layout section is stale; write in what layout() returns:\n" + layout()


def test_the_tests_mirror_the_code():
    tests = ROOT / "tests"
    wrong = [str(d.relative_to(tests)) for top in ("graph", "service") for d in (tests / top).rglob("*")
             if d.is_dir() and d.name != "__pycache__" and not (ROOT / d.relative_to(tests) / "__init__.py").is_file()]
    assert wrong == [], f"test folders with no package of that name: {wrong}"
