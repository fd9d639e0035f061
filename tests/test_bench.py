"""`course bench`: the quick run (what CI runs) writes every section with sane figures."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from conftest import REPO
from course import models
from course_tools import bench


def test_the_benchmarked_recipe_is_assignment_ones():
    """course.models (which the bench trains) sets the recipe assignment 1 sets in its cells."""
    text = (REPO / "source" / "mnist_cnn" / "mnist_cnn.md").read_text()

    def setting(pattern):
        return float(re.search(pattern, text, re.MULTILINE).group(1))

    assert setting(r"^EPOCHS = course\.pick\(full=(\d+)") == models.MNIST_EPOCHS == bench.REAL.mnist_course_epochs
    assert setting(r"^BATCH_SIZE = (\d+)$") == models.MNIST_BATCH_SIZE
    assert setting(r"^PEAK_LEARNING_RATE = ([\d.e-]+)") == models.MNIST_PEAK_LEARNING_RATE
    assert setting(r"^WARMUP_SHARE = ([\d.]+)") == models.MNIST_WARMUP_SHARE


def test_mnist_schedule_warms_up_then_decays_to_zero():
    """The shared schedule rises linearly from a tenth of the peak, peaks, then falls to 0."""
    steps = 1000
    warmup = int(steps * models.MNIST_WARMUP_SHARE)
    schedule = models.mnist_schedule(steps)
    peak = models.MNIST_PEAK_LEARNING_RATE
    assert float(schedule(0)) == pytest.approx(peak / 10)
    assert float(schedule(warmup // 2)) == pytest.approx(peak * 0.55)
    assert float(schedule(warmup)) == pytest.approx(peak)
    assert float(schedule((warmup + steps) // 2)) == pytest.approx(peak / 2)
    assert float(schedule(steps)) == pytest.approx(0, abs=1e-9)


def test_cli_offers_every_bench_section():
    """`course bench --only` accepts exactly the sections the bench measures."""
    from course_tools import cli

    assert cli.BENCH_SECTIONS == tuple(bench.TABLES)


def test_only_runs_the_named_section(tmp_path, monkeypatch):
    """With only=[...], the other sections are neither measured nor reported."""
    def must_not_run(*_):
        raise AssertionError("only the grading section may run")

    for other in ("bench_mnist", "bench_cifar", "bench_notebooks"):
        monkeypatch.setattr(bench, other, must_not_run)
    monkeypatch.setattr(bench, "bench_grading", lambda quick, sizes: {"assignment": "demo", "submissions": 0, "cpu_count": 2,
                                                                       "runs": [], "notebook_seconds": 0.0, "overhead_seconds": None})
    report = bench.run(quick=True, output=tmp_path / "r.json", only=["grading"])
    assert "grading" in report and not {"mnist", "cifar10", "notebooks"} & set(report)
    assert json.loads((tmp_path / "r.json").read_text())["grading"]["submissions"] == 0


def test_cifar_models_have_the_notebook_parameter_counts():
    counts = {name: builder().count_params() for name, builder in models.CIFAR_MODELS.items()}
    assert counts == {"simple": 4_200_842, "deeper": 94_890, "further": 392_426}
    text = (REPO / "source" / "cifar10_cnn" / "cifar10_cnn.md").read_text()
    assert "4,200,842" in text and "94,890" in text


def test_the_benchmarked_cifar_recipes_are_assignment_twos():
    """course.models (which the bench trains) sets the recipes assignment 2 sets in its cells, and builds the same going-further model."""
    text = (REPO / "source" / "cifar10_cnn" / "cifar10_cnn.md").read_text()

    def setting(name, full=True):
        pattern = rf"^{name} = course\.pick\(full=([\d.e_-]+)" if full else rf"^{name} = ([\d.e_-]+)"
        return float(re.search(pattern, text, re.MULTILINE).group(1).replace("_", ""))

    assert setting("BATCH_SIZE", full=False) == models.CIFAR_BATCH_SIZE
    assert setting("SHUFFLE_BUFFER") == models.CIFAR_SHUFFLE_BUFFER
    assert setting("MAX_EPOCHS") == models.CIFAR_SIMPLE_MAX_EPOCHS
    assert setting("PATIENCE") == models.CIFAR_PATIENCE
    assert setting("DEEPER_EPOCHS") == models.CIFAR_DEEPER_EPOCHS
    assert setting("FURTHER_EPOCHS") == models.CIFAR_FURTHER_EPOCHS
    assert setting("DEEPER_PEAK", full=False) == models.CIFAR_DEEPER_PEAK
    assert setting("FURTHER_PEAK", full=False) == models.CIFAR_FURTHER_PEAK
    assert setting("FURTHER_WEIGHT_DECAY", full=False) == models.CIFAR_FURTHER_WEIGHT_DECAY
    # The going-further model, layer by layer, as the notebook writes it.
    for layer in models.cifar_further().layers[1:]:
        assert f'name="{layer.name}"' in text or f'name=f"{layer.name[:-1]}{{block}}"' in text, layer.name
    assert 'BatchNormalization(momentum=0.9' in text and 'RandomFlip("horizontal")' in text
    # Both training pipelines of the notebook switch tf.data's tuning off, and so does the bench.
    assert "NO_TUNING.autotune.enabled = False" in text and text.count(".with_options(NO_TUNING)") == 2
    assert "no_tuning.autotune.enabled = False" in (REPO / "course_tools" / "bench.py").read_text()
    for saved in ("cifar10_simple", "cifar10_deeper", "cifar10_further"):
        assert f'.save(course.model_path("{saved}"))' in text, f"assignment 3 loads {saved}"


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    output = tmp_path_factory.mktemp("bench") / "results.json"
    result = subprocess.run(
        [sys.executable, "-m", "course", "bench", "--quick", "--output", str(output)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return json.loads(output.read_text()), result.stdout


def test_quick_bench_records_the_machine(quick):
    report, stdout = quick
    machine = report["machine"]
    assert report["sizes"] == "quick" and machine["cpu_count"] >= 1
    assert machine["tensorflow"] and machine["date"] and "gpu" in machine
    assert "MNIST" in stdout and "CIFAR-10" in stdout and "Grading demo" in stdout


def test_quick_bench_training_figures(quick):
    report, _ = quick
    mnist = report["mnist"]
    for recipe in ("course", "classic"):
        assert mnist[recipe]["wall_seconds"] > 0 and 0 <= mnist[recipe]["test_accuracy"] <= 1
    assert mnist["classic"]["batch_size"] == 30 and mnist["time_ratio"] > 0 and mnist["target_met"] is None
    cifar = report["cifar10"]
    assert set(cifar["models"]) == {"simple", "deeper", "further"}
    for row in cifar["models"].values():
        assert row["epochs"] == 1 and row["best_epoch"] == 1
        assert row["seconds_per_epoch"] > 0 and row["cpu_seconds_per_epoch"] > 0 and row["train_seconds"] > 0
        if cifar["synthetic"]:
            assert row["test_accuracy"] is None
        else:
            assert 0 <= row["test_accuracy"] <= 1
    assert cifar["target_met"] is None and cifar["device"] in ("CPU", "GPU")


def test_quick_bench_notebook_and_grading_figures(quick):
    report, _ = quick
    assert report["notebooks"]["notebooks"]["demo"]["smoke"] > 0
    grading = report["grading"]
    assert [r["jobs"] for r in grading["runs"]] == [1, 2]
    for run in grading["runs"]:
        assert run["graded"] == 4 and run["wall_seconds"] > 0 and run["mean_submission_seconds"] > 0 and run["speedup"] > 0
    assert grading["runs"][0]["speedup"] == 1
    assert grading["notebook_seconds"] > 0 and isinstance(grading["overhead_seconds"], float)
