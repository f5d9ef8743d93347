"""Shared fixtures. Tests never write into the repository except build/ (git-ignored)."""

from __future__ import annotations

import os

import pytest

from dlcourse.config import BUILD_DIR

# Quiet TensorFlow in the test process itself (kernels get the same through dlcourse.notebooks).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@pytest.fixture(scope="session")
def build_dir():
    BUILD_DIR.mkdir(exist_ok=True)
    return BUILD_DIR

# The suite runs offline (CI has no network): loaders take their bundled fallbacks without probing.
os.environ.setdefault("DLCOURSE_OFFLINE", "1")
