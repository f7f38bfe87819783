"""Node positions read from a file: finite and within reach of the canvas, or one clear
error naming the node (a NaN crashed the canvas, 1e30 hung opening)."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnstudio.spec.network import MAX_POSITION, NetworkSpec, SpecError
from nnstudio.spec.presets import load_preset


def network_with_pos(pos: object) -> dict:
    data = load_preset("xor-mlp").network.to_json()
    data["nodes"][1]["pos"] = pos
    return data


@pytest.mark.parametrize("pos", [
    [math.nan, 0], [0, math.inf], [-math.inf, 1], [1e30, -1e30], [MAX_POSITION * 2, 0],
    [0, -MAX_POSITION * 1.5], [10 ** 400, 0],
])
def test_bad_positions_are_one_clear_error_naming_the_node(pos) -> None:
    data = network_with_pos(pos)
    node = data["nodes"][1]["id"]
    with pytest.raises(SpecError, match=rf"^{node}: 'pos' .*(finite|too far)"):
        NetworkSpec.from_json(data)


def test_json_text_with_nan_or_infinity_is_refused() -> None:
    text = json.dumps(network_with_pos([0, 0])).replace("[0, 0]", "[NaN, Infinity]", 1)
    with pytest.raises(SpecError, match="finite"):
        NetworkSpec.from_json(json.loads(text))


@pytest.mark.parametrize("pos", [[0, 0], [-MAX_POSITION, MAX_POSITION], [12.5, -3]])
def test_ordinary_and_far_but_sane_positions_load(pos) -> None:
    spec = NetworkSpec.from_json(network_with_pos(pos))
    assert spec.nodes[1].pos == (float(pos[0]), float(pos[1]))


POSITION_VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True), st.integers(-10 ** 400, 10 ** 400),
    st.booleans(), st.none(), st.text(max_size=3))


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.lists(POSITION_VALUES, max_size=3), POSITION_VALUES,
                 st.dictionaries(st.text(max_size=2), POSITION_VALUES, max_size=2)))
def test_any_position_loads_finite_and_in_range_or_is_one_clear_error(pos) -> None:
    data = network_with_pos(pos)
    try:
        spec = NetworkSpec.from_json(data)
    except SpecError as error:
        assert str(error).startswith(f"{data['nodes'][1]['id']}: 'pos' ")
        return
    loaded = spec.nodes[1].pos
    assert loaded is None or all(math.isfinite(v) and abs(v) <= MAX_POSITION for v in loaded)
