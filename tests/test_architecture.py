"""The architecture holds by itself: the layers (import-linter contracts in
pyproject.toml), the linter (ruff), and no import cycles, function-level
imports included. See docs/architecture.md."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "coachtui"


def _run(*cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)


def _contracts() -> list[str]:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return [c["id"] for c in config["tool"]["importlinter"]["contracts"]]


@pytest.mark.parametrize("contract", _contracts())
def test_contract_holds(contract):
    """One test per import-linter contract (ids in pyproject.toml), so the failing
    test names the broken rule; the message is import-linter's list of breaches."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    done = _run(str(lint_imports), "--no-cache", "--contract", contract)
    report = done.stdout.partition("Broken contracts")[2] or done.stdout
    assert done.returncode == 0, f"import-linter contract {contract!r} is broken:\n{report.strip()}\n{done.stderr}"


# Reading or writing tables from a screen through a service's names
# (`history.Join.select()`) slips past import-linter: look for the calls.
QUERY_CALLS = {"select", "get_by_id", "get_or_none", "execute_sql", "insert_many", "where", "atomic"}


def test_screens_and_widgets_build_no_queries():
    found = []
    for folder in ("screens", "widgets"):
        for path in sorted((PACKAGE / folder).glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                        and node.func.attr in QUERY_CALLS:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.func.attr}()")
    assert not found, "screens and widgets must call services, not build queries:\n" + "\n".join(found)


def test_ruff_is_clean():
    done = _run(sys.executable, "-m", "ruff", "check", "--output-format", "concise", "coachtui", "tests", "bench")
    assert done.returncode == 0, f"ruff found problems (`uv run ruff check --fix` mends some):\n{done.stdout}{done.stderr}"


def import_graph(package: Path) -> dict[str, set[str]]:
    """Module -> the package's modules it imports, at any depth of the file
    (an import inside a function still makes a cycle, only a later one)."""
    modules = {}
    for path in package.rglob("*.py"):
        parts = path.with_suffix("").relative_to(package.parent).parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            else:
                continue
            graph[name].update(t for t in targets if t in modules and t != name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_cycles(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from pkg import b\n")
    (pkg / "b.py").write_text("def f():\n    from pkg.c import x\n")
    (pkg / "c.py").write_text("import pkg.a\nx = 1\n")
    (pkg / "d.py").write_text("from pkg import a\n")
    assert cycles(import_graph(pkg)) == [["pkg.a", "pkg.b", "pkg.c"]]


def test_no_import_cycles():
    assert cycles(import_graph(PACKAGE)) == []
