"""The run the training-process tests start: XOR, small and quick, as long as a test needs."""

from __future__ import annotations

from dataclasses import replace

from nnstudio.running.training_process.child import RunRequest
from nnstudio.spec.presets import load_preset


def xor_request(epochs: int = 300, **changes) -> RunRequest:
    preset = load_preset("xor-mlp")
    return RunRequest(1, "run 1", preset.network, replace(preset.training, epochs=epochs),
                      **changes)
