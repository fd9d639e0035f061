"""``python -m course bench``: training speed and accuracy, notebook run time, grading throughput.

Four sections run in turn (MNIST, CIFAR-10, notebooks, grading). Each prints its table as
soon as it finishes and is written to the JSON file at once, so a long run that is stopped
keeps what it measured. A section that fails records its error and the others still run.

Sizes: ``quick`` runs every code path on tiny slices (CI); the default measures the real
thing; ``full`` adds full-mode notebook runs.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import tempfile
import time
import traceback
import warnings
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from course_tools import build, grading
from course.config import course_dir
from course.models import MNIST_EPOCHS

# Assignment 2 switches TensorFlow's oneDNN CPU kernels on in its setup cell (TensorFlow leaves
# them off on CPUs without AVX-512 deep-learning instructions); measure what it runs. This only
# takes effect when TensorFlow is not imported yet, as in `python -m course bench`.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")

DEFAULT_OUTPUT = Path("bench") / "results.json"  # in the course folder
DEMO = Path("tests") / "fixtures" / "demo"  # in the course folder: the TensorFlow-free notebook the quick run uses

MNIST_CLASSIC_BATCH = 30  # the classic recipe: Adam's default learning rate, NumPy arrays, no tf.data
CIFAR_FURTHER_TARGET = {"CPU": (0.80, 600.0), "GPU": (0.90, 120.0)}  # test accuracy within seconds of training
MNIST_TARGET_ACCURACY = 0.99
MNIST_TARGET_RATIO = 4.0
NOTEBOOK_TARGET_SECONDS = 120
OVERHEAD_TARGET_SECONDS = 15
SPEEDUP_TARGET = 1.7


@dataclass(frozen=True)
class Sizes:
    mnist_train: str
    mnist_test: str
    mnist_course_epochs: int
    mnist_classic_epochs: int
    cifar_train: str
    cifar_validation: str
    cifar_test: str
    cifar_recipe_epochs: bool  # each model's epochs from assignment 2's recipe, else one epoch each
    students: int


QUICK = Sizes("train[:2%]", "test[:10%]", 1, 1, "train[:2%]", "train[98%:]", "test[:5%]", False, 4)
REAL = Sizes("train", "test", MNIST_EPOCHS, 10, "train[:90%]", "train[90%:]", "test", True, 20)


def _say(text: str) -> None:
    print(text, flush=True)


def _timed(action) -> tuple[float, object]:
    started = time.perf_counter()
    value = action()
    return time.perf_counter() - started, value


# ---------------------------------------------------------------------------------------
# The machine


def _cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def machine() -> dict:
    import keras
    import tensorflow as tf

    gpus = [tf.config.experimental.get_device_details(g).get("device_name", g.name) for g in tf.config.list_physical_devices("GPU")]
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "gpu": ", ".join(gpus) or None,
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


# ---------------------------------------------------------------------------------------
# Training


def bench_mnist(sizes: Sizes) -> dict:
    """The course recipe against the classic one, same architecture, same machine.

    Each clock runs from the prepared dataset on disk to a trained model: reading and
    decoding the images, building the model and training it. (The course recipe decodes
    during its first epoch, the classic one before ``fit``; timing ``fit`` alone would
    charge the decoding to the course recipe only.)
    """
    import keras
    import tensorflow_datasets as tfds

    from course import models
    from course.data import tfds_dir

    def course_recipe():
        train, test = models.mnist_pipelines(sizes.mnist_train, sizes.mnist_test)
        model = models.compile_for_mnist(models.mnist_cnn(), steps=sizes.mnist_course_epochs * int(train.cardinality()))
        model.fit(train, epochs=sizes.mnist_course_epochs, verbose=0)
        return model, test

    def classic_recipe():
        (x_train, y_train), (x_test, y_test) = tfds.as_numpy(
            tfds.load("mnist", split=[sizes.mnist_train, sizes.mnist_test], batch_size=-1, as_supervised=True, data_dir=tfds_dir("mnist"))
        )
        x_train, x_test = x_train.astype("float32") / 255.0, x_test.astype("float32") / 255.0
        model = models.mnist_cnn()
        model.compile(optimizer=keras.optimizers.Adam(), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        model.fit(x_train, y_train, batch_size=MNIST_CLASSIC_BATCH, epochs=sizes.mnist_classic_epochs, verbose=0)
        return model, x_train, x_test, y_test

    _say(f"mnist: course recipe, {sizes.mnist_course_epochs} epoch(s) on {sizes.mnist_train}")
    keras.utils.set_random_seed(0)
    seconds, (model, test) = _timed(course_recipe)
    course = {
        "epochs": sizes.mnist_course_epochs,
        "batch_size": models.MNIST_BATCH_SIZE,
        "peak_learning_rate": models.MNIST_PEAK_LEARNING_RATE,
        "warmup_share": models.MNIST_WARMUP_SHARE,
        "wall_seconds": seconds,
        "test_accuracy": float(model.evaluate(test, verbose=0)[1]),
    }
    keras.backend.clear_session()

    _say(f"mnist: classic recipe, {sizes.mnist_classic_epochs} epoch(s), batch {MNIST_CLASSIC_BATCH}")
    keras.utils.set_random_seed(0)
    seconds, (model, x_train, x_test, y_test) = _timed(classic_recipe)
    classic = {
        "epochs": sizes.mnist_classic_epochs,
        "batch_size": MNIST_CLASSIC_BATCH,
        "wall_seconds": seconds,
        "test_accuracy": float(model.evaluate(x_test, y_test, batch_size=1000, verbose=0)[1]),
    }
    keras.backend.clear_session()

    ratio = classic["wall_seconds"] / course["wall_seconds"]
    quick = sizes == QUICK
    return {
        "train_examples": len(x_train),
        "test_examples": len(x_test),
        "course": course,
        "classic": classic,
        "time_ratio": ratio,
        # The target is about the real sizes; tiny slices cannot reach it.
        "target_met": None if quick else course["test_accuracy"] >= MNIST_TARGET_ACCURACY and ratio >= MNIST_TARGET_RATIO,
    }


def bench_cifar(sizes: Sizes) -> dict:
    """Assignment 2's three 10-way models trained with its recipes; test accuracy only on the real dataset.

    Real sizes train each model as the notebook does in full mode (90% of the training split,
    validated on the other 10%, the simple model stopped early); quick sizes train one epoch
    of each on tiny slices. Wall and CPU seconds are both recorded: on a shared machine the
    wall clock also counts other people's work.
    """
    import keras
    import tensorflow as tf
    import tensorflow_datasets as tfds

    from course import data, models

    synthetic = data.status("cifar10").synthetic
    if synthetic:
        _say("cifar10: only the SYNTHETIC STAND-IN is prepared: timing only, no accuracy")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", data.SyntheticDataWarning)  # said once above, not per load
        directory = data.tfds_dir("cifar10")
    splits = [sizes.cifar_train, sizes.cifar_validation, sizes.cifar_test]
    train_raw, validation_raw, test_raw = tfds.load("cifar10", split=splits, as_supervised=True, data_dir=directory)

    def preprocess(image, label):
        return tf.cast(image, tf.float32) / 255.0, tf.one_hot(label, models.CIFAR_CLASSES)

    no_tuning = tf.data.Options()
    no_tuning.autotune.enabled = False  # as in the notebook: tuning an in-memory pipeline stalled epochs

    def pipeline(dataset, training):
        dataset = dataset.map(preprocess, num_parallel_calls=tf.data.AUTOTUNE).cache()
        if training:
            dataset = dataset.shuffle(models.CIFAR_SHUFFLE_BUFFER, seed=0, reshuffle_each_iteration=True)
        return dataset.batch(models.CIFAR_BATCH_SIZE).prefetch(tf.data.AUTOTUNE).with_options(no_tuning)

    train, validation, test = pipeline(train_raw, True), pipeline(validation_raw, False), pipeline(test_raw, False)
    examples = sum(int(labels.shape[0]) for _, labels in train)  # also fills the caches, so no model pays for decoding
    for dataset in (validation, test):
        for _ in dataset:
            pass
    device = "GPU" if tf.config.list_physical_devices("GPU") else "CPU"

    rows = {}
    for name, builder in models.CIFAR_MODELS.items():
        epochs = models.CIFAR_EPOCHS[name] if sizes.cifar_recipe_epochs else 1
        _say(f"cifar10: {name} model, up to {epochs} epoch(s) on {sizes.cifar_train}")
        keras.utils.set_random_seed(0)
        model = models.compile_cifar(builder(), name, steps=epochs * int(train.cardinality()))
        callbacks = []
        if name == "simple":
            callbacks.append(keras.callbacks.EarlyStopping(monitor="val_loss", patience=models.CIFAR_PATIENCE, restore_best_weights=True))
        cpu = time.process_time()
        seconds, history = _timed(lambda: model.fit(train, validation_data=validation, epochs=epochs, callbacks=callbacks, verbose=0))
        cpu = time.process_time() - cpu
        trained = len(history.history["loss"])
        rows[name] = {
            "parameters": model.count_params(),
            "epochs": trained,
            "best_epoch": int(min(range(trained), key=lambda e: history.history["val_loss"][e])) + 1,
            "train_seconds": seconds,
            "seconds_per_epoch": seconds / trained,
            "cpu_seconds_per_epoch": cpu / trained,
            "test_accuracy": None if synthetic else float(model.evaluate(test, verbose=0)[1]),
        }
        keras.backend.clear_session()
    further = rows["further"]
    accuracy, seconds = CIFAR_FURTHER_TARGET[device]
    judged = not synthetic and sizes.cifar_recipe_epochs
    return {
        "synthetic": synthetic,
        "device": device,
        "train_examples": examples,
        "batch_size": models.CIFAR_BATCH_SIZE,
        "models": rows,
        "further_target": {"accuracy": accuracy, "seconds": seconds},
        # Judged only on the real dataset with the real recipe: the stand-in and tiny slices cannot reach it.
        "target_met": (further["test_accuracy"] >= accuracy and further["train_seconds"] <= seconds) if judged else None,
    }


# ---------------------------------------------------------------------------------------
# Notebooks


def _notebooks(quick: bool) -> dict[str, tuple[str, Path]]:
    """Notebook text (generated from the current ``.md``) and its folder, per assignment."""
    if quick:
        demo = course_dir() / DEMO
        return {"demo": (build.notebook_text(demo / "demo.md"), demo)}
    root = course_dir()
    return {name: (build.notebook_text(root / "source" / name / f"{name}.md"), root / "source" / name) for name in build.assignments(root)}


def run_notebook(text: str, folder: Path, mode: str) -> float:
    """Execute a notebook with nbclient in a scratch copy of its folder; return the seconds taken.

    The environment is the one a graded submission gets (own models folder, home and thread
    counts for one job), so the figure is what grading adds its overhead to.
    """
    import nbformat
    from nbclient import NotebookClient

    with tempfile.TemporaryDirectory(prefix="course-bench-") as scratch:
        scratch = Path(scratch)
        work = scratch / "work"
        work.mkdir()
        (scratch / "home").mkdir()
        for file in folder.iterdir():
            if file.is_file() and file.suffix not in (".ipynb", ".md"):
                shutil.copy(file, work)
        env = grading.worker_env(scratch, jobs=1)
        env["COURSE_MODE"] = mode
        client = NotebookClient(
            nbformat.reads(text, as_version=4),
            kernel_name="python3",
            timeout=600 if mode == "smoke" else None,
            resources={"metadata": {"path": str(work)}},
        )
        seconds, _ = _timed(lambda: client.execute(env=env))
        return seconds


def _one_line(error: Exception) -> str:
    if getattr(error, "ename", None):  # nbclient's CellExecutionError
        return f"{error.ename}: {error.evalue}"[:200]
    return (f"{type(error).__name__}: " + (str(error).strip().splitlines() or [""])[0])[:200]


def bench_notebooks(quick: bool, full: bool) -> dict:
    rows = {}
    for name, (text, folder) in _notebooks(quick).items():
        rows[name] = {}
        for mode in ("smoke", "full") if full else ("smoke",):
            _say(f"notebooks: {name} in {mode} mode")
            try:
                rows[name][mode] = run_notebook(text, folder, mode)
            except Exception as error:  # noqa: BLE001 - a failing notebook is a figure, not the end of the run
                rows[name][mode] = None
                rows[name][f"{mode}_error"] = _one_line(error)
    return {"notebooks": rows}


# ---------------------------------------------------------------------------------------
# Grading


def _course_folder(root: Path, assignment: str, text: str, folder: Path) -> None:
    """A course folder holding one assignment (its notebook and data files) and the nbgrader config."""
    source = root / "source" / assignment
    source.mkdir(parents=True)
    for file in folder.iterdir():
        if file.is_file() and file.suffix not in (".ipynb", ".md"):
            shutil.copy(file, source)
    (source / f"{assignment}.ipynb").write_text(text)
    shutil.copy(course_dir() / "nbgrader_config.py", root)


def bench_grading(quick: bool, sizes: Sizes) -> dict:
    """Grade copies of the reference solution serially and in parallel, in smoke mode.

    The notebook is also executed plainly just before the serial run, under the same load,
    so that the difference is what grading itself adds.
    """
    assignment = "demo" if quick else "mnist_cnn"
    text, folder = _notebooks(quick)[assignment]
    cpus = os.cpu_count() or 1
    configurations = [1, 2] + ([cpus] if cpus > 2 and not quick else [])
    with tempfile.TemporaryDirectory(prefix="course-bench-grading-") as scratch:
        scratch = Path(scratch)
        template = scratch / "template"
        _course_folder(template, assignment, text, folder)
        # One student graded first prepares the gradebook, so no timed run pays for that.
        (scratch / "warmup").mkdir()
        (scratch / "warmup" / "warmup.ipynb").write_text(text)
        _say(f"grading: preparing the {assignment} gradebook")
        [warmup] = grading.grade(assignment, root=template, submissions=scratch / "warmup", progress=False)
        if warmup.status != "graded":
            raise grading.GradingError(f"the reference solution of {assignment} could not be graded: {warmup.reason}")
        inbox = scratch / "class"
        inbox.mkdir()
        for i in range(1, sizes.students + 1):
            (inbox / f"student{i:02d}.ipynb").write_text(text)
        _say(f"grading: {assignment} executed plainly, for comparison")
        execution = run_notebook(text, folder, "smoke")
        runs = []
        for jobs in configurations:
            _say(f"grading: {sizes.students} submissions, --jobs {jobs}")
            root = scratch / f"jobs{jobs}"
            shutil.copytree(template, root)
            try:
                wall, results = _timed(lambda: grading.grade(assignment, root=root, submissions=inbox, jobs=jobs, progress=False))
            except Exception as error:  # noqa: BLE001 - keep the other configurations' figures
                traceback.print_exc()
                runs.append({"jobs": jobs, "error": _one_line(error)})
                continue
            finally:
                shutil.rmtree(root, ignore_errors=True)
            results = [r for r in results if r.student != "warmup"]
            runs.append({
                "jobs": jobs,
                "wall_seconds": wall,
                "seconds_per_submission": wall / len(results),
                "mean_submission_seconds": statistics.mean(r.seconds for r in results),
                "graded": sum(r.status == "graded" for r in results),
                "mean_score": statistics.mean(r.score for r in results),
                "max_score": results[0].max_score,
            })
    serial = runs[0].get("wall_seconds")
    for run in runs:
        run["speedup"] = serial / run["wall_seconds"] if serial and "wall_seconds" in run else None
    mean = runs[0].get("mean_submission_seconds")
    return {
        "assignment": assignment,
        "submissions": sizes.students,
        "cpu_count": cpus,
        "runs": runs,
        "notebook_seconds": execution,
        "overhead_seconds": None if mean is None else mean - execution,
    }


# ---------------------------------------------------------------------------------------
# Tables


def _f(value, spec: str = ".1f", missing: str = "-") -> str:
    return missing if value is None else format(value, spec)


def _table_mnist(s: dict) -> list[str]:
    lines = [
        f"MNIST: train {s['train_examples']:,} / test {s['test_examples']:,}",
        f"  {'recipe':8s} {'epochs':>6s} {'batch':>6s} {'load+train s':>13s} {'test acc':>9s}",
    ]
    for name in ("course", "classic"):
        r = s[name]
        lines.append(f"  {name:8s} {r['epochs']:6d} {r['batch_size']:6d} {r['wall_seconds']:13.1f} {r['test_accuracy']:9.4f}")
    verdict = {None: "not judged on quick sizes", True: "MET", False: "NOT met"}[s["target_met"]]
    lines.append(f"  time ratio classic/course: {s['time_ratio']:.2f}x; target (>= 99.0% in <= 1/4 of the classic time): {verdict}")
    return lines


def _table_cifar(s: dict) -> list[str]:
    kind = "only the SYNTHETIC STAND-IN: times, no accuracy" if s["synthetic"] else "real dataset"
    lines = [
        f"CIFAR-10 ({kind}), {s['train_examples']:,} training images, batch {s['batch_size']}, on {s['device']}",
        f"  {'model':8s} {'params':>10s} {'epochs':>6s} {'best':>5s} {'s/epoch':>8s} {'CPU s/ep':>9s} {'train s':>8s} {'test acc':>9s}",
    ]
    for name, r in s["models"].items():
        lines.append(
            f"  {name:8s} {r['parameters']:10,d} {r['epochs']:6d} {r['best_epoch']:5d} {r['seconds_per_epoch']:8.1f}"
            f" {r['cpu_seconds_per_epoch']:9.1f} {r['train_seconds']:8.1f} {_f(r['test_accuracy'], '.4f'):>9s}"
        )
    target = s["further_target"]
    verdict = {None: "not judged (stand-in or quick sizes)", True: "MET", False: "NOT met"}[s["target_met"]]
    lines.append(f"  going further >= {target['accuracy']:.0%} test accuracy in <= {target['seconds']:.0f} s of training on {s['device']}: {verdict}")
    return lines


def _table_notebooks(s: dict) -> list[str]:
    lines = ["Notebooks (nbclient, fresh kernel, own models folder)", f"  {'notebook':14s} {'smoke s':>8s} {'full s':>8s}"]
    for name, r in s["notebooks"].items():
        lines.append(f"  {name:14s} {_f(r.get('smoke')):>8s} {_f(r.get('full')):>8s}")
        lines += [f"    {mode} FAILED: {r[f'{mode}_error']}" for mode in ("smoke", "full") if f"{mode}_error" in r]
    return lines


def _table_grading(s: dict) -> list[str]:
    lines = [
        f"Grading {s['assignment']}: {s['submissions']} copies of the reference solution, smoke mode, {s['cpu_count']} CPU(s)",
        f"  {'jobs':>4s} {'wall s':>8s} {'s/subm.':>8s} {'mean subm. s':>12s} {'speed-up':>8s} {'graded':>7s} {'score':>9s}",
    ]
    for r in s["runs"]:
        if "error" in r:
            lines.append(f"  {r['jobs']:4d} FAILED: {r['error']}")
            continue
        lines.append(
            f"  {r['jobs']:4d} {r['wall_seconds']:8.1f} {r['seconds_per_submission']:8.1f} {r['mean_submission_seconds']:12.1f}"
            f" {_f(r['speedup'], '7.2f', '      -')}x {r['graded']:3d}/{s['submissions']:<3d} {r['mean_score']:4g}/{r['max_score']:g}"
        )
    if s["cpu_count"] <= 2:
        lines.append(f"  (--jobs = CPU count is --jobs {s['cpu_count']} on this machine)")
    lines.append(
        f"  overhead per submission: {_f(s['overhead_seconds'])} s (serial mean minus the notebook's plain nbclient"
        f" execution, {s['notebook_seconds']:.1f} s)"
    )
    return lines


TABLES = {"mnist": _table_mnist, "cifar10": _table_cifar, "notebooks": _table_notebooks, "grading": _table_grading}


def section_table(name: str, section: dict) -> str:
    if "error" in section:
        return f"{name}: FAILED: {section['error']}"
    return "\n".join(
        TABLES[name](section)
        + [f"  ({section['section_seconds']:.0f} s for this section; load average after it {section['load_average_after'][0]})"]
    )


def targets(report: dict) -> list[str]:
    """The issue's targets, judged on what this run measured (real sizes only)."""
    if report["sizes"] == "quick":
        return ["targets: not judged on quick sizes"]
    lines = ["Targets"]
    mnist = report.get("mnist", {})
    if "target_met" in mnist:
        lines.append(f"  MNIST >= 99.0% in <= 1/4 of the classic time: {'met' if mnist['target_met'] else 'NOT met'}")
    cifar = report.get("cifar10", {})
    if cifar.get("target_met") is not None:
        further, target = cifar["models"]["further"], cifar["further_target"]
        lines.append(
            f"  CIFAR-10 going further >= {target['accuracy']:.0%} in <= {target['seconds']:.0f} s on {cifar['device']}:"
            f" {'met' if cifar['target_met'] else 'NOT met'} ({further['test_accuracy']:.4f} in {further['train_seconds']:.0f} s)"
        )
    smoke = {n: r.get("smoke") for n, r in report.get("notebooks", {}).get("notebooks", {}).items()}
    if smoke:
        slow = [n for n, s in smoke.items() if s is None or s > NOTEBOOK_TARGET_SECONDS]
        cpus = report["machine"]["cpu_count"]
        lines.append(f"  every notebook in smoke mode under {NOTEBOOK_TARGET_SECONDS} s ({cpus} CPUs): {'met' if not slow else 'NOT met: ' + ', '.join(slow)}")
    grading_section = report.get("grading", {})
    if grading_section.get("overhead_seconds") is not None:
        overhead = grading_section["overhead_seconds"]
        lines.append(f"  grading overhead under {OVERHEAD_TARGET_SECONDS} s per submission: {'met' if overhead < OVERHEAD_TARGET_SECONDS else 'NOT met'} ({overhead:.1f} s)")
    two = [r for r in grading_section.get("runs", []) if r["jobs"] == 2 and r.get("speedup")]
    if two:
        speedup = two[0]["speedup"]
        lines.append(f"  --jobs 2 at least {SPEEDUP_TARGET}x faster than serial: {'met' if speedup >= SPEEDUP_TARGET else 'NOT met'} ({speedup:.2f}x)")
    return lines


# ---------------------------------------------------------------------------------------
# The command


def _save(report: dict, output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    scratch = output.with_name(f".{output.name}.tmp-{os.getpid()}")
    scratch.write_text(json.dumps(report, indent=1) + "\n")
    os.replace(scratch, output)


def failures(report: dict) -> list[str]:
    """Sections, grading runs and notebooks that failed."""
    failed = [name for name in TABLES if "error" in report.get(name, {})]
    failed += [f"grading with --jobs {r['jobs']}" for r in report.get("grading", {}).get("runs", []) if "error" in r]
    for name, row in report.get("notebooks", {}).get("notebooks", {}).items():
        failed += [f"notebook {name} ({key[:-6]})" for key in row if key.endswith("_error")]
    return failed


def run(quick: bool = False, full: bool = False, output: Path = DEFAULT_OUTPUT, only: list[str] | None = None) -> dict:
    """Measure every section (or those in ``only``), print each table as it finishes, write the JSON."""
    sizes = QUICK if quick else REAL
    report = {"sizes": "quick" if quick else "real", "full": full, "machine": machine(), "settings": asdict(sizes)}
    m = report["machine"]
    _say(f"bench ({report['sizes']} sizes{', with full-mode notebooks' if full else ''}) on {m['cpu_count']} CPU(s)"
         f" [{m['cpu_model']}], GPU: {m['gpu'] or 'none'}, TensorFlow {m['tensorflow']}, {m['date']}, load {m['load_average']}")
    measures = {
        "mnist": lambda: bench_mnist(sizes),
        "cifar10": lambda: bench_cifar(sizes),
        "notebooks": lambda: bench_notebooks(quick, full),
        "grading": lambda: bench_grading(quick, sizes),
    }
    for name, measure in measures.items():
        if only and name not in only:
            continue
        started = time.perf_counter()
        try:
            report[name] = measure()
        except Exception as error:  # noqa: BLE001 - one failed section must not lose the others
            traceback.print_exc()
            report[name] = {"error": _one_line(error)}
        report[name]["section_seconds"] = time.perf_counter() - started
        report[name]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]  # other work skews the times
        _save(report, output)
        _say("\n" + section_table(name, report[name]) + "\n")
    _say("\n".join(targets(report)))
    _say(f"results: {output}")
    return report
