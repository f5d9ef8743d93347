"""autograde/reports/<A>.json (format in DESIGN.md, "Report format"; read by tools, keep it stable),
with a human summary beside it: <A>.md (a table) and <A>.png (a score histogram).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

STATUSES = ("graded", "timeout", "memory_limit", "crashed", "invalid")


@dataclass
class Row:
    """One submission (student and notebook) in the report; field order is the JSON's key order."""

    student: str
    notebook: str
    status: str
    score: float
    max_score: float
    repaired: bool = False
    flags: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    seconds: float = 0.0
    sha256: str = ""
    # added with `grade --cluster` (older reports lack them): where and how the job ran, for sizing a cluster
    worker: str = ""  # "local" (the local pool) or the Dask worker's address
    times: dict = field(default_factory=dict)  # seconds: queued, transfer, grading, cpu (CPU-seconds)
    peak_mb: float = 0.0  # peak resident memory of the kernel's process tree
    late_penalty: float = 0.0  # points nbgrader's late-penalty step took (score is before it)


def write_report(rows: list[Row], *, folder: Path, assignment: str) -> list[Path]:
    """Write <A>.json, <A>.md and <A>.png into ``folder``; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{assignment}.json", folder / f"{assignment}.md", folder / f"{assignment}.png"]
    _atomic_text(paths[0], json.dumps([asdict(r) for r in rows], indent=1, ensure_ascii=False) + "\n")
    _atomic_text(paths[1], summary_markdown(rows, assignment=assignment))
    histogram(rows, path=paths[2], assignment=assignment)
    return paths


def read_report(path: Path) -> list[Row]:
    return [Row(**r) for r in json.loads(path.read_text(encoding="utf-8"))]


def table(rows: list[Row]) -> str:
    """A plain-text grade table for the terminal (``late``: the late penalty, taken from ``score``)."""
    head = ("student", "notebook", "status", "score", "late", "repaired", "flags", "seconds")
    lines = [head] + [(r.student, r.notebook, r.status, f"{r.score:g}/{r.max_score:g}",
                       f"−{r.late_penalty:g}" if r.late_penalty else "", "yes" if r.repaired else "",
                       ",".join(f.removeprefix("suspicious:") for f in r.flags), f"{r.seconds:.1f}") for r in rows]
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(head))]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    out = [fmt.format(*lines[0]), fmt.format(*("-" * w for w in widths))]
    out += [fmt.format(*line) for line in lines[1:]]
    return "\n".join(out) + "\n" + status_line(rows)


def status_line(rows: list[Row]) -> str:
    counts = Counter(r.status for r in rows)
    return f"{len(rows)} submissions: " + ", ".join(f"{counts[s]} {s}" for s in STATUSES if counts[s])


def summary_markdown(rows: list[Row], *, assignment: str) -> str:
    lines = [f"# {assignment}: 채점 결과 (grading report)", "", status_line(rows), "",
             f"![score histogram]({assignment}.png)", "",
             "| student | notebook | status | score | repaired | flags | seconds | messages |",
             "|---|---|---|---:|---|---|---:|---|"]
    for r in rows:
        msgs = "<br>".join(m.replace("|", "\\|") for m in r.messages)
        lines.append(f"| {r.student} | {r.notebook} | {r.status} | {r.score:g}/{r.max_score:g} | "
                     f"{'yes' if r.repaired else ''} | {', '.join(r.flags)} | {r.seconds:.1f} | {msgs} |")
    return "\n".join(lines) + "\n"


def histogram(rows: list[Row], *, path: Path, assignment: str) -> None:
    """A small PNG: share of the maximum score per submission, graded ones and the rest side by side."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    graded = [100 * r.score / r.max_score for r in rows if r.max_score and r.status == "graded"]
    other = [100 * r.score / r.max_score for r in rows if r.max_score and r.status != "graded"]
    fig, ax = plt.subplots(figsize=(5, 3), dpi=80)
    ax.hist([graded, other], bins=range(0, 101, 10), stacked=True, label=["graded", "timeout/crash/invalid"],
            color=["#4c72b0", "#c44e52"])
    ax.set(xlabel="score (% of maximum)", ylabel="submissions", title=f"{assignment} ({len(rows)} submissions)")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(fontsize=8)
    fig.tight_layout()
    tmp = path.with_name(path.stem + ".tmp.png")
    fig.savefig(tmp)
    plt.close(fig)
    os.replace(tmp, path)


def _atomic_text(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
