"""Draw the hand-made digit that the mnist_cnn assignment classifies.

The picture imitates a person drawing a "2" with a round brush in a paint program: a dark
stroke on a white 200x200 canvas, a little off centre and slightly wobbly. It is
deterministic (fixed seed), so running the script again gives the same file.

    python tools/make_digit_png.py [--out source/mnist_cnn/my_digit.png]
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "source" / "mnist_cnn" / "my_digit.png"
CANVAS = 200
BRUSH = 15  # brush diameter in pixels
INK = 25  # dark grey, like a default paint-program pen
PAPER = 255


def stroke_points(seed: int = 2) -> list[tuple[float, float]]:
    """The brush path of a "2": a hook at the top, a diagonal, then a base line."""
    rng = np.random.default_rng(seed)
    points = []
    # The hook: an arc from the upper left over the top and down the right side.
    for angle in np.linspace(math.radians(200), math.radians(380), 40):
        points.append((95 + 38 * math.cos(angle), 72 + 34 * math.sin(angle)))
    # The diagonal from the end of the hook down to the lower left.
    start = points[-1]
    for t in np.linspace(0, 1, 40)[1:]:
        points.append((start[0] + t * (60 - start[0]), start[1] + t * (152 - start[1])))
    # The base line, drawn left to right and rising a little, as hands do.
    for t in np.linspace(0, 1, 30)[1:]:
        points.append((60 + t * 85, 152 - 6 * t))
    # A small tremor so the stroke is not machine-perfect.
    wobble = np.cumsum(rng.normal(0, 0.35, (len(points), 2)), axis=0)
    wobble -= np.linspace(wobble[0], wobble[-1], len(points))
    return [(x + dx, y + dy) for (x, y), (dx, dy) in zip(points, wobble)]


def draw_digit(seed: int = 2) -> Image.Image:
    """Render the stroke by stamping a round brush along the path (grayscale, mode 'L')."""
    image = Image.new("L", (CANVAS, CANVAS), PAPER)
    pen = ImageDraw.Draw(image)
    points = stroke_points(seed)
    pen.line(points, fill=INK, width=BRUSH, joint="curve")
    radius = BRUSH / 2
    for x, y in points:  # the round brush tip at every sample fills the joints
        pen.ellipse((x - radius, y - radius, x + radius, y + radius), fill=INK)
    return image


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the PNG")
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    draw_digit().convert("RGB").save(args.out, optimize=True)
    print(f"wrote {args.out} ({CANVAS}x{CANVAS}, dark digit on white)")


if __name__ == "__main__":
    main()
