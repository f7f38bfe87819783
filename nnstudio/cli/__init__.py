"""The `nnstudio` command: command.py parses it and opens the window when no subcommand is
given; train.py, data.py, export.py and bench.py add the headless subcommands, which share
common.py (errors, destinations), options.py (argument types) and settings.py (the training
settings' flags) and never import command.py."""

from nnstudio.cli.command import main

__all__ = ["main"]
