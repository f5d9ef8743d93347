"""nbgrader's configuration for this course, for plain `nbgrader …` run from this folder (autograde/).

It is generated from the course settings ([tool.dlcourse] in pyproject.toml) by
dlcourse.grading.nbgrader_bridge.course_config — the same configuration `dlcourse release|grade|feedback|export`
use. Change settings there, not here: this file only loads them.

    cd autograde && nbgrader autograde a3_char_rnn     # plain nbgrader: no sandbox, no parallel jobs
"""

from dlcourse.grading.course import Course
from dlcourse.grading.nbgrader_bridge import course_config

c = get_config()  # noqa: F821 (nbgrader defines get_config while it reads this file)
c.merge(course_config(Course.default()))
