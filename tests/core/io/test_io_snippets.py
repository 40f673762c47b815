""""Copy as code": the NumPy snippet runs on its own and predicts like the app; the PyTorch one is wired right."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest
from io_test_helpers import ALL_FEATURES, app_forward, make_trainer, randomize_weights

from playground.core.activations import ACTIVATIONS
from playground.core.io.code_snippet import numpy_snippet, pytorch_snippet
from playground.core.io.weights import weight_file_from_trainer

POINTS = [[0.0, 0.0], [1.5, -2.0], [-4.0, 3.25], [5.5, 5.5]]


def test_numpy_snippet_runs_alone_and_predicts_like_the_app():
    trainer = make_trainer("cross_entropy_k4", (5, 4), ("gelu", "leaky_relu"), ALL_FEATURES)
    randomize_weights(trainer)
    src = numpy_snippet(weight_file_from_trainer(trainer))
    probe = f"\nimport json\nprint(json.dumps(predict({POINTS!r}).tolist()))\n"
    done = subprocess.run([sys.executable, "-c", src + probe], capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr
    got = np.array(json.loads(done.stdout.strip().splitlines()[-1]))
    np.testing.assert_allclose(got, app_forward(trainer, np.array(POINTS)), rtol=0, atol=1e-12)


@pytest.mark.parametrize("kind", ["mse_binary", "bce_k3", "regression"])
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_numpy_snippet_every_activation_and_output(kind, activation):
    trainer = make_trainer(kind, (3,), activation, ("x1", "x2", "x1_sq", "cos_x1"))
    randomize_weights(trainer, scale=1.5)
    namespace: dict = {}
    exec(compile(numpy_snippet(weight_file_from_trainer(trainer)), "<snippet>", "exec"), namespace)
    np.testing.assert_allclose(namespace["predict"](POINTS), app_forward(trainer, np.array(POINTS)),
                               rtol=0, atol=1e-12)


CONSTANT_SPELLINGS = ("0.044715", "0.7978845608", "sqrt(2.0 / math.pi)", "LeakyReLU(0.01)", "0.01 * z")


def test_activation_constants_are_written_only_in_the_activation_table():
    """The weight-file forward pass, the ONNX exporter and the code snippets take GELU's constants,
    the leaky slope and ELU's alpha from ``activations.py``: none spells them out again."""
    core = Path(__file__).resolve().parents[3] / "playground" / "core"
    found = [f"{path.relative_to(core)}: {spelling}" for path in sorted(core.rglob("*.py"))
             if path.name != "activations.py"
             for spelling in CONSTANT_SPELLINGS if spelling in path.read_text(encoding="utf-8")]
    assert found == []


def test_numpy_snippet_with_no_hidden_layer_runs_as_a_script():
    trainer = make_trainer("mse_binary", (), "tanh")
    done = subprocess.run([sys.executable, "-c", numpy_snippet(weight_file_from_trainer(trainer))],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("[") == 3  # two rows of one output


def test_pytorch_snippet_compiles_and_builds_a_sequential_of_linears():
    trainer = make_trainer("cross_entropy_k4", (6, 5), ("gelu", "swish"), ("x1", "x2", "sin_x2"))
    src = pytorch_snippet(weight_file_from_trainer(trainer))
    compile(src, "<pytorch snippet>", "exec")
    assert "nn.Sequential(" in src and src.count("nn.Linear(") == 3
    assert "nn.Linear(3, 6)" in src and "nn.Linear(5, 4)" in src
    assert 'nn.GELU(approximate="tanh")' in src and "nn.SiLU()" in src and "nn.Softmax(dim=1)" in src
    assert "def predict(points)" in src


# A tiny numpy stand-in for the parts of torch the snippet uses (torch is not installed here), with
# torch's documented semantics, so the snippet's wiring (features, weight order, activations) is run.
def _fake_torch() -> tuple[types.ModuleType, types.ModuleType]:
    torch = types.ModuleType("torch")
    nn = types.ModuleType("torch.nn")
    torch.nn = nn
    torch.float64 = np.float64
    torch.tensor = lambda data, dtype=None: np.array(data, dtype=dtype)
    torch.as_tensor = lambda data, dtype=None: np.asarray(data, dtype=dtype)
    torch.stack = lambda xs, dim=0: np.stack(xs, axis=dim)
    torch.sin, torch.cos = np.sin, np.cos
    torch.no_grad = contextlib.nullcontext

    class Module:
        def __call__(self, x):
            return self.forward(x)

    class Param:
        def __init__(self, shape):
            self.data = np.full(shape, np.nan)

        def copy_(self, value):
            assert value.shape == self.data.shape
            self.data[...] = value

    class Linear(Module):
        def __init__(self, n_in, n_out):
            self.weight, self.bias = Param((n_out, n_in)), Param((n_out,))

        def forward(self, x):
            return x @ self.weight.data.T + self.bias.data

    class Sequential(Module):
        def __init__(self, *mods):
            self.mods = mods

        def __iter__(self):
            return iter(self.mods)

        def double(self):
            return self

        def forward(self, x):
            for m in self.mods:
                x = m(x)
            return x

    def act(fn):
        return type("Act", (Module,), {"__init__": lambda self, *a, **k: setattr(self, "args", (a, k)),
                                       "forward": lambda self, x: fn(self, x)})

    sig = lambda x: 1.0 / (1.0 + np.exp(-x))
    nn.Module, nn.Linear, nn.Sequential = Module, Linear, Sequential
    nn.Identity = act(lambda s, x: x)
    nn.ReLU = act(lambda s, x: np.maximum(x, 0))
    nn.LeakyReLU = act(lambda s, x: np.where(x > 0, x, s.args[0][0] * x))
    nn.ELU = act(lambda s, x: np.where(x > 0, x, s.args[1]["alpha"] * np.expm1(np.minimum(x, 0))))
    nn.Tanh = act(lambda s, x: np.tanh(x))
    nn.Sigmoid = act(lambda s, x: sig(x))
    nn.Softplus = act(lambda s, x: np.where(x > 20, x, np.log1p(np.exp(np.minimum(x, 20)))))
    nn.SiLU = act(lambda s, x: x * sig(x))
    nn.GELU = act(lambda s, x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3))))
    nn.Softmax = act(lambda s, x: np.exp(x) / np.exp(x).sum(axis=s.args[1]["dim"], keepdims=True))
    return torch, nn


@pytest.mark.parametrize(("kind", "activations"), [
    ("cross_entropy_k4", ("gelu", "swish", "elu")),
    ("bce_binary", ("leaky_relu", "softplus", "relu")),
    ("mse_k3", ("tanh", "sigmoid", "linear")),
    ("regression", ("relu", "tanh", "gelu")),
])
def test_pytorch_snippet_predicts_like_the_app_on_a_torch_stand_in(kind, activations, monkeypatch):
    trainer = make_trainer(kind, (4, 3, 3), activations, ALL_FEATURES)
    randomize_weights(trainer)
    torch, nn = _fake_torch()
    monkeypatch.setitem(sys.modules, "torch", torch)
    monkeypatch.setitem(sys.modules, "torch.nn", nn)
    namespace: dict = {"__name__": "snippet"}
    exec(compile(pytorch_snippet(weight_file_from_trainer(trainer)), "<snippet>", "exec"), namespace)
    np.testing.assert_allclose(namespace["predict"](POINTS), app_forward(trainer, np.array(POINTS)),
                               rtol=0, atol=1e-9)
