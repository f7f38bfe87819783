"""Experiments: hyperparameter search, ensembles that vote, and variants side by side."""
