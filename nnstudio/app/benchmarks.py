"""The window's benchmarks as options of `nnstudio bench`: --pad (the digit pad, mouse move
to updated bars) and --app (the window while it trains). The command line registers this
module by name after nnstudio.cli.bench, so the bench command itself never imports the window's
code, and Qt loads only when one of these options is given."""

from __future__ import annotations

import argparse
from typing import Any


def register(commands: argparse._SubParsersAction) -> None:
    bench = commands.choices["bench"]
    bench.add_argument("--pad", action="store_true",
                       help="also time the digit pad: mouse move to updated prediction bars")
    bench.add_argument("--app", action="store_true",
                       help="also measure the window while it trains: event-loop delay "
                            "(small-cnn) and throughput with every view open vs headless (mlp)")
    bench.set_defaults(more_benchmarks=run_window_benchmarks)


def run_window_benchmarks(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {}
    if args.pad:
        from nnstudio.app.inspect.pad_benchmark import run_pad_benchmark

        results["pad"] = run_pad_benchmark()
        for preset, figures in results["pad"].items():
            print(f"digit pad, {preset}: median {figures['median_ms']:.1f} ms, "
                  f"p95 {figures['p95_ms']:.1f} ms from mouse move to updated bars")
    if args.app:
        from nnstudio.app.training.app_benchmark import run_app_benchmark

        results["app"] = run_app_benchmark()
    return results
