"""Publishing's modules import one way (tasks → services → selectors → claims), and production
code carries no test hooks."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "reports" / "publishing"


def _imports(path: Path) -> set[str]:
    """The sibling modules of reports.publishing that a module imports, anywhere in its body."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:
                found.add(node.module.split(".")[0])
            elif node.level == 1:
                found.update(alias.name for alias in node.names)
            elif node.level == 0 and (node.module or "").startswith("reports.publishing."):
                found.add(node.module.split(".")[2])
    return found


def _graph() -> dict[str, set[str]]:
    modules = {p.stem: p for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    return {name: _imports(path) & set(modules) for name, path in modules.items()}


def test_publishing_has_no_import_cycle():
    graph = _graph()

    def visit(name, stack):
        assert name not in stack, " → ".join([*stack, name])
        for target in graph[name]:
            visit(target, [*stack, name])

    for module in graph:
        visit(module, [])
    assert "claims" in graph["selectors"] and "claims" in graph["services"]
    assert "tasks" not in graph["services"] | graph["selectors"] | graph["receivers"]


def test_production_code_has_no_test_hooks():
    for package in ("config", "agencies", "reports", "portal"):
        for path in (ROOT / package).rglob("*.py"):
            assert "NIANBAO_TEST" not in path.read_text(encoding="utf-8"), path
