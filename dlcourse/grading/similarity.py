"""``dlcourse similarity A``: how alike every pair of collected submissions is, on what the students wrote.

Only the answer cells count (nbgrader ``solution`` cells), and in them only the lines the release did not
already hold, so a shared scaffold (``def f(x):``, docstrings, ``# YOUR CODE HERE``) never makes two
students alike. Code answers are compared with copydetect's winnowing (the MOSS method): the code is
tokenized, names become ``V``/``F``, comments and layout are dropped, and the k-gram fingerprints that survive
the winnowing window are intersected; fingerprints of the released code are excluded as boilerplate. A pair's
code score is the mean of the two shares of fingerprinted tokens found in the other, so renamed variables,
edited comments and functions in another order still match. Written answers (markdown answer cells) are
compared by the Jaccard index of their character 5-gram sets after NFC, lower case and collapsed spaces.
A pair's score is the larger of its code and text scores (copying either part is the signal).

Writes autograde/reports/A-similarity.json (``[{"a", "b", "score", "code", "text", "cells"}]``, highest
first) and A-similarity.html (the top pairs side by side, copied code marked, and a heatmap). It never touches
a score or the gradebook.
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import json
import re
import time
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from dlcourse.grading.course import Course

K, WINDOW = 20, 4  # copydetect's k-gram length (characters of filtered code) and winnowing window
SHINGLE = 5  # characters per shingle of written answers
TOP = 20  # pairs shown side by side in the HTML page


@dataclass
class Answers:
    """One submission's answers: per answer cell (grade_id) the student's own code or text."""

    student: str
    code: dict[str, str] = field(default_factory=dict)
    text: dict[str, str] = field(default_factory=dict)

    @property
    def all_code(self) -> str:
        return "\n\n".join(self.code[k] for k in sorted(self.code))


@dataclass
class Pair:
    a: str
    b: str
    score: float
    code: float
    text: float
    cells: list[dict] = field(default_factory=list)


def scaffold(release: nbformat.NotebookNode) -> dict[str, str]:
    """The released text of each answer cell, by grade_id."""
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in release.cells
            if c.metadata.get("nbgrader", {}).get("solution")}


def own_lines(source: str, released: str) -> str:
    """``source`` without the lines the release already had (compared stripped) and without blank lines."""
    given = {line.strip() for line in released.splitlines()}
    return "\n".join(line for line in source.splitlines() if line.strip() and line.strip() not in given)


def answers(notebooks: list[Path], releases: dict[str, nbformat.NotebookNode], student: str) -> Answers:
    out = Answers(student)
    for path in notebooks:
        release = releases.get(path.name)
        if release is None:
            continue
        given = scaffold(release)
        for c in nbformat.read(path, as_version=4).cells:
            gid = c.metadata.get("nbgrader", {}).get("grade_id")
            if gid not in given or not c.metadata["nbgrader"].get("solution"):
                continue
            mine = own_lines(c.source, given[gid])
            if not mine.strip():
                continue
            (out.code if c.cell_type == "code" else out.text)[f"{path.stem}/{gid}"] = mine
    return out


def _fingerprint(code: str, boilerplate):
    from copydetect import CodeFingerprint

    return CodeFingerprint("answer.py", K, WINDOW, boilerplate=boilerplate, fp=io.StringIO(code))


def _boilerplate(code: str):
    import numpy as np

    return np.array(sorted(_fingerprint(code, None).hashes), dtype=np.int64) if code.strip() else None


def _code_similarity(f1, f2) -> tuple[float, tuple]:
    from copydetect import compare_files

    if not f1.hashes or not f2.hashes:
        return 0.0, ((), ())
    _, (s1, s2), slices = compare_files(f1, f2)
    return float(s1 + s2) / 2, slices


def shingles(text: str) -> set[str]:
    t = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).lower()).strip()
    return {t[i:i + SHINGLE] for i in range(max(0, len(t) - SHINGLE + 1))}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def compare(subs: list[Answers], *, boilerplate_code: str = "") -> list[Pair]:
    """Every pair of ``subs``, highest score first."""
    boiler = _boilerplate(boilerplate_code)
    whole = {s.student: _fingerprint(s.all_code, boiler) for s in subs}
    cells = {(s.student, k): _fingerprint(v, boiler) for s in subs for k, v in s.code.items()}
    texts = {s.student: shingles("\n".join(s.text[k] for k in sorted(s.text))) for s in subs}
    text_cells = {(s.student, k): shingles(v) for s in subs for k, v in s.text.items()}
    pairs = []
    for x, y in itertools.combinations(sorted(subs, key=lambda s: s.student), 2):
        code, _ = _code_similarity(whole[x.student], whole[y.student])
        text = jaccard(texts[x.student], texts[y.student])
        detail = []
        for k in sorted(set(x.code) & set(y.code)):
            detail.append({"cell": k, "kind": "code",
                           "score": round(_code_similarity(cells[(x.student, k)], cells[(y.student, k)])[0], 4)})
        for k in sorted(set(x.text) & set(y.text)):
            detail.append({"cell": k, "kind": "text",
                           "score": round(jaccard(text_cells[(x.student, k)], text_cells[(y.student, k)]), 4)})
        detail.sort(key=lambda d: -d["score"])
        pairs.append(Pair(x.student, y.student, round(max(code, text), 4), round(code, 4), round(text, 4), detail))
    pairs.sort(key=lambda p: (-p.score, p.a, p.b))
    return pairs


def load(course: Course, assignment: str) -> tuple[list[Answers], str]:
    """The answers of every collected submission of ``assignment``, and the released code (boilerplate)."""
    names = course.notebook_names(assignment)
    releases = {n: nbformat.read(course.release_dir(assignment) / n, as_version=4) for n in names}
    released_code = "\n\n".join(c.source for nb in releases.values() for c in nb.cells if c.cell_type == "code")
    subs = []
    for folder in sorted(course.submitted.glob(f"*/{assignment}")):
        notebooks = sorted(folder.glob("*.ipynb"))
        if notebooks:
            subs.append(answers(notebooks, releases, folder.parent.name))
    return subs, released_code


def similarity(*, assignment: str, course: Course, top: int = TOP, echo=print) -> list[Pair]:
    subs, released = load(course, assignment)
    if len(subs) < 2:
        raise FileNotFoundError(f"fewer than two collected submissions of {assignment}; run `dlcourse collect` first")
    start = time.perf_counter()
    pairs = compare(subs, boilerplate_code=released)
    seconds = time.perf_counter() - start
    course.reports.mkdir(parents=True, exist_ok=True)
    out_json = course.reports / f"{assignment}-similarity.json"
    out_json.write_text(json.dumps([asdict(p) for p in pairs], indent=1, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    out_html = course.reports / f"{assignment}-similarity.html"
    out_html.write_text(page(pairs, subs, assignment=assignment, top=top, boilerplate_code=released),
                        encoding="utf-8")
    echo(f"compared {len(pairs)} pairs of {len(subs)} submissions of {assignment} in {seconds:.1f} s; "
         f"report: {out_json}, {out_html}")
    for p in pairs[:5]:
        echo(f"  {p.score:.2f}  {p.a} ↔ {p.b} (code {p.code:.2f}, text {p.text:.2f})")
    return pairs


def page(pairs: list[Pair], subs: list[Answers], *, assignment: str, top: int, boilerplate_code: str) -> str:
    by = {s.student: s for s in subs}
    boiler = _boilerplate(boilerplate_code)
    parts = [f"<!doctype html><meta charset='utf-8'><title>{html.escape(assignment)} 유사도</title>",
             "<style>body{font-family:sans-serif} pre{white-space:pre-wrap;font-size:12px;background:#f6f6f6;"
             "padding:6px} .hl{background:#ffd27f} td{vertical-align:top;width:50%}</style>",
             f"<h1>{html.escape(assignment)}: 제출물 유사도 (similarity)</h1>",
             "<p>답 셀에서 배포본에 없던 줄만 비교합니다. 점수는 점수표를 바꾸지 않습니다; 높은 쌍은 사람이 읽고 "
             "판단하세요.</p>", f"<img alt='유사도 히트맵' src='data:image/png;base64,{heatmap(pairs, subs)}'>",
             f"<h2>상위 {min(top, len(pairs))}쌍</h2>"]
    for p in pairs[:top]:
        x, y = by[p.a], by[p.b]
        f1, f2 = _fingerprint(x.all_code, boiler), _fingerprint(y.all_code, boiler)
        _, slices = _code_similarity(f1, f2)
        left = _marked(x.all_code, slices[0]) if len(slices[0]) else html.escape(x.all_code)
        right = _marked(y.all_code, slices[1]) if len(slices[1]) else html.escape(y.all_code)
        text_a = html.escape("\n\n".join(x.text[k] for k in sorted(x.text)))
        text_b = html.escape("\n\n".join(y.text[k] for k in sorted(y.text)))
        cells = ", ".join(f"{c['cell']} {c['score']:.2f}" for c in p.cells[:6])
        parts.append(f"<h3>{p.score:.2f}: {html.escape(p.a)} ↔ {html.escape(p.b)} (코드 {p.code:.2f}, "
                     f"글 {p.text:.2f})</h3><p>{html.escape(cells)}</p><table><tr><td><pre>{left}</pre>"
                     f"<pre>{text_a}</pre></td><td><pre>{right}</pre><pre>{text_b}</pre></td></tr></table>")
    return "\n".join(parts) + "\n"


def _marked(code: str, slices) -> str:
    out, pos = [], 0
    for start, end in sorted(zip(slices[0], slices[1], strict=True)):
        start, end = max(int(start), pos), int(end)
        if end <= start:
            continue
        out += [html.escape(code[pos:start]), "<span class='hl'>", html.escape(code[start:end]), "</span>"]
        pos = end
    out.append(html.escape(code[pos:]))
    return "".join(out)


def heatmap(pairs: list[Pair], subs: list[Answers]) -> str:
    """A students × students heatmap of the scores, as base64 PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    import dlcourse.plots  # noqa: F401  (Korean fonts)

    ids = sorted(s.student for s in subs)
    index = {s: i for i, s in enumerate(ids)}
    m = np.eye(len(ids))
    for p in pairs:
        m[index[p.a], index[p.b]] = m[index[p.b], index[p.a]] = p.score
    size = min(12, 3 + len(ids) * 0.15)
    fig, ax = plt.subplots(figsize=(size, size * 0.85), dpi=80)
    im = ax.imshow(m, vmin=0, vmax=1, cmap="viridis")
    if len(ids) <= 40:
        ax.set_xticks(range(len(ids)), ids, rotation=90, fontsize=7)
        ax.set_yticks(range(len(ids)), ids, fontsize=7)
    ax.set_xlabel("학생")
    ax.set_ylabel("학생")
    ax.set_title("제출물 쌍별 유사도")
    fig.colorbar(im, ax=ax, label="유사도 (0–1)")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()
