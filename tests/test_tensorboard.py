"""`GANTensorBoard` and `gankit train --tensorboard`: event files read back with TensorFlow."""

import glob
import os
import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf
from test_cyclegan import compile_adam, domain_images, paired_batches, tiny_cyclegan

from gankit import images, models
from gankit.callbacks import GANTensorBoard, SampleGrid


def read_events(log_dir):
    """`({tag: [(step, value)]}, {tag: [(step, uint8 picture)]})` of every event file."""
    scalars, pictures = {}, {}
    for path in sorted(glob.glob(os.path.join(log_dir, "**", "events.out.tfevents.*"),
                                 recursive=True)):
        for event in tf.compat.v1.train.summary_iterator(path):
            for value in event.summary.value:
                plugin = value.metadata.plugin_data.plugin_name
                tensor = tf.make_ndarray(value.tensor)
                if plugin == "images":  # [width, height, png...]
                    picture = tf.io.decode_png(tensor[2]).numpy()
                    pictures.setdefault(value.tag, []).append((event.step, picture))
                else:
                    scalars.setdefault(value.tag, []).append((event.step, float(tensor)))
    return scalars, pictures


def fit_tiny_cgan(tiny_nets, tiny_images, tiny_labels, callbacks, epochs=2, lr=None):
    g, d = tiny_nets("cgan")
    model = models.ConditionalGAN(g, d, latent_dim=8, num_classes=10, seed=0)
    schedule = lr or keras.optimizers.schedules.ExponentialDecay(1e-3, 2, 0.5, staircase=True)
    model.compile(d_optimizer=keras.optimizers.Adam(2e-4),
                  g_optimizer=keras.optimizers.Adam(schedule), run_eagerly=True)
    ds = tf.data.Dataset.from_tensor_slices(
        (tiny_images[:16], np.eye(10, dtype="float32")[tiny_labels[:16]])).batch(8)
    model.fit(ds, epochs=epochs, verbose=0, callbacks=callbacks)
    return model


def test_scalars_learning_rates_and_sample_grid_per_epoch(tiny_nets, tiny_images, tiny_labels,
                                                          tmp_path):
    log_dir = tmp_path / "tb"
    grid = SampleGrid(tmp_path / "grids", rows=2, cols=3, seed=4)
    model = fit_tiny_cgan(tiny_nets, tiny_images, tiny_labels,
                          [GANTensorBoard(log_dir, rows=2, cols=3, seed=4), grid])
    scalars, pictures = read_events(log_dir)
    for tag in ("d_loss", "g_loss", "real_score", "fake_score", "d_learning_rate",
                "g_learning_rate"):
        assert [step for step, _ in scalars[tag]] == [1, 2], tag
    # the schedule at the optimizer's step: 2 steps per epoch, halved every 2 steps
    assert [v for _, v in scalars["g_learning_rate"]] == pytest.approx([5e-4, 2.5e-4])
    assert [v for _, v in scalars["d_learning_rate"]] == pytest.approx([2e-4, 2e-4])
    assert [step for step, _ in pictures["samples"]] == [1, 2]
    # the last picture is the grid SampleGrid drew (same noise, same labels, same layout)
    picture = pictures["samples"][-1][1]
    drawn = images.make_grid(images.read_grid(grid.written[-1])[0], rows=2, cols=3)
    np.testing.assert_array_equal(picture, drawn)
    assert model.g_optimizer.iterations.numpy() == 4


def test_no_summary_from_nonfinite_weights(tiny_nets, tiny_images, tiny_labels, tmp_path):
    class Poison(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                weight = self.model.generator.trainable_variables[0]
                weight.assign(np.full(weight.shape, np.nan, "float32"))

    log_dir = tmp_path / "tb"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit_tiny_cgan(tiny_nets, tiny_images, tiny_labels,
                      [Poison(), GANTensorBoard(log_dir, rows=1, cols=2),
                       keras.callbacks.Callback()], epochs=2, lr=1e-3)
    scalars, pictures = read_events(log_dir)
    assert [step for step, _ in scalars["d_loss"]] == [1]
    assert [step for step, _ in pictures["samples"]] == [1]
    assert any("GANTensorBoard: Not writing" in str(w.message) for w in caught)


def test_cyclegan_logs_a_translation_panel(tmp_path):
    model = compile_adam(tiny_cyclegan())
    log_dir = tmp_path / "tb"
    model.fit(paired_batches(1, 3, n=8), epochs=1, verbose=0, callbacks=[
        GANTensorBoard(log_dir, images_a=domain_images(2, 1, 5), images_b=domain_images(2, 3, 6),
                       names=("gray", "color"))])
    scalars, pictures = read_events(log_dir)
    assert {"cycle_a", "d_learning_rate", "g_learning_rate"} <= set(scalars)
    assert [step for step, _ in pictures["translation"]] == [1]
    with pytest.raises(ValueError, match="CycleGAN"):
        model.fit(paired_batches(1, 3, n=8), epochs=1, verbose=0,
                  callbacks=[GANTensorBoard(tmp_path / "tb2")])


def test_cli_train_with_tensorboard_and_the_jit_choice(tmp_path, monkeypatch, capsys):
    from gankit.cli import main

    monkeypatch.setenv("GANKIT_JIT", "0")  # "auto" without the timing (see test_xla_auto.py)
    out, log_dir = tmp_path / "run", tmp_path / "tb"
    code = main(["train", "--model", "fast-cgan", "--epochs", "1", "--steps-per-epoch", "2",
                 "--limit", "640", "--out", str(out), "--evaluate-n", "0", "--jit", "auto",
                 "--tensorboard", str(log_dir)], quiet=False)
    assert code == 0
    printed = capsys.readouterr().out
    assert "XLA off (jit_compile=False): set by GANKIT_JIT=0" in printed
    scalars, pictures = read_events(log_dir)
    for tag in ("d_loss", "g_loss", "real_score", "fake_score", "d_learning_rate",
                "g_learning_rate"):
        assert [step for step, _ in scalars[tag]] == [1], tag
    assert [step for step, _ in pictures["samples"]] == [1]
    assert pictures["samples"][0][1].shape == (10 * 28 + 11 * 2, 10 * 28 + 11 * 2, 1)
    with pytest.raises(SystemExit):
        main(["train", "--out", str(out), "--jit", "on", "--no-jit"], quiet=False)
