"""``dlcourse release``: solutions/A → assignments/A with nbgrader, then the leak check; ``--publish DIR``
writes the student-facing repository and checks it too.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from dlcourse.config import settings
from dlcourse.grading import leakcheck, nbgrader_bridge
from dlcourse.grading.course import Course

PUBLISH_MARK = ".dlcourse-published"
# Never published, whatever git says (build output and environments).
ALWAYS_SKIP = {".git", ".venv", "build", "__pycache__", ".ipynb_checkpoints", ".pytest_cache", ".ruff_cache"}


class LeakError(RuntimeError):
    """The leak check found something; the message gives the count and the first problem."""


def source_assignments(course: Course) -> list[str]:
    """Assignments with an nbgrader source notebook in solutions/."""
    return sorted(p.parent.name for p in course.solutions.glob("*/*.ipynb"))


def release(*, course: Course, assignments: list[str] | None = None, publish: Path | None = None,
            echo=print) -> None:
    """Generate ``assignments`` (default: all in solutions/) and leak-check them; optionally publish.

    Raises :class:`LeakError` when the check finds anything (every problem is echoed first).
    """
    names = assignments or source_assignments(course)
    if not names:
        raise FileNotFoundError(f"no assignments in {course.solutions}")
    config = nbgrader_bridge.course_config(course)
    course.gradebook.parent.mkdir(parents=True, exist_ok=True)
    for name in names:
        if not any(course.source_dir(name).glob("*.ipynb")):
            raise FileNotFoundError(f"no source notebook in {course.source_dir(name)}")
        run = nbgrader_bridge.generate_assignment(config, assignment=name)
        if not run.ok:
            raise RuntimeError(f"nbgrader generate_assignment {name} failed: {run.error}")
        leaks = leakcheck.check_release(source=course.source_dir(name), release=course.release_dir(name),
                                        instructor_only=settings().instructor_only)
        _fail_on(leaks, what=f"assignments/{name}", echo=echo)
        notebooks = ", ".join(course.notebook_names(name))
        echo(f"released {name}: solutions/{name} → assignments/{name} ({notebooks}); leak check passed")
    if publish is not None:
        publish_tree(course=course, dest=publish, echo=echo)


def publish_tree(*, course: Course, dest: Path, echo=print) -> None:
    """Write the student-facing repository into ``dest`` and leak-check it.

    ``dest`` may be a clone of the public repository: its .git is kept, everything else is replaced.
    A non-empty ``dest`` that was not written by this function is refused.
    """
    dest = dest.resolve()
    if dest == course.root.resolve() or course.root.resolve() in dest.parents:
        raise ValueError(f"publish folder {dest} must be outside the course repository")
    if dest.exists() and any(p.name != ".git" for p in dest.iterdir()) and not (dest / PUBLISH_MARK).exists():
        raise ValueError(f"{dest} is not empty and was not written by `dlcourse release --publish`")
    dest.mkdir(parents=True, exist_ok=True)
    for p in dest.iterdir():
        if p.name != ".git":
            shutil.rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink()
    exclude = settings().publish_exclude
    patterns = settings().instructor_only
    copied = 0
    for rel in _repository_files(course.root):
        if _excluded(rel, exclude) or leakcheck.is_instructor_only(rel, patterns):
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(course.root / rel, target)
        copied += 1
    (dest / PUBLISH_MARK).write_text("written by `dlcourse release --publish`; replaced on every publish\n")
    leaks = _published_leaks(course=course, dest=dest, exclude=exclude)
    _fail_on(leaks, what=str(dest), echo=echo)
    echo(f"published {copied} files to {dest} (left out: {', '.join(exclude)}); leak check passed")


def _published_leaks(*, course: Course, dest: Path, exclude: tuple[str, ...]) -> list[leakcheck.Leak]:
    leaks = [leakcheck.Leak(dest / p, "path", "excluded path was published") for p in exclude if (dest / p).exists()]
    for name in source_assignments(course):
        leaks += leakcheck.check_release(source=course.source_dir(name), release=dest / "assignments" / name,
                                         instructor_only=settings().instructor_only)
    sources = sorted(course.solutions.glob("*/*.ipynb"))
    return leaks + leakcheck.check_tree(root=dest, sources=sources)


def _fail_on(leaks: list[leakcheck.Leak], *, what: str, echo) -> None:
    if leaks:
        for leak in leaks:
            echo(f"LEAK {leak}")
        raise LeakError(f"leak check failed for {what}: {len(leaks)} problem(s), first: {leaks[0]}")


def _excluded(rel: Path, exclude: tuple[str, ...]) -> bool:
    parts = rel.parts
    return any(part in ALWAYS_SKIP for part in parts) or any(
        parts[:len(Path(e).parts)] == Path(e).parts for e in exclude)


def _repository_files(root: Path) -> list[Path]:
    """Files of the repository that git would publish (tracked or not ignored); a plain walk without git."""
    if (root / ".git").exists():
        out = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             capture_output=True, check=True).stdout.decode()
        files = [Path(p) for p in out.split("\0") if p]
        return sorted(p for p in set(files) if (root / p).is_file())
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())
