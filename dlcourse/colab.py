"""What a notebook's setup cell needs on Google Colab (introduced in lecture 00).

The setup cell (written by ``dlcourse badges``, see :mod:`dlcourse.cells`) shallow-clones the repository,
puts it on ``sys.path`` and calls :func:`setup_colab`. Off Colab nothing here runs. Every step can run twice.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

# Packages the course needs that a Colab runtime may lack (import name -> pip name).
COLAB_PACKAGES = {
    "konlpy": "konlpy",
    "gensim": "gensim",
    "kiwipiepy": "kiwipiepy",
    "koreanize_matplotlib": "koreanize-matplotlib",
}
JAVA_INSTALL = ["apt-get", "install", "-y", "-qq", "openjdk-17-jre-headless"]


def in_colab() -> bool:
    return "google.colab" in sys.modules


def missing_packages() -> list[str]:
    """pip names of :data:`COLAB_PACKAGES` that cannot be imported here."""
    return [pip for mod, pip in COLAB_PACKAGES.items() if importlib.util.find_spec(mod) is None]


def setup_colab(repo_dir: str | os.PathLike, *, notebook: str, java: bool = False) -> Path:
    """Install what Colab lacks, a JVM if ``java`` (KoNLPy), and ``chdir`` to the notebook's folder.

    Returns the working directory. Raises RuntimeError with the failing command on any failure.
    """
    repo = Path(repo_dir)
    _run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "-e", str(repo)])
    missing = missing_packages()
    if missing:
        print("설치:", ", ".join(missing))
        _run([sys.executable, "-m", "pip", "install", "-q", *missing])
    if java and shutil.which("java") is None:
        print("KoNLPy용 Java(JVM) 설치 중…")
        _run(JAVA_INSTALL)
    os.environ.setdefault("DLCOURSE_ROOT", str(repo))
    workdir = (repo / notebook).parent
    os.chdir(workdir)
    print(f"Colab 준비 완료: 작업 폴더 {workdir}")
    return workdir


def _run(cmd: list[str]) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or [""]
        raise RuntimeError(f"command failed ({proc.returncode}): {' '.join(cmd)}: {tail[0]}")
