"""The timeline of a training: which steps keep a checkpoint of the weights, and the
checkpoints of a run (and of the runs it branched from), in order.

The trainer yields a ``Checkpoint`` after each step ``checkpoint_steps`` names: the start,
several times during the first epoch (where the weights change most) and the end of every
epoch. A run that continues from a checkpoint (a branch) starts its timeline with its
parent's checkpoints up to that one, and counts its own steps and epochs on from there.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy

from nnstudio.engine.events import Checkpoint

# Where the first epoch keeps checkpoints, as fractions of it (its end is kept anyway).
FIRST_EPOCH_FRACTIONS = (1 / 32, 1 / 16, 1 / 8, 1 / 4, 1 / 2)
# A long run keeps the end of every k-th epoch, so that at most this many epoch ends are kept
# (an XOR run of 2000 one-batch epochs would otherwise copy its weights after every batch).
MAX_EPOCH_CHECKPOINTS = 30
# What one timeline may hold; past it every other checkpoint between the first and the
# last is dropped (a 10-epoch lenet5 timeline takes about 4 MB).
MAX_TIMELINE_BYTES = 64 * 1024**2

Weights = dict[str, dict[str, numpy.ndarray]]


def checkpoint_steps(batches_per_epoch: int, epochs: int) -> list[int]:
    """The steps whose weights the timeline keeps: 0 (the start), FIRST_EPOCH_FRACTIONS of
    the first epoch, and the end of every epoch (of every k-th one and the last, past
    MAX_EPOCH_CHECKPOINTS epochs)."""
    batches, epochs = max(int(batches_per_epoch), 1), max(int(epochs), 1)
    every = -(-epochs // MAX_EPOCH_CHECKPOINTS)
    steps = {0, batches, batches * epochs}
    steps.update(max(1, round(fraction * batches)) for fraction in FIRST_EPOCH_FRACTIONS)
    steps.update(batches * epoch for epoch in range(every, epochs + 1, every))
    return sorted(steps)


def weights_bytes(weights: Weights) -> int:
    return sum(int(numpy.asarray(a).nbytes) for arrays in weights.values()
               for a in arrays.values())


def checkpoint_label(checkpoint: Checkpoint) -> str:
    """"start", "epoch 0.25", "epoch 3"."""
    if checkpoint.step == 0:
        return "start"
    return f"epoch {checkpoint.epoch:.3g}"


@dataclass
class Timeline:
    """The checkpoints of one run, oldest first; a branch begins with its parent's up to
    the one it continued from (``branch_point``, its index; None for a run from scratch)."""

    origin: str = ""  # which run ("run 2: adam lr 0.002, batch 64")
    checkpoints: list[Checkpoint] = field(default_factory=list)
    branch_point: int | None = None
    max_bytes: int = MAX_TIMELINE_BYTES

    def __len__(self) -> int:
        return len(self.checkpoints)

    def __getitem__(self, index: int) -> Checkpoint:
        return self.checkpoints[index]

    @property
    def _offset(self) -> tuple[int, float]:
        if self.branch_point is None:
            return 0, 0.0
        start = self.checkpoints[self.branch_point]
        return start.step, start.epoch

    def add(self, checkpoint: Checkpoint) -> bool:
        """Keep a checkpoint of this run (its own steps count from its start); False when
        it was not kept (a branch's start: the same weights as the branch point)."""
        steps, epochs = self._offset
        if self.branch_point is not None and checkpoint.step == 0:
            return False
        self.checkpoints.append(replace(checkpoint, step=checkpoint.step + steps,
                                        epoch=checkpoint.epoch + epochs))
        self._fit_budget()
        return True

    def _fit_budget(self) -> None:
        """Drop every other checkpoint after the branch point while the timeline is too
        large (the first, the branch point and the newest stay)."""
        while len(self.checkpoints) > 2 and self.size_bytes() > self.max_bytes:
            first = (self.branch_point or 0) + 1
            middle = self.checkpoints[first:-1]
            keep = self.checkpoints[:first] + middle[1::2] + self.checkpoints[-1:]
            if len(keep) == len(self.checkpoints):
                return
            self.checkpoints = keep

    def size_bytes(self) -> int:
        """The checkpoints' arrays together (a branch's parent ones counted too)."""
        return sum(weights_bytes(c.weights) for c in self.checkpoints)

    def branch(self, index: int, origin: str = "") -> Timeline:
        """The timeline of a run that continues from checkpoint ``index``: this one's
        checkpoints up to it (the arrays shared, never copied), then the new run's."""
        if not 0 <= index < len(self.checkpoints):
            raise IndexError(f"the timeline has no checkpoint {index} "
                             f"(it has {len(self.checkpoints)})")
        return Timeline(origin, self.checkpoints[:index + 1], index, self.max_bytes)

    def nearest(self, epoch: float) -> int:
        """The index of the checkpoint closest to ``epoch``."""
        if not self.checkpoints:
            raise IndexError("the timeline is empty")
        return int(numpy.argmin([abs(c.epoch - epoch) for c in self.checkpoints]))

    def epochs(self) -> numpy.ndarray:
        return numpy.array([c.epoch for c in self.checkpoints], dtype=numpy.float64)
