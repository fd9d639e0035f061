"""nbgrader settings that only the instructor's JupyterLab reads (``python -m course lab``)."""

c = get_config()  # noqa: F821 - provided by nbgrader

# Formgrader shows each written answer's mark scheme (from source/) right under the answer.
c.HTMLExporter.preprocessors = ["course_tools.formgrade.ShowMarkSchemes"]
