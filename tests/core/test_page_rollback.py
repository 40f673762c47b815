"""A divergence in TensorFlow Playground's mode rolls back the dead-link mask with the weights: links
that L1 killed during the epoch that was rolled back live again, as they were before it."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from tfpg_fixtures import link_id, page_links

from playground.core import page_quirks
from playground.core.tfpg_data import page_experiment
from playground.core.tfpg_link import open_link
from playground.core.trainer import Trainer, TrainingDiverged

L1_LINK = "reg-gauss-0.4242"  # relu, regression, batch 25, L1 that kills links


def _trainer(batch_size: int | None = None) -> Trainer:
    fixture = next(f for f in page_links() if link_id(f) == L1_LINK)
    spec, _ = open_link(fixture["link"])
    if batch_size is not None:
        spec = spec.replace(training=dataclasses.replace(spec.training, batch_size=batch_size))
    data, weights = page_experiment(spec)
    trainer = Trainer(spec, data)
    trainer.load_weights(weights)
    return trainer


def _diverging(batch_size: int | None, epochs_before: int, learning_rate: float) -> Trainer:
    """The link's run after ``epochs_before`` epochs, at a learning rate that makes it diverge soon."""
    trainer = _trainer(batch_size)
    trainer.train(epochs_before)
    t = trainer.spec.training
    trainer.set_training(dataclasses.replace(t, optimizer=dataclasses.replace(t.optimizer,
                                                                             learning_rate=learning_rate)))
    return trainer


# (batch size, epochs before, learning rate): runs whose diverging epoch kills links before its loss overflows
CASES = {"mini-batches": (None, 5, 30.0), "whole set": (120, 20, 15.0)}


@pytest.mark.parametrize("case", CASES)
def test_a_rolled_back_epoch_brings_back_the_links_it_killed(case, monkeypatch):
    dead_counts: list[int] = []  # dead links after every update of the epoch under way

    def kill_crossed(params, before_l1, alive):
        page_quirks_kill(params, before_l1, alive)
        dead_counts.append(int(np.sum(alive == 0.0)))

    page_quirks_kill = page_quirks.kill_crossed
    monkeypatch.setattr(page_quirks, "kill_crossed", kill_crossed)
    trainer = _diverging(*CASES[case])
    with pytest.raises(TrainingDiverged):
        for _ in range(50):
            weights, dead = trainer.network.params.copy(), trainer.page.dead.dead()
            dead_counts.clear()
            trainer.step_epoch()
    assert max(dead_counts) > len(dead), "the diverging epoch killed no link: the case tests nothing"
    np.testing.assert_array_equal(trainer.network.params, weights)
    np.testing.assert_array_equal(trainer.page.dead.dead(), dead)
    # Several epochs at once (whole-set runs train them in one batch of calls) roll back the same way.
    again = _diverging(*CASES[case])
    with pytest.raises(TrainingDiverged):
        again.train(50)
    np.testing.assert_array_equal(again.network.params, weights)
    np.testing.assert_array_equal(again.page.dead.dead(), dead)
