"""Engine layers, one module per family."""

from nnstudio.engine.layers.activations import (
    ELU,
    SELU,
    Heaviside,
    Identity,
    LeakyReLU,
    ReLU,
    Sigmoid,
    Softmax,
    Tanh,
)
from nnstudio.engine.layers.base import Layer
from nnstudio.engine.layers.conv import Conv2D
from nnstudio.engine.layers.dense import Dense
from nnstudio.engine.layers.dropout import Dropout
from nnstudio.engine.layers.merge import Add, Concat
from nnstudio.engine.layers.norm import BatchNorm
from nnstudio.engine.layers.pool import AvgPool2D, MaxPool2D
from nnstudio.engine.layers.reshape import Flatten, Reshape

__all__ = [
    "ELU", "SELU", "Add", "AvgPool2D", "BatchNorm", "Concat", "Conv2D", "Dense", "Dropout",
    "Flatten", "Heaviside", "Identity", "Layer", "LeakyReLU", "MaxPool2D", "ReLU", "Reshape",
    "Sigmoid", "Softmax", "Tanh",
]
