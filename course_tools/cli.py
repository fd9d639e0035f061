"""The instructor commands of ``python -m course``: ``build``, ``kit``, ``grade``, ``collect``, ``feedback``, ``export``, ``bench``."""

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
    from course_tools.collect import CollectError
    from course_tools.grading import GradingError
    from course_tools.kit import KitError

    return [BuildError, CollectError, GradingError, KitError]


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


def _terminate_cleanly() -> None:
    """SIGTERM ends a grading run like Ctrl-C: scratch folders are removed, nothing half-written kept."""
    import signal

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)


def _limits(args):
    from course_tools.sandbox import Limits

    return Limits(**{name: getattr(args, name) for name in Limits.HELP})


def _grade(args) -> int:
    from course_tools import grading

    _terminate_cleanly()
    jobs = args.jobs or os.cpu_count() or 1
    results = grading.grade(
        args.assignment, root=args.course_dir, submissions=args.submissions, jobs=jobs, limits=_limits(args),
        force=args.force, sandbox_backend=args.sandbox, require_isolation=args.require_isolation, say=print, image=args.image,
    )
    print(grading.scores_table(results))
    course = grading.Course(args.course_dir or course_dir())
    print(f"\nscores: {course.scores_csv(args.assignment)}\nfeedback: {course.root / 'feedback'}")
    return 0


def _collect(args) -> int:
    from course_tools import collect, grading

    course = grading.Course(args.course_dir or course_dir())
    notebooks = course.notebook_names(args.assignment)
    report = collect.collect_lms(course.root, args.assignment, args.download, args.pattern, notebooks, grading.tool_env())
    print(report.line(str(args.download)))
    print(f"submissions: {course.root / 'submitted'} (grade them with `course grade {args.assignment}`)")
    return 0


def _feedback(args) -> int:
    from course_tools import collect, feedback, grading

    results = grading.feedback_only(args.assignment, root=args.course_dir, say=print, progress=True)
    course = grading.Course(args.course_dir or course_dir())
    if args.return_to:
        manifest = collect.load_manifest(course.root, args.assignment)
        bundle = feedback.return_feedback(course.root, args.assignment, [r.student for r in results], args.return_to, manifest)
        print(f"returned: {len(results)} student folder(s) in {args.return_to}, and {bundle}")
    print(grading.scores_table(results))
    print(f"\nscores: {course.scores_csv(args.assignment)}")
    return 0


def _export(args) -> int:
    from course_tools import collect, gradebook, grading

    course = grading.Course(args.course_dir or course_dir())
    results = grading.feedback_only(args.assignment, root=args.course_dir)
    students = [r.student for r in results]
    refs = grading.references(course, args.assignment)
    exercises = {gid: title for ref in refs.values() for gid, title in ref.exercises.items()}
    folder = args.output or course.exports(args.assignment)
    per_exercise = gradebook.export_exercises(course.gradebook, args.assignment, students, exercises, folder / "exercises.csv")
    lms = gradebook.export_lms(course.gradebook, args.assignment, students, collect.load_manifest(course.root, args.assignment),
                               folder / f"lms-{args.style}.csv", style=args.style)
    print(f"exported {len(students)} student(s): {per_exercise} (one row per exercise) and {lms} ({args.style})")
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

    from course_tools.sandbox import Limits

    defaults = Limits()
    grade = commands.add_parser("grade", help="autograde submissions in their sandboxes, write feedback and a CSV of scores")
    grade.add_argument("assignment")
    grade.add_argument("--submissions", type=Path, help="a zip or folder of notebooks to import into submitted/")
    grade.add_argument("--jobs", type=int, default=1, help="submissions graded at once (0: one per CPU)")
    for name, text in Limits.HELP.items():
        grade.add_argument(f"--{name.replace('_', '-')}", dest=name, type=int, default=getattr(defaults, name), help=f"{text} (default {getattr(defaults, name)})")
    grade.add_argument("--sandbox", choices=["auto", "namespaces", "none", "docker", "podman"], default="auto",
                       help="how submissions are isolated (auto: Linux namespaces where they work, else limits only)")
    grade.add_argument("--image", help="with --sandbox docker|podman: an image holding this course's environment")
    grade.add_argument("--require-isolation", action="store_true", help="refuse to grade without a sandbox (namespaces or a container)")
    grade.add_argument("--force", action="store_true", help="regrade submissions that have not changed (hand grades are kept)")
    grade.add_argument("--course-dir", type=Path, help=COURSE_DIR_HELP)
    grade.set_defaults(run=_grade)

    collect = commands.add_parser("collect", help="collect an LMS download (zip of notebooks) into submitted/ with nbgrader zip_collect")
    collect.add_argument("assignment")
    collect.add_argument("download", type=Path, help="the zip (or folder) the LMS gave")
    collect.add_argument("--pattern", default="canvas", help="canvas, moodle, or a regular expression with (?P<student_id>...) and (?P<file_id>...)")
    collect.add_argument("--course-dir", type=Path, help=COURSE_DIR_HELP)
    collect.set_defaults(run=_collect)

    feedback = commands.add_parser("feedback", help="re-read the gradebook (hand grades), rewrite feedback and scores, return feedback")
    feedback.add_argument("assignment")
    feedback.add_argument("--return-to", type=Path, help="also copy each student's feedback into this folder, and one zip")
    feedback.add_argument("--course-dir", type=Path, help=COURSE_DIR_HELP)
    feedback.set_defaults(run=_feedback)

    export = commands.add_parser("export", help="grades per exercise and as an LMS gradebook import (CSV)")
    export.add_argument("assignment")
    export.add_argument("--style", choices=["canvas", "plain"], default="canvas", help="the LMS CSV's columns")
    export.add_argument("--output", type=Path, help="the folder to write (default: exports/<assignment>/)")
    export.add_argument("--course-dir", type=Path, help=COURSE_DIR_HELP)
    export.set_defaults(run=_export)

    bench = commands.add_parser("bench", help="measure training, notebook and grading speed; print a table, write JSON")
    bench.add_argument("--quick", action="store_true", help="every code path on tiny sizes, in about a minute (CI)")
    bench.add_argument("--full", action="store_true", help="also run every notebook in full mode")
    bench.add_argument("--output", type=Path, default=Path("bench") / "results.json", help="the JSON file to write (default: bench/results.json)")
    bench.add_argument("--only", action="append", choices=BENCH_SECTIONS, help="run only this section (repeatable)")
    bench.set_defaults(run=_bench)
