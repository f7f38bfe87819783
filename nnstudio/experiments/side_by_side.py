"""Side by side: the variants of a comparison (``nnstudio.spec.comparisons``) made ready to
train on identical batches from identical starting weights.

Every variant keeps the comparison's seed, so the data are split, shuffled (or sorted) the
same way and the batches come in the same order. The starting weights are the first
variant's wherever another variant has a layer of the same name and shape and starts it with
the same initializer settings (zeros vs He vs Xavier keep their own): a variant that inserts
a Dropout would otherwise draw its later layers' weights from a different point of the
random stream. The weights travel in the network's own hand-set ``weights``, which building
the network applies.
"""

from __future__ import annotations

from dataclasses import replace

from nnstudio.experiments.trial_run import TrainRequest
from nnstudio.running.build import build_network
from nnstudio.spec.comparisons import Comparison, VariantRun, variant_runs


def prepared_runs(comparison: Comparison) -> list[VariantRun]:
    """The comparison's variants, each with the starting weights it shares with the first."""
    runs = variant_runs(comparison)
    reference = runs[0]
    start = build_network(reference.network, reference.training).get_weights()
    prepared = [reference]
    for run in runs[1:]:
        if not _same_initializer(run, reference):
            prepared.append(run)
            continue
        own = build_network(run.network, run.training).get_weights()
        shared = {layer: arrays for layer, arrays in start.items()
                  if layer in own and _same_shapes(arrays, own[layer])}
        network = run.network.copy()
        network.weights = {**shared, **network.weights}
        prepared.append(replace(run, network=network))
    return prepared


def _same_initializer(run: VariantRun, reference: VariantRun) -> bool:
    return (run.training.init, run.training.init_scale) == (reference.training.init,
                                                            reference.training.init_scale)


def _same_shapes(first: dict, second: dict) -> bool:
    return first.keys() == second.keys() and all(
        first[name].shape == second[name].shape for name in first)


def variant_requests(runs: list[VariantRun]) -> list[TrainRequest]:
    """What the worker pool trains: one request per variant, reporting its batches' losses
    (the curves grow live, batch by batch)."""
    return [TrainRequest(run.network, run.training, label=run.label, run_id=index,
                         batch_reports=True)
            for index, run in enumerate(runs)]
