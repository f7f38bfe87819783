"""`nnstudio train` and `nnstudio eval`: headless training and evaluation."""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from nnstudio.cli.data_options import add_data_options, with_own_data
from nnstudio.cli.options import positive_int
from nnstudio.cli.settings import DATA_SETTINGS, add_setting_options, settings_from_args
from nnstudio.engine.events import BatchEnd, Checkpoint, Diverged, EpochEnd, Finished, Started
from nnstudio.progress import ProgressBar


def register(commands: argparse._SubParsersAction) -> None:
    train = commands.add_parser("train", help="train a network headless")
    train.add_argument("source", metavar="PRESET_OR_FILE")
    add_setting_options(train)
    add_data_options(train)
    train.add_argument("--embed-data", action="store_true",
                       help="with --save PROJECT.nnstudio: copy the data into the project "
                            "(by default it only refers to them, by path and SHA-256)")
    train.add_argument("--save", metavar="FILE", help="save the trained project (.nnstudio) "
                                                      "or just the weights (.npz)")
    train.add_argument("--json", action="store_true",
                       help="end with one JSON object holding the results")
    train.add_argument("--cores", type=positive_int, default=1, metavar="N",
                       help="share each batch of a convolutional network across N processes, "
                            "one CPU core each (default 1: this process, on all BLAS threads)")
    train.set_defaults(handler=cmd_train)

    evaluate = commands.add_parser("eval", help="evaluate a saved project on a test set")
    evaluate.add_argument("source", metavar="PROJECT_OR_PRESET")
    add_setting_options(evaluate, DATA_SETTINGS)
    evaluate.add_argument("--json", action="store_true")
    evaluate.set_defaults(handler=cmd_eval)


def cmd_train(args: argparse.Namespace) -> int:
    from nnstudio.files.documents import holds_weights, open_source
    from nnstudio.running.checkpoints import Timeline, checkpoint_steps

    opened = open_source(args.source)
    training = settings_from_args(opened.training, args)
    opened, training, own = with_own_data(opened, training, args)
    if args.save:  # a destination that cannot take the result must not cost the whole run
        from nnstudio.cli.common import check_writable_destination

        check_writable_destination(args.save, "--save")
    log = sys.stderr
    session = _session(opened, training, args.data_dir, own)
    trainer = session.trainer
    print(f'Training "{opened.name}" on {session.dataset.name} '
          f"({len(trainer.x_train):,} samples, {session.network.parameter_count():,} parameters, "
          f"{training.optimizer} lr {training.lr:g}, {training.loss}, "
          f"backend {session.network.device.name})", file=log)
    timeline = Timeline()  # the checkpoints a saved project keeps
    if args.save and holds_weights(args.save):
        trainer.config.checkpoint_steps = checkpoint_steps
    trainer.config.cores = args.cores
    try:
        finished, diverged = _train(trainer, training.epochs, timeline, log)
        test_loss, test_acc = trainer.evaluate(session.x_test, session.y_test)
    finally:
        trainer.close()  # any helper processes of shared batches
    if trainer.sharing is not None and trainer.sharing.problem:
        print(f"nnstudio: note: {trainer.sharing.problem}; the run went on in this process",
              file=log)
    history = finished.history
    print(_history_table(history), file=log if args.json else sys.stdout)
    fit = session.test_fit()
    summary = (f"Test: loss {test_loss:.4f}" + (f", accuracy {test_acc:.4f}"
                                                if test_acc is not None else "")
               + fit_text(fit)
               + f" ({len(session.x_test):,} samples); {finished.epochs_run} epochs in "
                 f"{finished.seconds:.1f} s ({finished.reason})")
    print(summary, file=log if args.json else sys.stdout)
    save_failed = None
    if args.save:
        data = replace(own.source, embedded=args.embed_data or own.source.embedded) \
            if own else None
        save_failed = _save_or_rescue(args.save, opened, training, session, history, data,
                                      timeline.checkpoints)
        if save_failed is None:
            print(f"Saved {args.save}", file=log)
    if args.json:
        print(json.dumps({
            "network": opened.name, "dataset": session.dataset.name,
            "test_accuracy": test_acc, "test_loss": test_loss, **fit_json(fit),
            "epochs": finished.epochs_run, "seconds": round(finished.seconds, 3),
            "reason": finished.reason, "diverged": diverged.message if diverged else None,
            "final_train_loss": history["train_loss"][-1] if history["train_loss"] else None,
            "final_val_accuracy": history["val_accuracy"][-1] if history["val_accuracy"] else None,
            "samples_per_second": round(len(trainer.x_train) * finished.epochs_run
                                        / max(finished.seconds, 1e-9), 1),
        }))
    if save_failed is not None:
        raise save_failed
    return 1 if diverged else 0


def _train(trainer: Any, epochs: int, timeline: Any, log: Any) -> tuple[Finished, Any]:
    """Run the trainer with a progress bar per shown epoch; (Finished, Diverged or None)."""
    bar: ProgressBar | None = None
    finished: Finished | None = None
    diverged: Diverged | None = None
    batches = 1
    every = max(1, -(-epochs // 20))  # long runs report about 20 epochs

    def shown(epoch: int) -> bool:
        return epoch % every == 0 or epoch == epochs - 1

    for event in trainer.run():
        if isinstance(event, Started):
            _say_sharing(trainer, log)
        elif isinstance(event, Checkpoint):
            timeline.add(event)
        elif isinstance(event, BatchEnd):
            if not shown(event.epoch):
                continue
            if bar is None or event.batch == 0:
                batches = max(1, -(-len(trainer.x_train) // trainer.config.batch_size))
                bar = ProgressBar(batches, f"epoch {event.epoch + 1}/{epochs}",
                                  stream=log)
            bar.update(event.batch + 1, f"loss {event.loss:.4f} "
                                        f"{event.samples_per_second:,.0f}/s")
        elif isinstance(event, EpochEnd):
            if bar is not None:
                suffix = f"loss {event.train_loss:.4f}"
                if event.val_accuracy is not None:
                    suffix += f" val acc {event.val_accuracy:.4f}"
                bar.close(batches, suffix)
                bar = None
        elif isinstance(event, Diverged):
            diverged = event
            print(event.message, file=log)
        elif isinstance(event, Finished):
            finished = event
    assert finished is not None
    return finished, diverged


def _say_sharing(trainer: Any, log: Any) -> None:
    """With --cores N: whether the batches are shared, or why not."""
    how, words = trainer.sharing_status()
    option = f"nnstudio: note: --cores {trainer.config.cores}"
    if how == "shared":
        print(words[:1].upper() + words[1:], file=log)
    elif how == "evaluation":
        print(f"{option}: {words}", file=log)
    elif how == "not shared":
        print(f"{option}: {words}; training in this process", file=log)


def _session(opened: Any, training: Any, data_dir: str | None, own: Any = None) -> Any:
    """The run's session, with the opened file's weights checked: ones that do not fit or
    hold NaN are refused naming the file, layers they leave out are noted on stderr."""
    from nnstudio.cli.common import CliError
    from nnstudio.running.session import SessionError, create_session
    from nnstudio.running.weight_check import WeightsError

    source = opened.path.name if opened.path else opened.name
    try:
        session = create_session(opened.network, training, data_dir=data_dir,
                                 weights=opened.weights,
                                 dataset=own.imported.dataset if own else None)
    except (WeightsError, SessionError) as error:
        raise CliError(f"{source}: {error}") from None
    report = session.weights_report
    if report is not None and report.missing:
        print(f"nnstudio: note: {source}: {report.missing_note()}", file=sys.stderr)
    return session



def _save_or_rescue(path: str, opened: Any, training: Any, session: Any,
                    history: dict, data: Any = None,
                    checkpoints: list[Checkpoint] | None = None) -> Exception | None:
    """Save to ``path``; if that fails at the end of a run, save the result somewhere
    else rather than lose it, and return the error to report, naming where it went."""
    from nnstudio.cli.common import CliError
    from nnstudio.files.documents import DocumentError

    try:
        _save(path, opened, training, session, history, data, checkpoints)
        return None
    except (OSError, DocumentError) as error:
        problem = str(error) or type(error).__name__
    for rescue in _rescue_paths(path):
        try:
            rescue.parent.mkdir(parents=True, exist_ok=True)
            _save(str(rescue), opened, training, session, history, data, checkpoints)
        except (OSError, DocumentError):
            continue
        return CliError(f"--save {path}: could not save the trained result ({problem}); "
                        f"it was saved to {rescue} instead")
    return CliError(f"--save {path}: could not save the trained result ({problem}), nor "
                    f"anywhere else; the run is lost")


def _rescue_paths(path: str) -> list[Path]:
    """Where a result goes when its destination fails: the user's data folder, else the
    temporary folder; named with the time, beside any earlier rescue."""
    import tempfile

    import platformdirs

    name = f"{Path(path).stem}-{time.strftime('%Y%m%d-%H%M%S')}{Path(path).suffix}"
    return [Path(platformdirs.user_data_dir("nnstudio")) / "rescued" / name,
            Path(tempfile.gettempdir()) / name]

def _save(path: str, opened: Any, training: Any, session: Any, history: dict,
          data: Any = None, checkpoints: list[Checkpoint] | None = None) -> None:
    from nnstudio.export.npz import export_npz
    from nnstudio.files.documents import holds_weights, save_document

    weights = session.network.get_weights()
    if Path(path).suffix == ".npz":
        export_npz(opened.network, weights, path)
        return
    if not holds_weights(path):
        print(f"nnstudio: note: {path} keeps the network and its settings but not the trained "
              f"weights; save a project (.nnstudio) to keep them", file=sys.stderr)
    save_document(path, opened.network, training, weights, history, data=data,
                  checkpoints=checkpoints)


def _history_table(history: dict[str, list]) -> str:
    lines = [f"{'epoch':>5} {'train loss':>11} {'train acc':>10} {'val loss':>10} "
             f"{'val acc':>9} {'lr':>9}"]
    count = len(history["epoch"])
    every = max(1, -(-count // 20))
    for i, epoch in enumerate(history["epoch"]):
        if i % every and i != count - 1:
            continue

        def cell(key: str, width: int, fmt: str = ".4f", i: int = i) -> str:
            value = history[key][i]
            return f"{'-':>{width}}" if value is None else f"{value:>{width}{fmt}}"
        lines.append(f"{epoch + 1:>5} {cell('train_loss', 11)} {cell('train_accuracy', 10)} "
                     f"{cell('val_loss', 10)} {cell('val_accuracy', 9)} {cell('lr', 9, '.2g')}")
    return "\n".join(lines)


def fit_text(fit: tuple[float, float] | None) -> str:
    """A numeric target's RMSE (in its own units) and R², for the summary line."""
    return "" if fit is None else f", RMSE {fit[0]:.4g} (in the target's units), R² {fit[1]:.3f}"


def fit_json(fit: tuple[float, float] | None) -> dict[str, float]:
    return {} if fit is None else {"test_rmse": fit[0], "test_r2": fit[1]}


def confusion_table(classes: list[str], matrix: list[list[int]]) -> str:
    """The confusion matrix as text: a header of the predicted classes over the columns and
    each row led by its true class; every column as wide as its name or its largest count."""
    names = [str(name) for name in classes][: len(matrix)]
    names += [str(i) for i in range(len(names), len(matrix))]  # a class the set leaves unnamed
    corner = "true \\ predicted"
    first = max(len(corner), *(len(name) for name in names))
    widths = [max(len(name), *(len(str(row[j])) for row in matrix))
              for j, name in enumerate(names)]
    lines = [corner.ljust(first) + "  " + "  ".join(
        name.rjust(width) for name, width in zip(names, widths, strict=True))]
    for name, row in zip(names, matrix, strict=True):
        lines.append(name.rjust(first) + "  " + "  ".join(
            str(value).rjust(width) for value, width in zip(row, widths, strict=True)))
    return "\n".join(lines)


def cmd_eval(args: argparse.Namespace) -> int:
    import numpy

    from nnstudio.engine.metrics import confusion_matrix, predicted_classes
    from nnstudio.files.documents import open_source

    opened = open_source(args.source)
    training = settings_from_args(opened.training, args)
    opened, training, own = with_own_data(opened, training, args)
    if not opened.weights:
        print(f"nnstudio: note: {opened.name} has no trained weights; evaluating its "
              f"starting weights", file=sys.stderr)
    # The same data as `train`: --data-dir, else the folder saved with the project.
    session = _session(opened, training, args.data_dir, own)
    dataset = session.dataset
    start = time.perf_counter()
    loss, acc = session.trainer.evaluate(session.x_test, session.y_test)
    result: dict[str, Any] = {"network": opened.name, "dataset": dataset.name,
                              "test_loss": loss, "test_accuracy": acc,
                              **fit_json(fit := session.test_fit()),
                              "samples": len(session.x_test),
                              "seconds": round(time.perf_counter() - start, 3)}
    if dataset.task == "classification":
        out = session.network.predict(session.x_test)
        predicted = predicted_classes(numpy, out)
        matrix = confusion_matrix(predicted, session.y_test, max(dataset.num_classes, 2))
        result["confusion"] = matrix.tolist()
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{opened.name} on {dataset.name} test set ({len(session.x_test):,} samples): "
              f"loss {loss:.4f}" + (f", accuracy {acc:.4f}" if acc is not None else "")
              + fit_text(fit))
        if "confusion" in result:
            print("confusion matrix (rows: true class, columns: predicted class):")
            print(confusion_table(dataset.classes, result["confusion"]))
    return 0
