import json

import pytest

from dlcourse.checks import check, margin


def test_passing_check_returns_the_value():
    assert check("acc", 0.91, ">", 0.5) == 0.91
    assert check("loss", 0.2, "<=", 0.2) == 0.2


def test_failing_check_names_value_threshold_and_margin():
    with pytest.raises(AssertionError) as err:
        check("레이블별 최소 정확도", 0.28, ">", 0.3, note="per_label=[0.28, 0.9]")
    msg = str(err.value)
    assert "레이블별 최소 정확도" in msg and "0.28" in msg and "0.3" in msg and "-0.02" in msg and "per_label" in msg


def test_nan_never_passes():
    with pytest.raises(AssertionError):
        check("nan", float("nan"), "<", 1.0)


def test_unknown_operator_is_an_error():
    with pytest.raises(ValueError, match="op must be one of"):
        check("x", 1, "==", 1)


def test_margin_sign_follows_the_direction():
    assert margin(0.7, ">", 0.5) == pytest.approx(0.2)
    assert margin(0.7, "<", 0.5) == pytest.approx(-0.2)


def test_log_and_soft_mode(tmp_path, monkeypatch):
    log = tmp_path / "checks.jsonl"
    monkeypatch.setenv("DLCOURSE_CHECK_LOG", str(log))
    monkeypatch.setenv("DLCOURSE_CHECK_SOFT", "1")
    check("a", 2, ">", 1)
    check("b", 0, ">", 1)  # recorded, not raised
    rows = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(r["name"], r["ok"], r["margin"]) for r in rows] == [("a", True, 1.0), ("b", False, -1.0)]
    monkeypatch.delenv("DLCOURSE_CHECK_SOFT")
    with pytest.raises(AssertionError):
        check("b", 0, ">", 1)
