"""What every benchmark shares: the command line, the machine description, the results table and its JSON.

Each benchmark is a program, never a timed test::

    .venv/bin/python benchmarks/<name>.py [--fast] [--out DIR]

``--fast`` (or ``DLCOURSE_FAST=1``) shrinks the sizes through :func:`dlcourse.config.size` so that the
smoke tests (tests/test_benchmarks.py) can run each benchmark on a tiny input; the code path is the same.
Results go to ``build/bench/<name>.json`` (or ``--out DIR``) and a table of ratios goes to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from dlcourse.config import BUILD_DIR, FAST_ENV, is_fast

# Make `import ngram`, `import charlm` … work however a benchmark is started (script or module).
BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

VERSIONED = ("tensorflow", "keras", "numpy", "gensim", "konlpy", "kiwipiepy", "nbgrader", "nbclient", "zstandard")
RESULT_KEYS = ("name", "date", "mode", "machine", "columns", "rows", "notes")  # every JSON file has these


def parse_args(description: str, argv: Sequence[str] | None = None,
               add_arguments=None) -> argparse.Namespace:
    """The common command line (``--fast``, ``--out DIR``) plus a benchmark's own options.

    ``add_arguments(parser)`` adds the benchmark's options. ``--fast`` sets ``DLCOURSE_FAST=1`` for this
    process and its children before any size is read.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--fast", action="store_true", help="tiny sizes (same as DLCOURSE_FAST=1)")
    parser.add_argument("--out", type=Path, default=BUILD_DIR / "bench", help="folder for <name>.json")
    if add_arguments is not None:
        add_arguments(parser)
    args = parser.parse_args(argv)
    if args.fast:
        os.environ[FAST_ENV] = "1"
    return args


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (Linux), else what the platform module knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def ram_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return None


def gpus() -> list[str]:
    """GPU names from ``nvidia-smi -L``, else the GPUs TensorFlow sees if it is already imported, else []."""
    if shutil.which("nvidia-smi"):
        try:
            out = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True, timeout=20)
            names = [ln.split(":", 1)[1].split("(UUID")[0].strip() for ln in out.stdout.splitlines() if ":" in ln]
            if names:
                return names
        except (OSError, subprocess.TimeoutExpired):
            pass
    if "tensorflow" in sys.modules:  # never import TensorFlow just to describe the machine (seconds)
        return [d.name for d in sys.modules["tensorflow"].config.list_physical_devices("GPU")]
    return []


def versions(packages: Sequence[str] = VERSIONED) -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in packages:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return found


def load_average() -> list[float] | None:
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except OSError:
        return None


def machine() -> dict:
    """Where the figures were measured: CPU model, cores (all and usable), RAM, GPUs, load, versions."""
    return {
        "host": platform.node(),
        "os": f"{platform.system()} {platform.release()}",
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "ram_gib": ram_gib(),
        "gpus": gpus(),
        "load_average": load_average(),  # 1/5/15 min: a busy shared machine makes speeds indicative only
        "versions": versions(),
    }


def describe(info: dict) -> str:
    gpu = ", ".join(info["gpus"]) or "no GPU"
    v = info["versions"]
    libs = ", ".join(f"{k} {v[k]}" for k in ("tensorflow", "keras", "gensim") if k in v)
    return (f"{info['cpu']} | {info['usable_cores']}/{info['cores']} cores | {info['ram_gib']} GiB | {gpu} | "
            f"load {info['load_average']} | Python {v['python']}, {libs}")


def _cell(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value != value:  # NaN
            return "–"
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def add_ratios(rows: list[dict], ratios: Sequence[tuple]) -> list[str]:
    """For each ``(column, key, reference)`` or ``(column, key, reference, group)``: a column
    ``"{column} / {reference}"`` holding each row's value divided by the value in the row whose ``key``
    equals ``reference`` (with ``group``: the reference row that has the same ``group`` value, e.g. the
    same corpus). A reference value of 0 or None gives None. Returns the new column names."""
    added = []
    for column, key, reference, *group in ratios:
        name = f"{column} / {reference}"
        for row in rows:
            same = [r for r in rows if r.get(key) == reference and all(r.get(g) == row.get(g) for g in group)]
            if not same:
                raise ValueError(f"no ratio reference row {key}={reference!r} for row {row}")
            value, ref = row.get(column), same[0].get(column)
            row[name] = None if value is None or not ref else value / ref
        added.append(name)
    return added


def format_table(rows: list[dict], columns: Sequence[str]) -> str:
    """A plain-text table (the first column left-aligned, the others right-aligned)."""
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) if cells else len(c) for i, c in enumerate(columns)]

    def line(values):
        pairs = enumerate(zip(values, widths, strict=True))
        return "  ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in pairs)
    return "\n".join([line(columns), line(["-" * w for w in widths]), *(line(r) for r in cells)])


def write_results(name: str, rows: list[dict], *, columns: Sequence[str] | None = None,
                  ratios: Sequence[tuple] = (), notes: Sequence[str] = (),
                  extra: dict | None = None, out_dir: Path | None = None, title: str | None = None) -> Path:
    """Print ``rows`` as a table with ratio columns and write ``<out_dir>/<name>.json``.

    Args:
        name: the benchmark's name (the JSON file's stem).
        rows: one dict per measured thing; values are numbers, strings, bools or None.
        columns: the columns to print, in order (default: the keys of the first row); ratio columns follow.
        ratios: ``(column, key, reference[, group])``, see :func:`add_ratios`.
        notes: one-line remarks printed under the table and stored in the JSON.
        extra: more JSON fields (raw samples, settings).
        out_dir: default build/bench.
    Returns:
        The JSON file's path. Its keys: :data:`RESULT_KEYS` plus ``extra``'s.
    """
    columns = list(columns or (rows[0].keys() if rows else []))
    columns += add_ratios(rows, ratios)
    info = machine()
    mode = "fast" if is_fast() else "full"
    print(f"\n== {title or name} ({mode} mode) ==")
    print(describe(info))
    print(format_table(rows, columns))
    for note in notes:
        print(f"  * {note}")
    out_dir = Path(out_dir or BUILD_DIR / "bench")
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}.json"
    data = {"name": name, "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "mode": mode, "machine": info,
            "columns": columns, "rows": rows, "notes": list(notes), **(extra or {})}
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    print(f"wrote {path}")
    return path


class Stopwatch:
    """``with Stopwatch() as t: ...`` then ``t.seconds`` (perf_counter wall time)."""

    def __enter__(self) -> Stopwatch:
        self.start = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.start
