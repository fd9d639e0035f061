"""The data layer: IDX and CIFAR-10 readers, archive safety, atomic TFDS writes, real MNIST."""

from __future__ import annotations

import gzip
import io
import json
import os
import pickle
import struct
import subprocess
import sys
import tarfile

import numpy as np
import pytest

from conftest import REPO
from course import data
from course.data import DataError

# ---------------------------------------------------------------------------------------
# Fixture files the tests make themselves


def idx_bytes(array: np.ndarray) -> bytes:
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(np.uint8).tobytes()


def small_mnist(rng, train=12, test=5):
    return {
        "train-images-idx3-ubyte": idx_bytes(rng.integers(0, 256, (train, 28, 28))),
        "train-labels-idx1-ubyte": idx_bytes(np.arange(train) % 10),
        "t10k-images-idx3-ubyte": idx_bytes(rng.integers(0, 256, (test, 28, 28))),
        "t10k-labels-idx1-ubyte": idx_bytes(np.arange(test)[::-1] % 10),
    }


def write_files(folder, files: dict[str, bytes], gz=False):
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        if gz:
            (folder / f"{name}.gz").write_bytes(gzip.compress(content))
        else:
            (folder / name).write_bytes(content)
    return folder


def checksums(files):
    return {name: data.sha256_bytes(content) for name, content in files.items()}


def tar_of(path, entries: dict[str, bytes], mode="w:gz", links=()):
    with tarfile.open(path, mode) as archive:
        for name, content in entries.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
        for name, target in links:
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            archive.addfile(info)
    return path


def cifar_python_entries(rng, per_batch=4):
    entries = {}
    for name in data.CIFAR10_BATCHES["train"] + data.CIFAR10_BATCHES["test"]:
        batch = {b"data": rng.integers(0, 256, (per_batch, 3072)).astype(np.uint8), b"labels": [int(x) for x in rng.integers(0, 10, per_batch)]}
        entries[f"cifar-10-batches-py/{name}"] = pickle.dumps(batch)
    return entries


def cifar_binary_entries(rng, per_batch=3):
    entries = {}
    for name in data.CIFAR10_BATCHES["train"] + data.CIFAR10_BATCHES["test"]:
        rows = rng.integers(0, 256, (per_batch, 3073)).astype(np.uint8)
        rows[:, 0] = np.arange(per_batch) % 10
        entries[f"cifar-10-batches-bin/{name}.bin"] = rows.tobytes()
    return entries


@pytest.fixture
def rng():
    return np.random.default_rng(0)


# ---------------------------------------------------------------------------------------
# MNIST IDX files


def test_idx_round_trip(rng):
    array = rng.integers(0, 256, (3, 28, 28))
    np.testing.assert_array_equal(data.parse_idx(idx_bytes(array), "x"), array)


@pytest.mark.parametrize("gz", [False, True])
def test_read_mnist_from_raw_or_gzip_folder(tmp_path, rng, gz):
    files = small_mnist(rng)
    arrays = data.read_mnist(write_files(tmp_path / "mnist", files, gz=gz), checksums(files))
    images, labels = arrays["train"]
    assert images.shape == (12, 28, 28, 1) and images.dtype == np.uint8
    assert list(labels[:3]) == [0, 1, 2]
    assert arrays["test"][0].shape == (5, 28, 28, 1)


def test_read_mnist_from_a_tar_archive(tmp_path, rng):
    files = small_mnist(rng)
    archive = tar_of(tmp_path / "mnist.tgz", {f"package/data/{n}": c for n, c in files.items()})
    assert data.read_mnist(archive, checksums(files))["train"][0].shape == (12, 28, 28, 1)


def test_truncated_idx_is_refused(tmp_path, rng):
    files = small_mnist(rng)
    files["train-images-idx3-ubyte"] = files["train-images-idx3-ubyte"][:-100]
    with pytest.raises(DataError, match="truncated"):
        data.read_mnist(write_files(tmp_path / "m", files), checksums=None)


def test_truncated_gzip_is_refused(tmp_path, rng):
    folder = write_files(tmp_path / "m", small_mnist(rng), gz=True)
    target = folder / "t10k-images-idx3-ubyte.gz"
    target.write_bytes(target.read_bytes()[:40])
    with pytest.raises(DataError, match="not a complete gzip file"):
        data.read_mnist(folder, checksums=None)


def test_wrong_checksum_names_the_file(tmp_path, rng):
    files = small_mnist(rng)
    wrong = checksums(files) | {"train-labels-idx1-ubyte": "0" * 64}
    with pytest.raises(DataError, match=r"train-labels-idx1-ubyte: sha256 mismatch"):
        data.read_mnist(write_files(tmp_path / "m", files), wrong)


def test_known_checksums_reject_files_that_are_not_the_originals(tmp_path, rng):
    with pytest.raises(DataError, match="sha256 mismatch"):
        data.read_mnist(write_files(tmp_path / "m", small_mnist(rng)))


def test_wrong_format_is_refused(tmp_path, rng):
    files = small_mnist(rng)
    files["t10k-labels-idx1-ubyte"] = b"PK\x03\x04 this is a zip, not IDX"
    with pytest.raises(DataError, match="not an IDX file"):
        data.read_mnist(write_files(tmp_path / "m", files), checksums=None)


def test_missing_file_is_named(tmp_path, rng):
    files = small_mnist(rng)
    del files["t10k-images-idx3-ubyte"]
    with pytest.raises(DataError, match="no t10k-images-idx3-ubyte"):
        data.read_mnist(write_files(tmp_path / "m", files), checksums=None)


# ---------------------------------------------------------------------------------------
# CIFAR-10 archives


def test_cifar_python_archive(tmp_path, rng):
    entries = cifar_python_entries(rng)
    archive = tar_of(tmp_path / "cifar-10-python.tar.gz", entries)
    sums = {"cifar-10-python.tar.gz": data.sha256_file(archive)}
    arrays = data.read_cifar10(archive, sums)
    images, labels = arrays["train"]
    assert images.shape == (20, 32, 32, 3) and arrays["test"][0].shape == (4, 32, 32, 3)
    first = pickle.loads(entries["cifar-10-batches-py/data_batch_1"])
    # Channel-first rows become height x width x channel images.
    np.testing.assert_array_equal(images[0, :, :, 0].ravel(), first[b"data"][0, :1024])
    assert list(labels[:4]) == list(first[b"labels"])


def test_cifar_binary_archive_in_a_folder(tmp_path, rng):
    folder = tmp_path / "downloads"
    folder.mkdir()
    archive = tar_of(folder / "cifar-10-binary.tar.gz", cifar_binary_entries(rng))
    arrays = data.read_cifar10(folder, {"cifar-10-binary.tar.gz": data.sha256_file(archive)})
    assert arrays["train"][0].shape == (15, 32, 32, 3)
    assert list(arrays["test"][1]) == [0, 1, 2]


def test_cifar_archive_with_wrong_checksum(tmp_path, rng):
    archive = tar_of(tmp_path / "cifar-10-python.tar.gz", cifar_python_entries(rng))
    with pytest.raises(DataError, match="cifar-10-python.tar.gz: sha256 mismatch"):
        data.read_cifar10(archive)


def test_truncated_cifar_archive(tmp_path, rng):
    archive = tar_of(tmp_path / "other.tar.gz", cifar_python_entries(rng))
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(DataError, match="archive"):
        data.read_cifar10(archive)


def test_an_unrelated_archive_is_not_cifar(tmp_path):
    archive = tar_of(tmp_path / "photos.tar", {"holiday/beach.txt": b"sand"}, mode="w")
    with pytest.raises(DataError, match="no CIFAR-10 found"):
        data.read_cifar10(archive)


class Boom:
    def __reduce__(self):
        return (os.system, ("touch pwned",))


def test_crafted_pickle_is_refused_without_running_it(tmp_path, rng, monkeypatch):
    monkeypatch.chdir(tmp_path)
    entries = cifar_python_entries(rng)
    entries["cifar-10-batches-py/data_batch_3"] = pickle.dumps({b"data": Boom(), b"labels": [1]})
    archive = tar_of(tmp_path / "evil.tar.gz", entries)
    with pytest.raises(DataError, match="refused to load posix.system|refused to load os.system"):
        data.read_cifar10(archive)
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("name", ["../escape.bin", "/etc/evil.bin"])
def test_tar_entries_that_escape_are_refused(tmp_path, rng, name):
    archive = tar_of(tmp_path / "bad.tar", {name: b"x", **cifar_binary_entries(rng)}, mode="w")
    with pytest.raises(DataError, match="escapes the archive"):
        data.read_cifar10(archive)
    assert not (tmp_path.parent / "escape.bin").exists()


def test_tar_symlinks_are_refused(tmp_path, rng):
    archive = tar_of(tmp_path / "bad.tar", cifar_binary_entries(rng), mode="w", links=[("cifar-10-batches-bin/x", "/etc/passwd")])
    with pytest.raises(DataError, match="is a link"):
        data.read_cifar10(archive)


# ---------------------------------------------------------------------------------------
# Writing TFDS datasets


def tiny_mnist_arrays(rng):
    return {"train": (rng.integers(0, 256, (8, 28, 28, 1)).astype(np.uint8), np.arange(8) % 10), "test": (np.zeros((2, 28, 28, 1), np.uint8), np.array([3, 4]))}


def test_written_dataset_loads_with_tfds_and_real_features(tmp_path, rng):
    import tensorflow_datasets as tfds

    data.write_dataset(data.MNIST, tiny_mnist_arrays(rng), "test fixture", tmp_path)
    assert data.status("mnist", tmp_path).ready
    dataset, info = tfds.load("mnist", split="train", data_dir=tmp_path, with_info=True)
    assert info.features["image"].shape == (28, 28, 1)
    assert info.features["label"].names == list("0123456789")
    assert [int(e["label"]) for e in dataset] == list(range(8))


def test_synthetic_cifar_is_written_apart_and_warns(tmp_path, monkeypatch):
    import tensorflow_datasets as tfds

    arrays = {split: data.synthetic_cifar10(split, 20) for split in ("train", "test")}
    data.write_dataset(data.CIFAR10, arrays, "synthetic", tmp_path, synthetic=True)
    assert not (tmp_path / "cifar10").exists()
    state = data.status("cifar10", tmp_path)
    assert state.ready and state.synthetic and "SYNTHETIC" in state.line()
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path))
    with pytest.warns(data.SyntheticDataWarning, match="SYNTHETIC STAND-IN"):
        folder = data.tfds_dir("cifar10")
    _, info = tfds.load("cifar10", split="test", data_dir=folder, with_info=True)
    assert info.features["label"].names[3] == "cat" and info.splits["test"].num_examples == 20


def _stripe_tilts(images):
    """Each image's stripe tilt in degrees, read off the strongest wave: 0 vertical, +-90 horizontal, sign = leaning."""
    gray = images.astype(float).mean(axis=-1)
    gray = (gray - gray.mean(axis=(1, 2), keepdims=True)) * np.outer(np.hanning(32), np.hanning(32))
    spectrum = np.abs(np.fft.fft2(gray, s=(128, 128)))  # zero-padded for a finer angle
    frequencies = np.fft.fftfreq(128)
    peaks = spectrum.reshape(len(images), -1).argmax(axis=1)
    fy, fx = frequencies[peaks // 128], frequencies[peaks % 128]
    return np.degrees(np.arctan2(np.abs(fy), np.abs(fx))) * np.where(fx * fy < 0, -1, 1)


def _stripe_classes(images):
    return np.rint(np.abs(_stripe_tilts(images)) / data.SYNTHETIC_STEP_DEGREES).astype(int)


def test_synthetic_classes_differ_by_stripe_tilt_and_survive_a_mirror():
    images, labels = data.synthetic_cifar10("train", 400)
    assert images.shape == (400, 32, 32, 3) and images.dtype == np.uint8
    assert set(labels) == set(range(10))
    # Different seeds per split: the test split is not a copy of the training split.
    assert not np.array_equal(images[:5], data.synthetic_cifar10("test", 5)[0])
    # The class is what the stripes show, and a horizontal flip (RandomFlip("horizontal")) keeps it.
    mirrored = images[:, :, ::-1]
    assert np.mean(_stripe_classes(images) == labels) > 0.85
    assert np.mean(_stripe_classes(mirrored) == labels) > 0.85
    leaning = (labels > 0) & (labels < 9)
    assert np.mean(np.sign(_stripe_tilts(mirrored)[leaning]) == -np.sign(_stripe_tilts(images)[leaning])) > 0.9, "a mirror flips the leaning"
    # Both leanings occur within a class, so only the tilt's size carries the class.
    leanings = np.sign(_stripe_tilts(images[labels == 5]))
    assert (leanings > 0).sum() > 5 and (leanings < 0).sum() > 5


def test_an_older_stand_in_is_rewritten(tmp_path, monkeypatch):
    root = tmp_path / "data"
    data.write_dataset(data.CIFAR10, {s: data.synthetic_cifar10(s, 10) for s in ("train", "test")}, "old", root, synthetic=True)
    folder = data.status("cifar10", root).folder
    manifest = json.loads((folder / data.MANIFEST).read_text())
    assert manifest["generator"] == data.SYNTHETIC_GENERATOR
    assert data.prepare("cifar10", root=root, allow_download=False, log=lambda _: None).source == "old"
    monkeypatch.setattr(data, "SYNTHETIC_GENERATOR", data.SYNTHETIC_GENERATOR + 1)
    monkeypatch.setitem(data.CIFAR10.split_sizes, "train", 10)
    monkeypatch.setitem(data.CIFAR10.split_sizes, "test", 10)
    state = data.prepare("cifar10", root=root, allow_download=False, log=lambda _: None)
    assert state.ready and state.synthetic and state.source != "old"


def test_interrupted_write_leaves_nothing_that_looks_ready(tmp_path, rng, monkeypatch):
    data.write_dataset(data.MNIST, tiny_mnist_arrays(rng), "first copy", tmp_path)
    from tensorflow_datasets.core.dataset_builders import adhoc_builder

    def interrupted(**kwargs):
        next(iter(kwargs["split_datasets"]["train"]))
        raise KeyboardInterrupt

    monkeypatch.setattr(adhoc_builder, "store_as_tfds_dataset", interrupted)
    with pytest.raises(KeyboardInterrupt):
        data.write_dataset(data.MNIST, tiny_mnist_arrays(rng), "second copy", tmp_path)
    state = data.status("mnist", tmp_path)
    assert state.ready and state.source == "first copy"
    assert sorted(p.name for p in (tmp_path / "mnist").iterdir()) == ["3.0.1"]


def test_corrupt_shard_is_detected_and_repaired(tmp_path, rng):
    files = small_mnist(rng)
    folder = write_files(tmp_path / "source", files)
    root = tmp_path / "data"
    data.write_dataset(data.MNIST, data.read_mnist(folder, checksums(files)), "fixture", root)
    shard = next((root / "mnist" / "3.0.1").glob("mnist-train.tfrecord-*"))
    shard.write_bytes(shard.read_bytes()[:-10])
    assert "does not match its checksum" in data.status("mnist", root).detail
    original = data.READERS["mnist"]
    data.READERS["mnist"] = lambda path: original(path, checksums(files))
    try:
        assert data.prepare("mnist", source=folder, root=root, log=lambda _: None).ready
    finally:
        data.READERS["mnist"] = original


def test_cifar10_prepared_from_an_archive_replaces_the_stand_in(tmp_path, rng, monkeypatch):
    import tensorflow_datasets as tfds

    root = tmp_path / "data"
    data.write_dataset(data.CIFAR10, {s: data.synthetic_cifar10(s, 10) for s in ("train", "test")}, "synthetic", root, synthetic=True)
    archive = tar_of(tmp_path / "cifar-10-python.tar.gz", cifar_python_entries(rng))
    monkeypatch.setitem(data.CIFAR10_ARCHIVE_SHA256, "cifar-10-python.tar.gz", data.sha256_file(archive))
    state = data.prepare("cifar10", source=archive, root=root, log=lambda _: None)
    assert state.ready and not state.synthetic
    monkeypatch.setenv("TFDS_DATA_DIR", str(root))
    dataset, info = tfds.load("cifar10", split="train", data_dir=data.tfds_dir("cifar10"), with_info=True)
    assert info.splits["train"].num_examples == 20 and info.features["label"].names[0] == "airplane"
    assert next(iter(dataset))["id"].numpy().decode() == "train_00000"


def test_bad_archive_keeps_prepared_data(tmp_path, rng):
    data.write_dataset(data.MNIST, tiny_mnist_arrays(rng), "good copy", tmp_path / "data")
    bad = write_files(tmp_path / "bad", {"train-images-idx3-ubyte": b"garbage"})
    with pytest.raises(DataError):
        data.prepare("mnist", source=bad, root=tmp_path / "data", log=lambda _: None)
    assert data.status("mnist", tmp_path / "data").source == "good copy"


def test_identify_names_what_a_path_holds(tmp_path, rng):
    mnist = write_files(tmp_path / "mnist", small_mnist(rng), gz=True)
    assert data.identify(mnist) == ["mnist"]
    archive = tar_of(tmp_path / "cifar-10-python.tar.gz", cifar_python_entries(rng))
    assert data.identify(archive) == ["cifar10"]
    assert data.identify(tar_of(tmp_path / "renamed.tgz", cifar_binary_entries(rng))) == ["cifar10"]
    batches = write_files(tmp_path / "bin", {name.split("/")[-1]: content for name, content in cifar_binary_entries(rng).items()})
    assert data.identify(batches) == ["cifar10"]
    both = write_files(tmp_path / "both", small_mnist(rng))
    (both / "cifar-10-binary.tar.gz").write_bytes(archive.read_bytes())
    assert data.identify(both) == ["mnist", "cifar10"]
    with pytest.raises(DataError, match="neither MNIST IDX files .* nor CIFAR-10"):
        data.identify(write_files(tmp_path / "other", {"notes.txt": b"hello"}))


def _course_data(tmp_path, *arguments):
    return subprocess.run(
        [sys.executable, "-m", "course", "data", "--offline", *arguments],
        capture_output=True, text=True, cwd=REPO, env=os.environ | {"TFDS_DATA_DIR": str(tmp_path / "d")},
    )


def test_cli_from_a_cifar_folder_prepares_cifar_only(tmp_path, rng):
    """`course data --from` a CIFAR-10 batch folder prepares CIFAR-10 and never asks it for MNIST."""
    batches = write_files(tmp_path / "bin", {name.split("/")[-1]: content for name, content in cifar_binary_entries(rng).items()})
    result = _course_data(tmp_path, "--from", str(batches))
    assert result.returncode == 0, result.stderr
    assert "cifar10  ready  real" in result.stdout and "mnist" not in result.stdout
    assert data.status("cifar10", tmp_path / "d").ready and not data.status("mnist", tmp_path / "d").ready
    refused = _course_data(tmp_path, "--from", str(write_files(tmp_path / "other", {"notes.txt": b"hi"})))
    assert refused.returncode == 2 and refused.stderr.startswith("error:") and refused.stderr.strip().count("\n") == 0


def test_cli_reports_bad_input_in_one_line(tmp_path):
    missing = tmp_path / "nowhere"
    result = subprocess.run(
        [sys.executable, "-m", "course", "data", "--only", "mnist", "--from", str(missing)],
        capture_output=True, text=True, cwd=REPO, env=os.environ | {"TFDS_DATA_DIR": str(tmp_path / "d")},
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith("error:") and "no such file or folder" in result.stderr


def test_tfds_download_of_mnist_keeps_the_original_order(tmp_path, rng, monkeypatch):
    """The TFDS path fetches the IDX files through TFDS's download manager and writes them in file order."""
    import tensorflow_datasets as tfds

    files = small_mnist(rng)
    served = write_files(tmp_path / "server", files, gz=True)
    asked = {}

    class FakeDownloadManager(tfds.download.DownloadManager):
        """Serves the fixture files instead of the network (the dataset writer's own managers pass through)."""

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            asked.setdefault("url_infos", kwargs.get("url_infos"))

        def download(self, urls):
            asked["urls"] = dict(urls)
            return {stem: served / url.rsplit("/", 1)[-1] for stem, url in urls.items()}

    monkeypatch.setattr(tfds.download, "DownloadManager", FakeDownloadManager)
    monkeypatch.setattr(data, "_tfds_reachable", lambda: True)
    for name, digest in checksums(files).items():
        monkeypatch.setitem(data.MNIST_SHA256, name, digest)
    state = data.prepare("mnist", root=tmp_path / "data", log=lambda _: None)
    assert state.ready and "original order" in state.source
    assert sorted(asked["urls"]) == sorted(data.MNIST_SHA256)
    assert all(url.startswith(tfds.builder_cls("mnist").URL) for url in asked["urls"].values())
    assert asked["url_infos"], "TFDS's recorded checksums of the downloads are used"
    train = tfds.load("mnist", split="train", data_dir=tmp_path / "data", as_supervised=True)
    assert [int(label) for _, label in train] == list(np.arange(12) % 10)


# ---------------------------------------------------------------------------------------
# The real MNIST, prepared by `make course` / `make test`


def test_real_mnist_is_prepared_and_loads():
    import tensorflow_datasets as tfds

    state = data.status("mnist")
    assert state.ready and not state.synthetic, state.line()
    manifest = json.loads((state.folder / data.MANIFEST).read_text())
    if "splits" in manifest:
        assert manifest["splits"] == {"train": 60_000, "test": 10_000}
    train, info = tfds.load("mnist", split="train", data_dir=data.tfds_dir("mnist"), with_info=True, as_supervised=True)
    assert info.splits["train"].num_examples == 60_000
    assert info.splits["test"].num_examples == 10_000
    assert [int(label) for _, label in train.take(5)] == [5, 0, 4, 1, 9]
