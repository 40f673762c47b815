"""Reading an experiment file's arrays and training state, checked value by value.

Format 1 holds every array as JSON lists of numbers. Format 2 may hold any of
them as a packed array (``packed.py``: little-endian bytes in base64, with dtype
and shape); small ones stay lists, so a small experiment stays readable. History columns
are always packed in format 2 (they may hold NaN and infinity, e.g. an
overflowed gradient norm, which JSON numbers cannot).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from playground.core.history import MAX_EVERY, MAX_HISTORY_ROWS
from playground.core.io.packed import is_packed, pack, unpack
from playground.core.io.validate import Invalid, check_int, check_rng_state, float_array, int_list, only_types
from playground.core.trainer import Trainer
from playground.core.trainer_state import MAX_COUNT

#: Arrays with more numbers than this are written packed; smaller ones as readable lists.
PACK_ABOVE = 4096
_NUMBER_OR_NULL = frozenset({int, float, type(None)})
_METRICS = ("train_loss", "test_loss", "train_accuracy", "test_accuracy")


# --------------------------------------------------------------------------- writing


def array_value(a: np.ndarray) -> Any:
    """``a`` as it is written: packed when large or not finite, else nested lists."""
    a = np.asarray(a)
    if a.size > PACK_ABOVE or (a.dtype.kind == "f" and not np.isfinite(a).all()):
        return pack(a)
    return a.tolist()


def state_value(state: dict[str, Any]) -> dict[str, Any]:
    """``Trainer.get_state()`` as JSON values (arrays packed where large; history always packed)."""
    out: dict[str, Any] = {}
    for key, value in state.items():
        if key == "history":
            out[key] = {k: v if k == "every" else pack(v) for k, v in value.items()}
        elif key in ("weights", "gradients", "optimizer") and value is not None:
            out[key] = {k: v if k == "t" else array_value(v) for k, v in value.items()}
        elif key in ("epoch_order", "page_carried", "page_dead") and value is not None:
            out[key] = array_value(value)
        else:
            out[key] = value
    return out


# --------------------------------------------------------------------------- reading


def numbers(value: Any, path: str, shape: tuple[int | None, ...], max_rows: int, version: int,
            whose: str = "the spec's network") -> np.ndarray:
    """A finite float64 array of ``shape`` (None: 0 to ``max_rows``) from lists or, from format 2,
    packed; ``whose`` names what needs that shape in messages."""
    if version >= 2 and is_packed(value):
        arr = unpack(value, path, "float64", shape, max_rows)
    else:
        if shape and shape[0] is None and isinstance(value, list) and len(value) > max_rows:
            raise Invalid(f"{path} holds {len(value):,} rows; at most {max_rows:,} are allowed")
        arr = float_array(value, path, ndim=len(shape))
        if len(shape) == 2 and arr.shape[0] == 0 and shape[1] is not None:
            arr = arr.reshape(0, shape[1])
        wanted = tuple(arr.shape[i] if n is None else n for i, n in enumerate(shape))
        if arr.shape != wanted:
            raise Invalid(f"{path} has shape {arr.shape}, {whose} needs {wanted}")
    if not np.isfinite(arr).all():
        raise Invalid(f"{path} contains NaN or infinity")
    return arr


def whole_numbers(value: Any, path: str, max_rows: int, version: int) -> np.ndarray:
    """An int64 array (n,), n from 0 to ``max_rows``, from a list or, from format 2, packed."""
    if version >= 2 and is_packed(value):
        return unpack(value, path, "int64", (None,), max_rows)
    if isinstance(value, list) and len(value) > max_rows:
        raise Invalid(f"{path} holds {len(value):,} numbers; at most {max_rows:,} are allowed")
    return int_list(value, path)


def read_state(s: dict[str, Any], trainer: Trainer, version: int) -> dict[str, Any]:
    """The saved state checked value by value against a fresh trainer of the same spec."""
    fresh = trainer.get_state()
    out: dict[str, Any] = {}
    for key in ("epoch", "batches", "batch_index", "init_count"):
        if key not in s:
            raise Invalid(f"state.{key} is missing")
        check_int(s[key], f"state.{key}", 0, MAX_COUNT)
        out[key] = s[key]
    out["weights"] = _arrays(s.get("weights"), fresh["weights"], "state.weights", version)
    if s.get("gradients") is not None:  # files before gradients were saved open with none shown
        out["gradients"] = _arrays(s["gradients"], fresh["gradients"], "state.gradients", version)
    opt = s.get("optimizer")
    if not isinstance(opt, dict):
        raise Invalid("state.optimizer must be a JSON object")
    fresh_opt = {k: v for k, v in fresh["optimizer"].items() if k != "t"}
    out["optimizer"] = _arrays({k: v for k, v in opt.items() if k != "t"}, fresh_opt, "state.optimizer", version)
    if "t" in fresh["optimizer"]:
        check_int(opt.get("t"), "state.optimizer.t", 0, MAX_COUNT)
        out["optimizer"]["t"] = opt["t"]
    out["shuffle_rng"] = check_rng_state(s.get("shuffle_rng"), "state.shuffle_rng")
    order = s.get("epoch_order")
    out["epoch_order"] = (None if order is None
                          else whole_numbers(order, "state.epoch_order", trainer.dataset.n_train, version))
    for key, most in (("page_carried", trainer.dataset.n_train), ("page_dead", trainer.network.n_params)):
        if s.get(key) is not None:  # a link experiment's quirks (files before them carry none)
            out[key] = whole_numbers(s[key], f"state.{key}", most, version)
    out["diverged"] = s.get("diverged")  # checked by the trainer's set_state
    n_layers = trainer.network.n_layers
    out["history"] = (_history_v1(s.get("history"), n_layers) if version < 2
                      else _history_v2(s.get("history"), n_layers))
    return out


def _arrays(value: Any, like: dict[str, np.ndarray], path: str, version: int) -> dict[str, np.ndarray]:
    """A dict of finite float arrays with exactly the names and shapes of ``like``."""
    if not isinstance(value, dict):
        raise Invalid(f"{path} must be a JSON object")
    missing = [k for k in like if k not in value]
    if missing:
        raise Invalid(f"{path}: {', '.join(missing)} missing")
    extra = [k for k in value if k not in like]
    if extra:
        raise Invalid(f"{path}: unexpected {', '.join(extra)[:80]}")
    return {name: numbers(value[name], f"{path}.{name}", np.shape(ref), 0, version) for name, ref in like.items()}


def _history_v1(h: Any, n_layers: int) -> dict[str, Any]:
    """Format 1: lists, null for a missing value. A history longer than the app now keeps (format 1
    had no cap) is thinned as a long run would have been: every 2nd, 4th … epoch."""
    if not isinstance(h, dict):
        raise Invalid("state.history must be a JSON object")
    # A file under the size limit cannot list more epochs than this; the check bounds the work.
    epochs = whole_numbers(h.get("epochs", []), "state.history.epochs", 2**26, 1)
    m = len(epochs)
    out: dict[str, Any] = {"epochs": epochs}
    for key in _METRICS:
        vals = h.get(key, [])
        if not isinstance(vals, list) or len(vals) != m:
            raise Invalid(f"state.history.{key} must list {m} values, one per epoch")
        if not (only_types(vals, _NUMBER_OR_NULL) and all(math.isfinite(v) for v in vals if v is not None)):
            raise Invalid(f"state.history.{key} must hold numbers or null")
        out[key] = np.array([np.nan if v is None else v for v in vals], dtype=np.float64)
    grad = h.get("grad_norms", [])
    if m == 0 and grad == []:
        out["grad_norms"] = np.zeros((0, n_layers))
    else:
        arr = float_array(grad, "state.history.grad_norms", ndim=2, allow_null=True)
        if arr.shape != (m, n_layers):
            raise Invalid(f"state.history.grad_norms has shape {arr.shape}, needs {(m, n_layers)}")
        out["grad_norms"] = arr
    every = 1
    while every < MAX_EVERY and np.count_nonzero(epochs % every == 0) > MAX_HISTORY_ROWS:
        every *= 2
    if every > 1:
        keep = epochs % every == 0
        out = {key: value[keep] for key, value in out.items()}
    out["every"] = every
    return out


def _history_v2(h: Any, n_layers: int) -> dict[str, Any]:
    """Format 2: ``every`` and packed columns (NaN where there is no value; infinity allowed)."""
    if not isinstance(h, dict):
        raise Invalid("state.history must be a JSON object")
    out: dict[str, Any] = {"every": h.get("every")}
    check_int(out["every"], "state.history.every", 1, MAX_COUNT)
    epochs = unpack(h.get("epochs"), "state.history.epochs", "int64", (None,), MAX_HISTORY_ROWS)
    m = len(epochs)
    out["epochs"] = epochs
    for key in _METRICS:
        out[key] = unpack(h.get(key), f"state.history.{key}", "float64", (m,), m)
    out["grad_norms"] = unpack(h.get("grad_norms"), "state.history.grad_norms", "float64", (m, n_layers), m)
    return out
