"""Classic 3x3 image-processing kernels, basis matrices, the 2-D DCT basis and bank initialisation.

Assignment 4 (``kernel_basis``) compares a CNN's learned first-layer kernels with these.
Every 3x3 kernel is flattened in row-major order (``kernel.reshape(9)``): position
``3 * row + column`` holds ``kernel[row, column]``, which is also the order NumPy and
Keras use when a Conv2D kernel of shape ``(3, 3, 1, filters)`` is reshaped to ``(9, filters)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np


def _kernel(rows, scale: float = 1.0) -> np.ndarray:
    array = np.asarray(rows, dtype=np.float32) * np.float32(scale)
    array.setflags(write=False)
    return array


# Sign conventions: the edge detectors respond positively to a bright pixel on a dark
# background, so sharpen = identity + laplacian_4 and laplacian_8 = 9 * identity - 9 * box_blur.
BANK: dict[str, np.ndarray] = {
    "identity": _kernel([[0, 0, 0], [0, 1, 0], [0, 0, 0]]),
    "laplacian_4": _kernel([[0, -1, 0], [-1, 4, -1], [0, -1, 0]]),
    "laplacian_8": _kernel([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]),
    "diagonal_edge": _kernel([[1, 0, -1], [0, 0, 0], [-1, 0, 1]]),
    "sharpen": _kernel([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
    "box_blur": _kernel([[1, 1, 1], [1, 1, 1], [1, 1, 1]], 1 / 9),
    "gaussian_blur": _kernel([[1, 2, 1], [2, 4, 2], [1, 2, 1]], 1 / 16),
    "sobel_x": _kernel([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]),
    "sobel_y": _kernel([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]),
}
NAMES: tuple[str, ...] = tuple(BANK)


def _resolve(kernels: Iterable[str | np.ndarray] | None) -> list[np.ndarray]:
    if kernels is None:
        kernels = NAMES
    if isinstance(kernels, str):
        raise TypeError("pass a list of kernel names, e.g. ['sobel_x'], not a single string")
    resolved = []
    for item in kernels:
        array = BANK[item] if isinstance(item, str) else np.asarray(item, dtype=np.float32)
        if array.shape != (3, 3):
            raise ValueError(f"kernels must be 3x3, got shape {array.shape}")
        resolved.append(array)
    if not resolved:
        raise ValueError("need at least one kernel")
    return resolved


def kernel(name: str) -> np.ndarray:
    """A writable float32 copy of the named bank kernel."""
    return np.array(BANK[name], dtype=np.float32)


def basis_matrix(kernels: Iterable[str | np.ndarray] | None = None) -> np.ndarray:
    """One flattened (row-major) kernel per ROW: shape ``(len(kernels), 9)``, float64.

    ``kernels`` are bank names or 3x3 arrays; ``None`` means the whole bank in ``NAMES`` order.
    """
    return np.stack([k.reshape(9) for k in _resolve(kernels)]).astype(np.float64)


def stack_maps(kernels: Iterable[str | np.ndarray] | None = None) -> np.ndarray:
    """Kernels stacked on the last axis, shape ``(3, 3, n)``, for ``course.plotting.show_maps``."""
    return np.stack(_resolve(kernels), axis=-1)


def conv_filters(kernels: Iterable[str | np.ndarray] | None = None) -> np.ndarray:
    """Kernels as a float32 Conv2D weight tensor of shape ``(3, 3, 1, n)`` (one input channel)."""
    return stack_maps(kernels)[:, :, np.newaxis, :].astype(np.float32)


def dct_1d(size: int = 3) -> np.ndarray:
    """Orthonormal DCT-II matrix: row ``k`` is the k-th cosine, sampled at ``size`` points."""
    n = np.arange(size)
    k = n[:, np.newaxis]
    matrix = np.cos(np.pi * (2 * n + 1) * k / (2 * size))
    matrix[0] *= np.sqrt(1 / size)
    matrix[1:] *= np.sqrt(2 / size)
    return matrix


def dct_basis(size: int = 3) -> tuple[np.ndarray, list[str]]:
    """The 2-D DCT basis of ``size x size`` kernels and their names.

    Returns ``(basis, names)``: ``basis`` has one flattened (row-major) basis kernel per row,
    shape ``(size**2, size**2)``, and is orthonormal (``basis @ basis.T`` is the identity).
    Row ``size * u + v`` is ``outer(c_u, c_v)``: frequency ``u`` down the rows, ``v`` across.
    """
    one_d = dct_1d(size)
    rows, names = [], []
    for u in range(size):
        for v in range(size):
            rows.append(np.outer(one_d[u], one_d[v]).reshape(-1))
            names.append(f"dct({u},{v})")
    return np.stack(rows), names


def _check_names(kernels) -> list[str]:
    if isinstance(kernels, str):
        raise TypeError("kernels must be a list of bank names, e.g. ['sobel_x']")
    unknown = [name for name in kernels if name not in BANK]
    if unknown:
        raise ValueError(f"unknown kernel name(s) {unknown}; choose from {list(NAMES)}")
    return list(kernels)


def _check_norm(norm):
    if not (norm is None or norm == "match" or (isinstance(norm, (int, float)) and not isinstance(norm, bool) and norm > 0)):
        raise ValueError("norm must be None, 'match' or a positive number")
    return norm


def with_bank_kernels(weights, kernels: Sequence[str], norm="match") -> np.ndarray:
    """A copy of a 3x3 Conv2D kernel tensor ``(3, 3, C, F)`` with bank kernels in its first filters.

    Filter ``i < len(kernels)`` becomes ``BANK[kernels[i]]`` in every input channel, divided by
    ``C`` (so a grey image copied to every channel gives the same response); the other filters
    are kept as they are. ``norm="match"`` rescales every bank filter (over all its channels)
    to the mean L2 norm of the kept filters (to 1 when none is kept), so it starts at the size
    of its neighbours; a positive number rescales to that norm; ``None`` keeps the bank's
    values. The result has the dtype of ``weights``, which is not changed.
    """
    names, norm = _check_names(kernels), _check_norm(norm)
    original = np.asarray(weights)
    if original.ndim != 4 or original.shape[:2] != (3, 3):
        raise ValueError(f"expected a 3x3 Conv2D kernel of shape (3, 3, C, F), got shape {original.shape}")
    channels, filters = original.shape[2], original.shape[3]
    if len(names) > filters:
        raise ValueError(f"{len(names)} bank kernels do not fit in {filters} filters")
    values = original.astype(np.float64)
    kept = values[..., len(names):]
    if norm == "match":
        target = float(np.mean(np.sqrt((kept**2).sum(axis=(0, 1, 2))))) if kept.size else 1.0
    else:
        target = norm
    for index, name in enumerate(names):
        block = np.repeat(BANK[name].astype(np.float64)[:, :, np.newaxis], channels, axis=2) / channels
        if target is not None:
            block = block * (target / np.sqrt((block**2).sum()))
        values[:, :, :, index] = block
    return values.astype(original.dtype)


def _register(cls):
    try:
        import keras

        return keras.saving.register_keras_serializable(package="course")(cls)
    except ImportError:  # pragma: no cover - keras is a course dependency
        return cls


def _make_bank_initializer():
    import keras

    class BankInitializer(keras.initializers.Initializer):
        """Conv2D kernel initializer: bank kernels in the first filters, random ones after.

        The random tensor comes from ``fallback`` (default Glorot uniform, seeded by ``seed``);
        ``with_bank_kernels(random, kernels, norm)`` then puts the bank kernels in (see there
        for ``norm``). To compare against a network without bank kernels whose every other
        weight is the same, call ``with_bank_kernels`` on that network's own kernel instead.
        """

        def __init__(self, kernels: Sequence[str] = ("sobel_x", "sobel_y"), norm="match", fallback="glorot_uniform", seed=None):
            self.kernels = _check_names(kernels)
            self.norm = _check_norm(norm)
            self.fallback = fallback
            self.seed = seed

        def __call__(self, shape, dtype=None):
            fallback = keras.initializers.get(self.fallback)
            if self.seed is not None and hasattr(fallback, "seed"):
                fallback = fallback.__class__.from_config({**fallback.get_config(), "seed": self.seed})
            random = np.asarray(keras.ops.convert_to_numpy(fallback(tuple(int(size) for size in shape), dtype="float32")), dtype=np.float64)
            return keras.ops.convert_to_tensor(with_bank_kernels(random, self.kernels, self.norm), dtype=dtype or "float32")

        def get_config(self):
            return {"kernels": list(self.kernels), "norm": self.norm, "fallback": self.fallback, "seed": self.seed}

    return _register(BankInitializer)


_BANK_INITIALIZER = None


def __getattr__(name):
    # Build the Keras class on first use, so ``import course.kernels`` stays light.
    global _BANK_INITIALIZER
    if name == "BankInitializer":
        if _BANK_INITIALIZER is None:
            _BANK_INITIALIZER = _make_bank_initializer()
        return _BANK_INITIALIZER
    raise AttributeError(f"module 'course.kernels' has no attribute {name!r}")


__all__ = [
    "BANK",
    "NAMES",
    "BankInitializer",
    "basis_matrix",
    "conv_filters",
    "dct_1d",
    "dct_basis",
    "kernel",
    "stack_maps",
    "with_bank_kernels",
]
