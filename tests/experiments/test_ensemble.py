"""Ensembles on a toy set: members from different seeds, their vote, the project that keeps
them, and the averaged ONNX model that answers as the mean-probability vote does."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nnstudio.data.datasets import load_dataset
from nnstudio.engine.voting import mean_probabilities
from nnstudio.experiments.ensemble import (
    ensemble_classes,
    member_probabilities,
    member_seeds,
    score_ensemble,
    train_members,
)
from nnstudio.files.documents import open_file, save_document
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.training import TrainingSpec

TRAINING = TrainingSpec(dataset="circles", optimizer="adam", lr=0.01, batch_size=32, epochs=3,
                        seed=7)


def network(softmax: bool = True) -> NetworkSpec:
    layers = [("Dense", {"units": 8}), ("Tanh", {}), ("Dense", {"units": 2})]
    return NetworkSpec.sequential(layers + ([("Softmax", {})] if softmax else []),
                                  input_shape=[2])


@pytest.fixture(scope="module")
def circles():
    return load_dataset("circles")


@pytest.fixture(scope="module")
def members(circles):
    return train_members(network(), TRAINING, 3, dataset=circles, workers=1)


def test_members_start_from_different_seeds(members) -> None:
    assert [m.seed for m in members] == member_seeds(7, 3) == [7, 8, 9]
    first, second = members[0].weights["dense1"]["W"], members[1].weights["dense1"]["W"]
    assert not np.allclose(first, second)
    assert all(0.0 <= m.test_accuracy <= 1.0 for m in members)


def test_scores_compare_each_member_with_the_ensemble(members, circles) -> None:
    x, y = circles.features("test", (2,)), circles.targets("test")
    scores = score_ensemble(network(), [m.weights for m in members], x, y)
    assert scores.members == pytest.approx([m.test_accuracy for m in members])
    probs = member_probabilities(network(), [m.weights for m in members], x)
    assert probs.shape == (3, len(x), 2)
    assert scores.mean_probability == pytest.approx(
        float((ensemble_classes(probs, "mean") == y).mean()))
    assert scores.majority == pytest.approx(
        float((ensemble_classes(probs, "majority") == y).mean()))


def test_an_ensemble_saves_and_opens_with_its_members(members, tmp_path: Path) -> None:
    path = tmp_path / "circles-ensemble.nnstudio"
    save_document(path, network(), TRAINING, members[0].weights,
                  members=[m.as_saved() for m in members])
    opened = open_file(path)
    assert [m.seed for m in opened.members] == [7, 8, 9]
    assert [m.test_accuracy for m in opened.members] == [m.test_accuracy for m in members]
    for saved, trained in zip(opened.members, members, strict=True):
        assert np.array_equal(saved.weights["dense2"]["W"], trained.weights["dense2"]["W"])
    assert np.array_equal(opened.weights["dense1"]["W"], members[0].weights["dense1"]["W"])


def test_a_project_of_one_network_stays_format_1(members, tmp_path: Path) -> None:
    import json
    import zipfile

    path = tmp_path / "one.nnstudio"
    save_document(path, network(), TRAINING, members[0].weights)
    meta = json.loads(zipfile.ZipFile(path).read("project.json"))
    assert meta["version"] == 1 and "ensemble" not in meta
    assert open_file(path).members == []


@pytest.mark.parametrize("softmax", [True, False])
def test_the_averaged_onnx_model_answers_as_the_mean_probability(
        softmax: bool, circles, tmp_path: Path) -> None:
    ort = pytest.importorskip("onnxruntime")
    from nnstudio.export.onnx_ensemble import export_ensemble_onnx

    spec = network(softmax)
    trained = train_members(spec, TrainingSpec(**{**TRAINING.to_json(), "epochs": 1}), 3,
                            dataset=circles, workers=1)
    weights = [m.weights for m in trained]
    path = tmp_path / "ensemble.onnx"
    export_ensemble_onnx(spec, weights, path)
    x = circles.features("test", (2,)).astype(np.float32)
    (onnx_out,) = ort.InferenceSession(str(path)).run(None, {"input": x})
    ours = mean_probabilities(member_probabilities(spec, weights, x))
    assert np.allclose(onnx_out, ours, atol=1e-5)
    assert (onnx_out.argmax(axis=1) == ensemble_classes(
        member_probabilities(spec, weights, x), "mean")).all()


def test_one_sample_shows_each_member_vote(members, circles) -> None:
    from nnstudio.experiments.ensemble import EnsemblePredictor, ensemble_answer

    predictor = EnsemblePredictor(network(), [m.weights for m in members])
    sample = circles.features("test", (2,))[0]
    answer = ensemble_answer(predictor, sample)
    probs = predictor.probabilities(sample[None])
    assert answer.votes == probs.argmax(axis=2)[:, 0].tolist()
    assert answer.mean == int(probs.mean(axis=0)[0].argmax())
    with pytest.raises(ValueError, match="takes 2 values"):
        ensemble_answer(predictor, np.zeros((28, 28)))
