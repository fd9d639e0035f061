"""Run one grading command confined, with its notebook kernel and everything it starts.

Always: its own process group (killed whole at the deadline), a limit on the memory it
may allocate, no core dumps. Where unprivileged Linux namespaces work (``unshare``):
no network but loopback, and a private view of the file system in which the other
submissions' folders, the real gradebook and the reference solutions are hidden, and
this submission's folder appears at ``stage``.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

# Runs inside the new namespaces, before the grading command replaces it.
_ENTER = r"""
import json, os, resource, subprocess, sys
config = json.loads(sys.argv[1])
def run(*args):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
if config.get("network_off"):
    run("ip", "link", "set", "lo", "up")
if config.get("stage"):
    run("mount", "--bind", config["scratch"], config["stage"])
for path in config.get("hidden", []):
    if os.path.isdir(path):
        run("mount", "-t", "tmpfs", "-o", "size=64k", "course-hidden", path)
    elif os.path.isfile(path):
        run("mount", "--bind", "/dev/null", path)
if config.get("cwd"):
    os.chdir(config["cwd"])
limit = config.get("memory_mb", 0) * 1024 * 1024
if limit:
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
os.execvp(sys.argv[2], sys.argv[2:])
"""
# A user namespace (no privileges needed), no network, a private mount table, and a PID
# namespace whose processes all die with it, kernels included.
_NAMESPACES = ["unshare", "--user", "--map-root-user", "--net", "--mount", "--pid", "--fork", "--kill-child", "--mount-proc"]


@functools.cache
def namespaces_available() -> bool:
    """Whether this system lets an unprivileged process make network and mount namespaces."""
    if not (shutil.which("unshare") and shutil.which("ip") and shutil.which("mount")):
        return False
    with tempfile.TemporaryDirectory() as scratch:
        probe = [*_NAMESPACES, "sh", "-c", f"ip link set lo up && mount -t tmpfs probe {scratch}"]
        return subprocess.run(probe, capture_output=True).returncode == 0


@dataclass
class Sandbox:
    scratch: Path
    stage: Path
    hidden: list[Path] = field(default_factory=list)
    memory_mb: int = 0

    @property
    def isolated(self) -> bool:
        return namespaces_available()

    def inside(self, path: Path) -> Path:
        """Where ``path`` (under ``scratch``) is seen by the sandboxed command."""
        return self.stage / Path(path).relative_to(self.scratch) if self.isolated else Path(path)

    def command(self, command: list[str], cwd: Path) -> list[str]:
        config = {"memory_mb": self.memory_mb}
        if self.isolated:
            config.update(
                network_off=True,
                scratch=str(self.scratch),
                stage=str(self.stage),
                hidden=[str(p) for p in self.hidden],
                cwd=str(self.inside(cwd)),
            )
        wrapped = [sys.executable, "-c", _ENTER, json.dumps(config), *command]
        return [*_NAMESPACES, *wrapped] if self.isolated else wrapped

    def kernel_spec(self, folder: Path, hidden: list[Path]) -> str:
        """Write a Jupyter kernel spec under ``folder``: Python that cannot see ``hidden``.

        Returns the kernel name. ``hidden`` are paths as seen inside the sandbox (the
        gradebook copy with the hidden tests, say), which the grading process itself
        still needs. Without namespaces this is the plain Python kernel.
        """
        kernel = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        if self.isolated:
            config = json.dumps({"hidden": [str(p) for p in hidden]})
            kernel = ["unshare", "--mount", sys.executable, "-c", _ENTER, config, *kernel]
        spec = folder / "kernels" / "course-python"
        spec.mkdir(parents=True, exist_ok=True)
        (spec / "kernel.json").write_text(
            json.dumps({"argv": kernel, "display_name": "Python 3 (graded)", "language": "python"})
        )
        return "course-python"

    def run(self, command: list[str], cwd: Path, env: dict[str, str], deadline: float) -> tuple[int | None, str]:
        """Run ``command``; return its exit code (None when killed at ``deadline``) and its output's tail."""
        remaining = max(1.0, deadline - time.monotonic())
        with tempfile.TemporaryFile() as log:
            process = subprocess.Popen(
                self.command(command, cwd), cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
            try:
                code = process.wait(timeout=remaining)
            except subprocess.TimeoutExpired:
                code = None
            try:
                os.killpg(process.pid, signal.SIGKILL)  # the kernel, or anything else left behind
            except ProcessLookupError:
                pass
            process.wait()
            log.seek(0)
            return code, log.read().decode(errors="replace")[-20000:]
