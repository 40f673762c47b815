"""Checks for weight-file metadata and arrays: every problem becomes one :class:`WeightFileError` line."""

from __future__ import annotations

from typing import Any

import numpy as np

from playground.core.activations import ACTIVATIONS
from playground.core.io.atomic import WriteError
from playground.core.io.validate import show
from playground.core.losses import output_head
from playground.core.spec import FEATURES, LOSSES, PROBLEMS, ExperimentSpec, SpecError

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
    if not isinstance(sizes, list) or len(sizes) < 2 or not all(_is_int(s) and 1 <= s <= 4096 for s in sizes):
        raise WeightFileError(f"metadata.layer_sizes must list at least 2 whole numbers from 1 to 4096, "
                              f"got {show(sizes)}")
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


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_name(v: Any, choices: Any) -> bool:
    """``v`` is one of the string ``choices`` (safe for unhashable ``v``)."""
    return isinstance(v, str) and v in choices


def expected_names(n_layers: int) -> list[str]:
    """The state names a network of ``n_layers`` layers has, in order."""
    return [f"layers.{i}.{p}" for i in range(n_layers) for p in ("weight", "bias")]


def checked_state(state: dict[str, Any], sizes: list[int]) -> dict[str, np.ndarray]:
    """Read-only float64 copies of exactly the arrays layer ``sizes`` need, checked for shape and NaN."""
    names = expected_names(len(sizes) - 1)
    missing = [n for n in names if n not in state]
    if missing:
        raise WeightFileError(f"weights {', '.join(missing)} are missing")
    extra = sorted(set(state) - set(names), key=str)
    if extra:
        raise WeightFileError(f"unexpected entries {', '.join(map(str, extra))} "
                              f"(a network with layer sizes {sizes} has {', '.join(names)})")
    out: dict[str, np.ndarray] = {}
    for i in range(len(sizes) - 1):
        for kind, shape in (("weight", (sizes[i + 1], sizes[i])), ("bias", (sizes[i + 1],))):
            name = f"layers.{i}.{kind}"
            arr = _float_array(state[name], name)
            if arr.shape != shape:
                raise WeightFileError(f"{name} has shape {arr.shape}, layer sizes {sizes} need {shape}")
            if not np.isfinite(arr).all():
                raise WeightFileError(f"{name} contains NaN or infinity")
            arr.setflags(write=False)
            out[name] = arr
    return out


def _float_array(value: Any, name: str) -> np.ndarray:
    if isinstance(value, np.ndarray) and value.dtype.kind not in "biuf":
        raise WeightFileError(f"{name} must hold numbers, got an array of {value.dtype}")
    try:
        arr = np.array(value, dtype=np.float64, copy=True)
    except (TypeError, ValueError, OverflowError):
        raise WeightFileError(f"{name} must be a (nested) list of numbers") from None
    return arr
