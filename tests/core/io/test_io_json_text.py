"""The readable JSON writer: one row of numbers a line, exact floats, and no NaN."""

from __future__ import annotations

import json

import numpy as np
import pytest

from playground.core.io import json_text


def reference_dumps(obj, indent=0):
    """The writer's layout spelled out one element at a time (what the fast paths must match)."""
    pad = "  " * (indent + 1)
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = (f"{pad}{json.dumps(str(k))}: {reference_dumps(v, indent + 1)}" for k, v in obj.items())
        return "{\n" + ",\n".join(items) + "\n" + "  " * indent + "}"
    if isinstance(obj, list) and obj and all(isinstance(v, (list, dict)) for v in obj):
        return "[\n" + ",\n".join(pad + reference_dumps(v, indent + 1) for v in obj) + "\n" + "  " * indent + "]"
    return json.dumps(obj, allow_nan=False, separators=(", ", ": "))


CASES = {
    "rows of floats": [[0.1, 2.0, -3.5e-300], [1e308, 0.0, 7.0]],
    "rows with nulls and ints": [[None, 1, 2.5], [3, None, 4]],
    "rows with strings that look like row breaks": [["a], [b", "x"], ["[", "]"]],
    "deeper lists": [[[1.0, 2.0], [3.0]], [[4.0]]],
    "an empty row": [[], [1.0]],
    "rows and objects": [[1.0], {"a": [[1.0, 2.0], [3.0, 4.0]]}],
    "a document": {"history": {"loss": [0.5, None, 0.25], "grad_norms": [[0.1, 0.2], [0.3, 0.4]]},
                   "name": "spiral", "points": [[0.5, -1.0], [2.0, 3.0]], "empty": {}, "none": []},
}


@pytest.mark.parametrize("obj", CASES.values(), ids=CASES.keys())
def test_layout_matches_one_element_at_a_time(obj):
    text = json_text.dumps(obj)
    assert text == reference_dumps(obj)
    assert json.loads(text) == obj


def test_floats_round_trip_bit_for_bit():
    values = np.random.default_rng(0).standard_normal((50, 7)) * 10.0 ** np.arange(-3, 4)
    back = np.array(json.loads(json_text.dumps(json_text.plain(values))))
    np.testing.assert_array_equal(back, values)


@pytest.mark.parametrize("bad", [[[1.0, float("nan")]], [float("inf")], {"a": [[1.0], [float("-inf")]]}])
def test_nan_and_infinity_are_refused(bad):
    with pytest.raises(ValueError):
        json_text.dumps(bad)


def test_plain_converts_numpy_inside_lists_and_keeps_plain_columns():
    column = [0.5, 1, None, "x", True]
    assert json_text.plain(column) == column
    assert json_text.plain((1.0, 2.0)) == [1.0, 2.0]
    assert json_text.plain([np.float64(0.5), np.arange(2)]) == [0.5, [0, 1]]
    assert type(json_text.plain([np.float64(0.5)])[0]) is float
