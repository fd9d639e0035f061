"""Command line: ``data``, ``work`` and ``lab`` for everyone; ``build``, ``grade``, ``kit``, ``bench`` with the instructor tools."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

INSTRUCTOR_COMMANDS = ("build", "grade", "kit", "bench")
JUPYTER_CONFIG_FOLDER = "jupyter-config"  # the course folder's Jupyter settings, used by `course lab`


class CommandError(Exception):
    """A command that cannot run, explained in one line."""


def _course_dir(args) -> Path:
    from course.config import course_dir

    return Path(args.course_dir).resolve() if args.course_dir else course_dir()


def _data(args) -> int:
    from course import data

    if args.only:
        names = [args.only]
    elif args.source is not None:
        names = data.identify(args.source)  # prepare what the files hold, not every dataset from them
    else:
        names = list(data.SPECS)
    for name in names:
        state = data.status(name)
        if not (args.if_missing and state.ready and args.source is None):
            state = data.prepare(name, source=args.source, allow_download=not args.offline)
        print(state.line())
        if state.synthetic:
            print(
                f"{'':8s} WARNING: {name} is a synthetic stand-in; give the real archive with"
                " `python -m course data --from PATH` (or run `python -m course data` where TFDS can download)"
            )
    return 0


def _work(args) -> int:
    from course import work

    root = _course_dir(args)
    if not work.released_assignments(root):
        raise CommandError(f"no release/<assignment>/<assignment>.ipynb in {root}; run this in the course folder")
    lines = work.update(root, only=args.assignment)
    print("\n".join(lines) if lines else "work/: every assignment has its copy; nothing written")
    return 0


def lab_environment(root: Path) -> dict[str, str]:
    """The environment JupyterLab needs: this interpreter's scripts first on PATH (nbgrader
    runs ``alembic``), and the course folder's Jupyter settings on the config path, after
    any already there (a JupyterHub's own settings win)."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    settings = root / JUPYTER_CONFIG_FOLDER
    if settings.is_dir():
        env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(p for p in [env.get("JUPYTER_CONFIG_PATH", ""), str(settings)] if p)
    return env


def _lab(args) -> int:
    from course import work

    root = _course_dir(args)
    for line in work.update(root):
        print(line)
    try:
        from course_tools.lab import before_lab
    except ImportError:
        pass
    else:
        before_lab(root)
    extra = args.jupyter_args[1:] if args.jupyter_args[:1] == ["--"] else args.jupyter_args
    command = [sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={root}", *extra]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--ServerApp.allow_root=True")  # containers often run as root; Jupyter refuses it otherwise
    os.chdir(root)
    sys.stdout.flush()
    os.execve(sys.executable, command, lab_environment(root))
    return 0  # not reached: JupyterLab replaces this process


def _missing_tools(args) -> int:
    raise CommandError(
        f"`{args.command}` is an instructor command and the instructor tools are not installed"
        " (pip install -e '.[instructor]' in the course repository)"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m course", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    data = commands.add_parser("data", help="prepare MNIST and CIFAR-10 for tfds.load, offline first")
    data.add_argument("--from", dest="source", type=Path, help="a folder or archive with the original files (MNIST IDX files, a CIFAR-10 archive or batch folder); without --only, prepares the datasets it holds")
    data.add_argument("--only", choices=["mnist", "cifar10"], help="prepare one dataset")
    data.add_argument("--offline", action="store_true", help="never use the network")
    data.add_argument("--if-missing", action="store_true", help="prepare only what is not ready (a synthetic stand-in counts as ready)")
    data.set_defaults(run=_data)

    course_dir_help = "the course folder (default: the one holding the working directory)"
    work = commands.add_parser("work", help="make your copy work/<assignment>/ of each released assignment (never overwrites)")
    work.add_argument("assignment", nargs="*", help="only these assignments")
    work.add_argument("--course-dir", type=Path, help=course_dir_help)
    work.set_defaults(run=_work)

    lab = commands.add_parser("lab", help="make your work/ copies, then open JupyterLab on the course folder")
    lab.add_argument("--course-dir", type=Path, help=course_dir_help)
    lab.add_argument("jupyter_args", nargs=argparse.REMAINDER, help="passed to `jupyter lab` (after --)")
    lab.set_defaults(run=_lab)

    try:
        from course_tools.cli import add_commands
    except ImportError:
        for name in INSTRUCTOR_COMMANDS:
            commands.add_parser(name, help="instructor command (not installed)").set_defaults(run=_missing_tools)
    else:
        add_commands(commands)
    return parser


def _known_errors() -> tuple[type[Exception], ...]:
    from course.data import DataError

    errors: list[type[Exception]] = [CommandError, DataError]
    try:
        from course_tools.cli import ERRORS
    except ImportError:
        pass
    else:
        errors += ERRORS()
    return tuple(errors)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except _known_errors() as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: nothing half-written was kept; run the command again", file=sys.stderr)
        return 130
