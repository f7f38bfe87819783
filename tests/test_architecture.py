"""The arrows point one way: the import contracts in pyproject.toml ([tool.importlinter]) hold.

They keep Qt and the window's code in nnstudio.app (only the `nnstudio` command opens the
window), the layers from the command line and the window down to spec | engine | data, and
CuPy in the engine's backend; imports inside functions count. CI runs `lint-imports` too.
"""

from __future__ import annotations

from pathlib import Path

from importlinter.cli import lint_imports

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def test_import_contracts_hold(capsys) -> None:
    code = lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True)
    report = capsys.readouterr().out
    assert code == 0, report
