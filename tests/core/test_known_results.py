"""Known training results (the engine learns what it should), on any CPU.

Floating-point results differ across CPUs (numpy dispatches other SIMD kernels, BLAS sums in
another order), and long chaotic trainings amplify the last bit into another ending: one seed's
fate is not a known result. So each result is a majority of ``SEEDS`` seeds reaching a target
within a number of epochs (at least 5 of 8: the upper median), with targets and epochs chosen
so that on the machines measured nearly every seed reaches it in about half the epochs allowed.

A check that always passes proves nothing: each one must fail when the backward pass is
broken (``test_known_result_fails_with_broken_gradients``: the output layer's gradient
sign-flipped, as a sign error in a derivative would do).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
import pytest
from builders import make_spec

from playground.core.network import Workspace
from playground.core.spec import ExperimentSpec
from playground.core.trainer import Trainer, TrainingDiverged

SEEDS = 8
MAJORITY = SEEDS // 2 + 1


@dataclass(frozen=True)
class KnownResult:
    """``metric`` reaches ``target`` (below for a loss, above for an accuracy) within ``epochs``."""

    spec: Callable[[int], ExperimentSpec]  # the experiment for a seed
    epochs: int
    metric: str  # a Trainer property: train_loss, test_loss or test_accuracy
    target: float

    def reached(self, t: Trainer) -> bool:
        value = getattr(t, self.metric)
        return value > self.target if self.metric.endswith("accuracy") else value < self.target

    def epochs_to_reach(self, seed: int) -> int | None:
        """Epochs this seed needs to reach the target (training stops there), None if it does not."""
        t = Trainer(self.spec(seed))
        try:
            t.train(self.epochs, keep_going=lambda: not self.reached(t))
        except TrainingDiverged:
            return None
        return t.epoch if self.reached(t) else None


def majority_reaches(case: KnownResult) -> tuple[bool, dict[int, int | None]]:
    """Whether ``MAJORITY`` of ``SEEDS`` seeds reach the target, and the epochs each needed;
    stops training seeds as soon as the answer is known."""
    needed: dict[int, int | None] = {}
    for seed in range(SEEDS):
        needed[seed] = case.epochs_to_reach(seed)
        hits = sum(n is not None for n in needed.values())
        if hits >= MAJORITY or len(needed) - hits > SEEDS - MAJORITY:
            break
    return hits >= MAJORITY, needed


def _spiral(shuffle: bool, seed: int) -> ExperimentSpec:
    return make_spec("spiral", (8,) * 6, shuffle=shuffle, seed=seed)


CASES = {
    # TensorFlow Playground's own engine reaches a median train loss of 0.019 after 1000 epochs
    # (5 seeds). Here all of 16 seeds reached 0.1 within 1000 epochs, the median one in about 550.
    "spiral-6x8-tanh-tf-order": KnownResult(partial(_spiral, False), 1000, "train_loss", 0.1),
    "spiral-6x8-tanh-reshuffled": KnownResult(partial(_spiral, True), 1000, "train_loss", 0.1),
    # 14 of 16 seeds, the median one in about 40 epochs (two stay in a local minimum).
    "xor-4-tanh": KnownResult(lambda seed: make_spec("xor", (4,), seed=seed), 300, "test_accuracy", 0.95),
    # The rest: every seed within a tenth of the epochs allowed.
    **{f"circle-{name}": KnownResult(lambda seed, name=name, lr=lr: make_spec("circle", (6,), optimizer=name, lr=lr,
                                                                          seed=seed), 150, "test_accuracy", 0.95)
       for name, lr in [("sgd", 0.1), ("momentum", 0.05), ("nesterov", 0.05), ("rmsprop", 0.01), ("adam", 0.01),
                        ("adamw", 0.01)]},
    **{f"blobs-{k}-cross-entropy": KnownResult(
        lambda seed, k=k: make_spec("blobs", (8,), "relu", loss="cross_entropy", optimizer="adam", lr=0.01, classes=k,
                                    seed=seed), 60, "test_accuracy", 0.95) for k in (3, 5)},
    "plane-regression": KnownResult(lambda seed: make_spec("plane", (4,), "linear", lr=0.01, seed=seed), 50,
                                    "test_loss", 1e-4),
}
#: Cases that take seconds (a deep network for hundreds of epochs); they run in ``make test`` too.
CASE_PARAMS = [pytest.param(name, marks=pytest.mark.slow if name.startswith("spiral") else ()) for name in CASES]
#: The check with a broken backward pass: the two spiral cases differ only in the order of the
#: batches, which cannot make a sign-flipped gradient learn, so one of them (8 seconds) is enough.
BROKEN_PARAMS = [p for p in CASE_PARAMS if p.values[0] != "spiral-6x8-tanh-reshuffled"]


@pytest.fixture
def broken_gradients(monkeypatch):
    """Every backward pass built from now on ends by flipping the sign of the output layer's
    gradient (weights and biases), as a sign error in the loss's derivative there would."""
    original = Workspace.backward_calls

    def flipped(self, grad_blocks, inputs=None, targets=None):
        return original(self, grad_blocks, inputs, targets) + [partial(np.negative, grad_blocks[-1], grad_blocks[-1])]

    monkeypatch.setattr(Workspace, "backward_calls", flipped)


@pytest.mark.parametrize("name", CASE_PARAMS)
def test_known_result_is_reached_by_most_seeds(name):
    ok, needed = majority_reaches(CASES[name])
    assert ok, f"epochs each seed needed (None: not within {CASES[name].epochs}): {needed}"


@pytest.mark.parametrize("name", BROKEN_PARAMS)
def test_known_result_fails_with_broken_gradients(name, broken_gradients):
    ok, needed = majority_reaches(CASES[name])
    assert not ok, f"the check passes with a broken backward pass: {needed}"
