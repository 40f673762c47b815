"""Neuron images only for the neurons a view draws: the same images, fewer of them."""

from __future__ import annotations

import numpy as np
from builders import make_trainer

from playground.core.grid import GridEvaluator


def test_images_of_the_first_neurons_only_are_those_of_the_full_picture():
    t = make_trainer("xor", (30, 5))
    t.train(3)
    g = GridEvaluator(t.network, t.spec.features, t.dataset.domain(), 20)
    full = g.evaluate(True)
    part = g.evaluate((2, 23, 5, 1))
    assert [len(a) for a in full.neurons] == [2, 30, 5, 1]
    assert [len(a) for a in part.neurons] == [2, 23, 5, 1]
    for a, b in zip(full.neurons, part.neurons, strict=True):
        np.testing.assert_array_equal(a[:len(b)], b)
    np.testing.assert_array_equal(full.output, part.output)  # the picture itself is the whole network's
    assert [len(a) for a in g.evaluate((2, 23)).neurons] == [2, 30, 5, 1]  # counts that do not fit: all
    assert g.evaluate(False).neurons == ()
    assert [len(a) for a in t.snapshot(grid_resolution=20, with_neurons=(2, 0, 5, 1)).grid.neurons] == [2, 0, 5, 1]
