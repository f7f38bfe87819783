"""Training health: the signals that say a network is not learning, and why, in the course's
words.

Per node, the signal that matters for its type:

- ReLU: the fraction of dead units, never active on the samples looked at (for a feature map,
  a channel that is zero everywhere counts as one dead unit);
- Sigmoid and Tanh (not the network's output): the fraction of saturated outputs, where the
  derivative is almost 0 and hardly any gradient passes;
- layers with weights: their weight gradient's norm relative to the largest of the network
  (the vanishing gradient), the last update's size relative to the weights (about 1e-3 is
  healthy), and units that are exact copies of each other (symmetric units, as all-zero
  initialization makes them);
- every node: values that are NaN or infinite.

Each signal has a level, "ok", "amber" or "red", from the thresholds below, a short text for
the badge on the canvas and a sentence for its tooltip and the run's health summary.
``measure`` computes them from a network, a few validation samples and a Snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy

from nnstudio.engine import inspect
from nnstudio.engine.events import Snapshot
from nnstudio.engine.layers import ReLU, Sigmoid, Tanh
from nnstudio.engine.network import Network

OK, AMBER, RED = "ok", "amber", "red"
LEVELS = (OK, AMBER, RED)

# Dead ReLUs: a third dead after an epoch of LeNet-5 with Adam is normal; most dead is not.
DEAD_AMBER, DEAD_RED = 0.5, 0.75
# Saturated sigmoid/tanh outputs: sigmoid below 0.01 or above 0.99 (derivative under 4% of
# its largest), tanh beyond +-0.98.
SIGMOID_EDGE, TANH_EDGE = 0.01, 0.98
SATURATED_AMBER, SATURATED_RED = 0.2, 0.5
# A layer's weight-gradient norm as a fraction of the largest in the network.
GRADIENT_AMBER, GRADIENT_RED = 1 / 20, 1 / 100
# |last update| / |weights|: about 1e-3 is healthy; Adam's first steps reach 3e-2.
UPDATE_HIGH_AMBER, UPDATE_HIGH_RED = 0.1, 0.5
UPDATE_LOW_AMBER, UPDATE_LOW_RED = 1e-5, 1e-7
# Units whose incoming weights and bias copy another unit's.
SYMMETRIC_AMBER, SYMMETRIC_RED = 0.1, 0.5

# The order a node's badge picks its signal in when several share the worst level: among
# warnings the likeliest cause first (all-zero weights make the gradient vanish too), among
# healthy signals the most telling.
KINDS = ("non-finite", "symmetric", "dead", "saturated", "gradient", "update")
HEALTHY_KINDS = ("dead", "saturated", "gradient", "update", "symmetric", "non-finite")


@dataclass(frozen=True)
class Signal:
    """One measured sign of health for one node."""

    node: str
    kind: str  # one of KINDS
    value: float
    level: str  # "ok", "amber" or "red"
    short: str  # the badge's text, e.g. "dead 88%"
    text: str  # what it means and what to try, for the tooltip and the summary

    @property
    def warning(self) -> bool:
        return self.level != OK


@dataclass
class NetworkHealth:
    """Every node's signals at one step of a run."""

    step: int
    epoch: int
    samples: int  # validation samples the activations were measured on
    signals: dict[str, list[Signal]] = field(default_factory=dict)

    def of(self, node: str) -> list[Signal]:
        return self.signals.get(node, [])

    def badge(self, node: str) -> Signal | None:
        """The signal a node's badge shows: its worst, by KINDS order among equals."""
        signals = self.of(node)
        if not signals:
            return None
        worst = max(LEVELS.index(s.level) for s in signals)
        order = HEALTHY_KINDS if worst == 0 else KINDS
        return min((s for s in signals if LEVELS.index(s.level) == worst),
                   key=lambda s: order.index(s.kind))

    def warnings(self) -> list[Signal]:
        """Every amber or red signal, red first, then in network order."""
        found = [s for signals in self.signals.values() for s in signals if s.warning]
        return sorted(found, key=lambda s: s.level != RED)

    def find(self, node: str, kind: str) -> Signal | None:
        return next((s for s in self.of(node) if s.kind == kind), None)


def level_above(value: float, amber: float, red: float) -> str:
    """RED at or past ``red``, AMBER at or past ``amber``: a value where more is worse."""
    return RED if value >= red else AMBER if value >= amber else OK


def level_below(value: float, amber: float, red: float) -> str:
    """RED at or under ``red``, AMBER under ``amber``: a value where less is worse."""
    return RED if value <= red else AMBER if value < amber else OK


def as_fraction(ratio: float) -> str:
    """1/300 for 0.0033; "0" for 0."""
    if ratio <= 0:
        return "0"
    if ratio >= 0.5:
        return f"{ratio:.2g}"
    return f"1/{1 / ratio:,.0f}"


# -- the signals, each from plain numbers ------------------------------------------------
def dead_signal(node: str, dead: int, units: int) -> Signal:
    fraction = dead / max(units, 1)
    level = level_above(fraction, DEAD_AMBER, DEAD_RED)
    text = (f"{dead} of {units} units of {node} were never active on the validation samples "
            f"({fraction:.0%}): dead ReLUs pass no gradient and stop learning for good")
    if level != OK:
        text += "; a smaller learning rate, He initialization or LeakyReLU keeps them alive"
    return Signal(node, "dead", fraction, level, f"dead {fraction:.0%}", text)


def saturated_signal(node: str, fraction: float, function: str) -> Signal:
    level = level_above(fraction, SATURATED_AMBER, SATURATED_RED)
    text = (f"{fraction:.0%} of the outputs of {node} are saturated ({function} near its "
            f"flat ends, where its derivative is almost 0): little gradient gets through")
    if level != OK:
        text += ("; smaller starting weights (Xavier initialization), normalized inputs or "
                 "ReLU help")
    return Signal(node, "saturated", fraction, level, f"sat. {fraction:.0%}", text)


def gradient_signal(node: str, ratio: float, strongest: str) -> Signal:
    level = level_below(ratio, GRADIENT_AMBER, GRADIENT_RED)
    if ratio <= 0:
        text = (f"no gradient reaches {node}: its weights cannot learn (dead ReLUs above it, "
                "or all-zero weights)")
    elif node == strongest:
        text = f"{node} gets the strongest weight gradient of the network"
    else:
        text = (f"the gradient reaching {node} is {as_fraction(ratio)} of the one at "
                f"{strongest}")
        if level != OK:
            text += ": the vanishing gradient; try ReLU or He initialization"
    return Signal(node, "gradient", ratio, level, f"∇ {as_fraction(ratio)}", text)


def update_signal(node: str, ratio: float) -> Signal:
    if ratio >= UPDATE_HIGH_AMBER:
        level = level_above(ratio, UPDATE_HIGH_AMBER, UPDATE_HIGH_RED)
        advice = "the learning rate is too high: lower it"
    else:
        level = level_below(ratio, UPDATE_LOW_AMBER, UPDATE_LOW_RED)
        advice = "the learning rate is too low (or the gradient vanishes): the weights " \
                 "hardly move"
    text = (f"the last update changed the weights of {node} by {ratio:.1e} of their size "
            "(about 1e-3 is healthy)")
    if level != OK:
        text += f": {advice}"
    return Signal(node, "update", ratio, level, f"Δ/W {ratio:.0e}", text)


def symmetric_signal(node: str, copies: int, units: int) -> Signal:
    fraction = copies / max(units, 1)
    level = level_above(fraction, SYMMETRIC_AMBER, SYMMETRIC_RED)
    if copies == units:
        what = f"all {units} units of {node} have the same weights"
    else:
        what = f"{copies} of {units} units of {node} have the same weights as another one"
    text = what + (": they compute the same thing, get the same gradient and never differ "
                   "(symmetric units); start from random weights (He or Xavier "
                   "initialization), not zeros" if copies else "")
    if not copies:
        text = f"the {units} units of {node} all have weights of their own"
    return Signal(node, "symmetric", fraction, level, f"sym. {fraction:.0%}", text)


def non_finite_signal(node: str, where: str) -> Signal:
    text = (f"the {where} of {node} hold NaN or infinite values: training diverged; "
            "lower the learning rate or clip the gradients")
    return Signal(node, "non-finite", 1.0, RED, "NaN", text)


# -- measuring ---------------------------------------------------------------------------
def dead_units(output: numpy.ndarray) -> tuple[int, int]:
    """(dead units, units) of a ReLU's output for a batch: a unit (a feature, or a channel
    of a feature map) is dead when it is 0 for every sample and position."""
    per_unit = output.reshape(output.shape[0], output.shape[1], -1) if output.ndim > 2 \
        else output.reshape(output.shape[0], -1, 1)
    active = (per_unit > 0).any(axis=(0, 2))
    return int((~active).sum()), int(active.size)


def saturated_fraction(output: numpy.ndarray, layer: Any) -> float:
    if isinstance(layer, Sigmoid):
        flat = (output < SIGMOID_EDGE) | (output > 1 - SIGMOID_EDGE)
    else:
        flat = numpy.abs(output) > TANH_EDGE
    return float(flat.mean()) if flat.size else 0.0


def copied_units(weights: dict[str, numpy.ndarray]) -> tuple[int, int]:
    """(units whose weights and bias equal another unit's, units) of a Dense or Conv2D
    layer's weights (Dense W is inputs x outputs, Conv2D W is filters x ...)."""
    w = weights["W"]
    rows = w.T if w.ndim == 2 else w.reshape(w.shape[0], -1)
    if "b" in weights:
        rows = numpy.concatenate([rows, weights["b"].reshape(-1, 1)], axis=1)
    units = rows.shape[0]
    if units < 2:
        return 0, units
    scale = float(numpy.abs(rows).max()) or 1.0
    keys = numpy.round(rows.astype(numpy.float64) / scale, 6)
    # Equal rows have equal projections on any vector; different ones (almost surely) not:
    # comparing one number per unit is far cheaper than sorting the rows.
    direction = numpy.random.default_rng(0).standard_normal(keys.shape[1])
    _, inverse, counts = numpy.unique(keys @ direction, return_inverse=True,
                                      return_counts=True)
    return int((counts[inverse.reshape(-1)] > 1).sum()), units


def _finite(arrays: Any) -> bool:
    return all(bool(numpy.isfinite(a).all()) for a in arrays)


def measure(network: Network, x: Any, snapshot: Snapshot,
            update_norms: dict[str, float] | None = None) -> NetworkHealth:
    """Every node's signals: activations from the samples ``x`` (eval mode, on the
    network's device), weights and gradient norms from ``snapshot``; ``update_norms`` (the
    last step's change of each layer's weights) default to the snapshot's own."""
    health = NetworkHealth(snapshot.step, snapshot.epoch, len(x))
    outputs = inspect.activations(network, x) if len(x) else {}
    updates = snapshot.update_norms if update_norms is None else update_norms
    grads = {n: g for n, g in snapshot.grad_norms.items() if numpy.isfinite(g)}
    strongest = max(grads, key=grads.get) if grads else ""
    largest = grads.get(strongest, 0.0)
    for node in network.layer_nodes:
        name, layer, found = node.name, node.layer, []
        weights = snapshot.weights.get(name, {})
        output = outputs.get(name)
        if weights and not _finite(weights.values()):
            found.append(non_finite_signal(name, "weights"))
        elif output is not None and not _finite([output]):
            found.append(non_finite_signal(name, "outputs"))
        elif isinstance(layer, ReLU) and output is not None:
            found.append(dead_signal(name, *dead_units(output)))
        elif isinstance(layer, Sigmoid | Tanh) and output is not None \
                and name != network.output_name:
            function = "the sigmoid" if isinstance(layer, Sigmoid) else "tanh"
            found.append(saturated_signal(name, saturated_fraction(output, layer), function))
        elif "W" in weights:
            if len(grads) > 1 and name in grads:
                ratio = grads[name] / largest if largest > 0 else 0.0
                found.append(gradient_signal(name, ratio, strongest))
            size = snapshot.weight_norms.get(name, 0.0)
            if name in updates and size > 0:
                found.append(update_signal(name, updates[name] / size))
            copies, units = copied_units(weights)
            if units > 1:
                found.append(symmetric_signal(name, copies, units))
        if found:
            health.signals[name] = found
    return health
