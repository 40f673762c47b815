"""100 epochs from a link give TensorFlow Playground's own training and test losses, quirks included.

The page carries a partial batch into the next epoch, and with L1 a weight that crosses zero dies
(``page_quirks``); links with either or both are among the fixtures. The 8-8-5 ReLU spiral link is
left out: its run is chaotic, so last-bit differences (numpy's summation order and sine against the
browser's) grow past 1e-9 after about 30 epochs.
"""

from __future__ import annotations

import numpy as np
import pytest
from tfpg_fixtures import link_id, page_fixtures, page_links

from playground.core import epoch_pieces
from playground.core.io.project import dumps_project, loads_project
from playground.core.page_quirks import PageBatches
from playground.core.reference_network import ReferenceNetwork, page_step
from playground.core.tfpg_data import page_experiment
from playground.core.tfpg_link import open_link
from playground.core.trainer import Trainer

CHAOTIC = {"spiral-0.77777"}
COMPARABLE = [f for f in page_links() if link_id(f) not in CHAOTIC]
# batch 13 on 250 rows (3 carried) with L1 that kills links; batch 7 on 600 rows (5 carried) with L2
BOTH_QUIRKS, CARRY_L2 = "circle-0.2468", "reg-plane-0.1357"


def _fixture(name: str) -> dict:
    return next(f for f in page_links() if link_id(f) == name)


def _link_trainer(fixture: dict) -> Trainer:
    spec, _ = open_link(fixture["link"])
    data, weights = page_experiment(spec)
    trainer = Trainer(spec, data)
    trainer.load_weights(weights)
    return trainer


def test_enough_links_take_part():
    ids = {link_id(f) for f in COMPARABLE}
    assert len(ids) >= 12
    # L2, regression, initZero; a carried batch, L1, both
    assert {"gauss-0.5", "reg-gauss-0.27183", "circle-0.00001", "spiral-0.6", "xor-0.98765", BOTH_QUIRKS,
            CARRY_L2} <= ids
    carried = [f for f in COMPARABLE if f["split_index"] % open_link(f["link"])[0].training.batch_size]
    l1 = [f for f in COMPARABLE if open_link(f["link"])[0].training.regularization == "l1"]
    assert len(carried) >= 3 and len(l1) >= 3


@pytest.mark.parametrize("fixture", COMPARABLE, ids=link_id)
def test_100_epochs_give_the_pages_losses(fixture):
    trainer = _link_trainer(fixture)
    train, test = [trainer.train_loss], [trainer.test_loss]
    for _ in range(page_fixtures()["epochs"]):
        trainer.step_epoch()
        train.append(trainer.train_loss)
        test.append(trainer.test_loss)
    np.testing.assert_allclose(train, fixture["losses"]["train"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(test, fixture["losses"]["test"], rtol=0, atol=1e-9)


def test_links_die_on_the_l1_link():
    trainer = _link_trainer(_fixture(BOTH_QUIRKS))
    trainer.train(100)
    dead = trainer.page.dead.dead()
    assert len(dead) >= 3
    assert np.all(trainer.network.params[dead] == 0.0)


def test_the_page_layout_carries_the_rows_after_the_last_full_batch():
    batches = PageBatches()
    x, t, order = np.arange(20.0).reshape(10, 2), np.arange(10.0).reshape(10, 1), np.arange(10)
    assert batches.fill(x, t, order, 4) == [4, 4]  # the first epoch: rows 8 and 9 in no batch
    assert batches.xs[:, 0].tolist() == [0, 2, 4, 6, 8, 10, 12, 14]
    assert batches.end_epoch(order) is True and batches.carried.tolist() == [8, 9]
    assert batches.fill(x, t, order, 4) == [6, 4]  # they join the next epoch's first batch
    assert batches.ts[:, 0].tolist() == [8, 9, *range(8)]
    assert batches.end_epoch(order) is False and batches.carried.tolist() == [8, 9]


@pytest.mark.parametrize("name", [BOTH_QUIRKS, CARRY_L2])
def test_the_trainer_follows_the_reference_networks_page_steps(name):
    trainer = _link_trainer(_fixture(name))
    spec = trainer.spec
    ref = ReferenceNetwork.from_state(trainer.network.state_dict(), spec.network.activations, trainer.head)
    alive = tuple(np.ones(layer.weight.shape, dtype=bool) for layer in ref.layers)
    layout = PageBatches()
    layout.batch = spec.training.batch_size
    order = np.arange(trainer.dataset.n_train)
    x, t = trainer.x_train[:, :-1], trainer.t_train
    for _ in range(12):
        trainer.step_epoch()
        rows, sizes = layout.layout(order, spec.training.batch_size)
        for start, size in zip(np.cumsum([0, *sizes[:-1]]), sizes, strict=True):
            batch = rows[start:start + size]
            ref, alive = page_step(ref, x[batch], t[batch], spec.training, alive)
        layout.end_epoch(order)
    for name_, value in ref.state_dict().items():
        np.testing.assert_allclose(trainer.network.state_dict()[name_], value, rtol=0, atol=1e-12, err_msg=name_)
    assert sum(int((~a).sum()) for a in alive) == len(trainer.page.dead.dead())


def test_a_saved_link_run_resumes_exactly():
    whole = _link_trainer(_fixture(BOTH_QUIRKS))
    whole.train(30)
    for _ in range(5):
        whole.step_batch()  # mid-epoch, with rows carried and links dead
    assert len(whole.page.batches.carried) == 3 and len(whole.page.dead.dead()) > 0
    reopened = loads_project(dumps_project(whole))
    assert np.array_equal(reopened.page.batches.carried, whole.page.batches.carried)
    assert np.array_equal(reopened.page.dead.dead(), whole.page.dead.dead())
    whole.train(20)
    reopened.train(20)
    assert np.array_equal(reopened.network.params, whole.network.params)
    assert reopened.train_loss == whole.train_loss


def test_pieced_and_batch_by_batch_epochs_follow_the_page_too(monkeypatch):
    fixture = _fixture(BOTH_QUIRKS)
    by_batch = _link_trainer(fixture)
    while by_batch.epoch < 20:
        by_batch.step_batch()
    monkeypatch.setattr(epoch_pieces, "PIECE_WORK", 2_000)  # every epoch in pieces of a few rows
    pieced = _link_trainer(fixture)
    assert pieced._pieces is not None
    pieced.train(20)
    losses = fixture["losses"]["train"][20]
    assert abs(by_batch.train_loss - losses) < 1e-9 and abs(pieced.train_loss - losses) < 1e-9


@pytest.mark.parametrize("name", ["circle-0.12345", BOTH_QUIRKS, "circle-0.00001"])  # the last has initZero
def test_a_link_experiment_starts_and_resets_with_the_pages_weights(name):
    fixture = _fixture(name)
    spec, _ = open_link(fixture["link"])
    trainer = Trainer(spec)  # no weights loaded: the trainer draws the page's own
    for expected in [fixture["weights"], *fixture["resets"]]:
        state = trainer.network.state_dict()
        for key, value in expected.items():
            assert np.array_equal(state[key], np.array(value).reshape(state[key].shape)), key
        trainer.train(3)
        trainer.reset_weights()  # the page's Reset: the next network from its stream
    assert trainer.epoch == 0 and trainer.init_count == 3


def test_reset_continues_the_pages_stream_after_reopening():
    fixture = _fixture(BOTH_QUIRKS)
    trainer = _link_trainer(fixture)
    trainer.reset_weights()
    reopened = loads_project(dumps_project(trainer))
    reopened.reset_weights()
    state = reopened.network.state_dict()
    for key, value in fixture["resets"][1].items():
        assert np.array_equal(state[key], np.array(value).reshape(state[key].shape)), key
