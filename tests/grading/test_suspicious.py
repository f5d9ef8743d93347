"""The static scan for ways of passing tests without solving them: flagged, never scored."""

from __future__ import annotations

import builtins

import nbformat
import pytest

from dlcourse.grading import suspicious as s
from tests.grading.conftest import SUBMISSIONS


@pytest.mark.parametrize("code, flag", [
    ("isinstance = lambda *a: True", s.BUILTINS),
    ("def len(x):\n    return 3", s.BUILTINS),
    ("import builtins\nbuiltins.abs = lambda x: 0", s.BUILTINS),
    ("__builtins__['sum'] = lambda *a: 0", s.BUILTINS),
    ("class AssertionError(Exception):\n    pass", s.BUILTINS),
    ("import numpy as np\nnp.testing.assert_allclose = lambda *a, **k: None", s.NUMPY),
    ("from numpy import testing\ntesting.assert_array_equal = print", s.NUMPY),
    ("import numpy\nsetattr(numpy, 'allclose', lambda *a, **k: True)", s.NUMPY),
    ("np.allclose = lambda *a, **k: True", s.NUMPY),
    ("import math\nmath.isclose = lambda *a, **k: True", s.MODULE),
    ("tf.debugging.assert_near = lambda *a, **k: None", s.MODULE),
    ("class A:\n    def __eq__(self, other):\n        return True", s.ALWAYS_EQUAL),
    ("class A:\n    def __ne__(self, other):\n        return False", s.ALWAYS_EQUAL),
    ("class A:\n    __eq__ = lambda self, other: True", s.ALWAYS_EQUAL),
    ("get_ipython().set_custom_exc((Exception,), lambda *a, **k: None)", s.EXCEPTION_HOOK),
    ("import sys\nsys.excepthook = lambda *a: None", s.EXCEPTION_HOOK),
    ("from unittest.mock import patch\npatch('numpy.allclose', return_value=True).start()", s.MOCK),
])
def test_each_trick_is_flagged(code, flag):
    assert flag in s.scan_source(code)


@pytest.mark.parametrize("code", [
    "import numpy as np\nnp.random.seed(0)\nx = np.ones(3)",
    "import matplotlib.pyplot as plt\nplt.rcParams['figure.figsize'] = (4, 3)",
    "import os\nos.environ['X'] = '1'",
    "id = 3\ninput = 'text'\nvocab = sorted(set('abc'))",
    "class Point:\n    def __eq__(self, other):\n        return self.x == other.x",
    "import pandas as pd\npd.options.display.max_rows = 10",
    "%matplotlib inline\n!ls\nx = 1",
    "def broken(:\n    pass",
])
def test_ordinary_code_is_not_flagged(code):
    assert s.scan_source(code) == set()


def test_sensitive_names_are_real_builtins():
    assert s.SENSITIVE_BUILTINS <= set(dir(builtins))


def test_fixture_notebooks():
    def scan(student):
        return s.scan_notebook(nbformat.read(SUBMISSIONS / student / "tiny.ipynb", as_version=4))

    assert scan("suspicious") == [s.ALWAYS_EQUAL, s.BUILTINS, s.NUMPY]
    assert scan("solution") == []
