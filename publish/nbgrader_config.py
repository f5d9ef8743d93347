"""nbgrader for students: the Validate button in JupyterLab (`make lab` starts the server in this folder).

Validate runs the whole notebook the way grading does, with the same time limit per cell
(``grade_cell_timeout`` in pyproject.toml's ``[tool.dlcourse]``), and lists the test cells that fail.
There is no course directory, formgrader or gradebook here: .jupyter/ turns those parts of nbgrader off.
"""

from dlcourse.config import settings

c = get_config()  # noqa: F821 (nbgrader defines get_config while it reads this file)
# Importing TensorFlow alone can take longer than nbgrader's default of 30 s on a busy laptop.
c.Execute.timeout = settings().grade_cell_timeout
