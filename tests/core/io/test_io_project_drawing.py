"""Drawn points not trainable yet in the experiment file: kept exactly beside the run, checked strictly
when read, never making a file too big to open, and ignored when absent."""

from __future__ import annotations

import json

import numpy as np
import pytest
from io_test_helpers import make_trainer

from playground.core.io.project import (
    MAX_FILE_BYTES,
    ProjectError,
    dumps_project,
    loads_project_with_drawing,
    loads_project_with_runs,
)
from playground.core.io.project_drawing import with_drawing
from playground.core.painted_data import PaintedPoints


def _one_class() -> PaintedPoints:
    return PaintedPoints(np.array([[0.1, 0.2], [1.5, -2.0], [0.3 + 1e-13, 4.0]]), np.array([1, 1, 1]),
                         np.array([True, False, True]), "classification", 3)


def test_a_drawing_round_trips_exactly_beside_the_run():
    trainer = make_trainer()
    trainer.train(2)
    text = with_drawing(dumps_project(trainer), _one_class(), MAX_FILE_BYTES)
    opened, runs, drawing = loads_project_with_drawing(text)
    assert opened.epoch == 2 and runs == ()
    want = _one_class()
    np.testing.assert_array_equal(drawing.x, want.x)
    np.testing.assert_array_equal(drawing.y, want.y)
    np.testing.assert_array_equal(drawing.train, want.train)
    assert (drawing.problem, drawing.classes) == ("classification", 3)
    assert drawing.missing() is not None  # still what it was: not trainable
    assert loads_project_with_runs(text)[0].epoch == 2  # readers without drawings open the run
    assert loads_project_with_drawing(dumps_project(trainer))[2] is None


def test_regression_and_blank_drawings_round_trip():
    trainer = make_trainer()
    for points in (PaintedPoints(np.array([[0.0, 1.0]]), np.array([-0.25]), np.array([True]), "regression", 0),
                   PaintedPoints.blank()):
        drawing = loads_project_with_drawing(with_drawing(dumps_project(trainer), points, MAX_FILE_BYTES))[2]
        np.testing.assert_array_equal(drawing.y, points.y)
        assert (drawing.problem, drawing.classes, len(drawing)) == (points.problem, points.classes, len(points))


@pytest.mark.parametrize(("change", "message"), [
    ({"problem": "ranking"}, "drawing.problem must be one of"),
    ({"classes": 9}, "drawing.classes"),
    ({"y": [1, 1, 5]}, "drawing.y must hold classes from 0 to 2"),
    ({"train": [1, 2, 0]}, "drawing.train must hold 1 (training point) or 0 (test point)"),
    ({"x": [[0.0, 1.0]]}, "drawing: x, y and train hold 1, 3 and 3 points"),
    ({"x": None}, "drawing.x"),
])
def test_a_damaged_drawing_is_refused_with_one_line_naming_it(change, message):
    text = with_drawing(dumps_project(make_trainer()), _one_class(), MAX_FILE_BYTES)
    doc = json.loads(text)
    doc["drawing"].update(change)
    with pytest.raises(ProjectError) as got:
        loads_project_with_drawing(json.dumps(doc), "exp.playground.json")
    assert message in str(got.value) and str(got.value).startswith("exp.playground.json: ")
    assert "\n" not in str(got.value)


def test_a_drawing_that_would_make_the_file_too_big_is_refused():
    text = dumps_project(make_trainer())
    with pytest.raises(ValueError, match="cannot be opened"):
        with_drawing(text, _one_class(), len(text) + 10)
