"""The core knows nothing of Qt: only genomap/ui and genomap/app.py may import PySide6.

Checked two ways: statically (no import statement names PySide6 outside the UI),
and dynamically (importing every non-UI module in a fresh interpreter loads no Qt).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "genomap"
UI_ALLOWED = {"ui", "app.py"}


def _non_ui_modules() -> list[Path]:
    out = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] in UI_ALLOWED:
            continue
        if "migrations" in rel.parts and "versions" in rel.parts:
            continue
        out.append(path)
    return out


def _imported_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_qt_import_statements_outside_ui():
    offenders = []
    for path in _non_ui_modules():
        for name in _imported_names(path):
            if name.split(".")[0] in {"PySide6", "shiboken6", "PyQt5", "PyQt6"}:
                offenders.append(f"{path.relative_to(PACKAGE)} imports {name}")
            if name.startswith("genomap.ui") or name == "genomap.app":
                # lazy imports inside functions are allowed for the CLI's GUI-backed commands
                continue
    assert not offenders, "Qt imported outside genomap/ui: " + "; ".join(offenders)


def test_core_modules_import_without_qt():
    modules = []
    for path in _non_ui_modules():
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if parts[-1] in {"__main__", "env"}:
            continue
        modules.append(".".join(parts))
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"Qt was loaded by core modules: {result.stdout}"
