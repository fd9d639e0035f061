"""Reading a confusion matrix: per-class accuracy and the pairs of classes a model mixes up most.

Matrices follow ``course.plotting.confusion_matrix``: rows are actual classes, columns
predicted classes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _square(matrix) -> np.ndarray:
    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"expected a square confusion matrix, got shape {matrix.shape}")
    return matrix


def accuracy_by_class(matrix) -> np.ndarray:
    """Fraction of each actual class predicted correctly (diagonal / row sum); NaN for an empty row."""
    matrix = _square(matrix).astype(float)
    totals = matrix.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, np.diag(matrix) / np.where(totals > 0, totals, 1), np.nan)


def most_confused_pairs(matrix, class_names: Sequence[str] | None = None, top: int = 5, *, symmetric: bool = False):
    """The largest off-diagonal counts, largest first, as ``(actual, predicted, count)`` tuples.

    With ``symmetric`` the two directions of a pair are added up (``a`` taken for ``b`` plus
    ``b`` taken for ``a``) and each unordered pair appears once, as ``(a, b, count)`` with
    ``a`` the lower index. Classes are indices, or names when ``class_names`` is given.
    Pairs with a count of zero are left out; ties keep index order.
    """
    matrix = _square(matrix)
    if class_names is not None and len(class_names) != matrix.shape[0]:
        raise ValueError(f"{len(class_names)} class names for a {matrix.shape[0]}-class matrix")
    size = matrix.shape[0]
    if symmetric:
        counts = matrix + matrix.T
        cells = [(a, b) for a in range(size) for b in range(a + 1, size)]
    else:
        counts = matrix
        cells = [(a, b) for a in range(size) for b in range(size) if a != b]
    ranked = sorted(cells, key=lambda cell: -counts[cell])
    name = (lambda index: class_names[index]) if class_names is not None else int
    return [(name(a), name(b), int(counts[a, b])) for a, b in ranked[: max(top, 0)] if counts[a, b] > 0]
