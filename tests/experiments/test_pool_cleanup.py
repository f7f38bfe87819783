"""``train_all`` with a pool of its own leaves no worker process behind: not those whose runs
ended well (kept for the next run meanwhile), nor one whose run failed."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

from nnstudio.experiments.local_pool import RunFailed, train_all
from nnstudio.experiments.trial_run import TrainOutcome, TrainRequest
from tests.experiments.toy import toy_network, toy_training


def spawned_children() -> list[int]:
    """This process's live children started by multiprocessing's spawn (any thread's:
    Linux lists a child under the thread that started it)."""
    pids = []
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        try:
            pids += [int(p) for p in (task / "children").read_text().split()]
        except OSError:  # a thread that ended meanwhile
            continue
    alive = []
    for pid in pids:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if b"spawn_main" in command and state != "Z":
            alive.append(pid)
    return alive


def test_train_all_leaves_no_worker_alive() -> None:
    before = set(spawned_children())
    requests = [TrainRequest(toy_network(), toy_training(seed=seed)) for seed in range(3)]
    # A network that does not take the data set's samples: its worker reports Failed.
    requests.append(TrainRequest(toy_network(), toy_training(dataset="mnist-subset")))
    results = train_all(requests, workers=2)
    assert [type(r) for r in results] == [TrainOutcome] * 3 + [RunFailed]
    assert not [p for p in multiprocessing.active_children() if p.name.startswith("nnstudio")]
    assert set(spawned_children()) <= before
