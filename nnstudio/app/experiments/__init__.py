"""The Experiments tab: side-by-side comparisons, ensembles that vote, and hyperparameter
searches, each trained in the worker pool of ``nnstudio.experiments``."""
