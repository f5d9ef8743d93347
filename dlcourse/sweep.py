"""The seed sweep: run notebooks with other seeds and both CPU numeric paths, and report every check's margin.

``dlcourse execute --sweep N [--modes fast,full] [--onednn 0,1] [--jobs J] [NOTEBOOK…]`` runs each notebook
N times per mode and oneDNN setting, with ``DLCOURSE_SEED_OFFSET`` = 0…N−1 (:func:`dlcourse.seed.seed_everything`
adds it to the notebook's seed) and ``TF_ENABLE_ONEDNN_OPTS`` = 0/1 (TensorFlow's oneDNN kernels on or off:
another CPU takes other numeric paths, so a trained result must not depend on one). Every
:func:`dlcourse.checks.check` is recorded in soft mode (a failing check is logged and the notebook goes on), and
the table gives, per notebook, check and mode, the worst value over all runs next to its threshold.

Each run's result is kept in ``OUT/runs/*.json`` keyed by the notebook's code cells (comments aside), so a sweep
that was stopped resumes where it was; ``OUT/sweep.json`` and ``OUT/sweep.md`` hold the table.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import multiprocessing
import tempfile
import time
import tokenize
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from dlcourse.checks import CHECK_LOG_ENV, CHECK_SOFT_ENV
from dlcourse.seed import SEED_OFFSET_ENV

ONEDNN_ENV = "TF_ENABLE_ONEDNN_OPTS"


@dataclass(frozen=True)
class RunSpec:
    """One execution: a notebook, a mode, a oneDNN setting and a seed offset."""

    notebook: str
    mode: str  # "fast" | "full"
    onednn: str  # "0" | "1"
    offset: int

    @property
    def tag(self) -> str:
        return f"{Path(self.notebook).stem}-{self.mode}-onednn{self.onednn}-seed{self.offset}"


@dataclass
class RunResult:
    spec: RunSpec
    key: str
    ok: bool
    error: str
    seconds: float
    checks: list[dict] = field(default_factory=list)


@dataclass
class Row:
    """One line of the table: the worst run of one check in one mode."""

    notebook: str
    check: str
    mode: str
    op: str
    runs: int
    failures: int
    worst_value: float
    worst_threshold: float
    worst_margin: float
    worst_run: str

    @property
    def relative_margin(self) -> float | None:
        return self.worst_margin / abs(self.worst_threshold) if self.worst_threshold else None


def plan(notebooks: Iterable[Path], *, n: int, modes: Iterable[str], onednn: Iterable[str],
         first_seed: int = 0) -> list[RunSpec]:
    """Every run of the sweep, notebook by notebook (so partial results arrive per notebook); seed offsets
    ``first_seed`` … ``first_seed + n − 1`` (a later sweep can add seeds to an earlier one)."""
    if n < 1:
        raise ValueError(f"--sweep needs at least one seed, not {n}")
    if first_seed < 0:
        raise ValueError(f"--first-seed must be 0 or more, not {first_seed}")
    for m in modes:
        if m not in ("fast", "full"):
            raise ValueError(f"unknown mode {m!r} (fast or full)")
    for o in onednn:
        if o not in ("0", "1"):
            raise ValueError(f"unknown oneDNN setting {o!r} (0 or 1)")
    return [RunSpec(str(nb), m, o, k) for nb in notebooks for m in modes for o in onednn
            for k in range(first_seed, first_seed + n)]


def code_tokens(source: str | list[str]) -> list:
    """A code cell as Python tokens without comments and blank lines, so that rewording a comment keeps its key.

    A cell Python cannot tokenize (an IPython magic, unbalanced brackets) counts by its exact text.
    """
    text = "".join(source) if isinstance(source, list) else source
    try:
        return [[t.type, t.string] for t in tokenize.generate_tokens(io.StringIO(text).readline)
                if t.type not in (tokenize.COMMENT, tokenize.NL)]
    except (tokenize.TokenError, SyntaxError):
        return [text]


def code_hash(notebook: str | Path) -> str:
    """A notebook's code cells as tokens, hashed (outputs, markdown and comments do not count, so saving a full
    run's outputs or rewording the prose keeps the stored sweep valid)."""
    cells = json.loads(Path(notebook).read_text(encoding="utf-8")).get("cells", [])
    code = json.dumps([code_tokens(c.get("source", "")) for c in cells if c.get("cell_type") == "code"],
                      ensure_ascii=False)
    return hashlib.sha256(code.encode()).hexdigest()[:16]


def run_key(spec: RunSpec) -> str:
    """The run's identity: the notebook's :func:`code_hash` and the run's tag."""
    return f"{code_hash(spec.notebook)}-{spec.tag}"


def key_code(key: str) -> str:
    """The :func:`code_hash` part of a :func:`run_key`."""
    return key.split("-", 1)[0]


def run_one(spec: RunSpec, *, cell_timeout: int | None = None) -> RunResult:
    """Execute one run in a fresh kernel and read back its checks (soft mode: failures are recorded)."""
    from dlcourse.notebooks import NotebookExecutionError, execute_notebook

    key = run_key(spec)
    with tempfile.TemporaryDirectory(prefix="dlcourse-sweep-") as tmp:
        log = Path(tmp) / "checks.jsonl"
        env = {SEED_OFFSET_ENV: str(spec.offset), ONEDNN_ENV: spec.onednn, CHECK_LOG_ENV: str(log),
               CHECK_SOFT_ENV: "1"}
        start = time.perf_counter()
        try:
            execute_notebook(spec.notebook, fast=spec.mode == "fast", env=env, cell_timeout=cell_timeout)
            ok, error = True, ""
        except NotebookExecutionError as e:
            ok, error = False, str(e)
        seconds = time.perf_counter() - start
        checks = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []
    return RunResult(spec=spec, key=key, ok=ok, error=error, seconds=round(seconds, 1), checks=checks)


def sweep(notebooks: list[Path], *, n: int, modes: tuple[str, ...] = ("fast",), onednn: tuple[str, ...] = ("0", "1"),
          jobs: int = 1, out: Path, fresh: bool = False, cell_timeout: int | None = None,
          stored_only: bool = False, first_seed: int = 0, echo: Callable[[str], None] = print) -> list[RunResult]:
    """Run the sweep (``jobs`` runs at once), reusing stored runs of unchanged notebooks unless ``fresh``;
    ``stored_only`` runs nothing and tables the stored runs that match the notebooks' code cells."""
    specs = plan(notebooks, n=n, modes=modes, onednn=onednn, first_seed=first_seed)
    runs_dir = out / "runs"
    runs_dir.mkdir(parents=True, exist_ok=True)
    results: dict[RunSpec, RunResult] = {}
    todo = []
    for spec in specs:
        stored = runs_dir / f"{spec.tag}.json"
        if not fresh and stored.exists():
            data = json.loads(stored.read_text(encoding="utf-8"))
            if data.get("key") == run_key(spec):
                results[spec] = RunResult(spec=spec, **{k: v for k, v in data.items() if k != "spec"})
                continue
        todo.append(spec)
    if len(results):
        echo(f"reusing {len(results)} stored run(s) of unchanged notebooks (--fresh to run them again)")
    done = len(results)
    if stored_only:
        if todo:
            echo(f"{len(todo)} of {len(specs)} planned run(s) not stored for the current code; left out of the table")
        todo = []

    def keep(result: RunResult) -> None:
        nonlocal done
        done += 1
        results[result.spec] = result
        (runs_dir / f"{result.spec.tag}.json").write_text(
            json.dumps(asdict(result), ensure_ascii=False, indent=1), encoding="utf-8")
        failed = [c["name"] for c in result.checks if not c["ok"]]
        status = "ok" if result.ok and not failed else ("FAILED CHECKS " + ", ".join(failed) if result.ok
                                                        else "ERROR " + result.error[:200])
        echo(f"[{done}/{len(specs)}] {result.spec.tag}: {result.seconds:.0f} s, {len(result.checks)} checks, {status}")

    if jobs <= 1:
        for spec in todo:
            keep(run_one(spec, cell_timeout=cell_timeout))
    else:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = [pool.submit(run_one, spec, cell_timeout=cell_timeout) for spec in todo]
            for fut in as_completed(futures):
                keep(fut.result())
    ordered = [results[s] for s in specs if s in results]
    rows = table(ordered)
    (out / "sweep.json").write_text(json.dumps(
        {"runs": [asdict(r) for r in ordered], "rows": [asdict(r) for r in rows]}, ensure_ascii=False, indent=1),
        encoding="utf-8")
    (out / "sweep.md").write_text(markdown(rows, ordered), encoding="utf-8")
    return ordered


def table(results: list[RunResult]) -> list[Row]:
    """Per notebook, check and mode: the run with the smallest margin, with counts of runs and failures."""
    groups: dict[tuple[str, str, str], list[tuple[RunResult, dict]]] = {}
    for r in results:
        for c in r.checks:
            groups.setdefault((Path(r.spec.notebook).name, c["name"], r.spec.mode), []).append((r, c))
    rows = []
    for (nb, name, mode), items in groups.items():
        worst_run, worst = min(items, key=lambda rc: _sortable(rc[1]["margin"]))
        rows.append(Row(notebook=nb, check=name, mode=mode, op=worst["op"], runs=len(items),
                        failures=sum(not c["ok"] for _, c in items), worst_value=worst["value"],
                        worst_threshold=worst["threshold"], worst_margin=worst["margin"],
                        worst_run=worst_run.spec.tag))
    return sorted(rows, key=lambda r: (r.notebook, r.mode, r.check))


def _sortable(m: float) -> float:
    return float("-inf") if math.isnan(m) else m  # a NaN value (margin NaN) is the worst case


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def markdown(rows: list[Row], results: list[RunResult]) -> str:
    """The table for benchmarks/RESULTS.md, then the runs that stopped with an error."""
    lines = ["| notebook | check | mode | runs | threshold | worst value | margin | relative margin | failures |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        rel = "—" if r.relative_margin is None else f"{r.relative_margin:+.0%}"
        name = r.check.replace("|", "\\|")  # a '|' in a check's name would split the table's cell
        lines.append(f"| {r.notebook} | {name} | {r.mode} | {r.runs} | {r.op} {_fmt(r.worst_threshold)} | "
                     f"{_fmt(r.worst_value)} | {r.worst_margin:+.4g} | {rel} | {r.failures} |")
    errors = [r for r in results if not r.ok]
    if errors:
        lines += ["", "Runs that stopped with an error:", ""]
        lines += [f"- {r.spec.tag}: {r.error[:300]}" for r in errors]
    return "\n".join(lines) + "\n"


def smallest_margins(rows: list[Row], k: int = 5) -> list[Row]:
    """The ``k`` rows with the smallest relative margin (absolute margin where the threshold is 0)."""
    return sorted(rows, key=lambda r: r.relative_margin if r.relative_margin is not None else r.worst_margin)[:k]
