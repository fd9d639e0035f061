"""nbgrader settings for the course (see README, "For instructors")."""

c = get_config()  # noqa: F821 - provided by nbgrader

c.CourseDirectory.course_id = "cnn-course"
# The Jupytext .md sources (and any README) never reach release/; data files and images do.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".*", "*.md"]
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
# The per-cell limit of `nbgrader validate`. `course grade` does not read these: it sets every
# limit of a submission from course_tools.sandbox.Limits (the one place for their defaults).
c.Execute.timeout = 300
c.Execute.interrupt_on_timeout = True
# Feedback made by formgrader's button is the same as `course feedback`'s: exercise titles,
# "awaiting hand grading", graders' comments, and no mark scheme.
try:
    from course_tools.feedback import configure
except ImportError:  # a copy without the instructor tools
    pass
else:
    configure(c)

# `course build` writes release/ (committed; the student kit ships it). nbgrader's own
# generate_assignment (formgrader's Generate button, the command) writes nbgrader-release/,
# which is what nbgrader's exchange releases to JupyterHub students: it never touches release/.
c.CourseDirectory.release_directory = "nbgrader-release"
# Both end with the course's student version: no Jupytext pairing, a release fingerprint.
from nbgrader.converters import GenerateAssignment  # noqa: E402

_defaults = GenerateAssignment.class_traits()["preprocessors"].default()
c.GenerateAssignment.preprocessors = [*_defaults, "course_tools.release.StudentVersion"]
