"""The Makefile installs once per requirements hash and refuses to go on without Java."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from dlcourse.config import REPO_ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make not installed")


def _dry_run(*args: str, env=None) -> str:
    out = subprocess.run(["make", "-n", *args], cwd=REPO_ROOT, capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_setup_is_skipped_when_requirements_did_not_change():
    planned = _dry_run("setup")
    assert "pip install" not in planned, f"setup would reinstall although the stamp exists:\n{planned}"


def test_setup_reinstalls_when_the_hash_changes():
    planned = _dry_run("setup", "HASH=0000000000000000")
    assert "uv pip install -q --python .venv/bin/python -r requirements.txt" in planned
    assert "ipykernel install --sys-prefix --name dlcourse" in planned


def test_gpu_switch_adds_cuda_tensorflow():
    assert 'tensorflow[and-cuda]==2.21' in _dry_run("setup", "GPU=1")


def test_missing_java_stops_with_install_commands(tmp_path):
    for tool in ("sh", "printf"):
        os.symlink(shutil.which(tool), tmp_path / tool)
    out = subprocess.run([shutil.which("make"), "java"], cwd=REPO_ROOT, capture_output=True, text=True,
                         env={"PATH": str(tmp_path)})
    assert out.returncode != 0
    assert "apt-get install -y default-jre-headless" in out.stderr and "brew install openjdk" in out.stderr


def test_missing_browser_stops_with_install_commands(tmp_path):
    for tool in ("sh", "printf"):
        os.symlink(shutil.which(tool), tmp_path / tool)
    out = subprocess.run([shutil.which("make"), "browser"], cwd=REPO_ROOT, capture_output=True, text=True,
                         env={"PATH": str(tmp_path), "DLCOURSE_CHROMIUM": str(tmp_path / "no-chromium")})
    assert out.returncode != 0
    assert "apt-get install -y chromium fonts-nanum" in out.stderr


def test_test_target_checks_the_browser_first():
    before_pytest = _dry_run("test").split("-m pytest")[0]
    assert "fc-list :lang=ko" in before_pytest and "chromium" in before_pytest
