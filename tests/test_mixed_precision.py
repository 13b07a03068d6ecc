"""Mixed precision: gankit nets and models under `keras.mixed_precision` policies.

The hidden layers compute in bfloat16 (or float16); images, logits, losses, the gradient
penalty, the logs and `generate` stay float32; `mixed_float16` trains with loss scaling.
Every test resets the global policy to float32 so other tests are unaffected.
"""

import keras
import numpy as np
import pytest
from conftest import make_images, make_labels

import gankit
from gankit import losses, nets


@pytest.fixture
def policy():
    """`policy(name)` sets the global dtype policy; float32 is restored after the test."""
    yield keras.mixed_precision.set_dtype_policy
    keras.mixed_precision.set_dtype_policy("float32")


IMG = (28, 28, 1)
RGB = (32, 32, 3)
BUILDERS = {
    "mlp_generator": (lambda: nets.mlp_generator(8, hidden_units=16), "noise"),
    "mlp_discriminator": (lambda: nets.mlp_discriminator(hidden_units=16), "images"),
    "dcgan_generator_002": (lambda: nets.dcgan_generator(8, filters=8, variant="002"), "noise"),
    "dcgan_discriminator_002": (
        lambda: nets.dcgan_discriminator(filters=4, variant="002"), "images"),
    "dcgan_generator_003": (lambda: nets.dcgan_generator(8, filters=8, variant="003"), "noise"),
    "dcgan_discriminator_003": (
        lambda: nets.dcgan_discriminator(filters=4, variant="003"), "images"),
    "cgan_generator": (lambda: nets.cgan_generator(8, filters=8), "noise+labels"),
    "cgan_discriminator": (lambda: nets.cgan_discriminator(filters=4), "images+labels"),
    "wgan_generator": (lambda: nets.wgan_generator(8, units=(16, 16)), "noise"),
    "wgan_critic": (lambda: nets.wgan_critic(units=(16, 16)), "images"),
    "compact_cgan_generator": (lambda: nets.compact_cgan_generator(8, filters=8), "noise+labels"),
    "projection_discriminator": (
        lambda: nets.projection_discriminator(filters=8), "images+labels"),
    "noise_image_generator": (
        lambda: nets.noise_image_generator(IMG, num_residual_blocks=1, filters=4), "images"),
    "conv_lsgan_discriminator": (lambda: nets.conv_lsgan_discriminator(IMG, filters=4), "images"),
    "digit_resnet_generator": (
        lambda: nets.digit_resnet_generator(IMG, filters=4, num_residual_blocks=1), "images"),
    "digit_patch_discriminator": (lambda: nets.digit_patch_discriminator(IMG, filters=4), "images"),
    "resnet_generator": (
        lambda: nets.resnet_generator(RGB, filters=4, num_residual_blocks=1), "rgb"),
    "patch_discriminator": (lambda: nets.patch_discriminator(RGB, filters=4), "rgb"),
    "image_discriminator": (lambda: nets.image_discriminator(RGB, filters=4), "rgb"),
    "report001_generator": (lambda: nets.report001_generator(RGB, filters=4), "rgb"),
    "report001_discriminator": (lambda: nets.report001_discriminator(RGB, filters=4), "rgb"),
    "report000_discriminator": (lambda: nets.report000_discriminator(RGB, filters=4), "rgb"),
}


def _inputs(kind):
    rng = np.random.default_rng(0)
    noise = rng.standard_normal((4, 8)).astype("float32")
    one_hot = np.eye(10, dtype="float32")[[0, 1, 2, 3]]
    images = make_images(4)
    rgb = np.repeat(make_images(4, (32, 32, 1)), 3, axis=-1)
    return {"noise": noise, "images": images, "rgb": rgb, "noise+labels": [noise, one_hot],
            "images+labels": [images, one_hot]}[kind]


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_every_builder_computes_in_bfloat16_and_outputs_float32(policy, name):
    policy("mixed_bfloat16")
    build, kind = BUILDERS[name]
    net = build()
    compute = {layer.dtype_policy.compute_dtype for layer in net.layers if layer.weights}
    assert "bfloat16" in compute  # the hidden layers really are mixed precision
    outputs = net(_inputs(kind), training=False)
    assert keras.backend.standardize_dtype(outputs.dtype) == "float32"
    assert np.all(np.isfinite(keras.ops.convert_to_numpy(outputs)))


@pytest.mark.parametrize("name", losses.available())
def test_losses_and_scores_are_float32_for_bfloat16_logits(name):
    loss = losses.get(name)
    real = keras.ops.cast(np.linspace(-2, 2, 8).reshape(8, 1), "bfloat16")
    fake = keras.ops.cast(np.linspace(-1, 3, 8).reshape(8, 1), "bfloat16")
    for value in (loss.discriminator_loss(real, fake), loss.generator_loss(fake),
                  loss.score(real)):
        assert keras.backend.standardize_dtype(value.dtype) == "float32"


def test_gradient_penalty_is_float32_with_a_bfloat16_critic(policy):
    import tensorflow as tf

    policy("mixed_bfloat16")
    critic = nets.wgan_critic(units=(16,))
    real = keras.ops.cast(make_images(4), "bfloat16")
    fake = keras.ops.cast(make_images(4, seed=1), "bfloat16")
    alpha = np.linspace(0, 1, 4).astype("float32")
    points = losses.interpolates(real, fake, alpha)
    assert keras.backend.standardize_dtype(points.dtype) == "float32"

    def gradient_fn(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            scores = critic(x, training=True)
        return tape.gradient(scores, x)

    gp = losses.gradient_penalty(gradient_fn, real, fake, alpha)
    assert keras.backend.standardize_dtype(gp.dtype) == "float32"
    assert np.isfinite(float(gp)) and float(gp) >= 0


def _gan_family(kind):
    keras.utils.set_random_seed(0)
    if kind == "GAN":
        g = nets.dcgan_generator(8, filters=8, variant="003")
        d = nets.dcgan_discriminator(filters=4, variant="003")
        return gankit.GAN(g, d, seed=0), None
    if kind == "ConditionalGAN":
        g = nets.cgan_generator(8, filters=8)
        d = nets.cgan_discriminator(filters=4)
        return gankit.ConditionalGAN(g, d, seed=0), make_labels(16)
    g = nets.wgan_generator(8, units=(16, 16), conditional=True)
    d = nets.wgan_critic(units=(16, 16), conditional=True)
    return gankit.WGANGP(g, d, critic_steps=2, seed=0), make_labels(16)


def _weights(net):
    return [np.array(w) for w in net.trainable_weights]


def _moved(before, net):
    """Every kernel moved (a critic's last bias has no gradient under the Wasserstein loss)."""
    pairs = [(a, np.array(b)) for a, b in zip(before, net.trainable_weights) if a.ndim > 1]
    return pairs and all(not np.array_equal(a, b) for a, b in pairs)


def _pairs(a, b, batch_size):
    import tensorflow as tf

    return tf.data.Dataset.from_tensor_slices((a, b)).batch(batch_size)


def _check_trained(model, history, log_names):
    for name in log_names:
        values = history.history[name]
        assert len(values) == 1 and np.isfinite(values[0]), name
    for tracker in model.metrics:
        assert keras.backend.standardize_dtype(tracker.result().dtype) == "float32"


@pytest.mark.parametrize("kind", ["GAN", "ConditionalGAN", "WGANGP"])
def test_gan_family_trains_under_mixed_bfloat16(policy, kind):
    policy("mixed_bfloat16")
    model, labels = _gan_family(kind)
    model.compile()
    g_before, d_before = _weights(model.generator), _weights(model.discriminator)
    images = make_images(16)
    data = images if labels is None else (images, labels)
    history = model.fit(*(data if isinstance(data, tuple) else (data,)), batch_size=8,
                        epochs=1, verbose=0, shuffle=False)
    _check_trained(model, history, model.log_names)
    assert _moved(g_before, model.generator) and _moved(d_before, model.discriminator)

    noise = np.random.default_rng(0).standard_normal((4, 8)).astype("float32")
    inputs = noise if labels is None else [noise, np.eye(10, dtype="float32")[:4]]
    raw = keras.ops.convert_to_numpy(model.generator(inputs, training=False))
    generated = model.generate(4 if labels is None else np.arange(4), seed=0)
    for out in (raw, generated):
        assert out.dtype == np.float32 and out.shape == (4, 28, 28, 1)
        assert out.min() >= -1.0 and out.max() <= 1.0


def _tiny_cyclegan(**compile_kwargs):
    keras.utils.set_random_seed(0)
    model = gankit.CycleGAN(
        nets.digit_resnet_generator(IMG, filters=4, num_residual_blocks=1),
        nets.digit_resnet_generator(IMG, filters=4, num_residual_blocks=1),
        nets.digit_patch_discriminator(IMG, filters=4),
        nets.digit_patch_discriminator(IMG, filters=4),
        pool_size=4, seed=0,
    )
    # Eager: tracing the four nets takes 3x longer than the two steps; the dtypes are the same.
    model.compile(run_eagerly=True, **compile_kwargs)
    return model


def test_cyclegan_trains_under_mixed_bfloat16(policy):
    policy("mixed_bfloat16")
    model = _tiny_cyclegan()
    nets_before = {net.name: _weights(net) for net in (*model.generator_nets,
                                                        *model.discriminator_nets)}
    a, b = make_images(8), make_images(8, seed=1)
    history = model.fit(_pairs(a, b, 4), epochs=1, verbose=0)
    _check_trained(model, history, model.log_names)
    for net in (*model.generator_nets, *model.discriminator_nets):
        assert _moved(nets_before[net.name], net), net.name
    translated = model.translate(a[:3])
    assert translated.dtype == np.float32 and translated.min() >= -1 and translated.max() <= 1


def test_mixed_float16_scales_the_losses(policy):
    policy("mixed_float16")
    model, _ = _gan_family("GAN")
    model.compile(d_optimizer=keras.optimizers.SGD(0.01), g_optimizer=keras.optimizers.SGD(0.01))
    for optimizer in (model.d_optimizer, model.g_optimizer):
        assert isinstance(optimizer, keras.optimizers.LossScaleOptimizer)
    d_before = _weights(model.discriminator)
    history = model.fit(make_images(16), batch_size=8, epochs=1, verbose=0, shuffle=False)
    _check_trained(model, history, model.log_names)
    step = max(np.abs(np.array(w) - b).max()
               for w, b in zip(model.discriminator.trainable_weights, d_before))
    # SGD moves by lr * gradient only when the scaled loss is unscaled again: an unscaled loss
    # through a LossScaleOptimizer would give steps 2**15 times smaller.
    assert 1e-5 < step < 1.0
    assert model.generate(4, seed=0).dtype == np.float32

    model.compile(auto_scale_loss=False)
    assert not isinstance(model.d_optimizer, keras.optimizers.LossScaleOptimizer)


def test_float32_policy_keeps_plain_optimizers():
    model, _ = _gan_family("GAN")
    model.compile()
    assert not isinstance(model.g_optimizer, keras.optimizers.LossScaleOptimizer)


def test_cyclegan_under_mixed_float16_takes_finite_steps(policy):
    policy("mixed_float16")
    model = _tiny_cyclegan(
        d_optimizer=keras.optimizers.SGD(0.01), g_optimizer=keras.optimizers.SGD(0.01)
    )
    assert isinstance(model.g_optimizer, keras.optimizers.LossScaleOptimizer)
    before = _weights(model.discriminator_a)
    history = model.fit(_pairs(make_images(8), make_images(8, seed=1), 4), epochs=1, verbose=0)
    _check_trained(model, history, model.log_names)
    assert _moved(before, model.discriminator_a)


@pytest.mark.parametrize("mixed", ["mixed_bfloat16", "mixed_float16"])
def test_keras_file_round_trips_the_policy(policy, tmp_path, mixed):
    policy(mixed)
    model, _ = _gan_family("GAN")
    model.compile(jit_compile=False)
    model.fit(make_images(8), batch_size=8, epochs=1, verbose=0)
    path = tmp_path / "gan.keras"
    model.save(path)
    expected = model.generate(4, seed=0)
    policy("float32")  # loading must not depend on the global policy
    loaded = keras.models.load_model(path)
    assert loaded.generator.get_layer("up1").dtype_policy.name == mixed
    assert loaded.generator.get_layer("tanh").dtype_policy.name == "float32"
    scaled = isinstance(loaded.d_optimizer, keras.optimizers.LossScaleOptimizer)
    assert scaled == (mixed == "mixed_float16")
    np.testing.assert_array_equal(loaded.generate(4, seed=0), expected)
    loaded.fit(make_images(8), batch_size=8, epochs=1, verbose=0)


def test_pretrained_classifier_scores_in_float32_under_a_mixed_policy(policy):
    from gankit import classifier

    images = make_images(8)
    policy("mixed_bfloat16")
    classifier._PRETRAINED_CACHE.clear()
    try:
        model = classifier.load_pretrained("mnist")
        assert {layer.dtype_policy.name for layer in model.layers} == {"float32"}
        mixed_scores = np.array(model(images, training=False))
    finally:
        classifier._PRETRAINED_CACHE.clear()
    policy("float32")
    np.testing.assert_allclose(mixed_scores, np.array(
        classifier.load_pretrained("mnist")(images, training=False)), atol=1e-6)
