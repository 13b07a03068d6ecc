"""Training alarms: an over-confident discriminator and collapsed classes, warned once."""

import types
import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf

import gankit
from gankit.callbacks import TrainingAlarms, TrainingAlarmWarning

LATENT = 4
SHAPE = (8, 8, 1)


def _constant_generator():
    """A generator that ignores its noise: every image is the same dark square."""
    noise = keras.Input((LATENT,))
    x = keras.layers.Dense(64, activation="tanh", kernel_initializer="zeros",
                           bias_initializer=keras.initializers.Constant(-3.0))(noise)
    return keras.Model(noise, keras.layers.Reshape(SHAPE)(x), name="generator")


def _confident_discriminator():
    """Logit = 2 * sum of pixels: bright real images score ~1, the dark fakes ~0."""
    images = keras.Input(SHAPE)
    x = keras.layers.Flatten()(images)
    logits = keras.layers.Dense(1, kernel_initializer=keras.initializers.Constant(2.0))(x)
    return keras.Model(images, logits, name="discriminator")


def _random_classifier(seed=0):
    keras.utils.set_random_seed(seed)
    images = keras.Input(SHAPE)
    x = keras.layers.Flatten()(images)
    x = keras.layers.Dense(10, activation="softmax",
                           kernel_initializer=keras.initializers.RandomNormal(stddev=3.0))(x)
    return keras.Model(images, x)


def _bright_data(n=32):
    x = 0.9 + 0.05 * np.random.RandomState(0).uniform(-1, 1, (n,) + SHAPE)
    return tf.data.Dataset.from_tensor_slices(x.astype("float32")).batch(16)


def _saturated_gan(loss="bce"):
    gan = gankit.GAN(_constant_generator(), _confident_discriminator(), latent_dim=LATENT, seed=0)
    gan.compile(d_optimizer=keras.optimizers.SGD(1e-9), g_optimizer=keras.optimizers.SGD(1e-9),
                loss=loss)
    return gan


def test_saturated_discriminator_and_collapsed_generator_warn_once_and_are_logged():
    gan = _saturated_gan()
    alarms = TrainingAlarms(classifier=_random_classifier(), n=50, warmup_steps=0)
    with pytest.warns(TrainingAlarmWarning) as caught:
        history = gan.fit(_bright_data(), epochs=3, verbose=0, callbacks=[alarms])
    messages = [str(w.message) for w in caught if w.category is TrainingAlarmWarning]
    assert len(messages) == 2  # once each, not once per epoch
    saturation = next(m for m in messages if "over-confident" in m)
    assert saturation.startswith("Training alarm at epoch 1: the discriminator is over-confident: "
                                 "D(x) = 1.000 on real images and D(G(z)) = 0.000")
    collapse = next(m for m in messages if "collapsed" in m)
    assert "cover only 1 of 10 classes" in collapse and "100%" in collapse
    assert history.history["alarm_saturation"] == [1.0, 1.0, 1.0]
    assert history.history["alarm_collapse"] == [1.0, 1.0, 1.0]
    assert history.history["classes_covered"] == [1.0, 1.0, 1.0]
    assert [(a["epoch"], a["kind"]) for a in alarms.alarms] == [(1, "saturation"), (1, "collapse")]


def test_saturation_is_only_judged_for_probability_scores():
    gan = _saturated_gan(loss="lsgan")  # raw outputs (~115 and ~-127): no fixed scale
    lines = []
    history = gan.fit(_bright_data(), epochs=1, verbose=0,
                      callbacks=[TrainingAlarms(report=lines.append)])
    assert lines == [] and "alarm_saturation" not in history.history
    # With label smoothing 0.1 the real target is 0.9: D(x) = 0.92 with D(G(z)) = 0.01 is
    # saturated, D(x) = 0.8 is not.
    from gankit.callbacks.alarms import saturation_message

    assert saturation_message(0.92, 0.01, label_smoothing=0.1)
    assert saturation_message(0.80, 0.01, label_smoothing=0.1) is None
    assert saturation_message(0.99, 0.20) is None


def _digit_bank():
    x, y = gankit.data.load_arrays("mnist", "test")
    picks = [int(np.flatnonzero(y == c)[0]) for c in range(10)]
    return x[picks].astype("float32") / 127.5 - 1.0


class _Lookup:
    """A stand-in generator of real digits: noise picks the digit (or always the same one)."""

    latent_dim, num_classes = 10, None
    generator = types.SimpleNamespace(output_shape=(None, 28, 28, 1))

    def __init__(self, bank, collapsed):
        self.bank, self.collapsed = bank, collapsed

    def generate(self, n_or_labels=None, noise=None, batch_size=256):
        index = np.ones(len(noise), int) if self.collapsed else np.argmax(noise, axis=1)
        return self.bank[index]


def test_class_collapse_with_the_shipped_lenet():
    bank = _digit_bank()
    for collapsed, expected in ((False, []), (True, ["collapse"])):
        lines = []
        alarms = TrainingAlarms(classifier="mnist", warmup_steps=0, report=lines.append)
        alarms.set_model(_Lookup(bank, collapsed))
        alarms.on_train_begin()
        logs = {}
        alarms.on_epoch_end(0, logs)
        alarms.on_epoch_end(1, {})
        assert [a["kind"] for a in alarms.alarms] == expected
        assert len(lines) == len(expected)
        if collapsed:
            assert logs == {"classes_covered": 1.0, "alarm_collapse": 1.0}
            assert "class 1: 100%" in lines[0]
        else:
            assert logs["alarm_collapse"] == 0.0 and logs["classes_covered"] >= 9


def test_healthy_tiny_run_gives_no_alarm():
    keras.utils.set_random_seed(0)
    g = gankit.nets.mlp_generator(LATENT, SHAPE, hidden_units=16)
    d = gankit.nets.mlp_discriminator(SHAPE, hidden_units=16)
    gan = gankit.GAN(g, d, latent_dim=LATENT, seed=0)
    gan.compile()
    x = np.random.RandomState(0).uniform(-1, 1, (64,) + SHAPE).astype("float32")
    alarms = TrainingAlarms(classifier=_random_classifier(), n=50)
    with warnings.catch_warnings():
        warnings.simplefilter("error", TrainingAlarmWarning)
        history = gan.fit(tf.data.Dataset.from_tensor_slices(x).batch(16), epochs=2, verbose=0,
                          callbacks=[alarms])
    assert alarms.alarms == []
    assert history.history["alarm_saturation"] == [0.0, 0.0]
    assert len(history.history["classes_covered"]) == 2
    assert "alarm_collapse" not in history.history  # 8 steps: still within the warm-up


def test_alarm_arguments_are_checked():
    with pytest.raises(ValueError, match="margin"):
        TrainingAlarms(margin=0.7)
    with pytest.raises(ValueError, match="warmup_steps"):
        TrainingAlarms(warmup_steps=-1)
    alarms = TrainingAlarms(classifier="mnist")
    alarms.set_model(_saturated_gan())
    with pytest.raises(ValueError, match="classifier takes images of shape"):
        alarms.on_train_begin()


def test_cli_prints_the_alarm_and_keeps_it_in_metrics_json(tmp_path, capsys, monkeypatch):
    import json

    from gankit import callbacks
    from gankit.cli import main

    class EagerAlarms(TrainingAlarms):  # judge at once and ask for more classes than exist
        def __init__(self, **kwargs):
            super().__init__(**{**kwargs, "warmup_steps": 0, "min_classes": 11})

    monkeypatch.setattr(callbacks, "TrainingAlarms", EagerAlarms)
    out = tmp_path / "run"
    assert main(["train", "--model", "fast-cgan", "--epochs", "1", "--steps-per-epoch", "1",
                 "--limit", "64", "--out", str(out), "--evaluate-n", "0", "--no-jit"],
                quiet=False) == 0
    printed = capsys.readouterr().out
    assert "warning: Training alarm at epoch 1: the generated classes collapsed" in printed
    alarms = json.loads((out / "metrics.json").read_text())["alarms"]
    assert len(alarms) == 1 and "generated classes collapsed" in alarms[0]
