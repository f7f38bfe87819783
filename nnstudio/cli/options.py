"""Argument types for the command line's numbers: a bad value is refused by argparse with
the option's name ("argument --batch: must be a whole number of at least 1, not 0"), before
anything runs, instead of failing later with NumPy's words or passing on nothing."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable


def whole_number(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number of at least ``minimum``."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(
                f"must be a whole number of at least {minimum}, not {value}")
        return value
    parse.__name__ = "whole number"  # argparse names the type in some messages
    return parse


positive_int = whole_number(1)
non_negative_int = whole_number(0)


def non_negative_float(text: str) -> float:
    """An argparse type: a finite number >= 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, not {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be a number of at least 0, not {text}")
    return value


def window_size(text: str) -> tuple[int, int]:
    """An argparse type: a window size WIDTHxHEIGHT ("1024x700"), each side 200 to 10000."""
    width, sep, height = text.lower().partition("x")
    try:
        size = (int(width), int(height)) if sep else None
    except ValueError:
        size = None
    if size is None:
        raise argparse.ArgumentTypeError(f"must be WIDTHxHEIGHT such as 1024x700, not {text!r}")
    if not all(200 <= side <= 10000 for side in size):
        raise argparse.ArgumentTypeError(
            f"each side must be 200 to 10000 pixels, not {text!r}")
    return size
