"""Fuzzed experiment files: whatever the bytes, loading either works or raises ProjectError."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from io_test_helpers import make_trainer

from playground.core.io.project import ProjectError, dumps_project, loads_project
from playground.core.trainer import Trainer

_trainer = make_trainer("cross_entropy_k4", (3,), "relu", optimizer="adam", batch_size=6)
_trainer.train(1)
_trainer.step_batch()
GOOD_TEXT = dumps_project(_trainer)
GOOD = json.loads(GOOD_TEXT)


def _paths(node, prefix=()):
    """Every path into the document (keys and list indices)."""
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node[:4]):  # a few elements of each list are enough
            yield from _paths(v, (*prefix, i))


PATHS = [p for p in _paths(GOOD) if p]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)


def _load(text: str) -> None:
    try:
        trainer = loads_project(text, source="fuzz.playground.json")
    except ProjectError as exc:
        message = str(exc)
        assert message.startswith("fuzz.playground.json: ") and "\n" not in message
    else:
        assert isinstance(trainer, Trainer)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(PATHS), value=json_values, delete=st.booleans())
def test_replacing_or_deleting_any_value_raises_only_project_error(path, value, delete):
    doc = json.loads(GOOD_TEXT)
    node = doc
    for key in path[:-1]:
        node = node[key]
    if delete and isinstance(node, dict):
        del node[path[-1]]
    else:
        node[path[-1]] = value
    _load(json.dumps(doc))


@settings(max_examples=80, deadline=None)
@given(cut=st.integers(0, len(GOOD_TEXT)))
def test_truncated_text_raises_only_project_error(cut):
    _load(GOOD_TEXT[:cut])


@settings(max_examples=80, deadline=None)
@given(pos=st.integers(0, len(GOOD_TEXT) - 1), junk=st.text(min_size=1, max_size=3))
def test_corrupted_characters_raise_only_project_error(pos, junk):
    _load(GOOD_TEXT[:pos] + junk + GOOD_TEXT[pos + len(junk):])
