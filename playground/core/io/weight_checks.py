"""Checks for weight-file metadata and arrays: every problem becomes one :class:`WeightFileError` line."""

from __future__ import annotations

from typing import Any

import numpy as np

from playground.core.activations import ACTIVATIONS
from playground.core.input_scaling import InputScaling
from playground.core.io.atomic import WriteError
from playground.core.io.validate import Invalid, float_array, show
from playground.core.losses import output_head
from playground.core.spec import (
    FEATURES,
    LOSSES,
    MAX_HIDDEN_LAYERS,
    MAX_NEURONS,
    PROBLEMS,
    ExperimentSpec,
    SpecError,
)

FORMAT_VERSION = 1
OUTPUT_ACTIVATIONS = ("tanh", "sigmoid", "softmax", "linear")
_REQUIRED = ("format_version", "features", "layer_sizes", "activations", "output_activation",
             "loss", "problem", "classes")


class WeightFileError(ValueError):
    """A weight file that cannot be written, read or used; one line naming the file and the problem."""


class WeightWriteError(WeightFileError, WriteError):
    """A weight file that could not be written (disk full, permission ...), as opposed to bad input."""


def check_metadata(meta: dict[str, Any]) -> None:
    """Raise :class:`WeightFileError` naming the first missing, mistyped or inconsistent entry."""
    missing = [k for k in _REQUIRED if k not in meta]
    if missing:
        raise WeightFileError(f"metadata is missing {', '.join(missing)}")
    version = meta["format_version"]
    if not _is_int(version) or version < 1:
        raise WeightFileError(f"metadata.format_version must be a whole number >= 1, got {show(version)}")
    if version > FORMAT_VERSION:
        raise WeightFileError(f"written by a newer version (format {version}); this app reads up to "
                              f"format {FORMAT_VERSION}")
    feats = meta["features"]
    if not isinstance(feats, list) or not feats or not all(_is_name(f, FEATURES) for f in feats) \
            or len(set(feats)) != len(feats):
        raise WeightFileError(f"metadata.features must be a list of distinct names from "
                              f"{', '.join(FEATURES)}, got {show(feats)}")
    sizes = meta["layer_sizes"]
    # The app's own limits: weights of a larger network could never be loaded, and checking them
    # here bounds what reading a file may allocate (at most a few MB of weights).
    if not isinstance(sizes, list) or not 2 <= len(sizes) <= MAX_HIDDEN_LAYERS + 2 \
            or not all(_is_int(s) and 1 <= s <= MAX_NEURONS for s in sizes):
        raise WeightFileError(f"metadata.layer_sizes must list the inputs, at most {MAX_HIDDEN_LAYERS} hidden "
                              f"layers and the outputs, each from 1 to {MAX_NEURONS}, got {show(sizes)}")
    if sizes[0] != len(feats):
        raise WeightFileError(f"metadata.layer_sizes starts with {sizes[0]} inputs but "
                              f"{len(feats)} features are listed")
    acts = meta["activations"]
    if not isinstance(acts, list) or len(acts) != len(sizes) - 2 \
            or not all(_is_name(a, ACTIVATIONS) for a in acts):
        raise WeightFileError(f"metadata.activations must name one of {', '.join(ACTIVATIONS)} for each of "
                              f"the {len(sizes) - 2} hidden layers, got {show(acts)}")
    out_act = meta["output_activation"]
    if not _is_name(out_act, OUTPUT_ACTIVATIONS):
        raise WeightFileError(f"metadata.output_activation must be one of {', '.join(OUTPUT_ACTIVATIONS)}, "
                              f"got {show(out_act)}")
    loss, problem, classes = meta["loss"], meta["problem"], meta["classes"]
    if not _is_name(loss, LOSSES) or not _is_name(problem, PROBLEMS) or not _is_int(classes):
        raise WeightFileError(f"metadata: loss, problem or classes is invalid "
                              f"({show(loss)}, {show(problem)}, {show(classes)})")
    try:
        head = output_head(problem, loss, classes if problem == "classification" else 0)
    except ValueError as exc:
        raise WeightFileError(f"metadata: {exc}") from None
    if (head.activation, head.n_outputs) != (out_act, sizes[-1]):
        raise WeightFileError(f"metadata: {problem} with {loss} needs {head.n_outputs} {head.activation} "
                              f"output(s), the file has {sizes[-1]} {out_act}")
    if "spec" in meta and meta["spec"] is not None:
        try:
            ExperimentSpec.from_dict(meta["spec"])
        except SpecError as exc:
            raise WeightFileError(f"metadata.spec: {exc}") from None
    if "input_scaling" in meta:
        input_scaling(meta)


def input_scaling(meta: dict[str, Any]) -> InputScaling:
    """The scaling a file's inputs get before the features (none when the metadata has none)."""
    try:
        return InputScaling.from_dict(meta.get("input_scaling", InputScaling().to_dict()), "metadata.input_scaling")
    except ValueError as exc:
        raise WeightFileError(str(exc)) from None


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_name(v: Any, choices: Any) -> bool:
    """``v`` is one of the string ``choices`` (safe for unhashable ``v``)."""
    return isinstance(v, str) and v in choices


def expected_names(n_layers: int) -> list[str]:
    """The state names a network of ``n_layers`` layers has, in order."""
    return [f"layers.{i}.{p}" for i in range(n_layers) for p in ("weight", "bias")]


def expected_shapes(sizes: list[int]) -> dict[str, tuple[int, ...]]:
    """Each state name of a network with layer ``sizes`` and its shape: weight (out, in), bias (out,)."""
    shapes: dict[str, tuple[int, ...]] = {}
    for i in range(len(sizes) - 1):
        shapes[f"layers.{i}.weight"] = (sizes[i + 1], sizes[i])
        shapes[f"layers.{i}.bias"] = (sizes[i + 1],)
    return shapes


def check_names(names: Any, sizes: list[int]) -> None:
    """Raise :class:`WeightFileError` unless ``names`` are exactly the state names layer ``sizes`` need."""
    needed = expected_names(len(sizes) - 1)
    missing = [n for n in needed if n not in names]
    if missing:
        raise WeightFileError(f"weights {', '.join(missing)} are missing")
    extra = sorted(set(names) - set(needed), key=str)
    if extra:
        raise WeightFileError(f"unexpected entries {', '.join(map(str, extra))} "
                              f"(a network with layer sizes {sizes} has {', '.join(needed)})")


def shape_error(name: str, shape: tuple[int, ...], sizes: list[int], need: tuple[int, ...]) -> WeightFileError:
    """The one message for an array whose shape does not fit the layer sizes."""
    return WeightFileError(f"{name} has shape {shape}, layer sizes {sizes} need {need}")


def checked_state(state: dict[str, Any], sizes: list[int]) -> dict[str, np.ndarray]:
    """Read-only float64 copies of exactly the arrays layer ``sizes`` need, checked for shape and NaN."""
    check_names(state, sizes)
    out: dict[str, np.ndarray] = {}
    for name, shape in expected_shapes(sizes).items():
        arr = _float_array(state[name], name, len(shape))
        if arr.shape != shape:
            raise shape_error(name, arr.shape, sizes, shape)
        if not np.isfinite(arr).all():
            raise WeightFileError(f"{name} contains NaN or infinity")
        arr.setflags(write=False)
        out[name] = arr
    return out


def dtype_problem(dtype: np.dtype) -> str | None:
    """Why an array of ``dtype`` cannot hold weights (``None`` when it can: a floating-point type).

    Weights are real numbers: bool, integer, complex, text and object arrays are refused rather
    than converted, as experiment files refuse ``true`` or ``"1.0"`` for a number.
    """
    if dtype.kind == "f":
        return None
    kinds = {"b": "true/false values", "i": "integers", "u": "integers", "c": "complex numbers",
             "U": "text", "S": "bytes", "O": "Python objects", "V": "structured records", "M": "dates",
             "m": "time spans"}
    return f"holds {kinds.get(dtype.kind, 'values')} ({dtype}); weights must be floating-point numbers"


def _float_array(value: Any, name: str, ndim: int) -> np.ndarray:
    """A float64 copy of an array (float dtypes only) or of nested JSON lists of numbers."""
    if isinstance(value, np.ndarray):
        problem = dtype_problem(value.dtype)
        if problem is not None:
            raise WeightFileError(f"{name} {problem}")
        return np.array(value, dtype=np.float64, copy=True)
    try:
        # Exact JSON types: true/false, "1.0" and null are refused, never converted.
        return float_array(value, name, ndim)
    except Invalid as exc:
        what = "list of lists" if ndim == 2 else "list"
        if "too large" in str(exc):
            raise WeightFileError(str(exc)) from None
        raise WeightFileError(f"{name} must be a {what} of numbers (no text, true/false or null)") from None
