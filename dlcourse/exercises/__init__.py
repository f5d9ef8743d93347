"""연습 문제(exercises) self-checks: ``check("05-2", answer)`` says 정답 or gives a Korean hint.

Every lecture 01–09 ends with exercises; at least three per lecture have a checker here, one module per
lecture (``dlcourse.exercises.lecture05`` for "05-…"). A checker looks at *properties* of the answer (a shape
that must come out, a function tried on fresh inputs) rather than comparing with a stored answer where it can.
These are not graded and never hold an assignment's graded answer (the publish leak check reads this folder).

A checker is a function ``answer -> None | str``: ``None`` when the answer is right, else a hint in Korean.
:func:`check` never raises, so "Run All" stays clean: an unanswered exercise (``None`` or ``...``) prints a
note, a wrong one prints the hint, an answer of the wrong kind prints what was expected.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

Checker = Callable[[object], "str | None"]


@dataclass(frozen=True)
class Exercise:
    id: str
    checker: Checker
    explain: str  # printed with 정답: why it is right, or what to look at next


_REGISTRY: dict[str, Exercise] = {}


def exercise(exercise_id: str, *, explain: str = "") -> Callable[[Checker], Checker]:
    """Register ``checker`` as the self-check of exercise ``exercise_id`` ("NN-k")."""

    def register(checker: Checker) -> Checker:
        if exercise_id in _REGISTRY:
            raise ValueError(f"exercise {exercise_id} is registered twice")
        _REGISTRY[exercise_id] = Exercise(exercise_id, checker, explain)
        return checker

    return register


def _load(exercise_id: str) -> Exercise:
    if exercise_id in _REGISTRY:
        return _REGISTRY[exercise_id]
    lecture = exercise_id.split("-", 1)[0]
    if not (len(lecture) == 2 and lecture.isdigit()):
        raise KeyError(f"연습 문제 번호는 '05-2'처럼 씁니다: {exercise_id!r}")
    try:
        importlib.import_module(f"dlcourse.exercises.lecture{lecture}")
    except ModuleNotFoundError:
        raise KeyError(f"{lecture}강의 연습 문제 확인 함수가 없습니다: {exercise_id!r}") from None
    if exercise_id not in _REGISTRY:
        raise KeyError(f"확인 함수가 없는 연습 문제입니다: {exercise_id!r}")
    return _REGISTRY[exercise_id]


def registered(lecture: str | None = None) -> list[str]:
    """Every registered exercise id (of one lecture, "05", or of all), loading the lecture modules."""
    from pkgutil import iter_modules

    from dlcourse import exercises

    for mod in iter_modules(exercises.__path__):
        if mod.name.startswith("lecture") and (lecture is None or mod.name == f"lecture{lecture}"):
            importlib.import_module(f"dlcourse.exercises.{mod.name}")
    return sorted(i for i in _REGISTRY if lecture is None or i.startswith(f"{lecture}-"))


def verdict(exercise_id: str, answer: object) -> tuple[str, str]:
    """(kind, message) with kind one of ``correct``, ``wrong``, ``unanswered``, ``error``; never raises."""
    try:
        ex = _load(exercise_id)
    except KeyError as e:
        return "error", str(e.args[0])
    if answer is None or answer is Ellipsis:
        return "unanswered", f"[{exercise_id}] 아직 답이 없습니다. `...` 자리에 답을 쓰고 이 셀을 다시 실행해 보세요."
    try:
        hint = ex.checker(answer)
    except Exception as e:  # an answer of another kind (a list for a function, ...) must not stop Run All
        return "error", (f"[{exercise_id}] 답을 확인하지 못했습니다 ({type(e).__name__}: {e}). "
                         "문제에서 요구한 형태인지 보세요.")
    if hint is None:
        return "correct", f"[{exercise_id}] 정답입니다." + (f" {ex.explain}" if ex.explain else "")
    return "wrong", f"[{exercise_id}] 아직 아닙니다. 힌트: {hint}"


def check(exercise_id: str, answer: object) -> bool:
    """Print the verdict on ``answer`` for exercise ``exercise_id``; True when it is right. Never raises."""
    kind, message = verdict(exercise_id, answer)
    print(message)
    return kind == "correct"
