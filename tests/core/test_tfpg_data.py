"""A link's points, split and initial weights equal TensorFlow Playground's own, to the last bit.

The expected numbers come from the page's code (``tests/data/tfpg/make_fixtures.js``): ten links
covering its six datasets, noise, training ratios, hidden inputs, no hidden layer, initZero and
several seeds.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from tfpg_fixtures import link_id, page_links

from playground.core.datasets import labels_to_tf, make_dataset
from playground.core.spec import DataSpec, ExperimentSpec, SpecError
from playground.core.tfpg_data import page_experiment
from playground.core.tfpg_link import open_link

LINKS = page_links()


def test_the_fixtures_cover_what_the_issue_asks_for():
    links = "&".join(f["link"] for f in LINKS)
    for needed in ("dataset=circle", "dataset=xor", "dataset=gauss", "dataset=spiral", "regDataset=reg-plane",
                   "regDataset=reg-gauss", "initZero=true", "networkShape=&", "_hide=true", "noise=25",
                   "regularization=L1", "regularization=L2", "percTrainData=30"):
        assert needed in links, needed
    assert len({f["seed"] for f in LINKS}) == len(LINKS) >= 8


@pytest.mark.parametrize("fixture", LINKS, ids=link_id)
def test_points_split_and_weights_are_the_pages(fixture):
    spec, _ = open_link(fixture["link"])
    data, weights = page_experiment(spec)
    points = np.concatenate([data.x_train, data.x_test])
    labels = np.concatenate([data.y_train, data.y_test])
    if data.is_classification:
        labels = labels_to_tf(labels, 2)
    assert data.n_train == fixture["split_index"]
    assert np.array_equal(points, np.array(fixture["points"]))
    assert np.array_equal(labels, np.array(fixture["labels"], dtype=np.float64))
    assert sorted(weights) == sorted(fixture["weights"])
    for name, value in weights.items():
        expected = np.array(fixture["weights"][name], dtype=np.float64).reshape(value.shape)
        assert np.array_equal(value, expected), name


@pytest.mark.parametrize("fixture", LINKS[:3], ids=link_id)
def test_make_dataset_draws_the_pages_points_for_a_page_seed(fixture):
    spec, _ = open_link(fixture["link"])
    assert make_dataset(spec.data).same_points(page_experiment(spec)[0])


def test_the_page_seed_is_saved_with_the_experiment():
    spec, _ = open_link(LINKS[0]["link"])
    again = ExperimentSpec.from_json(spec.to_json())
    assert again == spec and again.data.page_seed == "0.12345"


def test_files_without_a_page_seed_still_load():
    old = ExperimentSpec().to_dict()
    del old["data"]["page_seed"]  # as saved before the page's generator existed
    assert ExperimentSpec.from_dict(json.loads(json.dumps(old))).data.page_seed is None


@pytest.mark.parametrize(("changes", "message"), [
    ({"name": "moons"}, "data.name: TensorFlow Playground's generator has only"),
    ({"points": 100}, "data.points: TensorFlow Playground's generator makes its own number of points"),
    ({"page_seed": ""}, "data.page_seed: must be a non-empty text"),
    ({"page_seed": 12345}, "data.page_seed: must be a non-empty text"),
])
def test_a_page_seed_needs_the_pages_datasets_and_sizes(changes, message):
    with pytest.raises(SpecError, match=message):
        DataSpec(**{"name": "circle", "page_seed": "0.1", **changes})


def test_the_split_follows_the_pages_rounding():
    spec, _ = open_link("#dataset=xor&seed=1&percTrainData=64.6")
    assert page_experiment(spec)[0].n_train == 322  # the page's Math.floor(500 * 64.6 / 100); 0.646 · 500 is 323
