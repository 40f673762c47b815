"""A divergence in TensorFlow Playground's mode rolls back the dead-link mask with the weights: links
that L1 killed during the epoch that was rolled back live again, as they were before it."""

from __future__ import annotations

import numpy as np
import pytest
from builders import set_learning_rate
from tfpg_fixtures import l1_link_trainer

from playground.core import page_quirks
from playground.core.trainer import Trainer, TrainingDiverged


def _diverging(batch_size: int | None, epochs_before: int, learning_rate: float) -> Trainer:
    """The link's run after ``epochs_before`` epochs, at a learning rate that makes it diverge soon."""
    trainer = l1_link_trainer(batch_size)
    trainer.train(epochs_before)
    set_learning_rate(trainer, learning_rate)
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
