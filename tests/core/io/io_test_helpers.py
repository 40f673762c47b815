"""Small builders shared by the core/io tests."""

from __future__ import annotations

import numpy as np
from builders import make_spec
from hypothesis import strategies as st

from playground.core.features import expand_features
from playground.core.spec import (
    FEATURES,
    DataSpec,
)
from playground.core.trainer import Trainer

#: (name, loss, data) for every output kind: mse binary tanh, mse K-class tanh,
#: bce binary and K-class sigmoid, cross-entropy softmax, regression linear.
OUTPUT_KINDS = {
    "mse_binary": ("mse", DataSpec("xor", points=40)),
    "mse_k3": ("mse", DataSpec("blobs", points=40, classes=3)),
    "bce_binary": ("bce", DataSpec("circle", points=40)),
    "bce_k3": ("bce", DataSpec("blobs", points=40, classes=3)),
    "cross_entropy_k4": ("cross_entropy", DataSpec("spirals", points=40, classes=4)),
    "regression": ("mse", DataSpec("plane", points=40)),
}


def make_trainer(kind: str = "mse_binary", hidden: tuple[int, ...] = (4, 3),
                 activations: str | tuple[str, ...] = "tanh", features: tuple[str, ...] = ("x1", "x2"),
                 optimizer: str = "sgd", shuffle: bool = True, batch_size: int = 10,
                 lr: float = 0.03, seed: int = 0, regularization: str = "none") -> Trainer:
    """A small trainer for one output kind."""
    loss, data = OUTPUT_KINDS[kind]
    return Trainer(make_spec(data.name, hidden, activations, loss=loss, optimizer=optimizer, lr=lr, batch=batch_size,
                             shuffle=shuffle, seed=seed, data_seed=data.seed, features=features, init="xavier",
                             regularization=regularization,
                             regularization_rate=0.001 if regularization != "none" else 0.0,
                             points=data.points, classes=data.classes))


def randomize_weights(trainer: Trainer, scale: float = 1.0, seed: int = 1) -> None:
    """Give every weight and bias a N(0, scale²) value, so activations reach their non-linear parts."""
    rng = np.random.default_rng(seed)
    state = {k: rng.normal(0.0, scale, v.shape) for k, v in trainer.network.state_dict().items()}
    trainer.load_weights(state)


def grid_points(n: int = 50, lo: float = -6.0, hi: float = 6.0) -> np.ndarray:
    """(n², 2) float64 points that are exact in float32, so an ONNX float32 input sees the same points."""
    axis = np.linspace(lo, hi, n).astype(np.float32).astype(np.float64)
    xx, yy = np.meshgrid(axis, axis)
    return np.column_stack([xx.ravel(), yy.ravel()])


def app_forward(trainer: Trainer, points: np.ndarray) -> np.ndarray:
    """The app's own forward pass on raw points (scaled as the trainer scales them): (n, n_outputs)."""
    return trainer.network.forward(expand_features(trainer.scaling.apply(points), trainer.spec.features))


ALL_FEATURES = FEATURES


def same_values(a: object, b: object) -> bool:
    """Deep equality of states: dicts, lists and arrays (bit for bit, NaN equal to NaN)."""
    if isinstance(a, dict) or isinstance(b, dict):
        return (isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys()
                and all(same_values(a[k], b[k]) for k in a))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        floats = a.dtype.kind == "f"
        return a.shape == b.shape and a.dtype.kind == b.dtype.kind and np.array_equal(a, b, equal_nan=floats)
    return a == b


def document_paths(node, prefix=()):
    """Every path into a JSON document (keys and the first few list indices), for fuzzing."""
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from document_paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node[:4]):  # a few elements of each list are enough
            yield from document_paths(v, (*prefix, i))


#: Any JSON value, to put where a file's value was.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)


def damage(doc: dict, path: tuple, value, delete: bool) -> dict:
    """``doc`` (changed in place and returned) with the value at ``path`` replaced by ``value``, or
    deleted when ``delete`` and it is an object's member."""
    node = doc
    for key in path[:-1]:
        node = node[key]
    if delete and isinstance(node, dict):
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return doc
