"""Experiment files (``.playground.json``): the whole experiment in one JSON file.

Layout (``format_version`` 3)::

    {
      "format": "neural-network-playground experiment",
      "format_version": 3,
      "dtype": "float64",                  # the trainer's float type
      "spec": {...},                       # ExperimentSpec.to_dict()
      "dataset": {"name", "problem", "classes", "x_train", "y_train", "x_test", "y_test"},
      "state": {...},                      # Trainer.get_state(): weights, optimizer, rng, epoch,
                                           # history, gradients, diverged ({"epoch", "message"} or null)
      "runs": [...]                        # format 3: the kept runs (``project_runs.py``), optional
      "drawing": {...}                     # drawn points not trainable yet (``project_drawing.py``), optional
    }

Arrays of more than a few dozen numbers (and every history column) are
*packed*: ``{"dtype", "shape", "zlib_base64"}``, the little-endian bytes
compressed and in base64 (see ``packed.py``); small ones are lists of numbers,
as everything is in format 1, which still opens (as does format 2, which has no runs). Floats are stored exactly
(bytes, or ``repr`` text), so :func:`load_project` restores every number bit for
bit and training continues exactly as if it had never stopped.

The points are stored with their split, so custom data survives and the file
does not depend on the dataset generators staying the same. The largest
experiment the app allows (100,000 points, 16 × 256 neurons, a full history)
is well under :data:`MAX_FILE_BYTES`.

Every problem while loading raises :class:`ProjectError` with one line naming
the file and the problem; a new ``Trainer`` is built, so nothing the caller
holds is ever touched. Saving is atomic.
"""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np

from playground.core.dataset import DataError, Dataset
from playground.core.io import json_text
from playground.core.io.atomic import WriteError, atomic_write_text, describe_os_error
from playground.core.io.project_arrays import numbers, read_state, state_value, whole_numbers
from playground.core.io.project_drawing import read_drawing
from playground.core.io.project_runs import RUNS_MAX_BYTES, dataset_value, read_runs, runs_texts
from playground.core.io.reading import read_bytes_limited
from playground.core.io.validate import Invalid, check_int, one_line, show
from playground.core.painted_data import PaintedPoints
from playground.core.runs import Run
from playground.core.spec import MAX_POINTS, PROBLEMS, ExperimentSpec, SpecError, dataset_problem
from playground.core.trainer import Trainer, TrainerError

FORMAT_NAME = "neural-network-playground experiment"
FORMAT_VERSION = 3
SUFFIX = ".playground.json"
#: The trainer's float type; optional in the file (float64 when absent).
DTYPES = ("float64", "float32")
#: Files larger than this are refused before reading. The largest experiment the app can make
#: (16 × 256 neurons with Adam, 100,000 points, a full history) takes about 160 MB.
MAX_FILE_BYTES = 256 * 1024 * 1024


class ProjectError(ValueError):
    """An experiment file that cannot be written or read; one line naming the file and the problem."""


class ProjectWriteError(ProjectError, WriteError):
    """An experiment file that could not be written (disk full, permission ...), as opposed to bad input."""


# --------------------------------------------------------------------------- saving


def project_dict(trainer: Trainer) -> dict[str, Any]:
    """The trainer's whole experiment as plain JSON values (large arrays packed)."""
    ds = trainer.dataset
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "dtype": np.dtype(trainer.dtype).name,
        "spec": trainer.spec.to_dict(),
        "dataset": dataset_value(ds),
        "state": json_text.plain(state_value(trainer.get_state())),
    }


def dumps_project(trainer: Trainer) -> str:
    """The text :func:`save_project` writes (no runs; see :func:`dumps_project_with_runs`).

    Raises :class:`ProjectError` (a reason without the file's name, which the caller adds)
    rather than make a file that would not open again: more points or bytes than opening accepts.
    """
    points = trainer.dataset.n_train + trainer.dataset.n_test
    if points > MAX_POINTS:
        raise ProjectError(f"the dataset holds {points:,} points; experiment files hold at most "
                           f"{MAX_POINTS:,}")
    try:
        text = json_text.dumps(project_dict(trainer)) + "\n"
    except ValueError as exc:  # a non-finite number outside the packed arrays: a bug, said in one line
        raise ProjectError(f"the experiment holds a number JSON cannot store ({exc})") from None
    size = len(text) if text.isascii() else len(text.encode("utf-8"))
    if size > MAX_FILE_BYTES:
        raise ProjectError(f"the file would take {size / 2**20:.0f} MB; experiment files over "
                           f"{MAX_FILE_BYTES // 2**20} MB cannot be opened")
    return text


def dumps_project_with_runs(trainer: Trainer, runs: tuple[Run, ...] | list[Run] = ()) -> tuple[str, int]:
    """:func:`dumps_project`'s text with the kept ``runs`` (as many as fit the size limits), and how
    many runs were left out to stay within them."""
    text = dumps_project(trainer)
    if not runs:
        return text, 0
    size = len(text) if text.isascii() else len(text.encode("utf-8"))
    budget = min(RUNS_MAX_BYTES, MAX_FILE_BYTES - size - 2**20)
    texts, left_out = runs_texts(runs, trainer.dataset, budget)
    if texts:  # "runs" goes last: the experiment's text is written once, not re-made
        pad = "    "
        body = ",\n".join(pad + t for t in texts)
        text = text.rstrip()[:-1].rstrip() + ',\n  "runs": [\n' + body + "\n  ]\n}\n"
    return text, left_out


def save_project(path: str | os.PathLike[str], trainer: Trainer) -> None:
    """Write the experiment to ``path`` atomically (an existing file is replaced only on success).

    Raises
    ------
    ProjectError
        when the file cannot be written (the message names it and the reason).
    """
    try:
        text = dumps_project(trainer)
    except ProjectError as exc:  # its message does not know the file's name
        raise ProjectError(f"{path}: cannot save: {exc}") from None
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
    return load_project_with_runs(path)[0]


def loads_project(text: str, source: str = "<text>") -> Trainer:
    """Like :func:`load_project` for the file's text; ``source`` names it in messages."""
    return loads_project_with_runs(text, source)[0]


def load_project_with_runs(path: str | os.PathLike[str]) -> tuple[Trainer, tuple[Run, ...]]:
    """:func:`load_project`, and the runs the file keeps (none before format 3)."""
    trainer, runs, _ = load_project_with_drawing(path)
    return trainer, runs


def load_project_with_drawing(path: str | os.PathLike[str]
                              ) -> tuple[Trainer, tuple[Run, ...], PaintedPoints | None]:
    """:func:`load_project_with_runs`, and the drawn points not trainable yet that the file keeps
    (``project_drawing``; None when none)."""
    try:
        raw = read_bytes_limited(path, MAX_FILE_BYTES, "experiment files")
    except ValueError as exc:
        raise ProjectError(f"{path}: {exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ProjectError(f"{path}: not an experiment file (not UTF-8 text)") from None
    return loads_project_with_drawing(text, source=str(path))


def loads_project_with_runs(text: str, source: str = "<text>") -> tuple[Trainer, tuple[Run, ...]]:
    """Like :func:`load_project_with_runs` for the file's text."""
    trainer, runs, _ = loads_project_with_drawing(text, source)
    return trainer, runs


def loads_project_with_drawing(text: str, source: str = "<text>"
                               ) -> tuple[Trainer, tuple[Run, ...], PaintedPoints | None]:
    """Like :func:`load_project_with_drawing` for the file's text."""
    try:
        doc = _parse(text)
        trainer = _trainer_from_doc(doc, source)
        runs = ()
        if doc["format_version"] >= 3 and "runs" in doc:
            runs = read_runs(doc["runs"], doc["format_version"], trainer.dataset, _dataset)
        return trainer, runs, read_drawing(doc, doc["format_version"])
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
    except Invalid:
        raise
    except ValueError:  # Python refuses whole numbers of more than 4300 digits
        raise Invalid("holds a number with thousands of digits, which no experiment has") from None
    if not isinstance(doc, dict):
        raise Invalid("not an experiment file (the JSON is not an object)")
    fmt = doc.get("format", FORMAT_NAME)
    if fmt != FORMAT_NAME:
        raise Invalid(f"not an experiment file (its format is {str(fmt)[:60]!r})")
    if "format_version" not in doc:
        raise Invalid("not an experiment file (no format_version)")
    version = doc["format_version"]
    if type(version) is not int:
        raise Invalid(f"format_version must be a whole number, got {show(version)}")
    if version > FORMAT_VERSION:
        shown = version if version < 10**6 else show(version)
        raise Invalid(f"written by a newer version of the app (format {shown}); "
                      f"this one reads up to format {FORMAT_VERSION}")
    check_int(version, "format_version", 1)
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
    version = doc["format_version"]
    dataset = _dataset(doc["dataset"], version)
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
    state = read_state(doc["state"], trainer, version)
    try:
        trainer.set_state(state)
    except ValueError as exc:
        raise Invalid(f"state: {exc}") from None
    return trainer


def _dataset(d: dict[str, Any], version: int) -> Dataset:
    problem = d.get("problem")
    if problem not in PROBLEMS:
        raise Invalid(f"dataset.problem must be one of {', '.join(PROBLEMS)}, got {str(problem)[:40]!r}")
    classes = d.get("classes")
    check_int(classes, "dataset.classes", 0, 8)
    name = d.get("name", "custom")
    if not isinstance(name, str):
        raise Invalid("dataset.name must be text")
    n = {}
    arrays: dict[str, np.ndarray] = {}
    for part in ("train", "test"):
        key = f"x_{part}"
        if key not in d:
            raise Invalid(f"dataset.{key} is missing")
        arrays[key] = numbers(d[key], f"dataset.{key}", (None, 2), MAX_POINTS, version, "a dataset")
        n[part] = len(arrays[key])
    if n["train"] + n["test"] > MAX_POINTS:
        raise Invalid(f"the dataset holds {n['train'] + n['test']:,} points; the app works with at most "
                      f"{MAX_POINTS:,}")
    for part in ("train", "test"):
        key = f"y_{part}"
        if key not in d:
            raise Invalid(f"dataset.{key} is missing")
        arrays[key] = (whole_numbers(d[key], f"dataset.{key}", MAX_POINTS, version) if problem == "classification"
                       else numbers(d[key], f"dataset.{key}", (None,), MAX_POINTS, version, "a dataset"))
    try:
        return Dataset(problem=problem, classes=classes, name=name, **arrays)
    except DataError as exc:
        raise Invalid(f"dataset: {exc}") from None
