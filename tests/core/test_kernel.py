"""The compiled engine (``core.kernel``): its formulas against the tables, one step against the
reference, whole epochs (metrics, shuffling, divergence) against the numpy engine."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import test_reference_network as ref_tests  # a module, so that its tests are not collected twice
from builders import diverging_spec, make_spec
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from playground.core import engines, kernel_maths
from playground.core.activations import ACTIVATIONS
from playground.core.reference_network import ReferenceNetwork
from playground.core.trainer import Trainer, TrainingDiverged


@pytest.fixture(scope="module", autouse=True)
def ready_kernel():
    assert engines.prepare_kernel(), engines.kernel_failure()


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activations_and_slopes_equal_the_tables(name):
    z = np.concatenate([np.linspace(-30.0, 30.0, 601), [-1e-9, -0.0, 0.0, 1e-12, 1e-300, 400.0, -400.0]])
    act = ACTIVATIONS[name]
    want_a, want_d = act(z), act.derivative(z)
    code = kernel_maths.ACTIVATION_CODES[name]
    got_a = np.array([kernel_maths.activate(code, v) for v in z])
    got_d = np.array([kernel_maths.slope(code, v, a) for v, a in zip(z, got_a, strict=True)])
    # tanh from one exp is exact to a few units of 2⁻⁵³ absolute. Where a formula adds 1 + tanh
    # near tanh = −1 (sigmoid, swish, GELU) both sides cancel, so the bound is absolute against
    # the terms' size, 1 + |z|; elsewhere relative.
    bound = 4e-15 * np.abs(want_a) + 1e-15 * (1.0 + np.abs(np.clip(z, -50, 50)))
    assert (np.abs(got_a - want_a) <= bound).all(), z[np.abs(got_a - want_a) > bound]
    bound = 4e-15 * np.abs(want_d) + 1e-14 * (1.0 + np.abs(np.clip(z, -50, 50)))
    assert (np.abs(got_d - want_d) <= bound).all(), z[np.abs(got_d - want_d) > bound]


def test_tanh_from_one_exp_never_overflows_and_keeps_its_sign():
    for z in (-1e308, -710.0, -20.0, 20.0, 710.0, 1e308):
        assert kernel_maths.tanh_one(z) == np.tanh(z)
    assert np.signbit(kernel_maths.tanh_one(-0.0))
    assert np.isnan(kernel_maths.tanh_one(np.nan))  # a diverging run stays visible
    assert kernel_maths.tanh_one(np.inf) == 1.0 and kernel_maths.tanh_one(-np.inf) == -1.0


def test_the_kernels_exponential_is_within_a_unit_in_the_last_place():
    x = np.concatenate([-np.geomspace(1e-300, 40.0, 20_001), np.linspace(-40.0, 0.0, 20_001)])
    got = np.array([kernel_maths._exp_nonpositive(v) for v in x])
    ulp = np.spacing(np.exp(x))
    assert (np.abs(got - np.exp(x)) <= 1.5 * ulp).all()
    assert kernel_maths._exp_nonpositive(0.0) == 1.0 and np.isnan(kernel_maths._exp_nonpositive(np.nan))
    assert kernel_maths._exp_nonpositive(-np.inf) == kernel_maths._exp_nonpositive(-40.0)  # the floor


#: A step is held to 1e-12 of its largest gradient when that is at least this. The kernel sums
#: in another order (and with fused multiply-adds) and computes tanh by another formula: z and
#: a differ from numpy's in the last bits, which reaches a gradient as about 1e-15 absolute —
#: more, relative to it, where a unit saturates (1 − a² is then itself rounding noise) or an
#: output nearly equals its target (o − t cancels). Such steps are rounding noise in any engine.
SIGNIFICANT_GRADIENT = 1e-2
#: Adam, AdamW and RMSProp divide each step by the gradient's own running size, so an entry near
#: 0 moves its weight by up to the learning rate whatever its rounding: a step is compared when
#: every gradient entry is exactly 0 (a dead or switched-off unit) or at least this.
ADAPTIVE = ("adam", "adamw", "rmsprop")
SIGNIFICANT_FOR_ADAPTIVE = 1e-5


@settings(max_examples=80)
@given(ref_tests.experiments())
def test_kernel_batches_equal_the_reference_steps(experiment):
    """One step (forward, backward, regulariser, update) of every kind against the reference."""
    spec, _, weight_seed = experiment
    trainer = Trainer(spec, engine="kernel")
    assert trainer.engine == "kernel"
    reference = ReferenceNetwork.from_state(ref_tests.random_weights(trainer.network, weight_seed),
                                            spec.network.activations, trainer.head)
    rows = min(spec.training.batch_size, len(trainer.x_train))
    first = reference.gradients(trainer.x_train[:rows, :-1], trainer.t_train[:rows])
    sizes = np.abs(np.concatenate([g.ravel() for g in (*first.weights, *first.biases)]))
    # The weights' gradients are compared relative to their own largest one (the biases' apart).
    assume(max(np.abs(g).max() for g in first.weights) >= SIGNIFICANT_GRADIENT)
    assume(max(np.abs(g).max() for g in first.biases) >= SIGNIFICANT_GRADIENT)
    if spec.training.optimizer.name in ADAPTIVE:
        assume(not ((sizes > 0.0) & (sizes < SIGNIFICANT_FOR_ADAPTIVE)).any())
    assume(ref_tests.check_trainer_steps(trainer, 1, weight_seed))


#: Several epochs of the kernel against the numpy engine agree to this (relative).
TRAJECTORY = 1e-9


def assert_close(got: list[np.ndarray], want: list[np.ndarray], what: str) -> None:
    """As the reference tests' ``assert_close``, within TRAJECTORY of the group's largest magnitude."""
    scale = max(float(np.abs(w).max(initial=0.0)) for w in want)
    worst = max(float(np.abs(g - w).max(initial=0.0)) for g, w in zip(got, want, strict=True))
    assert worst <= TRAJECTORY * scale, f"{what}: differs by {worst:.3e}, largest value {scale:.3e}"


@st.composite
def shuffled_experiments(draw: st.DrawFn) -> tuple:
    """A random experiment with shuffling and a switched-off neuron or not, and a non-adaptive
    optimizer: over many steps Adam and RMSProp turn rounding noise in a near-0 gradient into
    steps of up to the learning rate (they are compared one step at a time above, and on a named
    trajectory below). Over several epochs a large learning rate amplifies rounding differences
    without bound, so it is at most 0.03 here, and results are held to 1e-9 (``TRAJECTORY``)."""
    spec, _, weight_seed = draw(ref_tests.experiments())
    optimizer = dataclasses.replace(spec.training.optimizer, name=draw(st.sampled_from(["sgd", "momentum",
                                                                                           "nesterov"])),
                                    learning_rate=min(spec.training.optimizer.learning_rate, 0.03))
    training = dataclasses.replace(spec.training, shuffle=draw(st.booleans()), optimizer=optimizer)
    switched_off = ((0, 0),) if spec.network.hidden and draw(st.booleans()) else ()
    network = dataclasses.replace(spec.network, switched_off=switched_off)
    return spec.replace(training=training, network=network), weight_seed, draw(st.integers(1, 3))


@settings(max_examples=40)
@given(shuffled_experiments())
def test_kernel_epochs_equal_the_numpy_engine(experiment):
    """Whole epochs (shuffled or not, a neuron switched off or not): weights, optimizer state and
    every metric (losses, accuracies, gradient norms) of each epoch."""
    spec, weight_seed, epochs = experiment
    trainers = [Trainer(spec, engine=name) for name in ("numpy", "kernel")]
    for trainer in trainers:
        trainer.load_weights(ref_tests.random_weights(trainer.network, weight_seed, scale=0.5))
    try:
        done = [trainer.train(epochs) for trainer in trainers]
    except TrainingDiverged:
        assume(False)
    assert done == [epochs, epochs]
    mine, theirs = (t.network.state_dict() for t in trainers[::-1])
    assert_close([mine[key] for key in theirs], list(theirs.values()), "parameters")
    for name, buffer in trainers[1].optimizer.get_state().items():
        if name != "t":
            assert_close([buffer], [trainers[0].optimizer.get_state()[name]], f"optimizer {name}")
    assert trainers[1].optimizer.t == trainers[0].optimizer.t
    h_kernel, h_numpy = (t.history.to_dict() for t in trainers[::-1])
    for key, column in h_numpy.items():
        if key != "every":
            np.testing.assert_allclose(np.asarray(h_kernel[key], dtype=float), np.asarray(column, dtype=float),
                                       rtol=TRAJECTORY, atol=1e-13, err_msg=key)
    assert (trainers[1].epoch, trainers[1].batches) == (trainers[0].epoch, trainers[0].batches)


NAMED_TRAJECTORIES = {
    # TensorFlow Playground's default page: [4, 2] tanh on xor, batch 10, SGD 0.03, 100 epochs
    "page default": make_spec("xor", (4, 2), batch=10, shuffle=False),
    # the benchmark's 6 × 8 spiral, shuffled, for 100 epochs (before its unstable phase)
    "spiral 6 x 8": make_spec("spiral", (8,) * 6, batch=10, points=500),
    "circle adam relu": make_spec("circle", (6, 3), "relu", optimizer="adam", lr=0.01, batch=16),
}


@pytest.mark.parametrize("name", sorted(NAMED_TRAJECTORIES))
def test_named_trajectories_follow_the_numpy_engine(name):
    spec = NAMED_TRAJECTORIES[name]
    trainers = [Trainer(spec, engine=engine) for engine in ("numpy", "kernel")]
    for trainer in trainers:
        assert trainer.train(100) == 100
    want, got = (t.network.params for t in trainers)
    assert np.abs(got - want).max() <= 1e-9 * np.abs(want).max()
    assert trainers[1].train_loss == pytest.approx(trainers[0].train_loss, rel=1e-9)


def test_a_diverging_run_is_rolled_back_as_by_the_numpy_engine():
    results = []
    for engine in ("numpy", "kernel"):
        trainer = Trainer(diverging_spec(), engine=engine)
        with pytest.raises(TrainingDiverged) as caught:
            trainer.train(50)
        assert np.isfinite(trainer.network.params).all()
        results.append((caught.value.epoch, trainer.epoch, trainer.batches, len(trainer.history),
                        trainer.network.params.copy()))
    (e0, ep0, b0, h0, p0), (e1, ep1, b1, h1, p1) = results
    assert (e1, ep1, b1, h1) == (e0, ep0, b0, h0)
    np.testing.assert_allclose(p1, p0, rtol=1e-9)


def test_an_epoch_begun_batch_by_batch_is_finished_by_the_kernel():
    spec = make_spec("circle", (5,), batch=7, points=60)
    trainers = [Trainer(spec, engine=engine) for engine in ("numpy", "kernel")]
    for trainer in trainers:
        trainer.step_batch()
        trainer.step_batch()
        assert trainer.step_epoch()
        trainer.train(3)
    assert [t.epoch for t in trainers] == [4, 4]
    assert trainers[1].batches == trainers[0].batches
    np.testing.assert_allclose(trainers[1].network.params, trainers[0].network.params, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("points", [90, 120])
def test_a_kernel_runs_results_are_its_current_predictions(points):
    """The confusion matrices of a kernel run count what the network predicts now: their
    accuracy is the run's accuracy (the kernel never fills the numpy metrics pass's outputs)."""
    tr = Trainer(make_spec("blobs", (8, 8), classes=3, points=points), engine="kernel")
    tr.train(200)
    results = tr.snapshot(grid_resolution=None).results
    for matrix, accuracy in ((results.confusion_train, tr.train_accuracy), (results.confusion_test, tr.test_accuracy)):
        assert np.trace(matrix) / matrix.sum() == pytest.approx(accuracy, abs=1e-12)
