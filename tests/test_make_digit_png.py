"""tools/make_digit_png.py draws a deterministic dark-on-white digit larger than 28x28."""

import importlib.util
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("make_digit_png", ROOT / "tools" / "make_digit_png.py")
make_digit_png = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_digit_png)


def test_drawing_is_dark_ink_on_white_and_large():
    pixels = np.asarray(make_digit_png.draw_digit())
    assert pixels.shape == (200, 200)
    assert pixels[0, 0] == 255 and np.median(pixels) == 255, "mostly white paper"
    ink = pixels < 128
    assert 0.03 < ink.mean() < 0.3, "a stroke, not a blob or nothing"
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    assert rows[0] > 5 and rows[-1] < 194 and cols[0] > 5 and cols[-1] < 194, "the digit stays inside the canvas"


def test_drawing_is_deterministic_and_matches_the_shipped_png(tmp_path):
    out = tmp_path / "digit.png"
    make_digit_png.main(["--out", str(out)])
    again = np.asarray(Image.open(out).convert("L"))
    assert np.array_equal(again, np.asarray(make_digit_png.draw_digit()))
    shipped = ROOT / "source" / "mnist_cnn" / "my_digit.png"
    assert np.array_equal(np.asarray(Image.open(shipped).convert("L")), again), "rerun tools/make_digit_png.py"
