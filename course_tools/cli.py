"""The instructor commands of ``python -m course``: ``build``, ``grade`` and ``bench``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from course.config import ROOT

BENCH_SECTIONS = ("mnist", "cifar10", "notebooks", "grading")  # course_tools.bench's order; named here to keep the CLI quick to load


def ERRORS() -> list[type[Exception]]:
    """The one-line errors of the instructor tools (imported only when a command fails)."""
    from course_tools.build import BuildError
    from course_tools.grading import GradingError

    return [BuildError, GradingError]


def _build(args) -> int:
    from course_tools.build import build

    report = build(check=args.check, only=args.only)
    if args.check:
        if report.stale:
            print("out of date (run `make course` and commit):", *report.stale, sep="\n  ")
            return 1
        print(f"up to date: {len(report.assignments)} assignment(s), their .ipynb and release/")
        return 0
    print(f"built {len(report.assignments)} assignment(s): {', '.join(report.assignments) or 'none'}")
    print(f"  {len(report.written)} file(s) written" + "".join(f"\n  wrote {name}" for name in report.written))
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
    course = grading.Course(args.course_dir)
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
    build.set_defaults(run=_build)

    grade = commands.add_parser("grade", help="autograde submissions, write feedback and a CSV of scores")
    grade.add_argument("assignment")
    grade.add_argument("--submissions", type=Path, help="a zip or folder of notebooks to import into submitted/")
    grade.add_argument("--jobs", type=int, default=1, help="submissions graded at once (0: one per CPU)")
    grade.add_argument("--cell-timeout", type=int, default=300, help="seconds one cell may run")
    grade.add_argument("--notebook-timeout", type=int, default=900, help="seconds one submission may take in all")
    grade.add_argument("--memory-mb", type=int, default=8192, help="memory one submission may allocate (0: no limit)")
    grade.add_argument("--force", action="store_true", help="regrade submissions that have not changed")
    grade.add_argument("--course-dir", type=Path, default=ROOT, help="the course folder (default: this repository)")
    grade.set_defaults(run=_grade)

    bench = commands.add_parser("bench", help="measure training, notebook and grading speed; print a table, write JSON")
    bench.add_argument("--quick", action="store_true", help="every code path on tiny sizes, in about a minute (CI)")
    bench.add_argument("--full", action="store_true", help="also run every notebook in full mode")
    bench.add_argument("--output", type=Path, default=ROOT / "bench" / "results.json", help="the JSON file to write")
    bench.add_argument("--only", action="append", choices=BENCH_SECTIONS, help="run only this section (repeatable)")
    bench.set_defaults(run=_bench)
