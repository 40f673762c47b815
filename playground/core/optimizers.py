"""Optimizers that update one flat parameter buffer in place.

Each optimizer owns its state (flat buffers like the parameters) and exposes
``update_calls(params, grad)``: the update as a list of numpy calls bound to
the buffers, so that the training loop runs it without Python arithmetic.
The learning rate and other settings are read when the calls are built; the
trainer rebuilds them whenever a setting changes (cheap), which is how the
learning rate changes live without losing the optimizer's state.

Conventions follow PyTorch (``torch.optim``): momentum ``v = μv + g; p −= lr·v``,
Nesterov ``p −= lr·(g + μv)``, RMSProp ``s = ρs + (1−ρ)g²; p −= lr·g/(√s + ε)``,
Adam with bias correction, AdamW with decoupled weight decay on weights only.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

from playground.core.spec import OptimizerSpec

Call = Callable[[], object]

OPTIMIZER_LABELS = {
    "sgd": "SGD", "momentum": "Momentum", "nesterov": "Nesterov", "rmsprop": "RMSProp",
    "adam": "Adam", "adamw": "AdamW",
}
OPTIMIZER_TOOLTIPS = {
    "sgd": "Plain gradient descent: every step moves each weight by −learning rate × gradient.",
    "momentum": "Gradient descent with a velocity that accumulates past gradients (μ = momentum).",
    "nesterov": "Momentum that looks ahead: the step uses the gradient plus μ × velocity.",
    "rmsprop": "Divides each step by a running RMS of that weight's gradients (decay ρ).",
    "adam": "Momentum plus RMSProp with bias correction: a robust default for most networks.",
    "adamw": "Adam with decoupled weight decay on the weights (not the biases).",
}


class Optimizer:
    """Base: state buffers sized like the parameters, and a step counter."""

    state_names: tuple[str, ...] = ()

    def __init__(self, spec: OptimizerSpec, n_params: int, weight_mask: np.ndarray) -> None:
        self.spec = spec
        self.weight_mask = weight_mask
        self.dtype = weight_mask.dtype
        self.t = 0  # updates done (Adam's bias correction)
        self.state = {name: np.zeros(n_params, dtype=self.dtype) for name in self.state_names}
        self._tmp = np.empty(n_params, dtype=self.dtype)
        self._tmp2 = np.empty(n_params, dtype=self.dtype)

    def update_calls(self, params: np.ndarray, grad: np.ndarray, scale: float = 1.0) -> list[Call]:
        """The update ``params ← params − step(scale · grad)`` as bound calls.

        ``scale`` turns the summed gradient of a batch into its mean (1 / batch size); it is
        applied to ``grad`` in place first, so that ``grad`` holds the mean gradient after.
        """
        calls: list[Call] = [] if scale == 1.0 else [partial(np.multiply, grad, scale, grad)]
        return calls + self._step_calls(params, grad)

    def _step_calls(self, params: np.ndarray, grad: np.ndarray) -> list[Call]:
        raise NotImplementedError

    def step(self, params: np.ndarray, grad: np.ndarray) -> None:
        """One update with a mean gradient (allocating the call list; training uses ``update_calls``)."""
        for call in self.update_calls(params, grad):
            call()

    def get_state(self) -> dict[str, np.ndarray | int]:
        """Copies of the state buffers and the step counter (for saving)."""
        out: dict[str, np.ndarray | int] = {k: v.copy() for k, v in self.state.items()}
        out["t"] = self.t
        return out

    def set_state(self, state: dict[str, np.ndarray | int]) -> None:
        """Restore what :meth:`get_state` returned; ``ValueError`` on a mismatch."""
        values = {}
        for k, buf in self.state.items():
            try:
                value = np.asarray(state.get(k), dtype=np.float64)
            except (TypeError, ValueError):
                raise ValueError(f"optimizer state {k!r} is not an array of numbers") from None
            if value.shape != buf.shape:
                raise ValueError(f"optimizer state {k!r} has shape {value.shape}, needs {buf.shape}")
            if not np.isfinite(value).all():
                raise ValueError(f"optimizer state {k!r} contains NaN or infinity")
            values[k] = value
        t = state.get("t", 0)
        if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or t < 0:
            raise ValueError(f"optimizer state 't' must be a whole number >= 0, got {t!r}")
        for k, value in values.items():
            self.state[k][...] = value
        self.t = int(t)

    def _tick(self) -> None:
        self.t += 1


class SGD(Optimizer):
    def _step_calls(self, params: np.ndarray, grad: np.ndarray) -> list[Call]:
        tmp = self._tmp
        return [partial(np.multiply, grad, -self.spec.learning_rate, tmp),
                partial(np.add, params, tmp, params)]


class Momentum(Optimizer):
    state_names = ("velocity",)

    def _step_calls(self, params: np.ndarray, grad: np.ndarray) -> list[Call]:
        v, tmp = self.state["velocity"], self._tmp
        return [partial(np.multiply, v, self.spec.momentum, v),
                partial(np.add, v, grad, v),
                partial(np.multiply, v, -self.spec.learning_rate, tmp),
                partial(np.add, params, tmp, params)]


class Nesterov(Optimizer):
    state_names = ("velocity",)

    def _step_calls(self, params: np.ndarray, grad: np.ndarray) -> list[Call]:
        v, tmp = self.state["velocity"], self._tmp
        mu, lr = self.spec.momentum, self.spec.learning_rate
        return [partial(np.multiply, v, mu, v),
                partial(np.add, v, grad, v),
                partial(np.multiply, v, mu, tmp),
                partial(np.add, tmp, grad, tmp),
                partial(np.multiply, tmp, -lr, tmp),
                partial(np.add, params, tmp, params)]


class RMSProp(Optimizer):
    state_names = ("square_avg",)

    def _step_calls(self, params: np.ndarray, grad: np.ndarray) -> list[Call]:
        s, tmp, tmp2 = self.state["square_avg"], self._tmp, self._tmp2
        rho, lr, eps = self.spec.rho, self.spec.learning_rate, self.spec.epsilon
        return [partial(np.multiply, grad, grad, tmp),
                partial(np.multiply, tmp, 1.0 - rho, tmp),
                partial(np.multiply, s, rho, s),
                partial(np.add, s, tmp, s),
                partial(np.sqrt, s, tmp2),
                partial(np.add, tmp2, eps, tmp2),
                partial(np.divide, grad, tmp2, tmp),
                partial(np.multiply, tmp, -lr, tmp),
                partial(np.add, params, tmp, params)]


class Adam(Optimizer):
    state_names = ("m", "v")
    decoupled_decay = False

    def _step_calls(self, params: np.ndarray, grad: np.ndarray) -> list[Call]:
        m, v, tmp = self.state["m"], self.state["v"], self._tmp
        b1, b2 = self.spec.beta1, self.spec.beta2
        calls: list[Call] = [self._tick]
        if self.decoupled_decay and self.spec.weight_decay > 0:
            # p ← p − lr·λ·p on weights only, before the Adam step (as torch.optim.AdamW)
            factor = self.spec.learning_rate * self.spec.weight_decay
            calls += [partial(np.multiply, params, self.weight_mask, tmp),
                      partial(np.multiply, tmp, -factor, tmp),
                      partial(np.add, params, tmp, params)]
        calls += [partial(np.multiply, m, b1, m),
                  partial(np.multiply, grad, 1.0 - b1, tmp),
                  partial(np.add, m, tmp, m),
                  partial(np.multiply, v, b2, v),
                  partial(np.multiply, grad, grad, tmp),
                  partial(np.multiply, tmp, 1.0 - b2, tmp),
                  partial(np.add, v, tmp, v),
                  self._adam_step_into_tmp,
                  partial(np.add, params, tmp, params)]
        return calls

    def _adam_step_into_tmp(self) -> None:
        # the bias corrections depend on t, so they are computed at run time
        m, v, tmp, tmp2 = self.state["m"], self.state["v"], self._tmp, self._tmp2
        b1, b2, eps = self.spec.beta1, self.spec.beta2, self.spec.epsilon
        c1 = 1.0 - b1 ** self.t
        c2 = 1.0 - b2 ** self.t
        np.multiply(v, 1.0 / c2, out=tmp2)
        np.sqrt(tmp2, out=tmp2)
        tmp2 += eps
        np.divide(m, tmp2, out=tmp)
        tmp *= -self.spec.learning_rate / c1


class AdamW(Adam):
    decoupled_decay = True


OPTIMIZERS: dict[str, type[Optimizer]] = {
    "sgd": SGD, "momentum": Momentum, "nesterov": Nesterov, "rmsprop": RMSProp, "adam": Adam, "adamw": AdamW,
}


def make_optimizer(spec: OptimizerSpec, weight_mask: np.ndarray) -> Optimizer:
    """A fresh optimizer for parameters laid out like ``weight_mask``."""
    return OPTIMIZERS[spec.name](spec, len(weight_mask), weight_mask)


def regularization_calls(kind: str, rate: float, params: np.ndarray, grad: np.ndarray,
                         weight_mask: np.ndarray, tmp: np.ndarray) -> list[Call]:
    """Add the regulariser's gradient to ``grad``, weights only (not biases).

    ``l2``: penalty ρ·½w² (TensorFlow Playground's), gradient ρ·w.
    ``l1``: penalty ρ·|w|, gradient ρ·sign(w).
    """
    if kind == "none" or rate == 0.0:
        return []
    scaled_mask = weight_mask * rate
    if kind == "l2":
        return [partial(np.multiply, params, scaled_mask, tmp), partial(np.add, grad, tmp, grad)]
    if kind == "l1":
        return [partial(np.sign, params, tmp), partial(np.multiply, tmp, scaled_mask, tmp),
                partial(np.add, grad, tmp, grad)]
    raise ValueError(f"unknown regularization {kind!r}")


def regularization_penalty(kind: str, rate: float, params: np.ndarray, weight_mask: np.ndarray) -> float:
    """The regulariser's value (not part of the displayed loss, like TensorFlow Playground)."""
    if kind == "l2":
        return float(0.5 * rate * np.sum(weight_mask * params * params))
    if kind == "l1":
        return float(rate * np.sum(weight_mask * np.abs(params)))
    return 0.0
