"""The shape of the grading package: dependencies point one way, one bridge to nbgrader's configuration."""

from __future__ import annotations

import ast
import subprocess
import sys

from dlcourse.config import REPO_ROOT

PACKAGE = REPO_ROOT / "dlcourse"
GRADING = PACKAGE / "grading"


def imports(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_the_student_side_never_imports_grading_or_nbgrader():
    student_side = [p for p in PACKAGE.rglob("*.py") if GRADING not in p.parents and p.name != "cli.py"]
    for path in student_side:
        bad = {m for m in imports(path) if m.startswith(("dlcourse.grading", "nbgrader"))}
        assert not bad, f"{path.relative_to(REPO_ROOT)} imports {bad}"


def test_importing_the_package_loads_no_grading_code():
    code = ("import sys, dlcourse, dlcourse.config, dlcourse.seed\n"
            "print(any('grading' in m or 'nbgrader' in m for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_only_the_bridge_configures_nbgrader():
    configuring = sorted(p.name for p in GRADING.glob("*.py")
                         if {"traitlets.config", "nbgrader.converters", "nbgrader.coursedir"} & imports(p))
    assert configuring == ["nbgrader_bridge.py"]


def test_modules_are_named_after_what_they_own():
    names = {p.stem for p in GRADING.glob("*.py")}
    assert "utils" not in names and "helpers" not in names and "api" not in names
