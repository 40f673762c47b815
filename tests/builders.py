"""Experiment and trainer builders shared by every test folder (``from builders import make_spec``).

``tests/`` is on ``sys.path`` because its ``conftest.py`` is (pytest's default import mode).
"""

from __future__ import annotations

import dataclasses

from playground.core.spec import DataSpec, ExperimentSpec, NetworkSpec, OptimizerSpec, TrainingSpec
from playground.core.trainer import Trainer


def make_spec(dataset: str = "xor", hidden: tuple[int, ...] = (4,), activation: str | tuple[str, ...] = "tanh", *,
              loss: str = "mse", optimizer: str = "sgd", lr: float = 0.03, batch: int = 10, shuffle: bool = True,
              seed: int = 0, data_seed: int | None = None, features: tuple[str, ...] = ("x1", "x2"),
              init: str = "playground", regularization: str = "none", regularization_rate: float = 0.0,
              **data) -> ExperimentSpec:
    """An experiment on ``dataset`` (``data``: more ``DataSpec`` fields, e.g. ``points``, ``classes``).

    ``seed`` seeds the weights, and the points unless ``data_seed`` is given; ``activation`` is
    one for every hidden layer or one per layer.
    """
    activations = (activation,) * len(hidden) if isinstance(activation, str) else tuple(activation)
    return ExperimentSpec(
        data=DataSpec(name=dataset, seed=seed if data_seed is None else data_seed, **data), features=features,
        network=NetworkSpec(tuple(hidden), activations, init),
        training=TrainingSpec(loss=loss, optimizer=OptimizerSpec(optimizer, lr), batch_size=batch, shuffle=shuffle,
                              regularization=regularization, regularization_rate=regularization_rate),
        seed=seed)


def make_trainer(*args, **kwargs) -> Trainer:
    """A trainer for ``make_spec(*args, **kwargs)``."""
    return Trainer(make_spec(*args, **kwargs))


def set_learning_rate(trainer: Trainer, learning_rate: float) -> None:
    """Train on at ``learning_rate`` (the optimizer and its state kept), e.g. one that makes it diverge."""
    t = trainer.spec.training
    trainer.set_training(dataclasses.replace(t, optimizer=dataclasses.replace(t.optimizer,
                                                                             learning_rate=learning_rate)))


def easy_spec(hidden: tuple[int, ...] = (4,), lr: float = 0.03, points: int = 200, **kwargs) -> ExperimentSpec:
    """Two Gaussian clouds: the loss falls within a few epochs (the UI tests' default experiment)."""
    return make_spec("gauss", hidden, lr=lr, points=points, **kwargs)


def diverging_spec() -> ExperimentSpec:
    """A linear 8 × 8 network on the plane at learning rate 10: the loss overflows within a few epochs."""
    return make_spec("plane", (8, 8), "linear", lr=10.0)


def largest_spec(hidden: tuple[int, ...] = (256,) * 16, points: int | None = None) -> ExperimentSpec:
    """``hidden`` tanh layers with as many spiral points as the work budget allows (or ``points``),
    batch size 1 and Adam (the costliest update): an epoch takes tens of seconds."""
    from playground.core.spec import MAX_POINTS
    from playground.core.spec_limits import MAX_WORK

    spec = ExperimentSpec(data=DataSpec(name="spiral", points=8), network=NetworkSpec.uniform(hidden, "tanh"),
                          training=TrainingSpec(optimizer=OptimizerSpec("adam"), batch_size=1))
    most = min(MAX_POINTS, MAX_WORK // spec.n_parameters)
    return spec.replace(data=DataSpec(name="spiral", points=points or most))


def hundred_csv_text(n: int = 200, seed: int = 0) -> str:
    """A linearly separable CSV in the range 0–100 (label 1 above the line x1 + x2 = 100): far from
    the activations' useful range, so it needs input scaling."""
    import numpy as np

    pts = np.random.default_rng(seed).uniform(0.0, 100.0, size=(n, 2))
    labels = (pts.sum(axis=1) > 100.0).astype(int)
    return "x1,x2,label\n" + "".join(f"{a!r},{b!r},{k}\n" for (a, b), k in zip(pts.tolist(), labels, strict=True))
