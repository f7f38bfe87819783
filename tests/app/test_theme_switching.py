"""The light and dark themes, and switching between them with every view open.

Switching the theme restyles every widget of the application, so it is checked in a fresh
Python process: in the suite's own process it would also restyle the thousands of widgets the
earlier tests leave behind, which takes minutes and measures nothing of the app. The checks
themselves are the modules in tests/app/fresh_process/."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECKS = sorted((Path(__file__).parent / "fresh_process").glob("*_checks.py"))


@pytest.mark.parametrize("checks", CHECKS, ids=[path.stem for path in CHECKS])
def test_theme_checks_pass_in_a_fresh_process(checks: Path, tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", str(checks), "-q", "-p", "no:cacheprovider",
         "--basetemp", str(tmp_path / "checks")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=540)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
