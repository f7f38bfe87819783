"""The ensemble's vote against one worked out by hand on fixed member outputs."""

from __future__ import annotations

import numpy as np

from nnstudio.engine.voting import (
    as_class_probabilities,
    majority_vote,
    mean_probabilities,
    mean_probability_vote,
    vote_counts,
)

# 3 members x 4 samples x 3 classes.
MEMBERS = np.array([
    [[0.6, 0.3, 0.1], [0.1, 0.8, 0.1], [0.5, 0.4, 0.1], [0.2, 0.3, 0.5]],
    [[0.5, 0.4, 0.1], [0.2, 0.2, 0.6], [0.1, 0.5, 0.4], [0.4, 0.35, 0.25]],
    [[0.2, 0.7, 0.1], [0.1, 0.1, 0.8], [0.1, 0.2, 0.7], [0.3, 0.6, 0.1]],
])


def test_majority_vote_equals_the_vote_by_hand() -> None:
    # Sample 0: votes 0, 0, 1 -> class 0 (two of three).
    # Sample 1: votes 1, 2, 2 -> class 2.
    # Sample 2: votes 0, 1, 2 -> a three-way tie; mean probabilities 0.233, 0.367, 0.4 -> 2.
    # Sample 3: votes 2, 0, 1 -> a tie; means 0.3, 0.4167, 0.2833 -> class 1.
    assert vote_counts(MEMBERS).tolist() == [[2, 1, 0], [0, 1, 2], [1, 1, 1], [1, 1, 1]]
    assert majority_vote(MEMBERS).tolist() == [0, 2, 2, 1]


def test_mean_probability_vote_by_hand() -> None:
    # Sample 0: means 0.433, 0.467, 0.1 -> class 1, though most members voted 0.
    assert np.allclose(mean_probabilities(MEMBERS)[0], [1.3 / 3, 1.4 / 3, 0.1])
    assert mean_probability_vote(MEMBERS).tolist() == [1, 2, 2, 1]


def test_a_tie_in_votes_and_in_means_goes_to_the_lowest_class() -> None:
    even = np.array([[[0.6, 0.4]], [[0.4, 0.6]]])  # one vote each, means 0.5 and 0.5
    assert majority_vote(even).tolist() == [0]
    assert mean_probability_vote(even).tolist() == [0]


def test_outputs_become_class_probabilities() -> None:
    assert np.allclose(as_class_probabilities(np.array([[0.25]]), True), [[0.75, 0.25]])
    scores = as_class_probabilities(np.array([[0.0, np.log(3.0)]]), False)
    assert np.allclose(scores, [[0.25, 0.75]])
    assert np.allclose(as_class_probabilities(np.array([[0.0]]), False), [[0.5, 0.5]])
