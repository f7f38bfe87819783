"""`nnstudio export`: a network with its weights as PyTorch code, ONNX or a .npz of weights;
`nnstudio import`: an ONNX model as a project."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nnstudio.cli.options import positive_int

FORMAT_CHOICES = ("torch", "onnx", "npz")


def register(commands: argparse._SubParsersAction) -> None:
    """Add the `export` subcommand to the `nnstudio` command's parser."""
    parser = commands.add_parser(
        "export", help="write a network with its weights as PyTorch code, ONNX or .npz",
        description="Export a preset, network file or project with its weights (a project's "
                    "trained weights if it has them, else the network's starting weights). "
                    "torch: a .py file defining an nn.Module plus its state_dict as a .pt "
                    "file beside it; onnx: an .onnx model; npz: the weights alone.")
    parser.add_argument("source", metavar="FILE_OR_PRESET")
    parser.add_argument("--format", "-f", required=True, choices=FORMAT_CHOICES)
    parser.add_argument("-o", "--output", metavar="OUT",
                        help="file to write (or a folder); default: the network's name with "
                             "the format's suffix, in the current folder")
    parser.add_argument("--opset", type=positive_int, default=None,
                        help="ONNX opset version (onnx only; default 17)")
    parser.set_defaults(handler=cmd_export)

    importer = commands.add_parser(
        "import", help="turn an ONNX model into a project (.nnstudio) with its weights",
        description="Read an .onnx model of the layers NN Studio has (PyTorch's exports of "
                    "Linear, Conv2d, pooling, Flatten/view and activations import) and save "
                    "its network and weights as a project to train, evaluate or open in the "
                    "app. A batch size fixed in the model becomes a free one.")
    importer.add_argument("source", metavar="FILE.onnx")
    importer.add_argument("-o", "--output", metavar="FILE.nnstudio",
                          help="project to write (or a folder); default: the model's name with "
                               ".nnstudio, in the current folder")
    importer.add_argument("--force", action="store_true",
                          help="replace the output project if it exists")
    importer.set_defaults(handler=cmd_import)


def cmd_export(args: argparse.Namespace) -> int:
    from nnstudio.cli.common import CliError
    from nnstudio.export import FORMATS
    from nnstudio.export.names import identifier
    from nnstudio.files.documents import open_source
    from nnstudio.running.build import build_network
    from nnstudio.running.weight_check import apply_weights, check_weights

    if args.opset is not None and args.format != "onnx":
        raise CliError("--opset applies to --format onnx only")
    opened = open_source(args.source)
    analysis = opened.network.analyze()
    if not analysis.ok:
        raise CliError(f"{opened.name}: the network is not valid: "
                       + "; ".join(str(p) for p in analysis.problems))
    network = build_network(opened.network, opened.training)
    if opened.weights is not None:  # a file's weights: exported only if they fit and are finite
        report = check_weights(network, opened.weights)
        if report.error_message():
            raise CliError(f"{opened.name}: the saved weights cannot be exported: "
                           f"{report.error_message()}")
        if report.missing:
            print(f"nnstudio: note: {opened.name}: {report.missing_note()}", file=sys.stderr)
        apply_weights(network, opened.weights, opened.name)
    else:
        origin = ("the weights set in the network file" if opened.network.weights else
                  f"freshly initialized weights (seed {opened.training.seed})")
        print(f"nnstudio: note: {opened.name} has no trained weights; exporting its starting "
              f"weights: {origin}", file=sys.stderr)
    weights = network.get_weights()
    exporter, suffix = FORMATS[args.format]
    stem = identifier(opened.name, "network") if args.format == "torch" else opened.name
    out = Path(args.output) if args.output else Path(f"{stem}{suffix}")
    if out.is_dir():
        out = out / f"{stem}{suffix}"
    options = {"opset": args.opset} if args.opset is not None else {}
    if opened.members and args.format == "onnx":  # an ensemble: its averaged model
        from nnstudio.export.onnx_ensemble import export_ensemble_onnx

        exporter = export_ensemble_onnx
        weights = [member.weights for member in opened.members]
        print(f"nnstudio: note: {opened.name} is an ensemble of {len(opened.members)}; "
              f"exporting their averaged model (mean probability)", file=sys.stderr)
    written = exporter(opened.network, weights, out, **options)
    print("wrote " + " and ".join(str(path) for path in written))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from nnstudio.cli.common import CliError
    from nnstudio.files.documents import PROJECT_SUFFIX, is_onnx, open_onnx, save_document

    source = Path(args.source)
    if not is_onnx(source):
        raise CliError(f"{source}: import reads ONNX models, named *.onnx")
    out = Path(args.output) if args.output else Path(f"{source.stem}{PROJECT_SUFFIX}")
    if out.is_dir():
        out = out / f"{source.stem}{PROJECT_SUFFIX}"
    if not out.suffix:
        out = out.with_suffix(PROJECT_SUFFIX)
    if out.suffix != PROJECT_SUFFIX:
        raise CliError(f"{out}: a project's name must end in {PROJECT_SUFFIX}")
    if not out.parent.is_dir():
        raise CliError(f"{out}: the folder {out.parent} does not exist")
    if (out.exists() or out.is_symlink()) and not args.force:
        raise CliError(f"{out} already exists; add --force to replace it")
    if not source.exists():
        raise CliError(f"{source}: no such file")
    opened = open_onnx(source)
    save_document(out, opened.network, opened.training, opened.weights)
    analysis = opened.network.analyze()
    print(f"wrote {out}: {len(opened.network.nodes)} layers, {analysis.total_params:,} "
          f"parameters, with the model's weights")
    return 0
