"""`nnstudio sweep`: a hyperparameter search from the command line, and `bench --sweep`.

    nnstudio sweep mlp-784-100-10 --strategy tpe --trials 20 --param lr=log:1e-4:1e-1 \\
        --param optimizer=sgd,momentum,adam --param dense1.units=int:16:256 --epochs 5

Trials train in parallel worker processes (``--workers``, default one per core) or on a Ray
cluster (``--ray ADDRESS`` or ``--ray local``); every trial lands in the study database
(``--study FILE``, default NAME.study.db here, or a database URL). Running the same command
again resumes the study. A project's ``experiment`` section gives the search when no
--param is given.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from nnstudio.cli.data_options import refuse_own_data
from nnstudio.cli.options import non_negative_int, positive_int
from nnstudio.cli.settings import add_setting_options, settings_from_args
from nnstudio.progress import ProgressBar, format_seconds


def register(commands: argparse._SubParsersAction) -> None:
    from nnstudio.experiments.strategies import PRUNERS, STRATEGIES

    sweep = commands.add_parser(
        "sweep", help="search hyperparameters: many trials in parallel, kept in a study")
    sweep.add_argument("source", metavar="PRESET_OR_FILE")
    sweep.add_argument("--strategy", choices=STRATEGIES, default=None,
                       help="how the next trial is picked (default tpe, or the project's)")
    sweep.add_argument("--trials", type=positive_int, default=None, metavar="N",
                       help="trials the study should hold when done (default 20; a grid: "
                            "its size)")
    sweep.add_argument("--param", action="append", default=[], metavar="NAME=VALUES",
                       help="what varies: lr=log:1e-4:1e-1, optimizer=sgd,momentum,adam, "
                            "dense1.units=int:16:256, momentum=float:0.5:0.99 (repeat)")
    sweep.add_argument("--workers", type=positive_int, default=None, metavar="K",
                       help="trials at once (default: one per core; on Ray: its CPUs)")
    sweep.add_argument("--ray", metavar="ADDRESS", default=None,
                       help="run the trials on a Ray cluster (host:port, or 'local' to start "
                            "one here); needs the cluster extra")
    sweep.add_argument("--study", metavar="FILE_OR_URL", default=None,
                       help="the study database: an SQLite file (default NAME.study.db) or "
                            "a database URL; an existing study resumes")
    sweep.add_argument("--study-name", default=None, metavar="NAME",
                       help="the study inside the database (default: sweep)")
    sweep.add_argument("--prune", choices=PRUNERS, default=None,
                       help="stop weak trials early: median or successive halving "
                            "(default none)")
    sweep.add_argument("--grid-points", type=positive_int, default=None, metavar="N",
                       help="values a grid tries on each range (default 3)")
    sweep.add_argument("--keep-weights", type=non_negative_int, default=3, metavar="N",
                       help="keep the weights of the N best trials in the study (default 3)")
    sweep.add_argument("--save-best", metavar="FILE.nnstudio",
                       help="save the best trial (network, settings, weights) as a project")
    add_setting_options(sweep)
    sweep.add_argument("--json", action="store_true",
                       help="end with one JSON object holding the trials")
    sweep.set_defaults(handler=cmd_sweep)

    bench = commands.choices.get("bench")
    if bench is not None:
        bench.add_argument("--sweep", action="store_true",
                           help="also time a fixed grid search with K local workers vs 1 "
                                "(--sweep-workers K, default 2)")
        bench.add_argument("--sweep-workers", type=positive_int, default=2, metavar="K")
        earlier = bench.get_default("more_benchmarks")

        def more(args: argparse.Namespace) -> dict[str, Any]:
            results = earlier(args) if earlier is not None else {}
            if args.sweep:
                from nnstudio.experiments.throughput import run_sweep_benchmark

                results["sweep"] = run_sweep_benchmark(args.sweep_workers)
            return results
        bench.set_defaults(more_benchmarks=more)


def cmd_sweep(args: argparse.Namespace) -> int:
    from nnstudio.cli.common import CliError, check_writable_destination
    from nnstudio.experiments.plan import ExperimentPlan
    from nnstudio.experiments.search_space import SearchSpace
    from nnstudio.experiments.sweep import Sweep
    from nnstudio.files.documents import open_source

    opened = open_source(args.source)
    training = settings_from_args(opened.training, args)
    refuse_own_data(opened, training, "sweep")
    plan = ExperimentPlan.from_json(opened.experiment) if opened.experiment else \
        ExperimentPlan()
    params = args.param or plan.params
    if not params:
        raise CliError("give what varies with --param NAME=VALUES, e.g. --param "
                       "lr=log:1e-4:1e-1 (or open a project with an experiment section)")
    space = SearchSpace.parse(opened.network, params, training,
                              args.grid_points or plan.grid_points)
    strategy = args.strategy or plan.strategy
    trials = args.trials or (space.grid_size() if strategy == "grid" else plan.trials)
    if args.save_best:
        check_writable_destination(args.save_best, "--save-best")
    study = args.study or f"{Path(opened.name).stem}.study.db"
    sweep = Sweep(opened.network, training, space, strategy=strategy, trials=trials,
                  workers=args.workers or plan.workers, study=study,
                  study_name=args.study_name or "sweep", pruner=args.prune or plan.pruner,
                  keep_weights=args.keep_weights, ray=args.ray,
                  listener=Progress(trials))
    log = sys.stderr
    print(f'Sweep of "{opened.name}" ({strategy}, {trials} trial{"s" if trials != 1 else ""}, '
          f"{sweep.runner_text()}): {', '.join(space.texts())}; study {study}",
          file=log)
    sweep.start()
    try:
        while not sweep.wait(0.25):
            pass
    except KeyboardInterrupt:
        print("nnstudio: stopping the sweep (the study keeps its finished trials)", file=log)
        sweep.stop()
        sweep.wait()
        raise
    result = sweep.result
    if result.reason == "failed":
        raise CliError(f"the sweep failed: {result.message}")
    table = format_table(result.rows, space.names())
    print(table, file=log if args.json else sys.stdout)
    best = result.best
    line = (f"Best: trial {best.number}, score {best.score:.4f}"
            + (f", test accuracy {best.test_accuracy:.4f}" if best.test_accuracy is not None
               else "") if best else "No trial completed")
    print(f"{line}; {len(result.rows)} trials in the study, this run took "
          f"{format_seconds(result.seconds)}", file=log if args.json else sys.stdout)
    if args.save_best and best is not None:
        from nnstudio.files.documents import save_document

        document = sweep.store.open_trial(best.number)
        save_document(args.save_best, document.network, document.training,
                      document.weights, document.history)
        print(f"Saved trial {best.number} to {args.save_best}", file=log)
    if args.json:
        print(json.dumps({"network": opened.name, "study": study,
                          "study_name": sweep.study_name, "strategy": strategy,
                          "space": space.texts(), "reason": result.reason,
                          "seconds": round(result.seconds, 3),
                          "best": best.to_json() if best else None,
                          "trials": [row.to_json() for row in result.rows]}))
    return 0 if best is not None else 1


class Progress:
    """The sweep's progress bar, and a line per finished trial (from the sweep's threads)."""

    def __init__(self, trials: int) -> None:
        import threading

        self.bar = ProgressBar(trials, "sweep", stream=sys.stderr)
        self.tty = sys.stderr.isatty()
        self.done = 0
        self.best: Any = None
        self._lock = threading.Lock()

    def trial_started(self, event: Any) -> None: ...

    def trial_epoch(self, event: Any) -> None: ...

    def trial_finished(self, event: Any) -> None:
        row = event.row
        with self._lock:
            self.done += 1
            if row.state == "complete" and (self.best is None or row.score > self.best.score):
                self.best = row
            score = f"score {row.score:.4f}" if row.score is not None else row.state
            settings = " ".join(f"{k}={_cell(v)}" for k, v in row.params.items())
            best = f"best {self.best.score:.4f} (trial {self.best.number})" if self.best \
                else "no trial complete yet"
            if not self.tty:
                print(f"trial {row.number} {row.state}: {score}, {settings}"
                      + (f" ({row.note})" if row.state == "failed" and row.note else ""),
                      file=sys.stderr)
            self.bar.update(self.done, best, force=self.tty)

    def sweep_finished(self, event: Any) -> None:
        with self._lock:
            if self.tty:
                self.bar.close(self.done)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def format_table(rows: list[Any], names: list[str]) -> str:
    """The trials, best first: number, state, score, test accuracy, time, settings."""
    widths = [max([len(n)] + [len(_cell(r.params.get(n, "-"))) for r in rows]) for n in names]
    head = (f"{'trial':>5} {'state':<9} {'score':>7} {'test acc':>8} {'time':>7}  "
            + "  ".join(f"{n:<{w}}" for n, w in zip(names, widths, strict=True)))
    lines = [head]
    for row in rows:
        def number(value: Any) -> str:
            return "-" if value is None else f"{value:.4f}"
        time_text = "-" if row.seconds is None else (
            f"{row.seconds:.1f}s" if row.seconds < 60 else format_seconds(row.seconds))
        cells = "  ".join(f"{_cell(row.params.get(n, '-')):<{w}}"
                          for n, w in zip(names, widths, strict=True))
        lines.append(f"{row.number:>5} {row.state:<9} {number(row.score):>7} "
                     f"{number(row.test_accuracy):>8} {time_text:>7}  {cells}")
    return "\n".join(lines)
