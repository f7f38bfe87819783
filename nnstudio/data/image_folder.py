"""A folder of images, one subfolder per class (the layout of torchvision's ImageFolder and
Keras's image_dataset_from_directory; images in folders below a class's belong to it, as
there), read with Pillow.

Every image is resized to one size (the person's, else the first image's) and kept as
uint8: (N, H, W) when all are greyscale, (N, 3, H, W) when any has colour. A file that is
not a readable image is listed by name and skipped; a folder without images, or with one
class only, is refused naming the folder.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from nnstudio.data.dataset import Dataset
from nnstudio.data.errors import DatasetError
from nnstudio.data.imported import Imported, check_classes, stratified_split
from nnstudio.data.source import IMAGE_SUFFIXES, DataOptions, class_folders, class_images

# (images read, total images)
ImageProgress = Callable[[int, int], None]
GREY_MODES = ("1", "L", "LA", "I", "I;16", "F")
LISTED_SKIPS = 10


def load_image_folder(folder: str | Path, options: DataOptions,
                      saved: dict[str, Any] | None = None,
                      progress: ImageProgress | None = None) -> Imported:
    """The images of ``folder`` as a dataset; ``saved`` settings (from a project) fix the
    classes, size and channels to those it was trained with."""
    from PIL import Image

    folder = Path(folder)
    name = folder.name
    if not folder.is_dir():
        raise DatasetError(f"{folder}: no such folder")
    classes = saved["classes"] if saved else class_folders(folder)
    files = [(label, file) for label, cls in enumerate(classes)
             for file in class_images(folder / cls)]
    if not files:
        loose = [f for f in folder.iterdir() if f.suffix.lower() in IMAGE_SUFFIXES]
        hint = (" (its images lie loose in it: put each class's images in a subfolder named "
                "after the class)" if loose else
                "; it should hold one subfolder of PNG or JPEG images per class")
        raise DatasetError(f"{folder}: holds no images{hint}")
    size = tuple(saved["size"]) if saved else options.image_size
    pictures: list[Any] = []
    labels: list[int] = []
    skipped: list[str] = []
    for done, (label, file) in enumerate(files):
        try:
            with Image.open(file) as image:
                image.load()
                if size is None:
                    size = (image.height, image.width)
                grey = image.mode in GREY_MODES
                picture = image.convert("L" if grey else "RGB")
                picture = picture.resize((size[1], size[0]), Image.Resampling.BILINEAR)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
            skipped.append(f"{file.relative_to(folder)} ({_reason(error)})")
            continue
        pictures.append(np.asarray(picture, dtype=np.uint8))
        labels.append(label)
        if progress is not None and done % 64 == 0:
            progress(done, len(files))
    if progress is not None:
        progress(len(files), len(files))
    if not pictures:
        raise DatasetError(f"{folder}: none of its {len(files)} image files could be read "
                           f"({'; '.join(skipped[:3])})")
    counts = np.bincount(np.asarray(labels), minlength=len(classes))
    present = [cls for cls, count in zip(classes, counts, strict=True) if count]
    check_classes(present, name, "the folder")
    channels = saved["channels"] if saved else (3 if any(p.ndim == 3 for p in pictures) else 1)
    x = np.stack([_channels(p, channels) for p in pictures])
    y = np.asarray(labels, dtype=np.int64)
    train, test = stratified_split(y, options.test_fraction, options.seed, True)
    assert size is not None
    dataset = Dataset(name, x[train], y[train], x[test], y[test], list(classes),
                      "classification", f"{len(x):,} images from {folder}")
    notes = [f"{len(x):,} images, {size[0]}x{size[1]}, "
             f"{'greyscale' if channels == 1 else 'colour'}"]
    if skipped:
        files_word = "file that is not a readable image" if len(skipped) == 1 else \
            "files that are not readable images"
        notes.append(f"skipped {len(skipped)} {files_word}: "
                     + ", ".join(skipped[:LISTED_SKIPS])
                     + (", …" if len(skipped) > LISTED_SKIPS else ""))
    prep = {"classes": list(classes), "size": list(size), "channels": channels}
    columns = [("image", f"{size[0]}x{size[1]} {'greyscale' if channels == 1 else 'RGB'}"),
               ("class", "folder name (target)")]
    return Imported(dataset, prep, "images", columns, notes=notes, skipped=skipped)


def _channels(picture: np.ndarray, channels: int) -> np.ndarray:
    """(H, W) for greyscale, (3, H, W) for colour, whatever the picture was."""
    if channels == 1:
        if picture.ndim == 3:  # a colour image in a greyscale set (saved settings)
            return np.round(picture @ np.array([0.299, 0.587, 0.114])).astype(np.uint8)
        return picture
    if picture.ndim == 2:
        picture = np.repeat(picture[:, :, None], 3, axis=2)
    return np.ascontiguousarray(picture.transpose(2, 0, 1))


def _reason(error: BaseException) -> str:
    text = str(error).split(" '", 1)[0] if "cannot identify image file" in str(error) \
        else str(error)
    return text or type(error).__name__
