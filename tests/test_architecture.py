"""The arrows point one way: the import contracts in pyproject.toml ([tool.importlinter]) hold.

They keep Qt and the window's code in nnstudio.app (only the `nnstudio` command opens the
window), the layers from the command line and the window down to spec | engine | data, and
CuPy in the engine's backend; imports inside functions count. CI runs `lint-imports` too.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from importlinter.cli import lint_imports

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
QT = ("PySide6", "pyqtgraph", "shiboken6", "superqt")


def test_import_contracts_hold(capsys) -> None:
    code = lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True)
    report = capsys.readouterr().out
    assert code == 0, report


def test_headless_commands_load_no_qt() -> None:
    """What the contracts cannot see (a module imported by name) is checked by running: the
    command line's headless commands, the bench command's options included, load no Qt."""
    script = (
        "import sys\n"
        "from nnstudio.cli import main\n"
        "assert main(['summary', 'lenet5']) == 0\n"
        "assert main(['train', 'xor-mlp', '--epochs', '1']) == 0\n"
        "assert main(['bench', '--no-engine']) == 0\n"
        "loaded = sorted({name.split('.')[0] for name in sys.modules} & set(QT))\n"
        "assert not loaded, loaded\n")
    done = subprocess.run([sys.executable, "-c", f"QT = {QT!r}\n{script}"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
