"""Fuzzed experiment files: whatever the bytes, loading either works or raises ProjectError."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from io_test_helpers import damage, document_paths, json_values, make_trainer

from playground.core.io.project import ProjectError, dumps_project, loads_project
from playground.core.trainer import Trainer

_trainer = make_trainer("cross_entropy_k4", (3,), "relu", optimizer="adam", batch_size=6)
_trainer.train(1)
_trainer.step_batch()
GOOD_TEXT = dumps_project(_trainer)
GOOD = json.loads(GOOD_TEXT)


PATHS = [p for p in document_paths(GOOD) if p]


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
    _load(json.dumps(damage(json.loads(GOOD_TEXT), path, value, delete)))


@settings(max_examples=80, deadline=None)
@given(cut=st.integers(0, len(GOOD_TEXT)))
def test_truncated_text_raises_only_project_error(cut):
    _load(GOOD_TEXT[:cut])


@settings(max_examples=80, deadline=None)
@given(pos=st.integers(0, len(GOOD_TEXT) - 1), junk=st.text(min_size=1, max_size=3))
def test_corrupted_characters_raise_only_project_error(pos, junk):
    _load(GOOD_TEXT[:pos] + junk + GOOD_TEXT[pos + len(junk):])
