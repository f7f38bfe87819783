"""`nnstudio ensemble`: train K members from different seeds and measure their vote."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from nnstudio.cli.options import positive_int
from nnstudio.cli.settings import add_setting_options, settings_from_args

SAVE_SUFFIXES = (".nnstudio", ".onnx")


def register(commands: argparse._SubParsersAction) -> None:
    ensemble = commands.add_parser(
        "ensemble", help="train several copies from different seeds and let them vote",
        description="Train --members copies of a network, each from its own seed (the "
                    "settings' seed, then the next ones), in parallel worker processes, and "
                    "compare each member's test accuracy with the ensemble's: by majority "
                    "vote and by mean probability.")
    ensemble.add_argument("source", metavar="PRESET_OR_FILE")
    ensemble.add_argument("--members", type=positive_int, default=5, metavar="K",
                          help="how many networks vote (default 5)")
    ensemble.add_argument("--workers", type=positive_int, default=None, metavar="K",
                          help="worker processes training members at once (default: one per "
                               "core, at most one per member)")
    add_setting_options(ensemble)
    ensemble.add_argument("--save", metavar="FILE",
                          help="save the ensemble: a project (.nnstudio) with every member, "
                               "or an .onnx model of their mean probability")
    ensemble.add_argument("--json", action="store_true",
                          help="end with one JSON object holding the results")
    ensemble.set_defaults(handler=cmd_ensemble)


def cmd_ensemble(args: argparse.Namespace) -> int:
    from nnstudio.cli.common import CliError, check_writable_destination
    from nnstudio.cli.data_options import refuse_own_data
    from nnstudio.data.datasets import load_dataset
    from nnstudio.experiments.ensemble import MemberFailed, score_ensemble, train_members
    from nnstudio.files.documents import open_source
    from nnstudio.files.project import MAX_MEMBERS
    from nnstudio.running.session import SessionError, check_fit

    if args.save:
        if Path(args.save).suffix not in SAVE_SUFFIXES:
            raise CliError(f"--save {args.save}: an ensemble saves as a project (.nnstudio) "
                           f"or an ONNX model (.onnx)")
        if Path(args.save).suffix == ".nnstudio" and args.members > MAX_MEMBERS:
            # Said before the members train, not after.
            raise CliError(f"--members {args.members}: a project holds at most {MAX_MEMBERS} "
                           f"members; train fewer, or save the ensemble as .onnx")
        check_writable_destination(args.save, "--save")
    opened = open_source(args.source)
    training = settings_from_args(opened.training, args)
    refuse_own_data(opened, training, "ensemble")
    dataset = load_dataset(training.dataset, data_dir=args.data_dir or training.data_dir or None)
    if dataset.task != "classification":
        raise CliError(f"{opened.name}: an ensemble votes on classes, but {dataset.name} is a "
                       f"regression set")
    try:
        in_shape = check_fit(opened.network, dataset, training)
    except SessionError as error:
        raise CliError(f"{opened.name}: {error}") from None
    log = sys.stderr
    print(f'Ensemble of {args.members} "{opened.name}" on {dataset.name} (seeds '
          f"{training.seed} to {training.seed + args.members - 1}, {training.epochs} epochs "
          f"each)", file=log)

    def reported(index: int, member: Any) -> None:
        print(f"  member {index + 1}/{args.members} (seed {member.seed}): test accuracy "
              f"{member.test_accuracy:.4f} in {member.seconds:.1f} s", file=log)

    try:
        members = train_members(opened.network, training, args.members, dataset=dataset,
                                workers=args.workers, on_member=reported)
    except MemberFailed as error:
        raise CliError(f"{opened.name}: {error}") from None
    scores = score_ensemble(opened.network, [m.weights for m in members],
                            dataset.features("test", in_shape), dataset.targets("test"))
    out = log if args.json else sys.stdout
    print(f"{'member':>8} {'seed':>6} {'test accuracy':>14}", file=out)
    for index, (member, accuracy) in enumerate(zip(members, scores.members, strict=True)):
        print(f"{index + 1:>8} {member.seed:>6} {accuracy:>14.4f}", file=out)
    print(f"Members' mean accuracy {scores.member_mean:.4f}; ensemble: majority vote "
          f"{scores.majority:.4f}, mean probability {scores.mean_probability:.4f} "
          f"({scores.gain * 100:+.2f} points over the average member)", file=out)
    if args.save:
        _save(args.save, opened, training, members)
        print(f"Saved {args.save}", file=log)
    if args.json:
        print(json.dumps({"network": opened.name, "dataset": dataset.name,
                          "members": args.members,
                          "seeds": [m.seed for m in members],
                          "seconds": [round(m.seconds, 3) for m in members],
                          **scores.as_json()}))
    return 0


def _save(path: str, opened: Any, training: Any, members: list[Any]) -> None:
    from nnstudio.cli.common import CliError
    from nnstudio.experiments.ensemble import save_ensemble
    from nnstudio.export import ExportError

    try:
        save_ensemble(path, opened.network, training, members)
    except ExportError as error:
        raise CliError(f"--save {path}: {error}") from None
