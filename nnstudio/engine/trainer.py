"""The training loop, as a plain generator of small events.

``Trainer.run()`` yields Started, BatchEnd, Snapshot, Checkpoint (for the timeline, when
``checkpoint_steps`` is set), EpochEnd, Paused, Diverged and Finished events. It never
blocks anyone but its own thread: pause, resume, stop and "step one batch" are flags on
``TrainerControl`` that the loop checks between batches. The same seed gives the same run,
event for event.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, replace
from typing import Any

import numpy

from nnstudio.engine.events import (
    BatchEnd,
    Checkpoint,
    Diverged,
    EpochEnd,
    Finished,
    Paused,
    Snapshot,
    Started,
)
from nnstudio.engine.losses import Loss
from nnstudio.engine.metrics import accuracy
from nnstudio.engine.network import Network
from nnstudio.engine.optimizers import Optimizer, Schedule
from nnstudio.engine.series import GrowingBuffer
from nnstudio.engine.sharing import SharedPasses, SharingError, sharing_problem

# Per-batch losses kept in a run's history: past this many, neighbours are averaged (an
# online run of a million batches would otherwise keep a million floats, ~35 MB a minute).
# Per-epoch numbers are kept exactly.
BATCH_LOSS_POINTS = 20_000


@dataclass
class TrainerConfig:
    epochs: int = 5
    batch_size: int = 64
    shuffle: bool = True
    seed: int = 0
    early_stopping: int = 0  # patience in epochs without a better validation loss; 0: off
    schedule: Schedule | None = None
    classification: bool = True
    snapshot_seconds: float = 0.0  # 0: no snapshots; else at most one per this many seconds
    snapshot_grads: bool = False  # include full gradient arrays in snapshots
    eval_batch_size: int | None = None  # None: the network's inference_batch_size
    keep_val_outputs: bool = False  # attach validation outputs to EpochEnd (for the views)
    # A loss this many times the first batch's (and above 1000) counts as diverged too:
    # stable losses like cross-entropy can explode without ever reaching NaN.
    explosion_factor: float = 1000.0
    # Known-good weights are copied every this many batches (and restored on divergence).
    checkpoint_batches: int = 50
    # The steps (batches since the start) after which a Checkpoint of the weights is yielded
    # for the training's timeline, given (batches per epoch, epochs); step 0 is the start.
    # None: no timeline.
    checkpoint_steps: Callable[[int, int], Collection[int]] | None = None
    # CPU cores each batch is shared across (this process and cores - 1 helper processes,
    # one BLAS thread each; see sharing.py); 1: this process alone, on the BLAS threads
    # it has.
    cores: int = 1


class TrainerControl:
    """Thread-safe flags a GUI sets and the loop reads between batches."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._stop = False
        self._paused = False
        self._steps_allowed = 0

    def stop(self) -> None:
        with self._condition:
            self._stop = True
            self._condition.notify_all()

    def pause(self) -> None:
        with self._condition:
            self._paused = True

    def resume(self) -> None:
        with self._condition:
            self._paused = False
            self._condition.notify_all()

    def step(self, batches: int = 1) -> None:
        """While paused, let ``batches`` more batches run, then pause again."""
        with self._condition:
            self._paused = True
            self._steps_allowed += batches
            self._condition.notify_all()

    @property
    def stopped(self) -> bool:
        return self._stop

    @property
    def holding(self) -> bool:
        """Paused with no step left to run: the loop waits after the batch it is on."""
        if not self._paused:  # the common case, asked every batch: no lock (a bool's read)
            return False
        with self._condition:
            return self._paused and not self._steps_allowed and not self._stop

    @property
    def paused(self) -> bool:
        return self._paused

    def may_run_batch(self, on_pause: Callable[[], None] | None = None) -> bool:
        """Block while paused; False when the run should stop."""
        if not self._paused and not self._stop:
            # Running on (reading two flags needs no lock; the course's batches of 10 take
            # under 0.1 ms, and taking the lock on each was a microsecond of it).
            return True
        with self._condition:
            if self._paused and not self._steps_allowed and not self._stop and on_pause:
                on_pause()
            while self._paused and not self._steps_allowed and not self._stop:
                self._condition.wait(timeout=0.1)
            if self._stop:
                return False
            if self._paused:
                self._steps_allowed -= 1
            return True


class KnownGood:
    """A copy of everything a training step changes, taken only while it is all finite, to
    go back to when training diverges: the weights, every layer's state (BatchNorm's running
    statistics: one NaN pixel makes them NaN for every later prediction) and the optimizer's
    moments and step count (a NaN gradient poisons them too, and they would carry it into
    the next step of a continued run)."""

    def __init__(self, network: Network, optimizer: Optimizer) -> None:
        self.network = network
        self.optimizer = optimizer
        params = [p.value for p in network.parameters()]  # flat buffers: a copy is cheap
        states = [a for node in network.layer_nodes for a in node.layer.state.values()]
        self.arrays = params + states
        self.copies = [a.copy() for a in self.arrays]
        self.slots: dict[int, dict[str, Any]] = {}
        self.t = optimizer.t
        self.valid = False
        self.take()

    def finite(self) -> bool:
        xp = self.network.device.xp
        values = [*self.arrays, *(v for slot in self.optimizer.slots.values()
                                  for v in slot.values())]
        return all(math.isfinite(v) if isinstance(v, float) else bool(xp.isfinite(v).all())
                   for v in values)

    def take(self) -> bool:
        """Copy the current values if they are all finite; False (keeping the older copy)
        when they are not."""
        if not self.finite():
            return False
        for array, copy in zip(self.arrays, self.copies, strict=True):
            copy[...] = array
        self.slots = _copy_slots(self.optimizer.slots)
        self.t = self.optimizer.t
        self.valid = True
        return True

    def restore(self) -> bool:
        """Go back to the last finite copy; False when there never was one."""
        if not self.valid:
            return False
        for array, copy in zip(self.arrays, self.copies, strict=True):
            array[...] = copy
        self.optimizer.slots.clear()
        self.optimizer.slots.update(_copy_slots(self.slots))
        self.optimizer.t = self.t
        return True


def _copy_slots(slots: dict[int, dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """The optimizer's per-parameter arrays (and Nadam's running float), copied."""
    return {i: {k: v if isinstance(v, float) else v.copy() for k, v in slot.items()}
            for i, slot in slots.items()}


class Trainer:
    def __init__(
        self,
        network: Network,
        loss: Loss,
        optimizer: Optimizer,
        x_train: numpy.ndarray,
        y_train: numpy.ndarray,
        config: TrainerConfig,
        x_val: numpy.ndarray | None = None,
        y_val: numpy.ndarray | None = None,
        augment: Callable[[numpy.ndarray, numpy.random.Generator], numpy.ndarray] | None = None,
        control: TrainerControl | None = None,
    ) -> None:
        self.network = network
        self.loss = loss
        self.optimizer = optimizer
        self.config = config
        self.control = control or TrainerControl()
        self.augment = augment
        device = network.device
        self.xp = device.xp
        # Data goes to the device once; batches are slices of it.
        self.x_train = device.send(x_train, network.dtype)
        self.y_train = device.send(y_train)
        self.x_val = None if x_val is None or len(x_val) == 0 else device.send(x_val, network.dtype)
        self.y_val = None if self.x_val is None else device.send(y_val)
        self.base_lr = optimizer.lr
        self.first_loss: float | None = None
        self.last_outputs: numpy.ndarray | None = None
        self.history: dict[str, Any] = {
            "batch_loss": [], "epoch": [], "train_loss": [], "train_accuracy": [],
            "val_loss": [], "val_accuracy": [], "lr": []}
        # history["batch_loss"] is filled from this when the run finishes; each point is
        # the mean of history["batch_loss_stride"] consecutive batches.
        self.batch_losses = GrowingBuffer(1, max_points=BATCH_LOSS_POINTS)
        # The passes over batches: the network's own, or shared across cores (opened when
        # the first run starts, kept until close()); why they are not shared, if asked.
        self.sharing: SharedPasses | None = None
        self.sharing_problem: str | None = None

    @property
    def passes(self) -> Network | SharedPasses:
        """What runs a batch's passes: the network, or the network shared across cores."""
        if self.sharing is not None and self.sharing.helpers:
            return self.sharing
        return self.network

    def share_batches(self) -> None:
        """Start sharing batches across ``config.cores`` processes, where it can be done
        (else ``sharing_problem`` says why not)."""
        if self.config.cores <= 1 or self.sharing is not None or len(self.x_train) == 0:
            return
        self.sharing_problem = sharing_problem(self.network, self.config.cores)
        if self.sharing_problem:
            return
        rows = max(self.config.batch_size, self.config.eval_batch_size or 0,
                   self.network.inference_batch_size)
        try:
            self.sharing = SharedPasses(self.network, self.loss, self.config.cores, rows,
                                        self.x_train, self.y_train)
        except (OSError, SharingError) as error:
            self.sharing_problem = f"helper processes could not start: {error}"

    def sharing_status(self) -> tuple[str, str]:
        """How the run's batches are computed, as (how, words): ("one core", "") when one
        was asked for; ("shared", "each batch shared …"); ("evaluation", "batches of B are
        too small …") when only evaluation is; ("not shared", why not)."""
        cores, batch, sharing = self.config.cores, self.config.batch_size, self.sharing
        if cores <= 1:
            return "one core", ""
        if sharing is None or not sharing.helpers:
            return "not shared", str(self.sharing_problem or (sharing and sharing.problem))
        if sharing.worth_sharing(batch):
            return "shared", f"each batch shared across {cores} processes, one core each"
        return "evaluation", (f"batches of {batch} are too small to share; evaluation is "
                              f"shared across {cores} processes")

    def close(self) -> None:
        """End the helper processes of shared batches, if any (the network stays usable)."""
        if self.sharing is not None:
            self.sharing.close()

    # -- evaluation ----------------------------------------------------------------------
    def evaluate(self, x: Any, y: Any, keep_outputs: bool = False) -> tuple[float, float | None]:
        """Mean loss and accuracy in eval mode, batch by batch; with ``keep_outputs`` the
        outputs are kept (as one NumPy array) in ``last_outputs``."""
        net, xp = self.network, self.xp
        size = self.config.eval_batch_size or net.inference_batch_size
        total_loss, correct_weighted = 0.0, 0.0
        outputs = []
        x = self.network.device.send(x, net.dtype)
        y = self.network.device.send(y)
        for start in range(0, len(x), size):
            xb, yb = x[start:start + size], y[start:start + size]
            value, output, _ = self.passes.loss_forward(xb, yb, self.loss, training=False)
            total_loss += float(value) * len(xb)
            if keep_outputs:
                outputs.append(net.device.to_host(output))
            if self.config.classification:
                correct_weighted += accuracy(xp, output, yb) * len(xb)
        n = max(len(x), 1)
        self.last_outputs = numpy.concatenate(outputs) if outputs else None
        return total_loss / n, (correct_weighted / n if self.config.classification else None)

    # -- the loop --------------------------------------------------------------------------
    def run(self) -> Iterator[Any]:
        cfg, net, xp = self.config, self.network, self.xp
        n = len(self.x_train)
        batch_size = max(1, min(cfg.batch_size, n))
        batches = math.ceil(n / batch_size)
        rng = numpy.random.default_rng(cfg.seed)
        self.share_batches()  # before anything keeps the parameters' arrays
        known_good = KnownGood(net, self.optimizer)
        yield Started(cfg.epochs, batches, n, 0 if self.x_val is None else len(self.x_val),
                      net.parameter_count(), net.device.name)
        timeline = set(cfg.checkpoint_steps(batches, cfg.epochs)) if cfg.checkpoint_steps \
            else set()
        if 0 in timeline:
            yield Checkpoint(0, 0.0, net.get_weights())
        start_time = time.perf_counter()
        last_snapshot = -math.inf
        step = 0
        samples_seen = 0
        best_val, best_epoch, best_weights, waited = math.inf, None, None, 0
        reason = "completed"
        epoch, batch = -1, 0
        paused_event: list[Paused] = []

        for epoch in range(cfg.epochs):
            epoch_start = time.perf_counter()
            lr = cfg.schedule.lr_at(self.base_lr, epoch) if cfg.schedule else self.base_lr
            self.optimizer.lr = lr
            # The epoch's order goes to the device once: batches index with slices of it.
            order = net.device.send(rng.permutation(n)) if cfg.shuffle else None
            loss_sum, correct, seen = 0.0, 0.0, 0
            for batch in range(batches):
                def on_pause(step: int = step) -> None:
                    paused_event.append(Paused(step))

                # A run about to wait says so first: what is on its way to the views (the
                # blocks a training process gathers) goes before the wait, not after it.
                announced = self.control.holding
                if announced:
                    yield Paused(step)
                if not self.control.may_run_batch(None if announced else on_pause):
                    reason = "stopped"
                    break
                if paused_event:
                    yield paused_event.pop()
                lo, hi = batch * batch_size, min((batch + 1) * batch_size, n)
                if order is None:
                    xb, yb = self.x_train[lo:hi], self.y_train[lo:hi]
                else:
                    idx = order[lo:hi]
                    xb, yb = self.x_train[idx], self.y_train[idx]
                if self.augment is not None:
                    host = net.device.to_host(xb)
                    xb = net.device.send(self.augment(host, rng), net.dtype)
                value, output = self.passes.loss_and_backward(xb, yb, self.loss)
                problem = self._non_finite(value)
                if problem is not None:
                    diverged = self._diagnose(xb, yb, epoch, batch, step, problem)
                    yield self._restored(diverged, known_good.restore())
                    reason = "diverged"
                    break
                if step % cfg.checkpoint_batches == 0:
                    known_good.take()
                # A snapshot due after this step also says how much the step moved each
                # layer's weights (the update/weight ratio of the health badges).
                due = bool(cfg.snapshot_seconds) and (
                    time.perf_counter() - last_snapshot >= cfg.snapshot_seconds)
                before = self._weights_before_step() if due else None
                self.optimizer.step(net.parameters())
                step += 1
                m = hi - lo
                samples_seen += m
                loss_sum += value * m
                seen += m
                acc = accuracy(xp, output, yb) if cfg.classification else None
                if acc is not None:
                    correct += acc * m
                self.batch_losses.append(value)
                elapsed = time.perf_counter() - start_time
                yield BatchEnd(epoch, batch, step, value, acc, lr, samples_seen,
                               samples_seen / max(elapsed, 1e-9), elapsed)
                if step in timeline:
                    yield Checkpoint(step, step / batches, net.get_weights())
                if due:
                    last_snapshot = time.perf_counter()
                    yield self.snapshot(step, epoch, before)
            if reason in ("stopped", "diverged"):
                break
            train_loss = loss_sum / max(seen, 1)
            train_acc = correct / max(seen, 1) if cfg.classification else None
            val_loss = val_acc = None
            if self.x_val is not None:
                val_loss, val_acc = self.evaluate(self.x_val, self.y_val,
                                                  keep_outputs=cfg.keep_val_outputs)
            self._record(epoch, train_loss, train_acc, val_loss, val_acc, lr)
            yield EpochEnd(epoch, train_loss, train_acc, val_loss, val_acc, lr,
                           time.perf_counter() - epoch_start,
                           self.last_outputs if cfg.keep_val_outputs else None)
            # The epoch's end gets a snapshot when one is due: once per epoch for runs of
            # seconds per epoch, not thousands a second for the toy sets' one-batch epochs
            # (each one redraws the window's views).
            if cfg.snapshot_seconds and (
                    time.perf_counter() - last_snapshot >= cfg.snapshot_seconds):
                last_snapshot = time.perf_counter()
                yield self.snapshot(step, epoch)
            monitored = val_loss if val_loss is not None else train_loss
            if monitored < best_val:
                best_val, best_epoch, waited = monitored, epoch, 0
                if cfg.early_stopping:
                    best_weights = net.get_weights()
            else:
                waited += 1
                if cfg.early_stopping and waited >= cfg.early_stopping:
                    reason = "early_stopping"
                    break
        if reason == "early_stopping" and best_weights is not None:
            net.set_weights(best_weights)
        if reason != "diverged" and (where := net.first_non_finite()) is not None:
            # The last step made the weights non-finite after its loss was checked: never
            # end (and be saved) on them.
            diverged = self._diverged(max(epoch, 0), batch, step, where[0], "weights")
            yield self._restored(diverged, known_good.restore())
            reason = "diverged"
        if timeline and reason == "stopped" and step not in timeline:
            yield Checkpoint(step, step / batches, net.get_weights())  # where it stopped
        epochs_run = len(self.history["epoch"])
        self.history["batch_loss"] = self.batch_losses.column(0).tolist()
        self.history["batch_loss_stride"] = self.batch_losses.stride
        if cfg.snapshot_seconds:  # the views end on the weights the run ends with
            yield self.snapshot(step, max(epoch, 0))
        yield Finished(reason, epochs_run, best_epoch, time.perf_counter() - start_time,
                       self.history)

    # -- helpers -------------------------------------------------------------------------
    def _record(self, epoch, train_loss, train_acc, val_loss, val_acc, lr) -> None:
        h = self.history
        h["epoch"].append(epoch)
        h["train_loss"].append(train_loss)
        h["train_accuracy"].append(train_acc)
        h["val_loss"].append(val_loss)
        h["val_accuracy"].append(val_acc)
        h["lr"].append(lr)

    def _non_finite(self, value: float) -> str | None:
        if not math.isfinite(value):
            return "loss"
        if self.first_loss is None:
            self.first_loss = value
        limit = max(self.config.explosion_factor * self.first_loss, 1000.0)
        if self.config.explosion_factor and value > limit:
            return "exploding loss"
        # A non-finite gradient shows up as a non-finite loss one batch later; checking
        # every gradient on every batch would cost more than the small networks' math.
        return None

    def _diagnose(self, xb: Any, yb: Any, epoch: int, batch: int, step: int,
                  found_in: str) -> Diverged:
        """Rerun the batch with capture on to name the first layer that went non-finite."""
        net, xp = self.network, self.xp
        net.capture = True
        net.output_grads = {}
        try:
            with numpy.errstate(all="ignore"):
                net.loss_and_backward(xb, yb, self.loss)
            for node in net.layer_nodes:
                out = net.activations.get(node.name)
                if out is not None and not bool(xp.isfinite(out).all()):
                    return self._diverged(epoch, batch, step, node.name, "output")
            for node in reversed(net.layer_nodes):
                grads = [net.output_grads.get(node.name), *node.layer.grads.values()]
                if any(g is not None and not bool(xp.isfinite(g).all()) for g in grads):
                    return self._diverged(epoch, batch, step, node.name, "gradient")
            return self._diverged(epoch, batch, step, None, found_in)
        finally:
            net.capture = False
            net.activations, net.output_grads = {}, {}

    @staticmethod
    def _diverged(epoch: int, batch: int, step: int, layer: str | None, where: str) -> Diverged:
        if where == "exploding loss":
            what = "the loss exploded (over 1000 times its starting value)"
        elif where == "weights":
            what = f"the weights of layer {layer} became NaN or infinite after the last step"
        else:
            place = f"the {where} of layer {layer}" if layer else f"the {where}"
            what = f"{place} became NaN or infinite"
        message = (f"Training diverged at epoch {epoch + 1}, batch {batch + 1}: {what}. "
                   "The last good weights were restored; try a smaller learning rate.")
        return Diverged(epoch, batch, step, layer, where, message)

    @staticmethod
    def _restored(diverged: Diverged, restored: bool) -> Diverged:
        """The event as it is when no finite weights were ever seen to go back to."""
        if restored:
            return diverged
        message = diverged.message.replace(
            "The last good weights were restored", "The starting weights were not finite "
            "either, so there were no good weights to go back to")
        return replace(diverged, message=message)

    def _weights_before_step(self) -> dict[str, Any]:
        """A copy of each layer's weights ("W"), taken just before an optimizer step."""
        return {node.name: node.layer.params["W"].copy() for node in self.network.layer_nodes
                if "W" in node.layer.params}

    def snapshot(self, step: int, epoch: int, before: dict[str, Any] | None = None) -> Snapshot:
        """The views' copy of the network; with ``before`` (the weights before the last
        step) it also gives the norm of that step's change of each layer's weights."""
        net, xp = self.network, self.xp
        grad_norms, weight_norms, update_norms, grads = {}, {}, {}, {}
        for node in net.layer_nodes:
            layer = node.layer
            if "W" in layer.params:
                weight_norms[node.name] = float(xp.linalg.norm(layer.params["W"]))
                grad_norms[node.name] = float(xp.linalg.norm(layer.grads["W"]))
                if before is not None and node.name in before:
                    update_norms[node.name] = float(
                        xp.linalg.norm(layer.params["W"] - before[node.name]))
                if self.config.snapshot_grads:
                    grads[node.name] = {k: net.device.to_host(g) for k, g in layer.grads.items()}
        return Snapshot(step, epoch, net.get_weights(), grad_norms, weight_norms, grads,
                        update_norms)
