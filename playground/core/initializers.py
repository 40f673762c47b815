"""Weight initialisers: name -> fill a layer's weight (out, in) and bias (out,) from a seeded Generator."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Init = Callable[[np.ndarray, np.ndarray, np.random.Generator], None]


def _playground(w: np.ndarray, b: np.ndarray, rng: np.random.Generator) -> None:
    # TensorFlow Playground: every weight U(−0.5, 0.5), every bias 0.1.
    w[...] = rng.uniform(-0.5, 0.5, size=w.shape)
    b[...] = 0.1


def _xavier(w: np.ndarray, b: np.ndarray, rng: np.random.Generator) -> None:
    # Glorot uniform: U(−a, a) with a = sqrt(6 / (fan_in + fan_out)).
    fan_out, fan_in = w.shape
    a = np.sqrt(6.0 / (fan_in + fan_out))
    w[...] = rng.uniform(-a, a, size=w.shape)
    b[...] = 0.0


def _he(w: np.ndarray, b: np.ndarray, rng: np.random.Generator) -> None:
    # He normal: N(0, 2 / fan_in), suited to ReLU-like units.
    fan_in = w.shape[1]
    w[...] = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=w.shape)
    b[...] = 0.0


def _zeros(w: np.ndarray, b: np.ndarray, rng: np.random.Generator) -> None:
    # Shows why symmetry must be broken: every unit of a layer learns the same thing.
    w[...] = 0.0
    b[...] = 0.0


INITIALIZERS: dict[str, Init] = {
    "playground": _playground,
    "xavier": _xavier,
    "he": _he,
    "zeros": _zeros,
}
INIT_LABELS = {"playground": "Playground (U±0.5, bias 0.1)", "xavier": "Xavier / Glorot", "he": "He", "zeros": "Zeros"}
INIT_TOOLTIPS = {
    "playground": "TensorFlow Playground's: weights uniform in [−0.5, 0.5], biases 0.1.",
    "xavier": "Glorot uniform: keeps signal variance steady through tanh/sigmoid layers; biases 0.",
    "he": "He normal: variance 2/fan-in, for ReLU-like layers; biases 0.",
    "zeros": "All zeros: every neuron of a layer stays identical (shows why symmetry must be broken).",
}
