"""THE table of training settings, as ``catalogue`` is for layers: the one place that says
what each setting of a ``TrainingSpec`` is called, what kind of value it takes, its choices,
range, default and help, where it sits in the training panel and which command-line flag
sets it.

Everything else is generated from this table: TrainingSpec's defaults and its validation
(``problems``, ``from_json``), the training panel's widgets (app/training/panel.py), the
flags of ``nnstudio train`` and ``eval`` (cli/settings.py). A search over hyperparameters
reads it too: each setting's ``kind``, ``minimum``/``maximum``, ``log_scale`` and
``choices`` describe its search space, and ``applies_when`` says which settings only matter
for some values of another (momentum only for the momentum optimizers). Adding a training
setting starts here (and with its field in TrainingSpec).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from nnstudio.spec.catalogue import INITIALIZER_CHOICES, Param

LOSS_NAMES = ("cross_entropy", "mse", "nll", "binary_cross_entropy", "kl_divergence", "hinge")
OPTIMIZER_NAMES = ("sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam",
                   "nadam")
MOMENTUM_OPTIMIZERS = ("momentum", "nesterov", "rmsprop")
BATCH_MODES = ("mini", "full", "online")
SCHEDULE_NAMES = ("constant", "step", "exponential", "cosine")
BACKEND_CHOICES = ("numpy", "cupy", "auto")
INIT_NAMES = INITIALIZER_CHOICES

# Typical learning rates, offered when a person switches optimizer.
DEFAULT_LR = {"sgd": 0.1, "momentum": 0.05, "nesterov": 0.05, "adagrad": 0.01,
              "adadelta": 1.0, "rmsprop": 0.001, "adam": 0.001, "nadam": 0.002}

# The training panel's sections, in order.
GROUPS = ("Data", "Learning", "Regularization and run")


@dataclass(frozen=True)
class Setting(Param):
    """One training setting: a catalogue ``Param`` (name = the TrainingSpec field, kind,
    default, help, range, choices, ``check``) and how people meet it."""

    label: str = ""
    group: str | None = None  # the training panel's section; None: not in the panel
    flag: str | None = None  # the command line's option; None: not on the command line
    flag_help: str = ""  # what the flag does, where that is not ``help`` (--no-shuffle)
    log_scale: bool = False  # values spread over decades: search and step them by factors
    step: float | None = None  # the panel's arrow step; None: the editor's own
    choice_labels: Mapping[str, str] = field(default_factory=dict, hash=False)
    # Only matters when another setting has one of these values, e.g. ("optimizer",
    # MOMENTUM_OPTIMIZERS); the panel disables it otherwise.
    applies_when: tuple[str, tuple[Any, ...]] | None = None

    def choice_label(self, value: Any) -> str:
        text = self.choice_labels.get(value) or str(value).replace("_", " ")
        return text[:1].upper() + text[1:]

    def applies(self, values: Mapping[str, Any]) -> bool:
        """Whether this setting matters, given the other settings' ``values``."""
        if self.applies_when is None:
            return True
        other, wanted = self.applies_when
        return values[other] in wanted


def _s(name: str, kind: str, default: Any, label: str, help: str,  # noqa: A002
       **kw: Any) -> Setting:
    return Setting(name, kind, default, help, label=label, **kw)


# In the panel's order within each group.
TRAINING_SETTINGS: tuple[Setting, ...] = (
    # -- data -------------------------------------------------------------------------------
    _s("dataset", "text", "mnist-subset", "Dataset",
       "The examples the network learns from: the built-in MNIST subset, a downloadable "
       "image set or a small 2-D toy problem.", group="Data",
       flag="--dataset", flag_help="dataset name (default: the network's own, usually the "
                                   "embedded MNIST subset)"),
    _s("data_dir", "text", "", "Folder of IDX files",
       "A folder of IDX files to read the dataset from (empty: the default places).",
       flag="--data-dir", flag_help="folder of IDX files (or set NNSTUDIO_DATA_DIR)"),
    _s("validation_split", "float", 0.1, "Validation split",
       "The fraction of the training samples held out, never trained on, to measure "
       "progress; 0 measures on the test set instead.", group="Data",
       flag="--validation-split", minimum=0.0, maximum=0.9, step=0.05),
    _s("augment", "bool", False, "Augment images",
       "Shift, rotate and scale each training image a little, anew every epoch: more "
       "varied examples, less overfitting.",
       group="Data", flag="--augment"),
    _s("shuffle", "bool", True, "Shuffle every epoch",
       "Present the training samples in a new random order every epoch, so no batch "
       "always holds the same samples.", group="Data",
       flag="--no-shuffle", flag_help="present the samples in a fixed order"),
    _s("sort_by_class", "bool", False, "Sort by class when not shuffling",
       "Present the samples ordered by class: the course's experiment of what not "
       "shuffling can do.", group="Data", flag="--sort-by-class",
       flag_help="with --no-shuffle: order the samples by class",
       applies_when=("shuffle", (False,))),
    # The toy sets' own settings: the panel shows them as sliders of their own, for the
    # toy sets only (app/training/toy_settings.py).
    _s("toy_samples", "int", 0, "Points",
       "How many points a toy set has, training and test together (0: the set's own; for "
       "XOR that is its 4-row truth table).", flag="--toy-samples", minimum=0,
       maximum=100_000),
    _s("toy_noise", "float", -1.0, "Noise",
       "The standard deviation of the noise added to a toy set's points (to the targets of "
       "sine and step); the more noise, the more the classes overlap (-1: the set's own).",
       flag="--toy-noise", minimum=-1.0, maximum=1.0),
    _s("toy_test_ratio", "float", 0.5, "Test share",
       "The fraction of a toy set's points kept aside to test on; the rest is for "
       "training.", flag="--toy-test-ratio", minimum=0.1, maximum=0.9),
    _s("features", "text", "", "Input features",
       "What a 2-D toy set gives the network of each point, from x, y, x^2, y^2, xy, sin x "
       "and sin y, joined by commas (empty: x, y); the Input layer takes one value per "
       "feature.", flag="--features"),
    # -- learning ---------------------------------------------------------------------------
    _s("loss", "choice", "cross_entropy", "Loss",
       "What training minimizes: how far the outputs are from the targets. Cross-entropy "
       "suits classes, the quadratic cost suits numbers.", group="Learning",
       flag="--loss", choices=LOSS_NAMES,
       choice_labels={"cross_entropy": "Cross-entropy (softmax)", "mse": "Quadratic (MSE)",
                      "nll": "NLL", "binary_cross_entropy": "Binary cross-entropy",
                      "kl_divergence": "KL divergence", "hinge": "Multi-class hinge"}),
    _s("optimizer", "choice", "adam", "Optimizer",
       "How each step changes the weights from their gradients: plain SGD, with momentum, "
       "or with a step size adapted per weight (Adam, RMSprop, ...).",
       group="Learning", flag="--optimizer", choices=OPTIMIZER_NAMES,
       choice_labels={"sgd": "SGD", "momentum": "SGD + momentum",
                      "nesterov": "SGD + Nesterov", "rmsprop": "RMSprop"}),
    _s("lr", "float", 0.001, "Learning rate",
       "How far each step moves the weights along the negative gradient: too small learns "
       "slowly, too large makes the loss jump or diverge.",
       group="Learning", flag="--lr", minimum=1e-6, maximum=1e3,
       log_scale=True, step=0.001),
    _s("momentum", "float", 0.9, "Momentum",
       "The weight of the previous steps (momentum, Nesterov) or of the past squared "
       "gradients (RMSprop).", group="Learning", flag="--momentum", minimum=0.0,
       maximum=0.9999, step=0.05, applies_when=("optimizer", MOMENTUM_OPTIMIZERS)),
    _s("schedule", "choice", "constant", "Schedule",
       "How the learning rate changes over the epochs: constant, multiplied by a factor "
       "every few epochs (step decay), every epoch (exponential), or along a cosine.",
       group="Learning",
       flag="--schedule", choices=SCHEDULE_NAMES,
       choice_labels={"step": "Step decay"}),
    _s("schedule_step", "int", 10, "Schedule step",
       "Epochs between two decays of the step schedule.", group="Learning",
       flag="--schedule-step",
       minimum=1, maximum=100_000, applies_when=("schedule", ("step",))),
    _s("schedule_gamma", "float", 0.5, "Schedule factor",
       "The factor the learning rate is multiplied by at each decay of the step and "
       "exponential schedules.", group="Learning", flag="--schedule-gamma", minimum=0.0,
       maximum=1.0,
       applies_when=("schedule", ("step", "exponential"))),
    _s("batch_mode", "choice", "mini", "Batches",
       "How many samples each step averages its gradient over: mini-batches, the whole "
       "training set at once, or one sample at a time.",
       group="Learning", flag="--batch-mode", choices=BATCH_MODES,
       choice_labels={"mini": "Mini-batch", "online": "Online (one sample)"}),
    _s("batch_size", "int", 64, "Batch size",
       "Samples per mini-batch: larger batches give smoother, slower steps.",
       group="Learning",
       flag="--batch-size", minimum=1, maximum=1_000_000, log_scale=True,
       applies_when=("batch_mode", ("mini",))),
    _s("epochs", "int", 5, "Epochs", "Passes over the whole training set.", group="Learning",
       flag="--epochs", minimum=1, maximum=100_000),
    # -- regularization and run ------------------------------------------------------------
    _s("init", "choice", "auto", "Initializer",
       "How the weights start, for the layers that leave it at auto: random numbers scaled "
       "to the layer's size, so signals neither vanish nor explode.",
       group="Regularization and run", flag="--init", choices=INIT_NAMES,
       choice_labels={"auto": "Auto (He before ReLU, else Xavier)"}),
    _s("init_scale", "float", 1.0, "Initializer scale",
       "The standard deviation, range or value of the normal, uniform and constant "
       "initializers (chosen here or by a layer).", flag="--init-scale", minimum=0.0,
       maximum=100.0),
    _s("l1", "float", 0.0, "L1 decay",
       "Pulls every weight towards 0 by a constant amount each step: many weights end at "
       "exactly 0.",
       group="Regularization and run", flag="--l1", minimum=0.0, maximum=10.0, step=0.0001),
    _s("l2", "float", 0.0, "L2 decay",
       "Shrinks every weight in proportion to its size each step (weight decay): smaller "
       "weights, smoother functions, less overfitting.",
       group="Regularization and run", flag="--l2", minimum=0.0, maximum=10.0, step=0.0001),
    _s("clip_norm", "float", 0.0, "Gradient clipping",
       "Scale the gradients down to this global norm when they exceed it (0: no clipping).",
       flag="--clip-norm", minimum=0.0, maximum=1e6),
    _s("early_stopping", "int", 0, "Early stopping",
       "Stop after this many epochs without a better validation loss, keeping the best "
       "weights (0: off).",
       group="Regularization and run", flag="--early-stopping", minimum=0, maximum=10_000),
    _s("backend", "choice", "numpy", "Backend",
       "Where the arithmetic runs: NumPy on the CPU, or CuPy on an NVIDIA GPU.",
       group="Regularization and run", flag="--backend", choices=BACKEND_CHOICES,
       choice_labels={"numpy": "NumPy (CPU)", "cupy": "CuPy (GPU)",
                      "auto": "Auto (GPU if one works)"}),
    _s("seed", "int", 0, "Seed",
       "Starts the random numbers (weights, shuffling, dropout), so a run can be repeated "
       "exactly.",
       group="Regularization and run", flag="--seed", minimum=0, maximum=2**31 - 1),
)

SETTINGS: dict[str, Setting] = {s.name: s for s in TRAINING_SETTINGS}


def setting(name: str) -> Setting:
    return SETTINGS[name]


def default(name: str) -> Any:
    """The default of setting ``name`` (TrainingSpec's fields take theirs from here)."""
    return SETTINGS[name].default


def in_group(group: str) -> tuple[Setting, ...]:
    """The settings of one panel section, in order."""
    return tuple(s for s in TRAINING_SETTINGS if s.group == group)
