"""The leak check: nothing of a solution or a hidden test reaches what students get.

Two checks, both exact enough to fail a command on:

- :func:`check_release` compares a released assignment with its nbgrader source. A line of the release
  that, in the source, only exists inside a solution or hidden-test region is a leak; so are nbgrader's
  markers anywhere in the file, stored outputs, and instructor-only files.
- :func:`check_tree` looks through every text file of a published tree for three consecutive lines of any
  solution or hidden-test region (a copied answer), and for nbgrader's markers in notebooks.
"""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
STUB_LINES = {"# YOUR CODE HERE", "raise NotImplementedError()", "YOUR ANSWER HERE"}
TEXT_SUFFIXES = {".py", ".ipynb", ".md", ".txt", ".json", ".yml", ".yaml", ".toml", ".cfg", ".html"}
WINDOW = 3  # consecutive lines that make a copied answer
MIN_WINDOW_CHARS = 30


@dataclass(frozen=True)
class Leak:
    """One problem: the file, where in it, and what leaked (one line)."""

    path: Path
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.path}: {self.where}: {self.what}"


def normalized(line: str) -> str:
    return " ".join(line.split())


def regions(nb: nbformat.NotebookNode) -> list[list[str]]:
    """Solution and hidden-test regions of a source notebook, each as its normalized non-blank lines.

    A solution cell without BEGIN/END SOLUTION markers is a region as a whole (nbgrader replaces all of it).
    """
    found = []
    for cell in nb.cells:
        lines = cell.source.split("\n")
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and not any("BEGIN SOLUTION" in ln for ln in lines):
            found.append([normalized(ln) for ln in lines if ln.strip()])
            continue
        current: list[str] | None = None
        for ln in lines:
            if "BEGIN SOLUTION" in ln or "BEGIN HIDDEN TESTS" in ln:
                current = []
            elif "END SOLUTION" in ln or "END HIDDEN TESTS" in ln:
                if current:
                    found.append(current)
                current = None
            elif current is not None and ln.strip():
                current.append(normalized(ln))
    return found


def secret_lines(nb: nbformat.NotebookNode) -> set[str]:
    """Lines that, in the source notebook, exist only inside solution or hidden-test regions."""
    inside = {ln for region in regions(nb) for ln in region}
    everywhere: dict[str, int] = {}
    for cell in nb.cells:
        for ln in cell.source.split("\n"):
            everywhere[normalized(ln)] = everywhere.get(normalized(ln), 0) + 1
    in_regions: dict[str, int] = {}
    for region in regions(nb):
        for ln in region:
            in_regions[ln] = in_regions.get(ln, 0) + 1
    outside = {ln for ln, n in everywhere.items() if n > in_regions.get(ln, 0)}
    return {ln for ln in inside - outside - STUB_LINES if not any(m in ln for m in MARKERS)}


def is_instructor_only(relpath: Path, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatch(part, pat) for part in relpath.parts for pat in patterns)


def check_release(*, source: Path, release: Path, instructor_only: tuple[str, ...]) -> list[Leak]:
    """Leaks in the released assignment folder ``release`` generated from the source folder ``source``."""
    leaks: list[Leak] = []
    if not release.is_dir():
        return [Leak(release, "folder", "missing: nothing was released")]
    for path in sorted(p for p in release.rglob("*") if p.is_file()):
        rel = path.relative_to(release)
        if is_instructor_only(rel, instructor_only):
            leaks.append(Leak(path, "file", "instructor-only file in the release"))
        if path.suffix != ".ipynb":
            continue
        text = path.read_text(encoding="utf-8")
        for marker in MARKERS:
            if marker in text:
                leaks.append(Leak(path, "text", f"nbgrader marker {marker!r}"))
        nb = nbformat.reads(text, as_version=4)
        src_path = source / rel
        secrets = secret_lines(nbformat.read(src_path, as_version=4)) if src_path.exists() else set()
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count")):
                leaks.append(Leak(path, f"cell {i}", "stored outputs or execution count"))
            for ln in cell.source.split("\n"):
                if normalized(ln) in secrets:
                    leaks.append(Leak(path, f"cell {i}", f"solution/hidden-test line {ln.strip()[:80]!r}"))
    return leaks


def check_tree(*, root: Path, sources: list[Path]) -> list[Leak]:
    """Leaks anywhere in a published tree ``root``, against the source notebooks ``sources``."""
    windows: set[tuple[str, ...]] = set()
    for src in sources:
        for region in regions(nbformat.read(src, as_version=4)):
            for k in range(len(region) - WINDOW + 1):
                w = tuple(region[k:k + WINDOW])
                if sum(map(len, w)) >= MIN_WINDOW_CHARS:
                    windows.add(w)
    leaks: list[Leak] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and ".git" not in p.relative_to(root).parts):
        if path.suffix not in TEXT_SUFFIXES:
            continue
        lines = _text_lines(path)
        if lines is None:
            continue
        if path.suffix == ".ipynb":
            joined = "\n".join(lines)
            leaks += [Leak(path, "text", f"nbgrader marker {m!r}") for m in MARKERS if m in joined]
        normed = [normalized(ln) for ln in lines if ln.strip()]
        for k in range(len(normed) - WINDOW + 1):
            if tuple(normed[k:k + WINDOW]) in windows:
                leaks.append(Leak(path, f"line ~{k + 1}", f"copied solution/hidden-test lines {normed[k][:60]!r}…"))
                break
    return leaks


def _text_lines(path: Path) -> list[str] | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return None
    if path.suffix == ".ipynb":
        try:
            cells = json.loads(text).get("cells", [])
        except (json.JSONDecodeError, AttributeError):
            return text.splitlines()
        out: list[str] = []
        for cell in cells:
            src = cell.get("source", "")
            out += ("".join(src) if isinstance(src, list) else str(src)).split("\n")
        return out
    return re.split(r"\r?\n", text)
