"""Points as CSV: ``x1,x2,label[,split]`` with a header.

Written files have the header ``x1,x2,label,split``, the training rows first
(in training order) and then the test rows. Floats are written with ``repr``
so a round trip is exact. Reading accepts the columns in any order, any case
and with spaces around fields; ``split`` is optional. Every problem raises
:class:`~playground.core.dataset.DataError` with one line naming the file, the
line and what is wrong; no row is ever dropped silently (blank lines carry no
row and are skipped).
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np

from playground.core.dataset import DataError, Dataset
from playground.core.datasets import split_count
from playground.core.io.reading import read_bytes_limited
from playground.core.spec import MAX_CLASSES, PROBLEMS

HEADER = ("x1", "x2", "label", "split")
REQUIRED = ("x1", "x2", "label")
#: Larger files are refused: the whole file is read into memory.
MAX_FILE_BYTES = 200 * 1024 * 1024


# --------------------------------------------------------------------------- writing


def dataset_to_csv_text(dataset: Dataset) -> str:
    """The CSV text :func:`write_csv` writes: header, training rows, then test rows."""
    lines = [",".join(HEADER)]
    cls = dataset.is_classification
    for xs, ys, split in ((dataset.x_train, dataset.y_train, "train"),
                          (dataset.x_test, dataset.y_test, "test")):
        for (a, b), t in zip(xs.tolist(), ys.tolist(), strict=True):
            label = str(int(t)) if cls else repr(float(t))
            lines.append(f"{a!r},{b!r},{label},{split}")
    return "\n".join(lines) + "\n"


def write_csv(dataset: Dataset, path: str | os.PathLike[str]) -> None:
    """Write ``dataset`` to ``path`` (UTF-8, ``\\n`` line ends).

    Raises
    ------
    DataError
        when the file cannot be written.
    """
    try:
        Path(path).write_text(dataset_to_csv_text(dataset), encoding="utf-8", newline="\n")
    except OSError as exc:
        raise DataError(f"{path}: cannot write ({exc.strerror or exc})") from None


# --------------------------------------------------------------------------- reading


def read_csv(path: str | os.PathLike[str], problem: str | None = None,
             train_ratio: float = 0.5, seed: int = 0) -> Dataset:
    """Read points from a CSV file.

    Parameters
    ----------
    path : the file
    problem : ``"classification"``, ``"regression"`` or ``None`` to infer: all labels
        whole numbers with at most 8 distinct values means classification
    train_ratio : share of training rows when the file has no ``split`` column
    seed : seeds the shuffle when the file has no ``split`` column

    Returns
    -------
    Dataset named after the file. Labels ``-1/+1`` become classes 0/1; other
    classification labels must be class indices ``0 .. K-1`` (K = max + 1, 2 to 8).

    Raises
    ------
    DataError
        one line naming the file, the line and the problem.
    """
    source = str(path)
    try:
        raw = read_bytes_limited(path, MAX_FILE_BYTES, "CSV files")
    except ValueError as exc:
        raise DataError(f"{source}: {exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise DataError(f"{source}: line {line}: not UTF-8 text") from None
    return dataset_from_csv_text(text, problem, train_ratio, seed, source=source,
                                 name=Path(path).name)


def dataset_from_csv_text(text: str, problem: str | None = None, train_ratio: float = 0.5,
                          seed: int = 0, *, source: str = "<text>", name: str = "custom") -> Dataset:
    """Parse CSV text into a :class:`Dataset`; see :func:`read_csv`. ``source`` names it in errors."""
    if problem is not None and problem not in PROBLEMS:
        raise DataError(f"{source}: problem must be one of {', '.join(PROBLEMS)}, got {problem!r}")
    if not (isinstance(train_ratio, (int, float)) and 0.0 < train_ratio < 1.0):
        raise DataError(f"{source}: train ratio must be between 0 and 1, got {train_ratio!r}")
    rows = _Rows(text, source)
    if rows.linenos.size == 0:
        raise rows.error(rows.header_line, "no data rows after the header")
    labels, problem, classes = _labels(rows, problem, source)
    points = np.column_stack([rows.x1, rows.x2])
    if rows.split is not None:
        train = rows.split
        if not train.any():
            raise DataError(f"{source}: no training rows (every row has split=test)")
        # Boolean masks keep file order: the no-shuffle trainer visits rows as written.
        return Dataset(points[train], labels[train], points[~train], labels[~train],
                       problem, classes, name)
    n = len(points)
    order = np.random.default_rng(seed).permutation(n)
    k = split_count(n, float(train_ratio))
    points, labels = points[order], labels[order]
    return Dataset(points[:k], labels[:k], points[k:], labels[k:], problem, classes, name)


class _Rows:
    """Columns of a CSV text, checked field by field, with each row's line number."""

    def __init__(self, text: str, source: str) -> None:
        self.source = source
        text = text.removeprefix("\ufeff")  # a byte-order mark some editors put first
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        numbered = ((i + 1, line) for i, line in enumerate(lines) if line.strip())
        first = next(numbered, None)
        if first is None:
            raise DataError(f"{source}: line 1: the file is empty")
        self.header_line, header = first
        cols = self._header(header)
        ncols = len(cols)
        ix1, ix2, ilab = cols.index("x1"), cols.index("x2"), cols.index("label")
        isplit = cols.index("split") if "split" in cols else None
        x1: list[float] = []
        x2: list[float] = []
        lab: list[float] = []
        split: list[bool] = []
        linenos: list[int] = []
        for lineno, line in numbered:
            fields = line.split(",")
            if len(fields) != ncols:
                raise self.error(lineno, f"expected {ncols} fields ({','.join(cols)}), got {len(fields)}")
            x1.append(self._number(fields[ix1], "x1", lineno))
            x2.append(self._number(fields[ix2], "x2", lineno))
            lab.append(self._number(fields[ilab], "label", lineno))
            if isplit is not None:
                value = _unquote(fields[isplit]).lower()
                if value not in ("train", "test"):
                    raise self.error(lineno, f"split must be train or test, got {value!r}")
                split.append(value == "train")
            linenos.append(lineno)
        self.x1 = np.array(x1, dtype=np.float64)
        self.x2 = np.array(x2, dtype=np.float64)
        self.label = np.array(lab, dtype=np.float64)
        self.split = np.array(split, dtype=bool) if isplit is not None else None
        self.linenos = np.array(linenos, dtype=np.int64)

    def error(self, lineno: int, message: str) -> DataError:
        return DataError(f"{self.source}: line {lineno}: {message}")

    def _header(self, header: str) -> list[str]:
        cols = [_unquote(c).lower() for c in header.split(",")]
        line = self.header_line
        try:
            float(cols[0])
        except ValueError:
            pass
        else:
            raise self.error(line, f"needs a header row naming the columns {','.join(REQUIRED)}[,split]")
        for c in cols:
            if c not in HEADER:
                raise self.error(line, f"unknown column {c!r}; the columns are {','.join(REQUIRED)}"
                                       f" and optionally split")
            if cols.count(c) > 1:
                raise self.error(line, f"column {c!r} appears twice")
        missing = [c for c in REQUIRED if c not in cols]
        if missing:
            raise self.error(line, f"missing column(s) {', '.join(missing)}")
        return cols

    def _number(self, field: str, column: str, lineno: int) -> float:
        text = _unquote(field)
        try:
            value = float(text)
        except ValueError:
            raise self.error(lineno, f"{column} is not a number: {text[:40]!r}") from None
        if not math.isfinite(value):
            raise self.error(lineno, f"{column} must be a finite number, got {text[:40]!r}")
        return value


def _unquote(field: str) -> str:
    """A field without surrounding spaces or one pair of double quotes."""
    field = field.strip()
    if len(field) >= 2 and field[0] == field[-1] == '"':
        field = field[1:-1].strip()
    return field


def _labels(rows: _Rows, problem: str | None, source: str) -> tuple[np.ndarray, str, int]:
    """Labels as stored in a Dataset, the problem type and the number of classes."""
    y = rows.label
    whole = y == np.floor(y)
    if problem is None:
        problem = "classification" if whole.all() and np.unique(y).size <= MAX_CLASSES else "regression"
    if problem == "regression":
        return y, problem, 0
    present = set(np.unique(y).tolist())
    if -1.0 in present and present <= {-1.0, 1.0}:
        y = np.where(y < 0, 0.0, 1.0)  # TensorFlow Playground's −1/+1 labels
    bad = np.flatnonzero(~whole | (y < 0))
    if bad.size:
        i = int(bad[0])
        raise rows.error(int(rows.linenos[i]), f"label {rows.label[i]:g} is not a class index "
                         f"(0..{MAX_CLASSES - 1}, or -1/+1 for two classes)")
    big = np.flatnonzero(y >= MAX_CLASSES)
    if big.size:
        i = int(big[0])
        raise rows.error(int(rows.linenos[i]), f"label {rows.label[i]:g}: too many classes "
                         f"(at most {MAX_CLASSES}, labelled 0..{MAX_CLASSES - 1})")
    classes = max(2, int(y.max()) + 1)
    return y.astype(np.int64), problem, classes
