"""Training that never loses good work: the divergence guard, and saving that refuses NaN weights."""

import json
import math
import re

import keras
import numpy as np
import pytest
import tensorflow as tf

import gankit
from gankit import callbacks
from gankit.callbacks import DivergenceGuard, TrainingDivergedError
from gankit.cli import main

LATENT = 4
SHAPE = (8, 8, 1)


def _gan(kind="gan", lr=1e-3):
    keras.utils.set_random_seed(0)
    conditional = kind != "gan"
    kw = {"conditional": True, "num_classes": 3} if conditional else {}
    if kind == "wgan":
        g = gankit.nets.wgan_generator(LATENT, SHAPE, units=(16, 16), **kw)
        d = gankit.nets.wgan_critic(SHAPE, units=(16, 16), **kw)
        model = gankit.WGANGP(g, d, latent_dim=LATENT, num_classes=3, seed=0)
    else:
        g = gankit.nets.mlp_generator(LATENT, SHAPE, hidden_units=16, **kw)
        d = gankit.nets.mlp_discriminator(SHAPE, hidden_units=16, **kw)
        model = (gankit.ConditionalGAN(g, d, latent_dim=LATENT, num_classes=3, seed=0)
                 if conditional else gankit.GAN(g, d, latent_dim=LATENT, seed=0))
    model.compile(d_optimizer=keras.optimizers.SGD(lr), g_optimizer=keras.optimizers.SGD(lr))
    return model


def _data(conditional=False, n=64, batch=16):
    rng = np.random.RandomState(0)
    x = rng.uniform(-1, 1, (n,) + SHAPE).astype("float32")
    if conditional:
        y = np.eye(3, dtype="float32")[rng.randint(0, 3, n)]
        return tf.data.Dataset.from_tensor_slices((x, y)).batch(batch)
    return tf.data.Dataset.from_tensor_slices(x).batch(batch)


def _blow_up(model, lr=1e6):
    model.d_optimizer.learning_rate = lr
    model.g_optimizer.learning_rate = lr


class _BatchLogs(keras.callbacks.Callback):
    """Records (epoch, 1-based step, names of the non-finite logs) after every batch."""

    def __init__(self):
        super().__init__()
        self.seen = []

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch + 1

    def on_train_batch_end(self, batch, logs=None):
        bad = sorted((k for k, v in logs.items() if not math.isfinite(float(v))),
                     key=lambda k: ("loss" not in k, k))
        self.seen.append((self.epoch, batch + 1, bad))


def _finite(model):
    return all(np.isfinite(w).all() for w in model.get_weights())


def test_fit_stops_at_the_first_nonfinite_step_and_keeps_the_good_checkpoint(tmp_path):
    # Where does this run first log a non-finite d_loss? Ask a run without the guard.
    probe = _gan()
    probe.fit(_data(), epochs=1, verbose=0)
    _blow_up(probe)
    watch = _BatchLogs()
    with pytest.warns(RuntimeWarning):  # the unguarded run's grid refuses NaN weights
        probe.fit(_data(), epochs=3, initial_epoch=1, verbose=0, callbacks=[
            DivergenceGuard(enabled=False), watch,
            callbacks.SampleGrid(tmp_path / "probe", rows=2, cols=2)])
    first_bad = next((e, s, bad) for e, s, bad in watch.seen if bad)
    assert first_bad[0] == 2

    gan = _gan()
    ckpt, grids, curve = tmp_path / "ckpt", tmp_path / "samples", tmp_path / "losses.png"
    saving = [callbacks.GANCheckpoint(ckpt, keep=1), callbacks.SampleGrid(grids, rows=2, cols=2),
              callbacks.LossCurve(curve)]
    gan.fit(_data(), epochs=1, verbose=0, callbacks=saving)
    _blow_up(gan)
    with pytest.raises(TrainingDivergedError) as caught:
        gan.fit(_data(), epochs=4, initial_epoch=1, verbose=0, callbacks=saving)
    error = caught.value
    message = str(error)
    assert re.match(rf"Training diverged at epoch 2, step {first_bad[1]} \(global step "
                    rf"{4 + first_bad[1]}\): {first_bad[2][0]} is (nan|inf|-inf)", message), message
    assert (error.epoch, error.step, error.global_step) == (2, first_bad[1], 4 + first_bad[1])
    assert "ckpt_epoch_0001.keras (epoch 1)" in message and "lower the learning rate" in \
        message.lower()
    assert error.checkpoint == str(ckpt / "ckpt_epoch_0001.keras")
    # The good checkpoint survives keep=1 rotation and loads with finite weights.
    assert sorted(p.name for p in ckpt.iterdir()) == ["ckpt_epoch_0001.keras", "latest.json"]
    model, epoch = callbacks.resume(ckpt)
    assert epoch == 1 and _finite(model)
    # No grid and no loss-curve entry from the diverged epoch.
    assert sorted(p.name for p in grids.glob("*.png")) == ["epoch_0001.png"]
    assert json.loads((tmp_path / "losses.json").read_text())["epoch"] == [1]


@pytest.mark.parametrize("kind", ["cgan", "wgan"])
def test_guard_is_on_by_default_for_conditional_and_wgan(kind):
    model = _gan(kind)
    _blow_up(model, 1e8)
    with pytest.raises(TrainingDivergedError,
                       match=r"Training diverged at epoch \d+, step \d+ \(global step \d+\): \w+ is "):
        model.fit(_data(conditional=True), epochs=3, verbose=0)


def test_default_guard_for_every_model_and_user_guard_wins(tmp_path):
    from test_cyclegan import tiny_cyclegan  # noqa: PLC0415

    saver = callbacks.GANCheckpoint(tmp_path)
    for model in (_gan(), _gan("cgan"), _gan("wgan"), tiny_cyclegan()):
        defaults = model.default_fit_callbacks(None, [saver])
        assert len(defaults) == 1 and isinstance(defaults[0], DivergenceGuard)
        assert defaults[0].checkpoint is saver
        own = DivergenceGuard(check_weights_every=5)
        assert model.default_fit_callbacks(None, [own, saver]) == []
        assert own.checkpoint is saver and own.check_weights_every == 5

    # The user's own guard, switched off, lets the run go on to the end; nothing NaN is saved.
    gan = _gan()
    gan.fit(_data(), epochs=1, verbose=0, callbacks=[callbacks.GANCheckpoint(tmp_path / "c",
                                                                             keep=1)])
    _blow_up(gan)
    with pytest.warns(RuntimeWarning, match="GANCheckpoint: Not writing checkpoint"):
        history = gan.fit(_data(), epochs=3, initial_epoch=1, verbose=0, callbacks=[
            DivergenceGuard(enabled=False), callbacks.GANCheckpoint(tmp_path / "c", keep=1)])
    assert not math.isfinite(history.history["d_loss"][-1])
    assert callbacks.GANCheckpoint.latest(tmp_path / "c")[1] == 1
    assert sorted(p.name for p in (tmp_path / "c").glob("*.keras")) == ["ckpt_epoch_0001.keras"]
    with pytest.raises(TrainingDivergedError, match="non-finite"):
        _saver(tmp_path / "c", gan).save(5)


def _saver(directory, model):
    saver = callbacks.GANCheckpoint(directory)
    saver.set_model(model)
    return saver


class _Poison(keras.callbacks.Callback):
    """Puts a NaN into the generator's first kernel after batch `at` (0-based)."""

    def __init__(self, at):
        super().__init__()
        self.at = at

    def on_train_batch_end(self, batch, logs=None):
        if batch == self.at:
            kernel = self.model.generator.trainable_variables[0]
            value = keras.ops.convert_to_numpy(kernel).copy()
            value.flat[0] = np.nan
            kernel.assign(value)


def test_weights_are_checked_every_n_steps_and_at_epoch_end():
    gan = _gan()
    with pytest.raises(TrainingDivergedError,
                       match=r"at epoch 1, step 2 \(global step 2\): non-finite weights in "
                             r"generator/"):
        gan.fit(_data(), epochs=1, verbose=0,
                callbacks=[_Poison(at=1), DivergenceGuard(check_weights_every=1)])
    gan = _gan()
    with pytest.raises(TrainingDivergedError,
                       match=r"at the end of epoch 1 \(global step 4\): non-finite weights"):
        gan.fit(_data(), epochs=2, verbose=0, callbacks=[_Poison(at=3), DivergenceGuard()])
    with pytest.raises(ValueError, match="check_weights_every"):
        DivergenceGuard(check_weights_every=0)


def test_sample_grid_and_panel_refuse_nonfinite_weights(tmp_path):
    gan = _gan()
    grid = callbacks.SampleGrid(tmp_path / "g", rows=2, cols=2)
    grid.set_model(gan)
    assert grid.write(1)
    kernel = gan.generator.trainable_variables[0]
    kernel.assign(np.full(kernel.shape, np.inf, "float32"))
    with pytest.raises(TrainingDivergedError, match="Not writing sample grid"):
        grid.write(2)
    with pytest.warns(RuntimeWarning, match="SampleGrid: Not writing"):
        grid.on_epoch_end(2)
    assert sorted(p.name for p in (tmp_path / "g").glob("*.png")) == ["epoch_0001.png"]

    from test_cyclegan import domain_images, tiny_cyclegan  # noqa: PLC0415

    cycle = tiny_cyclegan()
    panel = callbacks.TranslationPanel(tmp_path / "p", domain_images(2, 1, 0), None)
    panel.set_model(cycle)
    panel.on_train_begin()
    panel.on_epoch_end(0)
    kernel = cycle.generator_ab.trainable_variables[0]
    kernel.assign(np.full(kernel.shape, np.nan, "float32"))
    with pytest.warns(RuntimeWarning, match="TranslationPanel: Not writing"):
        panel.on_epoch_end(1)
    assert sorted(p.name for p in (tmp_path / "p").iterdir()) == ["panel_epoch_001.png"]


def _train(out, *extra):
    return main(["train", "--model", "fast-cgan", "--steps-per-epoch", "3", "--limit", "640",
                 "--out", str(out), "--evaluate-n", "0", "--no-jit", *map(str, extra)],
                quiet=False)


def test_cli_train_diverges_with_one_line_and_resumes_from_the_good_checkpoint(tmp_path, capsys):
    out = tmp_path / "run"
    assert _train(out, "--epochs", "1") == 0
    metrics = (out / "metrics.json").read_text()
    assert json.loads(metrics)["alarms"] == []
    capsys.readouterr()
    assert _train(out, "--epochs", "2", "--lr", "1e6") == 1
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert len(lines) == 1, captured.err
    assert re.match(r"gankit train: error: Training diverged at epoch 2, (step|within steps) "
                    r"[\d-]+ \(global step \d+\): \w+ is (nan|inf)", lines[0]), lines[0]
    assert f"last good checkpoint is {out / 'checkpoints' / 'ckpt_epoch_0001.keras'}" in lines[0]
    assert "Traceback" not in captured.err
    assert sorted(p.name for p in (out / "checkpoints").glob("*.keras")) == [
        "ckpt_epoch_0001.keras"]
    assert sorted(p.name for p in (out / "samples").glob("*.png")) == ["epoch_0001.png"]
    assert (out / "metrics.json").read_text() == metrics  # not rewritten from NaN weights

    assert _train(out, "--epochs", "2", "--lr", "1e-3") == 0
    printed = capsys.readouterr().out
    assert "resuming fast-cgan" in printed and "at epoch 1" in printed
    assert "epoch 2/2" in printed
    model, epoch = callbacks.resume(out / "checkpoints")
    assert epoch == 2 and _finite(model)


@pytest.mark.filterwarnings("ignore:ProgressGif")
def test_cli_writes_nothing_from_nan_weights_even_without_the_guard(tmp_path, capsys,
                                                                    monkeypatch):
    from gankit.callbacks import guard

    monkeypatch.setattr(guard, "default_guard", lambda given: [])  # defence in depth only
    out = tmp_path / "run"
    with pytest.warns(RuntimeWarning, match="Not writing"):
        code = _train(out, "--epochs", "2", "--lr", "1e6")
    assert code == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("gankit train: error: the model holds non-finite weights")
    assert "metrics.json not written" in err and len(err.splitlines()) == 1
    assert not (out / "metrics.json").exists()
    assert not list(out.glob("checkpoints/*.keras")) and not list(out.glob("samples/*.png"))
