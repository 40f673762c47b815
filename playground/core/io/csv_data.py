"""Points as CSV: ``x1,x2,label[,split]`` with a header.

Written files have the header ``x1,x2,label,split``, the training rows first
(in training order) and then the test rows. Floats are written with ``repr``
so a round trip is exact. Reading goes through the standard library's ``csv`` reader
(double quotes, doubled quotes inside them) and accepts the columns in any order, any case
and with spaces around fields; ``split`` is optional. Every problem raises
:class:`~playground.core.dataset.DataError` with one line naming the file, the
line and what is wrong; no row is ever dropped silently (blank lines carry no
row and are skipped).

Rules a file must follow (each broken one is named in the message):

- numbers are plain ASCII decimals (``-1.5``, ``2e3``; not ``1_000``, not other scripts' digits)
  within ±1,000,000 (:data:`~playground.core.dataset.MAX_ABS_VALUE`);
- at most :data:`~playground.core.spec.MAX_POINTS` rows, the cap of generated data;
- class labels are ``0 .. K-1`` with every class present (K from 2 to 8), or ``-1``/``+1``;
- the problem type, unless given, comes from the labels: any label that is not a whole number
  means regression; whole numbers with at most 8 different values mean classification; more
  than 8 different whole numbers are refused as ambiguous unless some label is written as a
  decimal (``9.0``), which marks regression targets (the writer writes them that way).
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from playground.core.dataset import MAX_ABS_VALUE, DataError, Dataset
from playground.core.datasets import split_count
from playground.core.io.reading import read_bytes_limited
from playground.core.spec import MAX_CLASSES, MAX_POINTS, PROBLEMS

HEADER = ("x1", "x2", "label", "split")
REQUIRED = ("x1", "x2", "label")
#: Larger files are refused: the whole file is read into memory.
MAX_FILE_BYTES = 200 * 1024 * 1024
#: A plain decimal number: ASCII digits with an optional sign, point and exponent. Python's ``float``
#: also takes ``1_000``, other scripts' digits and ``0x``-less oddities, which a data file must not hold.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NON_FINITE = ("nan", "inf", "infinity")


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
    problem : ``"classification"``, ``"regression"`` or ``None`` to infer it from the labels
        (rules in the module docstring)
    train_ratio : share of training rows when the file has no ``split`` column
    seed : seeds the shuffle when the file has no ``split`` column

    Returns
    -------
    Dataset named after the file. Labels ``-1/+1`` become classes 0/1; other
    classification labels must be class indices ``0 .. K-1`` (K from 2 to 8), each present.

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
        records = _records(text, source)
        first = next(records, None)
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
        #: Whether some label is written as a decimal ("9.0", "1e3"): see :func:`_infer_problem`.
        self.decimal_labels = False
        for lineno, fields in records:
            if len(linenos) == MAX_POINTS:
                raise self.error(lineno, f"more than {MAX_POINTS:,} data rows; at most {MAX_POINTS:,} points "
                                         f"can be loaded, as for generated data")
            if len(fields) != ncols:
                raise self.error(lineno, f"expected {ncols} fields ({','.join(cols)}), got {len(fields)}")
            x1.append(self._number(fields[ix1], "x1", lineno))
            x2.append(self._number(fields[ix2], "x2", lineno))
            label = fields[ilab]
            lab.append(self._number(label, "label", lineno))
            if not self.decimal_labels and ("." in label or "e" in label or "E" in label):
                self.decimal_labels = True
            if isplit is not None:
                value = fields[isplit].lower()
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

    def _header(self, header: list[str]) -> list[str]:
        cols = [c.lower() for c in header]
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

    def _number(self, text: str, column: str, lineno: int) -> float:
        """The value of an unquoted field: a plain decimal, finite and within ±MAX_ABS_VALUE."""
        if not _PLAIN_NUMBER.fullmatch(text):
            if text.lstrip("+-").lower() in _NON_FINITE:
                raise self.error(lineno, f"{column} must be a finite number, got {text[:40]!r}")
            raise self.error(lineno, f"{column} is not a number: {text[:40]!r} (write plain decimal numbers "
                                     f"with the digits 0-9, such as -1.5 or 2e3)")
        value = float(text)
        if not math.isfinite(value):
            raise self.error(lineno, f"{column} must be a finite number, got {text[:40]!r}")
        if abs(value) > MAX_ABS_VALUE:
            raise self.error(lineno, f"{column} {text[:40]} is out of range: values must lie within "
                                     f"±{MAX_ABS_VALUE:,.0f}")
        return value


def _records(text: str, source: str) -> Iterator[tuple[int, list[str]]]:
    """The records that are not blank, as fields without surrounding spaces or quotes, with the
    1-based number of their line ("\r\n" and "\r" end lines too).

    The standard library's ``csv`` reader splits the fields (quotes, doubled quotes, commas inside
    quotes), one record at a time, so a file over the row cap is refused at its first extra row.
    A quoted field never spans lines here: a quote left open is named at its line.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    reader = csv.reader(io.StringIO(text, newline=""), skipinitialspace=True)
    lineno = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise DataError(f"{source}: line {reader.line_num}: cannot split into fields ({exc})") from None
        fields = [f.strip() for f in row]
        if any("\n" in f for f in fields):
            raise DataError(f"{source}: line {lineno}: a quote (\") is opened and not closed on this line")
        if any(fields):
            yield lineno, fields
        lineno = reader.line_num + 1


def _infer_problem(rows: _Rows, whole: np.ndarray, source: str) -> str:
    """The problem type the labels imply (see the module's rules)."""
    if not whole.all():
        return "regression"
    distinct = np.unique(rows.label)
    if distinct.size <= MAX_CLASSES:
        return "classification"
    if rows.decimal_labels:
        return "regression"
    raise DataError(f"{source}: the labels are {distinct.size} different whole numbers: too many for classes "
                    f"(at most {MAX_CLASSES}, labelled 0..{MAX_CLASSES - 1}); if they are regression targets, "
                    f"write them as decimals (e.g. {distinct[-1]:.1f}) or pass --problem regression")


def _labels(rows: _Rows, problem: str | None, source: str) -> tuple[np.ndarray, str, int]:
    """Labels as stored in a Dataset, the problem type and the number of classes."""
    y = rows.label
    whole = y == np.floor(y)
    if problem is None:
        problem = _infer_problem(rows, whole, source)
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
    labels = y.astype(np.int64)
    found = np.unique(labels)
    if found.size < 2:
        raise DataError(f"{source}: every label is {rows.label[0]:g}: classification needs at least two "
                        f"classes (labels 0 and 1, or -1 and +1)")
    classes = int(found[-1]) + 1
    if found.size != classes:
        missing = sorted(set(range(classes)) - set(found.tolist()))
        raise DataError(f"{source}: no row has label {missing[0]}; class labels must start at 0 and leave no "
                        f"gaps (the {found.size} classes here: 0..{found.size - 1}), found "
                        f"{', '.join(map(str, found.tolist()))}")
    return labels, problem, classes
