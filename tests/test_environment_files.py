"""requirements.in, requirements.txt, environment.yml and pyproject.toml must agree."""

from __future__ import annotations

import re

import tomllib

from dlcourse.config import REPO_ROOT

PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;]+)")


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name.split("[")[0]).lower()


def _pins() -> dict[str, str]:
    pins = {}
    for line in (REPO_ROOT / "requirements.txt").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = PIN.match(line)
        assert m, f"requirements.txt line is not pinned with ==: {line!r}"
        pins[_norm(m[1])] = m[2]
    return pins


def _loose() -> list[str]:
    names = []
    for line in (REPO_ROOT / "requirements.in").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            names.append(_norm(re.split(r"[<>=!~ ]", line)[0]))
    return names


def test_requirements_fully_pinned_and_cover_the_loose_list():
    pins = _pins()
    missing = [n for n in _loose() if n not in pins]
    assert missing == [], f"in requirements.in but not pinned: {missing}; run `make lock`"
    assert pins["tensorflow"].startswith("2.21.") and pins["keras"].startswith("3.")


def test_requirements_record_how_they_were_generated():
    head = (REPO_ROOT / "requirements.txt").read_text().splitlines()[:3]
    assert any("uv pip compile requirements.in --python-version 3.11" in line for line in head)
    assert "uv pip compile requirements.in --python-version 3.11" in (REPO_ROOT / "Makefile").read_text()


def test_package_dependencies_are_pinned():
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    pins = _pins()
    missing = [d for d in project["dependencies"] if _norm(re.split(r"[<>=!~ ]", d)[0]) not in pins]
    assert missing == []


def test_conda_environment_matches_pip_requirements():
    text = (REPO_ROOT / "environment.yml").read_text()
    # A tiny YAML reader is enough for this flat file and avoids a dependency.
    section = text.split("dependencies:", 1)[1]
    deps = [ln.strip()[2:].strip() for ln in section.splitlines() if ln.strip().startswith("- ")]
    assert "python=3.11" in deps
    assert any(d.startswith("openjdk") for d in deps), "KoNLPy needs a JVM in the conda environment"
    assert "-r requirements.txt" in deps and "-e ." in deps
    # No package pinned twice in different places: conda holds only python, openjdk and pip.
    conda_only = [d for d in deps if not d.startswith("-") and d not in ("pip", "pip:")]
    assert all(d.split("=")[0] in {"python", "openjdk"} for d in conda_only), conda_only
