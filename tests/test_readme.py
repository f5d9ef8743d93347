"""The README's lecture table links every lecture, on GitHub and on Colab, from the configured repository."""

from __future__ import annotations

import re

from dlcourse.config import LECTURES_DIR, REPO_ROOT, settings

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def test_every_lecture_is_linked_with_a_working_colab_badge():
    cfg = settings()
    for nb in sorted(LECTURES_DIR.glob("*.ipynb")):
        assert f"(lectures/{nb.name})" in README, f"README does not link {nb.name}"
        colab = f"https://colab.research.google.com/github/{cfg.repository}/blob/{cfg.branch}/lectures/{nb.name}"
        assert colab in README, f"README has no Colab link for {nb.name}"


def test_readme_links_point_to_files_that_exist():
    for target in re.findall(r"\]\(((?:lectures|data|autograde|assignments|benchmarks)/[^)#]+)\)", README):
        assert (REPO_ROOT / target).exists(), f"README links a missing file: {target}"


def test_readme_names_the_two_commands():
    assert "make lab" in README and "make test" in README
