"""JupyterLab as students and instructors see it, in a real browser (`make test-browser`).

Headless Chromium from the system's packages (`apt-get install chromium`), driven by
Playwright with that executable: Playwright never downloads a browser. Two JupyterLab
servers are started with `python -m course lab`, as `make lab` does, with a bare PATH (the
environment's scripts not on it, as on a fresh clone):

- a student kit, with a student's correct copy of assignment 1 in work/;
- an instructor's course folder after a simulated term (three submissions graded), with a
  JupyterHub-style nbgrader exchange to which assignment 1 was released.

Screenshots go to $COURSE_SCREENSHOTS (default: the test's temporary folder).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from conftest import REPO
from course.config import data_dir

pytestmark = pytest.mark.browser
CHROMIUM = Path(os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium"))
ASSIGNMENT = "mnist_cnn"
TOKEN = "course-browser-test"


def _own_figure() -> str:
    """A figure only the student's own (full-mode) run has: 8x8 magenta, as base64 PNG."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (255, 0, 255)).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


OWN_FIGURE = _own_figure()
WRITTEN_ANSWER = "My own run: the confident mistakes are the 4s drawn like 9s."


def reference_answers() -> dict[str, str]:
    notebook = nbformat.read(REPO / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in notebook.cells if "nbgrader" in c.metadata}


def correct_copy(release: Path):
    """A student's copy of the release with every answer right (the written one in the student's words)."""
    answers = reference_answers()
    notebook = nbformat.read(release, as_version=4)
    for cell in notebook.cells:
        nbgrader = cell.metadata.get("nbgrader", {})
        if nbgrader.get("solution"):
            cell.source = WRITTEN_ANSWER if cell.cell_type == "markdown" else answers[nbgrader["grade_id"]]
    return notebook


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Lab:
    """A JupyterLab server started by `python -m course lab` on ``root``."""

    def __init__(self, root: Path, home: Path, log: Path, config_path: str = ""):
        self.root, self.port = root, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "COURSE_", "NBGRADER"))}
        env.update(
            PATH="/usr/bin:/bin",  # a fresh clone's PATH: `course lab` adds the environment's scripts
            HOME=str(home),
            TFDS_DATA_DIR=str(data_dir()),
            JUPYTER_PLATFORM_DIRS="1",
        )
        if config_path:
            env["JUPYTER_CONFIG_PATH"] = config_path
        args = [
            "--no-browser", f"--port={self.port}", "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}",
            "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
        self.log_path, self.log = log, open(log, "w")
        self.process = subprocess.Popen([sys.executable, "-m", "course", "lab", "--course-dir", str(root), "--", *args], env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/api/status?token={TOKEN}", timeout=5)
                return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(1)
        self.stop()
        raise RuntimeError(f"JupyterLab did not start: {log.read_text()[-3000:]}")

    def page(self, path: str) -> str:
        return f"{self.url}{path}{'&' if '?' in path else '?'}token={TOKEN}"

    def status(self, path: str) -> int:
        try:
            return urllib.request.urlopen(self.page(path), timeout=30).status
        except urllib.error.HTTPError as error:
            return error.code

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("COURSE_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install chromium chromium-driver (or set COURSE_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-default-apps", "--disable-sync", "--no-first-run", "--disable-gpu"],
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def kit_lab(tmp_path_factory):
    """A student kit with a correct copy of assignment 1 in work/, served by JupyterLab."""
    from course_tools import kit

    base = tmp_path_factory.mktemp("kit-lab")
    root = kit.write_kit(base / "kit", root=REPO)
    subprocess.run([sys.executable, "-m", "course", "work", "--course-dir", str(root)], check=True, capture_output=True)
    mine = root / "work" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    nbformat.write(correct_copy(mine), mine)
    lab = Lab(root, base / "home", base / "lab.log")
    yield lab
    lab.stop()


@pytest.fixture(scope="module")
def term_lab(tmp_path_factory):
    """An instructor's course folder after a simulated term, with assignment 1 released to an exchange."""
    from course_tools import grading

    from test_assignments import load_mutants, with_answers

    base = tmp_path_factory.mktemp("term-lab")
    root = base / "course"
    shutil.copytree(REPO / "source" / ASSIGNMENT, root / "source" / ASSIGNMENT)
    shutil.copytree(REPO / "release" / ASSIGNMENT, root / "release" / ASSIGNMENT)
    shutil.copytree(REPO / "jupyter-config", root / "jupyter-config")
    for name in ("nbgrader_config.py", "pyproject.toml"):
        shutil.copy(REPO / name, root)
    inbox = base / "inbox"
    inbox.mkdir()
    correct = correct_copy(REPO / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    written = next(i for i, c in enumerate(correct.cells) if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("solution"))
    figure_cell = max(i for i, c in enumerate(correct.cells[:written]) if c.cell_type == "code" and "nbgrader" not in c.metadata)
    correct.cells[figure_cell].outputs = [nbformat.v4.new_output("display_data", data={"image/png": OWN_FIGURE, "text/plain": "<Figure>"})]
    nbformat.write(correct, inbox / "correct.ipynb")
    nbformat.write(with_answers(ASSIGNMENT, load_mutants(ASSIGNMENT)[:3]), inbox / "partly.ipynb")
    shutil.copy(REPO / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", inbox / "blank.ipynb")
    grading.grade(ASSIGNMENT, root=root, submissions=inbox, jobs=2, progress=False)
    # A JupyterHub course: nbgrader's exchange, and Assignment List enabled (as the hub configures it).
    exchange, hub = base / "exchange", base / "hub-config"
    exchange.mkdir(mode=0o777)
    (hub / "labconfig").mkdir(parents=True)
    (hub / "nbgrader_config.py").write_text(f"c = get_config()\nc.Exchange.root = {str(exchange)!r}\n")
    (hub / "labconfig" / "page_config.json").write_text(json.dumps({"disabledExtensions": {"@jupyter/nbgrader:assignment-list": False, "@jupyter/nbgrader:course-list": False}}))
    (hub / "jupyter_server_config.json").write_text(json.dumps({"ServerApp": {"jpserver_extensions": {"nbgrader.server_extensions.assignment_list": True, "nbgrader.server_extensions.course_list": True}}}))
    env = {**os.environ, "JUPYTER_CONFIG_PATH": str(hub)}
    for command in (["generate_assignment", ASSIGNMENT], ["release_assignment", ASSIGNMENT]):
        done = subprocess.run([sys.executable, "-m", "nbgrader", *command], cwd=root, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    lab = Lab(root, base / "home", base / "lab.log", config_path=str(hub))
    yield lab
    lab.stop()


@contextlib.contextmanager
def page_at(browser, lab: Lab, path: str, shots: Path, name: str):
    """A page at ``path``, logged in the way a user is (JupyterLab opened with the token first);
    its screenshot is ``name``.png when the check passes, ``name``-failed.png when not."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(lab.page(path if path.startswith("/lab") else "/lab"))
        page.wait_for_selector(".jp-LabShell", timeout=120_000)
        if not path.startswith("/lab"):
            page.goto(lab.url + path)
        yield page
        page.screenshot(path=shots / f"{name}.png")
    except BaseException:
        page.screenshot(path=shots / f"{name}-failed.png")
        raise
    finally:
        page.close()


def wait_for_idle_kernel(page) -> None:
    page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(timeout=120_000)
    page.get_by_text("(ipykernel) | Idle").first.wait_for(timeout=300_000)


def test_a_kit_notebook_runs_its_setup_cell_with_no_red_lines(browser, kit_lab, shots):
    with page_at(browser, kit_lab, f"/lab/tree/work/{ASSIGNMENT}/{ASSIGNMENT}.ipynb", shots, "kit-setup-cell") as page:
        wait_for_idle_kernel(page)
        setup = page.locator(".jp-CodeCell").filter(has_text="course.setup(").first
        setup.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Shift+Enter")
        setup.locator(".jp-OutputArea-output").filter(has_text="TensorFlow").wait_for(timeout=300_000)
        page.get_by_text("(ipykernel) | Idle").first.wait_for(timeout=300_000)
        setup.locator(".jp-OutputArea").scroll_into_view_if_needed()
        red = setup.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
        assert red.count() == 0, "red lines in the setup cell: " + " | ".join(red.all_inner_texts())
    # The kernel's descriptor 2 reaches the notebook or, at times, the terminal of `make lab`: neither may show them.
    logged = [line for line in kit_lab.log_path.read_text().splitlines() if "absl::InitializeLog" in line or "cudart_stub" in line or "cuInit" in line]
    assert logged == [], "TensorFlow's start-up lines in the terminal of `make lab`: " + " | ".join(logged[:3])


def test_students_see_no_instructor_panels(browser, kit_lab, shots):
    hidden = ["nbgrader:open-formgrader", "nbgrader:open-create-assignment", "nbgrader:open-course-list", "nbgrader:open-assignment-list"]
    with page_at(browser, kit_lab, "/lab", shots, "kit-lab") as page:
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.commands.hasCommand('nbgrader:validate-assignment') !== undefined", timeout=60_000)
        commands = page.evaluate("ids => ids.map(id => window.jupyterapp.commands.hasCommand(id))", hidden)
        assert commands == [False] * len(hidden), dict(zip(hidden, commands))
    assert kit_lab.status("/formgrader") == 404


def test_validate_reports_success_on_a_correct_copy(browser, kit_lab, shots):
    with page_at(browser, kit_lab, f"/lab/tree/work/{ASSIGNMENT}/{ASSIGNMENT}.ipynb", shots, "kit-validate") as page:
        wait_for_idle_kernel(page)
        button = page.locator(".jp-NotebookPanel-toolbar").get_by_text("Validate", exact=True)
        started = time.monotonic()
        button.click()
        dialog = page.locator(".jp-Dialog").filter(has_text="Validation Results")
        dialog.wait_for(timeout=600_000)
        seconds = time.monotonic() - started
        text = dialog.inner_text()
        print(f"\nValidate in the browser: {seconds:.0f} s (load average {os.getloadavg()[0]:.1f})")
        assert "Success! Your notebook passes all the tests." in text, text[-2000:]


def test_a_source_md_opens_as_a_notebook_on_double_click(browser, term_lab, shots):
    with page_at(browser, term_lab, f"/lab/tree/source/{ASSIGNMENT}", shots, "source-md-as-notebook") as page:
        item = page.locator(".jp-DirListing-item").filter(has_text=f"{ASSIGNMENT}.md").first
        item.wait_for(timeout=60_000)
        item.dblclick()
        page.wait_for_function("() => document.querySelectorAll('.jp-NotebookPanel .jp-MarkdownCell').length > 10", timeout=120_000)
        tab = page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel").first.inner_text()
        assert tab == f"{ASSIGNMENT}.md" and page.locator(".jp-FileEditor").count() == 0


def test_formgrader_lists_the_term_and_shows_a_written_answer_with_its_mark_scheme_beside_the_students_own_figure(browser, term_lab, shots):
    with page_at(browser, term_lab, f"/formgrader/gradebook/{ASSIGNMENT}/{ASSIGNMENT}", shots, "formgrader-submissions") as page:
        rows = page.locator("table tbody tr").filter(has_text="Submission #")
        rows.first.wait_for(timeout=120_000)
        page.get_by_text("Show All Names").click()
        correct = page.locator("table tbody tr").filter(has_text="correct").first
        correct.wait_for(timeout=30_000)
        listed = " ".join(page.locator("table tbody tr").all_inner_texts())
        assert all(student in listed for student in ("blank", "correct", "partly")), listed
        link = correct.locator("a").first.get_attribute("href")
    with page_at(browser, term_lab, link, shots, "formgrader-written-answer") as page:
        answer = page.get_by_text(WRITTEN_ANSWER).first
        answer.wait_for(timeout=120_000)
        answer.scroll_into_view_if_needed()
        html = page.content()
        shown = html.count("Mark scheme")
        assert shown == 1, f"formgrader shows the mark scheme {shown} times, not once"
        assert OWN_FIGURE[:60] in html, "formgrader does not show the student's own figure (the submitted outputs)"


def test_assignment_list_shows_the_released_assignment(browser, term_lab, shots):
    # A fresh workspace: the restored .md tab of the test before would start a kernel meanwhile.
    with page_at(browser, term_lab, "/lab?reset", shots, "assignment-list") as page:
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.commands.hasCommand('nbgrader:open-assignment-list')", timeout=60_000)
        page.evaluate("window.jupyterapp.commands.execute('nbgrader:open-assignment-list')")
        page.locator("#released_assignments_list").filter(has_text=ASSIGNMENT).first.wait_for(timeout=120_000)
        assert "Error fetching courses" not in page.locator(".jp-LabShell").inner_text()
