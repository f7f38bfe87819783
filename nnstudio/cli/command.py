"""The `nnstudio` command: the app with no arguments, or a headless subcommand."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from nnstudio import __version__
from nnstudio.app import SCREENSHOT_SIZE
from nnstudio.cli.common import CliError, check_writable_destination
from nnstudio.cli.options import (
    non_negative_float,
    non_negative_int,
    positive_int,
    window_size,
)
from nnstudio.data.errors import DatasetError
from nnstudio.engine.backend import BackendUnavailable
from nnstudio.files.documents import DocumentError
from nnstudio.spec.network import SpecError
from nnstudio.spec.presets import DEFAULT_PRESET


def cmd_summary(args: argparse.Namespace) -> int:
    from nnstudio.cli.summary import format_summary, summary_json
    from nnstudio.files.documents import open_source

    opened = open_source(args.source)
    if args.json:
        print(json.dumps(summary_json(opened.name, opened.network)))
    else:
        print(format_summary(opened.name, opened.network))
    return 0 if opened.network.analyze().ok else 1


def cmd_gradcheck(args: argparse.Namespace) -> int:
    from nnstudio.files.documents import open_source
    from nnstudio.running.gradcheck import run_gradcheck

    opened = open_source(args.source)
    errors = run_gradcheck(opened.network, opened.training, batch=args.batch, seed=args.seed)
    worst = max(errors.values(), default=0.0)
    passed = worst <= args.tolerance
    if args.json:
        print(json.dumps({"network": opened.name, "errors": errors, "max_error": worst,
                          "tolerance": args.tolerance, "passed": passed}))
    else:
        print(f'Gradient check of "{opened.name}" (float64, batch of {args.batch}, '
              f"loss {opened.training.loss})")
        print(f"{'Layer':<20}{'max relative error':>22}")
        for name, error in errors.items():
            print(f"{name:<20}{error:>22.2e}{'' if error <= args.tolerance else '  FAIL'}")
        print(f"{'passed' if passed else 'FAILED'}: largest error {worst:.2e} "
              f"(tolerance {args.tolerance:g})")
    return 0 if passed else 1


def cmd_gui(args: argparse.Namespace) -> int:
    if args.screenshot:
        check_writable_destination(args.screenshot, "--screenshot")
    from nnstudio.app import run

    return run(open_path=args.open or DEFAULT_PRESET, screenshot=args.screenshot,
               train_epochs=args.train_epochs, size=args.size)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nnstudio",
        description="NN Studio: build, train and see inside neural networks. "
                    "With no command, opens the app.")
    parser.add_argument("--version", action="version", version=f"nnstudio {__version__}")
    parser.add_argument("--open", metavar="PRESET_OR_FILE", help="open this network in the app")
    parser.add_argument("--screenshot", metavar="FILE.png",
                        help="render the window offscreen (at --size), save it and exit")
    parser.add_argument("--size", type=window_size, default=SCREENSHOT_SIZE, metavar="WxH",
                        help="with --screenshot: the window's size in pixels (default 1400x900)")
    parser.add_argument("--train-epochs", type=non_negative_int, default=0, metavar="N",
                        help="with --screenshot: train N epochs first")
    parser.set_defaults(handler=cmd_gui)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    summary = commands.add_parser("summary", help="layers, output shapes and parameter counts")
    summary.add_argument("source", metavar="PRESET_OR_FILE")
    summary.add_argument("--json", action="store_true", help="print one JSON object")
    summary.set_defaults(handler=cmd_summary)

    gradcheck = commands.add_parser(
        "gradcheck", help="compare backpropagation with finite differences, per layer")
    gradcheck.add_argument("source", metavar="PRESET_OR_FILE")
    gradcheck.add_argument("--json", action="store_true", help="print one JSON object")
    gradcheck.add_argument("--batch", type=positive_int, default=4,
                           help="samples in the random batch")
    gradcheck.add_argument("--seed", type=non_negative_int, default=0)
    gradcheck.add_argument("--tolerance", type=non_negative_float, default=1e-6)
    gradcheck.set_defaults(handler=cmd_gradcheck)

    for register in EXTRA_COMMANDS:
        register(commands)
    return parser


# Other modules add their subcommands here (train, eval, bench, datasets, export).
EXTRA_COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = []


def main(argv: Sequence[str] | None = None) -> int:
    import multiprocessing

    multiprocessing.freeze_support()  # a packaged app starts its training processes here
    _register_optional_commands()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (SpecError, CliError, ValueError, OSError, DatasetError, DocumentError,
            BackendUnavailable) as error:
        print(f"nnstudio: error: {error}", file=sys.stderr)
        return 2
    except MemoryError:
        print("nnstudio: error: out of memory: this needs more memory than this machine has "
              "free (try a smaller network, batch or dataset)", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("nnstudio: interrupted", file=sys.stderr)
        return 130


def _register_optional_commands() -> None:
    if EXTRA_COMMANDS:
        return
    import importlib

    # The window's benchmarks add their options to `bench`, so they come after it.
    for module in ("nnstudio.cli.train", "nnstudio.cli.data", "nnstudio.cli.bench",
                   "nnstudio.app.benchmarks", "nnstudio.cli.export",
                   "nnstudio.cli.sweep", "nnstudio.cli.ensemble"):
        try:
            EXTRA_COMMANDS.append(importlib.import_module(module).register)
        except ModuleNotFoundError as error:
            if error.name != module:
                raise
