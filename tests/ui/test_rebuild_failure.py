"""An edit whose run the training thread cannot build (a failure injected into the build) is refused:
the user reads why, the run before it goes on, its step leaves the undo history and the views update."""

from __future__ import annotations

import dataclasses

import pytest
from builders import easy_spec
from file_helpers import step_to
from session_helpers import train
from test_paint import _stroke
from window_helpers import settle
from window_helpers import wait_snapshot as wait

from playground.core import checkpoint
from playground.core.architecture_edit import AddNeuron
from playground.core.spec import DataSpec
from playground.core.trainer import Trainer
from playground.ui import training_worker


@pytest.fixture
def unbuildable(monkeypatch):
    """Every run with more than 4 neurons in its first layer, or on xor points, fails to build."""
    def refuse(spec) -> None:
        if spec.network.hidden[0] > 4 or spec.data.name == "xor":
            raise MemoryError("injected: no memory for this network")

    def build(cp, *args, **kwargs):
        refuse(cp.spec)
        return checkpoint.build_trainer(cp, *args, **kwargs)

    def trainer(spec, *args, **kwargs):  # what an opened file is built with
        refuse(spec)
        return Trainer(spec, *args, **kwargs)

    monkeypatch.setattr(training_worker, "build_trainer", build)
    monkeypatch.setattr(training_worker, "Trainer", trainer)


def test_an_edit_the_worker_cannot_build_is_refused_and_the_run_goes_on(qtbot, adam_session, unbuildable):
    train(qtbot, adam_session, 2)
    spec = adam_session.spec
    failures, messages = [], []
    adam_session.controller.failed.connect(failures.append)
    adam_session.message.connect(messages.append)
    assert adam_session.apply_architecture_edit(AddNeuron(0))  # sent; the worker fails to build it
    qtbot.waitUntil(lambda: any(m.startswith("Not applied") for m in messages))
    assert "injected: no memory" in failures[0]
    assert messages[-1].startswith("Not applied: +1 neuron in layer 1 (the training thread could not build it)")
    assert adam_session.spec == spec and adam_session.undo_stack.count() == 0 and len(adam_session.runs) == 0
    snap = wait(qtbot, adam_session, lambda snap: True)  # pictures of the current generation arrive again
    assert snap.epoch == 2 and snap.spec == spec
    train(qtbot, adam_session, 1)  # and the run goes on
    assert adam_session.controller.last_snapshot.epoch == 3
    assert adam_session.set_network(dataclasses.replace(spec.network, hidden=(3, 3))) is None  # other edits work
    wait(qtbot, adam_session, lambda snap: snap.spec.network.hidden == (3, 3))
    assert adam_session.undo_stack.count() == 1


def test_a_failed_edit_after_other_steps_leaves_them_undoable(qtbot, adam_session, unbuildable):
    train(qtbot, adam_session, 1)
    adam_session.set_data(DataSpec(name="circle", points=200))
    wait(qtbot, adam_session, lambda snap: snap.spec.data.name == "circle")
    circle = adam_session.spec
    messages = []
    adam_session.message.connect(messages.append)
    adam_session.set_data(DataSpec(name="xor", points=200))
    qtbot.waitUntil(lambda: any(m.startswith("Not applied") for m in messages))
    assert adam_session.spec == circle and adam_session.undo_stack.count() == 1
    assert adam_session.undo_stack.undoText().startswith("data changed (circle)")
    adam_session.undo_stack.undo()  # the step before it still undoes
    wait(qtbot, adam_session, lambda snap: snap.spec.data.name == "gauss")


def test_the_window_shows_why_and_its_views_update_again(qtbot, win, unbuildable):
    w, _ = win
    step_to(qtbot, w, 1)
    w.experiment.network.add_layer.click()  # a layer of 4: fine
    wait(qtbot, w, lambda s: len(s.spec.network.hidden) == 2)
    w.session.set_network(dataclasses.replace(w.spec.network, hidden=(6, 4)))
    qtbot.waitUntil(lambda: w.banner.isVisible() and "could not build" in w.banner.text)
    assert w.spec.network.hidden == (4, 4) and w.experiment.network.network.hidden == (4, 4)
    wait(qtbot, w, lambda s: True)
    step_to(qtbot, w, 2)  # the views follow the run again
    qtbot.waitUntil(lambda: w.loss_plot.test_curve.getData()[0] is not None
                    and list(w.loss_plot.test_curve.getData()[0]) == [1, 2])


def test_an_undo_the_worker_cannot_build_is_refused_too(qtbot, adam_session, monkeypatch):
    adam_session.set_data(DataSpec(name="circle", points=200))
    wait(qtbot, adam_session, lambda snap: snap.spec.data.name == "circle")
    circle = adam_session.spec

    def build(cp, *args, **kwargs):  # from now on the gauss run cannot be built again
        if cp.spec.data.name == "gauss":
            raise MemoryError("injected: no memory for this network")
        return checkpoint.build_trainer(cp, *args, **kwargs)

    monkeypatch.setattr(training_worker, "build_trainer", build)
    messages = []
    adam_session.message.connect(messages.append)
    adam_session.undo_stack.undo()
    qtbot.waitUntil(lambda: any(m.startswith("Not applied") for m in messages))
    # the step that cannot be undone is gone
    assert adam_session.spec == circle and adam_session.undo_stack.count() == 0
    snap = wait(qtbot, adam_session, lambda snap: True)
    assert snap.spec == circle


def test_an_opened_experiment_the_worker_cannot_build_leaves_the_current_one(qtbot, adam_session, unbuildable):
    train(qtbot, adam_session, 1)
    spec = adam_session.spec
    messages = []
    adam_session.message.connect(messages.append)
    adam_session.load_experiment(easy_spec((6,)))
    qtbot.waitUntil(lambda: any(m.startswith("Not applied") for m in messages))
    assert adam_session.spec == spec and len(adam_session.runs) == 0
    snap = wait(qtbot, adam_session, lambda snap: True)
    assert snap.spec == spec and snap.epoch == 1


def test_a_stroke_the_worker_cannot_build_takes_its_points_back_off_the_view(qtbot, win, monkeypatch):
    w, _ = win

    def build(cp, *args, **kwargs):  # a third class cannot be built
        if cp.spec.data.classes > 2:
            raise MemoryError("injected: no memory for this network")
        return checkpoint.build_trainer(cp, *args, **kwargs)

    monkeypatch.setattr(training_worker, "build_trainer", build)
    w.paint.draw_action.setChecked(True)
    settle(qtbot, w)
    before = w.paint.points
    w.paint.bar.class_buttons[2].click()
    _stroke(w, [(1.0, 1.0)])  # a new class: the output layer redrawn, a new run the worker cannot build
    qtbot.waitUntil(lambda: w.banner.isVisible() and "could not build" in w.banner.text)
    assert w.paint.points.same_as(before) and w.spec.data.classes == 2
    assert w.undo_stack.count() == 0
