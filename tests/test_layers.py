"""models, workflow and reports never import Qt or the UI (DESIGN.md, Layers)."""

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "klachtenbureau"
CORE = ("models", "workflow", "reports")


def imported_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


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
