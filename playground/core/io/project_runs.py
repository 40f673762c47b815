"""The kept runs inside an experiment file (format 3): written within a size budget, read back checked.

Each run is a JSON object::

    {"name", "pinned", "spec",            # ExperimentSpec.to_dict()
     "dataset": "current" | {"run": j} | {...},   # the experiment's points, an earlier run's, or its own
     "epoch", "batches",
     "final": packed (4,) float64,        # train loss, test loss, train accuracy, test accuracy (NaN: none)
     "weights": {"layers.{i}.weight", "layers.{i}.bias"},   # as the state's weights
     "history": {"epochs", "train_loss", …, "grad_norms"},  # packed columns
     "page_dead": [...]}                  # optional: a link experiment's dead links, as the state's

Arrays use the experiment's own encodings (``project_arrays.array_value``,
``packed``), so every number reopens bit for bit. To keep files within the size
limit, a run's history is thinned to at most :data:`RUN_HISTORY_ROWS` rows (the
last one kept), points shared with the experiment or an earlier run are stored
once, and runs are written only while they fit :data:`RUNS_MAX_BYTES` (and the
file limit): pinned runs first, then the newest. The caller is told how many
were left out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from playground.core.dataset import Dataset
from playground.core.history import MetricHistory
from playground.core.io import json_text
from playground.core.io.packed import pack, unpack
from playground.core.io.project_arrays import array_value, numbers, whole_numbers
from playground.core.io.validate import Invalid, check_int
from playground.core.page_quirks import is_page_mode
from playground.core.run_models import network_for
from playground.core.runs import Run
from playground.core.snapshot import History, frozen_copy
from playground.core.spec import ExperimentSpec, SpecError, dataset_problem
from playground.core.trainer_state import MAX_COUNT

#: At most this many runs in a file (the Runs panel keeps 50 unpinned ones, and pinned ones).
MAX_STORED_RUNS = 200
#: A stored run's loss history is thinned to at most this many rows (a chart needs no more).
RUN_HISTORY_ROWS = 2000
#: The runs of a file take at most this much text; the largest experiment (about 160 MB) plus this
#: stays under the file limit.
RUNS_MAX_BYTES = 64 * 2**20
MAX_NAME = 200
_METRICS = ("train_loss", "test_loss", "train_accuracy", "test_accuracy")
_DATASET_KEYS = ("x_train", "y_train", "x_test", "y_test")


# --------------------------------------------------------------------------- writing


def dataset_value(ds: Dataset) -> dict[str, Any]:
    """The points as a file stores them (large arrays packed)."""
    return {"name": ds.name, "problem": ds.problem, "classes": int(ds.classes),
            **{key: array_value(getattr(ds, key)) for key in _DATASET_KEYS}}


def same_points(a: Dataset, b: Dataset) -> bool:
    """Whether two datasets hold exactly the same points, split and labels."""
    return a is b or ((a.problem, a.classes, a.name) == (b.problem, b.classes, b.name)
                      and all(np.array_equal(getattr(a, k), getattr(b, k)) for k in _DATASET_KEYS))


def thinned(h: History, rows: int = RUN_HISTORY_ROWS) -> History:
    """``h`` with at most ``rows`` rows, evenly strided, the last kept (``MetricHistory.view``'s rule)."""
    n_layers = h.grad_norms.shape[1] if h.grad_norms.ndim == 2 else 0
    full = MetricHistory.from_dict({"every": 1, "epochs": h.epochs, **{k: getattr(h, k) for k in _METRICS},
                                    "grad_norms": h.grad_norms}, n_layers)
    return full.view(rows)


def run_value(run: Run, dataset: Any) -> dict[str, Any]:
    """One run as JSON values; ``dataset`` is what its "dataset" key holds."""
    h = thinned(run.history)
    final = np.array([run.train_loss, run.test_loss,
                      np.nan if run.train_accuracy is None else run.train_accuracy,
                      np.nan if run.test_accuracy is None else run.test_accuracy], dtype=np.float64)
    value = {
        "name": run.name[:MAX_NAME],
        "pinned": bool(run.pinned),
        "spec": run.spec.to_dict(),
        "dataset": dataset,
        "epoch": int(run.epoch),
        "batches": int(run.batches),
        "final": pack(final),
        "weights": {k: array_value(v) for k, v in run.weights.items()},
        "history": {"epochs": pack(h.epochs), **{k: pack(getattr(h, k)) for k in _METRICS},
                    "grad_norms": pack(h.grad_norms)},
    }
    if run.dead_links is not None:  # only a link experiment's run has them (readers before them ignore the key)
        value["page_dead"] = array_value(run.dead_links)
    return value


def runs_texts(runs: Sequence[Run], current: Dataset, budget: int = RUNS_MAX_BYTES) -> tuple[list[str], int]:
    """The runs that fit ``budget`` characters as JSON texts (for a list at nesting level 2), in list
    order, and how many were left out. Pinned runs are chosen first, then the newest."""
    left_out = max(0, len(runs) - MAX_STORED_RUNS)
    runs = list(runs)[-MAX_STORED_RUNS:]
    order = sorted(range(len(runs)), key=lambda i: (not runs[i].pinned, -i))
    chosen: set[int] = set()
    used = 0
    for i in order:
        size = _estimate(runs[i])
        if used + size > budget:
            left_out += 1
            continue
        chosen.add(i)
        used += size
    texts: list[str] = []
    stored: list[Dataset] = []  # the points of each written run that stores its own
    owners: list[int] = []  # their positions among the written runs
    for i in sorted(chosen):
        run = runs[i]
        if same_points(run.dataset, current):
            where: Any = "current"
        else:
            j = next((k for k, ds in enumerate(stored) if same_points(run.dataset, ds)), None)
            where = {"run": owners[j]} if j is not None else dataset_value(run.dataset)
            if j is None:
                stored.append(run.dataset)
                owners.append(len(texts))
        texts.append(json_text.dumps(json_text.plain(run_value(run, where)), indent=2))
    return texts, left_out


def _estimate(run: Run) -> int:
    """An upper bound of a run's text (its own points counted, whether or not they are shared)."""
    numbers_ = sum(v.size for v in run.weights.values()) + 6 * min(len(run.history.epochs), RUN_HISTORY_ROWS)
    numbers_ += min(len(run.history.epochs), RUN_HISTORY_ROWS) * run.history.grad_norms.shape[-1]
    points = 3 * (run.dataset.n_train + run.dataset.n_test)
    return 25 * (numbers_ + points) + 4096  # a number takes at most ~25 characters as text, ~11 packed


# --------------------------------------------------------------------------- reading


def read_runs(value: Any, version: int, current: Dataset,
              read_dataset: Callable[[dict[str, Any], int], Dataset]) -> tuple[Run, ...]:
    """The runs a file lists, each checked value by value (``read_dataset`` reads a stored dataset)."""
    if not isinstance(value, list):
        raise Invalid("runs must be a JSON list")
    if len(value) > MAX_STORED_RUNS:
        raise Invalid(f"runs lists {len(value):,} runs; at most {MAX_STORED_RUNS} are allowed")
    out: list[Run] = []
    for i, item in enumerate(value):
        out.append(_run(item, f"runs[{i}]", version, current, out, read_dataset))
    return tuple(out)


def _run(d: Any, path: str, version: int, current: Dataset, earlier: list[Run],
         read_dataset: Callable[[dict[str, Any], int], Dataset]) -> Run:
    if not isinstance(d, dict):
        raise Invalid(f"{path} must be a JSON object")
    name = d.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
        raise Invalid(f"{path}.name must be text of 1 to {MAX_NAME} characters")
    if type(d.get("pinned")) is not bool:
        raise Invalid(f"{path}.pinned must be true or false")
    if not isinstance(d.get("spec"), dict):
        raise Invalid(f"{path}.spec must be a JSON object")
    try:
        spec = ExperimentSpec.from_dict(d["spec"])
    except SpecError as exc:
        raise Invalid(f"{path}.spec: {exc}") from None
    dataset = _run_dataset(d.get("dataset"), f"{path}.dataset", version, current, earlier, read_dataset)
    implied = spec.data.problem or dataset_problem(spec.data.name)
    if implied is not None and implied != dataset.problem:
        raise Invalid(f"{path}: the spec describes {implied} data but the dataset holds {dataset.problem} data")
    try:
        net = network_for(spec, dataset)
    except ValueError as exc:
        raise Invalid(f"{path}: the spec does not fit the data: {exc}") from None
    for key in ("epoch", "batches"):
        check_int(d.get(key), f"{path}.{key}", 0, MAX_COUNT)
    weights = d.get("weights")
    if not isinstance(weights, dict) or set(weights) != set(net.state_dict()):
        raise Invalid(f"{path}.weights must hold exactly {', '.join(net.state_dict())[:80]}")
    arrays = {k: frozen_copy(numbers(weights[k], f"{path}.weights.{k}", np.shape(ref), 0, version))
              for k, ref in net.state_dict().items()}
    final = unpack(d.get("final"), f"{path}.final", "float64", (4,), 4)
    history = _history(d.get("history"), f"{path}.history", net.n_layers, d["epoch"])
    dead = _dead_links(d.get("page_dead"), f"{path}.page_dead", spec, net.n_params, version)

    def metric(v: float) -> float | None:
        return None if np.isnan(v) else float(v)

    return Run(name=name.strip(), spec=spec, dataset=dataset, history=history, weights=arrays,
               epoch=d["epoch"], batches=d["batches"], train_loss=float(final[0]), test_loss=float(final[1]),
               train_accuracy=metric(final[2]), test_accuracy=metric(final[3]), pinned=d["pinned"],
               dead_links=dead)


def _dead_links(value: Any, path: str, spec: ExperimentSpec, n_params: int, version: int) -> np.ndarray | None:
    """A link experiment's dead links (distinct parameter positions), or None (other runs, older files)."""
    if value is None:
        return None
    if not is_page_mode(spec):
        raise Invalid(f"{path}: only a run of a TensorFlow Playground link experiment has dead links")
    dead = whole_numbers(value, path, n_params, version)
    if dead.size and (dead.min() < 0 or dead.max() >= n_params or len(np.unique(dead)) != len(dead)):
        raise Invalid(f"{path} must list distinct parameter positions from 0 to {n_params - 1:,}")
    return frozen_copy(dead)


def _run_dataset(value: Any, path: str, version: int, current: Dataset, earlier: list[Run],
                 read_dataset: Callable[[dict[str, Any], int], Dataset]) -> Dataset:
    if value == "current":
        return current
    if isinstance(value, dict) and set(value) == {"run"}:
        j = value["run"]
        check_int(j, f"{path}.run", 0, max(0, len(earlier) - 1))
        if not earlier:
            raise Invalid(f"{path}.run names an earlier run, and there is none")
        return earlier[j].dataset
    if not isinstance(value, dict):
        raise Invalid(f"{path} must be \"current\", {{\"run\": index}} or a dataset object")
    try:
        return read_dataset(value, version)
    except Invalid as exc:
        raise Invalid(f"{path}: {exc}") from None


def _history(h: Any, path: str, n_layers: int, epoch: int) -> History:
    if not isinstance(h, dict):
        raise Invalid(f"{path} must be a JSON object")
    epochs = unpack(h.get("epochs"), f"{path}.epochs", "int64", (None,), RUN_HISTORY_ROWS)
    m = len(epochs)
    if m and (epochs[0] < 1 or (np.diff(epochs) <= 0).any() or epochs[-1] > epoch):
        raise Invalid(f"{path}.epochs must be increasing epochs from 1 up to the run's epoch {epoch}")
    cols = {k: unpack(h.get(k), f"{path}.{k}", "float64", (m,), m) for k in _METRICS}
    grad = unpack(h.get("grad_norms"), f"{path}.grad_norms", "float64", (m, n_layers), m)
    return History(epochs=frozen_copy(epochs), grad_norms=frozen_copy(grad),
                   **{k: frozen_copy(v) for k, v in cols.items()})
