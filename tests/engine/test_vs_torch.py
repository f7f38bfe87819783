"""Our engine against PyTorch: layers, losses, optimizers, schedules and every preset.

Layers, losses and whole networks run in float32 on random inputs with a random upstream
gradient and must agree with torch autograd to rtol = atol = 1e-5 everywhere. The tightest
spot is a convolution's weight gradient, a sum over N*OH*OW (~150-300) products with entries
up to ~40: each side alone is ~1e-5 from the float64 value on the largest entries (covered by
rtol) and the observed worst absolute gap is ~5e-6, so 1e-5 holds with no loosening (checked
over 60 seeds). Optimizer trajectories run in float64 on a tiny Dense + MSE model and agree
to rtol 1e-10: the update rules are the same equations, so only rounding may differ.

torch is optional: without it this module is skipped.
"""

from __future__ import annotations

import zlib

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import torch.nn.functional as F  # noqa: E402, N812 - torch's own idiom
from torch import nn  # noqa: E402

from nnstudio.engine import layers as L  # noqa: E402
from nnstudio.engine.backend import CPU  # noqa: E402
from nnstudio.engine.losses import LOSSES, make_loss  # noqa: E402
from nnstudio.engine.network import Network, Node  # noqa: E402
from nnstudio.engine.optimizers import Schedule, make_optimizer  # noqa: E402
from nnstudio.running.build import build_network  # noqa: E402
from nnstudio.spec.network import EdgeSpec, NetworkSpec, NodeSpec  # noqa: E402
from nnstudio.spec.presets import load_preset, preset_names  # noqa: E402

from . import torch_twins as tt  # noqa: E402

F32 = np.float32
TOL = {"rtol": 1e-5, "atol": 1e-5}  # float32, everywhere below unless said otherwise
TOL64 = {"rtol": 1e-10, "atol": 1e-12}  # float64 optimizer trajectories

# torch warns that an even kernel with padding='same' costs it a padded copy: known, wanted.
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")


@pytest.fixture
def rng(request: pytest.FixtureRequest) -> np.random.Generator:
    """A generator seeded by the test's own name: every case is reproducible on its own."""
    return np.random.default_rng(zlib.crc32(request.node.name.encode()))


def close(ours, theirs, what: str = "", **tol) -> None:
    ours, theirs = (v.detach().numpy() if isinstance(v, torch.Tensor) else np.asarray(v)
                    for v in (ours, theirs))
    assert ours.shape == theirs.shape, f"{what}: shape {ours.shape} != torch's {theirs.shape}"
    np.testing.assert_allclose(ours, theirs, err_msg=what, **(tol or TOL))


def randomize(layer: L.Layer, rng: np.random.Generator) -> L.Layer:
    """Float32 on the CPU with random parameters (biases and gammas away from their start)."""
    layer.to(CPU, F32)
    for key, value in layer.params.items():
        value[...] = rng.standard_normal(value.shape) * 0.5 + (1.0 if key == "gamma" else 0.0)
    return layer


def compare_layer(layer: L.Layer, module, inputs: list[np.ndarray], rng: np.random.Generator,
                  **tol) -> None:
    """Forward output, input gradients and parameter gradients for a random upstream dy."""
    y = layer.forward(*inputs)
    dy = rng.standard_normal(y.shape).astype(F32)
    dxs = layer.backward(dy)
    dxs = dxs if isinstance(dxs, tuple) else (dxs,)

    ts = [tt.tensor(x, grad=True) for x in inputs]
    yt = module(*ts)
    yt.backward(tt.tensor(dy))

    assert y.dtype == F32
    close(y, yt, "output", **tol)
    for i, (dx, t) in enumerate(zip(dxs, ts, strict=True)):
        close(dx, t.grad, f"input gradient {i}", **tol)
    theirs = tt.arrays_of(module, "grad")
    assert set(layer.grads) == set(theirs)
    for key, grad in layer.grads.items():
        close(grad, theirs[key], f"gradient of {key}", **tol)


# == layers =================================================================================
@pytest.mark.parametrize(("n_in", "n_out", "use_bias"), [(7, 5, True), (1, 3, True),
                                                         (12, 1, True), (6, 4, False)])
def test_dense(n_in: int, n_out: int, use_bias: bool, rng: np.random.Generator) -> None:
    layer = randomize(L.Dense(n_in, n_out, use_bias), rng)
    module = tt.module_for_layer(layer)
    close(layer.params["W"], module.weight.detach().T, "W copied transposed")
    compare_layer(layer, module, [rng.standard_normal((9, n_in)).astype(F32)], rng)


CONV_CASES = [
    # (in, out, kernel, stride, padding, (H, W), bias)
    (3, 4, 3, 1, "valid", (8, 8), True),
    (3, 4, 3, 2, "valid", (9, 8), True),
    (4, 6, 1, 1, "valid", (5, 5), True),
    (2, 5, 3, 1, 1, (7, 7), True),
    (2, 3, 5, 2, 2, (9, 8), True),
    (1, 3, 5, 1, 2, (12, 12), False),  # LeNet's first layer, without bias
    (3, 2, 3, 3, 0, (10, 11), True),
    (3, 4, 3, 1, "same", (7, 7), True),  # odd kernel: symmetric padding
    (2, 3, 5, 1, "same", (6, 9), True),
    (2, 3, 4, 1, "same", (6, 6), True),  # even kernels: the extra pixel goes bottom/right
    (2, 3, 2, 1, "same", (5, 7), True),
    (1, 2, 6, 1, "same", (8, 5), False),
    (2, 3, (2, 3), 1, "same", (5, 6), True),  # rectangular kernel
    (2, 3, 3, 2, "same", (6, 6), True),  # stride 2: torch has no 'same', F.pad + valid conv
    (2, 3, 4, 2, "same", (7, 7), True),
    (2, 2, 3, 3, "same", (10, 8), True),
]


@pytest.mark.parametrize(("c", "f", "k", "s", "pad", "hw", "bias"), CONV_CASES,
                         ids=[f"{c[0]}-{c[1]}-k{c[2]}-s{c[3]}-{c[4]}-{c[5][0]}x{c[5][1]}"
                              for c in CONV_CASES])
def test_conv2d(c, f, k, s, pad, hw, bias, rng: np.random.Generator) -> None:
    layer = randomize(L.Conv2D(c, f, k, s, pad, bias), rng)
    module = tt.module_for_layer(layer)
    compare_layer(layer, module, [rng.standard_normal((3, c, *hw)).astype(F32)], rng)


@pytest.mark.parametrize("k", [2, 4, 6, (2, 4)])
def test_torch_same_padding_puts_the_extra_pixel_bottom_right(k, rng: np.random.Generator
                                                               ) -> None:
    """torch's own padding='same' (stride 1) pads even kernels like TensorFlow: the
    F.pad(left, right+1, top, bottom+1) twin and torch's 'same' agree, and so do we."""
    layer = randomize(L.Conv2D(2, 3, k, 1, "same"), rng)
    torch_same = tt.module_for_layer(layer)
    assert torch_same.padding == "same"
    explicit = tt.SameConv2d(nn.Conv2d(2, 3, k, padding=0))
    tt.load_arrays(explicit, layer.params)
    x = rng.standard_normal((2, 2, 7, 6)).astype(F32)
    close(torch_same(tt.tensor(x)), explicit(tt.tensor(x)), "torch same vs F.pad")
    close(layer.forward(x), explicit(tt.tensor(x)), "ours vs F.pad")


POOL_CASES = [
    # (kernel, stride, (H, W))
    (2, None, (6, 6)),
    (2, 2, (7, 5)),  # remainder rows and columns are dropped (floor mode)
    (3, 3, (9, 7)),
    (3, 2, (7, 7)),  # overlapping windows
    (3, 2, (8, 9)),
    (2, 1, (5, 6)),
    (4, 3, (10, 11)),
]


@pytest.mark.parametrize(("k", "s", "hw"), POOL_CASES,
                         ids=[f"k{k}-s{s}-{hw[0]}x{hw[1]}" for k, s, hw in POOL_CASES])
@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pooling(kind: str, k: int, s: int | None, hw, rng: np.random.Generator) -> None:
    ours = (L.MaxPool2D if kind == "max" else L.AvgPool2D)(k, s)
    ours.to(CPU, F32)
    module = (nn.MaxPool2d if kind == "max" else nn.AvgPool2d)(k, s or k)
    compare_layer(ours, module, [rng.standard_normal((2, 3, *hw)).astype(F32)], rng)


@pytest.mark.parametrize(("k", "s"), [(2, 2), (3, 2), (2, 1)])
def test_maxpool_ties_go_to_the_first_maximum_like_torch(k: int, s: int,
                                                         rng: np.random.Generator) -> None:
    """Small integers make ties in most windows; both sides pass the gradient to the first."""
    ours = L.MaxPool2D(k, s).to(CPU, F32)
    x = rng.integers(0, 3, (2, 2, 7, 7)).astype(F32)
    compare_layer(ours, nn.MaxPool2d(k, s), [x], rng)


BN_CASES = {"1d": (10, 4), "2d": (4, 3, 5, 6)}


@pytest.mark.parametrize("case", sorted(BN_CASES))
def test_batchnorm_training_step(case: str, rng: np.random.Generator) -> None:
    shape = BN_CASES[case]
    layer = randomize(L.BatchNorm(shape[1]), rng)
    module = tt.batchnorm_module(layer, len(shape))
    module.train()
    for step in range(3):  # running statistics accumulate over several batches
        layer.training = True
        x = (rng.standard_normal(shape) * 2 + 3).astype(F32)
        for t in module.parameters():
            t.grad = None
        compare_layer(layer, module, [x], rng)
        state = tt.arrays_of(module)
        close(layer.state["running_mean"], state["running_mean"], f"running mean, step {step}")
        close(layer.state["running_var"], state["running_var"],
              f"running var (unbiased), step {step}")


@pytest.mark.parametrize("case", sorted(BN_CASES))
def test_batchnorm_eval(case: str, rng: np.random.Generator) -> None:
    shape = BN_CASES[case]
    layer = randomize(L.BatchNorm(shape[1], momentum=0.3, eps=1e-3), rng)
    layer.state["running_mean"][...] = rng.standard_normal(shape[1])
    layer.state["running_var"][...] = rng.uniform(0.5, 2.0, shape[1])
    layer.training = False
    module = tt.batchnorm_module(layer, len(shape))
    module.eval()
    x = (rng.standard_normal(shape) * 2 + 1).astype(F32)
    compare_layer(layer, module, [x], rng)
    state = tt.arrays_of(module)
    close(layer.state["running_mean"], state["running_mean"], "eval keeps the running mean")
    close(layer.state["running_var"], state["running_var"], "eval keeps the running var")


def test_flatten_and_reshape(rng: np.random.Generator) -> None:
    x = rng.standard_normal((3, 2, 4, 5)).astype(F32)
    compare_layer(L.Flatten().to(CPU, F32), nn.Flatten(), [x], rng)
    compare_layer(L.Reshape((5, 8)).to(CPU, F32), tt.Reshape((5, 8)), [x], rng)


@pytest.mark.parametrize("shapes", [[(4, 6)] * 2, [(4, 6)] * 3, [(2, 3, 4, 4)] * 2],
                         ids=["dense-2", "dense-3", "conv-2"])
def test_add(shapes, rng: np.random.Generator) -> None:
    inputs = [rng.standard_normal(s).astype(F32) for s in shapes]
    compare_layer(L.Add().to(CPU, F32), tt.Add(), inputs, rng)


@pytest.mark.parametrize("shapes", [[(4, 3), (4, 5)], [(4, 2), (4, 1), (4, 3)],
                                    [(2, 3, 4, 4), (2, 1, 4, 4)]],
                         ids=["dense-2", "dense-3", "channels"])
def test_concat(shapes, rng: np.random.Generator) -> None:
    inputs = [rng.standard_normal(s).astype(F32) for s in shapes]
    compare_layer(L.Concat().to(CPU, F32), tt.Concat(), inputs, rng)


ACTIVATIONS = {
    "sigmoid": (L.Sigmoid, nn.Sigmoid),
    "tanh": (L.Tanh, nn.Tanh),
    "relu": (L.ReLU, nn.ReLU),
    "leaky-relu-0.01": (L.LeakyReLU, nn.LeakyReLU),
    "leaky-relu-0.2": (lambda: L.LeakyReLU(0.2), lambda: nn.LeakyReLU(0.2)),
    "elu-1": (L.ELU, nn.ELU),
    "elu-0.7": (lambda: L.ELU(0.7), lambda: nn.ELU(0.7)),
    "selu": (L.SELU, lambda: torch.selu),
    "softmax": (L.Softmax, lambda: nn.Softmax(dim=1)),
    "identity": (L.Identity, nn.Identity),
}


def activation_input(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Mostly N(0, 3^2), with exact zeros (where derivative conventions show) and big values."""
    x = (rng.standard_normal(shape) * 3).astype(F32)
    flat = x.reshape(-1)
    flat[::7] = 0.0
    flat[1::11] = 25.0
    flat[2::13] = -25.0
    return x


@pytest.mark.parametrize("shape", [(6, 7), (2, 3, 4, 5)], ids=["flat", "image"])
@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation(name: str, shape, rng: np.random.Generator) -> None:
    ours, theirs = ACTIVATIONS[name]
    compare_layer(ours().to(CPU, F32), theirs(), [activation_input(rng, shape)], rng)


def test_heaviside_forward_is_torch_step(rng: np.random.Generator) -> None:
    x = activation_input(rng, (6, 7))
    x[0, :2] = [-0.0, 1e-30]
    layer = L.Heaviside().to(CPU, F32)
    y = layer.forward(x)
    np.testing.assert_array_equal(y, (torch.from_numpy(x) >= 0).float().numpy())
    assert y.dtype == F32
    np.testing.assert_array_equal(layer.backward(np.ones_like(x)), 0)


def test_dropout_scales_like_torch(rng: np.random.Generator) -> None:
    """Different random streams, same rule: survivors scaled by 1/(1-p); eval is identity."""
    rate = 0.3
    x = np.ones((50, 40), dtype=F32)
    layer = L.Dropout(rate, seed=3).to(CPU, F32)
    module = nn.Dropout(rate)
    torch.manual_seed(0)
    y, yt = layer.forward(x), module(tt.tensor(x)).numpy()
    np.testing.assert_allclose(np.unique(y), np.unique(yt), rtol=1e-6)
    assert abs((y == 0).mean() - rate) < 0.05
    dy = rng.standard_normal(x.shape).astype(F32)
    np.testing.assert_array_equal(layer.backward(dy), dy * y)  # x is ones: y is the mask
    layer.training = False
    module.eval()
    x = rng.standard_normal((4, 5)).astype(F32)
    np.testing.assert_array_equal(layer.forward(x), module(tt.tensor(x)).numpy())


# == losses =================================================================================
def onehot(labels: np.ndarray, classes: int) -> np.ndarray:
    return np.eye(classes, dtype=F32)[labels]


def torch_loss(name: str, output: torch.Tensor, target: np.ndarray) -> torch.Tensor:
    """Each loss as PyTorch writes it; ``target`` is class indices (1-D) or an array."""
    n, c = output.shape
    labels = torch.from_numpy(target.astype(np.int64)) if target.ndim == 1 and c > 1 else None
    dense = (F.one_hot(labels, c).to(output.dtype) if labels is not None
             else torch.from_numpy(target.reshape(n, c).astype(F32)))
    if name == "mse":
        return 0.5 * ((output - dense) ** 2).sum(1).mean()
    if name == "cross_entropy":
        return F.cross_entropy(output, labels if labels is not None else dense)
    if name == "nll":
        if labels is not None:
            return F.nll_loss(torch.log(output), labels)
        return -(dense * torch.log(output)).sum(1).mean()  # soft targets: the same sum
    if name == "binary_cross_entropy":
        return F.binary_cross_entropy(output, dense)
    if name == "kl_divergence":
        return F.kl_div(torch.log(output), dense, reduction="batchmean")
    if name == "hinge":
        return F.multi_margin_loss(output, labels if labels is not None else dense.argmax(1))
    raise KeyError(name)


def loss_case(name: str, targets: str, rng: np.random.Generator):
    n, c = 8, 5
    labels = rng.integers(0, c, n)
    if name == "binary_cross_entropy":
        output = rng.uniform(0.02, 0.98, (n, c)).astype(F32)
        if targets == "soft":
            return output, rng.uniform(0, 1, (n, c)).astype(F32)
        if targets == "labels":  # one sigmoid output per sample, 0/1 labels of shape (N,)
            return output[:, :1].copy(), rng.integers(0, 2, n)
        return output, rng.integers(0, 2, (n, c)).astype(F32)
    if name in ("nll", "kl_divergence"):
        output = rng.dirichlet(np.full(c, 2.0), n).astype(F32)  # probabilities
    else:
        output = (rng.standard_normal((n, c)) * 2).astype(F32)  # scores
    if targets == "labels":
        return output, labels
    if targets == "onehot":
        return output, onehot(labels, c)
    if name == "mse":
        return output, rng.standard_normal((n, c)).astype(F32)
    return output, rng.dirichlet(np.ones(c), n).astype(F32)


LOSS_CASES = [(name, targets) for name in sorted(LOSSES)
              for targets in ("labels", "onehot", "soft")
              if not (name == "hinge" and targets == "soft")]  # a margin needs one true class


@pytest.mark.parametrize(("name", "targets"), LOSS_CASES,
                         ids=[f"{n}-{t}" for n, t in LOSS_CASES])
def test_loss_value_and_gradient(name: str, targets: str, rng: np.random.Generator) -> None:
    output, target = loss_case(name, targets, rng)
    loss = make_loss(name)
    value = loss.forward(output, target)
    grad = loss.backward()
    o = tt.tensor(output, grad=True)
    expected = torch_loss(name, o, target)
    expected.backward()
    close(value, expected, "loss value")
    close(grad, o.grad, "gradient")
    assert grad.dtype == F32


def test_mse_single_output_with_label_vector(rng: np.random.Generator) -> None:
    output = rng.standard_normal((6, 1)).astype(F32)
    target = rng.integers(0, 2, 6)
    loss = make_loss("mse")
    o = tt.tensor(output, grad=True)
    expected = 0.5 * ((o - torch.from_numpy(target[:, None].astype(F32))) ** 2).sum(1).mean()
    expected.backward()
    close(loss.forward(output, target), expected, "value")
    close(loss.backward(), o.grad, "gradient")


def test_cross_entropy_on_huge_scores(rng: np.random.Generator) -> None:
    output = (rng.standard_normal((4, 6)) * 300).astype(F32)
    target = rng.integers(0, 6, 4)
    loss = make_loss("cross_entropy")
    o = tt.tensor(output, grad=True)
    expected = F.cross_entropy(o, torch.from_numpy(target))
    expected.backward()
    close(loss.forward(output, target), expected, "value")
    close(loss.backward(), o.grad, "gradient")


@pytest.mark.parametrize("dtype", [np.float64, F32])
def test_binary_cross_entropy_of_saturated_probabilities(dtype) -> None:
    """A sigmoid that saturates gives p = 0 or 1 exactly; torch clamps log at -100."""
    p = np.array([[0.0, 1.0, 0.3], [1.0, 0.0, 0.9]], dtype=dtype)
    t = np.array([[1.0, 0.0, 1.0], [1.0, 0.0, 0.0]], dtype=dtype)
    expected = F.binary_cross_entropy(torch.from_numpy(p), torch.from_numpy(t))
    close(make_loss("binary_cross_entropy").forward(p, t), expected, "value")


@pytest.mark.parametrize("dtype", [np.float64, F32])
def test_binary_cross_entropy_gradient_near_saturation(dtype) -> None:
    p = np.array([[1e-9, 1 - 1e-9, 0.3]], dtype=dtype)
    t = np.array([[1.0, 0.0, 1.0]], dtype=dtype)
    loss = make_loss("binary_cross_entropy")
    loss.forward(p, t)
    pt = tt.tensor(p, grad=True)
    F.binary_cross_entropy(pt, torch.from_numpy(t)).backward()
    close(loss.backward(), pt.grad, "gradient")


# == optimizers =============================================================================
STEPS = 10


def tiny_problem(rng: np.random.Generator):
    """A float64 Dense(5 -> 3) network of ours and a torch Linear with the same start."""
    x = rng.standard_normal((16, 5))
    t = rng.standard_normal((16, 3))
    dense = L.Dense(5, 3)
    net = Network([Node("input", None), Node("dense", dense, ["input"])], dtype=np.float64)
    net.set_weights({"dense": {"W": rng.standard_normal((5, 3)), "b": rng.standard_normal(3)}})
    linear = nn.Linear(5, 3).double()
    tt.load_arrays(linear, net.get_weights()["dense"])
    return x, t, net, linear


OPTIMIZER_CASES = {
    # name: (our make_optimizer arguments, torch class, torch arguments)
    "sgd": (("sgd", {"lr": 0.1}), torch.optim.SGD, {"lr": 0.1}),
    "momentum": (("momentum", {"lr": 0.05}), torch.optim.SGD, {"lr": 0.05, "momentum": 0.9}),
    "nesterov": (("nesterov", {"lr": 0.05}), torch.optim.SGD,
                 {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    "sgd-momentum-0.5": (("sgd", {"lr": 0.1, "momentum": 0.5}), torch.optim.SGD,
                         {"lr": 0.1, "momentum": 0.5}),
    "adagrad": (("adagrad", {"lr": 0.1}), torch.optim.Adagrad, {"lr": 0.1}),
    "adadelta": (("adadelta", {"lr": 1.0}), torch.optim.Adadelta, {"lr": 1.0}),
    "adadelta-rho": (("adadelta", {"lr": 0.5, "rho": 0.8, "eps": 1e-5}), torch.optim.Adadelta,
                     {"lr": 0.5, "rho": 0.8, "eps": 1e-5}),
    "rmsprop": (("rmsprop", {"lr": 0.01}), torch.optim.RMSprop, {"lr": 0.01}),
    "rmsprop-momentum": (("rmsprop", {"lr": 0.01, "momentum": 0.9, "alpha": 0.9}),
                         torch.optim.RMSprop, {"lr": 0.01, "momentum": 0.9, "alpha": 0.9}),
    "adam": (("adam", {"lr": 0.01}), torch.optim.Adam, {"lr": 0.01}),
    "adam-betas": (("adam", {"lr": 0.05, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6}),
                   torch.optim.Adam, {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-6}),
    "nadam": (("nadam", {"lr": 0.01}), torch.optim.NAdam, {"lr": 0.01}),
}


def run_trajectories(name: str, rng: np.random.Generator, l1: float = 0.0, l2: float = 0.0,
                     clip: float | None = None, l2_in_torch_loss: bool = False) -> list:
    """STEPS steps on both sides: [(ours {W, b}, torch's {W, b}) after each step].

    torch's weight decay goes on the weight's param group only (ours skips biases);
    ``l2_in_torch_loss`` instead adds l2/2 ||W||^2 to torch's loss, the form in which our
    optimizer's L2 is clipped together with the gradient (see test_l2_with_clipping).
    torch keeps its step count and NAdam's mu_product as float32 scalars unless the default
    dtype is float64 (optimizer._get_scalar_dtype), which alone moves NAdam by ~1e-8: the
    torch side therefore runs with float64 as the default dtype.
    """
    (our_name, our_args), torch_cls, torch_args = OPTIMIZER_CASES[name]
    x, t, net, linear = tiny_problem(rng)
    ours = make_optimizer(our_name, **our_args, l1=l1, l2=l2, clip_norm=clip)
    decay = 0.0 if l2_in_torch_loss else l2
    loss = make_loss("mse")
    xt, tt_ = torch.from_numpy(x), torch.from_numpy(t)
    trajectory = []
    default_dtype = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        theirs = torch_cls([{"params": [linear.weight], "weight_decay": decay},
                            {"params": [linear.bias], "weight_decay": 0.0}], **torch_args)
        for _ in range(STEPS):
            net.loss_and_backward(x, t, loss)
            ours.step(net.parameters())

            theirs.zero_grad()
            value = 0.5 * ((linear(xt) - tt_) ** 2).sum(1).mean()
            if l1:
                value = value + l1 * linear.weight.abs().sum()
            if l2_in_torch_loss:
                value = value + 0.5 * l2 * (linear.weight**2).sum()
            value.backward()
            if clip:
                norm = float(torch.nn.utils.clip_grad_norm_(linear.parameters(), clip))
                assert ours.last_grad_norm == pytest.approx(norm, rel=1e-9)
                assert norm > clip, "the test wants clipping active at every step"
            theirs.step()
            trajectory.append((net.get_weights()["dense"], tt.arrays_of(linear)))
    finally:
        torch.set_default_dtype(default_dtype)
    return trajectory


def assert_same_trajectory(name: str, rng: np.random.Generator, **kwargs) -> None:
    trajectory = run_trajectories(name, rng, **kwargs)
    assert len(trajectory) == STEPS
    for step, (ours, theirs) in enumerate(trajectory):
        for key in ("W", "b"):
            close(ours[key], theirs[key], f"{name} {key} after step {step + 1}", **TOL64)
    # The comparison means something only if the weights kept moving after the first step.
    assert np.abs(trajectory[-1][0]["W"] - trajectory[0][0]["W"]).max() > 1e-3


@pytest.mark.parametrize("name", sorted(OPTIMIZER_CASES))
def test_optimizer_trajectory(name: str, rng: np.random.Generator) -> None:
    assert_same_trajectory(name, rng)


@pytest.mark.parametrize("name", sorted(OPTIMIZER_CASES))
def test_optimizer_trajectory_with_l2_on_weights_only(name: str, rng: np.random.Generator
                                                      ) -> None:
    assert_same_trajectory(name, rng, l2=0.1)


@pytest.mark.parametrize("name", ["sgd", "momentum", "adam", "rmsprop"])
def test_optimizer_trajectory_with_clipping(name: str, rng: np.random.Generator) -> None:
    """clip_norm = torch.nn.utils.clip_grad_norm_ over all parameters together; the max norm
    is below the gradients' norm at every step, so clipping is active throughout."""
    assert_same_trajectory(name, rng, clip=0.05)


@pytest.mark.parametrize("name", ["sgd", "adam"])
def test_l1_is_the_gradient_of_an_l1_penalty(name: str, rng: np.random.Generator) -> None:
    """torch has no L1 option: add l1 * sum|W| to its loss instead (sign(0) = 0 on both)."""
    assert_same_trajectory(name, rng, l1=0.05)


@pytest.mark.parametrize("name", ["sgd", "adam"])
def test_l2_with_clipping(name: str, rng: np.random.Generator) -> None:
    """Our L2 is added to the gradient before clipping: the gradient of loss + l2/2 ||W||^2
    is clipped, as with a penalty in the loss (Keras' kernel_regularizer). torch's
    weight_decay instead comes after clip_grad_norm_, so the twin puts L2 in its loss."""
    assert_same_trajectory(name, rng, l2=0.5, clip=0.05, l2_in_torch_loss=True)


SCHEDULE_CASES = {
    "step": (Schedule("step", step_size=3, gamma=0.5),
             lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5)),
    "exponential": (Schedule("exponential", gamma=0.8),
                    lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.8)),
    "cosine": (Schedule("cosine", total_epochs=10, min_lr=0.001),
               lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=0.001)),
    "constant": (Schedule("constant"),
                 lambda o: torch.optim.lr_scheduler.ConstantLR(o, factor=1.0)),
}


@pytest.mark.parametrize("name", sorted(SCHEDULE_CASES))
def test_schedule_matches_torch_lr_scheduler(name: str) -> None:
    ours, make = SCHEDULE_CASES[name]
    opt = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=0.1)
    scheduler = make(opt)
    for epoch in range(11):
        assert ours.lr_at(0.1, epoch) == pytest.approx(scheduler.get_last_lr()[0], rel=1e-9), epoch
        opt.step()
        scheduler.step()


# == presets and whole networks =============================================================
def preset_input(shape: tuple[int, ...], rng: np.random.Generator, n: int = 6) -> np.ndarray:
    if shape == (2,):  # the gates: their truth table and some points around it
        table = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=F32)
        return np.concatenate([table, rng.uniform(-0.2, 1.2, (n, 2)).astype(F32)])
    return rng.uniform(0, 1, (n, *shape)).astype(F32)


def preset_target(name: str, output: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    n, c = output.shape
    if c == 1 or name == "backprop-example":  # regression-like targets for the small nets
        return rng.uniform(0, 1, (n, c)).astype(F32) if c > 1 else rng.integers(0, 2, n)
    return rng.integers(0, c, n)


def twin_of(network, spec: NetworkSpec) -> tt.TorchTwin:
    twin = tt.TorchTwin(spec)
    twin.load_weights(network.get_weights())
    return twin


@pytest.mark.parametrize("name", preset_names())
def test_preset_parameter_count_equals_torch(name: str) -> None:
    preset = load_preset(name)
    analysis = preset.network.analyze()
    twin = tt.TorchTwin(preset.network)
    network = build_network(preset.network, preset.training)
    torch_total = sum(p.numel() for p in twin.parameters())
    assert network.parameter_count() == analysis.total_params == torch_total
    for node_id, module in twin.nodes.items():
        assert analysis.param_counts[node_id] == sum(p.numel() for p in module.parameters()), \
            node_id


@pytest.mark.parametrize("name", preset_names())
def test_preset_output_and_gradients_equal_torch(name: str, rng: np.random.Generator) -> None:
    """Eval outputs within 1e-5, then one training pass with the preset's own loss: loss
    value and every parameter gradient (cross-entropy after Softmax is the fused form)."""
    preset = load_preset(name)
    network = build_network(preset.network, preset.training, dtype=F32)
    twin = twin_of(network, preset.network)
    twin.eval()
    x = preset_input(preset.network.analyze().shapes[network.input_name], rng)
    close(network.predict(x), twin(tt.tensor(x)), "output")

    target = preset_target(name, network.predict(x), rng)
    loss = make_loss(preset.training.loss)
    value, _ = network.loss_and_backward(x, target, loss)
    kept: dict = {}
    out = twin(tt.tensor(x), keep=kept)
    last = network.by_name[network.output_name]
    if loss.takes_logits and isinstance(last.layer, L.Softmax):
        out = kept[last.inputs[0]]
    expected = torch_loss(preset.training.loss, out, target)
    expected.backward()
    close(value, expected, "loss")
    theirs = twin.weights("grad")
    for node in network.layer_nodes:
        for key, grad in node.layer.grads.items():
            close(grad, theirs[node.name][key], f"{node.name}.{key} gradient")


def every_type_spec(dropout: float) -> NetworkSpec:
    """A small graph with every layer type but Heaviside (which stops gradients; the gate
    presets cover it): 'same' convolutions with even kernels and stride 2, BatchNorm on
    images and vectors, Concat of channels, overlapping pools, a residual Add."""
    nodes = [
        ("input", "Input", {"shape": [2, 10, 9]}),
        ("conv_a", "Conv2D", {"filters": 4, "kernel_size": 3, "stride": 2, "padding": "same"}),
        ("bn_a", "BatchNorm", {"momentum": 0.2}),
        ("elu", "ELU", {"alpha": 0.8}),
        ("conv_b", "Conv2D", {"filters": 3, "kernel_size": 2, "padding": "same"}),
        ("conv_c", "Conv2D", {"filters": 2, "kernel_size": 3, "padding": 1, "use_bias": False}),
        ("cat", "Concat", {}),
        ("lrelu", "LeakyReLU", {"alpha": 0.1}),
        ("avg", "AvgPool2D", {"pool_size": 2, "stride": 1}),
        ("max", "MaxPool2D", {"pool_size": 3, "stride": 2}),
        ("flat", "Flatten", {}),
        ("dense1", "Dense", {"units": 12}),
        ("bn_d", "BatchNorm", {"eps": 1e-3}),
        ("selu", "SELU", {}),
        ("dense2", "Dense", {"units": 12}),
        ("tanh", "Tanh", {}),
        ("add", "Add", {}),
        ("ident", "Identity", {}),
        ("drop", "Dropout", {"rate": dropout}),
        ("reshape", "Reshape", {"shape": [3, 2, 2]}),
        ("flat2", "Flatten", {}),
        ("dense3", "Dense", {"units": 6}),
        ("relu", "ReLU", {}),
        ("dense4", "Dense", {"units": 4, "use_bias": False}),
        ("sigmoid", "Sigmoid", {}),
        ("dense5", "Dense", {"units": 3}),
        ("softmax", "Softmax", {}),
    ]
    edges = [("input", "conv_a"), ("conv_a", "bn_a"), ("bn_a", "elu"), ("elu", "conv_b"),
             ("elu", "conv_c"), ("conv_b", "cat"), ("conv_c", "cat"), ("cat", "lrelu"),
             ("lrelu", "avg"), ("avg", "max"), ("max", "flat"), ("flat", "dense1"),
             ("dense1", "bn_d"), ("bn_d", "selu"), ("selu", "dense2"), ("dense2", "tanh"),
             ("selu", "add"), ("tanh", "add"), ("add", "ident"), ("ident", "drop"),
             ("drop", "reshape"), ("reshape", "flat2"), ("flat2", "dense3"),
             ("dense3", "relu"), ("relu", "dense4"), ("dense4", "sigmoid"),
             ("sigmoid", "dense5"), ("dense5", "softmax")]
    ports: dict[str, int] = {}
    edge_specs = []
    for source, target in edges:
        edge_specs.append(EdgeSpec(source, target, ports.get(target, 0)))
        ports[target] = ports.get(target, 0) + 1
    return NetworkSpec([NodeSpec(i, t, p) for i, t, p in nodes], edge_specs, "every-type")


def test_every_layer_type_network_in_eval_mode(rng: np.random.Generator) -> None:
    spec = every_type_spec(dropout=0.4)
    network = build_network(spec, dtype=F32, seed=1)
    for node in network.layer_nodes:  # BatchNorm's running stats away from (0, 1)
        if isinstance(node.layer, L.BatchNorm):
            node.layer.state["running_mean"][...] = rng.standard_normal(
                node.layer.state["running_mean"].shape)
            node.layer.state["running_var"][...] = rng.uniform(
                0.5, 2, node.layer.state["running_var"].shape)
    twin = twin_of(network, spec)
    assert network.parameter_count() == sum(p.numel() for p in twin.parameters())
    twin.eval()
    x = rng.standard_normal((5, 2, 10, 9)).astype(F32)
    close(network.predict(x), twin(tt.tensor(x)), "eval output")


def test_every_layer_type_network_training_pass(rng: np.random.Generator) -> None:
    """Train mode (dropout 0 so both sides drop nothing): every node's output, every
    gradient, the input gradient and BatchNorm's running statistics after the pass."""
    spec = every_type_spec(dropout=0.0)
    network = build_network(spec, dtype=F32, seed=2)
    network.capture = True
    network.want_input_grad(True)
    twin = twin_of(network, spec)
    twin.train()
    x = rng.standard_normal((6, 2, 10, 9)).astype(F32)
    y = network.forward(x, training=True)
    kept: dict = {}
    xt = tt.tensor(x, grad=True)
    yt = twin(xt, keep=kept)
    for name, value in network.activations.items():
        close(value, kept[name], f"output of {name}")
    dy = rng.standard_normal(y.shape).astype(F32)
    network.backward(dy)
    yt.backward(tt.tensor(dy))
    close(network.input_grad, xt.grad, "input gradient")
    theirs = twin.weights("grad")
    for node in network.layer_nodes:
        for key, grad in node.layer.grads.items():
            close(grad, theirs[node.name][key], f"{node.name}.{key} gradient")
    state = twin.weights("data")
    for node in network.layer_nodes:
        for key, value in node.layer.state.items():
            close(value, state[node.name][key], f"{node.name}.{key}")
