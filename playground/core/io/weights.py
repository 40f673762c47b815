"""Trained weights as files: ``.npz``, ``.json`` and ``.onnx``, with the metadata to use them alone.

A :class:`WeightFile` holds the weights under PyTorch ``nn.Linear`` names
(``layers.{i}.weight`` (out, in), ``layers.{i}.bias`` (out,)) and a metadata
dict saying everything else needed to rebuild the predictions: the input
features in order, the layer sizes, the hidden activations, the output
activation, loss, problem and classes, and the experiment spec.
:func:`predict` computes the network's output from a ``WeightFile`` alone.

Formats (chosen by the file's suffix):

- ``.npz``: one array per weight plus ``metadata``, a JSON string; no pickled
  objects (read with ``allow_pickle=False``).
- ``.json``: ``{"format": ..., "metadata": {...}, "state": {name: nested lists}}``,
  one matrix row per line; floats written with ``repr`` so they round-trip exactly.
- ``.onnx``: a model that takes raw ``(x1, x2)`` (see ``onnx_export.py``); write only.

Every problem raises :class:`WeightFileError` with one line naming the file.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from playground.core.features import expand_features
from playground.core.io import json_text
from playground.core.io.atomic import atomic_write, atomic_write_text, describe_os_error
from playground.core.io.npz_reading import open_npz
from playground.core.io.reading import read_bytes_limited
from playground.core.io.validate import one_line
from playground.core.io.weight_checks import (
    FORMAT_VERSION,
    WeightFileError,
    WeightWriteError,
    check_metadata,
    checked_state,
    expected_shapes,
    input_scaling,
)
from playground.core.reference_network import Layer
from playground.core.spec import ExperimentSpec

FORMAT_NAME = "neural-network-playground weights"
SUFFIXES = (".npz", ".json", ".onnx")
READABLE_SUFFIXES = (".npz", ".json")
#: Larger files are refused before reading: the largest network the app allows (9 inputs, 16 hidden
#: layers of 256, 8 outputs: about a million weights) is about 8 MB as .npz and 25 MB as .json, and
#: parsing JSON takes several times its size in memory.
MAX_FILE_BYTES = 64 * 1024 * 1024

__all__ = ["WeightFile", "WeightFileError", "check_matches", "export_weights", "load_weights_into", "predict",
           "read_weight_file", "weight_file_from_trainer", "write_weights"]


@dataclass(frozen=True, eq=False)
class WeightFile:
    """Weights and the metadata needed to use them without the app.

    Attributes
    ----------
    state : ``layers.{i}.weight`` (out, in) and ``layers.{i}.bias`` (out,) float64, read-only
    metadata : JSON-able dict: ``format_version``, ``features``, ``layer_sizes``
        ``(n_in, *hidden, n_out)``, ``activations`` (hidden), ``output_activation``,
        ``loss``, ``problem``, ``classes`` and optionally ``spec`` (ExperimentSpec dict),
        ``epoch``, ``domain``

    Raises
    ------
    WeightFileError
        when the metadata is incomplete or the arrays do not fit it.
    """

    state: dict[str, np.ndarray]
    metadata: dict[str, Any]

    def __post_init__(self) -> None:
        if not isinstance(self.metadata, dict):
            raise WeightFileError("metadata must be a JSON object")
        if not isinstance(self.state, dict):
            raise WeightFileError("the weights must be a mapping of names to arrays")
        check_metadata(self.metadata)
        object.__setattr__(self, "state", checked_state(self.state, self.metadata["layer_sizes"]))

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        return tuple(self.metadata["layer_sizes"])

    @property
    def features(self) -> tuple[str, ...]:
        return tuple(self.metadata["features"])

    @property
    def n_layers(self) -> int:
        return len(self.metadata["layer_sizes"]) - 1

    def weight(self, i: int) -> np.ndarray:
        """Layer ``i``'s weight (out, in)."""
        return self.state[f"layers.{i}.weight"]

    def bias(self, i: int) -> np.ndarray:
        """Layer ``i``'s bias (out,)."""
        return self.state[f"layers.{i}.bias"]


# --------------------------------------------------------------------------- from a trainer


def weight_file_from_trainer(trainer: Any) -> WeightFile:
    """The trainer's current weights and everything needed to use them.

    Parameters
    ----------
    trainer : ``playground.core.trainer.Trainer``
    """
    spec: ExperimentSpec = trainer.spec
    net = trainer.network
    head = trainer.head
    meta: dict[str, Any] = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "features": list(spec.features),
        "layer_sizes": list(net.sizes),
        "activations": list(spec.network.activations),
        "output_activation": head.activation,
        "loss": head.loss,
        "problem": trainer.dataset.problem,
        "classes": int(trainer.dataset.classes),
        "epoch": int(trainer.epoch),
        "domain": [float(v) for v in trainer.dataset.domain()],
        "output": output_meaning(head.activation, head.loss, int(trainer.dataset.classes)),
        "spec": spec.to_dict(),
    }
    if not trainer.scaling.is_identity:
        meta["input_scaling"] = trainer.scaling.to_dict()
    return WeightFile(net.effective_state_dict(), meta)  # switched-off neurons: outgoing weights 0


def output_meaning(activation: str, loss: str, classes: int) -> str:
    """One sentence saying how to read the outputs."""
    if classes == 0:
        return "one linear output: the predicted value"
    if activation == "softmax":
        return f"{classes} softmax outputs: class probabilities; the class is the argmax"
    if classes == 2:
        cut = "0" if activation == "tanh" else "0.5"
        return f"one {activation} output: class 1 when the output is >= {cut}, else class 0"
    return f"{classes} {activation} outputs, one per class; the class is the argmax"


# --------------------------------------------------------------------------- prediction


def predict(wf: WeightFile, points: np.ndarray) -> np.ndarray:
    """The network's outputs for raw points, computed from the file alone.

    Parameters
    ----------
    wf : the weights and metadata
    points : (n, 2) raw ``(x1, x2)``

    Returns
    -------
    (n, n_outputs) float64: after the output activation (tanh, sigmoid, softmax or linear)
    """
    pts = np.asarray(points, dtype=np.float64)
    if pts.ndim != 2 or pts.shape[1] != 2:
        raise ValueError(f"points must have shape (n, 2), got {pts.shape}")
    # The reference network's layers: the same activation table as the engine, so a file predicts
    # exactly what the app computed.
    names = [*wf.metadata["activations"], wf.metadata["output_activation"]]
    a = expand_features(input_scaling(wf.metadata).apply(pts), wf.features)
    for i, name in enumerate(names):
        _, a = Layer(wf.weight(i), wf.bias(i), name).forward(a)
    return a


# --------------------------------------------------------------------------- writing


def write_weights(path: str | os.PathLike[str], wf: WeightFile) -> None:
    """Write ``wf`` in the format the suffix of ``path`` names (``.npz``, ``.json``, ``.onnx``).

    Atomic: on failure nothing is left behind and an existing file is untouched.

    Raises
    ------
    WeightFileError
        unknown suffix or the file cannot be written.
    """
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        raise WeightFileError(f"{path}: unknown weight format {suffix or '(no suffix)'!r}; "
                              f"use {', '.join(SUFFIXES)}")
    try:
        if suffix == ".npz":
            atomic_write(path, lambda f: _write_npz(f, wf))
        elif suffix == ".json":
            atomic_write_text(path, weights_json_text(wf))
        else:
            from playground.core.io.onnx_export import write_onnx  # onnx is imported only when needed
            write_onnx(path, wf)
    except OSError as exc:
        raise WeightWriteError(f"{path}: cannot write ({describe_os_error(exc)})") from None


def export_weights(path: str | os.PathLike[str], trainer: Any) -> None:
    """Write the trainer's current weights to ``path`` (format from the suffix)."""
    write_weights(path, weight_file_from_trainer(trainer))


def _write_npz(f: Any, wf: WeightFile) -> None:
    arrays = {name: np.asarray(a) for name, a in wf.state.items()}
    np.savez(f, metadata=np.array(json.dumps(wf.metadata, sort_keys=True)), **arrays)


def weights_json_text(wf: WeightFile) -> str:
    """The ``.json`` form: metadata indented, each weight row on one line."""
    doc = {"format": FORMAT_NAME, "metadata": wf.metadata,
           "state": {name: arr.tolist() for name, arr in wf.state.items()}}
    return json_text.dumps(doc) + "\n"


# --------------------------------------------------------------------------- reading


def read_weight_file(path: str | os.PathLike[str]) -> WeightFile:
    """Read a ``.npz`` or ``.json`` weight file and check it completely.

    Raises
    ------
    WeightFileError
        ``"<path>: <problem>"`` for a missing, unreadable, oversized, malformed or
        inconsistent file (shapes against ``layer_sizes``, NaN, missing names ...).
    """
    suffix = Path(path).suffix.lower()
    if suffix not in READABLE_SUFFIXES:
        raise WeightFileError(f"{path}: can read weights from {' or '.join(READABLE_SUFFIXES)} files, "
                              f"not {suffix or '(no suffix)'!r}")
    try:
        raw = read_bytes_limited(path, MAX_FILE_BYTES, "weight files")
    except ValueError as exc:
        raise WeightFileError(f"{path}: {exc}") from None
    try:
        state, meta = _parse_npz(raw) if suffix == ".npz" else _parse_json(raw)
        return WeightFile(state, meta)
    except WeightFileError as exc:
        raise WeightFileError(one_line(f"{path}: {exc}")) from None


def _parse_npz(raw: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    """The weights and metadata of an ``.npz``; every member's size, shape and dtype is checked before it is read."""
    with open_npz(raw) as npz:
        meta = _json_object(npz.metadata_text(), "metadata")
        check_metadata(meta)
        sizes = meta["layer_sizes"]
        return npz.float_arrays(expected_shapes(sizes), sizes), meta


def _parse_json(raw: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise WeightFileError("not UTF-8 text") from None
    doc = _json_object(text, "the file")
    if "metadata" not in doc or "state" not in doc:
        raise WeightFileError("needs \"metadata\" and \"state\" entries (not a weight file?)")
    meta, state = doc["metadata"], doc["state"]
    if not isinstance(meta, dict):
        raise WeightFileError("\"metadata\" must be a JSON object")
    if not isinstance(state, dict):
        raise WeightFileError("\"state\" must be a JSON object of named weight arrays")
    return state, meta


def _json_object(text: str, what: str) -> dict[str, Any]:
    def no_constants(name: str) -> float:
        raise WeightFileError(f"{what} holds {name}; weights must be finite numbers")
    try:
        doc = json.loads(text, parse_constant=no_constants)
    except json.JSONDecodeError as exc:
        raise WeightFileError(f"{what} is not valid JSON ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:
        raise WeightFileError(f"{what} is nested too deeply") from None
    if not isinstance(doc, dict):
        raise WeightFileError(f"{what} must be a JSON object")
    return doc


def check_matches(wf: WeightFile, trainer: Any, source: str = "weights") -> None:
    """Raise :class:`WeightFileError` unless ``wf`` fits the trainer's network exactly.

    Compares features, layer sizes, hidden and output activations and the input scaling's method,
    naming the first difference.
    """
    spec: ExperimentSpec = trainer.spec
    mine = {
        "features": list(spec.features),
        "layer_sizes": list(trainer.network.sizes),
        "activations": list(spec.network.activations),
        "output_activation": trainer.head.activation,
    }
    for key, value in mine.items():
        theirs = wf.metadata[key]
        if theirs != value:
            raise WeightFileError(f"{source}: {key.replace('_', ' ')} {_fmt(theirs)} do not match this "
                                  f"network's {_fmt(value)}")
    theirs_scaling = input_scaling(wf.metadata).method
    if theirs_scaling != trainer.scaling.method:  # the same weights mean something else on other inputs
        raise WeightFileError(f"{source}: the weights were trained with input scaling {theirs_scaling}; this "
                              f"experiment scales by {trainer.scaling.method} (choose the same Scale)")


def load_weights_into(trainer: Any, wf: WeightFile, source: str = "weights") -> None:
    """Check ``wf`` fits (:func:`check_matches`) and start the trainer from its weights."""
    check_matches(wf, trainer, source)
    trainer.load_weights({k: v.copy() for k, v in wf.state.items()})


def _fmt(v: Any) -> str:
    if isinstance(v, list):
        return "[" + ", ".join(map(str, v)) + "]"
    return str(v)
