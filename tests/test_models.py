"""GAN, ConditionalGAN and WGANGP: training logs, update isolation, generation, saving."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from gankit import losses
from gankit.models import GAN, WGANGP, ConditionalGAN, interpolate_latents

KEYS = {"d_loss", "g_loss", "real_score", "fake_score"}


def adam(lr=1e-3):
    return keras.optimizers.Adam(lr, beta_1=0.5)


def dataset(images, labels=None, batch_size=16):
    data = images if labels is None else (images, labels)
    return tf.data.Dataset.from_tensor_slices(data).batch(batch_size)


def fit(model, data, epochs=1, **kwargs):
    return model.fit(data, epochs=epochs, verbose=0, shuffle=False, **kwargs)


def weights(net):
    return [np.array(w) for w in net.trainable_weights]


def changed(before, after):
    return any(not np.array_equal(b, a) for b, a in zip(before, after))


@pytest.mark.parametrize("loss", ["bce", "hinge"])
def test_gan_history_has_each_key_once_as_epoch_means(tiny_nets, tiny_images, loss):
    gan = GAN(*tiny_nets("dcgan"), seed=0)
    gan.compile(d_optimizer=adam(), g_optimizer=adam(), loss=loss)
    batch_logs = []
    record = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: batch_logs.append(dict(logs))
    )
    history = fit(gan, dataset(tiny_images), epochs=2, callbacks=[record])
    assert set(history.history) == KEYS
    assert all(len(v) == 2 and np.all(np.isfinite(v)) for v in history.history.values())
    # the epoch log is the mean over the epoch's batches (trackers reset each epoch)
    assert gan.trackers["d_loss"].count.numpy() == 2  # 32 images / 16 = 2 batches per epoch
    assert history.history["d_loss"][1] == pytest.approx(batch_logs[-1]["d_loss"], rel=1e-6)
    if loss in ("bce", "minimax"):
        assert 0 < history.history["real_score"][0] < 1  # probabilities


def test_conditional_gan_and_wgangp_history_keys(tiny_nets, tiny_images, tiny_labels):
    cgan = ConditionalGAN(*tiny_nets("cgan"), seed=0)
    cgan.compile(d_optimizer=adam(), g_optimizer=adam(), label_smoothing=0.1)
    history = fit(cgan, dataset(tiny_images, tiny_labels), epochs=1)
    assert set(history.history) == KEYS
    wgan = WGANGP(*tiny_nets("wgan", conditional=True), critic_steps=2, seed=0)
    wgan.compile(d_optimizer=adam(), g_optimizer=adam())
    history = fit(wgan, dataset(tiny_images, tiny_labels), epochs=1)
    assert set(history.history) == KEYS | {"gp"}
    assert history.history["gp"][0] >= 0
    assert wgan.d_optimizer.iterations.numpy() == 2 * 2  # critic_steps per batch
    assert wgan.g_optimizer.iterations.numpy() == 2


@pytest.mark.parametrize("model_kind", ["gan", "wgangp"])
def test_discriminator_step_moves_only_d_and_generator_step_only_g(
    tiny_nets, tiny_images, model_kind
):
    def build(d_lr, g_lr):
        if model_kind == "gan":
            model = GAN(*tiny_nets("dcgan"), seed=0)
        else:
            model = WGANGP(*tiny_nets("wgan"), critic_steps=2, seed=0)
        model.compile(d_optimizer=keras.optimizers.SGD(d_lr), g_optimizer=keras.optimizers.SGD(g_lr))
        return model

    # G frozen by a zero learning rate: only D may change
    model = build(0.01, 0.0)
    g0, d0 = weights(model.generator), weights(model.discriminator)
    fit(model, dataset(tiny_images), epochs=1)
    assert all(np.isfinite(w).all() for w in weights(model.discriminator))
    assert not changed(g0, weights(model.generator))
    assert changed(d0, weights(model.discriminator))
    # D frozen: only G may change
    model = build(0.0, 0.01)
    g0, d0 = weights(model.generator), weights(model.discriminator)
    fit(model, dataset(tiny_images), epochs=1)
    assert changed(g0, weights(model.generator))
    assert not changed(d0, weights(model.discriminator))


def test_jit_compile_false_and_true(tiny_nets, tiny_images):
    for jit in (False, True):
        gan = GAN(*tiny_nets("mlp"), seed=0)
        gan.compile(d_optimizer=adam(), g_optimizer=adam(), jit_compile=jit)
        assert gan.jit_compile is jit
        history = fit(gan, dataset(tiny_images), epochs=1)
        assert all(np.isfinite(v[0]) for v in history.history.values())


def test_labels_int_or_one_hot_train_identically(tiny_nets, tiny_images, tiny_labels):
    results = []
    for labels in (tiny_labels[:, None], np.eye(10, dtype="float32")[tiny_labels]):
        cgan = ConditionalGAN(*tiny_nets("mlp", conditional=True, seed=3), seed=0)
        cgan.compile(d_optimizer=adam(), g_optimizer=adam())
        fit(cgan, dataset(tiny_images, labels), epochs=1)
        results.append(weights(cgan.generator))
    for other in results[1:]:
        for a, b in zip(results[0], other):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_gan_ignores_labels_in_the_dataset(tiny_nets, tiny_images, tiny_labels):
    results = []
    for data in (dataset(tiny_images), dataset(tiny_images, tiny_labels)):
        gan = GAN(*tiny_nets("mlp", seed=2), seed=0)
        gan.compile(d_optimizer=adam(), g_optimizer=adam())
        fit(gan, data, epochs=1)
        results.append(weights(gan.generator))
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_bad_training_inputs_raise(tiny_nets, tiny_images):
    cgan = ConditionalGAN(*tiny_nets("cgan"), seed=0)
    cgan.compile()
    with pytest.raises(ValueError, match="batches of \\(images, labels\\)"):
        fit(cgan, dataset(tiny_images), epochs=1)
    gan = GAN(*tiny_nets("mlp"), seed=0)
    gan.compile()
    uint8 = ((tiny_images + 1) * 127.5).astype("uint8")
    with pytest.raises(ValueError, match="float32 in \\[-1, 1\\]"):
        fit(gan, dataset(uint8), epochs=1)


def test_construction_and_compile_errors(tiny_nets):
    g, d = tiny_nets("dcgan", conditional=True)
    with pytest.raises(ValueError, match="ConditionalGAN"):
        GAN(g, d)
    g_u, d_u = tiny_nets("dcgan")
    with pytest.raises(ValueError, match="conditional"):
        ConditionalGAN(g_u, d_u)
    with pytest.raises(ValueError, match="latent_dim"):
        GAN(g_u, d_u, latent_dim=5)
    g32, _ = tiny_nets("dcgan", image_shape=(32, 32, 1))
    with pytest.raises(ValueError, match="expects"):
        GAN(g32, d_u)
    with pytest.raises(ValueError, match="keras.Model"):
        GAN("generator", d_u)
    gan = GAN(g_u, d_u)
    opt = adam()
    with pytest.raises(ValueError, match="different optimizer"):
        gan.compile(d_optimizer=opt, g_optimizer=opt)
    with pytest.raises(ValueError, match="no meaning"):
        gan.compile(loss="hinge", label_smoothing=0.1)
    with pytest.raises(ValueError, match="Unknown adversarial loss"):
        gan.compile(loss="l1")
    with pytest.raises(ValueError, match="d_optimizer"):
        gan.compile(optimizer="adam")
    with pytest.raises(TypeError, match="keywords only"):
        gan.compile(adam(), adam())  # GAN took (d, g) and CycleGAN (g, d): never positional
    with pytest.raises(ValueError, match="critic_steps"):
        WGANGP(*tiny_nets("wgan"), critic_steps=0)


def test_compile_defaults(tiny_nets):
    gan = GAN(*tiny_nets("mlp"))
    gan.compile()
    assert gan.adversarial_loss == losses.get("bce")
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(2e-4)
    assert gan.d_optimizer is not gan.g_optimizer
    wgan = WGANGP(*tiny_nets("wgan"))
    wgan.compile()
    assert wgan.adversarial_loss == losses.get("wasserstein")
    assert float(wgan.g_optimizer.beta_2) == pytest.approx(0.9)
    assert wgan.critic is wgan.discriminator and wgan.num_classes is None
    cwgan = WGANGP(*tiny_nets("wgan", conditional=True))
    assert cwgan.num_classes == 10 and cwgan.latent_dim == 8


def test_generate_shapes_seeds_and_errors(tiny_nets):
    gan = GAN(*tiny_nets("dcgan"))
    images = gan.generate(5, seed=1)
    assert images.shape == (5, 28, 28, 1) and images.dtype == np.float32
    assert images.min() >= -1 and images.max() <= 1
    np.testing.assert_array_equal(images, gan.generate(5, seed=1))
    assert not np.allclose(images, gan.generate(5, seed=2))
    noise = np.random.default_rng(1).standard_normal((5, 8)).astype("float32")
    np.testing.assert_array_equal(images, gan.generate(noise=noise))
    assert gan.generate(0).shape == (0, 28, 28, 1)
    with pytest.raises(ValueError, match="unconditional"):
        gan.generate(np.arange(3))
    with pytest.raises(ValueError, match="noise must have shape"):
        gan.generate(2, noise=np.zeros((2, 3)))
    cgan = ConditionalGAN(*tiny_nets("cgan"))
    assert cgan.generate(np.arange(10), seed=0).shape == (10, 28, 28, 1)
    with pytest.raises(ValueError, match="array of int labels"):
        cgan.generate(10)
    with pytest.raises(ValueError, match="Labels must be in"):
        cgan.generate(np.array([3, 10]))


def test_generate_noise_scale_widens_the_drawn_noise(tiny_nets):
    gan = GAN(*tiny_nets("dcgan"))
    noise = np.random.default_rng(1).standard_normal((5, 8)).astype("float32")
    wide = gan.generate(5, seed=1, noise_scale=2.0)
    np.testing.assert_allclose(wide, gan.generate(noise=2.0 * noise), atol=1e-6)
    assert not np.allclose(wide, gan.generate(5, seed=1), atol=1e-3)
    np.testing.assert_array_equal(gan.generate(5, seed=1, noise_scale=1), gan.generate(5, seed=1))
    cgan = ConditionalGAN(*tiny_nets("cgan"))
    np.testing.assert_allclose(cgan.generate(np.arange(5), seed=1, noise_scale=0.5),
                               cgan.generate(np.arange(5), noise=0.5 * noise), atol=1e-6)
    for bad in (0, -1.0, float("nan"), "2"):
        with pytest.raises(ValueError, match="noise_scale must be a positive number"):
            gan.generate(3, noise_scale=bad)
    with pytest.raises(ValueError, match="not both"):
        gan.generate(noise=noise, noise_scale=2.0)


@pytest.mark.parametrize("kind", ["dcgan", "cgan"])
def test_generate_is_per_sample_even_with_batchnorm(tiny_nets, kind):
    """The BatchNorm trap: a class-sorted batch must not change what a (noise, label) gives."""
    cgan = ConditionalGAN(*tiny_nets(kind, conditional=True), seed=0)
    noise = np.random.default_rng(0).standard_normal((10, 8)).astype("float32")
    one_class = cgan.generate(np.full(10, 3), noise=noise)  # a class-sorted batch: all 3s
    mixed_labels = np.arange(10)
    mixed_labels[0] = 3
    mixed = cgan.generate(mixed_labels, noise=noise)  # (noise[0], 3) inside a mixed batch
    np.testing.assert_allclose(one_class[0], mixed[0], atol=1e-5)
    np.testing.assert_allclose(
        cgan.generate(mixed_labels, noise=noise, batch_size=1), mixed, atol=1e-5
    )
    # the test can fail: in training mode the batch statistics leak between samples
    train_one = cgan.generator([noise, np.eye(10, dtype="float32")[np.full(10, 3)]], training=True)
    train_mixed = cgan.generator([noise, np.eye(10, dtype="float32")[mixed_labels]], training=True)
    assert not np.allclose(np.asarray(train_one)[0], np.asarray(train_mixed)[0], atol=1e-5)


def test_interpolate_linear_and_slerp(tiny_nets):
    rng = np.random.default_rng(0)
    z0, z1 = rng.standard_normal((2, 8))
    path = interpolate_latents(z0, z1, 5, "linear")
    np.testing.assert_allclose(path[0], z0, rtol=1e-6)
    np.testing.assert_allclose(path[-1], z1, rtol=1e-6)
    np.testing.assert_allclose(path[2], (z0 + z1) / 2, rtol=1e-5)
    unit0, unit1 = z0 / np.linalg.norm(z0), z1 / np.linalg.norm(z1)
    arc = interpolate_latents(unit0, unit1, 7, "slerp")
    np.testing.assert_allclose(np.linalg.norm(arc, axis=1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(arc[-1], unit1, atol=1e-6)
    with pytest.raises(ValueError, match="method"):
        interpolate_latents(z0, z1, 5, "cubic")
    with pytest.raises(ValueError, match="steps"):
        interpolate_latents(z0, z1, 1)

    gan = GAN(*tiny_nets("dcgan"))
    frames = gan.interpolate(z0, z1, steps=4, method="slerp")
    assert frames.shape == (4, 28, 28, 1)
    ends = gan.generate(noise=np.stack([z0, z1]))
    np.testing.assert_allclose(frames[[0, -1]], ends, atol=1e-5)
    cgan = ConditionalGAN(*tiny_nets("cgan"))
    assert cgan.interpolate(z0, z1, steps=3, labels=4).shape == (3, 28, 28, 1)
    walk = np.linspace(np.eye(10)[4], np.eye(10)[9], 3).astype("float32")
    assert cgan.interpolate(z0, z1, steps=3, labels=walk).shape == (3, 28, 28, 1)
    with pytest.raises(ValueError, match="pass labels"):
        cgan.interpolate(z0, z1, steps=3)


def test_config_round_trip(tiny_nets):
    wgan = WGANGP(*tiny_nets("wgan", conditional=True), critic_steps=3, gp_weight=5.0, seed=7)
    config = wgan.get_config()
    clone = WGANGP.from_config(config)
    assert (clone.critic_steps, clone.gp_weight, clone.seed) == (3, 5.0, 7)
    assert (clone.latent_dim, clone.num_classes) == (8, 10)
    assert clone.get_config()["critic"] == config["critic"]
    cgan = ConditionalGAN(*tiny_nets("cgan"), seed=1)
    clone = ConditionalGAN.from_config(cgan.get_config())
    assert clone.generator.count_params() == cgan.generator.count_params()


@pytest.mark.parametrize("kind", ["gan", "cgan", "wgangp"])
def test_keras_file_round_trip(tmp_path, tiny_nets, tiny_images, tiny_labels, kind):
    if kind == "gan":
        model = GAN(*tiny_nets("dcgan"), seed=0)
        model.compile(d_optimizer=adam(), g_optimizer=adam(), loss="lsgan", label_smoothing=0.1)
        data, gen_arg = dataset(tiny_images), 6
    elif kind == "cgan":
        model = ConditionalGAN(*tiny_nets("cgan"), seed=0)
        model.compile(d_optimizer=adam(), g_optimizer=adam())
        data, gen_arg = dataset(tiny_images, tiny_labels), np.arange(6)
    else:
        model = WGANGP(*tiny_nets("wgan", conditional=True), critic_steps=2, gp_weight=3.0, seed=0)
        model.compile(d_optimizer=adam(), g_optimizer=adam())
        data, gen_arg = dataset(tiny_images, tiny_labels), np.arange(6)
    fit(model, data, epochs=1)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert type(loaded) is type(model)
    assert loaded.adversarial_loss == model.adversarial_loss
    assert loaded.label_smoothing == model.label_smoothing
    np.testing.assert_allclose(
        loaded.generate(gen_arg, seed=0), model.generate(gen_arg, seed=0), atol=1e-6
    )
    for a, b in zip(model.d_optimizer.variables, loaded.d_optimizer.variables):
        np.testing.assert_array_equal(np.array(a), np.array(b))
    if kind == "wgangp":
        assert (loaded.critic_steps, loaded.gp_weight) == (2, 3.0)
    # weights-only files restore the nets and the noise stream too
    weights_path = tmp_path / "model.weights.h5"
    model.save_weights(weights_path)
    twin = type(model).from_config(model.get_config())
    twin.load_weights(weights_path)
    np.testing.assert_allclose(
        twin.generate(gen_arg, seed=0), model.generate(gen_arg, seed=0), atol=1e-6
    )
    np.testing.assert_array_equal(
        np.array(twin.seed_generator.state), np.array(model.seed_generator.state)
    )


# --- WGAN-GP: every critic update sees its own real images (report 002, Gulrajani et al. Alg. 1)


def _numbered_images(n):
    """n images whose pixels all equal a value that encodes the image's index."""
    values = np.linspace(-0.9, 0.9, n, dtype="float32")
    return np.broadcast_to(values[:, None, None, None], (n, 28, 28, 1)).copy(), values


class _SpyWGANGP(WGANGP):
    """Records, for every critic update, the generator step it belongs to and the real images."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seen = []

    def discriminator_penalty(self, real, fake, one_hot):
        step = int(self.g_optimizer.iterations.numpy())
        self.seen.append((step, np.asarray(real)[:, 0, 0, 0].copy()))
        return super().discriminator_penalty(real, fake, one_hot)


@pytest.mark.parametrize("batch_size", [12, 10])  # 10: parts of 3, 3, 4 (sizes differ by one)
def test_wgangp_critic_updates_of_one_generator_step_see_different_real_images(
    tiny_nets, batch_size
):
    images, values = _numbered_images(30)
    wgan = _SpyWGANGP(*tiny_nets("wgan"), critic_steps=3, seed=0)
    wgan.compile(d_optimizer=adam(), g_optimizer=adam(), run_eagerly=True)
    fit(wgan, dataset(images, batch_size=batch_size), epochs=1)
    steps = -(-30 // batch_size)
    assert wgan.g_optimizer.iterations.numpy() == steps  # one generator update per fit batch
    assert len(wgan.seen) == 3 * steps  # critic_steps critic updates per generator update
    for step in range(steps):
        parts = [seen for g_step, seen in wgan.seen if g_step == step]
        assert len(parts) == 3
        for i in range(3):
            for j in range(i + 1, 3):
                assert not np.intersect1d(parts[i], parts[j]).size, (step, i, j)
    # one epoch: every real image is seen by exactly one critic update
    everything = np.sort(np.concatenate([seen for _, seen in wgan.seen]))
    np.testing.assert_allclose(everything, values, atol=1e-6)


@pytest.mark.parametrize("jit, batch_size", [(True, 16), (False, 15)])
def test_wgangp_trains_with_xla_and_with_a_last_batch_smaller_than_critic_steps(
    tiny_nets, tiny_images, tiny_labels, jit, batch_size
):
    # batches of 15: the last of the 32 images' batches has 2 images for 3 critic updates
    wgan = WGANGP(*tiny_nets("wgan", conditional=True), critic_steps=3, seed=0)
    wgan.compile(d_optimizer=adam(), g_optimizer=adam(), jit_compile=jit)
    history = fit(wgan, dataset(tiny_images, tiny_labels, batch_size=batch_size), epochs=1)
    assert all(np.all(np.isfinite(v)) for v in history.history.values())
    steps = -(-32 // batch_size)
    assert wgan.d_optimizer.iterations.numpy() == 3 * steps
    assert wgan.g_optimizer.iterations.numpy() == steps
    assert all(np.isfinite(w).all() for w in weights(wgan.critic))


# --- presets follow their reports


def test_wgan_gp_preset_is_report_002_with_algorithm_1():
    from gankit import presets

    preset = presets.get("wgan-gp")
    model = preset.build((28, 28, 1), 10, seed=0)
    preset.compile(model, jit_compile=False)
    assert model.critic_steps == 5 and model.gp_weight == 10.0
    # each critic update sees report 002's batch of 128 real images
    assert preset.batch_size == model.critic_steps * 128
    for optimizer in (model.d_optimizer, model.g_optimizer):
        assert float(optimizer.learning_rate) == pytest.approx(1e-4)
        assert float(optimizer.beta_1) == 0.0 and float(optimizer.beta_2) == pytest.approx(0.9)
    defaults = WGANGP(model.generator, model.critic).default_optimizers()
    assert [float(o.beta_1) for o in defaults] == [0.0, 0.0]


def test_cgan_preset_decays_its_learning_rate_and_resumes_through_the_cli(tmp_path):
    from gankit import presets
    from gankit.cli import train_run

    model = presets.get("cgan").build((28, 28, 1), 10, seed=0)
    presets.get("cgan").compile(model, jit_compile=False)
    for optimizer in (model.d_optimizer, model.g_optimizer):
        schedule = optimizer._learning_rate
        assert isinstance(schedule, keras.optimizers.schedules.ExponentialDecay)
        assert float(schedule(0)) == pytest.approx(2e-4)
        assert float(schedule(499)) == pytest.approx(2e-4)  # staircase
        assert float(schedule(1000)) == pytest.approx(2e-4 * 0.95**2)
    assert model.d_optimizer._learning_rate is not model.g_optimizer._learning_rate

    # the CLI's preset path: train, checkpoint (.keras), resume with the schedule intact
    out = tmp_path / "run"
    train_run("cgan", "mnist", 1, out, limit=400, steps_per_epoch=2, jit_compile=False,
              evaluate_n=0)
    train_run("cgan", "mnist", 2, out, limit=400, steps_per_epoch=2, jit_compile=False,
              evaluate_n=0)
    from gankit import callbacks

    resumed, epoch = callbacks.resume(out / "checkpoints")
    assert epoch == 2 and int(resumed.d_optimizer.iterations.numpy()) == 4
    schedule = resumed.d_optimizer._learning_rate
    assert isinstance(schedule, keras.optimizers.schedules.ExponentialDecay)
    assert (schedule.decay_steps, schedule.decay_rate, schedule.staircase) == (500, 0.95, True)


# --- the docstrings say what train_step does


def test_gan_docs_say_the_generator_update_reuses_the_discriminator_fake_batch(
    tiny_nets, tiny_images
):
    import gankit.models.base as base

    for doc in (GAN.__doc__, base.__doc__):
        text = " ".join(doc.split())
        assert "generator update with fresh noise" not in text
        assert "update, each with its own optimizer and fresh noise" not in text
        assert "same fake batch" in text
    # ... and it does: one generator forward pass per batch (d_steps = 1)
    gan = GAN(*tiny_nets("mlp"), seed=0)
    gan.compile(d_optimizer=adam(), g_optimizer=adam(), run_eagerly=True)
    calls = []
    forward = gan.generator.call
    gan.generator.call = lambda *a, **k: (calls.append(1), forward(*a, **k))[1]
    fit(gan, dataset(tiny_images), epochs=1)
    assert len(calls) == 2  # 2 batches
