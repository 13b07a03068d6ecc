"""The mode-seeking term (MSGAN): its value, its place in G's loss, its log, saving, errors."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from gankit import losses
from gankit.models import GAN, WGANGP, ConditionalGAN


def adam():
    return keras.optimizers.Adam(1e-3, beta_1=0.5)


def batches(images, labels=None, batch_size=16):
    data = images if labels is None else (images, labels)
    return tf.data.Dataset.from_tensor_slices(data).batch(batch_size)


def test_mode_seeking_is_the_inverse_of_image_over_noise_distance():
    a = np.zeros((4, 2, 2, 1), "float32")
    b = np.full((4, 2, 2, 1), 0.5, "float32")
    z1 = np.zeros((4, 3), "float32")
    z2 = np.full((4, 3), 2.0, "float32")
    loss, ratio = losses.mode_seeking(a, b, z1, z2)
    assert float(ratio) == pytest.approx(0.25)
    assert float(loss) == pytest.approx(1 / (0.25 + 1e-5))
    # identical images (collapse) cost the most; images twice as far apart cost half as much
    collapsed, _ = losses.mode_seeking(a, a, z1, z2)
    assert float(collapsed) == pytest.approx(1e5)
    farther, _ = losses.mode_seeking(a, 2 * b, z1, z2)
    assert float(farther) == pytest.approx(float(loss) / 2, rel=1e-4)


def _first_batch_logs(model, data):
    seen = []
    record = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs=None: seen.append(dict(logs)))
    model.fit(data, epochs=1, verbose=0, shuffle=False, callbacks=[record])
    return seen[0]


@pytest.mark.parametrize("weight", [1.0, 0.5])
def test_the_weighted_term_is_added_to_g_loss_and_the_ratio_logged(
        tiny_nets, tiny_images, tiny_labels, weight):
    data = batches(tiny_images, tiny_labels)
    plain = ConditionalGAN(*tiny_nets("cgan"), seed=0)
    plain.compile(d_optimizer=adam(), g_optimizer=adam(), loss="hinge")
    seeking = ConditionalGAN(*tiny_nets("cgan"), seed=0, mode_seeking_weight=weight)
    seeking.compile(d_optimizer=adam(), g_optimizer=adam(), loss="hinge")
    base, logs = _first_batch_logs(plain, data), _first_batch_logs(seeking, data)
    assert "diversity" not in base
    assert logs["diversity"] > 0
    # the first batch draws the same noise for D and G's adversarial term in both models
    assert logs["d_loss"] == pytest.approx(base["d_loss"], rel=1e-5)
    assert logs["g_loss"] == pytest.approx(
        base["g_loss"] + weight / (logs["diversity"] + 1e-5), rel=1e-4)
    # ... and the term changes G's update
    g_plain = [np.array(w) for w in plain.generator.trainable_weights]
    g_seeking = [np.array(w) for w in seeking.generator.trainable_weights]
    assert any(not np.allclose(a, b) for a, b in zip(g_plain, g_seeking))


def test_unconditional_and_wgangp_models_log_diversity(tiny_nets, tiny_images, tiny_labels):
    gan = GAN(*tiny_nets("dcgan"), seed=0, mode_seeking_weight=1.0)
    gan.compile(d_optimizer=adam(), g_optimizer=adam())
    history = gan.fit(batches(tiny_images), epochs=1, verbose=0, shuffle=False).history
    assert set(history) == {"d_loss", "g_loss", "real_score", "fake_score", "diversity"}
    assert all(np.isfinite(v[0]) for v in history.values())
    wgan = WGANGP(*tiny_nets("wgan", conditional=True), critic_steps=2, seed=0,
                  mode_seeking_weight=1.0)
    wgan.compile(d_optimizer=adam(), g_optimizer=adam())
    history = wgan.fit(batches(tiny_images, tiny_labels), epochs=1, verbose=0).history
    assert history["diversity"][0] > 0 and np.isfinite(history["g_loss"][0])
    assert [m.name for m in wgan.metrics][-1] == "diversity"


def test_the_weight_is_saved_and_bad_weights_are_refused(tmp_path, tiny_nets, tiny_images,
                                                           tiny_labels):
    cgan = ConditionalGAN(*tiny_nets("cgan"), seed=0, mode_seeking_weight=2.0)
    cgan.compile(d_optimizer=adam(), g_optimizer=adam())
    cgan.fit(batches(tiny_images, tiny_labels), epochs=1, verbose=0)
    assert ConditionalGAN.from_config(cgan.get_config()).mode_seeking_weight == 2.0
    cgan.save(tmp_path / "ms.keras")
    loaded = keras.models.load_model(tmp_path / "ms.keras")
    assert loaded.mode_seeking_weight == 2.0
    history = loaded.fit(batches(tiny_images, tiny_labels), epochs=1, verbose=0).history
    assert "diversity" in history
    assert ConditionalGAN(*tiny_nets("cgan")).get_config()["mode_seeking_weight"] == 0.0
    for bad in (-1.0, float("nan"), "much", True):
        with pytest.raises(ValueError, match="mode_seeking_weight"):
            ConditionalGAN(*tiny_nets("cgan"), mode_seeking_weight=bad)
