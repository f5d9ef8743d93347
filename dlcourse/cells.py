"""The two first cells every notebook shares: the "Open in Colab" badge and the setup cell.

Both are generated from one setting (``[tool.dlcourse] repository`` in pyproject.toml) by
``dlcourse badges``; a test fails when any notebook's first two cells differ from :func:`first_cells`.
Notebooks in solutions/ get the badge of their released copy in assignments/, which students open.

Publishing the student repository under another slug stamps its copies with :func:`for_repository`'s settings
and ``root=`` the published tree; the notebooks of this repository keep their own badges.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import nbformat

from dlcourse.config import ASSIGNMENTS_DIR, LECTURES_DIR, REPO_ROOT, SOLUTIONS_DIR, CourseSettings, settings

SLUG = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?/[A-Za-z0-9._-]+$")  # GitHub's owner/name

BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
ROLE_KEY = "dlcourse_role"  # cell metadata marking the generated cells


def for_repository(repository: str, *, branch: str | None = None, cfg: CourseSettings | None = None) -> CourseSettings:
    """The course settings with another public repository (``owner/name``) and, optionally, branch."""
    if not SLUG.match(repository):
        raise ValueError(f"not a GitHub repository slug (owner/name): {repository!r}")
    cfg = cfg or settings()
    return dataclasses.replace(cfg, repository=repository, branch=branch or cfg.branch)


def published_path(notebook: Path, *, root: Path | None = None) -> str:
    """The notebook's path in the student repository: solutions/x → assignments/x.

    ``root`` is the tree the notebook lies in (default: this repository).
    """
    rel = notebook.resolve().relative_to((root or REPO_ROOT).resolve())
    if rel.parts[0] == SOLUTIONS_DIR.name:
        rel = Path(ASSIGNMENTS_DIR.name, *rel.parts[1:])
    return rel.as_posix()


def needs_java(nb: nbformat.NotebookNode) -> bool:
    """KoNLPy's taggers run on the JVM; notebooks that use them get a JVM on Colab."""
    return any(c.cell_type == "code" and "konlpy" in c.source and not _is_generated(c) for c in nb.cells)


def badge_source(path: str, cfg: CourseSettings) -> str:
    url = f"https://colab.research.google.com/github/{cfg.repository}/blob/{cfg.branch}/{path}"
    return f"[![Open In Colab]({BADGE_IMAGE})]({url})"


def setup_source(path: str, *, java: bool, cfg: CourseSettings) -> str:
    return "\n".join([
        "# 실행 환경 준비: Colab에서만 저장소를 받아 설치합니다. 로컬(JupyterLab)에서는 아무 일도 하지 않습니다.",
        "import sys",
        "",
        'if "google.colab" in sys.modules:',
        "    import os, subprocess",
        f'    REPO = "{cfg.clone_dir}"',
        "    if not os.path.isdir(REPO):",
        f'        subprocess.run(["git", "clone", "--depth", "1", "--branch", "{cfg.branch}",',
        f'                        "https://github.com/{cfg.repository}.git", REPO], check=True)',
        "    sys.path.insert(0, REPO)",
        "    from dlcourse.colab import setup_colab",
        f'    setup_colab(REPO, notebook="{path}", java={java})',
    ])


def first_cells(notebook: Path, nb: nbformat.NotebookNode, cfg: CourseSettings | None = None, *,
                root: Path | None = None):
    """The badge (markdown) and setup (code) cells this notebook must start with."""
    cfg = cfg or settings()
    path = published_path(notebook, root=root)
    badge = nbformat.v4.new_markdown_cell(badge_source(path, cfg))
    setup = nbformat.v4.new_code_cell(setup_source(path, java=needs_java(nb), cfg=cfg))
    for cell, role in ((badge, "colab-badge"), (setup, "colab-setup")):
        cell.metadata[ROLE_KEY] = role
        cell.id = role  # fixed, not random: stamping the same notebook twice writes the same file
    return badge, setup


def course_notebooks(root: Path | None = None) -> list[Path]:
    """Every notebook the badges command owns: lectures/ and solutions/ (assignments/ is generated from them).

    A tree without solutions/ (the published student repository) owns its assignments/ instead.
    """
    root = root or REPO_ROOT
    lectures = root / LECTURES_DIR.name
    graded = root / SOLUTIONS_DIR.name
    if not graded.is_dir():
        graded = root / ASSIGNMENTS_DIR.name
    found = [*lectures.glob("*.ipynb"), *graded.glob("*/*.ipynb")]
    return sorted(p for p in found if ".ipynb_checkpoints" not in p.parts)


def _is_generated(cell) -> bool:
    return cell.metadata.get(ROLE_KEY) in {"colab-badge", "colab-setup"}


def stale_first_cells(notebook: Path, *, cfg: CourseSettings | None = None, root: Path | None = None) -> list[str]:
    """What differs between the notebook's first two cells and :func:`first_cells`; [] when up to date."""
    nb = nbformat.read(notebook, as_version=4)
    wanted = first_cells(notebook, nb, cfg, root=root)
    problems = []
    for i, want in enumerate(wanted):
        have = nb.cells[i] if i < len(nb.cells) else None
        if have is None or have.cell_type != want.cell_type or have.source != want.source:
            where = notebook.resolve().relative_to((root or REPO_ROOT).resolve())
            problems.append(f"{where}: cell {i} is not the generated {want.metadata[ROLE_KEY]}")
    return problems


def stamp(notebook: Path, *, cfg: CourseSettings | None = None, root: Path | None = None) -> bool:
    """Write the badge and setup cells at the top of ``notebook``; True if the file changed.

    Earlier generated cells are replaced (ids and extra metadata such as nbgrader's are kept); a notebook
    without them gets them inserted. Outputs of the setup cell are kept (it prints nothing off Colab).
    ``cfg`` and ``root`` stamp a copy in another tree for another repository (see :func:`for_repository`).
    """
    nb = nbformat.read(notebook, as_version=4)
    before = nbformat.writes(nb)
    wanted = first_cells(notebook, nb, cfg, root=root)
    old = [c for c in nb.cells[:2] if _is_generated(c)]
    rest = nb.cells[len(old):]
    new = []
    for i, want in enumerate(wanted):
        if i < len(old) and old[i].cell_type == want.cell_type:
            cell = old[i]
            cell.source = want.source
            cell.metadata[ROLE_KEY] = want.metadata[ROLE_KEY]
            new.append(cell)
        else:
            new.append(want)
    nb.cells = new + rest
    after = nbformat.writes(nb)
    if after != before:
        nbformat.write(nb, notebook)
        return True
    return False
