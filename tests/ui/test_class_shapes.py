"""With more than two classes, a point's class shows in its shape as well as its colour."""

from __future__ import annotations

import numpy as np
from builders import make_spec

from playground.core.trainer import Trainer
from playground.ui.palette import CLASS_GLYPHS, CLASS_SYMBOLS, class_symbols
from playground.ui.widgets.boundary_view import BoundaryView
from playground.ui.widgets.results_view import row_labels


def _shown(qtbot, dataset: str, **data) -> tuple[BoundaryView, object]:
    snapshot = Trainer(make_spec(dataset, (3,), points=120, **data)).snapshot(grid_resolution=10)
    view = BoundaryView()
    qtbot.addWidget(view)
    view.show_snapshot(snapshot)
    qtbot.waitUntil(lambda: not view.drawing_points)
    return view, snapshot.dataset


def test_eight_classes_have_eight_shapes_and_their_glyphs():
    assert len(set(CLASS_SYMBOLS)) == len(set(CLASS_GLYPHS)) == len(CLASS_SYMBOLS) == 8
    assert list(class_symbols(np.array([2, 0, 7]), 8)) == [CLASS_SYMBOLS[2], CLASS_SYMBOLS[0], CLASS_SYMBOLS[7]]
    assert class_symbols(np.array([0, 1]), 2) == "o"


def test_the_boundary_draws_each_classs_points_in_its_shape(qtbot):
    view, d = _shown(qtbot, "blobs", classes=4)
    assert list(view.train_points.data["symbol"]) == [CLASS_SYMBOLS[k] for k in d.y_train]
    assert list(view.test_points.data["symbol"]) == [CLASS_SYMBOLS[k] for k in d.y_test]
    assert len(set(view.train_points.data["symbol"])) == 4


def test_two_classes_keep_round_dots(qtbot):
    view, _ = _shown(qtbot, "xor")
    for item in (view.train_points, view.test_points):  # a point without a symbol of its own has the item's
        assert {s or item.opts["symbol"] for s in item.data["symbol"]} == {"o"}


def test_the_confusion_matrix_rows_name_each_classs_shape():
    assert row_labels(3) == [f"{CLASS_GLYPHS[i]} true {i}" for i in range(3)]
    assert row_labels(2) == ["true 0", "true 1"]
