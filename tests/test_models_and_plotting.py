"""course.models (the shared MNIST CNN) and course.plotting (figures the notebooks share)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course import plotting  # noqa: E402


def test_mnist_cnn_has_the_studied_architecture():
    from course.models import mnist_cnn

    model = mnist_cnn()
    assert model.count_params() == 165_130
    assert [layer.name for layer in model.layers] == ["conv1", "pool1", "conv2", "pool2", "flatten", "dense", "probabilities"]
    assert model.output_shape == (None, 10)
    assert model.get_layer("conv2").output.shape[1:] == (14, 14, 40)


@pytest.mark.parametrize("count, columns, expected", [(1, None, (1, 1)), (20, None, (4, 5)), (25, None, (5, 5)), (7, 3, (3, 3))])
def test_grid_shape(count, columns, expected):
    assert plotting.grid_shape(count, columns) == expected


def test_grid_shape_rejects_nothing_to_show():
    with pytest.raises(ValueError):
        plotting.grid_shape(0)


def test_show_images_titles_and_hides_spare_panels():
    fig = plotting.show_images(np.zeros((5, 28, 28, 1)), titles=list("abcde"), title="digits")
    titled = [ax.get_title() for ax in fig.axes if ax.images]
    assert titled == list("abcde") and len(fig.axes) == 6 and fig._suptitle.get_text() == "digits"
    plt.close(fig)


def test_show_maps_shares_one_colour_scale_and_clips():
    maps = np.stack([np.full((4, 4), v) for v in (0.0, 1.0, 4.0)], axis=-1)
    fig = plotting.show_maps(maps, vmax=2.0, title="maps")
    limits = {image.get_clim() for ax in fig.axes for image in ax.images}
    assert limits == {(0.0, 2.0)}
    assert any(ax.get_label() == "<colorbar>" for ax in fig.axes)
    plt.close(fig)


def test_show_maps_centres_signed_values_on_zero():
    maps = np.stack([np.full((4, 4), v) for v in (-1.0, 0.5, 3.0)], axis=-1)
    fig = plotting.show_maps(maps)
    images = [image for ax in fig.axes for image in ax.images]
    assert {image.get_clim() for image in images} == {(-3.0, 3.0)}
    assert {image.get_cmap().name for image in images} == {"RdBu_r"}
    plt.close(fig)
    fig = plotting.show_maps(np.abs(maps), signed=True, shared_scale=False)
    assert [image.get_clim() for ax in fig.axes for image in ax.images] == [(-1.0, 1.0), (-0.5, 0.5), (-3.0, 3.0)]
    plt.close(fig)


def test_show_maps_rejects_a_batch_axis():
    with pytest.raises(ValueError, match="height, width, channels"):
        plotting.show_maps(np.zeros((1, 4, 4, 3)))


class History:
    def __init__(self, history):
        self.history = history


def test_plot_history_joins_continued_runs():
    first = History({"accuracy": [0.5, 0.6], "val_accuracy": [0.4, 0.5], "loss": [1.0, 0.8], "val_loss": [1.1, 0.9]})
    second = History({"accuracy": [0.7], "val_accuracy": [0.55], "loss": [0.6], "val_loss": [0.95]})
    fig = plotting.plot_history([first, second])
    accuracy_axis = fig.axes[0]
    assert [list(line.get_ydata()) for line in accuracy_axis.lines] == [[0.5, 0.6, 0.7], [0.4, 0.5, 0.55]]
    assert accuracy_axis.get_xlabel() == "epoch"
    plt.close(fig)


def test_confusion_matrix_counts_actual_by_predicted():
    matrix = plotting.confusion_matrix([0, 0, 1, 2, 2], [0, 1, 1, 2, 0], 3)
    np.testing.assert_array_equal(matrix, [[1, 1, 0], [0, 1, 0], [1, 0, 1]])
    fig = plotting.plot_confusion_matrix(matrix, ["a", "b", "c"])
    assert fig.axes[0].get_xlabel() == "predicted class" and fig.axes[0].get_ylabel() == "actual class"
    plt.close(fig)


def test_show_prediction_colours_wrong_and_right():
    probabilities = np.array([0.1, 0.7, 0.2])
    fig = plotting.show_prediction(np.zeros((28, 28)), probabilities, ["0", "1", "2"], true_label=2)
    bars = fig.axes[1].patches
    assert matplotlib.colors.to_hex(bars[1].get_facecolor()) == matplotlib.colors.to_hex("tab:red")
    assert matplotlib.colors.to_hex(bars[2].get_facecolor()) == matplotlib.colors.to_hex("tab:green")
    assert "predicted 1, true 2" in fig.axes[0].get_title()
    plt.close(fig)


def test_show_predictions_titles_predicted_over_actual():
    fig = plotting.show_predictions(np.zeros((2, 8, 8)), [1, 0], [1, 1], ["cat", "dog"], columns=2)
    titles = [(ax.get_title(), ax.title.get_color()) for ax in fig.axes if ax.images]
    assert titles == [("dog/dog", "green"), ("cat/dog", "red")]
    plt.close(fig)


def test_plot_heatmap_is_centred_on_zero():
    fig = plotting.plot_heatmap(np.array([[1.0, -3.0]]), ["k"], ["a", "b"], title="t")
    assert fig.axes[0].images[0].get_clim() == (-3.0, 3.0)
    plt.close(fig)
