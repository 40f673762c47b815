"""Strict checks for values read from JSON files: exact types, no silent conversions.

``np.array(["1.5"], dtype=float)`` happily parses text and ``int(2.7)`` truncates;
a file that holds such values is wrong and must say so. Each check raises
:class:`Invalid` naming the path of the bad value (``state.weights.layers.0.bias``).
"""

from __future__ import annotations

from typing import Any

import numpy as np


class Invalid(ValueError):
    """A value in a file that is missing or has the wrong type, shape or range."""


def _is_int(v: Any) -> bool:
    return type(v) is int


def check_int(value: Any, path: str, lo: int | None = None, hi: int | None = None) -> None:
    """``value`` is a whole number (not a bool or float) within ``[lo, hi]``."""
    if not _is_int(value):
        raise Invalid(f"{path} must be a whole number, got {show(value)}")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        lo_txt = "" if lo is None else f"{lo}"
        hi_txt = "" if hi is None else f"{hi}"
        raise Invalid(f"{path} must be in [{lo_txt}, {hi_txt}], got {show(value)}")


_NUMBER_TYPES = frozenset({int, float})
_NUMBER_OR_NULL_TYPES = frozenset({int, float, type(None)})


def only_types(values: Any, allowed: frozenset[type]) -> bool:
    """Whether every item of the iterable ``values`` has one of the ``allowed`` exact types
    (so not bool for int); the types are collected in C, which matters for long lists."""
    return set(map(type, values)) <= allowed


def float_array(value: Any, path: str, ndim: int, allow_null: bool = False) -> np.ndarray:
    """A float64 array of ``ndim`` dimensions from nested lists of numbers (``null`` -> NaN if allowed)."""
    allowed = _NUMBER_OR_NULL_TYPES if allow_null else _NUMBER_TYPES
    if ndim == 0:
        if type(value) not in allowed:
            raise Invalid(f"{path} must be a number, got {show(value)}")
        rows: Any = value
    elif not isinstance(value, list):
        raise Invalid(f"{path} must be a list, got {show(value)}")
    elif ndim == 1:
        if not only_types(value, allowed):
            raise Invalid(f"{path} must be a list of numbers")
        rows = value
    elif ndim == 2:
        seen: set[type] = set()
        for r in value:
            if not isinstance(r, list):
                raise Invalid(f"{path} must be a list of lists of numbers")
            seen.update(map(type, r))
        if not seen <= allowed:
            raise Invalid(f"{path} must be a list of lists of numbers")
        width = {len(r) for r in value}
        if len(width) > 1:
            raise Invalid(f"{path}: its rows have different lengths")
        rows = value
    else:  # pragma: no cover - callers use 0 to 2
        raise ValueError(f"ndim {ndim} not supported")
    try:
        arr = np.array(rows, dtype=np.float64)
    except (OverflowError, ValueError):
        raise Invalid(f"{path} holds a number too large for a float") from None
    if ndim == 2 and arr.ndim == 1 and arr.size == 0:
        arr = arr.reshape(0, 2)  # an empty point list
    return arr


def int_list(value: Any, path: str) -> np.ndarray:
    """An int64 array from a list of whole numbers."""
    if not isinstance(value, list) or not only_types(value, frozenset({int})):
        raise Invalid(f"{path} must be a list of whole numbers")
    if value and not -2**63 <= min(value) <= max(value) < 2**63:
        raise Invalid(f"{path} holds a number out of range")
    return np.array(value, dtype=np.int64)


def check_rng_state(value: Any, path: str) -> dict[str, Any]:
    """numpy's PCG64 bit-generator state, checked field by field."""
    if not isinstance(value, dict) or value.get("bit_generator") != "PCG64":
        raise Invalid(f"{path} must be a PCG64 random generator state")
    inner = value.get("state")
    if not isinstance(inner, dict):
        raise Invalid(f"{path}.state must be a JSON object")
    for key in ("state", "inc"):
        check_int(inner.get(key), f"{path}.state.{key}", 0, 2**128 - 1)
    check_int(value.get("has_uint32"), f"{path}.has_uint32", 0, 1)
    check_int(value.get("uinteger"), f"{path}.uinteger", 0, 2**32 - 1)
    return {"bit_generator": "PCG64", "state": {"state": inner["state"], "inc": inner["inc"]},
            "has_uint32": value["has_uint32"], "uinteger": value["uinteger"]}


def one_line(message: str) -> str:
    """``message`` with line breaks and other control characters escaped (keys from a file may hold them)."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)


def show(value: Any) -> str:
    """``repr(value)`` cut to 40 characters, for messages."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
