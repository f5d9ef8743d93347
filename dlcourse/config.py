"""Paths, the fast-mode flag and course settings, independent of the working directory.

Introduced in lecture 00. Notebooks run from lectures/, solutions/, assignments/ and from nbgrader's
autograded/ copies; every path here is derived from the package location (or ``DLCOURSE_ROOT``), never
from ``os.getcwd()``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import tomllib

T = TypeVar("T")

FAST_ENV = "DLCOURSE_FAST"
ROOT_ENV = "DLCOURSE_ROOT"


def _find_root() -> Path:
    env = os.environ.get(ROOT_ENV)
    if env:
        return Path(env).resolve()
    # dlcourse/ sits in the repository root (editable install or Colab clone).
    return Path(__file__).resolve().parent.parent


REPO_ROOT: Path = _find_root()
DATA_DIR: Path = REPO_ROOT / "data"
CUSTOM_DATA_DIR: Path = DATA_DIR / "custom"
CACHE_DIR: Path = DATA_DIR / "cache"
LECTURES_DIR: Path = REPO_ROOT / "lectures"
SOLUTIONS_DIR: Path = REPO_ROOT / "solutions"
ASSIGNMENTS_DIR: Path = REPO_ROOT / "assignments"
AUTOGRADE_DIR: Path = REPO_ROOT / "autograde"
BUILD_DIR: Path = REPO_ROOT / "build"


def is_fast() -> bool:
    """True when ``DLCOURSE_FAST`` is set to 1/true/yes: the one place fast mode is read."""
    return os.environ.get(FAST_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def size(full: T, fast: T) -> T:
    """Pick a size: ``full`` normally, ``fast`` in fast mode. Fast mode shrinks sizes, never code paths.

    >>> epochs = size(full=200, fast=5)
    """
    return fast if is_fast() else full


@dataclass(frozen=True)
class CourseSettings:
    """Course-wide settings, read from ``[tool.dlcourse]`` in pyproject.toml."""

    repository: str = field(
        default="dlcourse-kr/rnn-to-gan",
        metadata={"help": "GitHub slug (owner/name) of the public student repository; Colab links point here."},
    )
    branch: str = field(default="main", metadata={"help": "Branch that Colab badges and the clone use."})
    clone_dir: str = field(
        default="/content/rnn-to-gan",
        metadata={"help": "Where the setup cell clones the repository on Colab."},
    )
    kernel_name: str = field(
        default="python3",
        metadata={"help": "Kernel name written into notebooks (Colab only knows python3)."},
    )
    cell_timeout: int = field(
        default=600, metadata={"help": "Seconds one cell may run when notebooks are executed by the tests."}
    )

    @classmethod
    def help(cls) -> dict[str, str]:
        return {f.name: f.metadata["help"] for f in fields(cls)}


@lru_cache(maxsize=1)
def settings() -> CourseSettings:
    """Load :class:`CourseSettings` from pyproject.toml; unknown keys are an error, not ignored."""
    pyproject = REPO_ROOT / "pyproject.toml"
    table: dict = {}
    if pyproject.exists():
        table = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}).get("dlcourse", {})
    known = {f.name for f in fields(CourseSettings)}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ValueError(f"unknown [tool.dlcourse] keys in {pyproject}: {', '.join(unknown)}")
    return CourseSettings(**table)
