"""Real tables no one here made, the CSV files scikit-learn ships (Iris, Wine, Breast
Cancer, 8x8 digits), read through NN Studio's own CSV path and trained by a small MLP; the
accuracy is on a held-out test split, averaged over three seeded splits."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from nnstudio.data.source import DataOptions
from nnstudio.data.user_data import import_data
from nnstudio.running.session import create_session
from nnstudio.spec.fit_ends import fit_ends
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.training import TrainingSpec

sklearn = pytest.importorskip("sklearn")
SHIPPED = Path(sklearn.__file__).parent / "datasets" / "data"
# The shipped files open with a line of counts and class names (skip_rows=1), except the
# digits, a gzipped CSV without any header.
# (skip_rows, classes, rows, accuracy wanted, epochs, learning rate)
CASES = {
    "iris.csv": (1, 3, 150, 0.93, 60, 0.005),
    "wine_data.csv": (1, 3, 178, 0.94, 30, 0.01),
    "breast_cancer.csv": (1, 2, 569, 0.95, 30, 0.01),
    "digits.csv.gz": (0, 10, 1797, 0.95, 10, 0.01),
}


def mlp_accuracy(path: Path, skip_rows: int, seed: int, epochs: int, lr: float) -> float:
    dataset = import_data(path, DataOptions(skip_rows=skip_rows, seed=seed)).imported.dataset
    spec = NetworkSpec.sequential([("Dense", {"units": 32}), ("ReLU", {}),
                                   ("Dense", {"units": 10}), ("Softmax", {})])
    spec, _ = fit_ends(spec, dataset.input_shape, dataset.output_size, dataset.task)
    training = TrainingSpec(epochs=epochs, batch_size=16, lr=lr, validation_split=0.0,
                            seed=seed)
    session = create_session(spec, training, dataset=dataset)
    with threadpool_limits(1):  # small matrices: BLAS threads only fight a busy machine
        for _ in session.trainer.run():
            pass
    return session.trainer.evaluate(session.x_test, session.y_test)[1]


@pytest.mark.parametrize("file", list(CASES))
def test_a_shipped_table_trains_to_the_accuracy_of_a_small_mlp(file: str) -> None:
    skip_rows, classes, rows, target, epochs, lr = CASES[file]
    imported = import_data(SHIPPED / file, DataOptions(skip_rows=skip_rows)).imported
    dataset = imported.dataset
    assert dataset.task == "classification" and dataset.num_classes == classes
    assert len(dataset.x_train) + len(dataset.x_test) == rows
    assert not imported.notes  # nothing dropped
    accuracy = np.mean([mlp_accuracy(SHIPPED / file, skip_rows, seed, epochs, lr)
                        for seed in range(3)])
    print(f"{file}: mean test accuracy {accuracy:.4f}")
    assert accuracy >= target


def test_the_standardization_uses_the_training_split_only() -> None:
    loaded = import_data(SHIPPED / "iris.csv", DataOptions(skip_rows=1))
    dataset = loaded.imported.dataset
    # Standardized with the training rows' own statistics: mean 0 and std 1 there...
    assert np.allclose(dataset.x_train.mean(axis=0), 0, atol=1e-5)
    assert np.allclose(dataset.x_train.std(axis=0), 1, atol=1e-4)
    # ...and the saved statistics are those of the training rows, not of all rows.
    raw = np.loadtxt(SHIPPED / "iris.csv", delimiter=",", skiprows=1)[:, :4]
    saved = loaded.source.preprocessing["features"]
    assert not np.isclose(saved[0]["mean"], raw[:, 0].mean(), rtol=0, atol=1e-9)
