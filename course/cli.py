"""Command line: ``python -m course data`` for everyone; ``build``, ``grade``, ``bench`` with the instructor tools."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

INSTRUCTOR_COMMANDS = ("build", "grade", "bench")


class CommandError(Exception):
    """A command that cannot run, explained in one line."""


def _data(args) -> int:
    from course import data

    if args.only:
        names = [args.only]
    elif args.source is not None:
        names = data.identify(args.source)  # prepare what the files hold, not every dataset from them
    else:
        names = list(data.SPECS)
    for name in names:
        state = data.prepare(name, source=args.source, allow_download=not args.offline)
        print(state.line())
        if state.synthetic:
            print(f"{'':8s} WARNING: {name} is a synthetic stand-in; give the real archive with --from PATH")
    return 0


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
    data.set_defaults(run=_data)

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
