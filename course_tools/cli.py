"""The instructor commands of ``python -m course``: ``build``, ``grade``, ``kit`` and ``bench``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from course.config import course_dir

COURSE_DIR_HELP = "the course folder (default: the one holding the working directory)"
BENCH_SECTIONS = ("mnist", "cifar10", "notebooks", "grading")  # course_tools.bench's order; named here to keep the CLI quick to load


def ERRORS() -> list[type[Exception]]:
    """The one-line errors of the instructor tools (imported only when a command fails)."""
    from course_tools.build import BuildError
    from course_tools.grading import GradingError
    from course_tools.kit import KitError

    return [BuildError, GradingError, KitError]


def _build(args) -> int:
    from course_tools.build import build

    report = build(args.course_dir, check=args.check, only=args.only, progress=True)
    if args.check:
        if report.stale:
            print("out of date (run `make course` and commit):", *report.stale, sep="\n  ")
            return 1
        print(f"up to date: {len(report.assignments)} assignment(s), their .ipynb and release/")
        return 0
    print(
        f"built {len(report.assignments)} assignment(s) ({', '.join(report.assignments) or 'none'}):"
        f" {len(report.written)} file(s) written" + "".join(f"\n  wrote {name}" for name in report.written)
    )
    return 0


def _kit(args) -> int:
    from course_tools import kit

    written = kit.write_kit(args.output, root=args.course_dir, archive=args.zip, git=args.git)
    print(f"student kit: {written}")
    return 0


def _grade(args) -> int:
    from course_tools import grading

    limits = grading.Limits(
        cell_timeout=args.cell_timeout, notebook_timeout=args.notebook_timeout, memory_mb=args.memory_mb
    )
    jobs = args.jobs or os.cpu_count() or 1
    results = grading.grade(
        args.assignment, root=args.course_dir, submissions=args.submissions, jobs=jobs, limits=limits, force=args.force
    )
    print(grading.scores_table(results))
    course = grading.Course(args.course_dir or course_dir())
    print(f"\nscores: {course.scores_csv(args.assignment)}\nfeedback: {course.root / 'feedback'}")
    return 0


def _bench(args) -> int:
    from course_tools import bench

    report = bench.run(quick=args.quick, full=args.full, output=args.output, only=args.only)
    failed = bench.failures(report)
    if failed:
        print("failed:", ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


def add_commands(commands) -> None:
    """Add the instructor subcommands to ``python -m course``'s parser."""
    build = commands.add_parser("build", help="generate each .ipynb from its .md, and release/ with nbgrader")
    build.add_argument("--check", action="store_true", help="write nothing; exit 1 if anything is out of date")
    build.add_argument("--only", action="append", metavar="ASSIGNMENT", help="build one assignment (repeatable)")
    build.add_argument("--course-dir", type=Path, help=COURSE_DIR_HELP)
    build.set_defaults(run=_build)

    kit = commands.add_parser("kit", help="write the student kit: release notebooks, the runtime, set-up; no solutions")
    kit.add_argument("output", type=Path, help="the folder to write (must not exist); with --zip, OUTPUT.zip")
    kit.add_argument("--zip", action="store_true", help="write OUTPUT.zip instead of a folder")
    kit.add_argument("--git", action="store_true", help="make the folder a fresh git repository (one commit), to publish as a template")
    kit.add_argument("--course-dir", type=Path, help=COURSE_DIR_HELP)
    kit.set_defaults(run=_kit)

    grade = commands.add_parser("grade", help="autograde submissions, write feedback and a CSV of scores")
    grade.add_argument("assignment")
    grade.add_argument("--submissions", type=Path, help="a zip or folder of notebooks to import into submitted/")
    grade.add_argument("--jobs", type=int, default=1, help="submissions graded at once (0: one per CPU)")
    grade.add_argument("--cell-timeout", type=int, default=300, help="seconds one cell may run")
    grade.add_argument("--notebook-timeout", type=int, default=900, help="seconds one submission may take in all")
    grade.add_argument("--memory-mb", type=int, default=8192, help="memory one submission may allocate (0: no limit)")
    grade.add_argument("--force", action="store_true", help="regrade submissions that have not changed")
    grade.add_argument("--course-dir", type=Path, help=COURSE_DIR_HELP)
    grade.set_defaults(run=_grade)

    bench = commands.add_parser("bench", help="measure training, notebook and grading speed; print a table, write JSON")
    bench.add_argument("--quick", action="store_true", help="every code path on tiny sizes, in about a minute (CI)")
    bench.add_argument("--full", action="store_true", help="also run every notebook in full mode")
    bench.add_argument("--output", type=Path, default=Path("bench") / "results.json", help="the JSON file to write (default: bench/results.json)")
    bench.add_argument("--only", action="append", choices=BENCH_SECTIONS, help="run only this section (repeatable)")
    bench.set_defaults(run=_bench)
