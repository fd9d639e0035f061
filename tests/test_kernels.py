"""Unit tests for course.kernels (and the comparison plot it uses in course.plotting). No training."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

import course.kernels as kernels


def test_bank_names_shapes_and_dtype():
    assert kernels.NAMES == (
        "identity", "laplacian_4", "laplacian_8", "diagonal_edge", "sharpen",
        "box_blur", "gaussian_blur", "sobel_x", "sobel_y",
    )
    for name, k in kernels.BANK.items():
        assert k.shape == (3, 3) and k.dtype == np.float32, name
        assert not k.flags.writeable, "bank kernels are read-only"
    copy = kernels.kernel("sobel_x")
    copy[0, 0] = 99  # a copy is writable and does not touch the bank
    assert kernels.BANK["sobel_x"][0, 0] == -1


def test_bank_identities_and_rank():
    bank = {name: k.astype(float) for name, k in kernels.BANK.items()}
    assert np.allclose(bank["sharpen"], bank["identity"] + bank["laplacian_4"])
    assert np.allclose(bank["laplacian_8"], 9 * bank["identity"] - 9 * bank["box_blur"])
    assert np.allclose(bank["gaussian_blur"], (7 * bank["identity"] - bank["laplacian_4"] + 9 * bank["box_blur"]) / 16)
    assert np.allclose(bank["sobel_y"], bank["sobel_x"].T)
    assert np.isclose(bank["box_blur"].sum(), 1) and np.isclose(bank["gaussian_blur"].sum(), 1)
    assert np.linalg.matrix_rank(kernels.basis_matrix()) == 6


def test_basis_matrix_is_row_major_one_kernel_per_row():
    B = kernels.basis_matrix(["sobel_x", "identity"])
    assert B.shape == (2, 9) and B.dtype == np.float64
    assert np.array_equal(B[0], [-1, 0, 1, -2, 0, 2, -1, 0, 1])
    assert np.array_equal(B[1], np.eye(9)[4])
    custom = np.arange(9.0).reshape(3, 3)
    assert np.array_equal(kernels.basis_matrix([custom])[0], np.arange(9.0))
    assert kernels.basis_matrix().shape == (9, 9)
    with pytest.raises(TypeError):
        kernels.basis_matrix("sobel_x")
    with pytest.raises(ValueError):
        kernels.basis_matrix([np.ones((2, 2))])
    with pytest.raises(KeyError):
        kernels.basis_matrix(["no_such_kernel"])


def test_stack_maps_and_conv_filters():
    maps = kernels.stack_maps(["identity", "sobel_y"])
    assert maps.shape == (3, 3, 2)
    assert np.array_equal(maps[..., 1], kernels.BANK["sobel_y"])
    filters = kernels.conv_filters()
    assert filters.shape == (3, 3, 1, 9) and filters.dtype == np.float32
    assert np.array_equal(filters[:, :, 0, :].reshape(9, 9).T, kernels.basis_matrix().astype(np.float32))


def test_dct_basis_is_orthonormal_and_named():
    one_d = kernels.dct_1d(3)
    assert np.allclose(one_d @ one_d.T, np.eye(3))
    assert np.allclose(one_d[0], 1 / np.sqrt(3))
    D, names = kernels.dct_basis()
    assert D.shape == (9, 9) and len(names) == 9
    assert np.allclose(D @ D.T, np.eye(9)) and np.allclose(D.T @ D, np.eye(9))
    assert names[0] == "dct(0,0)" and names[1] == "dct(0,1)" and names[3] == "dct(1,0)"
    # dct(0,1) varies across columns (horizontal frequency 1), constant down the rows
    assert np.allclose(D[1].reshape(3, 3)[0], D[1].reshape(3, 3)[2])
    assert np.allclose(D[3].reshape(3, 3)[:, 0], D[3].reshape(3, 3)[:, 2])
    # diagonal_edge is exactly dct(1,1) up to scale; box blur is the constant element
    diag = kernels.BANK["diagonal_edge"].reshape(9) / 2
    assert np.allclose(np.abs(D[4]), np.abs(diag))
    w = np.random.default_rng(0).normal(size=(9, 4))
    assert np.allclose(D.T @ (D @ w), w)
    D4, _ = kernels.dct_basis(4)
    assert np.allclose(D4 @ D4.T, np.eye(16))


def test_with_bank_kernels_overwrites_only_the_first_filters_of_a_copy():
    weights = np.random.default_rng(0).uniform(-0.2, 0.2, size=(3, 3, 2, 5)).astype(np.float32)
    before = weights.copy()
    out = kernels.with_bank_kernels(weights, ["sobel_x", "identity"])
    assert np.array_equal(weights, before), "the argument is not changed"
    assert out.dtype == np.float32 and out.shape == weights.shape
    assert np.array_equal(out[..., 2:], weights[..., 2:]), "every other filter is kept exactly"
    target = np.linalg.norm(weights[..., 2:].reshape(-1, 3), axis=0).mean()
    for index, name in enumerate(["sobel_x", "identity"]):
        assert np.isclose(np.linalg.norm(out[..., index]), target, rtol=1e-6), "norm='match': the kept filters' mean length"
        assert np.allclose(out[:, :, 0, index], out[:, :, 1, index]), "the same kernel in every input channel"
        direction = kernels.BANK[name] / np.linalg.norm(kernels.BANK[name])
        assert np.allclose(out[:, :, 0, index] / np.linalg.norm(out[:, :, 0, index]), direction, atol=1e-6)
    raw = kernels.with_bank_kernels(weights.astype(np.float64), ["laplacian_8"], norm=None)
    assert raw.dtype == np.float64 and np.array_equal(raw[:, :, 0, 0], kernels.BANK["laplacian_8"] / 2)
    assert np.isclose(np.linalg.norm(kernels.with_bank_kernels(weights, ["box_blur"], norm=3.0)[..., 0]), 3.0, rtol=1e-6)
    assert np.isclose(np.linalg.norm(kernels.with_bank_kernels(weights[..., :1], ["box_blur"])), 1.0), "nothing kept: norm 1"
    with pytest.raises(ValueError, match="do not fit"):
        kernels.with_bank_kernels(weights, ["identity"] * 6)
    with pytest.raises(ValueError, match=r"\(3, 3, C, F\)"):
        kernels.with_bank_kernels(np.zeros((3, 3, 4)), ["identity"])
    with pytest.raises(ValueError, match="norm"):
        kernels.with_bank_kernels(weights, ["identity"], norm=True)
    with pytest.raises(TypeError):
        kernels.with_bank_kernels(weights, "identity")


def test_bank_initializer_places_kernels_and_fills_the_rest():
    init = kernels.BankInitializer(["sobel_x", "identity"], norm=None, seed=1)
    w = np.asarray(init((3, 3, 1, 5)))
    assert w.shape == (3, 3, 1, 5) and w.dtype == np.float32
    assert np.allclose(w[:, :, 0, 0], kernels.BANK["sobel_x"])
    assert np.allclose(w[:, :, 0, 1], kernels.BANK["identity"])
    assert np.abs(w[..., 2:]).max() > 0, "the other filters are random"
    again = np.asarray(kernels.BankInitializer(["sobel_x", "identity"], norm=None, seed=1)((3, 3, 1, 5)))
    assert np.array_equal(w, again), "a seed makes it reproducible"


def test_bank_initializer_is_with_bank_kernels_on_its_fallback_draw():
    import keras

    random = np.asarray(keras.initializers.GlorotUniform(seed=4)((3, 3, 1, 6)))
    made = np.asarray(kernels.BankInitializer(["sobel_y", "box_blur"], seed=4)((3, 3, 1, 6)))
    assert np.allclose(made, kernels.with_bank_kernels(random, ["sobel_y", "box_blur"]), atol=1e-7)


def test_bank_initializer_norm_channels_dtype_and_errors():
    w = np.asarray(kernels.BankInitializer(["laplacian_8"], seed=0)((3, 3, 1, 30)))
    norms = np.linalg.norm(w.reshape(9, 30), axis=0)
    assert np.isclose(norms[0], norms[1:].mean(), rtol=1e-5), "norm='match' uses the random filters' mean length"
    direction = kernels.BANK["laplacian_8"].reshape(9) / np.linalg.norm(kernels.BANK["laplacian_8"])
    assert np.allclose(w[:, :, 0, 0].reshape(9) / norms[0], direction, atol=1e-6)
    w2 = np.asarray(kernels.BankInitializer(["sobel_y"], norm=2.0)((3, 3, 3, 4), dtype="float64"))
    assert w2.dtype == np.float64
    assert np.isclose(np.linalg.norm(w2[..., 0]), 2.0)
    assert np.allclose(w2[:, :, 0, 0], w2[:, :, 2, 0]), "same kernel in every input channel"
    with pytest.raises(ValueError):
        kernels.BankInitializer(["sobel_x"] * 3)((3, 3, 1, 2))
    with pytest.raises(ValueError):
        kernels.BankInitializer(["no_such_kernel"])
    with pytest.raises(ValueError):
        kernels.BankInitializer(["sobel_x"])((5, 5, 1, 4))
    with pytest.raises(TypeError):
        kernels.BankInitializer("sobel_x")


def test_bank_initializer_in_a_keras_layer_and_config_round_trip(tmp_path):
    import keras

    init = kernels.BankInitializer(["gaussian_blur"], norm=None)
    layer = keras.layers.Conv2D(3, 3, kernel_initializer=init)
    layer.build((None, 8, 8, 1))
    assert np.allclose(layer.get_weights()[0][:, :, 0, 0], kernels.BANK["gaussian_blur"])
    config = init.get_config()
    assert config == {"kernels": ["gaussian_blur"], "norm": None, "fallback": "glorot_uniform", "seed": None}
    assert kernels.BankInitializer.from_config(config).kernels == ["gaussian_blur"]
    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(3, 3, kernel_initializer=init)])
    model.save(tmp_path / "m.keras")
    keras.models.load_model(tmp_path / "m.keras")


def test_plot_histories_draws_one_line_per_run():
    from course.plotting import plot_histories

    runs = {"a": {"val_accuracy": [0.5, 0.7], "val_loss": [1.0, 0.6]}, "b": {"val_accuracy": [0.6, 0.8], "val_loss": [0.9, 0.5]}}
    fig = plot_histories(runs, title="t")
    assert len(fig.axes) == 2
    assert len(fig.axes[0].lines) == 2 and fig.axes[0].get_xlabel() == "epoch"
    assert list(fig.axes[1].lines[1].get_ydata()) == [0.9, 0.5]


def test_show_kernels_centres_the_scale_and_prints_values():
    from course.plotting import show_kernels

    fig = show_kernels(kernels.stack_maps(["sobel_x", "box_blur"]), ["sobel_x", "box_blur"], title="t")
    image = fig.axes[0].images[0]
    assert image.get_clim() == (-2.0, 2.0), "shared, symmetric scale"
    assert len(fig.axes[0].texts) == 9 and fig.axes[0].get_title() == "sobel_x"
    assert len(fig.axes) == 3, "two panels and one colour bar"
    fig = show_kernels(kernels.stack_maps(["sobel_x", "box_blur"]), shared_scale=False, values=False)
    low, high = fig.axes[1].images[0].get_clim()
    assert np.isclose(high, 1 / 9) and np.isclose(low, -1 / 9) and not fig.axes[1].texts
    with pytest.raises(ValueError):
        show_kernels(np.zeros((3, 3)))
