"""Large numeric arrays inside JSON files: compressed binary, still self-describing.

A packed array is a JSON object::

    {"dtype": "float64", "shape": [m, n], "zlib_base64": "eJzt..."}

``zlib_base64`` is the array's little-endian bytes in C order, compressed with
zlib and written as base64. Reading gives the numbers back bit for bit (NaN and
infinity included, which JSON numbers cannot hold), at about a third of the
size of the same numbers as text.

Reading checks the declared shape against what the caller allows *before*
decompressing and never inflates more than the declared size, so a small file
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

#: The key holding the data; its name says how it is encoded.
DATA_KEY = "zlib_base64"
#: dtype names in files -> numpy's little-endian types.
DTYPES = {"float64": np.dtype("<f8"), "int64": np.dtype("<i8")}
# zlib level 1: several times faster than the default on floats, for a few percent more bytes.
_LEVEL = 1


def pack(array: np.ndarray) -> dict[str, Any]:
    """``array`` (float or integer, any shape) as a packed JSON object (floats as float64, integers as int64)."""
    a = np.asarray(array)
    name = "int64" if a.dtype.kind in "iu" else "float64"
    data = np.ascontiguousarray(a, dtype=DTYPES[name]).tobytes()
    return {"dtype": name, "shape": list(a.shape), DATA_KEY: base64.b64encode(zlib.compress(data, _LEVEL)).decode()}


def is_packed(value: Any) -> bool:
    """Whether ``value`` looks like a packed array (a JSON object with the data key)."""
    return isinstance(value, dict) and DATA_KEY in value


def unpack(value: Any, path: str, dtype: str, shape: tuple[int | None, ...], max_rows: int) -> np.ndarray:
    """The array a packed object holds: ``dtype`` (``"float64"``/``"int64"``) and ``shape``, where
    a None dimension may be anything from 0 to ``max_rows``.

    Raises :class:`Invalid` naming ``path`` for a wrong layout, dtype or shape, bad base64,
    corrupt or short zlib data, or data longer than the shape says.
    """
    if not isinstance(value, dict):
        raise Invalid(f"{path} must be a packed array (an object with dtype, shape and {DATA_KEY})")
    extra = sorted(set(value) - {"dtype", "shape", DATA_KEY})
    if extra:
        raise Invalid(f"{path}: unexpected {', '.join(map(str, extra))[:80]}")
    if value.get("dtype") != dtype:
        raise Invalid(f"{path}.dtype must be {dtype!r}, got {show(value.get('dtype'))}")
    got = value.get("shape")
    if not isinstance(got, list) or len(got) != len(shape) or not all(type(n) is int for n in got):
        raise Invalid(f"{path}.shape must be a list of {len(shape)} whole numbers, got {show(got)}")
    for n, want in zip(got, shape, strict=True):
        if (want is None and not 0 <= n <= max_rows) or (want is not None and n != want):
            needs = ", ".join(f"0..{max_rows:,}" if w is None else str(w) for w in shape)
            raise Invalid(f"{path} has shape {tuple(got)}, needs ({needs})")
    text = value.get(DATA_KEY)
    if not isinstance(text, str):
        raise Invalid(f"{path}.{DATA_KEY} must be text")
    count = math.prod(got)
    size = count * DTYPES[dtype].itemsize
    try:
        compressed = base64.b64decode(text, validate=True)
        inflater = zlib.decompressobj()
        raw = inflater.decompress(compressed, size + 1)  # never more than one byte past the declared size
    except (binascii.Error, ValueError):
        raise Invalid(f"{path}.{DATA_KEY} is not valid base64") from None
    except zlib.error:
        raise Invalid(f"{path}.{DATA_KEY} is corrupt (not zlib data)") from None
    if len(raw) != size or not inflater.eof or inflater.unconsumed_tail or inflater.unused_data:
        raise Invalid(f"{path}.{DATA_KEY} does not hold exactly the {count:,} numbers its shape says")
    return np.frombuffer(raw, dtype=DTYPES[dtype]).astype(dtype).reshape(got)
