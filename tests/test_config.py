from __future__ import annotations

import subprocess
import sys

import pytest

from dlcourse import config


@pytest.mark.parametrize("value,expected", [("1", True), ("true", True), ("0", False), ("", False), ("no", False)])
def test_fast_flag_is_read_in_one_place(monkeypatch, value, expected):
    monkeypatch.setenv(config.FAST_ENV, value)
    assert config.is_fast() is expected
    assert config.size(full=100, fast=3) == (3 if expected else 100)


def test_paths_do_not_depend_on_the_working_directory(tmp_path):
    code = "from dlcourse.config import REPO_ROOT, DATA_DIR; print(REPO_ROOT); print(DATA_DIR)"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    root, data = out.stdout.split()
    assert root == str(config.REPO_ROOT) and data == str(config.REPO_ROOT / "data")
    assert (config.REPO_ROOT / "pyproject.toml").is_file() and config.LECTURES_DIR.is_dir()


def test_settings_load_from_pyproject():
    cfg = config.settings()
    assert "/" in cfg.repository and cfg.branch and cfg.cell_timeout > 0
