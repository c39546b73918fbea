"""models, workflow and reports never import Qt or the UI; among themselves they import downwards only (DESIGN.md, Layers).

workflow may import reports and models, reports may import models but never workflow, models import neither.
"""

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "klachtenbureau"
CORE = ("models", "workflow", "reports")


def imported_names(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function; ``from a import b`` gives a and a.b."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import; the layer checks expect absolute ones"
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def layer_offenders(layer: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    """The modules of ``layer`` importing one of the ``forbidden`` layers, with what they import."""
    prefixes = tuple(f"klachtenbureau.{name}" for name in forbidden)
    offenders = {}
    for path in (PACKAGE / layer).rglob("*.py"):
        bad = {n for n in imported_names(path) if n in prefixes or n.startswith(tuple(p + "." for p in prefixes))}
        if bad:
            offenders[str(path.relative_to(PACKAGE))] = sorted(bad)
    return offenders


def test_core_layers_import_neither_qt_nor_the_ui():
    offenders = {}
    for layer in CORE:
        for path in (PACKAGE / layer).rglob("*.py"):
            bad = {n for n in imported_names(path) if n.split(".")[0] == "PySide6" or n.startswith("klachtenbureau.ui")}
            if bad:
                offenders[str(path.relative_to(PACKAGE))] = sorted(bad)
    assert offenders == {}


def test_importing_every_core_module_loads_no_qt():
    modules = [f"klachtenbureau.{p.relative_to(PACKAGE).with_suffix('').as_posix().replace('/', '.')}"
               for layer in CORE for p in (PACKAGE / layer).rglob("*.py") if p.name != "__init__.py"]
    code = ("import importlib, sys\n"
            f"for m in {modules!r}: importlib.import_module(m)\n"
            "loaded = [m for m in sys.modules if m.startswith(('PySide6', 'klachtenbureau.ui'))]\n"
            "print(loaded); sys.exit(1 if loaded else 0)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=PACKAGE.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(modules) > 10


def test_the_ui_never_imports_peewee():
    """A database failure reaches the UI typed (workflow.db_errors, ui/operations.py), never as a driver's exception."""
    offenders = {str(path.relative_to(PACKAGE)): sorted(n for n in imported_names(path) if n.split(".")[0] in (
        "peewee", "playhouse", "sqlite3", "psycopg2")) for path in (PACKAGE / "ui").rglob("*.py")}
    assert {path: names for path, names in offenders.items() if names} == {}


def test_reports_never_import_the_workflow():
    assert layer_offenders("reports", ("workflow",)) == {}


def test_models_import_neither_the_workflow_nor_the_reports():
    assert layer_offenders("models", ("workflow", "reports")) == {}


def test_the_workflow_does_import_reports_and_models():
    # The allowed direction, so the checks above look at real import lines and do not pass on an empty parse.
    workflow_imports = set().union(*(imported_names(p) for p in (PACKAGE / "workflow").rglob("*.py")))
    assert any(n.startswith("klachtenbureau.reports.") for n in workflow_imports)
    assert any(n.startswith("klachtenbureau.models.") for n in workflow_imports)


def test_layer_check_catches_a_forbidden_import(tmp_path, monkeypatch):
    fake = tmp_path / "klachtenbureau"
    (fake / "models").mkdir(parents=True)
    (fake / "models" / "bad.py").write_text("def f():\n    from klachtenbureau import workflow\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    assert layer_offenders("models", ("workflow", "reports")) == {
        str(Path("models", "bad.py")): ["klachtenbureau.workflow"]}
