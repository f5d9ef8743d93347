"""The leak check: nothing of a solution or a hidden test reaches what students get.

Two checks, both exact enough to fail a command on:

- :func:`check_release` compares a released assignment with its nbgrader source. A line of the release
  that, in the source, only exists inside a solution or hidden-test region is a leak (a rubric line, which
  sits inside a solution region between mark-scheme delimiters, is named as one: :mod:`rubric`); so are
  nbgrader's markers anywhere in the file, stored outputs, and instructor-only files.
- :func:`check_tree` runs :data:`TREE_CHECKS` over every text file of a published tree: nbgrader's markers in
  notebooks, and three consecutive lines of any solution or hidden-test region (a copied answer or test).

One exception, and only for hidden tests: a hidden test may keep its own copy of a tool the course publishes on
purpose (the numeric gradient of ``dlcourse.reference.gradcheck``, so a student cannot patch the one the test
uses). Lines of a hidden-test region that are also in such a *public code* file (``publish_public_code``) are not
a leak. A solution line is a leak wherever it appears, public code or not.

To check something new in every published file, add a function ``(path, lines, secrets) -> list[Leak]`` to
:data:`TREE_CHECKS`.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "BEGIN MARK SCHEME",
           "END MARK SCHEME")
STUB_LINES = {"# YOUR CODE HERE", "raise NotImplementedError()", "YOUR ANSWER HERE"}
TEXT_SUFFIXES = {".py", ".ipynb", ".md", ".txt", ".json", ".yml", ".yaml", ".toml", ".cfg", ".html", ".in"}
TEXT_NAMES = {"Makefile", ".gitignore"}
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


SOLUTION, HIDDEN, RUBRIC = "solution", "hidden test", "rubric"


@dataclass(frozen=True)
class Region:
    """A solution, hidden-test or rubric region of a source notebook: its kind and its normalized non-blank lines."""

    kind: str  # SOLUTION, HIDDEN or RUBRIC
    lines: list[str]


def marked_regions(nb: nbformat.NotebookNode) -> list[Region]:
    """Solution, hidden-test and rubric regions of a source notebook, in order.

    A solution cell without BEGIN/END SOLUTION markers is a region as a whole (nbgrader replaces all of it). A
    rubric (BEGIN/END MARK SCHEME inside a solution region) is a region of its own, its lines not in the solution's.
    """
    found = []
    for cell in nb.cells:
        lines = cell.source.split("\n")
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and not any("BEGIN SOLUTION" in ln for ln in lines):
            found.append(Region(SOLUTION, [normalized(ln) for ln in lines if ln.strip()]))
            continue
        current: list[str] | None = None
        rubric: list[str] | None = None
        kind = SOLUTION
        for ln in lines:
            if "BEGIN SOLUTION" in ln or "BEGIN HIDDEN TESTS" in ln:
                current, kind = [], (SOLUTION if "BEGIN SOLUTION" in ln else HIDDEN)
            elif "END SOLUTION" in ln or "END HIDDEN TESTS" in ln:
                if current:
                    found.append(Region(kind, current))
                current = None
            elif "BEGIN MARK SCHEME" in ln:
                rubric = []
            elif "END MARK SCHEME" in ln:
                if rubric:
                    found.append(Region(RUBRIC, rubric))
                rubric = None
            elif rubric is not None and ln.strip():
                rubric.append(normalized(ln))
            elif current is not None and ln.strip():
                current.append(normalized(ln))
    return found


def public_blocks(nb: nbformat.NotebookNode) -> list[list[str]]:
    """Per cell, the normalized non-blank lines outside every solution and hidden-test region: what the released
    notebook shows the student (public tests included)."""
    blocks = []
    for cell in nb.cells:
        lines = cell.source.split("\n")
        if cell.metadata.get("nbgrader", {}).get("solution") and not any("BEGIN SOLUTION" in ln for ln in lines):
            continue
        block: list[str] = []
        inside = False
        for ln in lines:
            if "BEGIN SOLUTION" in ln or "BEGIN HIDDEN TESTS" in ln:
                inside = True
            elif "END SOLUTION" in ln or "END HIDDEN TESTS" in ln:
                inside = False
            elif not inside and ln.strip():
                block.append(normalized(ln))
        blocks.append(block)
    return blocks


def regions(nb: nbformat.NotebookNode) -> list[list[str]]:
    """The lines of every solution, hidden-test and rubric region (see :func:`marked_regions`)."""
    return [r.lines for r in marked_regions(nb)]


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
        src = nbformat.read(src_path, as_version=4) if src_path.exists() else None
        secrets = secret_lines(src) if src is not None else set()
        rubric = {ln for r in marked_regions(src) if r.kind == RUBRIC for ln in r.lines} if src is not None else set()
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count")):
                leaks.append(Leak(path, f"cell {i}", "stored outputs or execution count"))
            for ln in cell.source.split("\n"):
                if normalized(ln) in secrets:
                    what = "rubric line" if normalized(ln) in rubric else "solution/hidden-test line"
                    leaks.append(Leak(path, f"cell {i}", f"{what} {ln.strip()[:80]!r}"))
    return leaks + released_file_leaks(source=source, release=release)


@dataclass
class Secrets:
    """What must not appear in a published file, gathered once from the source notebooks.

    ``windows`` maps every run of :data:`WINDOW` consecutive region lines (long enough to be distinctive) to
    the region's kind and notebook; hidden-test runs that are also in a public code file are left out.
    """

    windows: dict[tuple[str, ...], tuple[str, str]] = field(default_factory=dict)
    excused: int = 0  # hidden-test windows left out because they are public code


def _windows(lines: list[str]) -> list[tuple[str, ...]]:
    runs = (tuple(lines[k:k + WINDOW]) for k in range(len(lines) - WINDOW + 1))
    return [w for w in runs if sum(map(len, w)) >= MIN_WINDOW_CHARS]


def gather_secrets(*, sources: Sequence[Path], public_code: Sequence[Path] = ()) -> Secrets:
    """:class:`Secrets` of the source notebooks ``sources``; ``public_code`` files and the public part of every
    source (what its release shows, e.g. a public test that mirrors a hidden one) excuse hidden-test lines only."""
    public: set[tuple[str, ...]] = set()
    for path in public_code:
        lines = _text_lines(path) or []
        public.update(_windows([normalized(ln) for ln in lines if ln.strip()]))
    notebooks = [(src, nbformat.read(src, as_version=4)) for src in sources]
    for _, nb in notebooks:
        for block in public_blocks(nb):
            public.update(_windows(block))
    secrets = Secrets()
    for src, nb in notebooks:
        for region in marked_regions(nb):
            for w in _windows(region.lines):
                if region.kind == HIDDEN and w in public:
                    secrets.excused += 1
                    continue
                if secrets.windows.get(w, (None,))[0] != SOLUTION:  # a solution run stays a solution run
                    secrets.windows[w] = (region.kind, src.name)
    return secrets


def nbgrader_markers(path: Path, lines: list[str], secrets: Secrets) -> list[Leak]:
    """nbgrader's solution and hidden-test markers in a published notebook."""
    if path.suffix != ".ipynb":
        return []
    joined = "\n".join(lines)
    return [Leak(path, "text", f"nbgrader marker {m!r}") for m in MARKERS if m in joined]


def copied_regions(path: Path, lines: list[str], secrets: Secrets) -> list[Leak]:
    """The first run of :data:`WINDOW` lines of a solution or hidden-test region found in the file."""
    normed = [normalized(ln) for ln in lines if ln.strip()]
    for k in range(len(normed) - WINDOW + 1):
        hit = secrets.windows.get(tuple(normed[k:k + WINDOW]))
        if hit:
            kind, notebook = hit
            return [Leak(path, f"line ~{k + 1}",
                         f"copied solution/hidden-test lines ({kind} of {notebook}) {normed[k][:60]!r}…")]
    return []


# Every published text file goes through each of these, in order.
TREE_CHECKS: tuple[Callable[[Path, list[str], Secrets], list[Leak]], ...] = (nbgrader_markers, copied_regions)


def check_tree(*, root: Path, sources: Sequence[Path] = (), public_code: Sequence[Path] = (),
               secrets: Secrets | None = None) -> list[Leak]:
    """Leaks anywhere in a published tree ``root``, against the source notebooks ``sources``.

    ``public_code``: files whose lines a hidden test may share without that being a leak (see the module doc).
    ``secrets``: already gathered by :func:`gather_secrets` (then ``sources`` and ``public_code`` are not read).
    """
    if secrets is None:
        secrets = gather_secrets(sources=sources, public_code=public_code)
    leaks: list[Leak] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and ".git" not in p.relative_to(root).parts):
        if path.suffix not in TEXT_SUFFIXES and path.name not in TEXT_NAMES:
            continue
        lines = _text_lines(path)
        if lines is None:
            continue
        for check in TREE_CHECKS:
            leaks += check(path, lines, secrets)
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


# ── every released file, not only the notebooks: instructor notes, hidden numbers, example answers ─────────────
# A released file (a README as much as a notebook) must not say what only the instructor should read. Three
# kinds of leak, each found from the source notebooks, so no list of secrets has to be kept by hand:
#   - an instructor note: a line that says it is for instructors ("강사용", "instructor only", "예시 답안") or for
#     the grader ("채점자용": the label of the rubric cells grading adds, dlcourse.grading.rubric);
#   - a number that, in the source, only hidden tests hold (a hidden seed, budget or threshold), written in any
#     other released file; numbers with fewer than three significant digits are too common to tell;
#   - an example answer: at least ANSWER_TERMS words or numbers of a manually graded answer's model text that
#     the released notebook never uses, together in one file.
INSTRUCTOR_NOTE = re.compile(r"강사용|예시 답안|채점자용|instructor[ -]only|for instructors|model answer|"
                             r"for the grader", re.IGNORECASE)
NUMBER = re.compile(r"(?<![A-Za-z_\d.])\d[\d,_]*(?:\.\d+)?(?![A-Za-z_\d])")
WORD = re.compile(r"[가-힣]{2,}|[A-Za-z]{3,}")
ANSWER_TERMS = 4


def numbers_in(text: str) -> set[str]:
    """Numbers of ``text`` with three or more digits besides leading zeros ("1,500" → "1500", "0.8110" → "0.811")."""
    out = set()
    for m in NUMBER.finditer(text):
        norm = m.group(0).rstrip(",_").replace(",", "").replace("_", "")
        if "." in norm:
            norm = norm.rstrip("0").rstrip(".")
        if len(norm.replace(".", "").lstrip("0")) >= 3:
            out.add(norm)
    return out


def terms_in(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(text)} | numbers_in(text)


def _region_text(nb: nbformat.NotebookNode, *, hidden: bool, markdown_only: bool = False) -> str:
    """The text inside hidden-test regions (``hidden``) or solution regions of a source notebook."""
    begin, end = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS") if hidden else ("BEGIN SOLUTION", "END SOLUTION")
    out = []
    for cell in nb.cells:
        if markdown_only and cell.cell_type != "markdown":
            continue
        inside = False
        for ln in cell.source.split("\n"):
            if begin in ln:
                inside = True
            elif end in ln:
                inside = False
            elif inside:
                out.append(ln)
    return "\n".join(out)


def released_file_leaks(*, source: Path, release: Path) -> list[Leak]:
    """Instructor notes, hidden-test numbers and example answers in any text file of the release folder."""
    sources = [nbformat.read(p, as_version=4) for p in sorted(source.glob("*.ipynb"))]
    released = "\n".join(c.source for p in sorted(release.glob("*.ipynb"))
                         for c in nbformat.read(p, as_version=4).cells)
    hidden_numbers = set().union(*(numbers_in(_region_text(nb, hidden=True)) for nb in sources)) - numbers_in(released)
    answer_terms = set().union(*(terms_in(_region_text(nb, hidden=False, markdown_only=True)) for nb in sources))
    answer_terms -= terms_in(released)
    leaks: list[Leak] = []
    for path in sorted(p for p in release.rglob("*") if p.is_file() and p.suffix in TEXT_SUFFIXES):
        lines = _text_lines(path) or []
        for i, ln in enumerate(lines, 1):
            note = INSTRUCTOR_NOTE.search(ln)
            if note:
                leaks.append(Leak(path, f"line {i}", f"instructor note {note.group(0)!r}: {ln.strip()[:80]!r}"))
        if path.suffix == ".ipynb":
            continue  # the notebook itself is compared with its source line by line (check_release)
        text = "\n".join(lines)
        for number in sorted(numbers_in(text) & hidden_numbers):
            leaks.append(Leak(path, "text", f"{number} appears only in hidden tests (a seed, budget or threshold)"))
        found = sorted(terms_in(text) & answer_terms)
        if len(found) >= ANSWER_TERMS:
            leaks.append(Leak(path, "text", f"words of an example answer: {', '.join(found[:8])}"))
    return leaks
