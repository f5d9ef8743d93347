"""RESULTS.md §8 is generated from committed sweep data (benchmarks/sweep_report.py), never typed by hand."""

from __future__ import annotations

import json
import sys

import pytest

from dlcourse.config import REPO_ROOT
from dlcourse.sweep import Row

sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
import sweep_report  # noqa: E402


def test_section_8_is_what_the_committed_sweep_data_gives():
    _, part, _ = sweep_report.split(sweep_report.RESULTS.read_text(encoding="utf-8"))
    assert part.rstrip("\n") == sweep_report.render().rstrip("\n"), \
        "RESULTS.md §8 differs from benchmarks/results/sweep: run python benchmarks/sweep_report.py --write"


def test_every_lecture_with_checks_has_five_seeds_in_each_mode_and_setting():
    _, counts, stale, _ = sweep_report.gather()
    assert not stale, f"sweep data for changed code only: {stale}"
    for (nb, mode), c in counts.items():
        assert len(c["seeds"]) >= 5 and c["0"] >= 5 and c["1"] >= 5, (nb, mode, c)


def row(check, runs, value, margin, failures=0, run="r"):
    return Row(notebook="n.ipynb", check=check, mode="full", op=">", runs=runs, failures=failures,
               worst_value=value, worst_threshold=0.5, worst_margin=margin, worst_run=run)


def test_merge_adds_runs_and_keeps_the_worst():
    recorded = [{k: v for k, v in vars(row("a", 4, 0.6, 0.1, failures=1)).items() if k != "worst_run"},
                {k: v for k, v in vars(row("only recorded", 2, 0.9, 0.4)).items() if k != "worst_run"}]
    merged = {r.check: r for r in sweep_report.merge([row("a", 6, 0.7, 0.2), row("b", 6, 0.55, 0.05)], recorded)}
    assert (merged["a"].runs, merged["a"].failures, merged["a"].worst_value, merged["a"].worst_run) == \
        (10, 1, 0.6, "recorded")
    assert merged["b"].runs == 6 and merged["only recorded"].runs == 2
    worse_now = sweep_report.merge([row("a", 6, 0.52, 0.02, run="seed3")], recorded)[0]
    assert (worse_now.worst_value, worse_now.worst_run) == (0.52, "seed3")


def test_a_changed_notebook_drops_out_of_the_table(tmp_path, monkeypatch):
    data = tmp_path / "sweep"
    data.mkdir()
    rec = json.loads(next(sweep_report.DATA.glob("recorded-*.json")).read_text(encoding="utf-8"))
    nb = rec["summary"][0]["notebook"]
    for s in rec["summary"]:
        s["code"] = "0" * 16 if s["notebook"] == nb else s["code"]
    (data / "recorded-x.json").write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(sweep_report, "DATA", data)
    monkeypatch.setattr(sweep_report, "RUNS", data / "runs.jsonl")
    rows, counts, stale, _ = sweep_report.gather()
    assert nb in stale and not any(r.notebook == nb for r in rows)
    assert f"Left out, code changed since their runs: {nb}" in sweep_report.render()


def test_import_rejects_a_folder_without_runs(tmp_path):
    with pytest.raises(FileNotFoundError, match="no sweep runs"):
        sweep_report.import_runs(tmp_path, tmp_path / "runs.jsonl")


def test_import_keeps_current_runs_and_drops_runs_of_changed_code(tmp_path):
    nb = "01_sequence_data_and_rnn.ipynb"
    now = sweep_report.code_hash(nb)
    (tmp_path / "runs").mkdir()
    for name, code in (("old", "0" * 16), ("new", now)):
        run = {"spec": {"notebook": f"/somewhere/lectures/{nb}", "mode": "fast", "onednn": "0", "offset": 0},
               "key": f"{code}-{name}", "ok": True, "error": "", "seconds": 1.0, "checks": []}
        (tmp_path / "runs" / f"{name}.json").write_text(json.dumps(run), encoding="utf-8")
    out = tmp_path / "runs.jsonl"
    assert sweep_report.import_runs(tmp_path, out) == 2
    [kept] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert kept["key"] == f"{now}-new" and kept["spec"]["notebook"] == nb  # no machine path kept
