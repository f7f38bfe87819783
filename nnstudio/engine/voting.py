"""How an ensemble's members decide together: by majority vote or by mean probability.

Members' outputs come as one array of probabilities shaped (members, samples, classes).
Majority vote: each member votes for its most probable class, the class with most votes
wins. A tie between classes with as many votes goes to the one the members gave the highest
mean probability; a tie in that too goes to the lowest class index (NumPy's argmax).
"""

from __future__ import annotations

import numpy


def as_class_probabilities(outputs: numpy.ndarray, probabilities: bool) -> numpy.ndarray:
    """A network's outputs (samples, width) as probabilities per class (samples, classes):
    a single column is a yes/no probability, [1 - p, p]; scores that are not probabilities
    yet (no final softmax) go through a stable softmax."""
    outputs = numpy.asarray(outputs, dtype=numpy.float64)
    outputs = outputs.reshape(len(outputs), -1)
    if outputs.shape[1] == 1:
        p = outputs[:, 0] if probabilities else 1.0 / (1.0 + numpy.exp(-outputs[:, 0]))
        return numpy.stack([1.0 - p, p], axis=1)
    if probabilities:
        return outputs
    shifted = numpy.exp(outputs - outputs.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def mean_probabilities(member_probabilities: numpy.ndarray) -> numpy.ndarray:
    """(members, samples, classes) -> (samples, classes): the members' mean."""
    return numpy.asarray(member_probabilities, dtype=numpy.float64).mean(axis=0)


def member_votes(member_probabilities: numpy.ndarray) -> numpy.ndarray:
    """(members, samples, classes) -> (members, samples): each member's class."""
    return numpy.asarray(member_probabilities).argmax(axis=2)


def vote_counts(member_probabilities: numpy.ndarray) -> numpy.ndarray:
    """(members, samples, classes) -> (samples, classes): how many members chose each class."""
    probabilities = numpy.asarray(member_probabilities)
    votes = member_votes(probabilities)
    counts = numpy.zeros(probabilities.shape[1:], dtype=numpy.int64)
    samples = numpy.arange(probabilities.shape[1])
    for member in votes:
        counts[samples, member] += 1
    return counts


def majority_vote(member_probabilities: numpy.ndarray) -> numpy.ndarray:
    """(members, samples, classes) -> (samples,): the class most members chose; ties as the
    module says (highest mean probability, then the lowest class)."""
    counts = vote_counts(member_probabilities)
    tied = counts == counts.max(axis=1, keepdims=True)
    mean = mean_probabilities(member_probabilities)
    return numpy.where(tied, mean, -numpy.inf).argmax(axis=1)


def mean_probability_vote(member_probabilities: numpy.ndarray) -> numpy.ndarray:
    """(members, samples, classes) -> (samples,): the class of highest mean probability."""
    return mean_probabilities(member_probabilities).argmax(axis=1)
