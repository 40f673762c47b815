"""Fuzzed weight files: whatever the bytes, reading either works or raises WeightFileError."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from io_test_helpers import make_trainer

from playground.core.io import weights
from playground.core.io.weights import WeightFile, WeightFileError, read_weight_file, weight_file_from_trainer

_WF = weight_file_from_trainer(make_trainer("mse_k3", (3,), "tanh"))
JSON_TEXT = weights.weights_json_text(_WF)
_buf = io.BytesIO()
weights._write_npz(_buf, _WF)
NPZ_BYTES = _buf.getvalue()

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=10,
)


def _read(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"w{suffix}"
        path.write_bytes(data)
        try:
            wf = read_weight_file(path)
        except WeightFileError as exc:
            assert str(exc).startswith(f"{path}: ") and "\n" not in str(exc)
        else:
            assert isinstance(wf, WeightFile)


@settings(max_examples=100, deadline=None)
@given(section=st.sampled_from(["metadata", "state"]), value=json_values, key=st.integers(0, 20))
def test_json_with_any_value_replaced_raises_only_weight_file_error(section, value, key):
    doc = json.loads(JSON_TEXT)
    keys = list(doc[section])
    doc[section][keys[key % len(keys)]] = value
    _read(json.dumps(doc).encode(), ".json")


@settings(max_examples=100, deadline=None)
@given(pos=st.integers(0, len(NPZ_BYTES) - 1), junk=st.binary(min_size=1, max_size=8), cut=st.booleans())
def test_corrupted_npz_raises_only_weight_file_error(pos, junk, cut):
    data = NPZ_BYTES[:pos] if cut else NPZ_BYTES[:pos] + junk + NPZ_BYTES[pos + len(junk):]
    _read(data, ".npz")
