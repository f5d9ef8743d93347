"""a6: alternatives (a nested Sequential body, string activations, Dense(1, use_bias=False), softplus losses, Keras's
BinaryCrossentropy, the fake made inside the discriminator's tape) and mutants, one mistake per function."""

from tests.grading.variants import Variant

GENERATOR = '''
def build_generator(noise_dim, num_classes, embed_dim, *, hidden_units=128):
    z = keras.Input(shape=(noise_dim,), name="z")
    y = keras.Input(shape=(), dtype="int32", name="y")
    label = keras.layers.Flatten()(keras.layers.Embedding(num_classes, embed_dim)(keras.ops.expand_dims(y, -1)))
    body = keras.Sequential([keras.layers.Dense(hidden_units), keras.layers.LeakyReLU(0.2),
                             keras.layers.Dense(hidden_units), keras.layers.LeakyReLU(0.2),
                             keras.layers.Dense(64), keras.layers.Activation("tanh"), keras.layers.Reshape((8, 8))])
    return keras.Model([z, y], body(keras.layers.Concatenate()([label, z])))
'''

DISCRIMINATOR = '''
def build_discriminator(num_classes, embed_dim, *, hidden_units=128):
    """The last Dense(1) has no bias: still logits."""
    x = keras.Input(shape=(8, 8), name="x")
    y = keras.Input(shape=(), dtype="int32", name="y")
    h = keras.layers.Concatenate()([keras.layers.Embedding(num_classes, embed_dim)(y), keras.layers.Reshape((64,))(x)])
    h = keras.layers.Dense(hidden_units, activation="leaky_relu")(h)
    h = keras.layers.Dense(hidden_units, activation="leaky_relu")(h)
    return keras.Model([x, y], keras.layers.Dense(1, use_bias=False)(h))
'''

D_LOSS = '''
def discriminator_loss(real_logits, fake_logits, *, label_smoothing=0.0):
    """BCE(t, l) = t softplus(-l) + (1 - t) softplus(l), written out."""
    r = tf.reshape(tf.cast(real_logits, tf.float32), [-1])
    f = tf.reshape(tf.cast(fake_logits, tf.float32), [-1])
    t = 1.0 - label_smoothing
    return tf.reduce_mean(t * tf.nn.softplus(-r) + (1.0 - t) * tf.nn.softplus(r)) + tf.reduce_mean(tf.nn.softplus(f))
'''

G_LOSS = '''
def generator_loss(fake_logits):
    f = tf.reshape(tf.convert_to_tensor(fake_logits, tf.float32), [-1, 1])
    return keras.losses.BinaryCrossentropy(from_logits=True)(tf.ones_like(f), f)
'''

TRAIN_STEP = '''
def train_step(generator, discriminator, g_opt, d_opt, images, labels, noise):
    """The fake is made inside the discriminator's tape (its gradient is taken for D's variables only)."""
    with tf.GradientTape() as d_tape:
        fake = generator([noise, labels], training=True)
        d_loss = discriminator_loss(discriminator([images, labels], training=True),
                                    discriminator([fake, labels], training=True))
    d_vars = discriminator.trainable_variables
    d_opt.apply_gradients(zip(d_tape.gradient(d_loss, d_vars), d_vars))
    with tf.GradientTape() as g_tape:
        g_loss = generator_loss(discriminator([generator([noise, labels], training=True), labels], training=True))
    g_vars = generator.trainable_variables
    g_opt.apply_gradients(zip(g_tape.gradient(g_loss, g_vars), g_vars))
    return {"d_loss": d_loss, "g_loss": g_loss}
'''

# ── mutants ──
GENERATOR_FIXED_WIDTH = '''
def build_generator(noise_dim, num_classes, embed_dim, *, hidden_units=128):
    """Mutant: ignores hidden_units (always 128)."""
    z = keras.Input(shape=(noise_dim,), name="z")
    y = keras.Input(shape=(), dtype="int32", name="y")
    h = keras.layers.Concatenate()([z, keras.layers.Embedding(num_classes, embed_dim)(y)])
    for _ in range(2):
        h = keras.layers.LeakyReLU(negative_slope=0.2)(keras.layers.Dense(128)(h))
    return keras.Model([z, y], keras.layers.Reshape((8, 8))(keras.layers.Dense(64, activation="tanh")(h)))
'''

DISCRIMINATOR_FIXED_WIDTH = '''
def build_discriminator(num_classes, embed_dim, *, hidden_units=128):
    """Mutant: ignores hidden_units (always 128)."""
    x = keras.Input(shape=(8, 8), name="x")
    y = keras.Input(shape=(), dtype="int32", name="y")
    h = keras.layers.Concatenate()([keras.layers.Flatten()(x), keras.layers.Embedding(num_classes, embed_dim)(y)])
    for _ in range(2):
        h = keras.layers.LeakyReLU(negative_slope=0.2)(keras.layers.Dense(128)(h))
    return keras.Model([x, y], keras.layers.Dense(1)(h))
'''

D_LOSS_TWO_SIDED = '''
def discriminator_loss(real_logits, fake_logits, *, label_smoothing=0.0):
    """Mutant: Keras's label_smoothing, which also moves the fake targets from 0 to ε/2."""
    bce = keras.losses.BinaryCrossentropy(from_logits=True, label_smoothing=label_smoothing)
    r = tf.reshape(tf.convert_to_tensor(real_logits, tf.float32), [-1, 1])
    f = tf.reshape(tf.convert_to_tensor(fake_logits, tf.float32), [-1, 1])
    return bce(tf.ones_like(r), r) + bce(tf.zeros_like(f), f)
'''

G_LOSS_UNSTABLE = '''
def generator_loss(fake_logits):
    """Mutant: -log(sigmoid(l)) through the probability, which is 0 (log 0 = -inf) for large negative logits."""
    return -tf.reduce_mean(tf.math.log(tf.sigmoid(tf.convert_to_tensor(fake_logits, tf.float32))))
'''

TRAIN_STEP_SIMULTANEOUS = '''
def train_step(generator, discriminator, g_opt, d_opt, images, labels, noise):
    """Mutant: both losses and gradients from one pass, so the generator's step uses the old discriminator."""
    with tf.GradientTape() as d_tape, tf.GradientTape() as g_tape:
        fake = generator([noise, labels], training=True)
        fake_logits = discriminator([fake, labels], training=True)
        d_loss = discriminator_loss(discriminator([images, labels], training=True), fake_logits)
        g_loss = generator_loss(fake_logits)
    d_grads = d_tape.gradient(d_loss, discriminator.trainable_variables)
    g_grads = g_tape.gradient(g_loss, generator.trainable_variables)
    d_opt.apply_gradients(zip(d_grads, discriminator.trainable_variables))
    g_opt.apply_gradients(zip(g_grads, generator.trainable_variables))
    return {"d_loss": d_loss, "g_loss": g_loss}
'''

VARIANTS = {
    "alternatives": Variant({"build_generator": GENERATOR, "build_discriminator": DISCRIMINATOR,
                             "discriminator_loss": D_LOSS, "generator_loss": G_LOSS, "train_step": TRAIN_STEP}),
    # build_discriminator and generator_loss stay right (train_step's tests use models of their own)
    "mutants": Variant({"build_generator": GENERATOR_FIXED_WIDTH, "discriminator_loss": D_LOSS_TWO_SIDED,
                        "train_step": TRAIN_STEP_SIMULTANEOUS},
                       loses=frozenset({"test_build_generator", "test_discriminator_loss", "test_train_step_losses",
                                        "test_train_step_updates"})),
}
