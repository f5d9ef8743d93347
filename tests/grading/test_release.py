"""dlcourse release: nbgrader generate_assignment, the leak check, and --publish."""

from __future__ import annotations

import json

import nbformat
import pytest

from dlcourse.grading import leakcheck, nbgrader_bridge
from dlcourse.grading.release import LeakError, publish_tree, release
from tests.grading.conftest import quiet


def check(course):
    return leakcheck.check_release(source=course.source_dir("tiny"), release=course.release_dir("tiny"),
                                   instructor_only=("instructor", "*.instructor.*"))


def test_release_has_no_solution_hidden_test_or_output(released_tiny):
    text = (released_tiny.release_dir("tiny") / "tiny.ipynb").read_text()
    assert "return a + b" not in text and "HIDDEN_SENTINEL" not in text
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    assert "raise NotImplementedError()" in text
    assert check(released_tiny) == []


def test_release_is_safe_to_repeat(tiny):
    before = (tiny.release_dir("tiny") / "tiny.ipynb").read_bytes()
    lines = []
    release(course=tiny, echo=lines.append)
    assert (tiny.release_dir("tiny") / "tiny.ipynb").read_bytes() == before
    assert lines == ["released tiny: solutions/tiny → assignments/tiny (tiny.ipynb); leak check passed"]


def inject(course, edit):
    path = course.release_dir("tiny") / "tiny.ipynb"
    nb = nbformat.read(path, as_version=4)
    edit(nb)
    nbformat.write(nb, path)


HIDDEN_LINE = "\ngot = normalize([2, 3, 5])  # HIDDEN_SENTINEL_NORMALIZE"


@pytest.mark.parametrize("edit, expected", [
    (lambda nb: setattr(nb.cells[2], "source", nb.cells[2].source + "\n    return a + b"), "solution/hidden-test line"),
    (lambda nb: setattr(nb.cells[5], "source", nb.cells[5].source + HIDDEN_LINE), "solution/hidden-test line"),
    (lambda nb: setattr(nb.cells[3], "source", "### BEGIN HIDDEN TESTS\n### END HIDDEN TESTS"), "nbgrader marker"),
    (lambda nb: nb.cells[1].outputs.append(nbformat.v4.new_output("stream", text="hi")), "stored outputs"),
])
def test_leak_check_finds_injected_leaks(tiny, edit, expected):
    inject(tiny, edit)
    leaks = check(tiny)
    assert leaks and any(expected in str(leak) for leak in leaks), leaks


def test_instructor_only_files_are_neither_released_nor_allowed(tiny):
    (tiny.source_dir("tiny") / "answers.instructor.py").write_text("ANSWER = 42\n")
    release(course=tiny, echo=quiet)
    assert not (tiny.release_dir("tiny") / "answers.instructor.py").exists()
    (tiny.release_dir("tiny") / "answers.instructor.py").write_text("ANSWER = 42\n")
    assert any("instructor-only file" in str(leak) for leak in check(tiny))


def test_a_leak_fails_the_release_command(tiny, monkeypatch):
    generate = nbgrader_bridge.generate_assignment

    def leaky(config, *, assignment):  # as if nbgrader's ClearSolutions had been switched off
        run = generate(config, assignment=assignment)
        inject(tiny, lambda nb: setattr(nb.cells[2], "source", nb.cells[2].source + "\n    return a + b"))
        return run

    monkeypatch.setattr(nbgrader_bridge, "generate_assignment", leaky)
    lines = []
    with pytest.raises(LeakError, match="leak check failed for assignments/tiny: 1 problem"):
        release(course=tiny, echo=lines.append)
    assert lines and lines[0].startswith("LEAK ")


def test_publish_writes_the_student_repository(tiny, tmp_path):
    (tiny.root / "lectures").mkdir()
    (tiny.root / "lectures" / "01_rnn.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook()))
    (tiny.root / "dlcourse" / "grading").mkdir(parents=True)
    (tiny.root / "dlcourse" / "grading" / "grade.py").write_text("# instructor side\n")
    (tiny.root / "dlcourse" / "text.py").write_text("# student side\n")
    dest = tmp_path / "public"
    publish_tree(course=tiny, dest=dest, echo=quiet)
    files = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())
    assert files == [".dlcourse-published", "assignments/tiny/tiny.ipynb", "dlcourse/text.py", "lectures/01_rnn.ipynb"]
    (dest / ".git").mkdir()
    (dest / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    publish_tree(course=tiny, dest=dest, echo=quiet)  # again, into a clone: .git survives
    assert (dest / ".git" / "HEAD").exists()


def test_publish_refuses_a_foreign_folder(tiny, tmp_path):
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="not empty and was not written"):
        publish_tree(course=tiny, dest=tmp_path / "other", echo=quiet)


def test_publish_catches_a_hidden_test_copied_into_a_lecture(tiny, tmp_path):
    source = nbformat.read(tiny.source_dir("tiny") / "tiny.ipynb", as_version=4)
    hidden = source.cells[5].source.split("### BEGIN HIDDEN TESTS\n")[1].split("### END")[0]
    lecture = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("# 예제\n" + hidden)])
    (tiny.root / "lectures").mkdir()
    nbformat.write(lecture, tiny.root / "lectures" / "02_copy.ipynb")
    with pytest.raises(LeakError, match="copied solution/hidden-test lines"):
        publish_tree(course=tiny, dest=tmp_path / "public", echo=quiet)


def test_leak_check_ignores_lines_that_are_also_outside_solutions(released_tiny):
    source = nbformat.read(released_tiny.source_dir("tiny") / "tiny.ipynb", as_version=4)
    secrets = leakcheck.secret_lines(source)
    assert "return a + b" in secrets and "import numpy as np" not in secrets
    assert not any("YOUR CODE HERE" in s for s in secrets)
    assert json.dumps(sorted(secrets))  # plain strings


def test_release_without_sources_fails_clearly(tmp_path):
    from dlcourse.grading.course import Course

    with pytest.raises(FileNotFoundError, match="no assignments in"):
        release(course=Course(tmp_path), echo=quiet)


def _leak_fixture(tmp_path):
    """A source notebook with a hidden seed and a model answer, its release, and a clean student README."""
    source, released = tmp_path / "source", tmp_path / "release"
    source.mkdir()
    released.mkdir()
    cells = [
        nbformat.v4.new_markdown_cell("# 작은 과제\n\n`fit`을 구현하고 결과를 설명하세요."),
        nbformat.v4.new_code_cell("x = 1\nassert x == 1\n### BEGIN HIDDEN TESTS\nrng = np.random.default_rng(4242)\n"
                                  "assert rng.integers(0, 10) < 31337\n### END HIDDEN TESTS"),
        nbformat.v4.new_markdown_cell("### BEGIN SOLUTION\n(예시 답안) 고래와 돌고래는 포유류이고 상어는 어류라서 "
                                      "아가미로 숨쉰다. 정확도 0.917\n### END SOLUTION"),
    ]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), source / "nb.ipynb")
    public = [nbformat.v4.new_markdown_cell(cells[0].source), nbformat.v4.new_code_cell("x = 1\nassert x == 1"),
              nbformat.v4.new_markdown_cell("YOUR ANSWER HERE")]
    nbformat.write(nbformat.v4.new_notebook(cells=public), released / "nb.ipynb")
    readme = "# 작은 과제\n\n`fit`을 구현하세요. 공개 테스트를 돌려 보세요.\n"
    (released / "README.md").write_text(readme, encoding="utf-8")
    return source, released


def test_every_released_file_is_checked_and_a_clean_one_passes(tmp_path):
    source, released = _leak_fixture(tmp_path)
    assert leakcheck.released_file_leaks(source=source, release=released) == []
    assert leakcheck.check_release(source=source, release=released, instructor_only=("*.instructor.*",)) == []


@pytest.mark.parametrize("planted, expected", [
    ("## 채점 환경 (강사용)\n숨은 테스트는 오래 걸립니다.", "instructor note '강사용'"),
    ("Instructor only: grade with the fast mode.", "instructor note 'Instructor only'"),
    ("숨은 테스트의 시드는 4,242입니다.", "4242 appears only in hidden tests"),
    ("기준은 31337입니다.", "31337 appears only in hidden tests"),
    ("고래와 돌고래는 포유류, 상어는 아가미로 숨쉰다.", "words of an example answer"),
])
def test_a_planted_leak_in_a_readme_fails_the_release(tmp_path, planted, expected):
    source, released = _leak_fixture(tmp_path)
    with open(released / "README.md", "a", encoding="utf-8") as fh:
        fh.write("\n" + planted + "\n")
    leaks = leakcheck.check_release(source=source, release=released, instructor_only=("*.instructor.*",))
    assert len(leaks) == 1 and expected in str(leaks[0]) and leaks[0].path.name == "README.md", leaks


def test_a_number_the_release_states_is_no_secret(tmp_path):
    source, released = _leak_fixture(tmp_path)
    nb = nbformat.read(released / "nb.ipynb", as_version=4)
    nb.cells[0].source += "\n\n채점은 시드 4242로 합니다."  # stated in the student's notebook: public, not hidden
    nbformat.write(nb, released / "nb.ipynb")
    (released / "README.md").write_text("시드 4242\n", encoding="utf-8")
    assert leakcheck.released_file_leaks(source=source, release=released) == []
