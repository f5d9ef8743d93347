"""``dlcourse demo``: the instructor's embedded default. Collect the sample submissions in
autograde/examples/a3_char_rnn/, grade them, write feedback, the similarity report (the samples are variants of
one solution, so they score high) and print the grade table. Offline, on a CPU;
in the sandbox when bubblewrap works here, otherwise without one (and says so).
"""

from __future__ import annotations

from dlcourse.grading.collect import collect
from dlcourse.grading.course import Course
from dlcourse.grading.feedback import feedback
from dlcourse.grading.grade import grade
from dlcourse.grading.report import Row, table
from dlcourse.grading.sandbox import sandbox_problem
from dlcourse.grading.similarity import similarity

DEMO_ASSIGNMENT = "a3_char_rnn"


def demo(*, course: Course, assignment: str = DEMO_ASSIGNMENT, jobs: int | None = None, echo=print) -> list[Row]:
    examples = course.examples / assignment
    if not any(examples.glob("*.ipynb")):
        raise FileNotFoundError(f"no sample submissions in {examples}")
    collect(source=examples, assignment=assignment, course=course, echo=echo)
    problem = sandbox_problem()
    if problem:
        echo(f"no sandbox for the demo: {problem}")
    rows = grade(assignment=assignment, course=course, jobs=jobs, sandbox=problem is None, echo=echo)
    feedback(assignment=assignment, course=course, echo=echo)
    similarity(assignment=assignment, course=course, echo=echo)
    echo("")
    echo(table(rows))
    return rows
