"""The grading subcommands of `dlcourse`: thin wiring, one-line failures (no writes into the repository)."""

from __future__ import annotations

import pytest

from dlcourse.cli import build_parser, main


@pytest.mark.parametrize("argv, attrs", [
    (["release"], {"assignments": [], "publish": None}),
    (["release", "a3_char_rnn", "--publish", "/tmp/x"], {"assignments": ["a3_char_rnn"], "publish": "/tmp/x"}),
    (["collect", "subs.zip", "--assignment", "a3_char_rnn", "--pattern", "^(\\d+)"],
     {"source": "subs.zip", "assignment": "a3_char_rnn", "pattern": "^(\\d+)"}),
    (["collect", "subs.zip", "-a", "a1", "--lms", "blackboard", "--timestamps", "t.csv"],
     {"lms": "blackboard", "timestamps": "t.csv", "pattern": None}),
    (["collect", "subs", "-a", "a1"], {"lms": "folders", "timestamps": None}),
    (["roster"], {"file": None}),
    (["roster", "other.csv"], {"file": "other.csv"}),
    (["grade", "a3_char_rnn", "--jobs", "2", "--cell-timeout", "60", "--timeout", "600", "--memory", "3.5",
      "--no-sandbox", "--gpu", "--force"],
     {"assignment": "a3_char_rnn", "jobs": 2, "cell_timeout": 60, "timeout": 600, "memory": 3.5, "no_sandbox": True,
      "gpu": True, "force": True}),
    (["grade", "a1", "--student", "2026001", "--student", "2026002", "--force"],
     {"student": ["2026001", "2026002"], "force": True}),
    (["grade", "a3_char_rnn"], {"student": None, "jobs": None, "cell_timeout": None, "no_sandbox": False,
                                "gpu": False}),
    (["feedback", "a3_char_rnn"], {"assignment": "a3_char_rnn", "bundle": False, "lms": "folders"}),
    (["feedback", "a1", "--bundle", "--lms", "moodle"], {"bundle": True, "lms": "moodle"}),
    (["feedback", "a1", "--bundle", "--lms", "canvas"], {"bundle": True, "lms": "canvas"}),
    (["export"], {"lms": None}),
    (["export", "--lms", "canvas"], {"lms": "canvas"}),
    (["similarity", "a1_numpy_rnn"], {"assignment": "a1_numpy_rnn", "top": 20}),
    (["demo", "--jobs", "1"], {"jobs": 1, "assignment": "a3_char_rnn"}),
    (["demo", "--assignment", "tiny"], {"jobs": None, "assignment": "tiny"}),
])
def test_arguments(argv, attrs):
    args = build_parser().parse_args(argv)
    assert {k: getattr(args, k) for k in attrs} == attrs


@pytest.mark.parametrize("argv, message", [
    (["grade", "no_such_assignment"],
     "dlcourse grade: nothing collected for no_such_assignment; run `dlcourse collect"),
    (["collect", "/no/such/folder", "--assignment", "no_such_assignment"],
     "dlcourse collect: no such folder or zip: /no/such/folder"),
    (["feedback", "no_such_assignment"], "dlcourse feedback: nothing autograded for no_such_assignment"),
    (["feedback", "no_such_assignment", "--bundle", "--lms", "blackboard"],
     "dlcourse feedback: Blackboard Learn has no known bulk upload of feedback files"),
    (["release", "no_such_assignment"], "dlcourse release: no source notebook in "),
])
def test_failures_are_one_line_and_non_zero(argv, message, capsys):
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1, err
