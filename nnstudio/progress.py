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


# -- the training panel's progress line: each state says only what is true -----------------

def where(epoch: int, epochs: int, batch: int | None = None, batches: int | None = None) -> str:
    """'epoch 2/5' or 'epoch 2/5, batch 3/938' (epoch and batch 0-based in, 1-based out)."""
    text = f"epoch {epoch + 1}/{epochs}"
    return text if batch is None or batches is None else f"{text}, batch {batch + 1}/{batches}"


def running_text(epoch: int, epochs: int, samples_per_second: float, seconds_left: float) -> str:
    return (f"{where(epoch, epochs)} · {samples_per_second:,.0f} samples/s · "
            f"{format_seconds(seconds_left)} left")


def paused_text(position: str, stepped: bool) -> str:
    """Paused (after a Step, or not): no rate and no time left, nothing runs."""
    return f"{'stepped' if stepped else 'paused'} · {position}"


def stopping_text(position: str) -> str:
    return f"stopping after this batch · {position}"


def ended_text(position: str) -> str:
    """The run's process ended without finishing (it failed, or was ended)."""
    return f"ended without finishing · {position}" if position else "ended without finishing"


FINISHED_WORDS = {"completed": "finished", "early_stopping": "finished early (no better "
                  "validation loss)", "stopped": "stopped", "diverged": "diverged"}


def finished_text(reason: str, epochs_run: int, epochs: int, seconds: float) -> tuple[bool, str]:
    """(whether the bar is full, the line) when a run has ended."""
    full = reason in ("completed", "early_stopping")
    words = FINISHED_WORDS.get(reason, reason)
    of = f"{epochs_run} epoch{'s' if epochs_run != 1 else ''}" if full or not epochs \
        else f"{epochs_run} of {epochs} epochs"
    return full, f"{words} · {of} in {format_seconds(seconds)}"
