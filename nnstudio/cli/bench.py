"""`nnstudio bench`: training and inference speed, as ratios to PyTorch in the same run.

Synthetic data is enough for speed: 60,000 random 28x28 samples with random labels. Our
epochs run through the real training loop (Trainer), so its overhead is part of the figure.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from typing import Any

import numpy

from nnstudio.cli.options import non_negative_int, positive_int
from nnstudio.engine.backend import BACKEND_NAMES, get_device
from nnstudio.engine.losses import make_loss
from nnstudio.engine.optimizers import make_optimizer
from nnstudio.engine.trainer import Trainer, TrainerConfig

NETWORKS = ("mlp-784-100-10", "small-cnn")
COURSE_NETWORK = "course-784-30-10"
EPOCH = 60000  # times are reported per epoch of this many samples, however many were run
COURSE_REFERENCE_SECONDS = 4.5  # the course's network.py, per epoch, measured on this machine


def register(commands: argparse._SubParsersAction) -> None:
    bench = commands.add_parser("bench", help="time training and inference (optionally vs PyTorch)")
    bench.add_argument("--vs-torch", action="store_true", help="time PyTorch (CPU) in the same run")
    bench.add_argument("--samples", type=positive_int, default=60000,
                       help="samples per training epoch")
    bench.add_argument("--backend", choices=BACKEND_NAMES, default="numpy")
    bench.add_argument("--blas-threads", type=non_negative_int, default=1,
                       help="BLAS threads for our engine (default 1: small matrices lose more "
                            "to thread hand-offs than they gain; 0 = the library's default)")
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
              backend: str, loss_name: str | None = None,
              blas_threads: int | None = None) -> dict[str, float]:
    """One epoch through the real training loop, then inference of 10,000 samples."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=blas_threads, user_api="blas"):
        return _time_ours(preset, x, y, batch_size, lr, backend, loss_name)


def _time_ours(preset: str, x: numpy.ndarray, y: numpy.ndarray, batch_size: int, lr: float,
               backend: str, loss_name: str | None) -> dict[str, float]:
    from nnstudio.running.build import build_network
    from nnstudio.spec.presets import load_preset

    p = load_preset(preset)
    device = get_device(backend)
    net = build_network(p.network, p.training, device=device)
    shape = p.network.analyze().shapes["input"]
    xs = x.reshape(len(x), *shape)
    loss = make_loss(loss_name or p.training.loss)
    trainer = Trainer(net, loss, make_optimizer("sgd", lr=lr), xs, y,
                      TrainerConfig(epochs=1, batch_size=batch_size, shuffle=True))
    for _ in trainer.run():  # warm-up: first batches allocate and load BLAS
        break
    start = time.perf_counter()
    for _ in trainer.run():
        pass
    device.synchronize()
    train_seconds = time.perf_counter() - start
    test = xs[:10000]
    start = time.perf_counter()
    net.predict(test)
    device.synchronize()
    infer_seconds = time.perf_counter() - start
    return {"train_seconds": train_seconds * EPOCH / len(x), "inference_seconds": infer_seconds,
            "samples_per_second": len(x) / train_seconds}


def torch_model(preset: str) -> Any:
    import torch.nn as nn

    if preset == "mlp-784-100-10":
        return nn.Sequential(nn.Linear(784, 100), nn.ReLU(), nn.Linear(100, 10))
    if preset == "small-cnn":
        return nn.Sequential(nn.Conv2d(1, 8, 5), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(8, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                             nn.Linear(256, 10))
    raise ValueError(preset)


def time_torch(preset: str, x: numpy.ndarray, y: numpy.ndarray, batch_size: int,
               lr: float) -> dict[str, float]:
    import torch

    model = torch_model(preset)
    shape = (1, 28, 28) if preset == "small-cnn" else (784,)
    xs = torch.from_numpy(x.reshape(len(x), *shape))
    ys = torch.from_numpy(y.astype(numpy.int64))
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()

    def epoch(limit: int | None = None) -> None:
        order = torch.randperm(len(xs))
        for i, start in enumerate(range(0, len(xs), batch_size)):
            if limit is not None and i >= limit:
                return
            idx = order[start:start + batch_size]
            optimizer.zero_grad()
            loss_fn(model(xs[idx]), ys[idx]).backward()
            optimizer.step()

    epoch(limit=5)
    start = time.perf_counter()
    epoch()
    train_seconds = time.perf_counter() - start
    start = time.perf_counter()
    with torch.no_grad():
        for i in range(0, 10000, 1000):
            model(xs[i:i + 1000])
    return {"train_seconds": train_seconds * EPOCH / len(x),
            "inference_seconds": time.perf_counter() - start,
            "samples_per_second": len(x) / train_seconds, "threads": torch.get_num_threads()}


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


def run_bench(samples: int = 60000, vs_torch: bool = False, backend: str = "numpy",
              log: Callable[[str], None] = print, blas_threads: int | None = 1) -> dict[str, Any]:
    x, y = synthetic_data(samples)
    results: dict[str, Any] = {"samples": samples, "batch_size": 64, "backend": backend,
                               "blas_threads": blas_threads, "networks": {}}
    torch_ok = False
    if vs_torch:
        try:
            import torch

            torch_ok = True
            results["torch_version"] = torch.__version__
        except ImportError:
            log("PyTorch is not installed: timing ours only (pip install torch)")
    for preset in NETWORKS:
        ours = time_ours(preset, x, y, 64, 0.01, backend, blas_threads=blas_threads)
        entry: dict[str, Any] = {"ours": ours}
        line = (f"{preset:<16} ours: epoch {ours['train_seconds']:6.2f} s "
                f"({ours['samples_per_second']:,.0f} samples/s), inference of 10,000 "
                f"{ours['inference_seconds'] * 1000:6.1f} ms")
        if torch_ok:
            theirs = time_torch(preset, x, y, 64, 0.01)
            entry["torch"] = theirs
            entry["train_ratio"] = ours["train_seconds"] / theirs["train_seconds"]
            entry["inference_ratio"] = ours["inference_seconds"] / theirs["inference_seconds"]
            line += (f"\n{'':<16} torch: epoch {theirs['train_seconds']:6.2f} s, inference "
                     f"{theirs['inference_seconds'] * 1000:6.1f} ms  ->  ratio ours/torch: "
                     f"train {entry['train_ratio']:.2f}x, "
                     f"inference {entry['inference_ratio']:.2f}x")
        log(line)
        results["networks"][preset] = entry
    course = time_ours(COURSE_NETWORK, x, y, 10, 3.0, backend, blas_threads=blas_threads)
    reference = course_reference_epoch(x, y)
    results["course"] = {
        "ours_seconds": course["train_seconds"], "per_sample_loop_seconds": reference,
        "speedup_vs_per_sample_loop": reference / course["train_seconds"],
        "speedup_vs_reported_4_5s": COURSE_REFERENCE_SECONDS / course["train_seconds"]}
    log(f"{COURSE_NETWORK} (batch 10): ours {course['train_seconds']:.2f} s per epoch; the "
        f"course's per-sample loop {reference:.2f} s -> {reference / course['train_seconds']:.1f}x "
        f"faster")
    return results


def cmd_bench(args: argparse.Namespace) -> int:
    results: dict[str, Any] = {}
    if not args.no_engine:
        results = run_bench(args.samples, args.vs_torch, args.backend,
                            blas_threads=args.blas_threads or None)
    if args.more_benchmarks is not None:
        results.update(args.more_benchmarks(args))
    if args.json:
        print(json.dumps(results))
    return 0
