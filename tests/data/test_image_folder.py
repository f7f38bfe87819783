"""Image folders (one subfolder per class): MNIST written out as PNG files trains through
this path; colour, resizing, and unreadable files listed and skipped, never a crash."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from threadpoolctl import threadpool_limits

from nnstudio.data.embedded import load_subset_arrays
from nnstudio.data.errors import DatasetError
from nnstudio.data.source import DataOptions, fingerprint
from nnstudio.data.user_data import import_data, load_source
from nnstudio.running.session import create_session
from nnstudio.spec.fit_ends import fit_ends
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.training import TrainingSpec

PER_CLASS = 120


def write_mnist_pngs(folder: Path, per_class: int = PER_CLASS) -> Path:
    arrays = load_subset_arrays()
    x, y = arrays["x_train"], arrays["y_train"]
    for digit in range(10):
        (folder / str(digit)).mkdir(parents=True)
        for i, index in enumerate(np.flatnonzero(y == digit)[:per_class]):
            Image.fromarray(x[index]).save(folder / str(digit) / f"{i:04d}.png")
    return folder


def test_mnist_as_a_folder_of_pngs_trains(tmp_path: Path) -> None:
    folder = write_mnist_pngs(tmp_path / "digits")
    seen: list[int] = []
    imported = import_data(folder, progress=lambda done, total: seen.append(done)).imported
    dataset = imported.dataset
    assert dataset.is_image and dataset.input_shape == (1, 28, 28)
    assert dataset.classes == [str(d) for d in range(10)]
    assert [train + test for _, train, test in imported.class_counts()] == [PER_CLASS] * 10
    assert seen[-1] == 10 * PER_CLASS
    spec = NetworkSpec.sequential([("Dense", {"units": 64}), ("ReLU", {}),
                                   ("Dense", {"units": 10}), ("Softmax", {})])
    spec, _ = fit_ends(spec, dataset.input_shape, dataset.output_size, dataset.task)
    session = create_session(spec, TrainingSpec(epochs=10, batch_size=32, lr=0.003,
                                                          validation_split=0.0),
                             dataset=dataset)
    with threadpool_limits(1):  # a small matrix: BLAS threads only fight a busy machine
        for _ in session.trainer.run():
            pass
    accuracy = session.trainer.evaluate(session.x_test, session.y_test)[1]
    print(f"MNIST PNG folder, {10 * PER_CLASS} images: test accuracy {accuracy:.4f}")
    assert accuracy >= 0.85


def colour_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "shapes"
    for name, colour in (("red", (220, 20, 20)), ("blue", (20, 20, 220))):
        (folder / name).mkdir(parents=True)
        for i in range(6):
            size = (20 + i, 16 + i)
            Image.new("RGB", size, colour).save(folder / name / f"{i}.jpg")
    return folder


def test_colour_images_are_resized_to_the_chosen_size(tmp_path: Path) -> None:
    folder = colour_folder(tmp_path)
    loaded = import_data(folder, DataOptions(image_size=(12, 10)))
    dataset = loaded.imported.dataset
    assert dataset.x_train.shape[1:] == (3, 12, 10) and dataset.input_shape == (3, 12, 10)
    assert dataset.classes == ["blue", "red"]
    assert loaded.source.preprocessing == {"classes": ["blue", "red"], "size": [12, 10],
                                           "channels": 3}
    red = dataset.x_train[dataset.y_train == 1][0]
    assert red[0].mean() > 200 and red[2].mean() < 40
    again = load_source(loaded.source).imported.dataset
    np.testing.assert_array_equal(again.x_test, dataset.x_test)


def test_files_that_are_not_images_are_listed_and_skipped(tmp_path: Path) -> None:
    folder = colour_folder(tmp_path)
    (folder / "red" / "broken.png").write_bytes(b"not a picture at all")
    (folder / "blue" / "notes.txt").write_text("ignored: not an image suffix")
    imported = import_data(folder).imported
    assert imported.skipped == [f"{Path('red') / 'broken.png'} (cannot identify image file)"]
    assert any("skipped 1 file that is not a readable image: " in n for n in imported.notes)
    assert len(imported.dataset.x_train) + len(imported.dataset.x_test) == 12


@pytest.mark.parametrize(("layout", "message"), [
    ("empty", "holds no images; it should hold one subfolder of PNG or JPEG images per class"),
    ("loose", "holds no images (its images lie loose in it"),
    ("one class", "the folder has only one class ('cats')"),
    ("all broken", "none of its 2 image files could be read"),
])
def test_bad_folders_are_refused_naming_the_folder(tmp_path: Path, layout: str,
                                                   message: str) -> None:
    folder = tmp_path / "pictures"
    folder.mkdir()
    if layout == "loose":
        Image.new("L", (8, 8)).save(folder / "a.png")
    elif layout == "one class":
        (folder / "cats").mkdir()
        Image.new("L", (8, 8)).save(folder / "cats" / "a.png")
    elif layout == "all broken":
        for cls in ("a", "b"):
            (folder / cls).mkdir()
            (folder / cls / "x.png").write_bytes(b"junk")
    with pytest.raises(DatasetError) as caught:
        import_data(folder)
    assert message in str(caught.value) and "pictures" in str(caught.value)


def test_a_folder_fingerprint_follows_its_images(tmp_path: Path) -> None:
    folder = colour_folder(tmp_path)
    before = fingerprint(folder)
    assert fingerprint(folder) == before
    Image.new("RGB", (4, 4), (0, 255, 0)).save(folder / "red" / "0.jpg")
    assert fingerprint(folder) != before


def test_images_in_folders_below_a_class_belong_to_it(tmp_path: Path) -> None:
    """As torchvision's ImageFolder: cats/indoor/1.png is a cat; hidden files and folders
    are not images of the set; the fingerprint follows the nested images too."""
    folder = tmp_path / "pets"
    for cls, shade in (("cats", 40), ("dogs", 200)):
        for where in ("", "indoor", "indoor/night", ".thumbnails"):
            (folder / cls / where).mkdir(parents=True, exist_ok=True)
            Image.new("L", (6, 6), shade).save(folder / cls / where / "a.png")
        Image.new("L", (6, 6), shade).save(folder / cls / ".hidden.png")
    dataset = import_data(folder).imported.dataset
    assert dataset.classes == ["cats", "dogs"]
    assert len(dataset.x_train) + len(dataset.x_test) == 6  # 3 per class, none hidden
    before = fingerprint(folder)
    Image.new("L", (6, 6), 90).save(folder / "cats" / "indoor" / "night" / "a.png")
    assert fingerprint(folder) != before
