"""Experiment files (``.playground.json``): the whole experiment in one JSON file.

Layout (``format_version`` 1)::

    {
      "format": "neural-network-playground experiment",
      "format_version": 1,
      "dtype": "float64",                  # the trainer's float type
      "spec": {...},                       # ExperimentSpec.to_dict()
      "dataset": {"name", "problem", "classes", "x_train", "y_train", "x_test", "y_test"},
      "state": {...}                       # Trainer.get_state(): weights, optimizer, rng, epoch, history
    }

The points are stored with their split, so custom data survives and the file
does not depend on the dataset generators staying the same. Floats are written
with ``repr``, so :func:`load_project` restores every number bit for bit and
training continues exactly as if it had never stopped.

Every problem while loading raises :class:`ProjectError` with one line naming
the file and the problem; a new ``Trainer`` is built, so nothing the caller
holds is ever touched. Saving is atomic.
"""

from __future__ import annotations

import json
import math
import os
from typing import Any

import numpy as np

from playground.core.dataset import DataError, Dataset
from playground.core.io import json_text
from playground.core.io.atomic import WriteError, atomic_write_text, describe_os_error
from playground.core.io.reading import read_bytes_limited
from playground.core.io.validate import (
    Invalid,
    check_int,
    check_rng_state,
    float_array,
    int_list,
    one_line,
    only_types,
)
from playground.core.spec import PROBLEMS, ExperimentSpec, SpecError, dataset_problem
from playground.core.trainer import Trainer, TrainerError

FORMAT_NAME = "neural-network-playground experiment"
FORMAT_VERSION = 1
SUFFIX = ".playground.json"
_NUMBER_OR_NULL = frozenset({int, float, type(None)})
#: The trainer's float type; optional in the file (float64 when absent).
DTYPES = ("float64", "float32")
#: Files larger than this are refused before reading (the largest sensible experiment is ~20 MB).
MAX_FILE_BYTES = 256 * 1024 * 1024


class ProjectError(ValueError):
    """An experiment file that cannot be written or read; one line naming the file and the problem."""


class ProjectWriteError(ProjectError, WriteError):
    """An experiment file that could not be written (disk full, permission ...), as opposed to bad input."""


# --------------------------------------------------------------------------- saving


def project_dict(trainer: Trainer) -> dict[str, Any]:
    """The trainer's whole experiment as plain JSON values."""
    ds = trainer.dataset
    state = json_text.plain(trainer.get_state())
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "dtype": np.dtype(trainer.dtype).name,
        "spec": trainer.spec.to_dict(),
        "dataset": {
            "name": ds.name,
            "problem": ds.problem,
            "classes": int(ds.classes),
            "x_train": ds.x_train.tolist(),
            "y_train": ds.y_train.tolist(),
            "x_test": ds.x_test.tolist(),
            "y_test": ds.y_test.tolist(),
        },
        "state": state,
    }


def dumps_project(trainer: Trainer) -> str:
    """The text :func:`save_project` writes."""
    try:
        return json_text.dumps(project_dict(trainer)) + "\n"
    except ValueError as exc:  # NaN or infinity somewhere: not JSON
        raise ProjectError(f"cannot save: the training state holds a non-finite number ({exc})") from None


def save_project(path: str | os.PathLike[str], trainer: Trainer) -> None:
    """Write the experiment to ``path`` atomically (an existing file is replaced only on success).

    Raises
    ------
    ProjectError
        when the file cannot be written (the message names it and the reason).
    """
    text = dumps_project(trainer)
    try:
        atomic_write_text(path, text)
    except OSError as exc:
        raise ProjectWriteError(f"{path}: cannot write ({describe_os_error(exc)})") from None


# --------------------------------------------------------------------------- loading


def load_project(path: str | os.PathLike[str]) -> Trainer:
    """Open an experiment file: a new trainer in exactly the saved state.

    Raises
    ------
    ProjectError
        ``"<path>: <problem>"`` for a missing, oversized, unreadable, malformed,
        newer or inconsistent file.
    """
    try:
        raw = read_bytes_limited(path, MAX_FILE_BYTES, "experiment files")
    except ValueError as exc:
        raise ProjectError(f"{path}: {exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ProjectError(f"{path}: not an experiment file (not UTF-8 text)") from None
    return loads_project(text, source=str(path))


def loads_project(text: str, source: str = "<text>") -> Trainer:
    """Like :func:`load_project` for the file's text; ``source`` names it in messages."""
    try:
        return _trainer_from_doc(_parse(text), source)
    except Invalid as exc:
        raise ProjectError(one_line(f"{source}: {exc}")) from None


def _parse(text: str) -> dict[str, Any]:
    def no_constants(name: str) -> float:
        raise Invalid(f"holds {name}, which is not a number JSON allows")
    try:
        doc = json.loads(text, parse_constant=no_constants)
    except json.JSONDecodeError as exc:
        if not text.strip():
            raise Invalid("the file is empty") from None
        if exc.pos >= len(text.rstrip()):
            raise Invalid("the file is truncated (the JSON ends too early)") from None
        raise Invalid(f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    except RecursionError:
        raise Invalid("not an experiment file (JSON nested too deeply)") from None
    if not isinstance(doc, dict):
        raise Invalid("not an experiment file (the JSON is not an object)")
    fmt = doc.get("format", FORMAT_NAME)
    if fmt != FORMAT_NAME:
        raise Invalid(f"not an experiment file (its format is {str(fmt)[:60]!r})")
    if "format_version" not in doc:
        raise Invalid("not an experiment file (no format_version)")
    version = doc["format_version"]
    check_int(version, "format_version", 1)
    if version > FORMAT_VERSION:
        raise Invalid(f"written by a newer version of the app (format {version}); "
                      f"this one reads up to format {FORMAT_VERSION}")
    for key in ("spec", "dataset", "state"):
        if key not in doc:
            raise Invalid(f"\"{key}\" is missing")
        if not isinstance(doc[key], dict):
            raise Invalid(f"\"{key}\" must be a JSON object")
    return doc


def _trainer_from_doc(doc: dict[str, Any], source: str) -> Trainer:
    try:
        spec = ExperimentSpec.from_dict(doc["spec"])
    except SpecError as exc:
        raise Invalid(f"spec: {exc}") from None
    dataset = _dataset(doc["dataset"], source)
    implied = spec.data.problem or dataset_problem(spec.data.name)
    if implied is not None and implied != dataset.problem:
        raise Invalid(f"the spec describes {implied} data but the dataset holds {dataset.problem} data")
    dtype = doc.get("dtype", "float64")
    if not isinstance(dtype, str) or dtype not in DTYPES:
        raise Invalid(f"dtype must be one of {', '.join(DTYPES)}, got {str(dtype)[:40]!r}")
    try:
        trainer = Trainer(spec, dataset, dtype=np.dtype(dtype).type)
    except (TrainerError, DataError, SpecError) as exc:
        raise Invalid(f"the spec does not fit the data: {exc}") from None
    state = _state(doc["state"], trainer)
    try:
        trainer.set_state(state)
    except ValueError as exc:
        raise Invalid(f"state: {exc}") from None
    return trainer


def _dataset(d: dict[str, Any], source: str) -> Dataset:
    problem = d.get("problem")
    if problem not in PROBLEMS:
        raise Invalid(f"dataset.problem must be one of {', '.join(PROBLEMS)}, got {str(problem)[:40]!r}")
    classes = d.get("classes")
    check_int(classes, "dataset.classes", 0, 8)
    name = d.get("name", "custom")
    if not isinstance(name, str):
        raise Invalid("dataset.name must be text")
    arrays = {}
    for key in ("x_train", "x_test"):
        if key not in d:
            raise Invalid(f"dataset.{key} is missing")
        arrays[key] = float_array(d[key], f"dataset.{key}", ndim=2)
    for key in ("y_train", "y_test"):
        if key not in d:
            raise Invalid(f"dataset.{key} is missing")
        arrays[key] = (int_list(d[key], f"dataset.{key}") if problem == "classification"
                       else float_array(d[key], f"dataset.{key}", ndim=1))
    try:
        return Dataset(problem=problem, classes=classes, name=name, **arrays)
    except DataError as exc:
        raise Invalid(f"dataset: {exc}") from None


def _state(s: dict[str, Any], trainer: Trainer) -> dict[str, Any]:
    """The saved state checked value by value against a fresh trainer of the same spec."""
    fresh = trainer.get_state()
    out: dict[str, Any] = {}
    for key in ("epoch", "batches", "batch_index", "init_count"):
        if key not in s:
            raise Invalid(f"state.{key} is missing")
        check_int(s[key], f"state.{key}", 0)
        out[key] = s[key]
    out["weights"] = _arrays(s.get("weights"), fresh["weights"], "state.weights")
    if s.get("gradients") is not None:  # files before gradients were saved open with none shown
        out["gradients"] = _arrays(s["gradients"], fresh["gradients"], "state.gradients")
    opt = s.get("optimizer")
    if not isinstance(opt, dict):
        raise Invalid("state.optimizer must be a JSON object")
    fresh_opt = {k: v for k, v in fresh["optimizer"].items() if k != "t"}
    out["optimizer"] = _arrays({k: v for k, v in opt.items() if k != "t"}, fresh_opt, "state.optimizer")
    if "t" in fresh["optimizer"]:
        check_int(opt.get("t"), "state.optimizer.t", 0)
        out["optimizer"]["t"] = opt["t"]
    out["shuffle_rng"] = check_rng_state(s.get("shuffle_rng"), "state.shuffle_rng")
    order = s.get("epoch_order")
    out["epoch_order"] = None if order is None else int_list(order, "state.epoch_order")
    out["history"] = _history(s.get("history"), trainer.network.n_layers)
    return out


def _arrays(value: Any, like: dict[str, np.ndarray], path: str) -> dict[str, np.ndarray]:
    """A dict of finite float arrays with exactly the names and shapes of ``like``."""
    if not isinstance(value, dict):
        raise Invalid(f"{path} must be a JSON object")
    missing = [k for k in like if k not in value]
    if missing:
        raise Invalid(f"{path}: {', '.join(missing)} missing")
    extra = [k for k in value if k not in like]
    if extra:
        raise Invalid(f"{path}: unexpected {', '.join(extra)[:80]}")
    out = {}
    for name, ref in like.items():
        arr = float_array(value[name], f"{path}.{name}", ndim=np.ndim(ref))
        if arr.shape != np.shape(ref):
            raise Invalid(f"{path}.{name} has shape {arr.shape}, the spec's network needs {np.shape(ref)}")
        if not np.isfinite(arr).all():
            raise Invalid(f"{path}.{name} contains NaN or infinity")
        out[name] = arr
    return out


def _history(h: Any, n_layers: int) -> dict[str, Any]:
    if not isinstance(h, dict):
        raise Invalid("state.history must be a JSON object")
    out: dict[str, Any] = {"epochs": int_list(h.get("epochs", []), "state.history.epochs")}
    m = len(out["epochs"])
    for key in ("train_loss", "test_loss", "train_accuracy", "test_accuracy"):
        vals = h.get(key, [])
        if not isinstance(vals, list) or len(vals) != m:
            raise Invalid(f"state.history.{key} must list {m} values, one per epoch")
        if not (only_types(vals, _NUMBER_OR_NULL) and all(math.isfinite(v) for v in vals if v is not None)):
            raise Invalid(f"state.history.{key} must hold numbers or null")
        out[key] = vals
    grad = h.get("grad_norms", [])
    if m == 0 and grad == []:
        out["grad_norms"] = np.zeros((0, n_layers))
    else:
        arr = float_array(grad, "state.history.grad_norms", ndim=2, allow_null=True)
        if arr.shape != (m, n_layers):
            raise Invalid(f"state.history.grad_norms has shape {arr.shape}, needs {(m, n_layers)}")
        out["grad_norms"] = arr
    return out
