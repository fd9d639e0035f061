"""course.metrics: per-class accuracy and most confused pairs on small fixed matrices."""

import numpy as np
import pytest

from course.metrics import accuracy_by_class, most_confused_pairs

MATRIX = np.array(
    [
        [5, 3, 0],  # class 0: 5 right, 3 taken for class 1
        [1, 8, 1],
        [0, 4, 2],
    ]
)


def test_accuracy_by_class_reads_rows():
    np.testing.assert_allclose(accuracy_by_class(MATRIX), [5 / 8, 8 / 10, 2 / 6])


def test_accuracy_by_class_empty_row_is_nan():
    result = accuracy_by_class([[0, 0], [1, 3]])
    assert np.isnan(result[0]) and result[1] == pytest.approx(0.75)


def test_most_confused_pairs_directed():
    assert most_confused_pairs(MATRIX, top=3) == [(2, 1, 4), (0, 1, 3), (1, 0, 1)]


def test_most_confused_pairs_names_and_zero_counts_dropped():
    pairs = most_confused_pairs(MATRIX, ["a", "b", "c"], top=10)
    assert pairs[0] == ("c", "b", 4)
    assert len(pairs) == 4  # the two zero cells are left out
    assert all(actual != predicted for actual, predicted, _ in pairs)


def test_most_confused_pairs_symmetric():
    assert most_confused_pairs(MATRIX, top=2, symmetric=True) == [(1, 2, 5), (0, 1, 4)]


def test_most_confused_pairs_rejects_bad_input():
    with pytest.raises(ValueError):
        most_confused_pairs(np.zeros((2, 3)))
    with pytest.raises(ValueError):
        most_confused_pairs(MATRIX, ["a", "b"])
