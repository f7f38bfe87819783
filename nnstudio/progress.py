"""A small text progress bar for the command line (no dependency, at most 5 redraws a second)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


def format_seconds(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class ProgressBar:
    def __init__(self, total: int, label: str = "", stream: TextIO | None = None,
                 width: int = 28, interval: float = 0.2) -> None:
        self.total = max(total, 1)
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.interval = interval
        self.start = time.perf_counter()
        self._last_draw = 0.0
        self._tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def update(self, done: int, suffix: str = "", force: bool = False) -> None:
        now = time.perf_counter()
        if not force and now - self._last_draw < self.interval:
            return
        if not self._tty and not force:
            return  # in logs, only the final state of each bar
        self._last_draw = now
        fraction = min(done / self.total, 1.0)
        filled = int(self.width * fraction)
        elapsed = now - self.start
        eta = elapsed / fraction - elapsed if fraction > 0 else 0.0
        bar = "#" * filled + "." * (self.width - filled)
        line = (f"{self.label} [{bar}] {fraction * 100:5.1f}% {suffix} "
                f"{format_seconds(elapsed)}<{format_seconds(eta)}")
        end = "\r" if self._tty and fraction < 1 else "\n"
        if self._tty:
            self.stream.write("\r" + line.ljust(100)[:120] + end)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self, done: int, suffix: str = "") -> None:
        if self._tty:
            self.update(done, suffix, force=True)
            self.stream.write("\n")
            self.stream.flush()
        else:
            self.update(done, suffix, force=True)
