"""Test settings shared by the whole suite: Qt offscreen unless --headed, optional data dirs."""

from __future__ import annotations

import os
import sys

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--headed", action="store_true",
                     help="show windows on a real display (e.g. under Xvfb) instead of offscreen")
    parser.addoption("--run-slow", action="store_true",
                     help="also run the long accuracy runs (LeNet-5 for 10 epochs); "
                          "or set NNSTUDIO_SLOW=1")
    parser.addoption("--mnist-dir", default=None,
                     help="folder with the full MNIST IDX files (else NNSTUDIO_MNIST_DIR or "
                          "../shared/data/mnist); tests that need it skip without it")


_exit_status = 0


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    global _exit_status
    _exit_status = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """Leave without tearing the interpreter down: Qt objects destroyed during interpreter
    shutdown can crash (SIGSEGV) after every test has passed and the summary is printed."""
    if "PySide6" in sys.modules:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_exit_status)


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """Delete the widgets a test closed (pytest-qt's deleteLater) before the next test: its
    own event processing never reaches deferred deletes, so every window of the suite stayed
    alive (2,500 widgets each), and every later test that touched all widgets slowed down."""
    if "PySide6.QtWidgets" not in sys.modules:
        return
    from PySide6.QtCore import QCoreApplication, QEvent

    if QCoreApplication.instance() is not None:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def pytest_configure(config: pytest.Config) -> None:
    if not config.getoption("--headed"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    # pyqtgraph must never try OpenGL offscreen.
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
    if config.getoption("--mnist-dir"):
        os.environ["NNSTUDIO_MNIST_DIR"] = config.getoption("--mnist-dir")
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 3000))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow") or os.environ.get("NNSTUDIO_SLOW"):
        return
    skip = pytest.mark.skip(reason="a long accuracy run: use --run-slow or NNSTUDIO_SLOW=1")
    for item in items:
        if "very_slow" in item.keywords:
            item.add_marker(skip)
