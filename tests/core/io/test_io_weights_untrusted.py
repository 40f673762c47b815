"""Weight files built to hurt: zip bombs, lying headers, wrong dtypes and JSON non-numbers get one clear line
and never make reading allocate more than the network's weights."""

from __future__ import annotations

import io
import json
import os
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest
from io_test_helpers import make_trainer
from numpy.lib import format as npy_format

from playground.core.io import npz_reading, weights
from playground.core.io.weight_checks import expected_shapes
from playground.core.io.weights import (
    WeightFile,
    WeightFileError,
    read_weight_file,
    weight_file_from_trainer,
    write_weights,
)
from playground.core.spec import FEATURES, MAX_CLASSES, MAX_HIDDEN_LAYERS, MAX_NEURONS


@pytest.fixture(scope="module")
def good() -> WeightFile:
    """Layer sizes [2, 3, 1]: layers.0.weight (3, 2), layers.0.bias (3,), layers.1.weight (1, 3), layers.1.bias (1,)."""
    return weight_file_from_trainer(make_trainer("mse_binary", (3,), "tanh"))


def _npy(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr, allow_pickle=True)
    return buf.getvalue()


def _npy_claiming(descr: str, shape: tuple[int, ...], data: bytes = b"") -> bytes:
    """An .npy member whose header says ``descr`` and ``shape`` whatever data follows."""
    buf = io.BytesIO()
    npy_format.write_array_header_1_0(buf, {"descr": descr, "fortran_order": False, "shape": shape})
    return buf.getvalue() + data


def _write_npz(path: Path, good: WeightFile, **members: bytes) -> Path:
    """An archive of ``good``'s metadata and weights, with some members replaced by raw .npy bytes."""
    entries = {"metadata": _npy(np.array(json.dumps(good.metadata)))}
    entries.update({name: _npy(np.array(arr)) for name, arr in good.state.items()})
    entries.update({name.replace("__", "."): data for name, data in members.items()})
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(f"{name}.npy", data)
    return path


def _refused(path: Path, message: str) -> str:
    with pytest.raises(WeightFileError, match=message) as info:
        read_weight_file(path)
    text = str(info.value)
    assert text.startswith(f"{path}: ") and "\n" not in text
    return text


def test_a_header_claiming_10_to_the_12_elements_is_refused_without_allocating(good, tmp_path):
    path = _write_npz(tmp_path / "w.npz", good, layers__0__weight=_npy_claiming("<f8", (10**12,)))
    _refused(path, r"layers\.0\.weight has shape \(1000000000000,\), layer sizes \[2, 3, 1\] need \(3, 2\)")


def test_a_compressed_member_of_zeros_is_refused_before_it_is_unpacked(good, tmp_path):
    big = 64 * 2**20  # 64 MB of zeros deflate to about 64 kB
    member = _npy_claiming("<f8", (big // 8 // 2, 2), bytes(big))
    path = _write_npz(tmp_path / "w.npz", good, layers__0__weight=member)
    assert path.stat().st_size < 2**20
    tracemalloc.start()
    try:
        _refused(path, r"layers\.0\.weight has shape \(4194304, 2\)")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2**20  # the archive's bytes and headers, never the 64 MB


def test_a_member_larger_than_its_header_says_is_refused(good, tmp_path):
    member = _npy(np.zeros((3, 2))) + bytes(2**20)  # the right header, then 1 MB more
    path = _write_npz(tmp_path / "w.npz", good, layers__0__weight=member)
    _refused(path, r"layers\.0\.weight is damaged: the entry unpacks to 1,048,\d+ bytes, its header describes 176")


def test_a_truncated_member_is_refused(good, tmp_path):
    path = _write_npz(tmp_path / "w.npz", good, layers__0__weight=_npy(np.zeros((3, 2)))[:-8])
    _refused(path, r"layers\.0\.weight is damaged")


@pytest.mark.parametrize(("array", "words"), [
    (np.ones((3, 2), dtype=np.uint8), r"holds integers \(uint8\)"),
    (np.ones((3, 2), dtype=np.int64), r"holds integers \(int64\)"),
    (np.ones((3, 2), dtype=bool), r"holds true/false values \(bool\)"),
    (np.ones((3, 2), dtype=np.complex128), r"holds complex numbers"),
])
def test_members_that_are_not_floats_are_refused_by_name(array, words, good, tmp_path):
    path = _write_npz(tmp_path / "w.npz", good, layers__0__weight=_npy(array))
    _refused(path, rf"layers\.0\.weight {words}.*weights must be floating-point numbers")


def test_a_uint8_member_is_refused_before_conversion(good, tmp_path):
    """Half a MB of uint8 zeros claiming 2**29 elements: refused from the header, never converted to float64."""
    member = _npy_claiming("|u1", (2**29,), bytes(2**19))
    path = _write_npz(tmp_path / "w.npz", good, layers__1__bias=member)
    _refused(path, r"layers\.1\.bias holds integers \(uint8\)")


def test_a_pickled_member_is_named_and_never_unpickled(good, tmp_path):
    path = _write_npz(tmp_path / "w.npz", good, layers__1__bias=_npy(np.array([{"x": 1}], dtype=object)))
    _refused(path, r"layers\.1\.bias holds pickled objects, which are never loaded")


@pytest.mark.parametrize("tail", [b"", b"\x03\x04" + bytes(range(256)) * 4, os.urandom(300)])
def test_pk_and_random_bytes_is_not_a_zip_file_rather_than_pickled(tail, tmp_path):
    path = tmp_path / "w.npz"
    path.write_bytes(b"PK" + tail)
    text = _refused(path, "not a readable .npz archive")
    assert "pickle" not in text


def test_float32_fortran_ordered_and_big_endian_members_are_read_exactly(good, tmp_path):
    w0 = np.asfortranarray(np.arange(6, dtype=np.float32).reshape(3, 2) / 4)
    b1 = np.array([-2.5], dtype=">f8")
    path = _write_npz(tmp_path / "w.npz", good, layers__0__weight=_npy(w0), layers__1__bias=_npy(b1))
    wf = read_weight_file(path)
    np.testing.assert_array_equal(wf.weight(0), w0.astype(np.float64))
    np.testing.assert_array_equal(wf.bias(1), [-2.5])
    assert wf.weight(0).dtype == np.float64 and wf.bias(1).dtype == np.float64


def test_an_oversized_metadata_entry_is_refused_before_it_is_read(good, tmp_path, monkeypatch):
    monkeypatch.setattr(npz_reading, "MAX_METADATA_BYTES", 100)
    path = _write_npz(tmp_path / "w.npz", good)
    _refused(path, r"the metadata entry is .* MB; at most")


def test_entries_that_are_not_arrays_or_appear_twice_are_refused(good, tmp_path):
    path = _write_npz(tmp_path / "w.npz", good)
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("readme.txt", b"hello")
    _refused(path, "holds 'readme.txt', which is not an array")
    path = _write_npz(tmp_path / "w2.npz", good)
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(path, "a") as z:
        z.writestr("layers.0.bias.npy", _npy(np.zeros(3)))
    _refused(path, "holds the entry layers.0.bias twice")


@pytest.mark.parametrize("hidden", [[300], [4] * 17])
def test_layer_sizes_beyond_the_apps_limits_are_refused_from_the_metadata(hidden, good, tmp_path):
    meta = {**good.metadata, "layer_sizes": [2, *hidden, 1], "activations": ["tanh"] * len(hidden)}
    path = tmp_path / "w.json"
    path.write_text(json.dumps({"metadata": meta, "state": {}}), encoding="utf-8")
    _refused(path, r"metadata\.layer_sizes must list the inputs, at most 16 hidden layers .* from 1 to 256")


@pytest.mark.parametrize(("value", "name"), [
    ('"1.0"', "layers.0.bias"), ("true", "layers.0.bias"), ("null", "layers.0.bias"),
])
def test_json_weights_that_are_text_booleans_or_null_are_refused(value, name, good, tmp_path):
    doc = json.loads(weights.weights_json_text(good))
    doc["state"]["layers.0.bias"][1] = "@@"
    path = tmp_path / "w.json"
    path.write_text(json.dumps(doc).replace('"@@"', value), encoding="utf-8")
    _refused(path, rf"{name} must be a list of numbers \(no text, true/false or null\)")


def test_json_weight_matrix_with_a_boolean_row_entry_is_refused(good, tmp_path):
    doc = json.loads(weights.weights_json_text(good))
    doc["state"]["layers.0.weight"][2][0] = False
    path = tmp_path / "w.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    _refused(path, r"layers\.0\.weight must be a list of lists of numbers")


def test_json_whole_numbers_are_still_weights(good, tmp_path):
    doc = json.loads(weights.weights_json_text(good))
    doc["state"]["layers.0.bias"] = [0, 1, -2]
    path = tmp_path / "w.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    np.testing.assert_array_equal(read_weight_file(path).bias(0), [0.0, 1.0, -2.0])


@pytest.mark.parametrize("suffix", [".npz", ".json"])
def test_the_largest_network_the_app_allows_fits_the_read_limit(suffix, tmp_path):
    sizes = [len(FEATURES), *[MAX_NEURONS] * MAX_HIDDEN_LAYERS, MAX_CLASSES]
    rng = np.random.default_rng(0)
    # Full-precision floats make the longest JSON text.
    state = {name: rng.normal(0.0, 1.0, shape) for name, shape in expected_shapes(sizes).items()}
    meta = {"format_version": 1, "features": list(FEATURES), "layer_sizes": sizes,
            "activations": ["tanh"] * MAX_HIDDEN_LAYERS, "output_activation": "softmax",
            "loss": "cross_entropy", "problem": "classification", "classes": MAX_CLASSES}
    path = tmp_path / f"largest{suffix}"
    write_weights(path, WeightFile(state, meta))
    assert path.stat().st_size < weights.MAX_FILE_BYTES / 2
    assert read_weight_file(path).layer_sizes == tuple(sizes)
