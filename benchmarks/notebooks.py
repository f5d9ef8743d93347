"""Benchmark: how long each lecture and solution notebook takes, fast mode vs full mode, and its slowest cells.

    .venv/bin/python benchmarks/notebooks.py [--fast] [--out DIR]              # report the recorded times
    .venv/bin/python benchmarks/notebooks.py --run full [--notebooks P ...]   # run them now, time every cell

By default nothing is executed: the wall times come from build/notebook-times.json (``--times FILE``),
which tests/test_notebooks.py writes for fast mode and ``record_time`` merges full-mode runs into.
``--run fast|full`` executes the notebooks through :func:`dlcourse.notebooks.execute_notebook` (the tests'
runner, unchanged) with nbclient's per-cell timing switched on, records each notebook's wall time into
the times file, and lists the slowest cells (``iopub.execute_input`` → ``shell.execute_reply``).
``dlcourse.notebooks`` does not record per-cell times itself (``record_timing=False``), hence the switch.
Writes build/bench/notebooks.json.
"""

from __future__ import annotations

import contextlib
import json
from datetime import datetime
from pathlib import Path

import common  # noqa: F401  (puts benchmarks/ on sys.path)
from common import parse_args, write_results

from dlcourse.config import BUILD_DIR, LECTURES_DIR, REPO_ROOT, SOLUTIONS_DIR


def default_notebooks() -> list[Path]:
    return sorted(LECTURES_DIR.glob("*.ipynb")) + sorted(SOLUTIONS_DIR.glob("*/*.ipynb"))


def display(path: Path) -> str:
    """The key the runner's record_time uses: relative to the repository, else the absolute path."""
    try:
        return path.resolve().relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return str(path.resolve())


@contextlib.contextmanager
def per_cell_timing():
    """Within the block, the runner's nbclient records ``execution`` timestamps in each cell's metadata."""
    import dlcourse.notebooks as runner

    original = runner.NotebookClient

    class TimedClient(original):
        def __init__(self, nb, **kwargs):
            super().__init__(nb, **{**kwargs, "record_timing": True})

    runner.NotebookClient = TimedClient
    try:
        yield runner
    finally:
        runner.NotebookClient = original


def cell_times(nb) -> list[tuple[int, float, str]]:
    """(code cell index among all cells, seconds, first source line) for every timed code cell."""
    found = []
    for i, cell in enumerate(nb.cells):
        timing = cell.get("metadata", {}).get("execution", {})
        if cell.cell_type != "code" or "iopub.execute_input" not in timing or "shell.execute_reply" not in timing:
            continue
        start, end = (datetime.fromisoformat(timing[k].replace("Z", "+00:00"))
                      for k in ("iopub.execute_input", "shell.execute_reply"))
        first = next((ln.strip() for ln in cell.source.splitlines() if ln.strip()), "")
        found.append((i, (end - start).total_seconds(), first[:60]))
    return found


def main(argv=None) -> None:
    def options(parser):
        parser.add_argument("--times", type=Path, default=BUILD_DIR / "notebook-times.json",
                            help="the runner's JSON of wall times ({notebook: {mode: seconds}})")
        parser.add_argument("--run", choices=("fast", "full"), default=None,
                            help="execute the notebooks now in this mode (default: only report recorded times)")
        parser.add_argument("--notebooks", type=Path, nargs="*", default=None,
                            help="notebooks to run (default: every lecture and solution)")
        parser.add_argument("--top", type=int, default=3, help="slowest cells listed per notebook")

    args = parse_args(__doc__.splitlines()[0], argv, options)
    notebooks = [p.resolve() for p in args.notebooks] if args.notebooks else default_notebooks()
    slowest: dict[str, list[dict]] = {}
    if args.run:
        from dlcourse.notebooks import record_time

        with per_cell_timing() as runner:
            for path in notebooks:
                result = runner.execute_notebook(path, fast=args.run == "fast")
                record_time(args.times, result)
                cells = sorted(cell_times(result.notebook), key=lambda c: -c[1])
                total = sum(c[1] for c in cells) or 1.0
                slowest[display(path)] = [{"cell": i, "seconds": round(s, 2), "share": round(s / total, 3),
                                           "source": src} for i, s, src in cells[: args.top]]
                print(f"  {display(path)}: {result.seconds:.1f} s ({args.run}); slowest cell "
                      f"{cells[0][0] if cells else '–'} {cells[0][1] if cells else 0:.1f} s", flush=True)
    recorded = json.loads(args.times.read_text()) if args.times.exists() else {}
    names = [display(p) for p in notebooks] if args.notebooks else sorted({*map(display, notebooks), *recorded})
    rows = []
    for name in names:
        times = recorded.get(name, {})
        fast, full = times.get("fast"), times.get("full")
        row = {"notebook": name, "fast s": fast, "full s": full,
               "full / fast": full / fast if fast and full else None}
        if name in slowest and slowest[name]:
            top = slowest[name][0]
            row["slowest cell"], row["its s"], row["its share"] = top["cell"], top["seconds"], top["share"]
        rows.append(row)
    known = [r for r in rows if r["fast s"] is not None]
    totals = {"fast": sum(r["fast s"] for r in known),
              "full": sum(r["full s"] for r in rows if r["full s"] is not None)}
    notes = [f"times from {display(args.times)} ({'found' if recorded else 'missing: run the notebook tests'})",
             f"total fast {totals['fast']:.0f} s over {len(known)} notebooks; total full {totals['full']:.0f} s "
             f"over {sum(r['full s'] is not None for r in rows)}"]
    if not args.run:
        notes.append("per-cell times: run with --run fast|full (the runner does not record them)")
    for name, cells in slowest.items():
        for c in cells:
            notes.append(f"{name} cell {c['cell']}: {c['seconds']:.1f} s ({c['share']:.0%}) — {c['source']}")
    columns = ["notebook", "fast s", "full s", "full / fast"] + (["slowest cell", "its s", "its share"]
                                                                   if slowest else [])
    write_results("notebooks", rows, columns=columns, notes=notes, out_dir=args.out,
                  title="notebook suite: fast vs full mode",
                  extra={"times_file": display(args.times), "ran": args.run, "slowest_cells": slowest,
                         "totals": totals})


if __name__ == "__main__":
    main()
