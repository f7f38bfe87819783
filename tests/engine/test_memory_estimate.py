"""A network too big for the machine is refused before anything is allocated, with its size
and its largest layer, on every path that builds one: `train`, `eval`, `gradcheck`, the
app's inspection copy and its training process (all through build_network)."""

from __future__ import annotations

import numpy as np
import pytest

import nnstudio.running.memory
from nnstudio.cli import main
from nnstudio.running.build import build_network
from nnstudio.running.inspection_copy import InspectionCopy
from nnstudio.running.memory import NetworkTooLarge, estimate_memory
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.presets import load_preset

GIB = 1024**3


def dense_chain(*units: int) -> NetworkSpec:
    return NetworkSpec.sequential([("Dense", {"units": u}) for u in units], input_shape=[784])


@pytest.fixture
def machine_with(monkeypatch):  # noqa: ANN201
    def set_available(count: int | None) -> None:
        monkeypatch.setattr(nnstudio.running.memory, "available_memory", lambda: count)
    return set_available


def test_a_network_bigger_than_memory_is_refused_naming_its_largest_layer(machine_with) -> None:
    machine_with(1_000_000)
    spec = dense_chain(1000, 10)  # 795,010 parameters: 6.4 MB with gradients, +6.3 MB to draw
    with pytest.raises(NetworkTooLarge, match=r"needs about 12\.6 MB of memory to build") as error:
        build_network(spec)
    assert "largest layer, dense1" in str(error.value)
    assert isinstance(error.value, ValueError) and isinstance(error.value, MemoryError)
    with pytest.raises(ValueError, match="too big"):  # the app's inspection copy says so
        InspectionCopy(spec)
    machine_with(None)  # memory unknown: no check
    assert build_network(spec).parameter_count() == 795_010


def test_the_estimate_counts_what_building_and_training_allocate() -> None:
    spec = load_preset("mlp-784-100-10").network
    analysis = spec.analyze()
    network = build_network(spec)
    built = sum(2 * a.nbytes for node in network.layer_nodes for a in node.layer.params.values())
    estimate = estimate_memory(spec, analysis)
    assert built <= estimate.total_bytes <= built + 8 * max(analysis.param_counts.values())
    trained = estimate_memory(spec, analysis, batch_size=64, optimizer="adam").total_bytes
    assert trained > 2 * estimate.total_bytes


def test_784_100000_100000_10_summarizes_but_does_not_train(capsys, machine_with,
                                                             tmp_path) -> None:
    machine_with(16 * GIB)
    spec_file = tmp_path / "big.json"
    spec_file.write_text(dense_chain(100000, 100000, 10).dumps(), encoding="utf-8")
    assert main(["summary", str(spec_file)]) == 0  # shapes only: nothing to allocate
    assert "10,079,600,010" in capsys.readouterr().out
    for command in ("train", "gradcheck", "eval"):
        assert main([command, str(spec_file)]) == 2
        err = capsys.readouterr().err
        assert "nnstudio: error: The network is too big" in err and "GB" in err
        assert "largest layer, dense2" in err and "Traceback" not in err
    assert main(["export", str(spec_file), "-f", "npz", "-o", str(tmp_path / "w.npz")]) == 2
    assert "too big" in capsys.readouterr().err and not (tmp_path / "w.npz").exists()
    with pytest.raises(NetworkTooLarge):
        build_network(dense_chain(100000, 100000, 10), dtype=np.float32)


def test_available_memory_is_read_with_a_fallback(monkeypatch) -> None:
    import builtins
    import os

    from nnstudio.running.memory import available_memory

    assert available_memory() > 0
    monkeypatch.setattr(builtins, "open", lambda *a, **k: (_ for _ in ()).throw(OSError()))
    assert available_memory() > 0  # from os.sysconf
    monkeypatch.delattr(os, "sysconf")
    assert available_memory() is None  # nothing to read: no check rather than a refusal
