"""The command line outside the instructor's repository: the published student tree has no grading pipeline."""

import os

import pytest

from dlcourse import cli


def test_grading_commands_listed_only_where_the_pipeline_is_installed(monkeypatch):
    commands = set(cli.build_parser()._subparsers._group_actions[0].choices)
    assert {"lab", "execute", "release", "grade", "collect"} <= commands
    monkeypatch.setattr(cli, "grading_available", lambda: False)
    student = set(cli.build_parser()._subparsers._group_actions[0].choices)
    assert {"lab", "execute", "badges", "doctor"} <= student and not student & {"release", "grade", "collect"}
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["grade", "a1"])


def test_lab_starts_at_the_root_when_there_is_no_autograde_folder(monkeypatch, tmp_path):
    seen = {}
    monkeypatch.setattr(cli, "AUTOGRADE_DIR", tmp_path / "autograde")  # absent, as in the published tree
    monkeypatch.setattr(cli, "REPO_ROOT", tmp_path)
    monkeypatch.setattr(os, "chdir", lambda d: seen.setdefault("cwd", d))
    monkeypatch.setattr(os, "execv", lambda exe, argv: seen.setdefault("argv", argv))
    cli.main(["lab", "--no-browser"])
    assert seen["cwd"] == tmp_path and f"--ServerApp.root_dir={tmp_path}" in seen["argv"]
