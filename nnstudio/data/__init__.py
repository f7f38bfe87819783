"""Datasets: the embedded MNIST subset, downloadable MNIST-style sets, toy problems,
augmentation and the preprocessing of a drawn digit. Pure NumPy; no Qt here."""

from nnstudio.data.augment import augment_images
from nnstudio.data.dataset import Dataset, as_float
from nnstudio.data.datasets import (
    DATASETS,
    DatasetInfo,
    find_local_mnist,
    list_datasets,
    load_dataset,
)
from nnstudio.data.digit import preprocess_drawing
from nnstudio.data.errors import DatasetError, DownloadCancelled, IdxFormatError
from nnstudio.data.idx import read_idx, write_idx
from nnstudio.data.remote import fetch

__all__ = [
    "DATASETS",
    "Dataset",
    "DatasetError",
    "DatasetInfo",
    "DownloadCancelled",
    "IdxFormatError",
    "as_float",
    "augment_images",
    "fetch",
    "find_local_mnist",
    "list_datasets",
    "load_dataset",
    "preprocess_drawing",
    "read_idx",
    "write_idx",
]
