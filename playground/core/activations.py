"""Activation functions as a name -> (f, f') table.

Each entry writes into caller-owned buffers (``out=``) so that the training
loop allocates nothing. ``grad_into(d_a, z, a, out, tmp)`` computes
``out = d_a * f'(z)`` — the step of backpropagation through the activation —
given both the pre-activation ``z`` and the output ``a = f(z)``, because for
tanh, sigmoid and relu the derivative is cheapest from ``a``.

All arrays have the same shape (batch, neurons). ``out`` may alias ``d_a``;
``tmp`` is scratch space and may not alias anything else.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

Array = np.ndarray
LEAKY_SLOPE = 0.01
ELU_ALPHA = 1.0
#: GELU's tanh approximation ½z(1 + tanh(c·(z + k·z³))): c = √(2/π), k = 0.044715.
GELU_C = math.sqrt(2.0 / math.pi)
GELU_K = 0.044715


@dataclass(frozen=True)
class Activation:
    """One activation: ``forward(z, out)`` and ``grad_into(d_a, z, a, out, tmp)``.

    ``forward_calls``/``grad_calls`` give the same computation as bound calls
    for the training loop; where the step is a few plain ufuncs they are bound
    directly, so no Python frame runs per call.
    """

    name: str
    label: str
    tooltip: str
    forward: Callable[[Array, Array], Array]
    grad_into: Callable[[Array, Array, Array, Array, Array], Array]

    def forward_calls(self, z: Array, out: Array) -> list[Callable[[], object]]:
        """``out = f(z)`` as bound calls."""
        builder = _FORWARD_CALLS.get(self.name)
        return builder(z, out) if builder else [partial(self.forward, z, out)]

    def grad_calls(self, d_a: Array, z: Array, a: Array, out: Array, tmp: Array) -> list[Callable[[], object]]:
        """``out = d_a * f'(z)`` as bound calls (``out`` must not alias ``d_a`` here)."""
        builder = _GRAD_CALLS.get(self.name)
        return builder(d_a, z, a, out, tmp) if builder else [partial(self.grad_into, d_a, z, a, out, tmp)]

    def __call__(self, z: Array) -> Array:
        """Allocating convenience form of ``forward``."""
        return self.forward(z, np.empty_like(z))

    def derivative(self, z: Array) -> Array:
        """f'(z), allocating; used by tests and plots, not by training."""
        a = self(z)
        return self.grad_into(np.ones_like(z), z, a, np.empty_like(z), np.empty_like(z))


# ---- linear


def _linear_f(z: Array, out: Array) -> Array:
    np.copyto(out, z)
    return out


def _linear_g(d_a: Array, z: Array, a: Array, out: Array, tmp: Array) -> Array:
    if out is not d_a:
        np.copyto(out, d_a)
    return out


# ---- relu family


def _relu_f(z: Array, out: Array) -> Array:
    return np.maximum(z, 0.0, out=out)


def _relu_g(d_a: Array, z: Array, a: Array, out: Array, tmp: Array) -> Array:
    np.greater(z, 0.0, out=tmp)  # 1.0 where active; the derivative at 0 is taken as 0
    return np.multiply(d_a, tmp, out=out)


def _leaky_f(z: Array, out: Array) -> Array:
    # max(z, slope*z) equals leaky relu for 0 < slope < 1
    np.multiply(z, LEAKY_SLOPE, out=out)
    return np.maximum(z, out, out=out)


def _leaky_g(d_a: Array, z: Array, a: Array, out: Array, tmp: Array) -> Array:
    np.greater(z, 0.0, out=tmp)
    tmp *= 1.0 - LEAKY_SLOPE
    tmp += LEAKY_SLOPE
    return np.multiply(d_a, tmp, out=out)


def _elu_f(z: Array, out: Array) -> Array:
    # alpha*(exp(z)-1) for z <= 0; expm1 of min(z, 0) never overflows
    np.minimum(z, 0.0, out=out)
    np.expm1(out, out=out)
    out *= ELU_ALPHA
    np.copyto(out, z, where=z > 0)
    return out


def _elu_g(d_a: Array, z: Array, a: Array, out: Array, tmp: Array) -> Array:
    # f'(z) = 1 for z > 0, f(z) + alpha otherwise
    np.add(a, ELU_ALPHA, out=tmp)
    np.copyto(tmp, 1.0, where=z > 0)
    return np.multiply(d_a, tmp, out=out)


# ---- squashing


def _tanh_f(z: Array, out: Array) -> Array:
    return np.tanh(z, out=out)


def _from_output_g(name: str, d_a: Array, a: Array, out: Array, tmp: Array) -> Array:
    """d_a · f'(z) with f' from the output (``_FROM_OUTPUT_CALLS``, below)."""
    for call in _FROM_OUTPUT_CALLS[name](a, tmp):
        call()
    return np.multiply(d_a, tmp, out=out)


def _tanh_g(d_a: Array, z: Array, a: Array, out: Array, tmp: Array) -> Array:
    return _from_output_g("tanh", d_a, a, out, tmp)


def _sigmoid_f(z: Array, out: Array) -> Array:
    # 0.5 * (1 + tanh(z/2)) is exact and never overflows, unlike 1/(1+exp(-z))
    np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    out += 1.0
    out *= 0.5
    return out


def _sigmoid_g(d_a: Array, z: Array, a: Array, out: Array, tmp: Array) -> Array:
    return _from_output_g("sigmoid", d_a, a, out, tmp)


def _softplus_f(z: Array, out: Array) -> Array:
    return np.logaddexp(0.0, z, out=out)  # log(1 + e^z) without overflow


def _softplus_g(d_a: Array, z: Array, a: Array, out: Array, tmp: Array) -> Array:
    _sigmoid_f(z, tmp)
    return np.multiply(d_a, tmp, out=out)


def _swish_f(z: Array, out: Array) -> Array:
    _sigmoid_f(z, out)
    out *= z
    return out


def _swish_g(d_a: Array, z: Array, a: Array, out: Array, tmp: Array) -> Array:
    # d/dz z·σ(z) = σ + z·σ(1−σ) = a + σ(1 − a), with a = z·σ
    _sigmoid_f(z, tmp)
    one_minus_a = np.subtract(1.0, a) if out is d_a else np.subtract(1.0, a, out=out)
    tmp *= one_minus_a
    tmp += a
    return np.multiply(d_a, tmp, out=out)


def _gelu_inner(z: Array, out: Array) -> Array:
    """tanh(c·(z + k·z³)) into ``out``."""
    np.multiply(z, z, out=out)
    out *= GELU_K
    out += 1.0
    out *= z
    out *= GELU_C
    return np.tanh(out, out=out)


def _gelu_f(z: Array, out: Array) -> Array:
    # The tanh approximation (PyTorch's approximate="tanh"); ONNX export uses the same formula.
    _gelu_inner(z, out)
    out += 1.0
    out *= z
    out *= 0.5
    return out


def _gelu_g(d_a: Array, z: Array, a: Array, out: Array, tmp: Array) -> Array:
    # f = ½z(1+t), t = tanh(u), u = c(z + k z³):  f' = ½(1+t) + ½z(1−t²)·c(1 + 3k z²)
    t = _gelu_inner(z, tmp)
    du = np.multiply(z, z)
    du *= 3.0 * GELU_K
    du += 1.0
    du *= GELU_C
    one_minus_t2 = np.multiply(t, t)
    np.subtract(1.0, one_minus_t2, out=one_minus_t2)
    du *= one_minus_t2
    du *= z
    t += 1.0
    t += du
    t *= 0.5
    return np.multiply(d_a, t, out=out)


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("linear", "Linear", "f(z) = z: no non-linearity; a stack of linear layers stays linear.",
                   _linear_f, _linear_g),
        Activation("relu", "ReLU", "f(z) = max(0, z): cheap and deep-friendly, but units can die at 0.",
                   _relu_f, _relu_g),
        Activation("leaky_relu", "Leaky ReLU", "f(z) = z for z > 0, 0.01·z otherwise: a ReLU that cannot die.",
                   _leaky_f, _leaky_g),
        Activation("elu", "ELU", "f(z) = z for z > 0, e^z − 1 otherwise: smooth, with negative outputs.",
                   _elu_f, _elu_g),
        Activation("tanh", "Tanh", "f(z) = tanh(z): smooth, zero-centred, saturates at ±1.",
                   _tanh_f, _tanh_g),
        Activation("sigmoid", "Sigmoid", "f(z) = 1/(1+e^−z): saturates at 0 and 1; gradients vanish when deep.",
                   _sigmoid_f, _sigmoid_g),
        Activation("softplus", "Softplus", "f(z) = log(1 + e^z): a smooth ReLU.",
                   _softplus_f, _softplus_g),
        Activation("swish", "Swish (SiLU)", "f(z) = z·sigmoid(z): smooth and non-monotonic.",
                   _swish_f, _swish_g),
        Activation("gelu", "GELU", "f(z) ≈ z·Φ(z) (tanh approximation): the transformer's activation.",
                   _gelu_f, _gelu_g),
    )
}


# Direct ufunc bindings for the common activations (same maths as the functions above): no Python
# frame per call. Measured gain (the functions above bound instead): float32 6 × 8 and page mode
# [4, 2] 1.04–1.05 ×, relu 6 × 8 1.02–1.05 ×; 10 × 64 1 %.
#: f'(z) from the output a = f(z) alone, as bound calls writing into ``out`` (tanh: 1 − a², sigmoid:
#: a(1 − a)); the backward pass of a layer of these needs no z (f may run in place), and a stack of
#: them gets every layer's f' at once. The one definition both the gradient calls below and the
#: engine's batched derivatives use.
_FROM_OUTPUT_CALLS: dict[str, Callable[[Array, Array], list]] = {
    "tanh": lambda a, out: [partial(np.multiply, a, a, out), partial(np.subtract, 1.0, out, out)],
    "sigmoid": lambda a, out: [partial(np.subtract, 1.0, a, out), partial(np.multiply, out, a, out)],
}
#: Activations whose derivative the backward pass computes from the output a = f(z) alone,
#: so that z need not be kept once f has run (it may run in place).
DERIVATIVE_FROM_OUTPUT = frozenset(_FROM_OUTPUT_CALLS)


def derivative_from_output_calls(name: str, a: Array, out: Array) -> list[Callable[[], object]]:
    """``out = f'(z)`` computed from ``a = f(z)`` as bound calls, for a name in ``DERIVATIVE_FROM_OUTPUT``."""
    return _FROM_OUTPUT_CALLS[name](a, out)


_FORWARD_CALLS: dict[str, Callable[..., list]] = {
    "linear": lambda z, out: [partial(np.copyto, out, z)],
    "relu": lambda z, out: [partial(np.maximum, z, 0.0, out=out)],  # positional out is deprecated here
    "tanh": lambda z, out: [partial(np.tanh, z, out)],
}
_GRAD_CALLS: dict[str, Callable[..., list]] = {
    "linear": lambda d_a, z, a, out, tmp: [partial(np.copyto, out, d_a)],
    "relu": lambda d_a, z, a, out, tmp: [partial(np.greater, z, 0.0, tmp),
                                         partial(np.multiply, d_a, tmp, out)],
    **{name: (lambda d_a, z, a, out, tmp, name=name: [*derivative_from_output_calls(name, a, tmp),
                                                       partial(np.multiply, d_a, tmp, out)])
       for name in DERIVATIVE_FROM_OUTPUT},
}


def get_activation(name: str) -> Activation:
    """The activation called ``name``; ``KeyError`` names the choices."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise KeyError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}") from None
