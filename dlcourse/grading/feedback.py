"""``dlcourse feedback A``: autograded → feedback/<student>/A/*.html, hidden tests redacted, rubrics removed.

nbgrader generate_feedback runs with :class:`~dlcourse.grading.preprocessors.RemoveRubrics` and
:class:`~dlcourse.grading.preprocessors.RedactHiddenTests` in its pipeline; afterwards every HTML file is checked
for hidden-test lines and rubric lines, and a file that still shows one fails the command (hidden tests and the
grader's rubric stay hidden).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat

from dlcourse.grading import nbgrader_bridge, rubric
from dlcourse.grading.course import Course
from dlcourse.grading.leakcheck import normalized

MIN_CHARS = 20  # shorter hidden-test lines could be anyone's code


def hidden_lines(source: Path) -> set[str]:
    """Normalized lines that, in a source notebook, exist only inside hidden-test regions (and are long
    enough to be telling)."""
    inside, outside = set(), set()
    for cell in nbformat.read(source, as_version=4).cells:
        hidden = False
        for line in cell.source.split("\n"):
            if "BEGIN HIDDEN TESTS" in line:
                hidden = True
            elif "END HIDDEN TESTS" in line:
                hidden = False
            else:
                (inside if hidden else outside).add(normalized(line))
    return {line for line in inside - outside if len(line) >= MIN_CHARS}


def visible_lines(page: str) -> set[str]:
    """The lines a reader of the HTML sees: tags dropped, entities decoded, whitespace normalized."""
    return {normalized(line) for line in html.unescape(re.sub(r"<[^>]+>", "", page)).splitlines()}


def visible_text(page: str) -> str:
    return " ".join(sorted(visible_lines(page)))


def feedback(*, assignment: str, course: Course, echo=print) -> list[Path]:
    """Generate (again) the feedback of every autograded submission of ``assignment``; return the files."""
    if not any(course.autograded.glob(f"*/{assignment}/*.ipynb")):
        raise FileNotFoundError(f"nothing autograded for {assignment}; run `dlcourse grade {assignment}` first")
    run = nbgrader_bridge.generate_feedback(nbgrader_bridge.course_config(course), assignment=assignment)
    if not run.ok:
        raise RuntimeError(f"nbgrader generate_feedback {assignment} failed: {run.error}")
    sources = sorted(course.source_dir(assignment).glob("*.ipynb"))
    secrets = {line for src in sources for line in hidden_lines(src)}
    rubrics = {line for src in sources for line in rubric.rubric_lines(src)}
    pages = sorted(course.feedback.glob(f"*/{assignment}/*.html"))
    for page in pages:
        text = page.read_text(encoding="utf-8")
        shown = sorted(secrets & visible_lines(text))
        if shown:
            raise RuntimeError(f"{page} shows hidden-test source ({shown[0][:60]!r}); feedback not safe to return")
        shown = rubric.shown_lines(text, rubrics)
        if shown:
            raise RuntimeError(f"{page} shows the grader's rubric ({shown[0][:60]!r}); feedback not safe to return")
    echo(f"feedback for {assignment}: {len(pages)} HTML files in {course.feedback} "
         "(hidden tests redacted, rubrics removed)")
    return pages


BUNDLES = ("folders", "moodle", "canvas")
NO_BUNDLE = {
    "blackboard": "Blackboard Learn has no known bulk upload of feedback files (they are attached one attempt at a "
                  "time in its grading page); use `--lms folders` (one folder per student_id) and attach the pages "
                  "from there",
}


def check_bundle_lms(lms: str) -> None:
    """Raise ValueError (one line: why, and what to do instead) unless a bundle can be made for ``lms``."""
    if lms in NO_BUNDLE:
        raise ValueError(NO_BUNDLE[lms])
    if lms not in BUNDLES:
        raise ValueError(f"no bulk feedback upload format for {lms}; one of {', '.join(BUNDLES)}")


def bundle(*, assignment: str, course: Course, lms: str = "folders", echo=print) -> Path:
    """One zip of every feedback page of ``assignment``, named for the LMS's bulk upload.

    - ``moodle`` ("Upload multiple feedback files in a zip"): ``<Full Name>_<participant id>_assignsubmission_file_
      <page>``, the participant id from collect --lms moodle (the manifest) or the roster's ``lms_id``.
    - ``canvas`` (the assignment page's "Re-Upload Submissions"): ``<prefix>_<page>``, the prefix being the name
      Canvas gave the student's graded file in "Download Submissions" up to its file id
      (``<lastfirst>[_LATE]_<user id>_<file id>``, kept by collect --lms canvas). Source: canvas-lms
      (github.com/instructure/canvas-lms), app/models/abstract_assignment.rb: ``generate_comments_from_files`` unzips
      the upload and ``infer_comment_context_from_filename`` splits each base name at ``_``, drops ``LATE``, takes
      the first two all-digit pieces as the user id and the id of a file (attachment), and ignores the file unless
      that attachment is part of the user's current submission (a student who submitted again after the download is
      ignored), or when its last piece starts with ``link`` or its name with ``._``. Each student's files become one
      submission comment ("See attached file"); lib/file_in_context.rb gives each attachment the display name of
      the student's own file and a content type from the uploaded name (``.html``). lib/content_zipper.rb writes
      the download names. Underscores in ``<page>`` become ``-``, so its last piece never reads as ``link…``.
    - ``folders``: ``<student_id>/<page>``.

    Students without the LMS's id are left out and named. Blackboard is refused (:data:`NO_BUNDLE`).
    """
    import zipfile

    from dlcourse.grading.inbox import read_manifest
    from dlcourse.grading.roster import course_roster

    check_bundle_lms(lms)
    pages = sorted(course.feedback.glob(f"*/{assignment}/*.html"))
    if not pages:
        raise FileNotFoundError(f"no feedback for {assignment}; run `dlcourse feedback {assignment}` first")
    roster = course_roster(course)
    names = {s.student_id: s.name for s in roster.students} if roster else {}
    manifest = read_manifest(course.inbox, assignment).values()
    lms_ids = {s.student_id: s.lms_id for s in roster.students if s.lms_id} if roster else {}
    lms_ids.update({e.student: e.lms_id for e in manifest if e.lms_id})
    prefixes = {(e.student, e.notebook[:-6]): e.lms_prefix for e in manifest if e.lms_prefix}
    out = course.feedback / f"{assignment}-feedback-{lms}.zip"
    left_out = []
    with zipfile.ZipFile(out.with_suffix(".tmp"), "w", zipfile.ZIP_DEFLATED) as zf:
        for page in pages:
            student = page.parent.parent.name
            if lms == "folders":
                zf.write(page, f"{student}/{page.name}")
            elif lms == "canvas":
                # the prefix of this page's notebook, else of any file of the student's (Canvas accepts either)
                prefix = prefixes.get((student, page.stem)) or next(
                    (p for (s, _), p in sorted(prefixes.items()) if s == student), "")
                if prefix:
                    zf.write(page, f"{prefix}_{page.name.replace('_', '-')}")
                else:
                    left_out.append(student)
            elif student in lms_ids:
                name = names.get(student, student).replace("_", " ")
                zf.write(page, f"{name}_{lms_ids[student]}_assignsubmission_file_{page.name}")
            else:
                left_out.append(student)
    out.with_suffix(".tmp").replace(out)
    where = "Canvas file names from collect --lms canvas" if lms == "canvas" else f"{lms} id in the manifest or roster"
    echo(f"feedback bundle for {lms}: {len(pages) - len(left_out)} files in {out}"
         + (f"; left out (no {where}): {', '.join(sorted(set(left_out)))}" if left_out else ""))
    return out
