"""``dlcourse release``: solutions/A → assignments/A with nbgrader, then the leak check; ``--publish DIR``
writes the student repository and checks it too.

The student repository is what every Colab badge clones and what students clone to work in JupyterLab. It is
written in one ordered pass (:data:`PUBLISH_STEPS`), each step a small function over the destination:

1. ``copy_course_files``     ``publish_include`` (lectures, assignments, data, the student side of dlcourse, the
                             environment files) and the shared tests ``publish_tests``; never ``publish_exclude``,
                             instructor-only files or git-ignored files
2. ``copy_student_files``    publish/ of this repository: the student Makefile, nbgrader configuration, JupyterLab
                             settings, tests of the published tree; they replace course files of the same name
3. ``write_readme``          publish/README.md with the lecture and assignment tables and the 용어 table copied
                             from this repository's README (one source), badges for the public repository
4. ``write_settings``        pyproject.toml's ``[tool.dlcourse]`` reduced to the student settings, for the
                             public repository
5. ``stamp_first_cells``     every notebook's badge and setup cell for the public repository
6. ``link_figures``          lectures' relative image links → raw.githubusercontent.com URLs (Colab cannot show
                             relative images or attachments)

then the leak check over the whole tree. The public repository's slug is ``--repository``, else DIR's git
remote ``origin``, else ``[tool.dlcourse] repository``. DIR may be a clone of the public repository: its .git is
kept, everything else is replaced, and publishing an unchanged course again changes no file.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from urllib.parse import quote

import nbformat

from dlcourse import cells
from dlcourse.config import CourseSettings, settings
from dlcourse.grading import leakcheck, nbgrader_bridge, rubric
from dlcourse.grading.course import Course

PUBLISH_MARK = ".dlcourse-published"
MARK_TEXT = ("이 저장소는 강의 저장소에서 자동으로 만들어집니다. 여기서 고친 내용은 다음 배포 때 덮어써집니다.\n"
             "This repository is generated from the course's own repository; edits here are replaced on the next "
             "publish.\n")
STUDENT_FILES = "publish"  # the student README template, Makefile, configuration and tests, in this repository
README_TEMPLATE = "README.md"
# Never published, whatever git says (build output and environments).
ALWAYS_SKIP = {".git", ".venv", "build", "__pycache__", ".ipynb_checkpoints", ".pytest_cache", ".ruff_cache"}
# [tool.dlcourse] keys the student side reads (the Colab cells, notebook runs, Validate's cell timeout).
STUDENT_SETTINGS = ("repository", "branch", "clone_dir", "kernel_name", "cell_timeout", "grade_cell_timeout")
GITHUB_REMOTE = re.compile(r"github\.com[:/]([^/\s]+/[^/\s]+?)(?:\.git)?/?$")
PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")
# An image in markdown, ![alt](target "title"), or in HTML, <img src="target">.
IMAGE_LINK = re.compile(r"(!\[[^\]]*\]\()(<[^>]+>|[^)\s]+)((?:\s+\"[^\"]*\")?\))")
IMAGE_TAG = re.compile(r"(<img\b[^>]*?\bsrc=[\"'])([^\"']+)([\"'])", re.I)
COLAB_BADGE = re.compile(r"\[!\[Open In Colab\]\([^)]*\)\]\([^)]*\)")
URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class LeakError(RuntimeError):
    """The leak check found something; the message gives the count and the first problem."""


def source_assignments(course: Course) -> list[str]:
    """Assignments with an nbgrader source notebook in solutions/."""
    return sorted(p.parent.name for p in course.solutions.glob("*/*.ipynb"))


def release(*, course: Course, assignments: list[str] | None = None, publish: Path | None = None,
            repository: str | None = None, branch: str | None = None, echo=print) -> None:
    """Generate ``assignments`` (default: all in solutions/) and leak-check them; optionally publish.

    Raises :class:`LeakError` when the check finds anything (every problem is echoed first).
    """
    names = assignments or source_assignments(course)
    if not names:
        raise FileNotFoundError(f"no assignments in {course.solutions}")
    if publish is None and (repository or branch):
        raise ValueError("--repository and --branch only apply with --publish DIR")
    config = nbgrader_bridge.course_config(course)
    course.gradebook.parent.mkdir(parents=True, exist_ok=True)
    for name in names:
        if not any(course.source_dir(name).glob("*.ipynb")):
            raise FileNotFoundError(f"no source notebook in {course.source_dir(name)}")
        for src in sorted(course.source_dir(name).glob("*.ipynb")):
            bad = rubric.problems(nbformat.read(src, as_version=4))
            if bad:
                raise ValueError(f"solutions/{name}/{src.name}: {bad[0]}")
        run = nbgrader_bridge.generate_assignment(config, assignment=name)
        if not run.ok:
            raise RuntimeError(f"nbgrader generate_assignment {name} failed: {run.error}")
        leaks = leakcheck.check_release(source=course.source_dir(name), release=course.release_dir(name),
                                        instructor_only=settings().instructor_only)
        _fail_on(leaks, what=f"assignments/{name}", echo=echo)
        notebooks = ", ".join(course.notebook_names(name))
        echo(f"released {name}: solutions/{name} → assignments/{name} ({notebooks}); leak check passed")
    if publish is not None:
        publish_tree(course=course, dest=publish, repository=repository, branch=branch, echo=echo)


# ── the student repository ───────────────────────────────────────────────────────────────────────────

@dataclass
class Publication:
    """One publish in progress: the course, the destination, the public repository's settings, what was done."""

    course: Course
    dest: Path           # the tree being written (a staging folder until the leak check has passed)
    cfg: CourseSettings  # the course settings for the public repository (its slug and branch)
    slug_source: str     # where the slug came from, for the summary line
    copied: int = 0
    replaced: tuple[str, ...] = ()
    rewritten: int = 0   # notebooks whose first cells were stamped for the public repository
    figures: int = 0     # image links pointed at raw.githubusercontent.com


def publish_tree(*, course: Course, dest: Path, repository: str | None = None, branch: str | None = None,
                 echo=print) -> None:
    """Write the student repository into ``dest`` (see the module doc) and leak-check it.

    ``dest`` may be a clone of the public repository: its .git is kept, everything else is replaced. The tree is
    written and checked in a staging folder beside ``dest`` first, so a failed publish (a leak, a missing README
    row) leaves ``dest`` as it was. A non-empty ``dest`` that was not written by this function is refused.
    """
    dest = dest.resolve()
    if dest == course.root.resolve() or course.root.resolve() in dest.parents:
        raise ValueError(f"publish folder {dest} must be outside the course repository")
    if dest.exists() and any(p.name != ".git" for p in dest.iterdir()) and not (dest / PUBLISH_MARK).exists():
        raise ValueError(f"{dest} is not empty and was not written by `dlcourse release --publish`")
    if not (course.root / STUDENT_FILES).is_dir():
        raise FileNotFoundError(f"no student files in {course.root / STUDENT_FILES} (README template, Makefile, tests)")
    slug, source = public_repository(dest, repository)
    cfg = cells.for_repository(slug, branch=branch)
    dest.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{dest.name}.publishing-", dir=dest.parent))
    try:
        pub = Publication(course=course, dest=stage, cfg=cfg, slug_source=source)
        for step in PUBLISH_STEPS:
            step(pub)
        (stage / PUBLISH_MARK).write_text(MARK_TEXT, encoding="utf-8")
        leaks, secrets = _published_leaks(pub)
        leaks = [leakcheck.Leak(dest / leak.path.relative_to(stage), leak.where, leak.what) for leak in leaks]
        _fail_on(leaks, what=str(dest), echo=echo)
        dest.mkdir(exist_ok=True)
        for p in dest.iterdir():
            if p.name != ".git":
                shutil.rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink()
        for p in stage.iterdir():
            p.rename(dest / p.name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    echo(f"published {pub.copied} course files to {dest} for {cfg.repository}@{cfg.branch} ({source}); "
         f"student files from {STUDENT_FILES}/: {', '.join(pub.replaced)}; first cells stamped in {pub.rewritten} "
         f"notebooks, {pub.figures} figure links; left out: {', '.join(settings().publish_exclude)}; "
         f"leak check passed (three-line runs a hidden test shares with public code, not counted: {secrets.excused})")


def public_repository(dest: Path, repository: str | None = None) -> tuple[str, str]:
    """The public repository's slug and where it came from: ``repository``, DIR's git remote, or the setting."""
    if repository:
        return repository, "--repository"
    if (dest / ".git").exists():
        out = subprocess.run(["git", "-C", str(dest), "remote", "get-url", "origin"], capture_output=True, text=True)
        url = out.stdout.strip()
        if out.returncode == 0 and url:
            m = GITHUB_REMOTE.search(url)
            if not m:
                raise ValueError(f"{dest}'s remote origin {url} is not on GitHub (Colab opens GitHub repositories); "
                                 "pass --repository OWNER/NAME")
            return m[1], f"git remote origin of {dest.name}"
    return settings().repository, "[tool.dlcourse] repository"


def copy_course_files(pub: Publication) -> None:
    """Copy ``publish_include`` and ``publish_tests`` (less ``publish_exclude`` and instructor-only files)."""
    cfg = settings()
    wanted = (*cfg.publish_include, *cfg.publish_tests)
    for rel in _repository_files(pub.course.root):
        if not _under(rel, wanted) or _excluded(rel, cfg.publish_exclude) \
                or leakcheck.is_instructor_only(rel, cfg.instructor_only):
            continue
        _copy(pub.course.root / rel, pub.dest / rel)
        pub.copied += 1


def copy_student_files(pub: Publication) -> None:
    """publish/X → X (replacing the course's X); the README template is rendered by :func:`write_readme`."""
    root = pub.course.root / STUDENT_FILES
    replaced = []
    for rel in _repository_files(root):
        if rel == Path(README_TEMPLATE) or _excluded(rel, ()):
            continue
        _copy(root / rel, pub.dest / rel)
        replaced.append(rel.as_posix())
    pub.replaced = (README_TEMPLATE, *replaced)


def write_readme(pub: Publication) -> None:
    """The student README: publish/README.md with its ``{{PLACEHOLDERS}}`` filled in."""
    template = (pub.course.root / STUDENT_FILES / README_TEMPLATE).read_text(encoding="utf-8")
    instructor = (pub.course.root / "README.md").read_text(encoding="utf-8")
    (pub.dest / "README.md").write_text(render_readme(template=template, instructor_readme=instructor,
                                                      cfg=pub.cfg, root=pub.dest), encoding="utf-8")


def write_settings(pub: Publication) -> None:
    """pyproject.toml with ``[tool.dlcourse]`` holding only :data:`STUDENT_SETTINGS`, for the public repository."""
    path = pub.dest / "pyproject.toml"
    if path.exists():
        path.write_text(student_pyproject(path.read_text(encoding="utf-8"), pub.cfg), encoding="utf-8")


def stamp_first_cells(pub: Publication) -> None:
    """The badge and setup cell of every published notebook, for the public repository."""
    for notebook in cells.course_notebooks(pub.dest):
        pub.rewritten += cells.stamp(notebook, cfg=pub.cfg, root=pub.dest)


def link_figures(pub: Publication) -> None:
    """Relative image links in the lectures' markdown → raw.githubusercontent.com URLs of the published files."""
    for notebook in sorted((pub.dest / "lectures").glob("*.ipynb")):
        pub.figures += absolute_image_links(notebook, root=pub.dest, cfg=pub.cfg)


PUBLISH_STEPS: tuple[Callable[[Publication], None], ...] = (
    copy_course_files, copy_student_files, write_readme, write_settings, stamp_first_cells, link_figures)


# ── the pieces, each usable alone ────────────────────────────────────────────────────────────────────

def render_readme(*, template: str, instructor_readme: str, cfg: CourseSettings, root: Path) -> str:
    """Fill the student README template: tables from this repository's README, badges for ``cfg.repository``.

    ``root`` is the published tree: every lecture and assignment notebook in it must have its row.
    """
    text = re.sub(r"\A\s*<!--.*?-->\s*", "", template, flags=re.S)  # the note for maintainers of the template
    lectures = _notebook_rows(_table(instructor_readme, "강의"), cfg)
    assignments = _notebook_rows(_table(instructor_readme, "과제"), cfg)
    for notebook in [*sorted(root.glob("lectures/*.ipynb")), *sorted(root.glob("assignments/*/*.ipynb"))]:
        rel = notebook.relative_to(root).as_posix()
        if f"]({rel})" not in lectures + assignments:
            raise ValueError(f"README.md's 강의/과제 tables have no row for {rel}: add it there, then publish")
    values = {
        "LECTURES": lectures, "ASSIGNMENTS": assignments, "GLOSSARY": _table(instructor_readme, "용어"),
        "REPOSITORY": cfg.repository, "BRANCH": cfg.branch, "CLONE_DIR": cfg.clone_dir,
        "GRADE_CELL_TIMEOUT": str(cfg.grade_cell_timeout), "REPOSITORY_NAME": cfg.repository.split("/")[1],
    }
    unknown = sorted(set(PLACEHOLDER.findall(text)) - set(values))
    if unknown:
        raise ValueError(f"unknown placeholders in {STUDENT_FILES}/{README_TEMPLATE}: {', '.join(unknown)}")
    return PLACEHOLDER.sub(lambda m: values[m[1]], text)


def _table(markdown: str, heading: str) -> str:
    """The first table of the section ``## heading`` (its lines, header included)."""
    m = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", markdown, flags=re.M | re.S)
    rows = []
    for line in (m[1] if m else "").splitlines():
        if line.startswith("|"):
            rows.append(line)
        elif rows:
            break
    if not rows:
        raise ValueError(f"README.md has no table under '## {heading}' to copy into the student README")
    return "\n".join(rows)


def _notebook_rows(table: str, cfg: CourseSettings) -> str:
    """A table whose Colab links are rewritten for ``cfg`` from each row's notebook link."""
    out = []
    for row in table.splitlines():
        notebook = re.search(r"\]\(((?:lectures|assignments)/[^)\s]+\.ipynb)\)", row)
        if notebook:
            row = COLAB_BADGE.sub(cells.badge_source(notebook[1], cfg).replace("\\", "\\\\"), row)
        out.append(row)
    return "\n".join(out)


def student_pyproject(text: str, cfg: CourseSettings) -> str:
    """``text`` (a pyproject.toml) with ``[tool.dlcourse]`` replaced by :data:`STUDENT_SETTINGS` of ``cfg``."""
    known = {f.name for f in fields(CourseSettings)}
    assert set(STUDENT_SETTINGS) <= known, set(STUDENT_SETTINGS) - known
    body = [f"{key} = {_toml(getattr(cfg, key))}\n" for key in STUDENT_SETTINGS] + ["\n"]
    lines = text.splitlines(keepends=True)
    start = next((i for i, ln in enumerate(lines) if ln.strip() == "[tool.dlcourse]"), None)
    if start is None:
        return text.rstrip("\n") + "\n\n[tool.dlcourse]\n" + "".join(body)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")), len(lines))
    return "".join(lines[:start + 1] + body + lines[end:])


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def absolute_image_links(notebook: Path, *, root: Path, cfg: CourseSettings) -> int:
    """Point ``notebook``'s relative image links at raw.githubusercontent.com; returns how many were rewritten.

    Colab shows neither relative images nor cell attachments. Raises ValueError for an attachment or a link to a
    file that is not in ``root``.
    """
    nb = nbformat.read(notebook, as_version=4)
    count = 0
    where = notebook.relative_to(root).as_posix()

    def absolute(target: str) -> str:
        nonlocal count
        bare = target.strip("<>")
        if bare.startswith("attachment:"):
            raise ValueError(f"{where}: image {bare} is a cell attachment, which Colab cannot show; save it under "
                             "lectures/figures/ and link it as figures/NAME.png")
        if URL_SCHEME.match(bare) or bare.startswith(("/", "#")):
            return target
        path = (notebook.parent / bare.split("#")[0]).resolve()
        if not path.is_file() or root not in path.parents:
            raise ValueError(f"{where}: image {bare} is not in the published tree")
        count += 1
        rel = path.relative_to(root).as_posix()
        return f"https://raw.githubusercontent.com/{cfg.repository}/{cfg.branch}/{quote(rel)}"

    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        source = IMAGE_LINK.sub(lambda m: m[1] + absolute(m[2]) + m[3], cell.source)
        cell.source = IMAGE_TAG.sub(lambda m: m[1] + absolute(m[2]) + m[3], source)
    if count:
        nbformat.write(nb, notebook)
    return count


def _published_leaks(pub: Publication) -> tuple[list[leakcheck.Leak], leakcheck.Secrets]:
    course, dest, cfg = pub.course, pub.dest, settings()
    leaks = [leakcheck.Leak(dest / p, "path", "excluded path was published")
             for p in cfg.publish_exclude if (dest / p).exists()]
    for name in source_assignments(course):
        leaks += leakcheck.check_release(source=course.source_dir(name), release=dest / "assignments" / name,
                                         instructor_only=cfg.instructor_only)
    secrets = leakcheck.gather_secrets(sources=sorted(course.solutions.glob("*/*.ipynb")),
                                       public_code=[course.root / p for p in cfg.publish_public_code])
    return leaks + leakcheck.check_tree(root=dest, secrets=secrets), secrets


def _fail_on(leaks: list[leakcheck.Leak], *, what: str, echo) -> None:
    if leaks:
        for leak in leaks:
            echo(f"LEAK {leak}")
        raise LeakError(f"leak check failed for {what}: {len(leaks)} problem(s), first: {leaks[0]}")


def _under(rel: Path, paths: tuple[str, ...]) -> bool:
    return any(rel.parts[:len(Path(p).parts)] == Path(p).parts for p in paths)


def _excluded(rel: Path, exclude: tuple[str, ...]) -> bool:
    return any(part in ALWAYS_SKIP for part in rel.parts) or _under(rel, exclude)


def _copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dst)


def _repository_files(root: Path) -> list[Path]:
    """Files under ``root`` that git would publish (tracked or not ignored); a plain walk without git."""
    probe = subprocess.run(["git", "-C", str(root), "rev-parse", "--show-prefix"], capture_output=True, text=True)
    if probe.returncode == 0:
        out = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard",
                              "--", "."], capture_output=True, check=True).stdout.decode()
        files = [Path(p) for p in out.split("\0") if p]  # relative to root (git prints paths relative to -C)
        return sorted(p for p in set(files) if (root / p).is_file())
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())
