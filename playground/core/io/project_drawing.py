"""Drawn points that cannot be trained on yet, kept in the experiment file beside the run.

While a drawing misses something (one class only, too few points), the worker goes on with
the last points it could train on, and that is what the file's ``dataset`` and ``state``
hold. So that Save keeps what the person drew, the file may carry the drawing too, under
``"drawing"`` (optional; readers that do not know it ignore it and open the run)::

    "drawing": {"problem": "classification", "classes": 2,
                "x": [[x1, x2], ...], "y": [class or value, ...], "train": [1 or 0, ...]}

Large arrays are packed as elsewhere in the file. Opening the file shows the drawing again,
and Play says what it misses.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from playground.core.io import json_text
from playground.core.io.project_arrays import array_value, numbers, whole_numbers
from playground.core.io.validate import Invalid, check_int
from playground.core.painted_data import PaintedPoints
from playground.core.spec import MAX_CLASSES, MAX_POINTS, PROBLEMS

KEY = "drawing"


def drawing_value(points: PaintedPoints) -> dict[str, Any]:
    """``points`` as the file stores them."""
    return {"problem": points.problem, "classes": int(points.classes), "x": array_value(points.x),
            "y": array_value(points.y), "train": array_value(points.train.astype(np.int64))}


def with_drawing(text: str, points: PaintedPoints, max_bytes: int) -> str:
    """An experiment file's ``text`` (a JSON object) with ``points`` added as its last key;
    ``ValueError`` when that would pass ``max_bytes`` (a file that would not open again)."""
    value = json_text.dumps(drawing_value(points))
    out = f'{text.rstrip()[:-1].rstrip()},\n  "{KEY}": {value}\n}}\n'
    size = len(out) if out.isascii() else len(out.encode("utf-8"))
    if size > max_bytes:
        raise ValueError(f"with the drawn points the file would take {size / 2**20:.0f} MB; experiment files "
                         f"over {max_bytes // 2**20} MB cannot be opened (erase some points, or leave runs out)")
    return out


def read_drawing(doc: dict[str, Any], version: int) -> PaintedPoints | None:
    """The drawing an experiment file's ``doc`` carries, checked; None when it has none.
    Raises ``Invalid`` naming the first problem."""
    d = doc.get(KEY)
    if d is None:
        return None
    if not isinstance(d, dict):
        raise Invalid(f"{KEY} must be a JSON object")
    problem = d.get("problem")
    if problem not in PROBLEMS:
        raise Invalid(f"{KEY}.problem must be one of {', '.join(PROBLEMS)}, got {str(problem)[:40]!r}")
    classification = problem == "classification"
    classes = d.get("classes")
    check_int(classes, f"{KEY}.classes", 2 if classification else 0, MAX_CLASSES if classification else 0)
    for key in ("x", "y", "train"):
        if key not in d:
            raise Invalid(f"{KEY}.{key} is missing")
    x = numbers(d["x"], f"{KEY}.x", (None, 2), MAX_POINTS, version, "drawn points")
    y = (whole_numbers(d["y"], f"{KEY}.y", MAX_POINTS, version) if classification
         else numbers(d["y"], f"{KEY}.y", (None,), MAX_POINTS, version, "drawn points"))
    train = whole_numbers(d["train"], f"{KEY}.train", MAX_POINTS, version)
    if not len(x) == len(y) == len(train):
        raise Invalid(f"{KEY}: x, y and train hold {len(x)}, {len(y)} and {len(train)} points; they must agree")
    if ((train != 0) & (train != 1)).any():
        raise Invalid(f"{KEY}.train must hold 1 (training point) or 0 (test point)")
    if classification and len(y) and (y.min() < 0 or y.max() >= classes):
        raise Invalid(f"{KEY}.y must hold classes from 0 to {classes - 1}")
    return PaintedPoints(x, y, train.astype(bool), problem, classes)
