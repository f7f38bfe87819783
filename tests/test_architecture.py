"""The arrows point one way: Qt only in app/, and engine/ and spec/ independent of each other."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "nnstudio"
QT = ("PySide6", "pyqtgraph", "superqt", "shiboken6")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules_under(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py")) if folder else sorted(PACKAGE.glob("*.py"))


@pytest.mark.parametrize("folder", ["engine", "spec", "data", "export", "runs", ""])
def test_no_qt_outside_app(folder: str) -> None:
    for path in modules_under(folder):
        bad = {m for m in imported_modules(path) if m.split(".")[0] in QT}
        assert not bad, f"{path.relative_to(PACKAGE)} imports {bad}"


@pytest.mark.parametrize(("folder", "forbidden"), [
    ("engine", ("nnstudio.spec", "nnstudio.build", "nnstudio.app", "nnstudio.data",
                "nnstudio.session", "nnstudio.project")),
    ("spec", ("nnstudio.engine", "nnstudio.build", "nnstudio.app", "nnstudio.data",
              "nnstudio.session", "nnstudio.project")),
    ("data", ("nnstudio.app", "nnstudio.engine", "nnstudio.spec")),
    ("runs", ("nnstudio.app",)),  # a training process never loads the window's code
])
def test_layers_do_not_reach_up_or_across(folder: str, forbidden: tuple[str, ...]) -> None:
    for path in modules_under(folder):
        bad = {m for m in imported_modules(path) if m.startswith(forbidden)}
        assert not bad, f"{path.relative_to(PACKAGE)} imports {bad}"


def test_only_backend_imports_cupy() -> None:
    for path in PACKAGE.rglob("*.py"):
        if path.name == "backend.py":
            continue
        assert "cupy" not in {m.split(".")[0] for m in imported_modules(path)}, path
