"""The first steps of every optimizer and schedule against values worked out by hand.

These hold without PyTorch (the PyTorch comparison in test_vs_torch.py skips when torch is
missing). One weight starts at 1.0 and sees the same gradient 0.5 at every step, so each
expected value below is the optimizer's equation with the numbers put in.
"""

from __future__ import annotations

import math

import numpy
import pytest

from nnstudio.engine.optimizers import Parameter, Schedule, make_optimizer

G = 0.5


def trajectory(name: str, steps: int = 2, grads: list[float] | None = None,
               **settings) -> list[float]:
    optimizer = make_optimizer(name, **settings)
    weight = numpy.array([1.0])
    seen = []
    for step in range(steps):
        grad = numpy.array([grads[step] if grads else G])
        optimizer.step([Parameter(weight, grad)])
        seen.append(float(weight[0]))
    return seen


CASES = {
    # w -= lr g
    "sgd": ({"lr": 0.1}, [1 - 0.1 * 0.5, 1 - 2 * 0.1 * 0.5]),
    # v = 0.9 v + g: v1 = 0.5, v2 = 0.95
    "momentum": ({"lr": 0.1}, [1 - 0.1 * 0.5, 0.95 - 0.1 * 0.95]),
    # step with g + 0.9 v: 0.5 + 0.45 = 0.95, then 0.5 + 0.9 * 0.95 = 1.355
    "nesterov": ({"lr": 0.1}, [1 - 0.1 * 0.95, 0.905 - 0.1 * 1.355]),
    # s = sum of g^2: 0.25 then 0.5
    "adagrad": ({"lr": 0.1}, [1 - 0.1 * 0.5 / (math.sqrt(0.25) + 1e-10),
                              1 - 0.1 * 0.5 / (math.sqrt(0.25) + 1e-10)
                              - 0.1 * 0.5 / (math.sqrt(0.5) + 1e-10)]),
    # square average 0.1 * 0.25 = 0.025; delta = sqrt(0 + eps) / sqrt(0.025 + eps) * g
    "adadelta": ({"lr": 1.0}, [1 - math.sqrt(1e-6) / math.sqrt(0.025 + 1e-6) * 0.5, None]),
    # square average 0.01 * 0.25 = 0.0025, then 0.99 * 0.0025 + 0.0025 = 0.004975
    "rmsprop": ({"lr": 0.01}, [1 - 0.01 * 0.5 / (math.sqrt(0.0025) + 1e-8),
                               None]),
    # constant gradient: m_hat = 0.5 and v_hat = 0.25 at every step, so each step is lr
    "adam": ({"lr": 0.1}, [1 - 0.1 * 0.5 / (0.5 + 1e-8), 1 - 2 * 0.1 * 0.5 / (0.5 + 1e-8)]),
}


@pytest.mark.parametrize("name", CASES)
def test_first_steps_by_hand(name: str) -> None:
    settings, expected = CASES[name]
    seen = trajectory(name, **settings)
    for step, (got, want) in enumerate(zip(seen, expected, strict=True)):
        if want is not None:
            assert got == pytest.approx(want, rel=1e-12, abs=1e-12), f"{name} step {step + 1}"


def test_rmsprop_second_step_and_momentum() -> None:
    w1 = 1 - 0.01 * 0.5 / (math.sqrt(0.0025) + 1e-8)
    w2 = w1 - 0.01 * 0.5 / (math.sqrt(0.004975) + 1e-8)
    assert trajectory("rmsprop", lr=0.01) == pytest.approx([w1, w2], rel=1e-12)
    # With momentum 0.9 the buffer adds the scaled steps: b2 = 0.9 b1 + step2.
    step1 = 0.5 / (math.sqrt(0.0025) + 1e-8)
    step2 = 0.5 / (math.sqrt(0.004975) + 1e-8)
    expected = [1 - 0.01 * step1, 1 - 0.01 * step1 - 0.01 * (0.9 * step1 + step2)]
    assert trajectory("rmsprop", lr=0.01, momentum=0.9) == pytest.approx(expected, rel=1e-12)


def test_adadelta_second_step() -> None:
    eps = 1e-6
    sq1 = 0.1 * 0.25
    delta1 = math.sqrt(eps) / math.sqrt(sq1 + eps) * 0.5
    acc1 = 0.1 * delta1**2
    sq2 = 0.9 * sq1 + 0.1 * 0.25
    delta2 = math.sqrt(acc1 + eps) / math.sqrt(sq2 + eps) * 0.5
    assert trajectory("adadelta", lr=1.0) == pytest.approx([1 - delta1, 1 - delta1 - delta2],
                                                           rel=1e-12)


def test_adam_with_changing_gradients() -> None:
    # g1 = 0.5, g2 = -1.0: m2 = 0.9 * 0.05 + 0.1 * -1 = -0.055, v2 = 0.999 * 0.00025 + 0.001
    m_hat = -0.055 / (1 - 0.9**2)
    v_hat = (0.999 * 0.00025 + 0.001) / (1 - 0.999**2)
    w1 = 1 - 0.1 * 0.5 / (0.5 + 1e-8)
    w2 = w1 - 0.1 * m_hat / (math.sqrt(v_hat) + 1e-8)
    seen = trajectory("adam", grads=[0.5, -1.0], lr=0.1)
    assert seen == pytest.approx([w1, w2], rel=1e-12)


def test_nadam_first_step() -> None:
    # PyTorch's (and Dozat's) schedule: mu_t = 0.9 (1 - 0.5 * 0.96^(t * 0.004)).
    mu1 = 0.9 * (1 - 0.5 * 0.96 ** (1 * 0.004))
    mu2 = 0.9 * (1 - 0.5 * 0.96 ** (2 * 0.004))
    m1, v1 = 0.1 * 0.5, 0.001 * 0.25
    denom = math.sqrt(v1 / (1 - 0.999)) + 1e-8
    w1 = (1 - 0.002 * (1 - mu1) / (1 - mu1) * 0.5 / denom
          - 0.002 * mu2 / (1 - mu1 * mu2) * m1 / denom)
    assert trajectory("nadam", steps=1, lr=0.002) == pytest.approx([w1], rel=1e-12)


def test_weight_decay_and_clipping() -> None:
    # L2 adds l2 * w to the gradient: 0.5 + 0.1 * 1.0 = 0.6.
    assert trajectory("sgd", steps=1, lr=0.1, l2=0.1) == pytest.approx([1 - 0.1 * 0.6])
    # L1 adds l1 * sign(w): 0.5 + 0.1 = 0.6 as well for a positive weight.
    assert trajectory("sgd", steps=1, lr=0.1, l1=0.1) == pytest.approx([1 - 0.1 * 0.6])
    # Clipping the global norm 0.5 to 0.2 scales the gradient by 0.4.
    assert trajectory("sgd", steps=1, lr=1.0, clip_norm=0.2) == pytest.approx([0.8], rel=1e-6)


def test_biases_are_not_decayed() -> None:
    optimizer = make_optimizer("sgd", lr=0.1, l2=0.1)
    bias = numpy.array([1.0])
    optimizer.step([Parameter(bias, numpy.array([0.5]), decay=False)])
    assert bias[0] == pytest.approx(0.95)


@pytest.mark.parametrize(("kind", "settings", "expected"), [
    ("constant", {}, [0.1, 0.1, 0.1, 0.1, 0.1]),
    ("step", {"step_size": 2, "gamma": 0.5}, [0.1, 0.1, 0.05, 0.05, 0.025]),
    ("exponential", {"gamma": 0.9}, [0.1, 0.09, 0.081, 0.0729, 0.06561]),
    # (1 + cos(pi * epoch / 4)) / 2 of the way from min_lr to the base rate, flat after the end
    ("cosine", {"total_epochs": 4},
     [0.1, 0.1 * (1 + math.sqrt(0.5)) / 2, 0.05, 0.1 * (1 - math.sqrt(0.5)) / 2, 0.0]),
])
def test_schedules_by_hand(kind: str, settings: dict, expected: list[float]) -> None:
    schedule = Schedule(kind, **settings)
    assert [schedule.lr_at(0.1, epoch) for epoch in range(5)] == pytest.approx(expected,
                                                                               abs=1e-15)
    if kind == "cosine":
        assert schedule.lr_at(0.1, 9) == pytest.approx(0.0, abs=1e-15)
        assert Schedule("cosine", total_epochs=4, min_lr=0.01).lr_at(0.1, 2) == \
            pytest.approx(0.055)
