"""Every training test here also checks that the controller followed runs.state's table of
transitions: a refused transition (written to the error log) fails the test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def transitions_followed(monkeypatch: pytest.MonkeyPatch, tmp_path) -> Iterator[list[str]]:  # noqa: ANN001
    """What the controller wrote to the error log (tests that expect entries patch it
    again themselves)."""
    import nnstudio.app.training.controller as module

    written: list[str] = []

    def log(text: str):  # noqa: ANN202
        written.append(text)
        return tmp_path / "nnstudio.log"

    monkeypatch.setattr(module, "write_error_log", log)
    yield written
    refused = [text for text in written if "refused to go from" in text]
    assert not refused, refused
