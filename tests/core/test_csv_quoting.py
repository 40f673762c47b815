"""CSV fields are split by the standard library's csv reader: quotes and commas inside them behave
as spreadsheets write them, and a quote left open is named at its line."""

from __future__ import annotations

import numpy as np
import pytest

from playground.core.dataset import DataError
from playground.core.io.csv_data import dataset_from_csv_text


def test_quoted_fields_and_spaces_around_them_are_read():
    ds = dataset_from_csv_text('"x1", "x2" ,"label"\n"1.5", " 2 ",0\n3,"4",1\n', train_ratio=0.5)
    values = np.sort(np.concatenate([ds.x_train, ds.x_test]).ravel())
    np.testing.assert_array_equal(values, [1.5, 2.0, 3.0, 4.0])


def test_a_comma_inside_quotes_is_one_field_not_two():
    # A decimal comma in quotes: one field, which is not a plain number (the hand-split would
    # have counted four fields).
    with pytest.raises(DataError, match=r"^<text>: line 3: x1 is not a number: '1,5'"):
        dataset_from_csv_text('x1,x2,label\n0,0,0\n"1,5",2,1\n')


def test_a_doubled_quote_inside_quotes_is_a_quote():
    with pytest.raises(DataError, match=r"line 2: split must be train or test, got 'tr\"ain'"):
        dataset_from_csv_text('x1,x2,label,split\n1,2,0,"tr""ain"\n')


def test_a_quote_left_open_is_named_at_its_line():
    with pytest.raises(DataError, match=r"^<text>: line 3: a quote \(\"\) is opened and not closed on this line$"):
        dataset_from_csv_text('x1,x2,label\n1,2,0\n3,"4,1\n5,6,1\n')


def test_line_numbers_stay_right_after_quoted_fields():
    with pytest.raises(DataError, match=r"^<text>: line 5: x2 is not a number: 'b'"):
        dataset_from_csv_text('x1,x2,label\n"1","2","0"\n\n"3",4,1\n5,"b",1\n')
