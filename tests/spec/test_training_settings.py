"""The table of training settings is complete and says what a search needs."""

from __future__ import annotations

import math
from dataclasses import fields

import pytest

from nnstudio.spec.training import TrainingSpec, TrainingSpecError
from nnstudio.spec.training_settings import GROUPS, SETTINGS, TRAINING_SETTINGS


def test_the_table_holds_every_field_of_training_spec_with_its_default() -> None:
    spec = TrainingSpec()
    assert {f.name for f in fields(spec)} == set(SETTINGS)
    for setting in TRAINING_SETTINGS:
        assert getattr(spec, setting.name) == setting.default, setting.name
        assert setting.check(setting.default) is None, setting.name
    assert spec.problems() == []


@pytest.mark.parametrize("setting", TRAINING_SETTINGS, ids=lambda s: s.name)
def test_each_setting_describes_itself_for_people_and_for_a_search(setting) -> None:
    assert setting.label and setting.help
    assert setting.group is None or setting.group in GROUPS
    assert setting.flag is None or setting.flag.startswith("--")
    if setting.kind in ("int", "float"):
        assert math.isfinite(setting.minimum) and math.isfinite(setting.maximum)
        assert setting.minimum < setting.maximum
    if setting.log_scale:  # a search spreads it over decades: it needs a positive floor
        assert setting.kind in ("int", "float") and setting.minimum > 0
    if setting.kind == "choice":
        assert setting.default in setting.choices and len(setting.choices) > 1
    if setting.applies_when is not None:
        other, values = setting.applies_when
        assert other in SETTINGS and values
        assert all(SETTINGS[other].check(v) is None for v in values)


def test_the_learning_rate_is_searched_on_a_log_scale() -> None:
    assert SETTINGS["lr"].log_scale and SETTINGS["lr"].minimum > 0


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -1.0, "fast", True])
def test_a_learning_rate_that_is_not_a_usable_number_is_refused(value) -> None:
    assert any(p.startswith("lr must") for p in TrainingSpec(lr=value).problems())


def test_a_saved_file_out_of_range_is_refused_naming_the_setting() -> None:
    with pytest.raises(TrainingSpecError, match="momentum must be at most 0.9999"):
        TrainingSpec.from_json({"momentum": 0.99999})
    with pytest.raises(TrainingSpecError, match="batch_size must be at most 1e"):
        TrainingSpec.from_json({"batch_size": 1_000_001})
    assert TrainingSpec.from_json({"batch_size": 1_000_000, "momentum": 0.9999}).problems() == []


def test_the_learning_rate_offered_for_each_optimizer_is_within_range() -> None:
    from nnstudio.spec.training_settings import DEFAULT_LR

    assert set(DEFAULT_LR) == set(SETTINGS["optimizer"].choices)
    assert all(SETTINGS["lr"].check(lr) is None for lr in DEFAULT_LR.values())
    assert hash(SETTINGS["loss"]) == hash(SETTINGS["loss"])  # a frozen, hashable entry
