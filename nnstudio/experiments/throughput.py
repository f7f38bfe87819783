"""`nnstudio bench --sweep`: how much faster K local workers finish a fixed grid than one.

The same grid (learning rates x hidden widths of ``mlp-784-100-10`` on the embedded subset)
runs once with one worker and once with K, each into a fresh study in a temporary folder;
the figure is the ratio of the two wall times (K workers ideally K times as fast).
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from nnstudio.experiments.search_space import SearchSpace
from nnstudio.experiments.sweep import Sweep
from nnstudio.spec.presets import load_preset

BENCH_PRESET = "mlp-784-100-10"
BENCH_PARAMS = ("lr=0.0005,0.001,0.002,0.004", "dense1.units=64,128")
BENCH_EPOCHS = 5


def time_grid(workers: int, folder: Path, epochs: int = BENCH_EPOCHS) -> tuple[float, int]:
    """Seconds to run the whole grid with ``workers`` workers, and its number of trials."""
    preset = load_preset(BENCH_PRESET)
    training = replace(preset.training, epochs=epochs, dataset="mnist-subset")
    space = SearchSpace.parse(preset.network, BENCH_PARAMS, training)
    sweep = Sweep(preset.network, training, space, strategy="grid", trials=space.grid_size(),
                  workers=workers, study=str(folder / f"bench-{workers}.db"), keep_weights=0)
    start = time.perf_counter()
    result = sweep.run()
    seconds = time.perf_counter() - start
    done = sum(1 for row in result.rows if row.state == "complete")
    if done != space.grid_size():
        raise RuntimeError(f"the benchmark's grid finished {done} of {space.grid_size()} "
                           f"trials")
    return seconds, done


def run_sweep_benchmark(workers: int = 2, epochs: int = BENCH_EPOCHS,
                        log: Any = print) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="nnstudio-bench-") as folder:
        one, trials = time_grid(1, Path(folder), epochs)
        log(f"sweep, {trials} trials of {BENCH_PRESET} ({epochs} epochs each): 1 worker "
            f"{one:.1f} s")
        many, _ = time_grid(workers, Path(folder), epochs)
    speedup = one / many
    log(f"sweep: {workers} workers {many:.1f} s -> {speedup:.2f}x as fast as 1 worker "
        f"(target {0.8 * workers:.1f}x)")
    return {"trials": trials, "epochs": epochs, "workers": workers, "one_worker_seconds":
            round(one, 2), "workers_seconds": round(many, 2), "speedup": round(speedup, 3),
            "target": 0.8 * workers}
