"""nbgrader settings for students: what the Validate button and `nbgrader validate` use.

Validation runs the notebook in smoke mode (tiny slices of the data, as grading does):
the course switches to it whenever nbgrader executes a notebook.
"""

c = get_config()  # noqa: F821 - provided by nbgrader

c.CourseDirectory.course_id = "cnn-course"
c.Execute.timeout = 300
c.Execute.interrupt_on_timeout = True
# The kernel's own warning about unencrypted local TCP is not for students.
c.Execute.extra_arguments = ["--IPKernelApp.log_level=ERROR"]
