"""The TensorFlow Playground compatible setting follows that page's own training loop.

``tf_one_step`` below is a line-by-line port of its per-example loop (nn.ts
forwardProp / backProp / updateWeights with Errors.SQUARE and tanh): every
example is propagated alone, derivatives are accumulated, and every
``batch_size`` examples each weight moves by −lr · (accumulated / count).
"""

from __future__ import annotations

import numpy as np

from playground.core.datasets import make_dataset
from playground.core.spec import DataSpec, ExperimentSpec, NetworkSpec, OptimizerSpec, TrainingSpec
from playground.core.trainer import Trainer


def tf_one_step(weights, biases, xs, labels, lr, batch_size):
    """One epoch of TensorFlow Playground, per example; weights[i] is (out, in)."""
    acc_w = [np.zeros_like(w) for w in weights]
    acc_b = [np.zeros_like(b) for b in biases]
    count = 0
    for i, (x, label) in enumerate(zip(xs, labels, strict=True)):
        outs = [x]
        for w, b in zip(weights, biases, strict=True):
            outs.append(np.tanh(w @ outs[-1] + b))
        # backProp: output error derivative (o − t), through tanh' = 1 − o²
        d_out = outs[-1] - label
        for layer in range(len(weights) - 1, -1, -1):
            d_in = d_out * (1 - outs[layer + 1] ** 2)
            acc_w[layer] += np.outer(d_in, outs[layer])
            acc_b[layer] += d_in
            d_out = weights[layer].T @ d_in
        count += 1
        if (i + 1) % batch_size == 0:
            for layer in range(len(weights)):
                weights[layer] = weights[layer] - lr * acc_w[layer] / count
                biases[layer] = biases[layer] - lr * acc_b[layer] / count
                acc_w[layer][...] = 0
                acc_b[layer][...] = 0
            count = 0
    return weights, biases


def test_compatible_setting_reproduces_tf_playground_trajectory():
    spec = ExperimentSpec(
        data=DataSpec(name="spiral", noise=0.0, seed=3),
        features=("x1", "x2"),
        network=NetworkSpec.uniform((4, 2), "tanh", init="playground"),
        training=TrainingSpec(loss="mse", optimizer=OptimizerSpec("sgd", 0.03), batch_size=10, shuffle=False),
        seed=5,
    )
    trainer = Trainer(spec)
    weights = [w.copy() for w in trainer.network.weights]
    biases = [b.copy() for b in trainer.network.biases]
    # TF's initial weights: U(−0.5, 0.5), biases 0.1
    assert all(np.all(np.abs(w) <= 0.5) for w in weights) and all(np.all(b == 0.1) for b in biases)
    data = make_dataset(spec.data)
    labels = np.where(data.y_train == 1, 1.0, -1.0)
    for _ in range(20):
        weights, biases = tf_one_step(weights, biases, data.x_train, labels, 0.03, 10)
        trainer.step_epoch()
    for ours, theirs in zip(trainer.network.weights, weights, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)
    for ours, theirs in zip(trainer.network.biases, biases, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)
    # TF's displayed loss: mean over the set of ½(o − t)²
    outputs = trainer.network.forward(data.x_train)[:, 0]
    assert np.isclose(trainer.train_loss, np.mean(0.5 * (outputs - labels) ** 2))
