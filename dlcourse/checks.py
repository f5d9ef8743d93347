"""``check``: assert a claim about a *trained or sampled* result, and log it for the seed sweep.

Introduced in lecture 01 and used wherever a lecture states a number that depends on training or sampling
(an accuracy, a loss, bits per character, "A beats B"). Exact identities (numpy == Keras) stay plain
``assert``/``np.testing`` calls: they do not depend on the seed.

    check("hihello 정확도", acc, ">=", 0.9)

raises ``AssertionError`` naming the check, the value, the threshold and the margin. The sweep
(``dlcourse execute --sweep N``, :mod:`dlcourse.sweep`) runs a notebook with other seeds and both oneDNN
settings and reads every check from the JSON-lines file named by ``DLCOURSE_CHECK_LOG``; with
``DLCOURSE_CHECK_SOFT=1`` a failing check is recorded and the notebook goes on, so one run shows every margin.
"""

from __future__ import annotations

import json
import math
import operator
import os

CHECK_LOG_ENV = "DLCOURSE_CHECK_LOG"
CHECK_SOFT_ENV = "DLCOURSE_CHECK_SOFT"
OPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}


def margin(value: float, op: str, threshold: float) -> float:
    """How far ``value`` is on the right side of ``threshold`` (negative: the check fails)."""
    return value - threshold if op in (">", ">=") else threshold - value


def check(name: str, value, op: str, threshold, *, note: str = "") -> float:
    """Assert ``value <op> threshold`` (op one of ``> >= < <=``) and return ``value`` as a float.

    ``note`` is added to the failure message (e.g. what to look at). NaN never passes.
    """
    if op not in OPS:
        raise ValueError(f"check {name!r}: op must be one of {' '.join(OPS)}, not {op!r}")
    value, threshold = float(value), float(threshold)
    ok = not math.isnan(value) and OPS[op](value, threshold)
    m = margin(value, op, threshold)
    _log({"name": name, "value": value, "op": op, "threshold": threshold, "margin": m, "ok": ok})
    if not ok and not _soft():
        message = f"check {name!r} failed: {value:.6g} {op} {threshold:.6g} does not hold (margin {m:+.4g})"
        raise AssertionError(message + (f"; {note}" if note else ""))
    return value


def _soft() -> bool:
    return os.environ.get(CHECK_SOFT_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def _log(record: dict) -> None:
    path = os.environ.get(CHECK_LOG_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
