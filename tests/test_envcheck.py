from __future__ import annotations

import subprocess
import sys

from dlcourse import envcheck


def test_every_required_check_passes_here():
    checks = envcheck.run_checks()
    required = {"Python", "TensorFlow", "Keras", "Java (JVM)", "KoNLPy (Okt)", "한글 글꼴"}
    assert {c.name for c in checks} >= required
    assert envcheck.failures(checks) == [], envcheck.format_table(envcheck.failures(checks))


def test_missing_java_gives_the_install_commands(monkeypatch):
    monkeypatch.setattr(envcheck.shutil, "which", lambda name: None)
    c = envcheck.check_java()
    assert c.status == envcheck.FAIL and "apt-get install" in c.fix and "brew" in c.fix and "conda" in c.fix


def test_a_crashing_check_becomes_a_fail_row(monkeypatch):
    def boom():
        raise RuntimeError("broken")

    monkeypatch.setattr(envcheck, "CHECKS", [boom])
    (row,) = envcheck.run_checks()
    assert row.status == envcheck.FAIL and "broken" in row.detail
    assert "→" not in envcheck.format_table([row])  # no fix known, none invented


def test_doctor_command_exit_code():
    out = subprocess.run([sys.executable, "-m", "dlcourse.cli", "doctor"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-500:]
    assert "[  ok] KoNLPy (Okt)" in out.stdout
