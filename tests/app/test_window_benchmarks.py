"""`nnstudio bench --pad --app`: the window's benchmarks, which register with the bench command
from nnstudio.app (nnstudio.cli.bench never imports the window's code)."""

from __future__ import annotations

import json

import nnstudio.app.training.app_benchmark
from nnstudio.cli import main


def bench_json(capsys, *options: str) -> dict:  # noqa: ANN001 - pytest's capsys
    code = main(["bench", "--no-engine", *options, "--json"])
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out.strip().splitlines()[-1])


def test_bench_pad_times_the_digit_pad(qapp, capsys) -> None:  # noqa: ANN001
    figures = bench_json(capsys, "--pad")
    assert set(figures) == {"pad"}
    for preset in ("mlp-784-100-10", "lenet5"):
        assert figures["pad"][preset]["moves"] > 0 and figures["pad"][preset]["median_ms"] > 0


def test_bench_app_runs_the_window_benchmark(capsys, monkeypatch) -> None:  # noqa: ANN001
    # The real one trains in the window for minutes; here only its figures are passed on.
    monkeypatch.setattr(nnstudio.app.training.app_benchmark, "run_app_benchmark",
                        lambda: {"throughput": {"ratio": 0.9}})
    assert bench_json(capsys, "--app") == {"app": {"throughput": {"ratio": 0.9}}}


def test_bench_without_window_options_runs_no_window_benchmark(capsys) -> None:  # noqa: ANN001
    assert bench_json(capsys) == {}
