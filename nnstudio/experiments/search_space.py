"""What a hyperparameter search may vary, and how: the search space.

Every dimension names either a training setting (``lr``, ``optimizer``, ``batch_size``,
``momentum``, ``l2``, ``init``, ``epochs``, ...: the table of spec/training_settings.py) or
a parameter of one layer of the network (``dense1.units``, ``conv1.filters``,
``dropout1.rate``: the layer catalogue of spec/catalogue.py), or the type of an activation
layer (``relu1.type=ReLU,Sigmoid,Tanh``). Kinds, ranges, choices and log scales come from
those two tables, never from a copy here, and every bound is checked with their own
``check``. A dimension is written as on the command line:

    lr=log:1e-4:1e-1          a float on a log scale
    momentum=float:0.5:0.99   a float on a linear scale
    dense1.units=int:16:256   a whole number (int-log:16:256 on a log scale)
    lr=1e-4:1e-1              the kind and scale the table gives the setting
    optimizer=sgd,momentum,adam   a list of values to choose from (also numbers: 32,64,128)

``SearchSpace.parse(network, texts)`` reads them and refuses, before anything runs and
naming the parameter and value, a name that means nothing, a value out of range, and a
value that makes an invalid network (a kernel larger than its input).
``searchable(network)`` lists what could vary, with each thing's kind and range, for the
app's editors.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from nnstudio.spec.catalogue import ACTIVATIONS, LAYER_TYPES, Param
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.training import TrainingSpec
from nnstudio.spec.training_settings import TRAINING_SETTINGS

# Settings that say where and on what a run happens, not how it learns.
NOT_SEARCHED = ("dataset", "data_dir", "backend")
SEARCHED_KINDS = ("int", "float", "choice", "bool")
TYPE_PARAM = "type"  # NODE.type: an activation layer's type
DEFAULT_GRID_POINTS = 3
MAX_GRID_TRIALS = 100_000


class SearchSpaceError(ValueError):
    """A dimension that cannot be searched; the message names the parameter and value."""


@dataclass(frozen=True)
class Searchable:
    """One thing a search may vary, as the app's editors show it."""

    name: str  # "lr", "dense1.units", "relu1.type"
    label: str
    kind: str  # "int", "float" or "choice"
    current: Any  # its value in the network or settings being searched
    minimum: float | None = None
    maximum: float | None = None
    log_scale: bool = False
    choices: tuple[Any, ...] = ()
    node: str | None = None  # the layer, for a layer's parameter

    def default_dimension(self) -> Dimension:
        """A sensible first range around the current value, within the allowed one."""
        if self.kind == "choice":
            return Dimension(self.name, "choice", choices=self.choices)
        low, high = _around(self.current, self.minimum, self.maximum, self.log_scale,
                            self.kind == "int")
        return Dimension(self.name, self.kind, low, high, self.log_scale)


def _around(current: float, minimum: float | None, maximum: float | None, log: bool,
            whole: bool) -> tuple[float, float]:
    if log and current > 0:
        low, high = current / 10, current * 10
    elif whole:
        low, high = max(1, current // 2), max(2, current * 2)
    elif current:
        low, high = sorted((current / 2, current * 2))  # a negative value too
    else:
        low, high = 0.0, 0.5
    if minimum is not None:
        low = max(low, minimum)
    if maximum is not None:
        high = min(high, maximum)
    if low >= high and minimum is not None and maximum is not None:
        low, high = minimum, maximum  # a value at an end of its range (or a sentinel)
    return (int(low), int(high)) if whole else (low, high)


def _rule(name: str, network: NetworkSpec) -> tuple[Param | None, str | None]:
    """The metadata that governs ``name`` (a Setting or a catalogue Param), and the node it
    belongs to (None for a training setting). (None, node) for NODE.type."""
    node_id, dot, param = name.rpartition(".")
    if not dot:
        for setting in TRAINING_SETTINGS:
            if setting.name == name and name not in NOT_SEARCHED \
                    and setting.kind in SEARCHED_KINDS:
                return setting, None
        raise SearchSpaceError(
            f"--param {name}: no training setting or layer parameter named {name!r} "
            f"(settings: {', '.join(s.name for s in _searched_settings())}; a layer's "
            f"parameter is written LAYER.PARAM, e.g. dense1.units)")
    if not network.has_node(node_id):
        raise SearchSpaceError(f"--param {name}: the network has no layer {node_id!r} "
                               f"(layers: {', '.join(n.id for n in network.nodes)})")
    node = network.node(node_id)
    if param == TYPE_PARAM:
        if node.type not in ACTIVATIONS:
            raise SearchSpaceError(f"--param {name}: only an activation layer's type can "
                                   f"vary, and {node_id} is a {node.type}")
        return None, node_id
    layer = LAYER_TYPES[node.type]
    try:
        rule = layer.param(param)
    except KeyError:
        names = [p.name for p in layer.params if p.kind in SEARCHED_KINDS]
        raise SearchSpaceError(
            f"--param {name}: a {node.type} layer has no parameter {param!r}"
            + (f" (it has {', '.join(names)})" if names else "")) from None
    if rule.kind not in SEARCHED_KINDS:
        raise SearchSpaceError(f"--param {name}: {node.type}.{param} cannot be searched "
                               f"(a {rule.kind})")
    return rule, node_id


def _searched_settings() -> list:
    return [s for s in TRAINING_SETTINGS if s.name not in NOT_SEARCHED
            and s.kind in SEARCHED_KINDS]


@dataclass(frozen=True)
class Dimension:
    """One varied thing: a range (``kind`` int or float, ``low``..``high``, ``log``) or a
    list of ``choices`` (``kind`` "choice")."""

    name: str
    kind: str
    low: float | None = None
    high: float | None = None
    log: bool = False
    choices: tuple[Any, ...] = ()

    @property
    def node(self) -> str | None:
        node, dot, _ = self.name.rpartition(".")
        return node if dot else None

    def text(self) -> str:
        """As written on the command line (and saved in a project's experiment section)."""
        if self.kind == "choice":
            return f"{self.name}={','.join(written(c) for c in self.choices)}"
        prefix = {("float", True): "log", ("float", False): "float",
                  ("int", True): "int-log", ("int", False): "int"}[self.kind, self.log]
        return f"{self.name}={prefix}:{written(self.low)}:{written(self.high)}"

    def grid_values(self, points: int = DEFAULT_GRID_POINTS) -> list[Any]:
        """The values a grid search tries: every choice, or ``points`` spread over the range
        (evenly, or by equal factors on a log scale; every whole number if fewer)."""
        if self.kind == "choice":
            return list(self.choices)
        low, high = float(self.low), float(self.high)
        if self.kind == "int" and high - low + 1 <= points:
            return list(range(int(low), int(high) + 1))
        if points == 1:
            return [self.low]
        if self.log:
            values = [math.exp(math.log(low) + i * (math.log(high) - math.log(low))
                               / (points - 1)) for i in range(points)]
        else:
            values = [low + i * (high - low) / (points - 1) for i in range(points)]
        if self.kind == "int":
            return sorted({int(round(v)) for v in values})
        return [float(f"{v:.6g}") for v in values]

    def extremes(self) -> list[Any]:
        """The values whose networks are checked before a search: the ends, or every choice."""
        return list(self.choices) if self.kind == "choice" else [self.low, self.high]


def written(value: Any) -> str:
    """A value as a --param writes it (true/false, 1e-05, 64)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _number(text: str, whole: bool, name: str, where: str) -> float:
    try:
        value = float(text)
        if whole:
            if not value.is_integer():
                raise ValueError
            return int(value)
    except ValueError:
        what = "a whole number" if whole else "a number"
        raise SearchSpaceError(f"--param {where}: {name} needs {what}, not {text!r}") from None
    if not math.isfinite(value):
        raise SearchSpaceError(f"--param {where}: {name} needs a finite number, not {text!r}")
    return value


def _choice(text: str, rule: Param | None, name: str, where: str) -> Any:
    """One listed value, read as the kind the metadata gives it."""
    kind = "choice" if rule is None else rule.kind
    if kind == "bool":
        lowered = text.lower()
        if lowered not in ("true", "false", "yes", "no", "1", "0", "on", "off"):
            raise SearchSpaceError(f"--param {where}: {name} is true or false, not {text!r}")
        return lowered in ("true", "yes", "1", "on")
    if kind in ("int", "float"):
        return _number(text, kind == "int", name, where)
    if rule is None:  # an activation layer's type: the catalogue's spelling, any case
        match = [a for a in ACTIVATIONS if a.lower() == text.lower()]
        if not match:
            raise SearchSpaceError(f"--param {where}: {text!r} is not an activation "
                                   f"(activations: {', '.join(ACTIVATIONS)})")
        return match[0]
    return text


def parse_dimension(text: str, network: NetworkSpec) -> Dimension:
    """One ``NAME=VALUES`` (see the module's help), checked against the metadata."""
    name, equals, values = (part.strip() for part in text.partition("="))
    if not equals or not name or not values:
        raise SearchSpaceError(f"--param {text}: write NAME=VALUES, e.g. lr=log:1e-4:1e-1, "
                               f"optimizer=sgd,adam or dense1.units=int:16:256")
    rule, _node = _rule(name, network)
    kind = "choice" if rule is None else rule.kind
    parts = values.split(":")
    if len(parts) == 1:  # a list of values (one value: fixed)
        choices = tuple(_choice(v.strip(), rule, name, text) for v in values.split(",")
                        if v.strip())
        if not choices:
            raise SearchSpaceError(f"--param {text}: no values")
        dimension = Dimension(name, "choice", choices=tuple(dict.fromkeys(choices)))
    else:
        if kind not in ("int", "float"):
            raise SearchSpaceError(f"--param {text}: {name} takes a list of values "
                                   f"({', '.join(map(written, _choices_of(rule)))}), "
                                   f"not a range")
        if len(parts) == 3:
            prefix, low_text, high_text = parts
        elif len(parts) == 2:
            prefix, (low_text, high_text) = "", parts
        else:
            raise SearchSpaceError(f"--param {text}: a range is KIND:LOW:HIGH, "
                                   f"e.g. log:1e-4:1e-1")
        scales = {"": (kind, getattr(rule, "log_scale", False)), "log": ("float", True),
                  "float": ("float", False), "int": ("int", False), "int-log": ("int", True),
                  "log-int": ("int", True)}
        if prefix not in scales:
            raise SearchSpaceError(f"--param {text}: {prefix!r} is not a kind of range "
                                   f"(log, float, int, int-log)")
        range_kind, log = scales[prefix]
        if kind == "int" and prefix == "float":
            raise SearchSpaceError(f"--param {text}: {name} is a whole number; write "
                                   f"int:LOW:HIGH or int-log:LOW:HIGH")
        if kind == "int":
            range_kind = "int"
        elif range_kind == "int":
            raise SearchSpaceError(f"--param {text}: {name} is a number, not a whole number; "
                                   f"write float:LOW:HIGH or log:LOW:HIGH")
        low = _number(low_text, range_kind == "int", name, text)
        high = _number(high_text, range_kind == "int", name, text)
        if low >= high:
            raise SearchSpaceError(f"--param {text}: the range's low end must be below its "
                                   f"high end")
        if log and low <= 0:
            raise SearchSpaceError(f"--param {text}: a log scale needs a low end above 0, "
                                   f"not {low_text}")
        dimension = Dimension(name, range_kind, low, high, log)
    if rule is not None:
        for value in dimension.extremes():
            problem = rule.check(value)
            if problem:
                raise SearchSpaceError(f"--param {text}: {_named(problem, name)}")
    return dimension


def _named(problem: str, name: str) -> str:
    """The metadata's words with the parameter's full name (dense1.units, not units)."""
    short = name.rpartition(".")[2]
    return name + problem[len(short):] if problem.startswith(short) else problem


def _choices_of(rule: Param | None) -> tuple[Any, ...]:
    if rule is None:
        return ACTIVATIONS
    if rule.kind == "bool":
        return (True, False)
    return rule.choices


@dataclass(frozen=True)
class SearchSpace:
    """The dimensions of one search, in the order given."""

    dimensions: tuple[Dimension, ...]
    grid_points: int = DEFAULT_GRID_POINTS

    @classmethod
    def parse(cls, network: NetworkSpec, texts: Iterable[str],
              training: TrainingSpec | None = None,
              grid_points: int = DEFAULT_GRID_POINTS) -> SearchSpace:
        """Read ``texts`` (``NAME=VALUES`` each) and check every network they can make."""
        dimensions: dict[str, Dimension] = {}
        for text in texts:
            dimension = parse_dimension(text, network)
            if dimension.name in dimensions:
                raise SearchSpaceError(f"--param {text}: {dimension.name} is given twice")
            dimensions[dimension.name] = dimension
        if not dimensions:
            raise SearchSpaceError("the search space is empty: give at least one --param, "
                                   "e.g. --param lr=log:1e-4:1e-1")
        space = cls(tuple(dimensions.values()), grid_points)
        space.check_networks(network, training or TrainingSpec())
        return space

    def texts(self) -> list[str]:
        return [d.text() for d in self.dimensions]

    def names(self) -> list[str]:
        return [d.name for d in self.dimensions]

    def to_json(self) -> dict[str, Any]:
        return {"params": self.texts(), "grid_points": self.grid_points}

    @classmethod
    def from_json(cls, data: Any, network: NetworkSpec,
                  training: TrainingSpec | None = None) -> SearchSpace:
        if not isinstance(data, Mapping) or not isinstance(data.get("params"), list) \
                or not all(isinstance(t, str) for t in data["params"]):
            raise SearchSpaceError("the experiment's search space must hold a list of "
                                   "params (NAME=VALUES texts)")
        points = data.get("grid_points", DEFAULT_GRID_POINTS)
        if not isinstance(points, int) or isinstance(points, bool) or points < 1:
            raise SearchSpaceError(f"the experiment's grid_points must be a whole number of "
                                   f"at least 1, not {points!r}")
        return cls.parse(network, data["params"], training, points)

    # -- making the trial's network and settings --------------------------------------------
    def apply(self, network: NetworkSpec, training: TrainingSpec,
              values: Mapping[str, Any]) -> tuple[NetworkSpec, TrainingSpec]:
        """Copies of ``network`` and ``training`` with ``values`` ({dimension name: value})
        put in; names not in this space are refused."""
        network = network.copy()
        settings: dict[str, Any] = {}
        for name, value in values.items():
            if name not in self.names():
                raise SearchSpaceError(f"{name} is not a dimension of this search")
            node_id, dot, param = name.rpartition(".")
            if not dot:
                settings[name] = _as_setting(training, name, value)
            elif param == TYPE_PARAM:
                network.node(node_id).type = value
            else:
                rule = LAYER_TYPES[network.node(node_id).type].param(param)
                network.node(node_id).params[param] = float(value) \
                    if rule.kind == "float" else value
        return network, replace(training, **settings)

    def check_networks(self, network: NetworkSpec, training: TrainingSpec) -> None:
        """Refuse a value that makes an invalid network, naming it: each layer dimension's
        ends (or choices) with the rest as they are, then all low ends and all high ends."""
        layer_dims = [d for d in self.dimensions if d.node is not None]
        trials = [{d.name: v} for d in layer_dims for v in d.extremes()]
        ranged = [d for d in layer_dims if d.kind != "choice"]
        if len(ranged) > 1:
            trials += [{d.name: d.low for d in ranged}, {d.name: d.high for d in ranged}]
        for values in trials:
            candidate, _ = self.apply(network, training, values)
            analysis = candidate.analyze()
            if not analysis.ok:
                where = ", ".join(f"{k}={written(v)}" for k, v in values.items())
                raise SearchSpaceError(f"--param {where} makes an invalid network: "
                                       f"{analysis.problems[0]}")

    def grid(self) -> dict[str, list[Any]]:
        """{name: the values a grid search tries}; a grid of more than MAX_GRID_TRIALS
        combinations is refused (listing them all would take hours and gigabytes)."""
        points = min(self.grid_points, MAX_GRID_TRIALS + 1)  # (more can never fit)
        grid = {d.name: d.grid_values(points) for d in self.dimensions}
        size = math.prod(len(v) for v in grid.values())
        if size > MAX_GRID_TRIALS:
            raise SearchSpaceError(
                f"--grid-points {self.grid_points}: a grid of {size:,} trials ("
                + " x ".join(str(len(v)) for v in grid.values())
                + f"); a grid search runs at most {MAX_GRID_TRIALS:,}: give fewer "
                  f"--grid-points or fewer values")
        return grid

    def grid_size(self) -> int:
        return math.prod(len(v) for v in self.grid().values())


def _as_setting(training: TrainingSpec, name: str, value: Any) -> Any:
    current = getattr(training, name)
    if isinstance(current, float) and not isinstance(value, bool):
        return float(value)
    if isinstance(current, int) and not isinstance(current, bool) and isinstance(value, float):
        return int(round(value))
    return value


def searchable(network: NetworkSpec, training: TrainingSpec | None = None) -> list[Searchable]:
    """Everything a search may vary in ``network`` and its ``training``, from the settings
    table and the layer catalogue: the training settings first, then each layer's."""
    training = training or TrainingSpec()
    found = [Searchable(s.name, s.label, "choice" if s.kind in ("choice", "bool") else s.kind,
                        getattr(training, s.name), s.minimum, s.maximum, s.log_scale,
                        _choices_of(s) if s.kind in ("choice", "bool") else ())
             for s in _searched_settings()]
    for node in network.nodes:
        if node.type in ACTIVATIONS:
            found.append(Searchable(f"{node.id}.{TYPE_PARAM}", f"{node.id}: activation",
                                    "choice", node.type, choices=ACTIVATIONS, node=node.id))
            continue
        params = network.params_of(node.id)
        for rule in LAYER_TYPES[node.type].params:
            if rule.kind not in SEARCHED_KINDS:
                continue
            kind = "choice" if rule.kind in ("choice", "bool") else rule.kind
            found.append(Searchable(f"{node.id}.{rule.name}", f"{node.id}: {rule.name}", kind,
                                    params[rule.name], rule.minimum, rule.maximum,
                                    choices=_choices_of(rule) if kind == "choice" else (),
                                    node=node.id))
    return found
