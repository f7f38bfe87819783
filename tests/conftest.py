"""Test settings shared by the whole suite: Qt offscreen unless --headed, optional data dirs."""

from __future__ import annotations

import os
import sys

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--headed", action="store_true",
                     help="show windows on a real display (e.g. under Xvfb) instead of offscreen")
    parser.addoption("--mnist-dir", default=None,
                     help="folder with the full MNIST IDX files (else NNSTUDIO_MNIST_DIR or "
                          "../shared/data/mnist); tests that need it skip without it")


def pytest_configure(config: pytest.Config) -> None:
    if not config.getoption("--headed"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    # pyqtgraph must never try OpenGL offscreen.
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
    if config.getoption("--mnist-dir"):
        os.environ["NNSTUDIO_MNIST_DIR"] = config.getoption("--mnist-dir")
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 3000))
