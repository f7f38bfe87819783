"""Ensembles: K networks alike but for the seed they start from, deciding together.

``member_requests`` makes one training request per member (the member's seed in its
settings) for the worker pool (``local_pool.train_all``); ``score_ensemble`` asks every
member about the same samples and compares each member's accuracy with the ensemble's, by
majority vote and by mean probability (``nnstudio.engine.voting``). The course's advice
("train 5 different networks with random starts and vote on their outcome") measured.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy

from nnstudio.data.dataset import Dataset
from nnstudio.engine.voting import (
    as_class_probabilities,
    majority_vote,
    mean_probability_vote,
    member_votes,
)
from nnstudio.experiments.local_pool import LocalPool, train_all
from nnstudio.experiments.trial_run import TrainOutcome, TrainRequest, train
from nnstudio.files.project import EnsembleMember
from nnstudio.running.build import build_network, first_misfit
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.outputs import ends_in_probabilities
from nnstudio.spec.training import TrainingSpec

Weights = dict[str, dict[str, numpy.ndarray]]
VOTES = ("mean", "majority")  # mean probability, majority vote
MAX_SEED = 2**31 - 1


def member_seeds(base_seed: int, count: int) -> list[int]:
    """The seeds of ``count`` members: the settings' own seed, then the ones after it."""
    return [(base_seed + index) % (MAX_SEED + 1) for index in range(count)]


@dataclass
class TrainedMember:
    """One trained member: its seed, weights, test accuracy, history and time."""

    seed: int
    weights: Weights
    test_accuracy: float | None
    history: dict[str, Any]
    seconds: float

    def as_saved(self) -> EnsembleMember:
        return EnsembleMember(self.seed, self.weights, self.test_accuracy)


def member_requests(network: NetworkSpec, training: TrainingSpec,
                    count: int) -> list[TrainRequest]:
    """What the worker pool trains: the network ``count`` times, each with its own seed."""
    return [TrainRequest(network, replace(training, seed=seed), label=f"member {index + 1}",
                         run_id=index)
            for index, seed in enumerate(member_seeds(training.seed, count))]


def member_from_outcome(seed: int, outcome: TrainOutcome) -> TrainedMember:
    return TrainedMember(seed, outcome.weights, outcome.test_accuracy, outcome.history,
                         outcome.seconds)


class MemberFailed(RuntimeError):
    """A member's run ended without a result; the message says which and why."""


def train_members(network: NetworkSpec, training: TrainingSpec, count: int,
                  dataset: Dataset | None = None, workers: int | None = None,
                  on_member: Callable[[int, TrainedMember], None] | None = None
                  ) -> list[TrainedMember]:
    """``count`` members trained from different seeds: in parallel worker processes
    (``workers``, default one per core), or one after the other in this process with
    ``workers=1`` (on ``dataset`` when given). ``on_member(index, member)`` follows them."""
    requests = member_requests(network, training, count)
    if workers == 1:
        members = []
        for index, request in enumerate(requests):
            members.append(member_from_outcome(request.training.seed,
                                               train(request, dataset=dataset)))
            if on_member is not None:
                on_member(index, members[-1])
        return members
    pool = LocalPool(workers)
    try:
        outcomes = train_all(requests, pool=pool)
    finally:
        pool.close()  # its spare workers too
    members = []
    for index, (request, outcome) in enumerate(zip(requests, outcomes, strict=True)):
        if isinstance(outcome, Exception):
            raise MemberFailed(f"member {index + 1} (seed {request.training.seed}) failed: "
                               f"{outcome}")
        members.append(member_from_outcome(request.training.seed, outcome))
        if on_member is not None:
            on_member(index, members[-1])
    return members


def member_problem(network: NetworkSpec, members: Sequence[Weights]) -> str:
    """Why ``members`` cannot vote as ``network``'s ensemble (empty when they can): the first
    member whose weights miss a layer, do not fit one, or are not finite."""
    misfit = first_misfit(network, members)
    if misfit is None:
        return ""
    index, why = misfit
    return f"member {index + 1}'s weights do not fit the network ({why})"


class EnsemblePredictor:
    """The members built once, to be asked again and again (the digit pad asks on every
    stroke)."""

    def __init__(self, network: NetworkSpec, members: Sequence[Weights]) -> None:
        self.network = network
        self.models = []
        for weights in members:
            model = build_network(network)
            model.set_weights(weights)
            self.models.append(model)
        self.gives_probabilities = ends_in_probabilities(network)
        analysis = network.analyze()
        self.input_shape = tuple(analysis.shapes[analysis.order[0]])

    def probabilities(self, x: numpy.ndarray) -> numpy.ndarray:
        """Every member's class probabilities for ``x``: (members, samples, classes)."""
        x = numpy.asarray(x, dtype=numpy.float32).reshape(len(x), *self.input_shape)
        return numpy.stack([as_class_probabilities(model.predict(x), self.gives_probabilities)
                            for model in self.models])


def member_probabilities(network: NetworkSpec, members: Sequence[Weights],
                         x: numpy.ndarray) -> numpy.ndarray:
    """Every member's class probabilities for ``x``: (members, samples, classes)."""
    return EnsemblePredictor(network, members).probabilities(x)


@dataclass
class EnsembleAnswer:
    """The ensemble's answer for one sample: each member's vote and the two verdicts."""

    votes: list[int]
    majority: int
    mean: int
    mean_confidence: float


def ensemble_answer(predictor: EnsemblePredictor, sample: numpy.ndarray) -> EnsembleAnswer:
    """What every member says about one sample (e.g. a drawn 28x28 digit), and the vote.
    A sample of another size than the network's input raises ValueError."""
    sample = numpy.asarray(sample, dtype=numpy.float32)
    if sample.size != int(numpy.prod(predictor.input_shape)):
        raise ValueError(f"the network takes {'x'.join(map(str, predictor.input_shape))} "
                         f"values, the sample has {sample.size}")
    probs = predictor.probabilities(sample.reshape(1, -1))
    mean = probs.mean(axis=0)[0]
    return EnsembleAnswer([int(v) for v in member_votes(probs)[:, 0]],
                          int(majority_vote(probs)[0]), int(mean.argmax()),
                          float(mean.max()))


def ensemble_classes(member_probs: numpy.ndarray, vote: str = "mean") -> numpy.ndarray:
    """The ensemble's class per sample, by ``vote`` ("mean" probability or "majority")."""
    if vote not in VOTES:
        raise ValueError(f"unknown vote {vote!r}: choose {' or '.join(VOTES)}")
    return (mean_probability_vote if vote == "mean" else majority_vote)(member_probs)


@dataclass
class EnsembleScores:
    """Test accuracies: each member's, their mean, and the ensemble's by either vote."""

    members: list[float]
    majority: float
    mean_probability: float

    @property
    def member_mean(self) -> float:
        return float(numpy.mean(self.members))

    @property
    def gain(self) -> float:
        """How much the mean-probability ensemble beats its average member (a fraction)."""
        return self.mean_probability - self.member_mean

    def as_json(self) -> dict[str, Any]:
        return {"member_accuracies": self.members, "member_mean_accuracy": self.member_mean,
                "majority_vote_accuracy": self.majority,
                "mean_probability_accuracy": self.mean_probability, "gain": self.gain}


def true_labels(y: numpy.ndarray) -> numpy.ndarray:
    """Class indices from labels or one-hot / single-column targets."""
    y = numpy.asarray(y)
    if y.ndim == 1:
        return y.astype(numpy.int64)
    if y.shape[1] == 1:
        return (y[:, 0] > 0.5).astype(numpy.int64)
    return y.argmax(axis=1)


def score_ensemble(network: NetworkSpec, members: Sequence[Weights], x: numpy.ndarray,
                   y: numpy.ndarray) -> EnsembleScores:
    probs = member_probabilities(network, members, x)
    labels = true_labels(y)
    votes = member_votes(probs)
    return EnsembleScores(
        [float((member == labels).mean()) for member in votes],
        float((majority_vote(probs) == labels).mean()),
        float((mean_probability_vote(probs) == labels).mean()))


def save_ensemble(path: str, network: NetworkSpec, training: TrainingSpec,
                  members: Sequence[TrainedMember]) -> None:
    """A project (.nnstudio) holding every member, or an .onnx of their averaged model;
    a DocumentError or ExportError names the file when it cannot be written."""
    from nnstudio.export.onnx_ensemble import export_ensemble_onnx
    from nnstudio.files.documents import is_onnx, save_document

    if is_onnx(path):
        export_ensemble_onnx(network, [m.weights for m in members], path)
        return
    save_document(path, network, training, members[0].weights, members[0].history,
                  members=[m.as_saved() for m in members])
