"""`nnstudio export`: a network with its weights as PyTorch code, ONNX or a .npz of weights."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nnstudio.cli_options import positive_int

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


def cmd_export(args: argparse.Namespace) -> int:
    from nnstudio.build import build_network
    from nnstudio.cli import CliError
    from nnstudio.documents import open_source
    from nnstudio.export import FORMATS
    from nnstudio.export.names import identifier

    if args.opset is not None and args.format != "onnx":
        raise CliError("--opset applies to --format onnx only")
    opened = open_source(args.source)
    analysis = opened.network.analyze()
    if not analysis.ok:
        raise CliError(f"{opened.name}: the network is not valid: "
                       + "; ".join(str(p) for p in analysis.problems))
    weights = opened.weights
    if weights is None:
        weights = build_network(opened.network, opened.training).get_weights()
        origin = ("the weights set in the network file" if opened.network.weights else
                  f"freshly initialized weights (seed {opened.training.seed})")
        print(f"nnstudio: note: {opened.name} has no trained weights; exporting its starting "
              f"weights: {origin}", file=sys.stderr)
    exporter, suffix = FORMATS[args.format]
    stem = identifier(opened.name, "network") if args.format == "torch" else opened.name
    out = Path(args.output) if args.output else Path(f"{stem}{suffix}")
    if out.is_dir():
        out = out / f"{stem}{suffix}"
    options = {"opset": args.opset} if args.opset is not None else {}
    written = exporter(opened.network, weights, out, **options)
    print("wrote " + " and ".join(str(path) for path in written))
    return 0
