"""What sets compared runs apart: only the settings that differ, in short words."""

from __future__ import annotations

from dataclasses import replace

from nnstudio.running.run_comparison import differing_settings, setting_words
from nnstudio.spec.training import TrainingSpec


def test_only_the_settings_that_differ_are_named() -> None:
    base = TrainingSpec(dataset="spirals", optimizer="adam", lr=0.01, batch_size=16)
    other = replace(base, optimizer="sgd", lr=0.1)
    elsewhere = replace(base, dataset="circles", backend="auto")  # neither is compared
    names = differing_settings([base, other, elsewhere, None])
    assert names == ["optimizer", "lr"]
    assert setting_words(other, names) == "sgd · lr 0.1"
    assert differing_settings([base, None]) == []  # one known run: nothing to compare


def test_setting_words_name_flags_and_numbers() -> None:
    spec = TrainingSpec(shuffle=False, batch_size=32, l2=0.001)
    assert setting_words(spec, ["shuffle", "batch_size", "l2"]) == \
        "no shuffle · batch 32 · l2 decay 0.001"
