"""CSV import/export: exact round trips, one-line errors with line numbers, only DataError on garbage."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground.core.dataset import MAX_ABS_VALUE, DataError, Dataset
from playground.core.datasets import make_dataset
from playground.core.io import csv_data
from playground.core.io.csv_data import dataset_from_csv_text, dataset_to_csv_text, read_csv, write_csv
from playground.core.spec import MAX_POINTS, DataSpec

finite = st.floats(min_value=-MAX_ABS_VALUE, max_value=MAX_ABS_VALUE)


@st.composite
def datasets(draw) -> Dataset:
    """Any valid points: finite values within the bound, every class 0..K-1 present for classification."""
    problem = draw(st.sampled_from(["classification", "regression"]))
    classes = draw(st.integers(2, 8)) if problem == "classification" else 0
    n_train = draw(st.integers(1, 12))
    n_test = draw(st.integers(max(0, classes - n_train), 12))
    n = n_train + n_test
    if classes:
        extra = draw(st.lists(st.integers(0, classes - 1), min_size=n - classes, max_size=n - classes))
        labels = np.array(draw(st.permutations(list(range(classes)) + extra)), dtype=np.int64)
    else:
        labels = np.array(draw(st.lists(finite, min_size=n, max_size=n)))
    x = np.array(draw(st.lists(st.tuples(finite, finite), min_size=n, max_size=n)), dtype=np.float64)
    x = x.reshape(n, 2)
    return Dataset(x[:n_train], labels[:n_train], x[n_train:], labels[n_train:], problem, classes, "hyp")


@given(datasets())
def test_text_round_trip_is_exact(ds):
    back = dataset_from_csv_text(dataset_to_csv_text(ds), problem=ds.problem)
    assert back.classes == ds.classes
    for attr in ("x_train", "y_train", "x_test", "y_test"):
        np.testing.assert_array_equal(getattr(back, attr), getattr(ds, attr))


@settings(max_examples=30)
@given(datasets())
def test_file_round_trip_with_inferred_problem(ds):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "points.csv"
        write_csv(ds, path)
        back = read_csv(path, problem=ds.problem)
        assert back.name == "points.csv"
        for attr in ("x_train", "y_train", "x_test", "y_test"):
            np.testing.assert_array_equal(getattr(back, attr), getattr(ds, attr))


@pytest.mark.parametrize("name", ["spiral", "blobs", "plane", "multi_gauss"])
def test_generated_sets_round_trip_and_infer_their_problem(tmp_path, name):
    ds = make_dataset(DataSpec(name=name, points=300, noise=0.2, classes=2, seed=3))
    write_csv(ds, tmp_path / "d.csv")
    back = read_csv(tmp_path / "d.csv")
    assert back.same_points(ds)
    text = (tmp_path / "d.csv").read_text()
    assert text.startswith("x1,x2,label,split\n")
    assert text.count(",train\n") == ds.n_train and text.count(",test\n") == ds.n_test


garbage_lines = st.lists(
    st.lists(st.sampled_from(["1", "-1", "0", "2.5", "x", "nan", "inf", "", " 3 ", "train", "TEST",
                              "9", "1e400", '"4"', "-0.0", "\x00", "label", "x1", "x2", "split"]),
             max_size=5).map(",".join),
    max_size=8,
)


@settings(max_examples=300)
@given(st.one_of(st.text(), garbage_lines.map("\n".join),
                 garbage_lines.map(lambda ls: "x1,x2,label\n" + "\n".join(ls)),
                 garbage_lines.map(lambda ls: "split, LABEL ,x2,x1\r\n" + "\r\n".join(ls))),
       st.sampled_from([None, "classification", "regression"]),
       st.floats(0.1, 0.9), st.integers(0, 2**32))
def test_garbage_raises_only_dataerror(text, problem, ratio, seed):
    try:
        ds = dataset_from_csv_text(text, problem, ratio, seed)
    except DataError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("<text>: ")
    else:
        assert ds.n_train >= 1


@settings(max_examples=50)
@given(st.binary(max_size=200))
def test_garbage_bytes_raise_only_dataerror(data):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "g.csv"
        path.write_bytes(data)
        try:
            read_csv(path)
        except DataError as exc:
            assert str(exc).startswith(str(path))


def test_flexible_header_and_split_column_keeps_file_order():
    text = ' Label , "X2",x1 ,SPLIT\n\n1, 2.0, 1.0, train\n0,4,3,Test\n1,6,5,TRAIN\n  \n'
    ds = dataset_from_csv_text(text)
    np.testing.assert_array_equal(ds.x_train, [[1.0, 2.0], [5.0, 6.0]])
    np.testing.assert_array_equal(ds.y_train, [1, 1])
    np.testing.assert_array_equal(ds.x_test, [[3.0, 4.0]])
    assert ds.problem == "classification" and ds.classes == 2


def test_plus_minus_one_labels_and_bom():
    ds = dataset_from_csv_text("\ufeffx1,x2,label\n0,0,-1\n1,1,+1\n2,2,1\n3,3,-1\n", train_ratio=0.5)
    ys = np.sort(np.concatenate([ds.y_train, ds.y_test]))
    np.testing.assert_array_equal(ys, [0, 0, 1, 1])


def test_without_split_shuffles_with_the_seed_and_ratio():
    rows = "".join(f"{i},{-i},{i % 3}\n" for i in range(100))
    a = dataset_from_csv_text("x1,x2,label\n" + rows, train_ratio=0.7, seed=5)
    b = dataset_from_csv_text("x1,x2,label\n" + rows, train_ratio=0.7, seed=5)
    c = dataset_from_csv_text("x1,x2,label\n" + rows, train_ratio=0.7, seed=6)
    assert a.same_points(b) and not a.same_points(c)
    assert (a.n_train, a.n_test, a.classes) == (70, 30, 3)
    order = np.random.default_rng(5).permutation(100)
    np.testing.assert_array_equal(a.x_train[:, 0], order[:70])


@pytest.mark.parametrize(("labels", "problem"), [
    ("0 1 2 3 4 5 6 7", "classification"),
    ("0 1 2 3 4 5 6 7 0 1", "classification"),
    ("0.0 1.0 1.0", "classification"),
    ("0 1 2 3 4 5 6 7 8.0", "regression"),  # nine distinct values, one written as a decimal
    ("0 1 2 3 4 5 6 7 1e1", "regression"),
    ("0 0.5 1", "regression"),
    ("-0.25 0.75", "regression"),
])
def test_problem_inference(labels, problem):
    rows = "".join(f"{i},{i},{v}\n" for i, v in enumerate(labels.split()))
    assert dataset_from_csv_text("x1,x2,label\n" + rows).problem == problem


@pytest.mark.parametrize(("text", "kwargs", "message"), [
    ("", {}, "line 1: the file is empty"),
    ("\n  \n", {}, "line 1: the file is empty"),
    ("x1,x2,label\n", {}, "line 1: no data rows"),
    ("1,2,0\n", {}, "line 1: needs a header"),
    ("x1,x2\n1,2\n", {}, "line 1: missing column.*label"),
    ("x1,x2,label,colour\n", {}, "line 1: unknown column 'colour'"),
    ("x1,x2,label,x1\n", {}, "line 1: column 'x1' appears twice"),
    ("x1,x2,label\n1,2,0\n\n1,two,1\n", {}, "line 4: x2 is not a number: 'two'"),
    ("x1,x2,label\n1,2,0\nnan,2,1\n", {}, "line 3: x1 must be a finite number"),
    ("x1,x2,label\n1,2,0\n1,2,1e999\n", {}, "line 3: label must be a finite number"),
    ("x1,x2,label\n1,2,0\n1,2\n", {}, "line 3: expected 3 fields"),
    ("x1,x2,label\n1,2,0,\n", {}, "line 2: expected 3 fields"),
    ("x1,x2,label,split\n1,2,0,train\n1,2,1,validation\n", {}, "line 3: split must be train or test"),
    ("x1,x2,label\n1,2,0\n1,2,8\n", {"problem": "classification"}, "line 3: label 8: too many classes"),
    ("x1,x2,label\n1,2,0\n1,2,0.5\n", {"problem": "classification"}, "line 3: label 0.5 is not a class"),
    ("x1,x2,label\n1,2,-1\n1,2,0\n", {}, "line 2: label -1 is not a class"),
    ("x1,x2,label,split\n1,2,0,test\n1,2,1,test\n", {}, "no training rows"),
    ("x1,x2,label\n1,2,0\n", {"problem": "clustering"}, "problem must be one of"),
    # Only one class, or labels that leave a class empty.
    ("x1,x2,label\n1,2,1\n3,4,1\n", {}, "every label is 1: classification needs at least two classes"),
    ("x1,x2,label\n1,2,-1\n3,4,-1\n", {}, "every label is -1: classification needs at least two classes"),
    ("x1,x2,label\n1,2,0\n3,4,0\n", {"problem": "classification"}, "every label is 0"),
    ("x1,x2,label\n1,2,1\n3,4,2\n5,6,3\n", {}, "no row has label 0; class labels must start at 0 and leave no "
     "gaps .the 3 classes here: 0..2., found 1, 2, 3"),
    ("x1,x2,label\n1,2,0\n3,4,2\n", {}, "no row has label 1"),
    ("x1,x2,label\n" + "".join(f"{i},{i},{i}\n" for i in range(9)), {},
     "the labels are 9 different whole numbers: too many for classes .at most 8, labelled 0..7.; if they are "
     "regression targets, write them as decimals .e.g. 8.0."),
    # Plain ASCII decimals only.
    ("x1,x2,label\n1_000,2,0\n", {}, "line 2: x1 is not a number: '1_000' .write plain decimal numbers"),
    ("x1,x2,label\n1,\u0661\u0662,0\n", {}, "line 2: x2 is not a number: '\u0661\u0662'"),
    ("x1,x2,label\n1,2,\uff11\n", {}, "line 2: label is not a number"),
    ("x1,x2,label\n0x10,2,0\n", {}, "line 2: x1 is not a number"),
    ("x1,x2,label\n1,2,0\n1,-inf,1\n", {}, "line 3: x2 must be a finite number"),
    # Values within ±1e6, so training and exported files stay finite.
    ("x1,x2,label\n1.7e308,2,0\n", {}, "line 2: x1 1.7e308 is out of range: values must lie within ±1,000,000"),
    ("x1,x2,label\n1,-1.7e308,0\n", {}, "line 2: x2 -1.7e308 is out of range"),
    ("x1,x2,label\n1,2,0.5\n1,2,1e300\n", {}, "line 3: label 1e300 is out of range"),
    ("x1,x2,label\n1000000.5,2,0\n", {}, "line 2: x1 1000000.5 is out of range"),
])
def test_error_messages_name_the_line(text, kwargs, message):
    with pytest.raises(DataError, match=f"^<text>: .*{message}") as info:
        dataset_from_csv_text(text, **kwargs)
    assert "\n" not in str(info.value)


def test_numbers_at_the_bound_and_written_plainly_are_read():
    ds = dataset_from_csv_text("x1,x2,label\n-1e6,+1000000,0.5\n.5,5.,-2E-3\n", problem="regression",
                               train_ratio=0.5, seed=0)
    values = np.sort(np.concatenate([ds.x_train.ravel(), ds.x_test.ravel()]))
    np.testing.assert_array_equal(values, [-1e6, 0.5, 5.0, 1e6])
    assert sorted(np.concatenate([ds.y_train, ds.y_test]).tolist()) == [-0.002, 0.5]


def test_line_numbers_count_every_kind_of_line_end_and_blank_line():
    text = "x1,x2,label\r\n\r\n 1,2,0\r\u00a0\t\n3,4,1\n\n\n5,six,1\n"
    with pytest.raises(DataError, match="^<text>: line 8: x2 is not a number: 'six'"):
        dataset_from_csv_text(text)
    ds = dataset_from_csv_text(text.replace("six", "6"), train_ratio=0.5)
    assert ds.n_train + ds.n_test == 3


def test_rows_are_capped_like_generated_points():
    rows = "".join(f"{i % 7},{i % 5},{i % 2}\n" for i in range(MAX_POINTS))
    ds = dataset_from_csv_text("x1,x2,label\n" + rows)
    assert ds.n_train + ds.n_test == MAX_POINTS
    with pytest.raises(DataError, match=rf"^<text>: line {MAX_POINTS + 3}: more than 100,000 data rows; "
                                        r"at most 100,000 points can be loaded, as for generated data$"):
        dataset_from_csv_text("x1,x2,label\n\n" + rows + "1,1,1\n")


def test_file_errors(tmp_path, monkeypatch):
    with pytest.raises(DataError, match=r"nope.csv: cannot read \(no such file"):
        read_csv(tmp_path / "nope.csv")
    with pytest.raises(DataError, match="is a folder"):
        read_csv(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"x1,x2,label\n1,2,\xff\n")
    with pytest.raises(DataError, match=r"bad.csv: line 2: not UTF-8"):
        read_csv(bad)
    big = tmp_path / "big.csv"
    big.write_text("x1,x2,label\n1,2,0\n")
    monkeypatch.setattr(csv_data, "MAX_FILE_BYTES", 10)
    with pytest.raises(DataError, match="big.csv: the file is .* MB"):
        read_csv(big)
    ds = make_dataset(DataSpec(name="circle", points=10))
    with pytest.raises(DataError, match="cannot write"):
        write_csv(ds, tmp_path / "missing-dir" / "x.csv")


def test_regression_labels_written_at_full_precision():
    x = np.array([[0.1, 1 / 3]])
    ds = Dataset(x, np.array([np.pi]), np.zeros((0, 2)), np.zeros(0), "regression", 0)
    text = dataset_to_csv_text(ds)
    assert text.splitlines()[1] == f"0.1,{1 / 3!r},{np.pi!r},train"
