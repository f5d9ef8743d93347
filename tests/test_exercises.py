"""The self-check machinery (dlcourse.exercises); each lecture's checkers are tested in tests/exercises/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dlcourse import exercises
from dlcourse.exercises import check, verdict


@pytest.fixture
def toy():
    @exercises.exercise("99-1", explain="제곱은 음수가 아닙니다.")
    def _square(answer):
        return None if answer(3) == 9 and answer(-2) == 4 else "함수에 3을 넣으면 9가 나와야 합니다."

    yield "99-1"
    exercises._REGISTRY.pop("99-1")


def test_correct_wrong_unanswered_and_odd_answers_never_raise(toy, capsys):
    assert check(toy, lambda x: x * x) is True
    assert "정답입니다. 제곱은 음수가 아닙니다." in capsys.readouterr().out
    assert check(toy, lambda x: 2 * x) is False
    assert "힌트: 함수에 3을 넣으면 9가" in capsys.readouterr().out
    assert verdict(toy, ...)[0] == "unanswered" and verdict(toy, None)[0] == "unanswered"
    kind, message = verdict(toy, [1, 2, 3])  # not callable
    assert kind == "error" and "TypeError" in message


def test_unknown_ids_are_reported_not_raised():
    assert verdict("5-2", 1)[0] == "error"
    assert verdict("77-1", 1)[0] == "error"


def test_every_registered_exercise_has_tests():
    """tests/exercises/test_lectureNN.py must try each checker with a right and a typical wrong answer."""
    texts = "\n".join(p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("exercises/test_*.py"))
    untested = [i for i in exercises.registered() if not re.search(rf"[\"']{re.escape(i)}[\"']", texts)]
    assert untested == [], f"checkers without tests in tests/exercises/: {untested}"
