"""`nnstudio bench`: training and inference speed, as ratios to PyTorch in the same run.

Synthetic data is enough for speed: 60,000 random 28x28 samples with random labels. Our
epochs run through the real training loop (Trainer), so its overhead is part of the figure.
Both engines get the same number of threads (``--threads``; each count given is a run of
its own): PyTorch's intra-op threads and the BLAS threads, and our convolutional networks
share each batch across that many processes of one thread each (engine/sharing.py), so
both use the same cores. Each figure is the median of ``--repeats`` interleaved timings (ours, then
PyTorch's, then ours again...), so that a neighbour busy on a shared machine slows both.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy

from nnstudio.cli.bench_torch import EPOCH, threads_limited, time_torch
from nnstudio.cli.options import positive_int
from nnstudio.engine.backend import BACKEND_NAMES, get_device
from nnstudio.engine.losses import make_loss
from nnstudio.engine.optimizers import make_optimizer
from nnstudio.engine.trainer import Trainer, TrainerConfig

NETWORKS = ("mlp-784-100-10", "small-cnn", "lenet5")
COURSE_NETWORK = "course-784-30-10"
COURSE_REFERENCE_SECONDS = 4.5  # the course's network.py, per epoch, measured on this machine


def default_threads() -> list[int]:
    """One thread, and every core of the machine."""
    return sorted({1, os.cpu_count() or 1})


def register(commands: argparse._SubParsersAction) -> None:
    bench = commands.add_parser("bench", help="time training and inference (optionally vs PyTorch)")
    bench.add_argument("--vs-torch", action="store_true", help="time PyTorch (CPU) in the same run")
    bench.add_argument("--samples", type=positive_int, default=60000,
                       help="samples per training epoch")
    bench.add_argument("--backend", choices=BACKEND_NAMES, default="numpy")
    bench.add_argument("--threads", type=positive_int, nargs="+", default=None, metavar="N",
                       help="threads (cores) for both engines: PyTorch's and BLAS threads, and "
                            "our batches shared across that many processes where the "
                            "network allows it; several counts run "
                            "one after another (default: 1 and the machine's cores)")
    bench.add_argument("--repeats", type=positive_int, default=1,
                       help="interleaved timings per figure; the median is reported")
    bench.add_argument("--no-engine", action="store_true",
                       help="skip the engine timings (with --pad or --app)")
    bench.add_argument("--json", action="store_true", help="end with one JSON object")
    # Other packages add their own options and a `more_benchmarks(args) -> figures` here:
    # the window's (--pad, --app) come from nnstudio.app.benchmarks, registered by the command
    # line after this, so that this module never imports the window's code.
    bench.set_defaults(handler=cmd_bench, more_benchmarks=None)


def synthetic_data(n: int, seed: int = 0) -> tuple[numpy.ndarray, numpy.ndarray]:
    rng = numpy.random.default_rng(seed)
    return rng.random((n, 784), dtype=numpy.float32), rng.integers(0, 10, n)


def time_ours(preset: str, x: numpy.ndarray, y: numpy.ndarray, batch_size: int, lr: float,
              backend: str, loss_name: str | None = None, cores: int = 1) -> dict[str, float]:
    """One epoch through the real training loop, then inference of 10,000 samples, each
    batch shared across ``cores`` processes where the network allows it (see
    engine/sharing.py), else on the BLAS threads the process has."""
    from nnstudio.running.build import build_network
    from nnstudio.spec.presets import load_preset

    p = load_preset(preset)
    device = get_device(backend)
    net = build_network(p.network, p.training, device=device)
    shape = p.network.analyze().shapes["input"]
    xs = x.reshape(len(x), *shape)
    loss = make_loss(loss_name or p.training.loss)
    trainer = Trainer(net, loss, make_optimizer("sgd", lr=lr), xs, y,
                      TrainerConfig(epochs=1, batch_size=batch_size, shuffle=True, cores=cores))
    try:
        for _ in trainer.run():  # warm-up: starts any helper processes, loads BLAS
            break
        processes = len(trainer.sharing.helpers) + 1 if trainer.sharing else 1
        start = time.perf_counter()
        for _ in trainer.run():
            pass
        device.synchronize()
        train_seconds = time.perf_counter() - start
        test = xs[:10000]
        start = time.perf_counter()
        trainer.passes.predict(test)
        device.synchronize()
        infer_seconds = time.perf_counter() - start
    finally:
        trainer.close()
    return {"train_seconds": train_seconds * EPOCH / len(x), "inference_seconds": infer_seconds,
            "samples_per_second": len(x) / train_seconds, "processes": processes}


def course_reference_epoch(x: numpy.ndarray, y: numpy.ndarray, samples: int = 6000) -> float:
    """Seconds per 60,000 samples of a per-sample loop written as the course's network.py
    does it (backprop one sample at a time, [784, 30, 10] sigmoid, batches of 10)."""
    rng = numpy.random.default_rng(0)
    sizes = [784, 30, 10]
    weights = [rng.standard_normal((o, i)) for i, o in zip(sizes[:-1], sizes[1:], strict=True)]
    biases = [rng.standard_normal((o, 1)) for o in sizes[1:]]

    def sigmoid(z: numpy.ndarray) -> numpy.ndarray:
        return 1.0 / (1.0 + numpy.exp(-z))

    samples = min(samples, len(x))
    onehot = numpy.eye(10)[y[:samples]][..., None]
    xs = x[:samples].astype(numpy.float64)[..., None]
    start = time.perf_counter()
    for lo in range(0, samples, 10):
        nabla_w = [numpy.zeros(w.shape) for w in weights]
        nabla_b = [numpy.zeros(b.shape) for b in biases]
        for xi, yi in zip(xs[lo:lo + 10], onehot[lo:lo + 10], strict=True):
            activation, activations, zs = xi, [xi], []
            for w, b in zip(weights, biases, strict=True):
                z = w @ activation + b
                zs.append(z)
                activation = sigmoid(z)
                activations.append(activation)
            delta = (activations[-1] - yi) * sigmoid(zs[-1]) * (1 - sigmoid(zs[-1]))
            nabla_b[-1] += delta
            nabla_w[-1] += delta @ activations[-2].T
            sp = sigmoid(zs[-2]) * (1 - sigmoid(zs[-2]))
            delta = (weights[-1].T @ delta) * sp
            nabla_b[-2] += delta
            nabla_w[-2] += delta @ activations[-3].T
        weights = [w - 0.3 * nw for w, nw in zip(weights, nabla_w, strict=True)]
        biases = [b - 0.3 * nb for b, nb in zip(biases, nabla_b, strict=True)]
    return (time.perf_counter() - start) * EPOCH / samples




def median_figures(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def time_network(preset: str, x: numpy.ndarray, y: numpy.ndarray, batch_size: int, lr: float,
                 backend: str, repeats: int, with_torch: bool, cores: int = 1) -> dict[str, Any]:
    """Ours (and PyTorch's) timings, interleaved ``repeats`` times; medians, and the median
    of each repeat's ratio."""
    ours_runs, torch_runs = [], []
    for _ in range(repeats):
        ours_runs.append(time_ours(preset, x, y, batch_size, lr, backend, cores=cores))
        if with_torch:
            torch_runs.append(time_torch(preset, x, y, batch_size, lr))
    entry: dict[str, Any] = {"ours": median_figures(ours_runs), "batch_size": batch_size}
    if with_torch:
        entry["torch"] = median_figures(torch_runs)
        for kind in ("train", "inference"):
            entry[f"{kind}_ratio"] = statistics.median(
                ours[f"{kind}_seconds"] / theirs[f"{kind}_seconds"]
                for ours, theirs in zip(ours_runs, torch_runs, strict=True))
    return entry


def network_line(preset: str, entry: dict[str, Any]) -> str:
    ours = entry["ours"]
    shared = ours.get("processes", 1)
    how = f" ({shared:.0f} processes of 1 thread)" if shared > 1 else ""
    line = (f"{preset:<16} ours{how}: epoch {ours['train_seconds']:6.2f} s "
            f"({ours['samples_per_second']:,.0f} samples/s), inference of 10,000 "
            f"{ours['inference_seconds'] * 1000:6.1f} ms")
    if "torch" in entry:
        theirs = entry["torch"]
        line += (f"\n{'':<16} torch: epoch {theirs['train_seconds']:6.2f} s, inference "
                 f"{theirs['inference_seconds'] * 1000:6.1f} ms  ->  ratio ours/torch: "
                 f"train {entry['train_ratio']:.2f}x, inference {entry['inference_ratio']:.2f}x")
    return line


def time_course(x: numpy.ndarray, y: numpy.ndarray, backend: str, repeats: int,
                with_torch: bool, cores: int = 1) -> dict[str, Any]:
    """The course's network at batch 10 against its per-sample loop (and PyTorch)."""
    entry = time_network(COURSE_NETWORK, x, y, 10, 3.0, backend, repeats, with_torch, cores)
    ours = entry["ours"]["train_seconds"]
    loops = [course_reference_epoch(x, y) for _ in range(repeats)]
    reference = statistics.median(loops)
    entry.update({"ours_seconds": ours, "per_sample_loop_seconds": reference,
                  "speedup_vs_per_sample_loop": reference / ours,
                  "speedup_vs_reported_4_5s": COURSE_REFERENCE_SECONDS / ours})
    return entry


def run_bench(samples: int = 60000, vs_torch: bool = False, backend: str = "numpy",
              log: Callable[[str], None] = print, threads: list[int] | None = None,
              repeats: int = 1) -> dict[str, Any]:
    x, y = synthetic_data(samples)
    threads = threads or default_threads()
    results: dict[str, Any] = {"samples": samples, "batch_size": 64, "backend": backend,
                               "threads": threads, "repeats": repeats, "runs": []}
    torch_ok = False
    if vs_torch:
        try:
            import torch

            torch_ok = True
            results["torch_version"] = torch.__version__
        except ImportError:
            log("PyTorch is not installed: timing ours only (pip install torch)")
    for count in threads:
        who = "ours and PyTorch" if torch_ok else "ours"
        log(f"-- {count} thread{'s' if count > 1 else ''} ({who}); median of {repeats} "
            f"interleaved run{'s' if repeats > 1 else ''}")
        run: dict[str, Any] = {"threads": count, "networks": {}}
        with threads_limited(count):
            for preset in NETWORKS:
                entry = time_network(preset, x, y, 64, 0.01, backend, repeats, torch_ok, count)
                log(network_line(preset, entry))
                run["networks"][preset] = entry
            course = run["course"] = time_course(x, y, backend, repeats, torch_ok, count)
        line = (f"{COURSE_NETWORK} (batch 10): ours {course['ours_seconds']:.2f} s per epoch; "
                f"the course's per-sample loop {course['per_sample_loop_seconds']:.2f} s -> "
                f"{course['speedup_vs_per_sample_loop']:.1f}x faster")
        if torch_ok:
            line += (f"; torch {course['torch']['train_seconds']:.2f} s -> ratio ours/torch "
                     f"{course['train_ratio']:.2f}x")
        log(line)
        results["runs"].append(run)
    return results


def cmd_bench(args: argparse.Namespace) -> int:
    results: dict[str, Any] = {}
    if not args.no_engine:
        results = run_bench(args.samples, args.vs_torch, args.backend,
                            threads=args.threads, repeats=args.repeats)
    if args.more_benchmarks is not None:
        results.update(args.more_benchmarks(args))
    if args.json:
        print(json.dumps(results))
    return 0
