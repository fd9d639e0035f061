"""nbgrader settings for the course (see README, "For instructors")."""

c = get_config()  # noqa: F821 - provided by nbgrader

c.CourseDirectory.course_id = "cnn-course"
# The Jupytext .md sources (and any README) never reach release/; data files and images do.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".*", "*.md"]
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
# Grading executes notebooks in smoke mode; per-cell limit in seconds (whole-notebook limit: course grade).
c.Execute.timeout = 300
c.Execute.interrupt_on_timeout = True
# Output a submission may keep per cell in the graded notebook and its feedback.
c.LimitOutput.max_lines = 1000
c.LimitOutput.max_traceback = 100

# `course build` writes release/ (committed; the student kit ships it). nbgrader's own
# generate_assignment (formgrader's Generate button, the command) writes nbgrader-release/,
# which is what nbgrader's exchange releases to JupyterHub students: it never touches release/.
c.CourseDirectory.release_directory = "nbgrader-release"
# Both end with the course's student version: no Jupytext pairing, a release fingerprint.
from nbgrader.converters import GenerateAssignment  # noqa: E402

_defaults = GenerateAssignment.class_traits()["preprocessors"].default()
c.GenerateAssignment.preprocessors = [*_defaults, "course_tools.release.StudentVersion"]
