"""a6's builder tests against the contract, cell by cell in this process (no grading run needed).

The contract says: the generator ends in tanh (values in [-1, 1], negative ones included) and the discriminator
returns logits, with or without a bias in its last Dense(1). A sigmoid generator and a sigmoid discriminator must
fail the test cells (public and hidden parts); a discriminator whose last Dense(1) has no bias must pass.
The graded alternatives (tests/grading/variants) run the same cells through `dlcourse grade`.
"""

from __future__ import annotations

import nbformat
import pytest

from dlcourse.grading.course import Course
from dlcourse.grading.repair import grade_id

pytestmark = pytest.mark.slow

NOTEBOOK = Course.default().source_dir("a6_conditional_gan") / "conditional_gan.ipynb"

GENERATOR = '''
def build_generator(noise_dim, num_classes, embed_dim, *, hidden_units=128):
    z = keras.Input(shape=(noise_dim,))
    y = keras.Input(shape=(), dtype="int32")
    h = keras.layers.Concatenate()([z, keras.layers.Embedding(num_classes, embed_dim)(y)])
    h = keras.layers.Dense(hidden_units, activation="relu")(h)
    return keras.Model([z, y], keras.layers.Reshape((8, 8))(keras.layers.Dense(64, activation="{activation}")(h)))
'''

DISCRIMINATOR = '''
def build_discriminator(num_classes, embed_dim, *, hidden_units=128):
    x = keras.Input(shape=(8, 8))
    y = keras.Input(shape=(), dtype="int32")
    h = keras.layers.Concatenate()([keras.layers.Flatten()(x), keras.layers.Embedding(num_classes, embed_dim)(y)])
    h = keras.layers.Dense(hidden_units, activation="relu")(h)
    return keras.Model([x, y], keras.layers.Dense(1, activation={activation!r}, use_bias={bias})(h))
'''


def cell(gid: str) -> str:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    return next(c.source for c in nb.cells if grade_id(c) == gid)


def run(test_cell: str, answer: str) -> None:
    from dlcourse.data import load_digits

    digits = load_digits()
    ns = {"NOISE_DIM": 16, "NUM_CLASSES": 10, "EMBED_DIM": 8, "x_real": digits.images * 2.0 - 1.0,
          "y_real": digits.labels.astype("int32")}
    exec("import keras, numpy as np", ns)
    exec(answer, ns)
    exec(cell(test_cell), ns)


@pytest.mark.parametrize("activation, passes", [("tanh", True), ("sigmoid", False)])
def test_the_generator_test_wants_a_tanh_output(activation, passes):
    answer = GENERATOR.format(activation=activation)
    if passes:
        run("test_build_generator", answer)
    else:
        with pytest.raises(AssertionError, match="음수와 양수"):
            run("test_build_generator", answer)


@pytest.mark.parametrize("activation, bias, passes", [(None, True, True), (None, False, True),
                                                       ("sigmoid", True, False), ("sigmoid", False, False)])
def test_the_discriminator_test_wants_logits_with_or_without_a_bias(activation, bias, passes):
    answer = DISCRIMINATOR.format(activation=activation, bias=bias)
    if passes:
        run("test_build_discriminator", answer)
    else:
        with pytest.raises(AssertionError, match="로짓"):
            run("test_build_discriminator", answer)
