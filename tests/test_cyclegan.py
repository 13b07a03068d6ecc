"""CycleGAN model, image pool, LinearDecay, panels and translation metrics (tiny nets, few steps)."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

import gankit.data
from gankit import losses
from gankit.callbacks.panels import TranslationPanel, translation_panel
from gankit.callbacks.schedule import LinearDecay, linear_decay_factor
from gankit.classifier import lenet
from gankit.metrics.translation import (
    fit_to_size,
    label_preservation,
    translation_frechet_distance,
)
from gankit.models.cyclegan import CycleGAN
from gankit.models.image_pool import ImagePool
from gankit.nets.cyclegan import digit_patch_discriminator, digit_resnet_generator

LOGS = {
    "d_loss", "g_loss", "d_a_loss", "d_b_loss", "g_ab_adv", "g_ba_adv",
    "cycle_a", "cycle_b", "identity_a", "identity_b",
}
SIZE = 16


def tiny_cyclegan(c_a=1, c_b=3, lambda_identity=0.0, pool_size=4, crop=None):
    keras.utils.set_random_seed(0)
    d_kwargs = {"num_layers": 1, "crop_size": crop, "crop_seed": 1} if crop else {}
    return CycleGAN(
        digit_resnet_generator((SIZE, SIZE, c_a), output_channels=c_b, filters=4,
                               num_residual_blocks=1),
        digit_resnet_generator((SIZE, SIZE, c_b), output_channels=c_a, filters=4,
                               num_residual_blocks=1),
        digit_patch_discriminator((SIZE, SIZE, c_a), filters=4, **d_kwargs),
        digit_patch_discriminator((SIZE, SIZE, c_b), filters=4),
        lambda_identity=lambda_identity,
        pool_size=pool_size,
        seed=0,
    )


def compile_adam(model, loss="lsgan", run_eagerly=True):
    # Eager steps skip tracing, which dominates a few-step test; one test uses tf.function.
    model.compile(
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        loss=loss,
        run_eagerly=run_eagerly,
    )
    return model


def domain_images(n, channels, seed):
    return np.random.default_rng(seed).uniform(-1, 1, (n, SIZE, SIZE, channels)).astype("float32")


def paired_batches(c_a, c_b, n=16, batch=4):
    a, b = domain_images(n, c_a, 1), domain_images(n, c_b, 2)
    return tf.data.Dataset.from_tensor_slices((a, b)).batch(batch)


# ----------------------------------------------------------------------------- model


def test_fit_on_unpaired_dataset_logs_finite_losses_and_translates():
    a = tf.data.Dataset.from_tensor_slices(domain_images(12, 1, 1))
    b = tf.data.Dataset.from_tensor_slices(domain_images(8, 3, 2))
    ds = gankit.data.unpaired(a, b, batch_size=4, seed=0)
    model = compile_adam(tiny_cyclegan(), run_eagerly=False)
    history = model.fit(ds, epochs=2, verbose=0, callbacks=[LinearDecay(1, 1)])
    assert set(LOGS) <= set(history.history)
    for name in LOGS:
        assert np.all(np.isfinite(history.history[name])), name
    pool_before = np.asarray(model.pool_b.images)
    scores = model.evaluate(paired_batches(1, 3, n=4), verbose=0, return_dict=True)
    assert set(scores) == LOGS and all(np.isfinite(v) for v in scores.values())
    np.testing.assert_array_equal(np.asarray(model.pool_b.images), pool_before)
    assert history.history["identity_a"] == [0.0, 0.0]  # identity disabled
    assert history.history["learning_rate"] == pytest.approx([2e-4, 1e-4])
    assert model.g_optimizer.iterations.numpy() == 6  # 3 batches x 2 epochs
    out = model.translate(domain_images(5, 1, 3), direction="ab")
    assert out.shape == (5, SIZE, SIZE, 3) and out.dtype == np.float32
    assert np.all(np.abs(out) <= 1.0)
    back = model.translate(out, direction="ba")
    assert back.shape == (5, SIZE, SIZE, 1)


@pytest.mark.parametrize("loss", ["lsgan", "bce"])
def test_loss_parts_add_up_with_identity_weighted_by_cycle(loss):
    model = compile_adam(tiny_cyclegan(c_a=3, c_b=3, lambda_identity=0.5), loss=loss)
    logs = model.fit(paired_batches(3, 3, n=4, batch=4), epochs=1, verbose=0).history
    logs = {k: v[0] for k, v in logs.items()}  # one step: epoch means are the step values
    assert logs["identity_a"] > 0 and logs["identity_b"] > 0
    expected_g = (
        logs["g_ab_adv"] + logs["g_ba_adv"]
        + 10.0 * (logs["cycle_a"] + logs["cycle_b"])
        + 10.0 * 0.5 * (logs["identity_a"] + logs["identity_b"])
    )
    assert logs["g_loss"] == pytest.approx(expected_g, rel=1e-5)
    assert logs["d_loss"] == pytest.approx(logs["d_a_loss"] + logs["d_b_loss"], rel=1e-5)
    # Untrained D outputs ~0: LSGAN halved D loss ~ 0.5 * (1 + 0), BCE ~ 0.5 * 2 log 2.
    expected_d = 0.5 if loss == "lsgan" else np.log(2.0)
    assert logs["d_a_loss"] == pytest.approx(expected_d, rel=0.3)


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="lambda_identity=0"):
        tiny_cyclegan(c_a=1, c_b=3, lambda_identity=0.5)
    g13 = digit_resnet_generator((SIZE, SIZE, 1), output_channels=3, filters=4)
    d1 = digit_patch_discriminator((SIZE, SIZE, 1), filters=4)
    with pytest.raises(ValueError, match="generator_ab output"):
        CycleGAN(g13, g13, d1, d1, lambda_identity=0.0)
    model = tiny_cyclegan()
    with pytest.raises(ValueError, match="loss must be one of"):
        model.compile(loss="wasserstein")
    opt = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="different"):
        model.compile(g_optimizer=opt, d_optimizer=opt)
    with pytest.raises(ValueError, match="direction"):
        model.translate(domain_images(2, 1, 0), direction="xy")
    with pytest.raises(ValueError, match="shape"):
        model.translate(domain_images(2, 3, 0), direction="ab")
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        model.translate(domain_images(2, 1, 0) * 100, direction="ab")


def test_save_load_round_trip_and_exact_resume(tmp_path):
    ds = paired_batches(1, 3, n=8, batch=4)
    model = compile_adam(tiny_cyclegan(crop=8))
    model.fit(ds, epochs=1, verbose=0)
    model.save(tmp_path / "cyclegan.keras")
    model.save_weights(tmp_path / "cyclegan.weights.h5")
    loaded = keras.models.load_model(tmp_path / "cyclegan.keras")
    assert isinstance(loaded, CycleGAN)
    assert (loaded.lambda_cycle, loaded.lambda_identity, loaded.pool_size) == (10.0, 0.0, 4)
    x = domain_images(3, 1, 5)
    before = model.translate(x)
    np.testing.assert_allclose(before, loaded.translate(x), atol=1e-6)
    assert loaded.g_optimizer.iterations.numpy() == model.g_optimizer.iterations.numpy() == 2
    for saved, restored in zip(model.d_optimizer.variables, loaded.d_optimizer.variables):
        np.testing.assert_array_equal(np.asarray(saved), np.asarray(restored))
    np.testing.assert_array_equal(np.asarray(model.pool_b.images), np.asarray(loaded.pool_b.images))
    # Continuing both for one epoch gives identical weights: optimizer moments, pools, the
    # pools' and the crop's random streams all came back.
    model.fit(ds, epochs=2, initial_epoch=1, verbose=0)
    loaded.fit(ds, epochs=2, initial_epoch=1, verbose=0)
    for w1, w2 in zip(model.weights, loaded.weights):
        np.testing.assert_allclose(np.asarray(w1), np.asarray(w2), atol=1e-6, err_msg=w1.path)
    # .weights.h5 into a freshly built model.
    fresh = compile_adam(tiny_cyclegan(crop=8))
    fresh.load_weights(tmp_path / "cyclegan.weights.h5")
    np.testing.assert_allclose(fresh.translate(x), before, atol=1e-6)
    assert fresh.g_optimizer.iterations.numpy() == 2
    assert np.asarray(fresh.pool_a.seed_generator.state)[1] > 0  # random stream restored


def test_optimizers_are_keyword_only_and_the_shared_compile_checks_hold():
    model = tiny_cyclegan()
    g_opt, d_opt = keras.optimizers.Adam(), keras.optimizers.Adam()
    with pytest.raises(TypeError, match="keywords only"):
        model.compile(g_opt, d_opt)  # once (g, d) here and (d, g) for GAN: never positional
    with pytest.raises(ValueError, match="d_optimizer"):
        model.compile(optimizer="adam")
    with pytest.raises(ValueError, match="metrics"):
        model.compile(metrics=["mae"])
    with pytest.raises(ValueError, match="different optimizer objects"):
        model.compile(d_optimizer=d_opt, g_optimizer=d_opt)
    with pytest.raises(ValueError, match="Unknown compile arguments"):
        model.compile(learning_rate=1e-3)
    assert model.d_optimizer is None  # nothing half-configured by the refused calls


def test_adversarial_logs_are_gankit_losses_on_the_same_logits_as_gan():
    model = compile_adam(tiny_cyclegan(c_a=3, c_b=3, lambda_identity=0.5))
    a, b = domain_images(4, 3, 1), domain_images(4, 3, 2)
    logs = model.evaluate(paired_batches(3, 3, n=4, batch=4), return_dict=True, verbose=0)
    logits_b = model.discriminator_b(model.generator_ab(a, training=False), training=False)
    logits_a = model.discriminator_a(model.generator_ba(b, training=False), training=False)
    lsgan = losses.get("lsgan")  # what GAN's compile(loss="lsgan") logs as g_loss
    assert logs["g_ab_adv"] == pytest.approx(float(lsgan.generator_loss(logits_b)), rel=1e-5)
    assert logs["g_ba_adv"] == pytest.approx(float(lsgan.generator_loss(logits_a)), rel=1e-5)
    # gankit's LSGAN D loss is the paper's D loss divided by 2 (d_loss_factor=0.5).
    real_a = model.discriminator_a(a, training=False)
    assert logs["d_a_loss"] == pytest.approx(
        float(lsgan.discriminator_loss(real_a, logits_a)), rel=1e-5
    )


def test_generator_update_follows_the_paper_objective():
    """SGD step of the generators == lr * gradient of the CycleGAN paper's objective:
    mean((D(G(x)) - 1)^2) per direction + 10 * cycle L1 + 10 * 0.5 * identity L1."""
    lr = 0.1
    model = tiny_cyclegan(c_a=3, c_b=3, lambda_identity=0.5, pool_size=0)
    model.compile(d_optimizer=keras.optimizers.SGD(lr), g_optimizer=keras.optimizers.SGD(lr),
                  run_eagerly=True)
    a, b = domain_images(4, 3, 1), domain_images(4, 3, 2)
    g_ab, g_ba, d_a, d_b = (model.generator_ab, model.generator_ba,
                            model.discriminator_a, model.discriminator_b)
    variables = g_ab.trainable_variables + g_ba.trainable_variables
    with tf.GradientTape() as tape:
        fake_b, fake_a = g_ab(a, training=True), g_ba(b, training=True)
        adversarial = (tf.reduce_mean((d_b(fake_b, training=True) - 1.0) ** 2)
                       + tf.reduce_mean((d_a(fake_a, training=True) - 1.0) ** 2))
        cycle = (tf.reduce_mean(tf.abs(g_ba(fake_b, training=True) - a))
                 + tf.reduce_mean(tf.abs(g_ab(fake_a, training=True) - b)))
        identity = (tf.reduce_mean(tf.abs(g_ba(a, training=True) - a))
                    + tf.reduce_mean(tf.abs(g_ab(b, training=True) - b)))
        paper = adversarial + 10.0 * cycle + 10.0 * 0.5 * identity
    expected = [v.numpy() - lr * g.numpy() for v, g in zip(variables, tape.gradient(paper, variables))]
    model.fit(paired_batches(3, 3, n=4, batch=4), epochs=1, verbose=0)
    for variable, value in zip(variables, expected):
        np.testing.assert_allclose(variable.numpy(), value, atol=1e-6, err_msg=variable.path)


def test_compile_config_round_trips_through_a_keras_file(tmp_path):
    model = tiny_cyclegan()
    model.compile(d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
                  g_optimizer=keras.optimizers.SGD(0.01), loss="bce", label_smoothing=0.1,
                  run_eagerly=True, steps_per_execution=2)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert loaded.get_compile_config() == model.get_compile_config()
    assert loaded.adversarial_loss == losses.get("bce") and loaded.label_smoothing == 0.1
    assert isinstance(loaded.g_optimizer, keras.optimizers.SGD)
    assert float(loaded.d_optimizer.learning_rate) == pytest.approx(1e-3)
    assert loaded.run_eagerly and loaded.steps_per_execution == 2


# ----------------------------------------------------------------------------- image pool


def test_image_pool_returns_earlier_images_half_the_time():
    pool = ImagePool(10, image_shape=(1, 1, 1), seed=0)
    step = tf.function(pool, jit_compile=False)
    seen, earlier, total = set(), 0, 0
    next_id = 0
    for _ in range(300):
        ids = np.arange(next_id, next_id + 8, dtype="float32")
        next_id += 8
        out = np.asarray(step(ids.reshape(8, 1, 1, 1))).reshape(-1)
        if next_id <= 10:  # filling: images come back unchanged
            np.testing.assert_array_equal(out, ids)
        elif next_id > 16:  # pool full before this batch
            returned_old = ~np.isin(out, ids)
            assert set(out[returned_old].tolist()) <= seen  # only images given before
            earlier += int(returned_old.sum())
            total += len(ids)
        seen.update(ids.tolist())
    share = earlier / total
    # Binomial(2320, 1/2): 0.05 is more than 4 standard deviations (0.0104).
    assert abs(share - 0.5) < 0.05, share
    assert int(pool.count) == 10


def test_image_pool_zero_size_passes_through_and_works_under_xla():
    x = np.random.default_rng(0).normal(size=(3, 2, 2, 1)).astype("float32")
    np.testing.assert_array_equal(np.asarray(ImagePool(0, (2, 2, 1))(x)), x)
    pool = ImagePool(2, (2, 2, 1), seed=1)
    step = tf.function(pool, jit_compile=True)
    first = np.asarray(step(x))
    np.testing.assert_array_equal(first[:2], x[:2])
    assert int(pool.count) == 2
    with pytest.raises(ValueError, match="pool_size"):
        ImagePool(-1)


# ----------------------------------------------------------------------------- schedule


def test_linear_decay_values_and_resume():
    assert [linear_decay_factor(e, 2, 3) for e in range(7)] == [1, 1, 0.75, 0.5, 0.25, 0, 0]
    g, d = keras.optimizers.Adam(2e-4), keras.optimizers.Adam(1e-4)
    decay = LinearDecay(hold_epochs=2, decay_epochs=3, optimizers=[g, d])
    rates = []
    for epoch in range(6):
        decay.on_epoch_begin(epoch)
        rates.append([float(g.learning_rate), float(d.learning_rate)])
    factors = [1, 1, 0.75, 0.5, 0.25, 0]
    np.testing.assert_allclose(rates, [[2e-4 * f, 1e-4 * f] for f in factors], rtol=1e-6)
    # Resuming with a new callback: the rate is a pure function of the epoch.
    resumed = LinearDecay(2, 3, optimizers=g, initial_learning_rate=2e-4)
    resumed.on_epoch_begin(3)
    assert float(g.learning_rate) == pytest.approx(1e-4)
    with pytest.raises(ValueError, match=">= 0"):
        LinearDecay(-1, 3)


# ----------------------------------------------------------------------------- panels, metrics


def test_translation_panel_and_callback(tmp_path):
    model = compile_adam(tiny_cyclegan(c_a=3, c_b=3, lambda_identity=0.5))
    a, b = domain_images(5, 3, 1), domain_images(5, 3, 2)
    panel = translation_panel(model, a, b, tmp_path / "panel.png", names=("horse", "zebra"))
    saved = np.asarray(Image.open(tmp_path / "panel.png"))
    np.testing.assert_array_equal(saved, panel)
    cell = 64  # 16-pixel images are scaled x4
    assert panel.shape == (8 * (cell + 2) + 2, 96 + 5 * (cell + 2) + 2, 3)  # 8 rows incl. identity
    # First cell of the first row is the first original image, scaled up.
    original = np.clip(np.round((a[0] + 1) * 127.5), 0, 255).astype("uint8")
    np.testing.assert_array_equal(panel[2:66:4, 98:162:4], original)

    mixed = tiny_cyclegan()  # 1 -> 3 channels: no identity rows
    callback = TranslationPanel(tmp_path / "panels", domain_images(3, 1, 1), domain_images(3, 3, 2),
                                every=2)
    compile_adam(mixed).fit(paired_batches(1, 3, n=4), epochs=3, verbose=0, callbacks=[callback])
    assert [p.split("/")[-1] for p in callback.paths] == ["panel_epoch_002.png",
                                                          "panel_epoch_003.png"]
    rows = (np.asarray(Image.open(callback.paths[0])).shape[0] - 2) // 66
    assert rows == 6


class _IdentityTranslator:
    """Stands in for a trained CycleGAN: translate() returns its input."""

    def translate(self, images, direction="ab", batch_size=256):
        return np.asarray(images, dtype="float32")


def _brightness_classifier():
    # Class 1 for bright images, class 0 for dark ones.
    inputs = keras.Input((28, 28, 1))
    x = keras.layers.Flatten()(inputs)
    logits = keras.layers.Dense(2, kernel_initializer="zeros", bias_initializer="zeros")(x)
    model = keras.Model(inputs, keras.layers.Softmax()(logits))
    kernel = np.zeros((784, 2), "float32")
    kernel[:, 1] = 0.1
    kernel[:, 0] = -0.1
    model.layers[2].set_weights([kernel, np.zeros(2, "float32")])
    return model


def test_label_preservation_counts_source_labels_kept():
    dark = -np.ones((6, 32, 32, 1), "float32")  # padded to 32: center-cropped for the 28x28 LeNet
    bright = np.ones((4, 32, 32, 1), "float32")
    images = np.concatenate([dark, bright])
    labels = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1, 1])  # 4 dark 0s right, 2 dark wrong, 4 bright right
    result = label_preservation(_IdentityTranslator(), images, labels, "ab", _brightness_classifier())
    assert result["accuracy"] == pytest.approx(0.8)
    np.testing.assert_allclose(result["per_class"], [1.0, 4 / 6])
    assert result["confusion"].tolist() == [[4, 0], [2, 4]]
    with pytest.raises(ValueError, match="labels"):
        label_preservation(_IdentityTranslator(), images, labels[:3], "ab", _brightness_classifier())
    with pytest.raises(ValueError, match="direction"):
        label_preservation(_IdentityTranslator(), images, labels, "up", _brightness_classifier())


def test_translation_frechet_distance_zero_for_same_images():
    rng = np.random.default_rng(0)
    x = np.clip(rng.normal(-0.5, 0.5, (64, 28, 28, 1)), -1, 1).astype("float32")
    y = np.clip(rng.normal(0.3, 0.5, (64, 28, 28, 1)), -1, 1).astype("float32")
    classifier = lenet(input_shape=(28, 28, 1), seed=0)
    same = translation_frechet_distance(_IdentityTranslator(), x, x, "ab", classifier)
    different = translation_frechet_distance(_IdentityTranslator(), x, y, "ab", classifier)
    assert same == pytest.approx(0.0, abs=1e-6)
    assert different > 1e-3


def test_fit_to_size_crops_center_and_pads():
    x = np.arange(36, dtype="float32").reshape(1, 6, 6, 1)
    np.testing.assert_array_equal(fit_to_size(x, 4, 4)[0, :, :, 0], x[0, 1:5, 1:5, 0])
    padded = fit_to_size(x, 8, 8)
    assert padded.shape == (1, 8, 8, 1) and padded[0, 0, 0, 0] == -1.0
    np.testing.assert_array_equal(padded[0, 1:7, 1:7], x[0])


def test_lambda_cycle_b_weighs_the_b_cycle_alone_and_is_saved(tmp_path):
    keras.utils.set_random_seed(0)
    nets = (digit_resnet_generator((SIZE, SIZE, 3), filters=4, num_residual_blocks=1),
            digit_resnet_generator((SIZE, SIZE, 3), filters=4, num_residual_blocks=1),
            digit_patch_discriminator((SIZE, SIZE, 3), filters=4),
            digit_patch_discriminator((SIZE, SIZE, 3), filters=4))
    model = compile_adam(CycleGAN(*nets, lambda_cycle=10.0, lambda_identity=0.5,
                                  lambda_cycle_b=1.0, seed=0))
    logs = model.evaluate(paired_batches(3, 3, n=4, batch=4), verbose=0, return_dict=True)
    expected = (logs["g_ab_adv"] + logs["g_ba_adv"] + 10.0 * logs["cycle_a"]
                + 1.0 * logs["cycle_b"] + 10.0 * 0.5 * (logs["identity_a"] + logs["identity_b"]))
    assert logs["g_loss"] == pytest.approx(expected, rel=1e-5)
    model.save(tmp_path / "m.keras")
    assert keras.models.load_model(tmp_path / "m.keras").lambda_cycle_b == 1.0
    assert CycleGAN(*nets, lambda_cycle=7.0, lambda_identity=0.0).lambda_cycle_b == 7.0
    with pytest.raises(ValueError, match="lambda_cycle_b"):
        CycleGAN(*nets, lambda_identity=0.0, lambda_cycle_b=-1.0)


def test_a_cyclegan_checkpoint_with_gankit_layers_resumes_in_a_fresh_process(tmp_path):
    """`resume` (and `load_model`) need no `import gankit.nets` first: the models register the
    custom layers (report 001's nets use ReflectionPadding2D)."""
    import subprocess
    import sys

    from gankit import nets
    from gankit.callbacks import GANCheckpoint

    model = gankit.CycleGAN(nets.report001_generator((28, 28, 1), filters=4),
                            nets.report001_generator((28, 28, 1), filters=4),
                            nets.report001_discriminator((28, 28, 1), filters=4),
                            nets.report001_discriminator((28, 28, 1), filters=4), seed=0)
    model.compile()
    images = np.zeros((2, 28, 28, 1), "float32")
    model.fit(tf.data.Dataset.from_tensors((images, images)), epochs=1, verbose=0,
              callbacks=[GANCheckpoint(tmp_path)])
    code = ("from gankit.callbacks.checkpoint import resume; "
            f"model, epoch = resume({str(tmp_path)!r}); print(type(model).__name__, epoch)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300)
    assert proc.stdout.split()[-2:] == ["CycleGAN", "1"], proc.stderr[-2000:]
