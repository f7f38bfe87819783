"""Data-parallel passes on the CPU: each batch shared across processes, one core each.

This process takes the first share of every batch; each helper process holds a copy of the
network whose parameters are the same memory (shared between the processes), takes its
share through shared memory, and leaves its gradient in shared memory, where this process
adds the shares together, weighted by their sizes (every loss is a mean over the batch).
The optimizer then steps once, on the one set of parameters all processes read.

Why processes and not threads: NumPy releases the GIL only inside each call, and a
network's pass is hundreds of calls of 10-100 microseconds. Two threads, each running half
of a small-cnn batch, ran it only 1.2x faster than one (each waiting for the other's Python
between its calls); two processes ran it 1.7-2.1x faster. Both measured on a 2-core machine
with one BLAS thread per process.

Only convolutional networks are shared. A network of dense layers spends its pass in a few
large BLAS products, which BLAS threads share well and which left little for processes to
gain: the MLP 784-100-10 trained 1.02-1.08x faster shared (batches of 64 and 256) and
predicted 0.72x as fast (a pipe's round trip between processes is about 70 microseconds,
and each share's inputs and outputs are copied). Not shared either: a layer with state
(BatchNorm's statistics are the whole batch's), devices other than the CPU, a process that
may not start others (a daemon), and a share with less work than MIN_SHARE_WORK (a last
batch of a few samples), which runs here alone.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import pickle
import weakref
from dataclasses import dataclass
from typing import Any

import numpy

from nnstudio.engine.layers.conv import Conv2D
from nnstudio.engine.losses import Loss
from nnstudio.engine.network import Network

# Forward multiply-adds in one process's share of a batch below which the batch is not
# shared (small-cnn: 0.3 million per sample).
MIN_SHARE_WORK = 2_000_000

# Seconds to wait for a helper to start (import NumPy and this package, unpickle the network).
START_SECONDS = 120.0


class SharingError(RuntimeError):
    """A helper process failed; the message says what it reported."""


def sharing_problem(network: Network, cores: int) -> str | None:
    """Why ``network``'s batches cannot be shared across ``cores`` processes, or None."""
    if cores <= 1:
        return None
    available = os.cpu_count() or 1
    if cores > available:
        return f"this machine has {available} CPU cores, not {cores}"
    if network.device.name != "numpy":
        return f"batches are shared across cores only on the CPU, not on {network.device.name}"
    stateful = [node.name for node in network.layer_nodes if node.layer.state]
    if stateful:
        return (f"{stateful[0]} keeps statistics over each whole batch, so its batches "
                "cannot be shared across cores")
    if multiprocessing.current_process().daemon:
        return "this process may not start helper processes (it is a daemon)"
    if not any(isinstance(node.layer, Conv2D) for node in network.layer_nodes):
        return ("a network without convolutions is a few large matrix products per batch, "
                "which BLAS threads share better than processes")
    return None


def multiply_adds_per_sample(network: Network) -> int:
    """Forward multiply-adds per sample of the weighted layers, as of the last forward pass
    (a convolution's output size is known only after one)."""
    total = 0
    for node in network.layer_nodes:
        layer = node.layer
        W = layer.params.get("W")
        if W is None:
            continue
        if isinstance(layer, Conv2D) and getattr(layer, "geometry", None) is not None:
            total += int(W.size) * layer.geometry.oh * layer.geometry.ow
        else:
            total += int(W.size)
    return total


def share_bounds(n: int, parts: int) -> list[tuple[int, int]]:
    """``n`` rows as ``parts`` runs of nearly equal sizes, the larger ones first."""
    size, extra = divmod(n, parts)
    bounds, lo = [], 0
    for part in range(parts):
        hi = lo + size + (1 if part < extra else 0)
        bounds.append((lo, hi))
        lo = hi
    return bounds


Layout = tuple[tuple[int, ...], str]  # (shape, dtype string) of an array in shared memory


def _raw(ctx: Any, layout: Layout) -> Any:
    """Shared memory for an array of this layout."""
    shape, dtype = layout
    return ctx.RawArray(ctypes.c_byte, max(int(numpy.prod(shape)) * numpy.dtype(dtype).itemsize, 1))


def _view(raw: Any, layout: Layout) -> numpy.ndarray:
    """The array of this layout in shared memory."""
    shape, dtype = layout
    count = int(numpy.prod(shape))
    return numpy.frombuffer(raw, dtype=numpy.dtype(dtype), count=count).reshape(shape)


@dataclass
class _Helper:
    """One helper process and this side's views of the memory it shares."""

    process: Any
    connection: Any
    grads: numpy.ndarray
    x: numpy.ndarray
    y: numpy.ndarray
    out: numpy.ndarray


class SharedPasses:
    """A network's training and evaluation passes, each batch shared across ``cores``
    processes (this one and ``cores - 1`` helpers). Every call works on batches of up to
    ``rows`` samples shaped like ``x_example``'s, with targets like ``y_example``'s; the
    network's parameters move into shared memory (see ``Network.place_parameters``).

    While it is open this process runs one BLAS thread, as each helper does. ``close()``
    ends the helpers (so does the end of this process); a helper that fails makes the
    passes run here alone from then on, and ``problem`` says why.
    """

    def __init__(self, network: Network, loss: Loss, cores: int, rows: int,
                 x_example: numpy.ndarray, y_example: numpy.ndarray) -> None:
        problem = sharing_problem(network, cores)
        if problem is not None:
            raise ValueError(problem)
        from threadpoolctl import threadpool_limits

        self.network, self.loss, self.cores = network, loss, cores
        self.problem: str | None = None
        self.capacity = -(-rows // cores)
        ctx = multiprocessing.get_context("spawn")
        flat_layout = ((network.parameter_size(),), network.dtype.str)
        values_raw = _raw(ctx, flat_layout)
        network.place_parameters(_view(values_raw, flat_layout))
        output = network.forward(x_example[:1], training=False)
        self.work_per_sample = multiply_adds_per_sample(network)
        self.out_row = tuple(output.shape[1:])
        x_layout = ((self.capacity, *x_example.shape[1:]), network.dtype.str)
        y_layout = ((self.capacity, *y_example.shape[1:]), y_example.dtype.str)
        out_layout = ((self.capacity, *self.out_row), output.dtype.str)
        try:
            payload = pickle.dumps((network, loss))
        except (pickle.PicklingError, TypeError, AttributeError) as error:
            raise SharingError(f"the network cannot be copied to a helper process ({error})"
                               ) from error
        self.helpers: list[_Helper] = []
        blas = threadpool_limits(limits=1, user_api="blas")
        # Helpers end with this object even when nobody closes it.
        self._finalizer = weakref.finalize(self, _end, self.helpers, blas)
        layouts = (flat_layout, x_layout, y_layout, out_layout)
        try:
            for index in range(1, cores):
                raws = [_raw(ctx, layout) for layout in layouts]
                ours, theirs = ctx.Pipe()
                process = ctx.Process(
                    target=serve_share, daemon=True, name=f"nnstudio-share-{index}",
                    args=(theirs, payload, index, values_raw, raws, layouts))
                process.start()
                theirs.close()
                grads, x, y, out = (_view(raw, layout)
                                    for raw, layout in zip(raws, layouts, strict=True))
                self.helpers.append(_Helper(process, ours, grads, x, y, out))
            for helper in self.helpers:
                self._answer(helper, timeout=START_SECONDS)
        except BaseException:
            self.close()
            raise

    # -- the passes ----------------------------------------------------------------------
    def loss_and_backward(self, x: Any, target: Any, loss: Loss) -> tuple[float, Any]:
        """As Network.loss_and_backward, with the batch shared: the network's gradients
        are the whole batch's afterwards."""
        shared = self._share("train", x, target, loss)
        if shared is None:
            return self.network.loss_and_backward(x, target, loss)
        value, output, _ = shared
        return value, output

    def loss_forward(self, x: Any, target: Any, loss: Loss,
                     training: bool = True) -> tuple[Any, Any, str | None]:
        """As Network.loss_forward (no backward pass), with the batch shared."""
        if training:  # only evaluation is shared without a backward pass
            return self.network.loss_forward(x, target, loss, training=True)
        shared = self._share("evaluate", x, target, loss)
        if shared is None:
            return self.network.loss_forward(x, target, loss, training=False)
        return shared

    def predict(self, x: Any, batch_size: int | None = None) -> numpy.ndarray:
        """As Network.predict, each batch shared."""
        size = min(batch_size or self.network.inference_batch_size, self.capacity * self.cores)
        parts = []
        for start in range(0, len(x), size):
            shared = self._share("predict", x[start:start + size], None, None)
            parts.append(self.network.forward(x[start:start + size]) if shared is None
                         else shared[1])
        return numpy.concatenate(parts) if parts else numpy.zeros((0,))

    def worth_sharing(self, rows: int) -> bool:
        """Whether a batch of ``rows`` samples is shared (enough work in each share, and
        room for it)."""
        return (bool(self.helpers) and rows <= self.capacity * self.cores
                and (rows // self.cores) * self.work_per_sample >= MIN_SHARE_WORK)

    def _share(self, kind: str, x: Any, target: Any, loss: Loss | None) -> Any:
        """(loss, output, None) of the whole batch, computed in shares; None when the batch
        is not worth sharing or the helpers are gone (the caller runs it here)."""
        n = len(x)
        if not self.worth_sharing(n) or (loss is not None and loss is not self.loss):
            return None
        bounds = share_bounds(n, self.cores)
        try:
            for helper, (lo, hi) in zip(self.helpers, bounds[1:], strict=True):
                helper.x[:hi - lo] = x[lo:hi]
                if target is not None:
                    helper.y[:hi - lo] = target[lo:hi]
                self._send(helper, (kind, hi - lo))
            lo, hi = bounds[0]
            try:
                value, output = share_pass(self.network, self.loss, kind, x[lo:hi],
                                           None if target is None else target[lo:hi])
            finally:  # every reply is read, even when this share failed
                values = [self._answer(helper) for helper in self.helpers]
        except SharingError as error:
            self.problem = str(error)
            self.close()
            return None
        whole = numpy.empty((n, *self.out_row), dtype=output.dtype)
        whole[:hi - lo] = output
        total = float(value) * (hi - lo) / n
        for helper, (lo, hi), helper_value in zip(self.helpers, bounds[1:], values,
                                                  strict=True):
            whole[lo:hi] = helper.out[:hi - lo]
            total += helper_value * (hi - lo) / n
        if kind == "train":
            self._add_gradients(bounds, n)
        return total, whole, None

    def _add_gradients(self, bounds: list[tuple[int, int]], n: int) -> None:
        """The whole batch's gradient, from each share's (a mean over that share)."""
        grads = self.network.parameters()[0].grad
        lo, hi = bounds[0]
        grads *= grads.dtype.type((hi - lo) / n)
        for helper, (lo, hi) in zip(self.helpers, bounds[1:], strict=True):
            grads += helper.grads * grads.dtype.type((hi - lo) / n)

    @staticmethod
    def _send(helper: _Helper, command: tuple[str, int]) -> None:
        try:
            helper.connection.send(command)
        except OSError as error:
            raise _ended(helper) from error

    def _answer(self, helper: _Helper, timeout: float | None = None) -> float:
        """A helper's reply: its share's loss; SharingError when it failed or died."""
        try:
            if timeout is not None and not helper.connection.poll(timeout):
                raise SharingError(f"a helper process did not start in {timeout:.0f} s")
            reply = helper.connection.recv()
        except (EOFError, OSError) as error:
            raise _ended(helper) from error
        if isinstance(reply, str):
            raise SharingError(f"a helper process failed: {reply}")
        return reply

    def close(self) -> None:
        """End the helpers and give this process its BLAS threads back. The parameters
        stay where they are (shared memory this process keeps while it uses them)."""
        self._finalizer()

    def __enter__(self) -> SharedPasses:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _ended(helper: _Helper) -> SharingError:
    """What a helper whose pipe broke did: it ended, with its exit code."""
    return SharingError(f"a helper process ended (exit code {helper.process.exitcode})")


def share_pass(network: Network, loss: Loss, kind: str, x: Any, target: Any) -> tuple[Any, Any]:
    """(loss, output) of one process's share: "train" (forward and backward), "evaluate"
    (forward and loss) or "predict" (forward; the loss is 0)."""
    if kind == "train":
        return network.loss_and_backward(x, target, loss)
    if kind == "evaluate":
        value, output, _ = network.loss_forward(x, target, loss, training=False)
        return value, output
    return 0.0, network.forward(x)


def _end(helpers: list[_Helper], blas: Any) -> None:
    """Ask each helper to end, wait a little, then stop it; BLAS threads as they were."""
    for helper in helpers:
        try:
            helper.connection.send(None)
        except OSError:
            pass
    for helper in helpers:
        helper.process.join(timeout=5)
        if helper.process.is_alive():
            helper.process.kill()
            helper.process.join()
        helper.connection.close()
    helpers.clear()
    blas.restore_original_limits()


def serve_share(connection: Any, payload: bytes, index: int, values_raw: Any,
                raws: list[Any], layouts: tuple[Any, ...]) -> None:
    """A helper process: its copy of the network on the shared parameters, answering each
    ("train" | "evaluate" | "predict", rows) with its share's loss (the output and gradient
    left in shared memory) until it is sent None."""
    import signal

    from threadpoolctl import threadpool_limits

    # Ctrl+C in a terminal reaches the whole process group: the process that started this
    # one decides (it ends its helpers when it stops).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        network, loss = pickle.loads(payload)
        grads, x, y, out = (_view(raw, layout) for raw, layout in zip(raws, layouts, strict=True))
        values = _view(values_raw, layouts[0])  # the parameters: laid out as the gradients
        network.place_parameters(values, grads, copy_values=False)
        for node in network.layer_nodes:  # dropout masks of its own, the same each run
            if hasattr(node.layer, "reseed") and node.layer.seed is not None:
                node.layer.reseed(node.layer.seed + 7919 * index)
    except Exception as error:  # noqa: BLE001 - reported to the process that waits
        connection.send(f"{type(error).__name__}: {error}")
        return
    connection.send(0.0)
    with threadpool_limits(limits=1, user_api="blas"):
        while True:
            try:
                command = connection.recv()
            except (EOFError, OSError):
                return
            if command is None:
                return
            kind, rows = command
            try:
                value, output = share_pass(network, loss, kind, x[:rows], y[:rows])
                out[:rows] = output
                connection.send(float(value))
            except Exception as error:  # noqa: BLE001 - reported to the process that waits
                connection.send(f"{type(error).__name__}: {error}")
