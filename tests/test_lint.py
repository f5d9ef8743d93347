from __future__ import annotations

import subprocess
import sys

from dlcourse.config import REPO_ROOT


def test_ruff_is_clean():
    paths = [p for p in ("dlcourse", "tests", "benchmarks") if (REPO_ROOT / p).is_dir()]
    out = subprocess.run([sys.executable, "-m", "ruff", "check", *paths],
                         cwd=REPO_ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-1000:]
