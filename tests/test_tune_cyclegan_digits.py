"""`benchmarks/tune_cyclegan_digits.py`: its experimental terms, and one tiny run end to end."""

import os
import sys

import keras
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))

import tune_cyclegan_digits as tune  # noqa: E402

from gankit import nets  # noqa: E402


def test_noise_channels_are_constant_over_each_image_and_differ_between_images():
    layer = tune.NoiseChannels(3, seed=0)
    images = np.zeros((4, 6, 6, 2), np.float32)
    out = np.asarray(layer(images))
    assert out.shape == (4, 6, 6, 5)
    np.testing.assert_array_equal(out[..., :2], images)
    noise = out[..., 2:]
    np.testing.assert_allclose(noise, np.broadcast_to(noise[:, :1, :1], noise.shape))
    assert np.abs(noise[0, 0, 0] - noise[1, 0, 0]).max() > 1e-3
    assert not np.allclose(np.asarray(layer(images))[..., 2:], noise)  # fresh noise per call


def test_noisy_generator_maps_images_to_the_target_channels():
    g = tune.noisy_generator((28, 28, 3), 3, filters=4, channels=2, seed=0)
    assert g.input_shape == (None, 28, 28, 3)
    assert np.asarray(g(np.zeros((2, 28, 28, 3), np.float32))).shape == (2, 28, 28, 3)


def _model():
    keras.utils.set_random_seed(0)
    shape = (28, 28, 3)
    model = tune.AsymmetricCycleGAN(
        nets.report001_generator(shape, filters=4), nets.report001_generator(shape, filters=4),
        nets.report001_discriminator(shape, filters=4), nets.report001_discriminator(shape, filters=4),
        lambda_cycle=10.0, lambda_identity=0.0, seed=0)
    model.compile(g_optimizer=keras.optimizers.Adam(), d_optimizer=keras.optimizers.Adam(),
                  loss="lsgan")
    return model


def test_cycle_weights_change_the_generators_objective_as_documented():
    model = _model()
    a = np.random.default_rng(0).uniform(-1, 1, (2, 28, 28, 3)).astype(np.float32)
    b = np.random.default_rng(1).uniform(-1, 1, (2, 28, 28, 3)).astype(np.float32)
    model.cycle_b_weight, model.invert_weight = 1.0, 0.0
    parts, full, _, fake_b = model._generator_losses(a, b, training=False)
    model.cycle_b_weight = 0.0
    _, no_b, _, _ = model._generator_losses(a, b, training=False)
    np.testing.assert_allclose(float(full) - float(no_b), 10.0 * float(parts["cycle_b"]),
                               rtol=1e-4)
    model.invert_weight = 0.5
    _, inverted, _, _ = model._generator_losses(a, b, training=False)
    back = model.generator_ba(-fake_b, training=False)
    expected = 0.5 * 10.0 * float(np.mean(np.abs(np.asarray(back) - a)))
    np.testing.assert_allclose(float(inverted) - float(no_b), expected, rtol=1e-4)
    model.invert_weight, model.consistency_weight = 0.0, 2.0
    _, consistent, fake_a, _ = model._generator_losses(a, b, training=False)
    inverse = np.asarray(model.generator_ba(-b, training=False))
    expected = 2.0 * 10.0 * float(np.mean(np.abs(inverse - np.asarray(fake_a))))
    assert expected > 0
    np.testing.assert_allclose(float(consistent) - float(no_b), expected, rtol=1e-4)


def test_cycle_noise_runs_the_b_cycle_through_a_noisy_translation():
    model = _model()
    a = np.random.default_rng(0).uniform(-1, 1, (2, 28, 28, 3)).astype(np.float32)
    b = np.random.default_rng(1).uniform(-1, 1, (2, 28, 28, 3)).astype(np.float32)
    parts, plain, fake_a, _ = model._generator_losses(a, b, training=False)
    model.cycle_noise, model.noise_seed = 0.5, keras.random.SeedGenerator(3)
    _, noisy, _, _ = model._generator_losses(a, b, training=False)
    # the same noise again: G_AB's reconstruction of the noisy translation replaces cycle_b
    noise = np.asarray(keras.random.normal(fake_a.shape, seed=keras.random.SeedGenerator(3)))
    back = np.asarray(model.generator_ab(np.asarray(fake_a) + 0.5 * noise, training=False))
    expected = 10.0 * (float(np.mean(np.abs(back - b))) - float(parts["cycle_b"]))
    assert abs(expected) > 1e-4
    np.testing.assert_allclose(float(noisy) - float(plain), expected, rtol=1e-3, atol=1e-5)
    _, again, _, _ = model._generator_losses(a, b, training=False)
    assert float(again) != float(noisy)  # fresh noise at every step


def test_a_tiny_run_prints_label_preservation_per_epoch(capsys, tmp_path):
    tune.main(["--images", "16", "--epochs", "1", "--tile", "--batch-size", "4", "--cycle-b", "0",
               "--noise-channels", "2", "--invert-cycle", "0.5", "--invert-consistency", "1",
               "--cycle-noise", "0.1",
               "--g-filters", "4", "--d-filters", "4", "--panels", str(tmp_path)])
    out = capsys.readouterr().out
    assert "epoch 1 step 4 " in out and "mnist->colored" in out and "colored->mnist" in out
    assert (tmp_path / "epoch_1.png").is_file()


def test_fullres_generator_keeps_the_resolution():
    g = tune.fullres_generator((28, 28, 3), 1, filters=4, blocks=2)
    assert not any("transpose" in layer.name or getattr(layer, "strides", (1, 1)) != (1, 1)
                   for layer in g.layers)
    x = np.zeros((1, 28, 28, 3), np.float32)
    y = np.asarray(g(x))
    assert y.shape == (1, 28, 28, 1) and np.abs(y).max() <= 1.0
    assert min(layer.output.shape[1] for layer in g.layers[1:]) >= 28  # never below 28x28


def test_a_tiny_fullres_run_trains(capsys):
    tune.main(["--images", "8", "--epochs", "1", "--tile", "--batch-size", "4",
               "--generator", "fullres", "--residual-blocks", "1", "--g-filters", "4",
               "--d-filters", "4"])
    assert "epoch 1 step 2 " in capsys.readouterr().out
