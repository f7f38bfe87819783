"""NN Studio: build, train and see inside neural networks."""

__version__ = "0.1.0"
