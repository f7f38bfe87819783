"""The network's verdict on each validation sample after an epoch: predicted class and
confidence, shared by the misclassified and confusion views."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnstudio.engine.metrics import confusion_matrix, predicted_classes, true_classes


def probabilities(outputs: np.ndarray) -> np.ndarray:
    """Outputs as class probabilities: kept when they already are, else a softmax."""
    outputs = np.asarray(outputs, dtype=np.float64).reshape(len(outputs), -1)
    if outputs.shape[1] == 1:
        return np.clip(outputs, 0.0, 1.0)
    rows_sum_to_one = np.allclose(outputs.sum(axis=1), 1.0, atol=1e-3)
    if outputs.size and outputs.min() >= 0 and rows_sum_to_one:
        return outputs
    shifted = np.exp(outputs - outputs.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


@dataclass
class ValidationResults:
    epoch: int
    predicted: np.ndarray  # int64 (N,)
    actual: np.ndarray  # int64 (N,)
    confidence: np.ndarray  # probability of the predicted class, (N,)
    num_classes: int

    @classmethod
    def from_outputs(cls, epoch: int, outputs: np.ndarray, targets: np.ndarray,
                     num_classes: int) -> ValidationResults:
        outputs = np.asarray(outputs).reshape(len(outputs), -1)
        probs = probabilities(outputs)
        predicted = np.asarray(predicted_classes(np, outputs), dtype=np.int64)
        if probs.shape[1] == 1:
            confidence = np.where(predicted == 1, probs[:, 0], 1.0 - probs[:, 0])
        else:
            confidence = probs[np.arange(len(probs)), predicted]
        actual = np.asarray(true_classes(np, np.asarray(targets)), dtype=np.int64)
        width = max(num_classes, 2 if probs.shape[1] == 1 else probs.shape[1])
        return cls(epoch, predicted, actual, confidence, width)

    @property
    def wrong(self) -> np.ndarray:
        """Indices of the misclassified samples, most confident mistakes first."""
        indices = np.flatnonzero(self.predicted != self.actual)
        return indices[np.argsort(-self.confidence[indices], kind="stable")]

    def confusion(self) -> np.ndarray:
        return confusion_matrix(self.predicted, self.actual, self.num_classes)

    def samples_in_cell(self, true_class: int, predicted_class: int) -> np.ndarray:
        return np.flatnonzero((self.actual == true_class) & (self.predicted == predicted_class))
