"""The course total in autograde/totals.csv: per-assignment percent after late penalties, weighted."""

from __future__ import annotations

import pytest

from dlcourse.grading.export import totals


def row(a, s, score, top):
    return {"assignment": a, "student_id": s, "last_name": "", "first_name": "", "email": "", "score": str(score),
            "max_score": str(top)}


TABLE = [row("a1", "s1", 10, 10), row("a2", "s1", 5, 20), row("a1", "s2", 2.4, 10), row("a2", "s2", 0, 20)]


def test_equal_weights():
    columns, rows = totals(TABLE, {})
    assert columns == ["student_id", "last_name", "first_name", "email", "a1", "a2", "total"]
    assert {r["student_id"]: (r["a1"], r["a2"], r["total"]) for r in rows} == {
        "s1": ("100.00", "25.00", "62.50"), "s2": ("24.00", "0.00", "12.00")}


def test_weights_from_the_settings():
    _, rows = totals(TABLE, {"a1": 3, "a2": 1})
    assert {r["student_id"]: r["total"] for r in rows} == {"s1": "81.25", "s2": "18.00"}


@pytest.mark.parametrize("weights, message", [({"a9": 1}, "not in the gradebook: a9"), ({"a1": 0}, "add up to 0")])
def test_bad_weights(weights, message):
    with pytest.raises(ValueError, match=message):
        totals(TABLE, weights)


def people(a, s, last, first, email, score, top):
    return {**row(a, s, score, top), "last_name": last, "first_name": first, "email": email}


PEOPLE = [people("a1", "2026001", "홍", "길동", "hong@u.ac.kr", 9.4, 10),
          people("a1", "2026003", "Kim", "Minsu", "", 0, 10)]


def test_canvas_gradebook_import():
    from dlcourse.grading.export import lms_table

    head, body = lms_table(PEOPLE, lms="canvas", lms_ids={"2026001": "51001"})
    assert head == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "a1"]
    assert body == [["Points Possible", "", "", "", "", "10"], ["홍, 길동", "51001", "2026001", "", "", "9.4"],
                    ["Kim, Minsu", "", "2026003", "", "", "0"]]


def test_moodle_gradebook_import():
    from dlcourse.grading.export import lms_table

    head, body = lms_table(PEOPLE, lms="moodle", lms_ids={})
    assert head == ["ID number", "Email address", "Full name", "a1"]
    assert body == [["2026001", "hong@u.ac.kr", "홍길동", "9.4"], ["2026003", "", "Minsu Kim", "0"]]
    with pytest.raises(ValueError, match="no gradebook import format for blackboard"):
        lms_table(PEOPLE, lms="blackboard", lms_ids={})
