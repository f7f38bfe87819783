"""load_dataset: where full sets are found, what comes back, and the errors a user sees."""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio.data import (
    DATASETS,
    Dataset,
    DatasetError,
    as_float,
    find_local_mnist,
    list_datasets,
    load_dataset,
)

EXPECTED_NAMES = (
    "mnist-subset mnist fashion-mnist kmnist xor and or circles spirals blobs parabola sine step"
)
MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def assert_matches(dataset: Dataset, arrays: dict) -> None:
    for key in ("x_train", "y_train", "x_test", "y_test"):
        np.testing.assert_array_equal(getattr(dataset, key), arrays[key])
    assert dataset.x_train.dtype == np.uint8
    assert dataset.y_train.dtype == np.int64


@pytest.mark.parametrize("gz", [True, False])
def test_loads_a_data_dir_of_idx_files(mnist_folder, gz):
    folder, arrays = mnist_folder(gz=gz)
    dataset = load_dataset("mnist", data_dir=folder)
    assert_matches(dataset, arrays)
    assert dataset.name == "mnist"
    assert dataset.classes == [str(d) for d in range(10)]
    assert dataset.task == "classification"
    assert dataset.input_shape == (1, 28, 28)
    assert dataset.output_size == 10
    # the images stayed with their labels
    assert (dataset.x_train[:, 0, 0] == dataset.y_train).all()


def test_accepts_the_dotted_file_names(mnist_folder):
    folder, arrays = mnist_folder(dotted=True, gz=False)
    assert_matches(load_dataset("mnist", data_dir=folder), arrays)


def test_data_dir_subfolder_named_after_the_set(tmp_path, fake_arrays, write_folder):
    arrays = fake_arrays(seed=3)
    write_folder(tmp_path / "all" / "fashion-mnist", arrays)
    dataset = load_dataset("Fashion-MNIST", data_dir=tmp_path / "all")
    assert_matches(dataset, arrays)
    assert dataset.classes[0] == "T-shirt/top"


def test_data_dir_with_missing_files_names_them(mnist_folder):
    folder, _ = mnist_folder()
    (folder / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DatasetError, match=r"lacks t10k-labels-idx1-ubyte\[\.gz\]") as caught:
        load_dataset("mnist", data_dir=folder)
    assert str(folder) in str(caught.value)


def test_data_dir_that_does_not_exist(tmp_path):
    with pytest.raises(DatasetError, match="does not exist"):
        load_dataset("mnist", data_dir=tmp_path / "nowhere")


def test_image_and_label_counts_must_agree(tmp_path, fake_arrays, write_folder):
    arrays = fake_arrays()
    arrays["y_test"] = arrays["y_test"][:-1]
    folder = write_folder(tmp_path / "bad", arrays)
    with pytest.raises(DatasetError, match="holds 20 images but .* holds 19 labels"):
        load_dataset("mnist", data_dir=folder)


def test_images_must_be_28_by_28(tmp_path, fake_arrays, write_folder):
    arrays = fake_arrays()
    arrays["x_train"] = arrays["x_train"][:, :27, :27].copy()
    folder = write_folder(tmp_path / "bad", arrays)
    with pytest.raises(DatasetError, match=r"expected uint8 images of shape \(N, 28, 28\)"):
        load_dataset("mnist", data_dir=folder)


def test_env_var_folder(monkeypatch, mnist_folder):
    folder, arrays = mnist_folder()
    monkeypatch.setenv("NNSTUDIO_DATA_DIR", str(folder))
    assert_matches(load_dataset("mnist"), arrays)


def test_data_dir_argument_beats_env_var(monkeypatch, tmp_path, fake_arrays, write_folder):
    env_folder = write_folder(tmp_path / "env", fake_arrays(seed=1))
    arg_arrays = fake_arrays(seed=2)
    arg_folder = write_folder(tmp_path / "arg", arg_arrays)
    monkeypatch.setenv("NNSTUDIO_DATA_DIR", str(env_folder))
    assert_matches(load_dataset("mnist", data_dir=arg_folder), arg_arrays)


def test_env_var_mnist_folder_is_not_taken_for_another_set(monkeypatch, mnist_folder):
    # A folder of MNIST digits must not come back labelled as clothing: Fashion-MNIST is
    # looked for in a "fashion-mnist" subfolder, then downloaded (here: no network).
    folder, _ = mnist_folder()
    monkeypatch.setenv("NNSTUDIO_DATA_DIR", str(folder))
    with pytest.raises(AssertionError, match="tried to reach the network"):
        load_dataset("fashion-mnist")


def test_env_var_subfolder_per_set(monkeypatch, tmp_path, fake_arrays, write_folder):
    arrays = fake_arrays(seed=5)
    write_folder(tmp_path / "sets" / "kmnist", arrays)
    monkeypatch.setenv("NNSTUDIO_DATA_DIR", str(tmp_path / "sets"))
    dataset = load_dataset("kmnist")
    assert_matches(dataset, arrays)
    assert dataset.classes[:3] == ["o", "ki", "su"]


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(DatasetError, match="unknown dataset 'cifar'.*mnist-subset.*spirals"):
        load_dataset("cifar")


def test_options_are_for_toy_sets_only(mnist_folder):
    folder, _ = mnist_folder()
    with pytest.raises(DatasetError, match="takes no options"):
        load_dataset("mnist", data_dir=folder, noise=0.1)
    with pytest.raises(DatasetError, match="unknown option colour"):
        load_dataset("spirals", colour="red")


def test_features_for_an_mlp_and_a_cnn(mnist_folder):
    folder, arrays = mnist_folder()
    dataset = load_dataset("mnist", data_dir=folder)
    flat = dataset.features("train", (784,))
    assert flat.shape == (40, 784) and flat.dtype == np.float32
    assert 0.0 <= flat.min() and flat.max() <= 1.0
    np.testing.assert_allclose(flat[3] * 255, arrays["x_train"][3].ravel())
    assert dataset.features("test").shape == (20, 1, 28, 28)
    np.testing.assert_array_equal(dataset.targets("test"), arrays["y_test"])
    with pytest.raises(DatasetError, match="cannot reshape"):
        dataset.features("train", (10, 10))
    with pytest.raises(DatasetError, match="unknown split 'valid'"):
        dataset.features("valid")


def test_as_float_leaves_float_data_unscaled():
    x = np.array([[0.5, -2.0]], dtype=np.float64)
    out = as_float(x)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [[0.5, -2.0]])


def test_dataset_rejects_inconsistent_arrays():
    x = np.zeros((3, 2), np.float32)
    with pytest.raises(DatasetError, match="train split has 3 inputs but 2 targets"):
        Dataset("bad", x, np.zeros(2, np.int64), x, np.zeros(3, np.int64), ["a", "b"])
    with pytest.raises(DatasetError, match="task must be one of"):
        Dataset("bad", x, np.zeros(3), x, np.zeros(3), [], task="clustering")


def test_list_datasets_names_every_set_and_what_is_offline(monkeypatch, mnist_folder):
    infos = {info.name: info for info in list_datasets()}
    assert set(infos) == set(DATASETS)
    assert set(EXPECTED_NAMES.split()) <= set(infos)
    assert infos["mnist-subset"].kind == "embedded" and infos["mnist-subset"].available
    assert infos["spirals"].kind == "toy" and infos["spirals"].available
    assert infos["sine"].task == "regression"
    assert not infos["mnist"].available  # empty cache, no NNSTUDIO_DATA_DIR

    folder, _ = mnist_folder()
    monkeypatch.setenv("NNSTUDIO_DATA_DIR", str(folder))
    infos = {info.name: info for info in list_datasets()}
    assert infos["mnist"].available
    assert not infos["fashion-mnist"].available


def test_find_local_mnist_prefers_the_env_var(monkeypatch, tmp_path):
    monkeypatch.setenv("NNSTUDIO_MNIST_DIR", str(tmp_path))
    assert find_local_mnist() == tmp_path


def test_full_mnist_when_present():
    folder = find_local_mnist()
    if folder is None:
        pytest.skip("the full MNIST is not here (set NNSTUDIO_MNIST_DIR)")
    dataset = load_dataset("mnist", data_dir=folder)
    assert dataset.x_train.shape == (60000, 28, 28)
    assert dataset.x_test.shape == (10000, 28, 28)
    assert dataset.y_train[:8].tolist() == [5, 0, 4, 1, 9, 2, 1, 3]
    assert np.bincount(dataset.y_test).tolist() == MNIST_TEST_COUNTS


@pytest.mark.parametrize(("labels", "message"), [
    (np.array([0, 1, -1, 2], dtype=np.int8), "label -1 of sample 2 is outside 0 to 9"),
    (np.array([0, 10, 3, 12], dtype=np.uint8), "label 10 of sample 1 is outside 0 to 9"),
])
def test_labels_outside_the_classes_name_the_file(tmp_path, fake_arrays, write_folder,
                                                  labels, message):
    arrays = fake_arrays()
    arrays["x_test"], arrays["y_test"] = arrays["x_test"][:4], labels
    write_folder(tmp_path / "m", arrays)
    with pytest.raises(DatasetError, match=message) as caught:
        load_dataset("mnist", data_dir=tmp_path / "m")
    assert "t10k-labels-idx1-ubyte.gz" in str(caught.value)


def test_a_set_of_no_images_is_refused(tmp_path, fake_arrays, write_folder):
    arrays = fake_arrays()
    arrays["x_train"], arrays["y_train"] = arrays["x_train"][:0], arrays["y_train"][:0]
    write_folder(tmp_path / "m", arrays)
    with pytest.raises(DatasetError, match=r"train-images-idx3-ubyte\.gz: holds no images"):
        load_dataset("mnist", data_dir=tmp_path / "m")
