"""Run modes, the course and data folders (never where the package is installed), quiet start-up."""

import subprocess
import sys
from pathlib import Path

import pytest

import course
from conftest import REPO
from course import _quiet, config


def make_course(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.course]\n')
    return folder


def test_mode_defaults_to_full(monkeypatch):
    monkeypatch.delenv("COURSE_MODE", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    assert course.mode() == "full"
    assert course.pick(full=10, smoke=1) == 10


def test_smoke_mode_picks_the_smoke_value(monkeypatch):
    monkeypatch.setenv("COURSE_MODE", " Smoke ")
    assert course.is_smoke()
    assert course.pick(full="train", smoke="train[:1%]") == "train[:1%]"


def test_unknown_mode_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("COURSE_MODE", "fast")
    with pytest.raises(ValueError, match="not a run mode"):
        course.mode()


def test_nbgrader_validation_and_grading_run_in_smoke_mode(monkeypatch):
    monkeypatch.delenv("COURSE_MODE", raising=False)
    for execution in ("validate", "autograde"):
        monkeypatch.setenv("NBGRADER_EXECUTION", execution)
        assert course.mode() == "smoke"
    monkeypatch.setenv("COURSE_MODE", "full")
    assert course.mode() == "full", "an explicit COURSE_MODE still decides"


def test_data_dir_is_tfds_data_dir_or_tfds_default(monkeypatch, tmp_path):
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path))
    assert course.data_dir() == tmp_path.resolve()
    monkeypatch.delenv("TFDS_DATA_DIR")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert course.data_dir() == (tmp_path / "home" / "tensorflow_datasets").resolve()


def test_course_dir_comes_from_the_working_directory(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_DIR", raising=False)
    root = make_course(tmp_path / "kit")
    (root / "work" / "mnist_cnn").mkdir(parents=True)
    monkeypatch.chdir(root / "work" / "mnist_cnn")
    assert course.course_dir() == root.resolve()
    elsewhere = tmp_path / "colab"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert course.course_dir() == elsewhere.resolve(), "outside any course, the working directory"
    monkeypatch.setenv("COURSE_DIR", str(root))
    assert course.course_dir() == root.resolve()


def test_no_path_depends_on_where_the_package_is_installed(monkeypatch, tmp_path):
    for name in ("COURSE_DIR", "TFDS_DATA_DIR", "COURSE_MODELS_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(make_course(tmp_path / "course"))
    package = Path(course.__file__).resolve().parent
    paths = [course.course_dir(), course.data_dir(), course.model_path("m")]
    assert not [p for p in paths if p.is_relative_to(package.parent)]
    assert not hasattr(config, "ROOT")


def test_model_path_is_per_mode_in_the_course_folder_and_overridable(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_MODELS_DIR", raising=False)
    monkeypatch.delenv("COURSE_DIR", raising=False)
    monkeypatch.setenv("COURSE_MODE", "smoke")
    root = make_course(tmp_path / "course")
    (root / "work" / "a").mkdir(parents=True)
    monkeypatch.chdir(root / "work" / "a")
    assert course.model_path("m") == root.resolve() / "models" / "smoke" / "m.keras"
    monkeypatch.setenv("COURSE_MODELS_DIR", str(tmp_path / "models"))
    assert course.model_path("m") == tmp_path / "models" / "m.keras"


def test_the_repository_is_a_course_folder():
    assert config.is_course_dir(REPO)


def test_startup_log_lines_are_dropped_and_the_rest_kept():
    text = (
        "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
        "I0000 00:00:1796132512.187197    8889 cudart_stub.cc:31] Could not find cuda drivers on your machine.\n"
        "I0000 00:00:1796132512.374530    8889 cpu_feature_guard.cc:227] This TensorFlow binary is optimized.\n"
        "To enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow.\n"
        "E0000 00:00:1796132528.017098    8889 cuda_platform.cc:52] failed call to cuInit: UNKNOWN ERROR (303)\n"
        "a line of the student's own\n"
        "F0000 00:00:1796132528.017098    8889 x.cc:1] a fatal error stays\n"
    )
    assert _quiet.drop_startup_lines(text) == "a line of the student's own\nF0000 00:00:1796132528.017098    8889 x.cc:1] a fatal error stays\n"


def test_importing_tensorflow_after_course_prints_nothing(tmp_path):
    """The real start-up, in a fresh process, with the level TensorFlow is given by default."""
    script = ("import course\nimport tensorflow as tf\nprint(len(tf.config.list_physical_devices()) > 0)\n"
              "tf.get_logger().warning('a retracing notice')\n"  # how TensorFlow's Python warnings are logged
              "model = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(1)])\nmodel.compile('sgd', 'mse')\n"
              "model.fit(tf.data.Dataset.from_tensors((tf.zeros((4, 2)), tf.zeros((4, 1)))), verbose=0)\n")  # Keras's shuffle notice
    env = {k: v for k, v in __import__("os").environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout == "True\n" and result.stderr == "", result.stderr
    loud = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env={**env, "TF_CPP_MIN_LOG_LEVEL": "0"},
                          cwd=tmp_path, timeout=300)
    assert "a retracing notice" in loud.stderr and "shuffle" in loud.stderr, "TF_CPP_MIN_LOG_LEVEL=0 keeps every log line"


def test_a_notebook_setup_cell_shows_no_red_lines(tmp_path, monkeypatch):
    """In a Jupyter kernel, which forwards descriptor 2 into the notebook as stderr output."""
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("import course\nimport course.data\nMODE = course.setup(seed=0)")]
    NotebookClient(notebook, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = notebook.cells[0].outputs
    assert [o for o in outputs if o.get("name") == "stderr" or o.output_type == "error"] == []
    assert "TensorFlow" in "".join(o.get("text", "") for o in outputs)


def test_writing_a_dataset_shows_one_progress_bar_and_no_tfds_lines(tmp_path, capfd):
    import numpy as np

    from course import data

    arrays = {split: (np.zeros((n, 32, 32, 3), np.uint8), np.arange(n) % 10) for split, n in (("train", 40), ("test", 20))}
    data.write_dataset(data.CIFAR10, arrays, "a test", tmp_path, synthetic=True)
    out, err = capfd.readouterr()
    assert out == ""
    bars = {line.split(":")[0] for line in err.replace("\r", "\n").splitlines() if line.strip()}
    assert bars == {"cifar10"}, err[-2000:]
    assert "Downloading and preparing" not in err and "Generating" not in err
