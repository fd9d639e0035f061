"""course_tools.sandbox and the grading kernel, below `course grade`: what a submission's processes can do."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO
from course_tools import sandbox

ISOLATED = sandbox.probe_namespaces()[0]
needs_namespaces = pytest.mark.skipif(not ISOLATED, reason=f"no namespace sandbox here: {sandbox.probe_namespaces()[1]}")
SMALL = sandbox.Limits(memory_mb=512, disk_mb=32, tasks=48, cpu_seconds=30)


def confined(tmp_path: Path, code: str, mode: str, limits: sandbox.Limits = SMALL, env: dict | None = None) -> tuple[int, str, list[dict]]:
    """Run ``code`` (Python) where a submission's kernel would run; return exit code, output, limits hit."""
    scratch = tmp_path / "scratch"
    (scratch / "input").mkdir(parents=True)
    os.chmod(tmp_path, 0o755)
    (scratch / "input" / "mine.txt").write_text("mine")
    config, _ = sandbox.kernel_config(mode, scratch, scratch / "input", "demo", {}, limits, [tmp_path, REPO],
                                      REPO / "course", None, 1)
    config["exec"] = [sys.executable, "-I", "-c", code]
    (scratch / "kernel.json").write_text(json.dumps(config))
    (scratch / "connection.json").write_text("{}")
    inner = sandbox.boot_command("kernel", str(scratch / "kernel.json"), str(scratch / "connection.json"))
    outer = {"mode": mode, "cwd": str(scratch), "env": {"PATH": "/usr/bin:/bin", **(env or {})}}
    (scratch / "outer.json").write_text(json.dumps(outer))
    result = subprocess.run(sandbox.boot_command("outer", str(scratch / "outer.json"), "--", *inner),
                            capture_output=True, text=True, timeout=300, env={"PATH": "/usr/bin:/bin", **(env or {})})
    return result.returncode, result.stdout + result.stderr, sandbox.read_status(scratch)


@needs_namespaces
def test_the_kernel_sees_only_its_own_world(tmp_path):
    code, out, _ = confined(tmp_path, (
        "import os, socket, subprocess, ctypes\n"
        "print('uid', os.getuid(), open('/proc/self/status').read().split('CapEff:')[1].split()[0])\n"
        "print('files', sorted(os.listdir('.')), 'pids', sorted(p for p in os.listdir('/proc') if p.isdigit()))\n"
        f"print('hidden', [p for p in ({str(tmp_path)!r}, '/etc/shadow', '/root/.bashrc') if os.path.exists(p)])\n"
        f"print('course', sorted(os.listdir({str(REPO)!r})) if os.path.exists({str(REPO)!r}) else [])\n"
        "print('env', sorted(os.environ))\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        "print('umount', [p for p in ('/usr', '/opt/course/runtime/course', '/proc', '/') if libc.umount2(p.encode(), 2) == 0])\n"
        "print('remount', subprocess.run(['mount', '-o', 'remount,rw', '/usr'], capture_output=True).returncode)\n"
        "print('nested', subprocess.run(['unshare', '-rm', 'true'], capture_output=True).returncode)\n"
        "w = []\nfor p in ('/usr/x', '/opt/course/runtime/course/x', sys.prefix + '/x' if False else '/opt/course/grading_kernel.py'):\n"
        "    try:\n        open(p, 'a').write('x'); w.append(p)\n    except OSError:\n        pass\n"
        "print('writable', w)\n"
        "try:\n    socket.create_connection(('1.1.1.1', 53), timeout=2); print('net yes')\nexcept OSError:\n    print('net no')\n"
    ).replace("sys.prefix", "'/usr'"), "namespaces", env={"COURSE_TEST_SECRET": "leak-me"})
    assert code == 0, out
    lines = dict(line.split(" ", 1) for line in out.strip().splitlines())
    assert lines["uid"] == "1000 0000000000000000"
    assert lines["files"] == "['mine.txt'] pids ['1', '2']"
    assert lines["hidden"] == "[]"
    # Of the course folder, only the Python installation when it lives there (.venv, mounted read-only).
    python = Path(sys.prefix).resolve()
    assert lines["course"] == str([python.relative_to(REPO).parts[0]] if python.is_relative_to(REPO) else [])
    assert "COURSE_TEST_SECRET" not in lines["env"] and "HOME" in lines["env"]
    assert lines["umount"] == "[]" and lines["remount"] != "0" and lines["nested"] != "0"
    assert lines["writable"] == "[]" and lines["net"] == "no"


@needs_namespaces
def test_tasks_disk_and_memory_are_limited_for_the_whole_submission(tmp_path):
    code, out, events = confined(tmp_path, (
        "import os, time, threading\nforks = 0\ntry:\n    for _ in range(500):\n        if os.fork() == 0:\n            time.sleep(20); os._exit(0)\n        forks += 1\n"
        "except OSError:\n    pass\nprint('forks', forks)\n"
        "written = 0\nfor path in ('big', '/tmp/big', '/dev/shm/big'):\n    try:\n        with open(path, 'wb') as f:\n"
        "            for _ in range(100):\n                f.write(b'x' * 2**20); written += 1\n    except OSError:\n        pass\nprint('written', written)\n"
    ), "namespaces")
    assert code == 0, out
    lines = dict(line.split(" ", 1) for line in out.strip().splitlines())
    assert int(lines["forks"]) < SMALL.tasks and int(lines["written"]) <= SMALL.disk_mb
    code, out, events = confined(tmp_path / "memory", (
        "import os, time\nkids = []\nfor _ in range(3):\n    pid = os.fork()\n    if pid == 0:\n        b = bytearray(250 * 2**20)\n"
        "        for i in range(0, len(b), 4096):\n            b[i] = 1\n        time.sleep(20)\n        os._exit(0)\n    kids.append(pid)\n"
        "print('killed', sum(os.waitpid(pid, 0)[1] == 9 for pid in kids))\n"
    ), "namespaces")
    assert code == 0 and int(out.split("killed")[1]) >= 1, out
    assert [e["limit"] for e in events] == ["memory"]


def test_limits_without_namespaces_are_enforced_by_the_supervisor(tmp_path):
    code, out, events = confined(tmp_path, (
        "import os, time\nfor _ in range(200):\n    if os.fork() == 0:\n        time.sleep(30); os._exit(0)\ntime.sleep(30)\n"
    ), "limits")
    assert "tasks" in [e["limit"] for e in events], out
    code, out, events = confined(tmp_path / "disk", (
        "import time\nfor i in range(4):\n    open(f'part{i}', 'wb').write(b'x' * 20 * 2**20)\ntime.sleep(5)\n"), "limits")
    assert "disk" in [e["limit"] for e in events], out


def test_deadline_kills_everything_it_started(tmp_path):
    marker = f"sleep {300 + int(time.time()) % 1000}"
    for isolated in ([True] if ISOLATED else []) + [False]:
        folder = tmp_path / str(isolated)
        folder.mkdir()
        started = time.monotonic()
        code, _ = sandbox.run(["sh", "-c", f"setsid {marker} & {marker}"], folder, {"PATH": "/usr/bin:/bin"}, time.monotonic() + 3, isolated=isolated)
        assert code is None and time.monotonic() - started < 30
        time.sleep(0.5)
        survivors = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True).stdout.split()
        if isolated:
            assert survivors == [], "a process that left its group survived the PID namespace"
        else:
            for pid in survivors:  # without namespaces, a process that calls setsid escapes (as the README says)
                os.kill(int(pid), 9)


def test_isolation_is_said_in_one_line(monkeypatch):
    line = sandbox.detect("none").line(sandbox.Limits())
    assert line.startswith("isolation: NONE (turned off (--sandbox none)): limits only") and "\n" not in line
    if ISOLATED:
        assert sandbox.detect("auto").line(sandbox.Limits()).startswith("isolation: namespaces (user, mount, pid, network")
    monkeypatch.setenv("COURSE_SANDBOX_PROBE", "off")
    sandbox.probe_namespaces.cache_clear()
    try:
        forced = sandbox.detect("auto")
        assert not forced.isolated and forced.reason == "turned off by COURSE_SANDBOX_PROBE=off"
        assert forced.fix
    finally:
        sandbox.probe_namespaces.cache_clear()


ENGINE = next((e for e in ("docker", "podman") if subprocess.run(["sh", "-c", f"{e} info"], capture_output=True).returncode == 0), None)


@pytest.mark.skipif(ENGINE is None or not os.environ.get("COURSE_GRADER_IMAGE"),
                    reason="needs a running container engine and COURSE_GRADER_IMAGE (here docker is only a client, no engine runs)")
def test_container_backend_grades_beside_the_same_results(demo_course, tmp_path):
    import json as _json

    from course_tools import grading

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    reference = _json.loads((demo_course / "source" / "demo" / "demo.ipynb").read_text())
    (inbox / "good.ipynb").write_text(_json.dumps(reference))
    (inbox / "snoop.ipynb").write_text(_json.dumps(reference).replace("np.maximum(np.asarray(x), 0)", "__import__('os').listdir('/grading')"))
    results = {r.student: r for r in grading.grade("demo", root=demo_course, submissions=inbox, sandbox_backend=ENGINE,
                                                   image=os.environ["COURSE_GRADER_IMAGE"], progress=False)}
    assert results["good"].score == 3 and results["snoop"].score == 2


# -- the grading kernel, driven directly (what nbgrader would send it) ---------------------

KERNEL_LOADER = sandbox.KERNEL_LOADER
TEST = '"""A test."""\nassert type(relu(np.array([-1.0]))) is np.ndarray\nnp.testing.assert_array_equal(relu(np.array([-1.0, 2.0])), [0.0, 2.0])\n'


@pytest.fixture
def kernel(tmp_path, monkeypatch):
    from jupyter_client import KernelManager

    work = tmp_path / "work"
    work.mkdir()
    settings = {"test_hashes": [hashlib.sha256(TEST.encode()).hexdigest()], "work": str(work),
                "preload": ["numpy", "numpy.testing"], "aliases": {"np": ["numpy", None]}}
    (tmp_path / "settings.json").write_text(json.dumps(settings))
    spec = tmp_path / "kernels" / "graded"
    spec.mkdir(parents=True)
    kernel_file = REPO / "course_tools" / "grading_kernel.py"
    (spec / "kernel.json").write_text(json.dumps({"argv": [sys.executable, "-I", "-c", KERNEL_LOADER, str(kernel_file), "-f",
                                                           "{connection_file}", "--course-config", str(tmp_path / "settings.json")],
                                                  "display_name": "graded", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    manager = KernelManager(kernel_name="graded")
    manager.start_kernel(env={"PATH": os.environ["PATH"], "HOME": str(tmp_path), "MPLBACKEND": "Agg"})
    client = manager.client()
    client.start_channels()
    client.wait_for_ready(timeout=120)

    def run(code: str) -> tuple[str, str]:
        outputs = []
        reply = client.execute_interactive(code, timeout=60, output_hook=lambda m: outputs.append(m))
        text = "".join(m["content"].get("text", "") for m in outputs if m["msg_type"] == "stream")
        return reply["content"]["status"], text + reply["content"].get("evalue", "")

    yield run
    client.stop_channels()
    manager.shutdown_kernel(now=True)


def test_a_test_cell_sees_the_library_the_student_sees_their_names(kernel):
    assert kernel("import numpy as np\ndef relu(x):\n    return np.maximum(x, 0)\nlen = 'mine'\nnp2 = np")[0] == "ok"
    assert kernel("import builtins\nbuiltins.len = lambda x: 0\nnp.testing.assert_array_equal = lambda *a, **k: None")[0] == "ok"
    assert kernel(TEST)[0] == "ok"
    status, text = kernel("print(len, np is np2, __builtins__.len([1, 2]))")
    assert (status, text.strip()) == ("ok", "mine True 2")


def test_a_test_cell_that_changed_the_library_does_not_count(kernel):
    kernel("import numpy as np\ndef relu(x):\n    import numpy.testing._private.utils as u\n    u.assert_array_compare = lambda *a, **k: None\n    return np.abs(x)")
    status, text = kernel(TEST)
    assert status == "error" and "changed numpy.testing._private.utils.assert_array_compare while this test ran" in text
    kernel("def relu(x):\n    return np.maximum(x, 0)")
    assert kernel(TEST)[0] == "ok"


def test_the_kernel_refuses_what_reaches_past_the_reset(kernel):
    for code in ("import sys\nsys.settrace(lambda *a: None)", "import gc\ngc.get_objects()",
                 "import numpy.testing as t\nt.assert_equal.__code__ = (lambda: 0).__code__"):
        status, text = kernel(code)
        assert status == "error" and "course grade:" in text, code
    status, text = kernel("import sys\nsys.addaudithook(lambda event, args: print('HOOKED', event))\nopen('/dev/null').close()")
    assert status == "ok" and "HOOKED" not in text  # Python drops a hook that an existing hook refuses
