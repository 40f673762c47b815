"""Neuron images only for the neurons a view draws, at the size it draws them: samples of the full picture."""

from __future__ import annotations

import numpy as np
import pytest
from builders import make_trainer

from playground.core.grid import GridEvaluator
from playground.core.neuron_images import NeuronRequest, requested_images, sample_cells


@pytest.fixture(scope="module")
def trained():
    t = make_trainer("xor", (30, 5))
    t.train(3)
    return t


def test_only_the_requested_neurons_get_images_sampled_from_their_values_on_the_grid(trained):
    g = GridEvaluator(trained.network, trained.spec.features, trained.dataset.domain(), 40)
    full = g.evaluate(True)
    request = NeuronRequest.of([(1,), (29, 3, 7, 3), (), (0,)], 10)
    part = g.evaluate(request)
    assert [len(a) for a in part.neurons] == [1, 3, 0, 1]
    assert [list(ids) for ids in part.neuron_ids] == [[1], [3, 7, 29], [], [0]]
    assert all(a.shape[1:] == (10, 10) and not a.flags.writeable for a in part.neurons)
    cells = sample_cells(40, 10)
    assert list(cells) == [2, 6, 10, 14, 18, 22, 26, 30, 34, 38]  # the cell under each pixel's centre
    for layer, ids in enumerate(part.neuron_ids):
        for k, j in enumerate(ids):
            np.testing.assert_array_equal(part.neurons[layer][k], full.neurons[layer][j][np.ix_(cells, cells)])
            np.testing.assert_array_equal(part.neuron_image(layer, int(j)), part.neurons[layer][k])
    assert part.neuron_image(1, 4) is None and part.neuron_image(2, 0) is None  # not asked for: not made
    np.testing.assert_array_equal(full.output, part.output)  # the picture itself is the whole network's
    np.testing.assert_array_equal(full.neuron_image(1, 29), full.neurons[1][29])  # every neuron's: by position


def test_an_image_never_has_more_cells_than_the_grid_and_a_request_for_another_network_gets_every_neuron(trained):
    g = GridEvaluator(trained.network, trained.spec.features, trained.dataset.domain(), 12)
    big = g.evaluate(NeuronRequest.of([(0,), (0,), (0,), (0,)], 96))
    assert big.neurons[1].shape == (1, 12, 12)
    other = g.evaluate(NeuronRequest.of([(0,), (40,), (0,), (0,)], 6))  # neuron 40 of a layer of 30
    assert [len(a) for a in other.neurons] == [2, 30, 5, 1] and other.neurons[1].shape[1:] == (6, 6)
    assert [len(a) for a in g.evaluate(NeuronRequest.of([(0,), (1,)], 6)).neurons] == [2, 30, 5, 1]
    assert g.evaluate(False).neurons == ()


def test_requested_images_of_a_known_grid():
    values = np.arange(2 * 16, dtype=np.float32).reshape(2, 16)  # two neurons on a 4 × 4 grid
    images, ids = requested_images([values], 4, NeuronRequest.of([(1,)], 2))
    np.testing.assert_array_equal(images[0], [[[21, 23], [29, 31]]])  # rows 1 and 3, columns 1 and 3
    assert list(ids[0]) == [1]


def test_a_snapshot_carries_the_requested_images(trained):
    s = trained.snapshot(grid_resolution=20, with_neurons=NeuronRequest.of([(0, 1), (5,), (), (0,)], 8))
    assert [len(a) for a in s.grid.neurons] == [2, 1, 0, 1] and s.grid.neurons[1].shape == (1, 8, 8)


def test_the_detail_neuron_gets_a_larger_image_too(trained):
    g = GridEvaluator(trained.network, trained.spec.features, trained.dataset.domain(), 60)
    full = g.evaluate(True)
    out = g.evaluate(NeuronRequest.of([(), (0,), (), ()], 6, detail=(1, 17), detail_size=30))
    layer, neuron, image = out.detail
    cells = sample_cells(60, 30)
    assert (layer, neuron) == (1, 17) and image.shape == (30, 30) and not image.flags.writeable
    np.testing.assert_array_equal(image, full.neurons[1][17][np.ix_(cells, cells)])
    assert out.neuron_image(1, 17) is None  # not drawn as a thumbnail: only its detail is made
    assert g.evaluate(NeuronRequest.of([(), (0,), (), ()], 6, detail=(1, 30))).detail is None  # no such neuron
    assert g.evaluate(NeuronRequest.of([(), (0,), (), ()], 6)).detail is None
