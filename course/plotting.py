"""Figures the notebooks share: image grids, training curves, probabilities, confusion matrices.

Every function draws on Matplotlib and returns the figure, so a notebook cell shows it and
a test can inspect it without a display.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np


def grid_shape(count: int, columns: int | None = None) -> tuple[int, int]:
    """Rows and columns of the smallest near-square grid holding ``count`` panels."""
    if count < 1:
        raise ValueError("a grid needs at least one panel")
    columns = columns or math.ceil(math.sqrt(count))
    return math.ceil(count / columns), columns


def _as_image(image) -> np.ndarray:
    array = np.asarray(image)
    return array[..., 0] if array.ndim == 3 and array.shape[-1] == 1 else array


def show_images(
    images,
    titles: Sequence[str] | None = None,
    *,
    columns: int | None = None,
    title: str = "",
    cmap: str = "gray",
    title_colors: Sequence[str] | None = None,
    panel_size: float = 1.6,
):
    """A grid of images with optional per-panel titles (and title colours)."""
    images = list(images)
    rows, columns = grid_shape(len(images), columns)
    fig, axes = plt.subplots(rows, columns, figsize=(panel_size * columns, panel_size * rows + 0.4), squeeze=False)
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index >= len(images):
            continue
        ax.imshow(_as_image(images[index]), cmap=cmap)
        if titles is not None:
            color = title_colors[index] if title_colors is not None else "black"
            ax.set_title(str(titles[index]), fontsize=9, color=color)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_maps(
    maps,
    *,
    title: str = "",
    columns: int | None = None,
    cmap: str | None = None,
    shared_scale: bool = True,
    signed: bool | None = None,
    vmax: float | None = None,
    labels: Sequence[str] | None = None,
    panel_size: float = 1.4,
):
    """Feature maps or filters (last axis = channel) as a labelled grid with a colour bar.

    ``signed`` quantities (filters, differences, pre-activation maps) are drawn on a diverging
    scale centred on zero (``RdBu_r``: red positive, blue negative, white zero), so a sign can
    be read off the colour; unsigned ones (ReLU outputs, images) from their minimum to their
    maximum (``viridis``). ``signed=None`` decides from the data: signed when any value is
    negative. With ``shared_scale`` all panels use one scale and one colour bar, so brightness
    is comparable; otherwise each panel has its own scale (and no colour bar). ``vmax`` clips
    the scale (a contrast-saturated view when below the maximum).
    """
    maps = np.asarray(maps, dtype=float)
    if maps.ndim != 3:
        raise ValueError(f"expected (height, width, channels), got shape {maps.shape}")
    if signed is None:
        signed = bool((maps < 0).any())
    cmap = cmap or ("RdBu_r" if signed else "viridis")

    def limits(values):
        if signed:
            limit = vmax if vmax is not None else (float(np.abs(values).max()) or 1.0)
            return -limit, limit
        return float(values.min()), (vmax if vmax is not None else float(values.max()))

    shared = limits(maps) if shared_scale else None

    def draw(ax, panel):
        low, high = shared or limits(panel)
        return ax.imshow(panel, cmap=cmap, vmin=low, vmax=high)

    label = ("value (0 = white)" if signed else "value") if shared_scale else None
    return _panel_grid(maps, draw, title=title, columns=columns, labels=labels, panel_size=panel_size, colorbar_label=label)


def _panel_grid(stack, draw, *, title, columns, labels, panel_size, colorbar_label):
    """Lay ``stack[..., i]`` out as titled panels; ``draw(ax, panel)`` returns what it drew.

    With a ``colorbar_label`` one colour bar serves every panel (they share a scale).
    """
    count = stack.shape[-1]
    rows, columns = grid_shape(count, columns)
    fig, axes = plt.subplots(rows, columns, figsize=(panel_size * columns + 1.0, panel_size * rows + 0.6), squeeze=False)
    shown = None
    for index, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if index >= count:
            ax.axis("off")
            continue
        shown = draw(ax, stack[..., index])
        ax.set_title(labels[index] if labels is not None else f"#{index}", fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    if colorbar_label is not None and shown is not None:
        fig.colorbar(shown, ax=axes.ravel().tolist(), shrink=0.8, label=colorbar_label)
    return fig


def plot_history(histories, metrics: Sequence[str] = ("accuracy", "loss"), *, title: str = ""):
    """Training and validation curves per metric from one or more Keras ``History`` objects.

    Several histories (e.g. a run continued with ``initial_epoch``) are joined end to end.
    """
    if not isinstance(histories, (list, tuple)):
        histories = [histories]
    joined: dict[str, list[float]] = {}
    for history in histories:
        for key, values in history.history.items():
            joined.setdefault(key, []).extend(values)
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.6), squeeze=False)
    for ax, metric in zip(axes.flat, metrics):
        for key, style in ((metric, "-o"), (f"val_{metric}", "--s")):
            if key in joined:
                epochs = np.arange(1, len(joined[key]) + 1)
                ax.plot(epochs, joined[key], style, markersize=3, label="validation" if key.startswith("val_") else "training")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.set_title(metric)
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_prediction(image, probabilities, class_names: Sequence[str], *, true_label: int | None = None):
    """An image beside the bar chart of its predicted class probabilities."""
    probabilities = np.asarray(probabilities)
    predicted = int(np.argmax(probabilities))
    fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3), gridspec_kw={"width_ratios": [1, 2]})
    left.imshow(_as_image(image), cmap="gray")
    left.axis("off")
    caption = f"predicted {class_names[predicted]}"
    if true_label is not None:
        caption += f", true {class_names[true_label]}"
    left.set_title(caption)
    colors = ["tab:gray"] * len(probabilities)
    if true_label is not None:
        colors[true_label] = "tab:green"
    if true_label is None or predicted != true_label:
        colors[predicted] = "tab:red" if true_label is not None else "tab:blue"
    right.bar(range(len(probabilities)), probabilities, color=colors)
    right.set_xticks(range(len(probabilities)), class_names, rotation=45 if len(class_names[0]) > 2 else 0)
    right.set_ylim(0, 1)
    right.set_xlabel("class")
    right.set_ylabel("probability")
    right.set_title("predicted probabilities")
    fig.tight_layout()
    return fig


def show_predictions(images, predicted, actual, class_names: Sequence[str], *, columns: int = 5, title: str = ""):
    """A grid of images titled 'predicted/actual', green when right and red when wrong."""
    predicted, actual = np.asarray(predicted), np.asarray(actual)
    titles = [f"{class_names[p]}/{class_names[a]}" for p, a in zip(predicted, actual)]
    colors = ["green" if p == a else "red" for p, a in zip(predicted, actual)]
    return show_images(images, titles, columns=columns, title=title or "predicted/actual", title_colors=colors)


def confusion_matrix(actual, predicted, num_classes: int) -> np.ndarray:
    """Counts with rows = actual class and columns = predicted class."""
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (np.asarray(actual, dtype=np.int64), np.asarray(predicted, dtype=np.int64)), 1)
    return matrix


def plot_confusion_matrix(matrix, class_names: Sequence[str], *, title: str = "Confusion matrix"):
    """A confusion matrix as a heat map with counts in the cells and a colour bar."""
    matrix = np.asarray(matrix)
    size = 0.55 * len(class_names) + 2
    fig, ax = plt.subplots(figsize=(size + 1, size))
    shown = ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(class_names)), class_names, rotation=45, ha="right")
    ax.set_yticks(range(len(class_names)), class_names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("actual class")
    ax.set_title(title)
    threshold = matrix.max() / 2 if matrix.size else 0
    for (row, column), count in np.ndenumerate(matrix):
        ax.text(column, row, str(count), ha="center", va="center", fontsize=7, color="white" if count > threshold else "black")
    fig.colorbar(shown, ax=ax, label="count")
    fig.tight_layout()
    return fig


def plot_heatmap(values, row_labels: Sequence[str], column_labels: Sequence[str], *, title: str, cmap: str = "RdBu_r", center: bool = True, colorbar_label: str = "value"):
    """A labelled matrix heat map with values printed in the cells (centred at zero by default)."""
    values = np.asarray(values, dtype=float)
    limit = float(np.abs(values).max()) or 1.0
    fig, ax = plt.subplots(figsize=(0.6 * len(column_labels) + 3, 0.45 * len(row_labels) + 1.5))
    shown = ax.imshow(values, cmap=cmap, vmin=-limit if center else None, vmax=limit if center else None, aspect="auto")
    ax.set_xticks(range(len(column_labels)), column_labels, rotation=45, ha="right")
    ax.set_yticks(range(len(row_labels)), row_labels)
    for (row, column), value in np.ndenumerate(values):
        ax.text(column, row, f"{value:.2f}", ha="center", va="center", fontsize=7)
    ax.set_title(title)
    fig.colorbar(shown, ax=ax, label=colorbar_label)
    fig.tight_layout()
    return fig


def plot_histories(histories, metrics: Sequence[str] = ("val_accuracy", "val_loss"), *, title: str = ""):
    """Several runs on shared axes, one panel per metric: ``histories`` maps a label to a Keras
    ``History`` (or to its ``.history`` dict). Use it to compare runs, e.g. two initialisations."""
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.6), squeeze=False)
    for ax, metric in zip(axes.flat, metrics):
        for label, history in histories.items():
            values = getattr(history, "history", history)[metric]
            ax.plot(np.arange(1, len(values) + 1), values, "-o", markersize=3, label=label)
        ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.set_title(metric)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_kernels(kernels, labels: Sequence[str] | None = None, *, title: str = "", columns: int | None = None, shared_scale: bool = True, values: bool = True, cmap: str = "RdBu_r", panel_size: float = 1.5):
    """Small kernels (shape ``(k, k, n)``, last axis = kernel) on a colour scale centred at zero.

    With ``shared_scale`` every panel uses the same symmetric range and one colour bar is drawn;
    otherwise each panel is centred on its own largest |value|. ``values`` prints the weights.
    """
    kernels = np.asarray(kernels, dtype=float)
    if kernels.ndim != 3:
        raise ValueError(f"expected (k, k, n), got shape {kernels.shape}")
    overall = float(np.abs(kernels).max()) or 1.0

    def draw(ax, panel):
        limit = overall if shared_scale else (float(np.abs(panel).max()) or 1.0)
        shown = ax.imshow(panel, cmap=cmap, vmin=-limit, vmax=limit)
        if values:
            for (row, column), value in np.ndenumerate(panel):
                color = "white" if abs(value) > 0.6 * limit else "black"
                ax.text(column, row, f"{value:.2g}", ha="center", va="center", fontsize=6, color=color)
        return shown

    return _panel_grid(kernels, draw, title=title, columns=columns, labels=labels, panel_size=panel_size, colorbar_label="weight" if shared_scale else None)
