"""The Lessons menu and dock: a lesson loads its experiment, shows its text beside it, brings its view
forward and outlines it, and its variants and action work."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMenu
from window_helpers import make_window, wait_snapshot

from playground.ui import lessons as lessons_module

FOLDER = Path(__file__).resolve().parents[2] / "resources" / "lessons"


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(lessons_module, "lessons_folder", lambda: FOLDER)
    w = make_window(qtbot, tmp_path)
    yield w
    w.close()


def test_the_lessons_menu_opens_a_lesson_beside_its_experiment(qtbot, window):
    w = window
    titles = [a.text() for a in w.menuBar().actions()]
    assert titles.index("&Lessons") == titles.index("&Help") - 1
    view = next(m for m in w.menuBar().findChildren(QMenu) if m.title() == "&View")
    assert [a.text() for a in view.actions()[:3]] == ["Lesson", "Loss surface", "Backprop inspector"]
    assert w.file_menu.actions()[0].text() == "&New"  # the other menus are untouched
    actions = w.lessons.menu.actions()
    assert len(actions) == 10 and actions[6].text() == "7. Vanishing gradients"
    actions[6].trigger()
    lesson = w.lessons.lesson
    assert w.spec == lesson.variants[0].spec and w.spec.network.activations == ("sigmoid",) * 8
    assert w.lessons.dock.isVisible()
    assert "Lesson 7 of 10: Vanishing gradients" == w.lessons.title.text()
    assert lesson.text[1][:40] in w.lessons.body.text() and "Think about it" in w.lessons.question.text()
    assert w.gradient_dock.isVisible() and w.lessons.outline.parent() is w.gradient_dock.widget()
    w.lessons.variant_buttons[1].click()  # the ReLU stack
    assert w.spec.network.activations == ("relu",) * 8 and w.lessons.variant_buttons[1].isChecked()
    wait_snapshot(qtbot, w, lambda s: s.spec.network.activations == ("relu",) * 8)


def test_the_backward_pass_lesson_opens_the_inspector_and_the_learning_rates_race(qtbot, window, monkeypatch):
    from playground.ui import loss_surface
    monkeypatch.setattr(loss_surface, "RACE_EPOCHS", 3)
    w = window
    assert w.lessons.open(2)
    assert w.inspector.dock.isVisible()
    insp = w.inspector.panel.inspection
    assert insp is not None and insp.rows.tolist() == [0] and insp.batches == 0
    assert w.lessons.next_button.isEnabled() and w.lessons.previous_button.isEnabled()
    assert w.lessons.open(3)  # gradient descent and the learning rate: its three rates side by side
    assert list(w.loss_surface.race.paths) == ["learning rate 0.003", "learning rate 0.03", "learning rate 3"]
    assert len(w.loss_surface.view.paths) == 3 and w.loss_surface.dock.isVisible()
