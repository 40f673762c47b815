"""The Results view: confusion matrices (train and test, counts and row percentages), the
regression scatter with R², the status bar's per-class tooltip, and the same train/test labels
in the status bar and the loss header."""

from __future__ import annotations

import gc

import numpy as np
import pytest
from builders import make_spec
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication
from window_helpers import make_window, settle, wait_snapshot

from playground.core.trainer import Trainer
from playground.ui.widgets.results_view import ResultsView, result_texts


@pytest.fixture(autouse=True)
def delete_widgets_now():
    """Delete this test's pyqtgraph widgets now, not at some later allocation (as in test_views)."""
    yield
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


def _snapshot(dataset: str, epochs: int = 10, **data):
    t = Trainer(make_spec(dataset, (6,), points=150, **data))
    t.train(epochs)
    return t.snapshot(grid_resolution=None)


def _view(qtbot) -> ResultsView:
    v = ResultsView()
    qtbot.addWidget(v)
    v.throttle.max_fps = None
    v.resize(560, 300)
    v.show()
    return v


def test_a_classification_snapshot_shows_both_confusion_matrices(qtbot):
    s = _snapshot("blobs", classes=3)
    v = _view(qtbot)
    v.show_snapshot(s)
    assert v.stack.currentIndex() == 0
    np.testing.assert_array_equal(v.train_matrix.matrix, s.results.confusion_train)
    np.testing.assert_array_equal(v.test_matrix.matrix, s.results.confusion_test)
    m = s.results.confusion_test
    i = int(np.argmax(m.sum(axis=1)))
    count, pct = v.test_matrix.cell_text(i, i).split("\n")
    assert int(count.replace(",", "")) == m[i, i]
    assert pct == f"{100 * m[i, i] / m[i].sum():.0f} %"
    image = v.test_matrix.grab().toImage()
    assert not image.isNull() and image.width() > 100  # painted without error


def test_a_regression_snapshot_shows_predicted_against_target_with_r_squared(qtbot):
    s = _snapshot("plane", 30)
    v = _view(qtbot)
    v.show_snapshot(s)
    assert v.stack.currentIndex() == 1
    x, y = v.train_scatter.getData()
    np.testing.assert_array_equal(x, s.dataset.y_train)
    np.testing.assert_array_equal(y, s.results.predicted[:s.dataset.n_train])
    assert f"{s.results.r2_test:.3f}" in v.header.text() and "R² train" in v.header.text()


def test_the_status_tooltip_has_each_classs_accuracy_train_then_test():
    s = _snapshot("blobs", classes=4)
    text, tip = result_texts(s)
    assert text == f"Accuracy train {100 * s.train_accuracy:.1f} % · test {100 * s.test_accuracy:.1f} %"
    lines = tip.splitlines()[1:]
    assert [ln.split(":")[0] for ln in lines] == ["class 0", "class 1", "class 2", "class 3"]
    m = s.results.confusion_train
    assert f"{100 * m[2, 2] / m[2].sum():.1f} %" in lines[2].split("·")[0]
    reg_text, _ = result_texts(_snapshot("plane", 5))
    assert reg_text.startswith("R² train ") and " · test " in reg_text


def test_the_window_shows_results_live_and_labels_train_and_test_alike(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path, make_spec("blobs", (4, 2), classes=3, points=200))
    try:
        w.results_dock.show()
        w.results_dock.raise_()
        w.step_action.trigger()
        s = wait_snapshot(qtbot, w, lambda s: s.epoch >= 1)
        settle(qtbot, w)
        s = w.controller.last_snapshot
        w.results_view.throttle.flush()
        w.bring_up_to_date(w.loss_plot)
        w.loss_plot.throttle.flush()  # a capped view may not have drawn the last snapshot yet
        np.testing.assert_array_equal(w.results_view.test_matrix.matrix, s.results.confusion_test)
        train, test = f"{100 * s.train_accuracy:.1f} %", f"{100 * s.test_accuracy:.1f} %"
        status = w.status.fields["accuracy"].text()
        header = w.loss_plot.hover_text()
        # Both name the train figure first and the test figure second.
        assert status.index("train") < status.index(train, status.index("train")) < status.index("test")
        assert f"train {train}" in status and f"test {test}" in status
        assert f"acc. train {train} test {test}" in header
    finally:
        w.close()


def test_an_unchanged_confusion_matrix_is_not_painted_again(qtbot):
    """Late in a run most snapshots classify every point as the last one did: nothing to repaint."""
    s = _snapshot("blobs", classes=3)
    v = _view(qtbot)
    paints = {v.train_matrix: 0, v.test_matrix: 0}

    class Counter(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 - Qt override
            if event.type() == QEvent.Type.Paint and watched in paints:
                paints[watched] += 1
            return False

    counter = Counter()
    for m in paints:
        m.installEventFilter(counter)
    v.show_snapshot(s)
    qtbot.waitUntil(lambda: min(paints.values()) > 0)  # the first picture of both
    paints.update({m: 0 for m in paints})
    v.train_matrix.set_matrix(s.results.confusion_train.copy())  # equal values, another array
    changed = s.results.confusion_test.copy()
    changed[0, 0] += 1
    v.test_matrix.set_matrix(changed)
    qtbot.waitUntil(lambda: paints[v.test_matrix] > 0)
    assert paints[v.train_matrix] == 0
    v.train_matrix.set_matrix(changed)
    qtbot.waitUntil(lambda: paints[v.train_matrix] > 0)
