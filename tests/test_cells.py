"""The Colab badge and setup cell: generated from one setting, identical in form everywhere."""

from __future__ import annotations

import shutil

import nbformat
import pytest

from dlcourse.cells import course_notebooks, first_cells, published_path, stale_first_cells, stamp
from dlcourse.config import REPO_ROOT, SOLUTIONS_DIR, CourseSettings, settings


@pytest.mark.parametrize("path", course_notebooks(), ids=lambda p: p.relative_to(REPO_ROOT).as_posix())
def test_first_two_cells_are_what_badges_writes(path):
    assert stale_first_cells(path) == [], "run `dlcourse badges` (or `make badges`)"


def test_every_notebook_is_owned():
    assert len(course_notebooks()) >= 2


def test_badge_points_to_the_notebook_on_colab():
    nb_path = REPO_ROOT / "lectures" / "00_environment_check.ipynb"
    badge, setup = first_cells(nb_path, nbformat.read(nb_path, as_version=4))
    cfg = settings()
    assert f"colab.research.google.com/github/{cfg.repository}/blob/{cfg.branch}/lectures/00_environment_check.ipynb" \
        in badge.source
    assert badge.cell_type == "markdown" and setup.cell_type == "code"
    assert f"https://github.com/{cfg.repository}.git" in setup.source
    assert 'if "google.colab" in sys.modules:' in setup.source


def test_solutions_get_the_badge_of_their_release():
    assert published_path(SOLUTIONS_DIR / "a9_x" / "x.ipynb") == "assignments/a9_x/x.ipynb"


def test_setup_cell_is_a_no_op_off_colab():
    nb_path = REPO_ROOT / "lectures" / "00_environment_check.ipynb"
    _, setup = first_cells(nb_path, nbformat.read(nb_path, as_version=4))
    namespace: dict = {}
    exec(compile(setup.source, "setup", "exec"), namespace)  # off Colab: defines nothing beyond sys
    assert "REPO" not in namespace


def test_java_only_where_konlpy_is_used(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("from konlpy.tag import Okt")])
    path = REPO_ROOT / "build" / "tmp_badges" / "k.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        nbformat.write(nb, path)
        stamp(path)
        _, setup, body = nbformat.read(path, as_version=4).cells
        assert "java=True" in setup.source and body.source == "from konlpy.tag import Okt"
    finally:
        shutil.rmtree(path.parent)


def test_stamp_replaces_stale_cells_and_keeps_the_rest(tmp_path):
    path = REPO_ROOT / "build" / "tmp_badges" / "s.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# body")])
        nbformat.write(nb, path)
        assert stamp(path) is True and stamp(path) is False  # second run changes nothing
        nb = nbformat.read(path, as_version=4)
        nb.cells[0].source = "[![Open In Colab](x)](https://colab.research.google.com/github/old/slug)"
        nbformat.write(nb, path)
        assert stale_first_cells(path) != []
        assert stamp(path) is True and stale_first_cells(path) == []
        cells = nbformat.read(path, as_version=4).cells
        assert len(cells) == 3 and cells[2].source == "# body"
    finally:
        shutil.rmtree(path.parent)


def test_settings_reject_unknown_keys():
    assert set(CourseSettings.help()) >= {"repository", "branch"}
    assert all(CourseSettings.help().values())
