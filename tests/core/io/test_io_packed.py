"""Packed arrays: bit-exact round trips, and every kind of bad packed value refused before it is inflated."""

from __future__ import annotations

import base64
import json
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground.core.io.packed import RAW_KEY, ZLIB_KEY, is_packed, pack, unpack
from playground.core.io.validate import Invalid


def _through_json(value: dict) -> dict:
    return json.loads(json.dumps(value))


def test_floats_round_trip_bit_for_bit_with_nan_infinity_and_negative_zero():
    a = np.array([[0.1, -0.0, np.nan], [np.inf, -np.inf, 5e-324], [1.7976931348623157e308, -1.0, 2.0]])
    packed = _through_json(pack(a))
    assert packed["dtype"] == "float64" and packed["shape"] == [3, 3] and RAW_KEY in packed
    back = unpack(packed, "p", "float64", (None, 3), 10)
    assert back.tobytes() == a.tobytes() and back.flags.writeable


def test_whole_numbers_are_compressed_and_round_trip():
    epochs = np.arange(1, 200_001, dtype=np.int64)
    packed = _through_json(pack(epochs))
    assert ZLIB_KEY in packed and len(packed[ZLIB_KEY]) < epochs.nbytes / 3
    assert np.array_equal(unpack(packed, "p", "int64", (None,), 200_000), epochs)


def test_float32_values_are_stored_exactly_as_float64():
    a = np.array([0.1, 1e-30], dtype=np.float32)
    assert np.array_equal(unpack(pack(a), "p", "float64", (2,), 2), a.astype(np.float64))


def _packed_ints(data: bytes, shape: list[int]) -> dict:
    return {"dtype": "int64", "shape": shape, ZLIB_KEY: base64.b64encode(data).decode()}


@pytest.mark.parametrize(("value", "message"), [
    ([1.0, 2.0], "must be a packed array"),
    ({"dtype": "float64", "shape": [2]}, "exactly one of base64 and zlib_base64"),
    ({**pack(np.zeros(2)), ZLIB_KEY: "AAAA"}, "exactly one of"),
    ({**pack(np.zeros(2)), "extra": 1}, "unexpected extra"),
    ({**pack(np.zeros(2)), "dtype": "float16"}, "dtype must be 'float64'"),
    ({**pack(np.zeros(2)), "shape": [2, 1]}, "shape must be a list of 1 whole numbers"),
    ({**pack(np.zeros(2)), "shape": [2.0]}, "shape must be a list of 1 whole numbers"),
    ({**pack(np.zeros(2)), "shape": [3]}, r"has shape \(3,\), needs \(2\)"),
    ({**pack(np.zeros(2)), RAW_KEY: 5}, "base64 must be text"),
    ({**pack(np.zeros(2)), RAW_KEY: "A" * 23 + "!"}, "not valid base64"),
    ({**pack(np.zeros(2)), RAW_KEY: "AAAA"}, "does not hold exactly the 2 numbers"),
])
def test_bad_packed_floats_are_refused_naming_the_path(value, message):
    with pytest.raises(Invalid, match=message) as info:
        unpack(value, "state.weights.w", "float64", (2,), 10)
    assert str(info.value).startswith("state.weights.w")


def test_a_shape_beyond_the_allowed_rows_is_refused():
    with pytest.raises(Invalid, match=r"has shape \(11, 2\), needs \(0\.\.10, 2\)"):
        unpack(pack(np.zeros((11, 2))), "dataset.x_train", "float64", (None, 2), 10)


@pytest.mark.parametrize(("data", "shape", "message"), [
    (b"not zlib at all", [2], "corrupt"),
    (zlib.compress(np.arange(3, dtype="<i8").tobytes())[:-4], [3], "does not hold exactly"),  # cut short
    (zlib.compress(np.arange(3, dtype="<i8").tobytes()), [2], "does not hold exactly"),  # longer than shape
    (zlib.compress(np.arange(2, dtype="<i8").tobytes()) + b"junk", [2], "does not hold exactly"),
])
def test_bad_zlib_data_is_refused(data, shape, message):
    with pytest.raises(Invalid, match=message):
        unpack(_packed_ints(data, shape), "h.epochs", "int64", (None,), 10)


def test_a_compression_bomb_is_never_inflated_past_its_declared_size(monkeypatch):
    bomb = zlib.compress(bytes(64 * 2**20), 9)  # 64 MB of zeros in 64 kB
    inflated: list[int] = []
    real = zlib.decompressobj

    class Counting:
        def __init__(self) -> None:
            self._d = real()
            self.eof, self.unconsumed_tail, self.unused_data = False, b"", b""

        def decompress(self, data: bytes, max_length: int) -> bytes:
            out = self._d.decompress(data, max_length)
            inflated.append(len(out))
            self.eof, self.unconsumed_tail, self.unused_data = (self._d.eof, self._d.unconsumed_tail,
                                                                 self._d.unused_data)
            return out
    monkeypatch.setattr(zlib, "decompressobj", Counting)
    with pytest.raises(Invalid, match="does not hold exactly the 4 numbers"):
        unpack(_packed_ints(bomb, [4]), "state.epoch_order", "int64", (None,), 100)
    assert sum(inflated) <= 4 * 8 + 1


def test_is_packed():
    assert is_packed(pack(np.zeros(3))) and is_packed(pack(np.arange(3)))
    assert not is_packed([1, 2]) and not is_packed({"dtype": "float64"})


@settings(max_examples=200, deadline=None)
@given(dtype=st.sampled_from(["float64", "int64", "float32", 7]),
       shape=st.lists(st.integers(-3, 2**40) | st.floats(), max_size=3),
       key=st.sampled_from([RAW_KEY, ZLIB_KEY]),
       data=st.binary(max_size=64) | st.just(zlib.compress(bytes(64))),
       encode=st.booleans())
def test_any_packed_value_gives_an_array_or_invalid(dtype, shape, key, data, encode):
    value = {"dtype": dtype, "shape": shape, key: base64.b64encode(data).decode() if encode else data.hex()}
    try:
        arr = unpack(value, "p", "int64", (None, 8), 100)
    except Invalid as exc:
        assert str(exc).startswith("p") and "\n" not in str(exc)
    else:
        assert arr.shape[1:] == (8,) and arr.shape[0] <= 100
