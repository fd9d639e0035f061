"""Assignment 1's text holds whatever order the MNIST records are in.

The course writes MNIST in the original order from every source, but a copy that TFDS
downloaded and prepared itself stores the records shuffled, and a student may have one.
So every statement the notebook's text makes about the data is checked here on the
prepared copy, on that copy in TFDS's own shuffled order and on a random order; the
numbers that do depend on the order (the counts in the 90% training slice) must be
printed by the notebook's cells, never written in its text.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from scipy import ndimage

from conftest import REPO
from course import data

SOURCE = REPO / "source" / "mnist_cnn" / "mnist_cnn.md"
TRAIN_SLICE = 54_000  # train[:90%]
LAPLACIAN = np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], dtype=np.float32)


def notebook_text() -> str:
    """The notebook's prose (code cells removed), with whitespace collapsed."""
    prose = re.sub(r"```.*?```", " ", SOURCE.read_text(), flags=re.DOTALL)
    return re.sub(r"\s+", " ", prose)


def tfds_order(split: str, count: int) -> np.ndarray:
    """The permutation TFDS's own writer applies: records sorted by the salted hash of their key."""
    from tensorflow_datasets.core import hashing

    hasher = hashing.Hasher(split)
    keys = [hasher.hash_key(index) for index in range(count)]
    return np.array(sorted(range(count), key=keys.__getitem__))


@pytest.fixture(scope="module")
def orders():
    """Training images and labels in three orders: as prepared, TFDS's shuffle of it, a random one."""
    import tensorflow_datasets as tfds

    state = data.status("mnist")
    if not state.ready:
        pytest.skip(f"MNIST is not prepared ({state.detail})")
    images, labels = tfds.as_numpy(
        tfds.load("mnist", split="train", data_dir=data.tfds_dir("mnist"), as_supervised=True, batch_size=-1)
    )
    permutations = {
        "prepared": np.arange(len(labels)),
        "tfds": tfds_order("train", len(labels)),
        "random": np.random.default_rng(0).permutation(len(labels)),
    }
    return {name: (images[p, ..., 0], labels[p]) for name, p in permutations.items()}


def test_tfds_order_starts_with_4_1_0_7(orders):
    """From the original order, the hash order is the one TFDS's own MNIST download has (labels 4 1 0 7)."""
    _, labels = orders["prepared"]
    if list(labels[:5]) != [5, 0, 4, 1, 9]:
        pytest.skip("the prepared copy is not in the original order")
    assert list(orders["tfds"][1][:4]) == [4, 1, 0, 7]


CLAIMS = {
    # quoted text -> check(images, labels) that must hold in every order
    "over all 60,000 training images they range from 5,421 fives to 6,742 ones": lambda images, labels: (
        len(labels) == 60_000
        and np.bincount(labels).min() == 5_421 == np.bincount(labels)[5]
        and np.bincount(labels).max() == 6_742 == np.bincount(labels)[1]
    ),
    "the 90% slice used here (the cell prints its own counts) is close to those shares": lambda images, labels: (
        np.abs(np.bincount(labels[:TRAIN_SLICE], minlength=10) / TRAIN_SLICE - np.bincount(labels, minlength=10) / len(labels)).max()
        < 0.003
    ),
    "Four different digits from the 25 above": lambda images, labels: len(set(labels[:25].tolist())) >= 4,
    "the share of stroke pixels that respond negatively: about nine in ten": lambda images, labels: (
        0.85 <= negative_share(images[:25]) <= 0.95 and 0.85 <= negative_share(images[:2_000]) <= 0.95
    ),
}


def negative_share(images) -> float:
    """Share of stroke pixels (above 0.5) whose Laplacian is negative, as the notebook's cell computes it."""
    strokes = [image.astype(np.float32) / 255.0 for image in images]
    responses = np.concatenate([ndimage.correlate(s, LAPLACIAN, mode="constant")[s > 0.5] for s in strokes])
    return float(np.mean(responses < 0))


@pytest.mark.parametrize("claim", sorted(CLAIMS))
def test_each_quoted_claim_is_in_the_text_and_holds_in_every_order(claim, orders):
    assert claim in notebook_text(), f"the notebook no longer says {claim!r}: update CLAIMS"
    failing = [name for name, (images, labels) in orders.items() if not CLAIMS[claim](images, labels)]
    assert failing == [], f"{claim!r} is false for the {failing} order(s)"


def test_the_text_quotes_no_count_that_depends_on_the_order(orders):
    """The per-class counts of the 90% slice differ between orders: only the cell may print them."""
    text = notebook_text()
    counts = {f"{count:,}" for _, labels in orders.values() for count in np.bincount(labels[:TRAIN_SLICE], minlength=10)}
    full = {f"{count:,}" for count in np.bincount(orders["prepared"][1], minlength=10)}
    quoted = sorted(c for c in counts - full if re.search(rf"(?<![\d,]){re.escape(c)}(?![\d,])", text))
    assert quoted == [], f"the text quotes order-dependent counts {quoted}"
