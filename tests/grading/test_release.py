"""dlcourse release: nbgrader generate_assignment, the leak check, and --publish."""

from __future__ import annotations

import json
import shutil
import subprocess

import nbformat
import pytest
import tomllib

from dlcourse.cells import for_repository
from dlcourse.config import REPO_ROOT
from dlcourse.grading import leakcheck, nbgrader_bridge, rubric
from dlcourse.grading.release import (
    STUDENT_SETTINGS,
    LeakError,
    public_repository,
    publish_tree,
    release,
    student_pyproject,
)
from tests.grading.conftest import EXPLAIN, EXPLAIN_RUBRIC, quiet


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


def _explain(nb):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == EXPLAIN)


RUBRIC_LINE = EXPLAIN_RUBRIC.split("\n")[2]


def test_a_rubric_stays_in_the_source(rubric_tiny):
    text = (rubric_tiny.release_dir("tiny") / "tiny.ipynb").read_text(encoding="utf-8")
    assert _explain(nbformat.reads(text, as_version=4)).source == "YOUR ANSWER HERE"
    assert "MARK SCHEME" not in text and RUBRIC_LINE not in text and check(rubric_tiny) == []


@pytest.mark.parametrize("edit, expected", [
    (lambda nb: setattr(_explain(nb), "source", _explain(nb).source + "\n" + RUBRIC_LINE), "rubric line"),
    (lambda nb: setattr(_explain(nb), "source", "### BEGIN MARK SCHEME\n### END MARK SCHEME"), "nbgrader marker"),
    (lambda nb: nb.cells.insert(3, rubric.rubric_cell(EXPLAIN, EXPLAIN_RUBRIC)), "instructor note '채점자용'"),
])
def test_leak_check_finds_a_planted_rubric(rubric_tiny, edit, expected):
    inject(rubric_tiny, edit)
    leaks = check(rubric_tiny)
    assert leaks and any(expected in str(leak) for leak in leaks), leaks


def test_leak_check_finds_a_rubric_in_a_released_readme(rubric_tiny):
    (rubric_tiny.release_dir("tiny") / "README.md").write_text(f"# 과제\n\n{EXPLAIN_RUBRIC}\n", encoding="utf-8")
    leaks = check(rubric_tiny)
    assert any("README.md" in str(leak) and "words of an example answer" in str(leak) for leak in leaks), leaks


def test_leak_check_finds_a_rubric_copied_into_a_published_file(rubric_tiny, tmp_path):
    public = tmp_path / "public"
    public.mkdir()
    (public / "notes.md").write_text(f"# 메모\n\n{EXPLAIN_RUBRIC}\n", encoding="utf-8")
    leaks = leakcheck.check_tree(root=public, sources=[rubric_tiny.source_dir("tiny") / "tiny.ipynb"])
    assert [leak.what.split(")")[0] for leak in leaks] == ["copied solution/hidden-test lines (rubric of tiny.ipynb"]


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


COLAB = "[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/x/y/blob/main/{})"
TINY_README = f"""# 작은 강의

## 강의

| # | 노트북 | Colab |
|---|---|---|
| 01 | [01_rnn](lectures/01_rnn.ipynb) | {COLAB.format("lectures/01_rnn.ipynb")} |
| 02 | [02_copy](lectures/02_copy.ipynb) | {COLAB.format("lectures/02_copy.ipynb")} |

## 과제

| id | 노트북 | Colab |
|---|---|---|
| tiny | [tiny](assignments/tiny/tiny.ipynb) | {COLAB.format("assignments/tiny/tiny.ipynb")} |

## 용어

강사용 안내: 이 문장은 학생 README로 가지 않습니다.

| 한국어 | English |
|---|---|
| 은닉 상태 | hidden state |
"""


def publishable(course, *lectures: nbformat.NotebookNode):
    """The tiny course made publishable: the student files of this repository, a README with its tables, lectures."""
    shutil.copytree(REPO_ROOT / "publish", course.root / "publish")
    (course.root / "README.md").write_text(TINY_README, encoding="utf-8")
    (course.root / "lectures").mkdir(exist_ok=True)
    for i, lecture in enumerate(lectures or [nbformat.v4.new_notebook()], 1):
        nbformat.write(lecture, course.root / "lectures" / ("01_rnn.ipynb" if i == 1 else "02_copy.ipynb"))
    return course


def test_publish_writes_the_student_repository(tiny, tmp_path):
    publishable(tiny)
    (tiny.root / "dlcourse" / "grading").mkdir(parents=True)
    (tiny.root / "dlcourse" / "grading" / "grade.py").write_text("# instructor side\n")
    (tiny.root / "dlcourse" / "text.py").write_text("# student side\n")
    (tiny.root / "notes.md").write_text("instructor's notes, outside publish_include\n")
    dest = tmp_path / "public"
    lines = []
    publish_tree(course=tiny, dest=dest, repository="someone/course", echo=lines.append)
    files = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())
    student = sorted(p.relative_to(tiny.root / "publish").as_posix()
                     for p in (tiny.root / "publish").rglob("*") if p.is_file())
    assert files == sorted({".dlcourse-published", "assignments/tiny/tiny.ipynb", "dlcourse/text.py",
                            "lectures/01_rnn.ipynb", *student})
    readme = (dest / "README.md").read_text(encoding="utf-8")
    assert "github/someone/course/blob/main/assignments/tiny/tiny.ipynb" in readme and "github/x/y" not in readme
    assert "| 은닉 상태 | hidden state |" in readme and "강사용" not in readme and "{{" not in readme
    assert "assignments/tiny/tiny.ipynb" in nbformat.read(dest / "assignments/tiny/tiny.ipynb", 4).cells[0].source
    assert "someone/course@main (--repository)" in lines[-1]
    (dest / ".git").mkdir()
    (dest / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    before = {f: (dest / f).read_bytes() for f in files}
    publish_tree(course=tiny, dest=dest, repository="someone/course", echo=quiet)  # again, into a clone
    assert (dest / ".git" / "HEAD").exists()
    assert {f: (dest / f).read_bytes() for f in files} == before


def test_publish_takes_the_slug_from_the_clone_s_remote(tiny, tmp_path):
    publishable(tiny)
    dest = tmp_path / "clone"
    dest.mkdir()
    subprocess.run(["git", "init", "-q", str(dest)], check=True)
    subprocess.run(["git", "-C", str(dest), "remote", "add", "origin", "https://github.com/school/dl-lab.git"],
                   check=True)
    assert public_repository(dest) == ("school/dl-lab", "git remote origin of clone")
    assert public_repository(dest, "other/name") == ("other/name", "--repository")
    subprocess.run(["git", "-C", str(dest), "remote", "set-url", "origin", "https://gitlab.com/school/dl-lab"],
                   check=True)
    with pytest.raises(ValueError, match="not on GitHub"):
        public_repository(dest)
    assert public_repository(tmp_path / "not-a-clone")[1] == "[tool.dlcourse] repository"
    with pytest.raises(ValueError, match="not a GitHub repository slug"):
        publish_tree(course=tiny, dest=tmp_path / "x", repository="no slug", echo=quiet)


def test_publish_points_lecture_figures_at_the_public_repository(tiny, tmp_path):
    lecture = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        "![펼친 RNN](<figures/rnn unrolled.png>) 그리고 <img src=\"figures/gru_cell.png\" width=300>")])
    publishable(tiny, lecture)
    (tiny.root / "lectures" / "figures").mkdir()
    for name in ("rnn unrolled.png", "gru_cell.png"):
        (tiny.root / "lectures" / "figures" / name).write_bytes(b"\x89PNG")
    publish_tree(course=tiny, dest=tmp_path / "public", repository="someone/course", echo=quiet)
    source = nbformat.read(tmp_path / "public" / "lectures" / "01_rnn.ipynb", 4).cells[2].source
    raw = "https://raw.githubusercontent.com/someone/course/main/lectures/figures/"
    assert source == f"![펼친 RNN]({raw}rnn%20unrolled.png) 그리고 <img src=\"{raw}gru_cell.png\" width=300>"
    assert "figures/rnn unrolled.png" in nbformat.read(tiny.root / "lectures" / "01_rnn.ipynb", 4).cells[0].source


@pytest.mark.parametrize("markdown, message", [
    ("![그림](figures/missing.png)", "not in the published tree"),
    ("![그림](attachment:image.png)", "cell attachment"),
])
def test_publish_refuses_figures_colab_cannot_show(tiny, tmp_path, markdown, message):
    publishable(tiny, nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(markdown)]))
    with pytest.raises(ValueError, match=message):
        publish_tree(course=tiny, dest=tmp_path / "public", echo=quiet)


def test_publish_needs_every_notebook_in_the_readme_tables(tiny, tmp_path):
    publishable(tiny)
    nbformat.write(nbformat.v4.new_notebook(), tiny.root / "lectures" / "03_new.ipynb")
    with pytest.raises(ValueError, match="no row for lectures/03_new.ipynb"):
        publish_tree(course=tiny, dest=tmp_path / "public", echo=quiet)


def test_publish_keeps_only_the_student_settings(tmp_path):
    text = (REPO_ROOT / "pyproject.toml").read_text()
    out = student_pyproject(text, for_repository("someone/course"))
    table = tomllib.loads(out)["tool"]["dlcourse"]
    assert list(table) == list(STUDENT_SETTINGS) and table["repository"] == "someone/course"
    assert tomllib.loads(out)["project"] == tomllib.loads(text)["project"]
    assert tomllib.loads(out)["tool"]["pytest"] == tomllib.loads(text)["tool"]["pytest"]


def test_publish_refuses_a_foreign_folder(tiny, tmp_path):
    publishable(tiny)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="not empty and was not written"):
        publish_tree(course=tiny, dest=tmp_path / "other", echo=quiet)


def test_publish_catches_a_hidden_test_copied_into_a_lecture(tiny, tmp_path):
    source = nbformat.read(tiny.source_dir("tiny") / "tiny.ipynb", as_version=4)
    hidden = source.cells[5].source.split("### BEGIN HIDDEN TESTS\n")[1].split("### END")[0]
    lecture = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("# 예제\n" + hidden)])
    publishable(tiny)
    dest = tmp_path / "public"
    publish_tree(course=tiny, dest=dest, echo=quiet)
    before = {p: p.read_bytes() for p in dest.rglob("*") if p.is_file()}
    nbformat.write(lecture, tiny.root / "lectures" / "02_copy.ipynb")
    lines = []
    with pytest.raises(LeakError, match="copied solution/hidden-test lines"):
        publish_tree(course=tiny, dest=dest, echo=lines.append)
    assert lines[0].startswith(f"LEAK {dest / 'lectures' / '02_copy.ipynb'}: line ~"), lines
    assert {p: p.read_bytes() for p in dest.rglob("*") if p.is_file()} == before  # a failed publish changes nothing
    assert sorted(p.name for p in tmp_path.iterdir()) == ["course", "public"]  # no staging folder left


# ── public code: a hidden test's private copy of a published tool is not a leak; a solution always is ────

GENERIC = """def _num_grad(f, x, h=1e-6):
    g = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        fp = f()
        x[i] = old - h
        fm = f()
        x[i] = old
        g[i] = (fp - fm) / (2 * h)
    return g"""
DISTINCTIVE = """_r = np.random.default_rng(608)
_vals = [_r.normal(1.0, 2.0, size=(7, 5)), _r.normal(size=5)]
assert np.allclose(backward(_vals), _num_grad(loss, _vals[0])), 'hidden: seed 608'"""
ANSWER = """mu = x.mean(axis=0)
var = ((x - mu) ** 2).mean(axis=0)
xhat = (x - mu) / np.sqrt(var + eps)
return gamma * xhat + beta"""


@pytest.fixture
def planted(tmp_path):
    """A source notebook whose hidden test keeps a copy of a public tool, the public tool, and an empty tree."""
    hidden = f"### BEGIN HIDDEN TESTS\n{GENERIC}\n{DISTINCTIVE}\n### END HIDDEN TESTS"
    body = ANSWER.replace("\n", "\n    ")
    answer = f"def forward(x, gamma, beta, eps):\n    ### BEGIN SOLUTION\n    {body}\n    ### END SOLUTION"
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(answer, metadata={"nbgrader": {"solution": True, "grade": False}}),
        nbformat.v4.new_code_cell("assert forward is not None\n" + hidden, metadata={"nbgrader": {"grade": True}})])
    source = tmp_path / "source.ipynb"
    nbformat.write(nb, source)
    public = tmp_path / "course" / "gradcheck.py"
    public.parent.mkdir()
    public.write_text('"""Numeric gradients (lecture 02)."""\nimport numpy as np\n\n\n' + GENERIC + "\n")
    tree = tmp_path / "tree"
    (tree / "pkg").mkdir(parents=True)
    return source, public, tree


def _leaks(planted, files: dict[str, str]):
    source, public, tree = planted
    for name, text in files.items():
        (tree / name).write_text(text)
    return leakcheck.check_tree(root=tree, sources=[source], public_code=[public])


def test_a_hidden_test_s_copy_of_public_code_is_not_a_leak(planted):
    assert _leaks(planted, {"pkg/gradcheck.py": planted[1].read_text()}) == []
    source, public, tree = planted
    assert leakcheck.check_tree(root=tree, sources=[source]) != []  # without the exemption: the old false alarm


def test_the_rest_of_that_hidden_test_is_still_a_leak(planted):
    leaks = _leaks(planted, {"lecture.md": "예제:\n" + DISTINCTIVE + "\n"})
    assert len(leaks) == 1 and "hidden test of source.ipynb" in str(leaks[0])


def test_lines_a_public_test_shares_with_a_hidden_one_are_not_a_leak(planted):
    """A public test that mirrors a hidden one on other inputs shares its helper lines; the release shows them."""
    source, public, tree = planted
    nb = nbformat.read(source, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(GENERIC + "\nassert forward is not None  # public test",
                                              metadata={"nbgrader": {"grade": True}}))
    nbformat.write(nb, source)
    (tree / "released.ipynb").write_text(GENERIC + "\n")
    assert leakcheck.check_tree(root=tree, sources=[source]) == []  # shown by the release: public, no public_code
    leaks = _leaks(planted, {"lecture.md": DISTINCTIVE + "\n"})  # the hidden inputs themselves still are a leak
    assert len(leaks) == 1 and "hidden test of source.ipynb" in str(leaks[0])


@pytest.mark.parametrize("where", ["pkg/gradcheck.py", "pkg/other.py"])
def test_a_solution_is_a_leak_even_inside_public_code(planted, where):
    leaks = _leaks(planted, {where: planted[1].read_text() + "\n\ndef forward(x, gamma, beta, eps):\n    "
                             + ANSWER.replace("\n", "\n    ") + "\n"})
    assert len(leaks) == 1 and "solution of source.ipynb" in str(leaks[0]), leaks


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


def test_cli_release_takes_the_public_repository_only_with_publish(capsys):
    from dlcourse.cli import build_parser, main

    args = build_parser().parse_args(["release", "--publish", "../public", "--repository", "o/n", "--branch", "b"])
    assert (args.publish, args.repository, args.branch) == ("../public", "o/n", "b")
    assert main(["release", "--repository", "o/n"]) == 1  # refused before anything is generated
    assert "--repository and --branch only apply with --publish DIR" in capsys.readouterr().err


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
