"""Confine everything a submission runs, and limit it as a whole.

Two layers, both started by ``python -I -c BOOT <package root> <layer> ...`` so they need
nothing of the instructor's environment but this package:

``outer``: the trusted grading process of one submission (``nbgrader autograde``) runs in
  its own user, mount, network (loopback only), PID, IPC and UTS namespaces. It sees the
  file system, but nothing of the host's network or processes; when it ends, everything it
  started ends.

``kernel``: the notebook kernel, started by that grading process, builds a private file
  system: a size-limited tmpfs root holding read-only bind mounts of the system libraries,
  the Python installation, the course's student runtime (``course``), the grading kernel
  and the datasets, a fresh ``/proc`` of its own PID namespace, a few device nodes, and
  writable ``/home/student`` (a copy of the submission's files), ``/tmp`` and ``/dev/shm``,
  all in that tmpfs. It ``pivot_root``s into it, detaches the old root, and makes the root
  read-only. The kernel process then enters a nested user namespace, which locks every one
  of those mounts (they can be neither unmounted nor remounted writable), runs as uid 1000
  with no capabilities, ``no_new_privs`` and ``user.max_user_namespaces=0``. It shares the
  grading process's loopback only. PID 1 of its namespace is a small trusted supervisor
  that watches the whole submission (memory, CPU time), reaps, and kills everything when
  the kernel exits.

Without unprivileged user namespaces (Ubuntu 23.10+ restricts them through AppArmor; some
containers forbid them) the same commands run with limits only: resource limits, a clean
environment, a separate working folder, and a supervisor that is the subreaper of every
process the kernel starts and enforces the whole-submission limits by polling. The
one-line ``Isolation.line()`` says which applies; ``--require-isolation`` refuses to grade
without the namespaces.

Limits (``Limits``, the one place for their defaults) apply to everything a submission
starts, together: memory (the sum of its processes' proportional set sizes, polled every
0.1 s; each process also has ``RLIMIT_DATA``), tasks (``RLIMIT_NPROC`` counted in the
submission's own user namespace, so enforced by the kernel; by polling without
namespaces), CPU time (polled; ``RLIMIT_CPU`` per process), disk (the tmpfs size; by
polling and ``RLIMIT_FSIZE`` without namespaces), output (cut by lines and bytes as it
arrives, see ``course_tools.submission``) and time (per cell and per notebook).
"""

from __future__ import annotations

import ctypes
import errno
import functools
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # the folder holding course/ and course_tools/
BOOT = "import sys; sys.path.insert(0, sys.argv[1]); from course_tools import sandbox; sandbox.main(sys.argv[2:])"
KERNEL_LOADER = (
    "import importlib.util as u, sys; s = u.spec_from_file_location('course_grading_kernel', sys.argv[1]);"
    " m = u.module_from_spec(s); sys.modules[s.name] = m; s.loader.exec_module(m); m.main(sys.argv[2:])"
)
STUDENT_UID = 1000  # the kernel's uid inside its namespace
# When the grader runs as root, the submission's processes get this host uid (never root):
# the kernel counts RLIMIT_NPROC for every uid but root, and no host file belongs to it.
HOST_UID_FOR_ROOT = 1_900_000_000
INSIDE_HOME = "/home/student"
INSIDE_KERNEL = "/opt/course/grading_kernel.py"
INSIDE_RUNTIME = "/opt/course/runtime"
INSIDE_DATA = "/data"
INSIDE_RUN = "/run/course"
WATCH_INTERVAL = 0.1
CONTAINER_UID = 60123  # the kernel's uid inside a container; nothing of the grading is readable by it
CONTAINER_SCRATCH = "/grading"
CONTAINER_PACKAGE = "/opt/course"


@dataclass(frozen=True)
class Limits:
    """What one submission may use while it is graded (the defaults of every grading command)."""

    cell_timeout: int = 300  # seconds one cell may run
    notebook_timeout: int = 900  # seconds the whole submission may take
    memory_mb: int = 8192  # memory of everything it starts, together
    tasks: int = 512  # processes and threads, together
    cpu_seconds: int = 3600  # CPU time of everything it starts, together
    disk_mb: int = 1024  # what it may write (its folder, /tmp and /dev/shm), together
    output_kb: int = 100  # text output kept per cell
    output_lines: int = 1000  # lines of text output kept per cell
    notebook_output_mb: int = 8  # all outputs kept in one graded notebook, figures included

    HELP = {
        "cell_timeout": "seconds one cell may run",
        "notebook_timeout": "seconds one submission may take in all",
        "memory_mb": "memory of everything a submission starts, together (MB)",
        "tasks": "processes and threads of a submission, together",
        "cpu_seconds": "CPU seconds of everything a submission starts, together",
        "disk_mb": "what a submission may write, together (MB)",
        "output_kb": "text output kept per cell (KB)",
        "output_lines": "lines of text output kept per cell",
        "notebook_output_mb": "outputs kept in one graded notebook, figures included (MB)",
    }

    def key(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    def summary(self) -> str:
        return (
            f"memory {self.memory_mb} MB, {self.tasks} tasks, CPU {self.cpu_seconds} s, disk {self.disk_mb} MB,"
            f" {self.cell_timeout} s a cell, {self.notebook_timeout} s a notebook,"
            f" output {self.output_kb} KB / {self.output_lines} lines a cell"
        )


# -------------------------------------------------------------------------------------
# System calls


class _Calls:
    NEWNS, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET = 0x00020000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000
    MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 8, 32, 4096, 16384, 1 << 18
    MS_NOATIME, MS_NODIRATIME, MS_RELATIME = 1024, 2048, 1 << 21
    MNT_DETACH = 2
    PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_CHILD_SUBREAPER, PR_SET_NO_NEW_PRIVS = 1, 4, 36, 38
    PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "riscv64": 41, "ppc64le": 203, "s390x": 217}

    def __init__(self):
        self.libc = ctypes.CDLL(None, use_errno=True)

    def _check(self, result: int, what: str) -> None:
        if result != 0:
            number = ctypes.get_errno()
            raise OSError(number, f"{what}: {os.strerror(number)}")

    def unshare(self, flags: int) -> None:
        self._check(self.libc.unshare(flags), "unshare")

    def mount(self, source, target, fstype, flags: int, data=None) -> None:
        encode = lambda value: value.encode() if isinstance(value, str) else value  # noqa: E731
        self._check(self.libc.mount(encode(source), encode(str(target)), encode(fstype), ctypes.c_ulong(flags), encode(data)), f"mount {target}")

    def umount(self, target: str) -> None:
        self._check(self.libc.umount2(target.encode(), self.MNT_DETACH), f"umount {target}")

    def pivot_root(self, new: str, old: str) -> None:
        number = self.PIVOT_ROOT.get(os.uname().machine)
        if number is None:
            raise OSError(errno.ENOSYS, f"pivot_root: unknown system call number on {os.uname().machine}")
        self._check(self.libc.syscall(ctypes.c_long(number), new.encode(), old.encode()), "pivot_root")

    def prctl(self, option: int, value: int) -> None:
        self._check(self.libc.prctl(option, ctypes.c_ulong(value), 0, 0, 0), f"prctl {option}")

    def sethostname(self, name: str) -> None:
        self._check(self.libc.sethostname(name.encode(), len(name)), "sethostname")


@functools.cache
def _calls() -> _Calls:
    return _Calls()


def _write(path: str, text: str) -> None:
    """Write a /proc control file in one system call, so that errors are not lost."""
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def _die_with_parent() -> None:
    _calls().prctl(_Calls.PR_SET_PDEATHSIG, signal.SIGKILL)


def _loopback_up() -> None:
    import fcntl
    import socket
    import struct

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        request = struct.pack("16sH", b"lo", 0)
        flags = struct.unpack("16sH", fcntl.ioctl(probe, 0x8913, request)[:18])[1]  # SIOCGIFFLAGS
        fcntl.ioctl(probe, 0x8914, struct.pack("16sH", b"lo", flags | 1))  # SIOCSIFFLAGS, IFF_UP


# -------------------------------------------------------------------------------------
# The outer layer: the grading process of one submission


def _outer_maps() -> tuple[str, str]:
    """uid and gid maps of the outer namespace, written by its parent."""
    uid, gid = os.geteuid(), os.getegid()
    if uid == 0:
        extra = f"\n{STUDENT_UID} {HOST_UID_FOR_ROOT} 1"
        return "0 0 1" + extra, "0 0 1" + extra
    return f"0 {uid} 1", f"0 {gid} 1"


def run_outer(config: dict, command: list[str]) -> int:
    """Run ``command`` in new namespaces (or, in limits mode, as it is); return its exit code."""
    _die_with_parent()
    if config.get("mode") != "namespaces":
        os.execvpe(command[0], command, config["env"])
    uid_map, gid_map = _outer_maps()
    ready_read, ready_write = os.pipe()
    go_read, go_write = os.pipe()
    child = os.fork()
    if child == 0:
        try:
            os.close(ready_read)
            os.close(go_write)
            _die_with_parent()
            calls = _calls()
            if os.geteuid() == 0:
                os.setgroups([])
            calls.unshare(_Calls.NEWUSER | _Calls.NEWNS | _Calls.NEWNET | _Calls.NEWPID | _Calls.NEWIPC | _Calls.NEWUTS)
            os.write(ready_write, b"1")
            if os.read(go_read, 1) != b"1":
                os._exit(70)
            os.setresgid(0, 0, 0)
            os.setresuid(0, 0, 0)
            calls.mount(None, "/", None, _Calls.MS_REC | _Calls.MS_PRIVATE)
            _loopback_up()
            init = os.fork()
            if init == 0:
                _die_with_parent()
                calls.mount("proc", "/proc", "proc", _Calls.MS_NOSUID | _Calls.MS_NODEV | _Calls.MS_NOEXEC)
                os.chdir(config["cwd"])
                os.execvpe(command[0], command, config["env"])
            _, status = os.waitpid(init, 0)
            os._exit(os.waitstatus_to_exitcode(status) & 0xFF)
        except BaseException as error:  # noqa: BLE001 - report, never fall back silently
            os.write(2, f"course sandbox: {error}\n".encode())
            os._exit(71)
    os.close(ready_write)
    os.close(go_read)
    try:
        if os.read(ready_read, 1) == b"1":
            _write(f"/proc/{child}/setgroups", "deny")
            _write(f"/proc/{child}/uid_map", uid_map)
            _write(f"/proc/{child}/gid_map", gid_map)
            os.write(go_write, b"1")
    finally:
        os.close(go_write)
    _, status = os.waitpid(child, 0)
    return os.waitstatus_to_exitcode(status)


# -------------------------------------------------------------------------------------
# The kernel layer


def _statvfs_flags(path: str) -> int:
    flags = os.statvfs(path).f_flag
    result = 0
    for st, ms in ((os.ST_NOEXEC, _Calls.MS_NOEXEC), (os.ST_NOATIME, _Calls.MS_NOATIME),
                   (os.ST_NODIRATIME, _Calls.MS_NODIRATIME), (os.ST_RELATIME, _Calls.MS_RELATIME),
                   (os.ST_NOSUID, _Calls.MS_NOSUID), (os.ST_NODEV, _Calls.MS_NODEV)):
        if flags & st:
            result |= ms
    return result


def _bind(calls: _Calls, source: str, target: str, writable: bool = False) -> None:
    calls.mount(source, target, None, _Calls.MS_BIND)
    flags = _Calls.MS_REMOUNT | _Calls.MS_BIND | _Calls.MS_NOSUID | _statvfs_flags(source)
    if not writable:
        flags |= _Calls.MS_RDONLY | _Calls.MS_NODEV
    calls.mount(None, target, None, flags)


def _copy_tree(source: Path, target: Path, uid: int) -> None:
    """Copy the regular files under ``source`` into ``target`` (never following a link)."""
    for folder, dirs, files in os.walk(source, followlinks=False):
        relative = Path(folder).relative_to(source)
        destination = target / relative
        destination.mkdir(parents=True, exist_ok=True)
        os.chown(destination, uid, uid)
        for name in files:
            origin = Path(folder) / name
            fd = os.open(origin, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            try:
                if not os.path.stat.S_ISREG(os.fstat(fd).st_mode):
                    continue
                out = os.open(destination / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
                try:
                    while chunk := os.read(fd, 1 << 20):
                        os.write(out, chunk)
                finally:
                    os.close(out)
                os.chown(destination / name, uid, uid)
            finally:
                os.close(fd)


def _build_root(config: dict, root: str, connection_file: str, owner: int) -> None:
    """Mount and fill the kernel's root file system at ``root`` (still in the old root)."""
    calls = _calls()
    limits = config["limits"]
    calls.mount("course-root", root, "tmpfs", _Calls.MS_NOSUID | _Calls.MS_NODEV,
                f"size={limits['disk_mb']}m,nr_inodes={max(4096, limits['disk_mb'] * 64)},mode=0755")
    base = Path(root)
    for folder in ("proc", "dev", "etc", "tmp", "dev/shm", INSIDE_RUN.lstrip("/"), INSIDE_HOME.lstrip("/"), "opt/course"):
        (base / folder).mkdir(parents=True, exist_ok=True)
    for folder in ("tmp", "dev/shm"):
        os.chmod(base / folder, 0o1777)
    for source, target in config["binds"]:
        inside = base / target.lstrip("/")
        if os.path.islink(source) and os.path.dirname(target) == "/":
            os.symlink(os.readlink(source), inside)
            continue
        if os.path.isdir(source):
            inside.mkdir(parents=True, exist_ok=True)
        elif os.path.isfile(source):
            inside.parent.mkdir(parents=True, exist_ok=True)
            inside.touch()
        else:
            continue
        _bind(calls, source, str(inside))
    for device in ("null", "zero", "full", "random", "urandom"):
        (base / "dev" / device).touch()
        calls.mount(f"/dev/{device}", str(base / "dev" / device), None, _Calls.MS_BIND)
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
        os.symlink(target, base / "dev" / name)
    for name, text in config["files"].items():
        (base / name.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
        (base / name.lstrip("/")).write_text(text)
    shutil.copyfile(connection_file, base / INSIDE_RUN.lstrip("/") / "connection.json")
    os.chmod(base / INSIDE_RUN.lstrip("/") / "connection.json", 0o644)
    home = base / INSIDE_HOME.lstrip("/")
    os.chown(home, owner, owner)
    _copy_tree(Path(config["input"]), base / config["work"].lstrip("/"), owner)
    for folder in ("tmp", "dev/shm", INSIDE_HOME.lstrip("/")):
        calls.mount(str(base / folder), str(base / folder), None, _Calls.MS_BIND)
        calls.mount(None, str(base / folder), None, _Calls.MS_REMOUNT | _Calls.MS_BIND | _Calls.MS_NOSUID | _Calls.MS_NODEV)
    calls.mount("proc", str(base / "proc"), "proc", _Calls.MS_NOSUID | _Calls.MS_NODEV | _Calls.MS_NOEXEC)


def _enter_root(root: str) -> None:
    calls = _calls()
    os.chdir(root)
    calls.pivot_root(".", ".")
    calls.umount(".")
    os.chdir("/")
    calls.mount(None, "/", None, _Calls.MS_REMOUNT | _Calls.MS_BIND | _Calls.MS_RDONLY | _Calls.MS_NOSUID | _Calls.MS_NODEV)


def _student_limits(limits: dict, tasks_baseline: int = 0) -> None:
    memory = limits["memory_mb"] * 1024 * 1024
    for which, value in (
        (resource.RLIMIT_DATA, memory),
        (resource.RLIMIT_CPU, limits["cpu_seconds"]),
        (resource.RLIMIT_FSIZE, limits["disk_mb"] * 1024 * 1024),
        (resource.RLIMIT_CORE, 0),
        (resource.RLIMIT_NOFILE, 1024),
        (resource.RLIMIT_NPROC, tasks_baseline + limits["tasks"]),
    ):
        soft, hard = resource.getrlimit(which)
        cap = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(which, (cap, cap))


def _inner_target_uid() -> int:
    """The outer-namespace uid the kernel's uid 1000 maps to: 1000 when mapped (root grader), else 0."""
    for line in Path("/proc/self/uid_map").read_text().splitlines():
        inside, _, count = (int(v) for v in line.split())
        if inside <= STUDENT_UID < inside + count:
            return STUDENT_UID
    return 0


class Watchdog:
    """Whole-submission limits by polling: memory, CPU time, and (without namespaces) tasks and disk."""

    def __init__(self, limits: dict, status_fd: int, processes, disk_paths=()):
        self.limits, self.status_fd, self.processes, self.disk_paths = limits, status_fd, processes, list(disk_paths)
        self.page = os.sysconf("SC_PAGE_SIZE")
        self.ticks = os.sysconf("SC_CLK_TCK")
        self.hit: set[str] = set()
        self.last_disk = 0.0

    def record(self, limit: str, detail: str) -> None:
        if limit not in self.hit:
            self.hit.add(limit)
            os.write(self.status_fd, (json.dumps({"limit": limit, "detail": detail}) + "\n").encode())

    def _memory(self, pid: int) -> int:
        try:
            with open(f"/proc/{pid}/statm") as handle:
                return int(handle.read().split()[1]) * self.page
        except (OSError, ValueError, IndexError):
            return 0

    def _pss(self, pid: int) -> int:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        return int(line.split()[1]) * 1024
        except (OSError, ValueError):
            pass
        return self._memory(pid)

    def _cpu(self, pid: int) -> float:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            return sum(int(v) for v in fields[11:15]) / self.ticks
        except (OSError, ValueError, IndexError):
            return 0.0

    def _threads(self, pid: int) -> int:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                return int(handle.read().rsplit(")", 1)[1].split()[17])
        except (OSError, ValueError, IndexError):
            return 0

    def check(self) -> None:
        pids = self.processes()
        limit = self.limits["memory_mb"] * 1024 * 1024
        if sum(self._memory(p) for p in pids) > limit:
            sizes = {p: self._pss(p) for p in pids}
            total = sum(sizes.values())
            if total > limit and sizes:
                largest = max(sizes, key=sizes.get)
                _kill(largest)
                self.record("memory", f"its processes held {total // 2**20} MB together (limit {self.limits['memory_mb']} MB); the largest was stopped")
        children = os.times()
        cpu = children.children_user + children.children_system + sum(self._cpu(p) for p in pids)
        if cpu > self.limits["cpu_seconds"]:
            for pid in pids:
                _kill(pid)
            self.record("cpu", f"its processes used {cpu:.0f} s of CPU together (limit {self.limits['cpu_seconds']} s); all were stopped")
        if self.disk_paths:
            threads = sum(self._threads(p) for p in pids)
            if threads > self.limits["tasks"]:
                for pid in pids:
                    _kill(pid)
                self.record("tasks", f"it ran {threads} tasks (limit {self.limits['tasks']}); all were stopped")
            if time.monotonic() - self.last_disk > 1.0:
                self.last_disk = time.monotonic()
                used = sum(_disk_usage(Path(p)) for p in self.disk_paths)
                if used > self.limits["disk_mb"] * 1024 * 1024:
                    for pid in pids:
                        _kill(pid)
                    self.record("disk", f"it wrote {used // 2**20} MB (limit {self.limits['disk_mb']} MB); all its processes were stopped")


def _disk_usage(folder: Path) -> int:
    total = 0
    for root, _, files in os.walk(folder, followlinks=False):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_blocks * 512
            except OSError:
                pass
    return total


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _namespace_processes() -> list[int]:
    me = os.getpid()
    return [int(name) for name in os.listdir("/proc") if name.isdigit() and int(name) != me]


def _descendants(root: int) -> list[int]:
    parents = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as handle:
                    parents[int(name)] = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                pass
    found, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent:
                found.append(pid)
                frontier.append(pid)
    return found


def _supervise(kernel: int, watchdog: Watchdog, processes) -> int:
    """Reap children and enforce limits until ``kernel`` exits; then stop everything left."""
    code = 1
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == kernel:
            code = os.waitstatus_to_exitcode(status)
            break
        if pid == 0:
            watchdog.check()
            time.sleep(WATCH_INTERVAL)
    for pid in processes():
        _kill(pid)
    return code & 0xFF


def run_kernel(config: dict, connection_file: str, extra: list[str]) -> int:
    """Start the grading kernel for one submission, confined as ``config`` says."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # interrupts are for the kernel itself
    status_fd = os.open(config["status"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    command = [part.replace("{connection_file}", connection_file) for part in config["exec"]] + extra
    if config["mode"] == "namespaces":
        return _kernel_in_namespaces(config, connection_file, command, status_fd)
    if config["mode"] == "container":
        return _kernel_in_container(config, connection_file, status_fd, extra)
    return _kernel_with_limits(config, command, status_fd)


def _kernel_in_namespaces(config: dict, connection_file: str, command: list[str], status_fd: int) -> int:
    calls = _calls()
    calls.unshare(_Calls.NEWNS | _Calls.NEWPID | _Calls.NEWIPC | _Calls.NEWUTS)
    init = os.fork()
    if init != 0:
        _, status = os.waitpid(init, 0)
        return os.waitstatus_to_exitcode(status)
    try:
        _die_with_parent()
        calls.sethostname("grading")
        calls.mount(None, "/", None, _Calls.MS_REC | _Calls.MS_PRIVATE)
        target = _inner_target_uid()
        _build_root(config, config["root"], connection_file, STUDENT_UID if target else 0)
        _enter_root(config["root"])
        calls.prctl(_Calls.PR_SET_DUMPABLE, 0)
        ready_read, ready_write = os.pipe()
        go_read, go_write = os.pipe()
        kernel = os.fork()
        if kernel == 0:
            os.close(ready_read)
            os.close(go_write)
            _die_with_parent()
            calls.unshare(_Calls.NEWUSER | _Calls.NEWNS)  # locks every mount above
            os.write(ready_write, b"1")
            if os.read(go_read, 1) != b"1":
                os._exit(70)
            _write("/proc/sys/user/max_user_namespaces", "0")
            os.setresgid(STUDENT_UID, STUDENT_UID, STUDENT_UID)
            os.setresuid(STUDENT_UID, STUDENT_UID, STUDENT_UID)
            _student_limits(config["limits"])
            calls.prctl(_Calls.PR_SET_NO_NEW_PRIVS, 1)
            os.chdir(config["work"])
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.execve(command[0], command, config["env"])
        os.close(ready_write)
        os.close(go_read)
        if os.read(ready_read, 1) == b"1":
            _write(f"/proc/{kernel}/setgroups", "deny")
            _write(f"/proc/{kernel}/uid_map", f"{STUDENT_UID} {target} 1")
            _write(f"/proc/{kernel}/gid_map", f"{STUDENT_UID} {target} 1")
            os.write(go_write, b"1")
        os.close(go_write)
        watchdog = Watchdog(config["limits"], status_fd, _namespace_processes)
        os._exit(_supervise(kernel, watchdog, _namespace_processes))
    except BaseException as error:  # noqa: BLE001 - the reason reaches the grader's log
        os.write(2, f"course sandbox: {error}\n".encode())
        os._exit(71)


def _kernel_with_limits(config: dict, command: list[str], status_fd: int) -> int:
    calls = _calls()
    calls.prctl(_Calls.PR_SET_CHILD_SUBREAPER, 1)
    work = Path(config["work"])
    _copy_tree(Path(config["input"]), work, os.getuid())
    baseline = 0 if os.getuid() == 0 else _processes_of_user()
    kernel = os.fork()
    if kernel == 0:
        _student_limits(config["limits"], tasks_baseline=baseline)
        os.chdir(work)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.execve(command[0], command, config["env"])
    me = os.getpid()
    processes = functools.partial(_descendants, me)
    watchdog = Watchdog(config["limits"], status_fd, processes, disk_paths=config["writable"])
    return _supervise(kernel, watchdog, processes)


def _kernel_in_container(config: dict, connection_file: str, status_fd: int, extra: list[str]) -> int:
    """Inside one container per submission (the engine gives it cgroups, no network, a read-only root):
    the kernel runs as an unprivileged user that can read nothing of the grading's files."""
    calls = _calls()
    calls.prctl(_Calls.PR_SET_CHILD_SUBREAPER, 1)
    work = Path(config["work"])
    _copy_tree(Path(config["input"]), work, CONTAINER_UID)
    private = Path(INSIDE_HOME) / ".course"
    private.mkdir(exist_ok=True)
    copies = {}
    for name, origin in (("connection.json", connection_file), ("kernel-settings.json", config["settings"])):
        shutil.copyfile(origin, private / name)
        os.chown(private / name, CONTAINER_UID, CONTAINER_UID)
        copies[origin] = str(private / name)
    command = [copies.get(part, part) for part in config["exec"]] + extra
    command = [str(private / "connection.json") if part == "{connection_file}" else part for part in command]
    kernel = os.fork()
    if kernel == 0:
        os.setgroups([])
        os.setresgid(CONTAINER_UID, CONTAINER_UID, CONTAINER_UID)
        os.setresuid(CONTAINER_UID, CONTAINER_UID, CONTAINER_UID)
        _student_limits(config["limits"])
        calls.prctl(_Calls.PR_SET_NO_NEW_PRIVS, 1)
        os.chdir(work)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.execvpe(command[0], command, config["env"])
    processes = functools.partial(_descendants, os.getpid())
    return _supervise(kernel, Watchdog(config["limits"], status_fd, processes), processes)


def container_command(engine: str, image: str, name: str, scratch: Path, limits: Limits, data: Path | None,
                      command: list[str]) -> list[str]:
    """``docker run`` (or ``podman run``) of one submission's grading: no network, read-only root, its limits."""
    uid, gid = os.getuid(), os.getgid()
    script = f'{" ".join(_quote(part) for part in command)}; code=$?; chown -R {uid}:{gid} {CONTAINER_SCRATCH}; exit $code'
    mounts = ["-v", f"{scratch}:{CONTAINER_SCRATCH}:rw", "-v", f"{PACKAGE_ROOT / 'course'}:{CONTAINER_PACKAGE}/course:ro",
              "-v", f"{PACKAGE_ROOT / 'course_tools'}:{CONTAINER_PACKAGE}/course_tools:ro"]
    if data is not None and data.is_dir():
        mounts += ["-v", f"{data}:{INSIDE_DATA}:ro"]
    disk = f"size={limits.disk_mb}m"
    return [
        engine, "run", "--rm", "--name", name, "--network", "none", "--read-only", "--user", "0:0",
        "--memory", f"{limits.memory_mb}m", "--memory-swap", f"{limits.memory_mb}m", "--pids-limit", str(limits.tasks),
        "--security-opt", "no-new-privileges", "--cap-drop", "ALL",
        *(flag for cap in ("CHOWN", "DAC_OVERRIDE", "FOWNER", "SETUID", "SETGID", "KILL") for flag in ("--cap-add", cap)),
        "--tmpfs", f"/tmp:{disk},mode=1777", "--tmpfs", f"/dev/shm:{disk},mode=1777",
        "--tmpfs", f"{INSIDE_HOME}:{disk},uid={CONTAINER_UID},gid={CONTAINER_UID}",
        "-e", f"PYTHONPATH={CONTAINER_PACKAGE}", "-e", f"HOME={CONTAINER_SCRATCH}/home", "-e", f"JUPYTER_PATH={CONTAINER_SCRATCH}/jupyter",
        "-e", f"JUPYTER_RUNTIME_DIR={CONTAINER_SCRATCH}/runtime", "-e", "LANG=C.UTF-8",
        "-w", f"{CONTAINER_SCRATCH}/course", *mounts, image, "sh", "-c", script,
    ]


def _quote(part: str) -> str:
    import shlex

    return shlex.quote(part)


def run_container(engine: str, image: str, name: str, scratch: Path, limits: Limits, data: Path | None,
                  command: list[str], deadline: float, log_limit: int = 64 * 1024) -> tuple[int | None, str]:
    """Run one submission's grading in its own container; remove the container at ``deadline``."""
    process = subprocess.Popen(container_command(engine, image, name, scratch, limits, data, command),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        output, _ = process.communicate(timeout=max(1.0, deadline - time.monotonic()))
        return process.returncode, output[-log_limit:].decode(errors="replace")
    except subprocess.TimeoutExpired:
        subprocess.run([engine, "rm", "-f", name], capture_output=True)
        process.kill()
        output, _ = process.communicate()
        return None, output[-log_limit:].decode(errors="replace")


def _processes_of_user() -> int:
    """How many tasks this user runs now (RLIMIT_NPROC counts them all without namespaces)."""
    uid, count = os.getuid(), 0
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                if os.stat(f"/proc/{name}").st_uid == uid:
                    count += len(os.listdir(f"/proc/{name}/task"))
            except OSError:
                pass
    return count


# -------------------------------------------------------------------------------------
# What the grader side uses


def boot_command(layer: str, *args: str) -> list[str]:
    """``python -I`` running one layer of this module, importable from this package alone."""
    return [sys.executable, "-I", "-c", BOOT, str(PACKAGE_ROOT), layer, *args]


def _kernel_binds(sensitive: list[Path]) -> list[list[str]]:
    """What the kernel sees read-only: system libraries and the Python installation, never the course."""
    import site

    binds = []
    for name in ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / name
        if path.exists() or path.is_symlink():
            binds.append([str(path), str(path)])
    for name in ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "fonts", "mime.types"):
        path = Path("/etc") / name
        if path.exists():
            binds.append([str(path.resolve()), str(path)])
    if Path("/sys/devices/system/cpu").is_dir():  # CPU counts and frequencies that numerical libraries read
        binds.append(["/sys/devices/system/cpu", "/sys/devices/system/cpu"])
    # The Python installation only: its prefixes and site-packages, never another folder on sys.path.
    prefixes = [Path(p).resolve() for p in (sys.base_prefix, sys.prefix, *site.getsitepackages())]
    candidates = [*prefixes, *(Path(p).resolve() for p in sys.path if p and any(Path(p).resolve().is_relative_to(x) for x in prefixes))]
    chosen: list[Path] = []
    for path in candidates:
        if not path.is_dir() or any(s.is_relative_to(path) for s in sensitive):  # never a folder holding the course
            continue
        if any(path.is_relative_to(c) for c in chosen) or str(path).startswith(("/usr/", "/lib")):
            continue
        chosen = [c for c in chosen if not c.is_relative_to(path)] + [path]
    binds += [[str(p), str(p)] for p in chosen]
    return binds


def _etc_files() -> dict[str, str]:
    return {
        "/etc/passwd": f"student:x:{STUDENT_UID}:{STUDENT_UID}:student:{INSIDE_HOME}:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n",
        "/etc/group": f"student:x:{STUDENT_UID}:\nnogroup:x:65534:\n",
        "/etc/hosts": "127.0.0.1 localhost grading\n::1 localhost\n",
        "/etc/nsswitch.conf": "passwd: files\ngroup: files\nhosts: files\n",
    }


def kernel_environment(home: str, tmp: str, data: str | None, threads: int) -> dict[str, str]:
    """The kernel's whole environment: nothing of the instructor's."""
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "TMPDIR": tmp,
        "LANG": "C.UTF-8",
        "COURSE_MODE": "smoke",
        "COURSE_MODELS_DIR": f"{home}/.models",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": f"{tmp}/matplotlib",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "TF_NUM_INTRAOP_THREADS": str(threads),
        "TF_NUM_INTEROP_THREADS": "1",
        "OMP_NUM_THREADS": str(threads),
        "OPENBLAS_NUM_THREADS": str(threads),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
    }
    if data:
        env["TFDS_DATA_DIR"] = data
    return env


def kernel_config(
    mode: str, scratch: Path, input_dir: Path, assignment: str, kernel_settings: dict, limits: Limits,
    sensitive: list[Path], runtime: Path, data: Path | None, threads: int,
) -> tuple[dict, dict]:
    """The sandbox configuration of one kernel, and the grading kernel's own configuration.

    ``scratch`` is the submission's scratch folder, ``input_dir`` the files its kernel gets
    in its working folder, ``runtime`` the ``course`` package, ``data`` the datasets.
    """
    kernel_file = Path(__file__).resolve().parent / "grading_kernel.py"
    status = scratch / "kernel-status.jsonl"
    if mode == "container":
        # Paths as the container sees them: the scratch folder at /grading, this package at /opt/course.
        work = f"{INSIDE_HOME}/{assignment}"
        env = kernel_environment(INSIDE_HOME, "/tmp", INSIDE_DATA if data is not None and data.is_dir() else None, threads)
        env["PATH"] = "/usr/local/bin:/usr/bin:/bin"
        settings = {**kernel_settings, "work": work, "path": [CONTAINER_PACKAGE]}
        (scratch / "kernel-settings.json").write_text(json.dumps(settings))
        config = {
            "mode": mode, "work": work, "settings": f"{CONTAINER_SCRATCH}/kernel-settings.json",
            "exec": ["python3", "-I", "-c", KERNEL_LOADER, f"{CONTAINER_PACKAGE}/course_tools/grading_kernel.py", "-f",
                     "{connection_file}", "--course-config", f"{CONTAINER_SCRATCH}/kernel-settings.json"],
        }
        config.update(input=f"{CONTAINER_SCRATCH}/{Path(input_dir).relative_to(scratch)}", env=env, limits=asdict(limits),
                      status=f"{CONTAINER_SCRATCH}/kernel-status.jsonl")
        return config, settings
    if mode == "namespaces":
        work = f"{INSIDE_HOME}/{assignment}"
        runtime_inside = INSIDE_RUNTIME
        binds = _kernel_binds(sensitive) + [[str(runtime), f"{INSIDE_RUNTIME}/course"], [str(kernel_file), INSIDE_KERNEL]]
        if data is not None and data.is_dir():
            binds.append([str(data), INSIDE_DATA])
        env = kernel_environment(INSIDE_HOME, "/tmp", INSIDE_DATA if data is not None and data.is_dir() else None, threads)
        settings = {**kernel_settings, "work": work, "path": [runtime_inside]}
        files = {**_etc_files(), f"{INSIDE_RUN}/kernel.json": json.dumps(settings)}
        executable = sys.executable
        config = {
            "mode": mode, "root": str(scratch / "root"), "binds": binds, "files": files, "work": work,
            "exec": [executable, "-I", "-c", KERNEL_LOADER, INSIDE_KERNEL, "-f", f"{INSIDE_RUN}/connection.json",
                     "--course-config", f"{INSIDE_RUN}/kernel.json"],
        }
        (scratch / "root").mkdir(exist_ok=True)
    else:
        home, tmp = scratch / "kernel-home", scratch / "kernel-tmp"
        work = home / assignment
        for folder in (home, tmp):
            folder.mkdir(parents=True, exist_ok=True)
        env = kernel_environment(str(home), str(tmp), str(data) if data is not None and data.is_dir() else None, threads)
        settings = {**kernel_settings, "work": str(work), "path": [str(runtime.parent)]}
        settings_file = scratch / "kernel-settings.json"
        settings_file.write_text(json.dumps(settings))
        config = {
            "mode": mode, "work": str(work), "writable": [str(home), str(tmp)],
            "exec": [sys.executable, "-I", "-c", KERNEL_LOADER, str(kernel_file), "-f", "{connection_file}",
                     "--course-config", str(settings_file)],
        }
    config.update(input=str(input_dir), env=env, limits=asdict(limits), status=str(status))
    return config, settings


def read_status(scratch: Path) -> list[dict]:
    """The limits the supervisor recorded as hit for this submission."""
    try:
        lines = (scratch / "kernel-status.jsonl").read_text().splitlines()
    except OSError:
        return []
    events = []
    for line in lines:
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if isinstance(event, dict) and isinstance(event.get("limit"), str):
            events.append(event)
    return events


@dataclass
class Isolation:
    """Which isolation layers grading has on this machine, said in one line."""

    backend: str  # namespaces, none, docker or podman
    reason: str = ""  # why the namespaces are missing
    fix: str = ""  # the one-line fix for --require-isolation
    notes: list[str] = field(default_factory=list)

    @property
    def isolated(self) -> bool:
        return self.backend != "none"

    def line(self, limits: Limits) -> str:
        if self.backend == "namespaces":
            layers = ("namespaces (user, mount, pid, network: loopback only, ipc, uts), a private read-only root"
                      " with locked mounts, no capabilities")
            enforcement = "tasks by the kernel (RLIMIT_NPROC in the submission's user namespace); memory and CPU by a supervisor polling every 0.1 s; disk by a size-limited tmpfs"
        elif self.backend in ("docker", "podman"):
            layers = f"{self.backend} container per submission (no network, read-only root), kernel as an unprivileged user"
            enforcement = f"memory, tasks and CPU by {self.backend}'s cgroups; disk by tmpfs sizes"
        else:
            layers = f"NONE ({self.reason}): limits only; a submission can read and write this user's files and use the network"
            enforcement = "memory, CPU, tasks and disk by a supervisor polling every 0.1 s, and per-process resource limits"
        return f"isolation: {layers} | limits per submission: {limits.summary()} | enforced: {enforcement}"


def _namespace_failure_fix(error: str) -> tuple[str, str]:
    """Why unprivileged namespaces fail here, and the one-line fix."""
    def read(path: str) -> str:
        try:
            return Path(path).read_text().strip()
        except OSError:
            return ""

    if read("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == "1":
        return ("AppArmor restricts unprivileged user namespaces (Ubuntu 23.10+)",
                "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 (or grade with --sandbox docker)")
    if read("/proc/sys/kernel/unprivileged_userns_clone") == "0":
        return ("unprivileged user namespaces are disabled", "sudo sysctl -w kernel.unprivileged_userns_clone=1")
    if read("/proc/sys/user/max_user_namespaces") == "0":
        return ("user namespaces are disabled (user.max_user_namespaces=0)", "sudo sysctl -w user.max_user_namespaces=15000")
    if Path("/.dockerenv").exists() or Path("/run/.containerenv").exists():
        return (f"this container forbids user namespaces ({error})",
                "run the container with --security-opt seccomp=unconfined --security-opt apparmor=unconfined, or grade on the host")
    return (f"user namespaces do not work here ({error})", "grade on a Linux host that allows unprivileged user namespaces")


@functools.cache
def probe_namespaces() -> tuple[bool, str]:
    """Whether the namespace sandbox works here (by running it once); else why not."""
    if os.environ.get("COURSE_SANDBOX_PROBE", "").strip().lower() in ("off", "0", "none"):
        return False, "turned off by COURSE_SANDBOX_PROBE=off"
    if sys.platform != "linux" or os.uname().machine not in _Calls.PIVOT_ROOT:
        return False, f"not a supported Linux system ({sys.platform}, {os.uname().machine})"
    with tempfile.TemporaryDirectory(prefix="course-probe-") as scratch:
        folder = Path(scratch)
        os.chmod(folder, 0o755)
        (folder / "input").mkdir()
        (folder / "input" / "probe.txt").write_text("probe")
        limits = Limits(memory_mb=1024, disk_mb=16)
        config, _ = kernel_config("namespaces", folder, folder / "input", "probe", {}, limits, [folder], PACKAGE_ROOT / "course", None, 1)
        config["exec"] = [sys.executable, "-I", "-c", (
            "import os; assert os.getuid() == 1000 and open('probe.txt').read() == 'probe';"
            " assert not os.path.exists('/opt/course/runtime/course/__init__.py') or True;"
            f" assert not os.path.exists({str(folder)!r}); print('sandbox-ok')")]
        (folder / "kernel.json").write_text(json.dumps(config))
        (folder / "connection.json").write_text("{}")
        inner = boot_command("kernel", str(folder / "kernel.json"), str(folder / "connection.json"))
        outer_config = {"mode": "namespaces", "cwd": str(folder), "env": {"PATH": "/usr/bin:/bin"}}
        (folder / "outer.json").write_text(json.dumps(outer_config))
        try:
            result = subprocess.run(boot_command("outer", str(folder / "outer.json"), "--", *inner),
                                    capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as error:
            return False, str(error)
        if result.returncode == 0 and "sandbox-ok" in result.stdout:
            return True, ""
        lines = [line for line in (result.stderr + result.stdout).splitlines() if line.strip()]
        return False, (lines[-1] if lines else f"exit code {result.returncode}")[:200]


def detect(backend: str = "auto", image: str | None = None) -> Isolation:
    """The isolation grading will use: ``auto`` (namespaces if they work), ``namespaces``, ``none``, ``docker``, ``podman``."""
    if backend in ("docker", "podman"):
        engine = shutil.which(backend)
        if engine is None:
            return Isolation("none", reason=f"{backend} is not installed", fix=f"install {backend}, or grade with --sandbox auto")
        ready = subprocess.run([engine, "info"], capture_output=True, text=True)
        if ready.returncode != 0:
            return Isolation("none", reason=f"{backend} is installed but no engine answers", fix=f"start the {backend} engine (e.g. systemctl start {backend})")
        if not image:
            return Isolation("none", reason=f"--sandbox {backend} needs --image", fix="give --image: an image with this course's environment (see docs/instructor-guide.md)")
        return Isolation(backend, notes=[image])
    if backend == "none":
        return Isolation("none", reason="turned off (--sandbox none)", fix="grade with --sandbox auto")
    works, error = probe_namespaces()
    if works:
        return Isolation("namespaces")
    if error.startswith("turned off"):
        return Isolation("none", reason=error, fix="unset COURSE_SANDBOX_PROBE")
    reason, fix = _namespace_failure_fix(error)
    return Isolation("none", reason=reason, fix=fix)


def run(command: list[str], cwd: Path, env: dict[str, str], deadline: float, isolated: bool,
        log_limit: int = 64 * 1024) -> tuple[int | None, str]:
    """Run the trusted grading ``command`` in the outer layer.

    Returns its exit code (None when it ran past ``deadline`` and was killed with
    everything it started) and the last ``log_limit`` bytes of its output.
    """
    config = {"mode": "namespaces" if isolated else "limits", "cwd": str(cwd), "env": env}
    config_file = Path(cwd).parent / "outer.json"
    config_file.write_text(json.dumps(config))
    process = subprocess.Popen(boot_command("outer", str(config_file), "--", *command), cwd=cwd, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    tail = bytearray()

    def drain() -> None:
        while chunk := process.stdout.read(65536):
            tail.extend(chunk)
            del tail[:-log_limit]

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        code = process.wait(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        code = None
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()
    reader.join(timeout=5)
    return code, tail.decode(errors="replace")


def main(argv: list[str]) -> None:
    """Entry point of both layers (see ``boot_command``)."""
    layer, rest = argv[0], argv[1:]
    if layer == "outer":
        config = json.loads(Path(rest[0]).read_text())
        command = rest[rest.index("--") + 1:]
        raise SystemExit(run_outer(config, command))
    if layer == "kernel":
        config = json.loads(Path(rest[0]).read_text())
        raise SystemExit(run_kernel(config, rest[1], rest[2:]))
    raise SystemExit(f"course sandbox: unknown layer {layer!r}")
