"""The instructor side: autograding around real nbgrader (``dlcourse release|collect|grade|feedback|export|demo``).

The pipeline, one module per step (folders in :mod:`~dlcourse.grading.course`; guide in autograde/README.md)::

    release   solutions/A → assignments/A (nbgrader generate_assignment) + leakcheck; --publish
    collect   LMS zip/folder → inbox (originals, manifest) → repair → submitted/<student>/A
    grade     submitted → one sandboxed process per submission (execute, sandbox, watchdog)
              → gradebook (merge) → autograded/, reports/A.{json,md,png} (report); suspicious → flags
    feedback  autograded → feedback/<student>/A/*.html, hidden tests redacted
    export    gradebook.db → grades.csv
    demo      collect + grade + feedback on autograde/examples/ (written by samples)

nbgrader_bridge is the only module that configures nbgrader; preprocessors holds the nbgrader
preprocessors this course adds. The student side of ``dlcourse`` never imports this package.
"""
