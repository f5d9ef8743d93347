"""The instructor side: autograding around real nbgrader
(``dlcourse release|roster|collect|grade|feedback|similarity|export|demo``).

The pipeline, one module per step (folders in :mod:`~dlcourse.grading.course`; guide in autograde/README.md)::

    roster    autograde/roster.csv → the gradebook's students
    release   solutions/A → assignments/A (nbgrader generate_assignment) + leakcheck; --publish
    collect   LMS zip/folder (lms: each LMS's names → roster students, timestamps) → inbox (originals,
              manifest) → repair → submitted/<student>/A (+ nbgrader's timestamp.txt)
    grade     submitted → one sandboxed process per submission (execute, sandbox, watchdog; deadlines: due
              date, extension, LatePolicy) → gradebook (merge) → autograded/ (saved: the student's outputs
              back for manual grading; rubric: the source's rubric above each manually graded cell),
              reports/A.{json,md,png} (report); suspicious → flags
    feedback  autograded → feedback/<student>/A/*.html, hidden tests redacted, rubrics removed; --bundle
    similarity submitted → reports/A-similarity.{json,html} (copydetect on answer cells; never scores)
    export    gradebook.db + roster → grades.csv (every student × assignment, status), totals.csv, --lms
    demo      a course of its own in build/demo (made-up roster, due date, extension, submission times) →
              collect + grade + feedback + similarity + export on autograde/examples/ (written by samples)

nbgrader_bridge is the only module that configures nbgrader; preprocessors holds the nbgrader
preprocessors this course adds. The student side of ``dlcourse`` never imports this package.
"""
