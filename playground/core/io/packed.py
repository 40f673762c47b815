"""Large numeric arrays inside JSON files: binary, still self-describing.

A packed array is a JSON object::

    {"dtype": "float64", "shape": [m, n], "base64": "AAAA..."}
    {"dtype": "int64", "shape": [m], "zlib_base64": "eJzt..."}

``base64`` is the array's little-endian bytes in C order written as base64;
``zlib_base64`` the same bytes compressed with zlib first. Reading gives the
numbers back bit for bit (NaN and infinity included, which JSON numbers cannot
hold), at about 10.7 characters per float64 instead of the ~20 of its text.
Whole numbers (epochs, labels, row orders) compress many times over and are
compressed; floats of a training run hardly compress (5–15 %) and zlib would
make saving the longest history several seconds slower, so they are not.

Reading checks the declared shape against what the caller allows *before*
decoding and never inflates more than the declared size, so a small file
cannot expand into gigabytes.
"""

from __future__ import annotations

import base64
import binascii
import math
import zlib
from typing import Any

import numpy as np

from playground.core.io.validate import Invalid, show

#: The keys that may hold the data; each name says how it is encoded.
RAW_KEY, ZLIB_KEY = "base64", "zlib_base64"
#: dtype names in files -> numpy's little-endian types.
DTYPES = {"float64": np.dtype("<f8"), "int64": np.dtype("<i8")}
_LEVEL = 1  # zlib's fastest: whole numbers compress almost as well as at the default, much faster


def pack(array: np.ndarray) -> dict[str, Any]:
    """``array`` (float or integer, any shape) as a packed JSON object: floats as float64 bytes,
    integers as zlib-compressed int64 bytes."""
    a = np.asarray(array)
    name = "int64" if a.dtype.kind in "iub" else "float64"
    data = np.ascontiguousarray(a, dtype=DTYPES[name]).tobytes()
    if name == "int64":
        return {"dtype": name, "shape": list(a.shape), ZLIB_KEY: base64.b64encode(zlib.compress(data, _LEVEL)).decode()}
    return {"dtype": name, "shape": list(a.shape), RAW_KEY: base64.b64encode(data).decode()}


def is_packed(value: Any) -> bool:
    """Whether ``value`` looks like a packed array (a JSON object with a data key)."""
    return isinstance(value, dict) and (RAW_KEY in value or ZLIB_KEY in value)


def unpack(value: Any, path: str, dtype: str, shape: tuple[int | None, ...], max_rows: int) -> np.ndarray:
    """The array a packed object holds: ``dtype`` (``"float64"``/``"int64"``) and ``shape``, where
    a None dimension may be anything from 0 to ``max_rows``.

    Raises :class:`Invalid` naming ``path`` for a wrong layout, dtype or shape, bad base64,
    corrupt or short zlib data, or data longer than the shape says.
    """
    if not isinstance(value, dict):
        raise Invalid(f"{path} must be a packed array (an object with dtype, shape and {RAW_KEY} or {ZLIB_KEY})")
    keys = set(value)
    extra = sorted(keys - {"dtype", "shape", RAW_KEY, ZLIB_KEY})
    if extra:
        raise Invalid(f"{path}: unexpected {', '.join(map(str, extra))[:80]}")
    if len(keys & {RAW_KEY, ZLIB_KEY}) != 1:
        raise Invalid(f"{path} must hold its numbers in exactly one of {RAW_KEY} and {ZLIB_KEY}")
    key = RAW_KEY if RAW_KEY in keys else ZLIB_KEY
    if value.get("dtype") != dtype:
        raise Invalid(f"{path}.dtype must be {dtype!r}, got {show(value.get('dtype'))}")
    got = value.get("shape")
    if not isinstance(got, list) or len(got) != len(shape) or not all(type(n) is int for n in got):
        raise Invalid(f"{path}.shape must be a list of {len(shape)} whole numbers, got {show(got)}")
    for n, want in zip(got, shape, strict=True):
        if (want is None and not 0 <= n <= max_rows) or (want is not None and n != want):
            needs = ", ".join(f"0..{max_rows:,}" if w is None else str(w) for w in shape)
            raise Invalid(f"{path} has shape {tuple(got)}, needs ({needs})")
    text = value[key]
    if not isinstance(text, str):
        raise Invalid(f"{path}.{key} must be text")
    count = math.prod(got)
    size = count * DTYPES[dtype].itemsize
    if key == RAW_KEY and len(text) != 4 * math.ceil(size / 3):  # checked before decoding anything
        raise Invalid(f"{path}.{key} does not hold exactly the {count:,} numbers its shape says")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid(f"{path}.{key} is not valid base64") from None
    if key == ZLIB_KEY:
        inflater = zlib.decompressobj()
        try:
            raw = inflater.decompress(raw, size + 1)  # never more than one byte past the declared size
        except zlib.error:
            raise Invalid(f"{path}.{key} is corrupt (not zlib data)") from None
        if not inflater.eof or inflater.unconsumed_tail or inflater.unused_data:
            raw = b""  # short, long or followed by junk: refused below
    if len(raw) != size:
        raise Invalid(f"{path}.{key} does not hold exactly the {count:,} numbers its shape says")
    return np.frombuffer(raw, dtype=DTYPES[dtype]).astype(dtype).reshape(got)
