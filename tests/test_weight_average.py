"""The moving average of the generator's weights (`ema_momentum`): what it follows, what uses
it, what is saved."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from gankit.models import GAN, WGANGP, ConditionalGAN, SelfConditionedGAN


def _fit(model, images, labels=None, epochs=1, batch_size=16):
    data = images if labels is None else (images, labels)
    ds = tf.data.Dataset.from_tensor_slices(data).batch(batch_size)
    model.fit(ds, epochs=epochs, verbose=0, shuffle=False)


def _compile(model):
    model.compile(d_optimizer=keras.optimizers.Adam(1e-2), g_optimizer=keras.optimizers.Adam(1e-2))
    return model


def _values(variables):
    return [np.array(v) for v in variables]


@pytest.mark.parametrize("momentum", [0.0, 1.0, -0.5, 1.5, "0.9", True])
def test_bad_momentum_is_a_clear_error(tiny_nets, momentum):
    with pytest.raises(ValueError, match="ema_momentum"):
        GAN(*tiny_nets("mlp"), ema_momentum=momentum)


def test_average_follows_the_tf_decay_rule_over_updates(tiny_nets, tiny_images):
    # BatchNorm in G: its moving statistics are averaged too
    model = _compile(GAN(*tiny_nets("dcgan"), seed=0, ema_momentum=0.5))
    generator = model.generator
    expected = _values(generator.weights)  # the average starts at the initial weights
    for update in range(3):  # decay min(0.5, (1 + n) / (10 + n)): 0.1, 0.18, 0.25
        _fit(model, tiny_images[:16])
        decay = min(0.5, (1 + update) / (10 + update))
        expected = [decay * e + (1 - decay) * w for e, w in zip(expected, _values(generator.weights))]
    assert int(model.ema_updates) == 3
    live = _values(generator.weights)
    with model.average_weights() as averaged:
        assert averaged is generator
        got = _values(generator.weights)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6)
    assert max(np.abs(g - w).max() for g, w in zip(got, live)) > 1e-4  # it lags the weights
    assert all(np.array_equal(a, b) for a, b in zip(live, _values(generator.weights)))


def test_generate_and_interpolate_use_the_average_and_call_uses_the_weights(tiny_nets,
                                                                            tiny_images,
                                                                            tiny_labels):
    model = _compile(ConditionalGAN(*tiny_nets("cgan"), seed=0, ema_momentum=0.9))
    _fit(model, tiny_images, tiny_labels, epochs=2)
    labels = np.arange(10)
    noise = np.random.default_rng(0).standard_normal((10, model.latent_dim)).astype("float32")
    one_hot = np.eye(10, dtype="float32")
    live = np.asarray(model.generator([noise, one_hot], training=False))
    with model.average_weights() as generator:
        averaged = np.asarray(generator([noise, one_hot], training=False))
    assert np.abs(live - averaged).max() > 1e-3
    np.testing.assert_allclose(model.generate(labels, seed=0), averaged, atol=1e-6)
    np.testing.assert_allclose(np.asarray(model([noise, one_hot])), live, atol=1e-6)
    path = model.interpolate(noise[0], noise[1], steps=2, labels=labels[:2])
    np.testing.assert_allclose(path, averaged[:2], atol=1e-6)


def test_weights_come_back_after_an_error_in_the_block(tiny_nets, tiny_images):
    model = _compile(GAN(*tiny_nets("mlp"), seed=0, ema_momentum=0.9))
    _fit(model, tiny_images)
    live = _values(model.generator.weights)
    with pytest.raises(RuntimeError):
        with model.average_weights():
            raise RuntimeError("stop")
    assert all(np.array_equal(a, b) for a, b in zip(live, _values(model.generator.weights)))


def test_without_momentum_there_is_no_average(tiny_nets, tiny_images):
    model = _compile(GAN(*tiny_nets("mlp"), seed=0))
    _fit(model, tiny_images)
    assert model.get_config()["ema_momentum"] is None
    noise = np.random.default_rng(0).standard_normal((4, model.latent_dim)).astype("float32")
    np.testing.assert_allclose(model.generate(4, seed=0),
                               np.asarray(model.generator(noise, training=False)), atol=1e-6)
    with pytest.raises(ValueError, match="ema_momentum"):
        with model.average_weights():
            pass


@pytest.mark.parametrize("kind", ["cgan", "wgangp"])
def test_average_is_saved_and_a_resumed_run_continues_it_exactly(tmp_path, tiny_nets,
                                                                tiny_images, tiny_labels, kind):
    def build():
        if kind == "cgan":
            return _compile(ConditionalGAN(*tiny_nets("cgan"), seed=0, ema_momentum=0.9))
        return _compile(WGANGP(*tiny_nets("wgan", conditional=True), critic_steps=2, seed=0,
                               ema_momentum=0.9))

    straight = build()
    _fit(straight, tiny_images, tiny_labels, epochs=2)
    halted = build()
    _fit(halted, tiny_images, tiny_labels, epochs=1)
    halted.save(tmp_path / "model.keras")
    resumed = keras.models.load_model(tmp_path / "model.keras")
    assert resumed.ema_momentum == 0.9 and int(resumed.ema_updates) == int(halted.ema_updates)
    labels = np.arange(10)
    np.testing.assert_array_equal(resumed.generate(labels, seed=0), halted.generate(labels, seed=0))
    _fit(resumed, tiny_images, tiny_labels, epochs=1)
    np.testing.assert_allclose(resumed.generate(labels, seed=0),
                               straight.generate(labels, seed=0), atol=1e-5)
    # a weights file restores the average too
    halted.save_weights(tmp_path / "model.weights.h5")
    twin = type(halted).from_config(halted.get_config())
    twin.load_weights(tmp_path / "model.weights.h5")
    np.testing.assert_array_equal(twin.generate(labels, seed=0), halted.generate(labels, seed=0))


def test_self_conditioned_gan_generates_with_the_average(tiny_images):
    from gankit.nets.projection import compact_cgan_generator, projection_discriminator

    keras.utils.set_random_seed(0)
    model = SelfConditionedGAN(
        compact_cgan_generator(latent_dim=8, filters=4, num_classes=3),
        projection_discriminator(filters=4, num_classes=3), seed=0, ema_momentum=0.9)
    model.adapt(tiny_images, seed=0)
    _compile(model)
    _fit(model, tiny_images, epochs=2)
    assert int(model.ema_updates) == 4
    noise = np.random.default_rng(0).standard_normal((6, model.latent_dim)).astype("float32")
    clusters = np.array([0, 1, 2, 0, 1, 2])
    inputs = [noise, np.eye(3, dtype="float32")[clusters]]
    live = np.asarray(model.generator(inputs, training=False))
    with model.average_weights() as generator:
        averaged = np.asarray(generator(inputs, training=False))
    assert np.abs(averaged - live).max() > 1e-4
    np.testing.assert_allclose(model.generate(noise=noise, clusters=clusters), averaged,
                               atol=1e-6)
