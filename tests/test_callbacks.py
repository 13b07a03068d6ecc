"""Callbacks on real (tiny) gankit models: grids, GIF, loss curves, checkpoints, replay."""

import json
import os

import keras
import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

import gankit
from gankit import callbacks, images
from gankit.callbacks.samples import fixed_noise

# fit() on a tf.data.Dataset warns that its default shuffle=True is ignored; the data are fixed.
pytestmark = pytest.mark.filterwarnings("ignore:`shuffle=True` was passed")

LATENT = 4
SHAPE = (8, 8, 1)


def _adam():
    return keras.optimizers.Adam(1e-3, beta_1=0.5)


def _gan(conditional=False, num_classes=3):
    keras.utils.set_random_seed(0)
    kw = {"conditional": True, "num_classes": num_classes} if conditional else {}
    g = gankit.nets.mlp_generator(latent_dim=LATENT, image_shape=SHAPE, hidden_units=16, **kw)
    d = gankit.nets.mlp_discriminator(image_shape=SHAPE, hidden_units=16, **kw)
    if conditional:
        model = gankit.ConditionalGAN(g, d, latent_dim=LATENT, num_classes=num_classes)
    else:
        model = gankit.GAN(g, d, latent_dim=LATENT)
    model.compile(d_optimizer=_adam(), g_optimizer=_adam())
    return model


def _data(conditional=False, n=64, batch=16, num_classes=3):
    rng = np.random.RandomState(0)
    x = rng.uniform(-1, 1, (n,) + SHAPE).astype("float32")
    if conditional:
        y = np.eye(num_classes, dtype="float32")[rng.randint(0, num_classes, n)]
        return tf.data.Dataset.from_tensor_slices((x, y)).batch(batch)
    return tf.data.Dataset.from_tensor_slices(x).batch(batch)


def _same(a, b):
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


# --- SampleGrid / ProgressGif ---------------------------------------------------------------


def test_sample_grid_fixed_noise_metadata_and_gif(tmp_path):
    gan = _gan()
    out = tmp_path / "samples"
    grid = callbacks.SampleGrid(out, rows=3, cols=4, seed=7)
    gan.fit(_data(), epochs=2, verbose=0, callbacks=[grid, callbacks.ProgressGif(out)])

    names = sorted(os.listdir(out))
    assert names == ["epoch_0001.json", "epoch_0001.png", "epoch_0002.json", "epoch_0002.png",
                     "progress.gif"]
    cells, layout = images.read_grid(out / "epoch_0002.png")
    assert cells.shape == (12,) + SHAPE
    assert layout["epoch"] == 2 and layout["seed"] == 7 and layout["model"] == "GAN"
    assert (layout["rows"], layout["cols"], layout["cell_height"]) == (3, 4, 8)
    assert layout["labels"] is None
    assert json.loads((out / "epoch_0002.json").read_text()) == layout

    # The grid shows the generator (inference mode) on fixed numpy noise from the seed.
    expected = gan.generator(fixed_noise(12, LATENT, 7), training=False)
    np.testing.assert_array_equal(cells, images.to_uint8(expected))
    first, _ = images.read_grid(out / "epoch_0001.png")
    assert not np.array_equal(first, cells)  # training moved the generator

    with Image.open(out / "progress.gif") as gif:
        assert gif.n_frames == 2


def test_sample_grid_conditional_rows_are_classes(tmp_path):
    gan = _gan(conditional=True, num_classes=2)
    grid = callbacks.SampleGrid(tmp_path, rows=3, cols=2, seed=1)
    gan.fit(_data(conditional=True, num_classes=2), epochs=1, verbose=0, callbacks=[grid])
    cells, layout = images.read_grid(tmp_path / "epoch_0001.png")
    assert layout["labels"] == [0, 1, 0] and layout["labels_per"] == "row"
    assert layout["model"] == "ConditionalGAN"
    labels = np.eye(2, dtype="float32")[[0, 0, 1, 1, 0, 0]]
    expected = gan.generator([fixed_noise(6, LATENT, 1), labels], training=False)
    np.testing.assert_array_equal(cells, images.to_uint8(expected))
    # Writing again from the same model gives the same picture: the noise is fixed.
    again = grid.write(99)
    np.testing.assert_array_equal(images.read_grid(again)[0], cells)


@pytest.mark.parametrize("conditional", [False, True])
def test_sample_grid_shows_the_images_of_generate_with_the_same_seed(tmp_path, conditional):
    gan = _gan(conditional=conditional, num_classes=3)
    path = callbacks.SampleGrid(tmp_path, rows=3, cols=4, seed=5)
    path.set_model(gan)
    cells, layout = images.read_grid(path.write(1))
    if conditional:
        assert layout["labels"] == [0, 1, 2]
        expected = gan.generate(np.repeat(np.arange(3), 4), seed=5)
    else:
        expected = gan.generate(12, seed=5)
    np.testing.assert_array_equal(cells, images.to_uint8(expected))


def test_sample_grid_every_and_bad_arguments(tmp_path):
    gan = _gan()
    gan.fit(_data(n=16), epochs=4, verbose=0,
            callbacks=[callbacks.SampleGrid(tmp_path, rows=1, cols=2, every=2)])
    assert sorted(p.name for p in tmp_path.glob("*.png")) == ["epoch_0002.png",
                                                              "epoch_0004.png"]
    with pytest.raises(ValueError, match="rows"):
        callbacks.SampleGrid(tmp_path, rows=0)
    with pytest.raises(ValueError, match="every"):
        callbacks.SampleGrid(tmp_path, every=0)

    class NoNoise(keras.Model):
        generator = keras.Sequential([keras.Input(SHAPE), keras.layers.Identity()])
        latent_dim = None

    grid = callbacks.SampleGrid(tmp_path)
    grid.set_model(NoNoise())
    with pytest.raises(ValueError, match="latent_dim"):
        grid.on_train_begin()


def test_progress_gif_without_frames_warns(tmp_path):
    gif = callbacks.ProgressGif(tmp_path / "run.gif")
    with pytest.warns(UserWarning, match="No frames"):
        gif.on_train_end()
    with pytest.raises(FileNotFoundError):
        callbacks.make_gif(tmp_path)


# --- LossCurve ----------------------------------------------------------------------------


def test_loss_curve_png_json_and_resume(tmp_path):
    gan = _gan()
    path = tmp_path / "curves" / "losses.png"
    gan.fit(_data(n=32), epochs=2, verbose=0, callbacks=[callbacks.LossCurve(path)])
    history = json.loads((tmp_path / "curves" / "losses.json").read_text())
    assert history["epoch"] == [1, 2]
    for key in ("d_loss", "g_loss", "real_score", "fake_score"):
        assert len(history[key]) == 2 and all(np.isfinite(history[key]))
    with Image.open(path) as picture:
        assert picture.format == "PNG" and picture.size[0] > 100

    # Restarting at epoch 1 (a resumed run) replaces epoch 2 onwards and appends.
    gan.fit(_data(n=32), epochs=3, initial_epoch=1, verbose=0,
            callbacks=[callbacks.LossCurve(path)])
    resumed = json.loads((tmp_path / "curves" / "losses.json").read_text())
    assert resumed["epoch"] == [1, 2, 3]
    assert resumed["d_loss"][0] == history["d_loss"][0]
    with pytest.raises(ValueError, match=".png"):
        callbacks.LossCurve(tmp_path / "x.jpg")


# --- GANCheckpoint / resume ---------------------------------------------------------------


def test_checkpoint_keeps_last_and_resume_continues_exactly(tmp_path):
    ckpt = tmp_path / "ckpt"
    gan = _gan()
    gan.fit(_data(), epochs=3, verbose=0, callbacks=[callbacks.GANCheckpoint(ckpt, keep=2)])
    assert sorted(os.listdir(ckpt)) == ["ckpt_epoch_0002.keras", "ckpt_epoch_0003.keras",
                                        "latest.json"]
    assert json.loads((ckpt / "latest.json").read_text()) == {
        "epoch": 3, "path": "ckpt_epoch_0003.keras"}
    assert callbacks.GANCheckpoint.latest(ckpt) == (str(ckpt / "ckpt_epoch_0003.keras"), 3)

    model, start = callbacks.resume(ckpt)
    assert isinstance(model, gankit.GAN) and start == 3
    assert _same(model.generator.get_weights(), gan.generator.get_weights())
    assert _same(model.discriminator.get_weights(), gan.discriminator.get_weights())

    # Two more epochs after resuming == the uninterrupted run.
    gan.fit(_data(), epochs=5, initial_epoch=3, verbose=0)
    model.fit(_data(), epochs=5, initial_epoch=start, verbose=0)
    for a, b in zip(model.generator.get_weights(), gan.generator.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_checkpoint_every_train_end_and_interrupted_save(tmp_path):
    ckpt = tmp_path / "ckpt"
    gan = _gan()
    saver = callbacks.GANCheckpoint(ckpt, keep=None, every=2)
    gan.fit(_data(n=16), epochs=3, verbose=0, callbacks=[saver])
    assert sorted(p.name for p in ckpt.glob("*.keras")) == ["ckpt_epoch_0002.keras",
                                                          "ckpt_epoch_0003.keras"]

    # A save killed half way leaves no file under a checkpoint name, and latest is unchanged.
    def broken_save(path, *args, **kwargs):
        with open(path, "wb") as f:
            f.write(b"half a zip")
        raise KeyboardInterrupt("killed")

    gan.save = broken_save
    with pytest.raises(KeyboardInterrupt):
        saver.save(4)
    assert sorted(os.listdir(ckpt)) == ["ckpt_epoch_0002.keras", "ckpt_epoch_0003.keras",
                                        "latest.json"]
    assert callbacks.GANCheckpoint.latest(ckpt)[1] == 3
    # Without latest.json the newest file is found.
    os.remove(ckpt / "latest.json")
    assert callbacks.GANCheckpoint.latest(ckpt)[1] == 3


def test_checkpoint_in_a_folder_with_an_older_runs_files(tmp_path):
    (tmp_path / "ckpt_epoch_0009.keras").write_bytes(b"from another run")
    saver = callbacks.GANCheckpoint(tmp_path, keep=1)
    saver.set_model(_gan())
    saver.save(1)
    saver.save(2)
    assert sorted(p.name for p in tmp_path.glob("*.keras")) == ["ckpt_epoch_0002.keras",
                                                              "ckpt_epoch_0009.keras"]
    assert callbacks.GANCheckpoint.latest(tmp_path)[1] == 2


def test_checkpoint_errors(tmp_path):
    assert callbacks.GANCheckpoint.latest(tmp_path) is None
    with pytest.raises(FileNotFoundError, match="No checkpoint"):
        callbacks.resume(tmp_path)
    with pytest.raises(ValueError, match="keep"):
        callbacks.GANCheckpoint(tmp_path, keep=0)


# --- HistoricalReplay ---------------------------------------------------------------------


class _Watch(keras.callbacks.Callback):
    """Records, at each batch start, the weights the batch trains with (after the replay swap
    when placed after HistoricalReplay, the current ones when placed before it)."""

    def __init__(self, replay):
        super().__init__()
        self.replay = replay
        self.batches = []
        self.epoch_end = {}

    def on_train_batch_begin(self, batch, logs=None):
        self.batches.append({
            "active": None if self.replay.active is None else dict(self.replay.active),
            "generator": self.model.generator.get_weights(),
            "discriminator": self.model.discriminator.get_weights(),
        })

    def on_epoch_end(self, epoch, logs=None):
        self.epoch_end[epoch + 1] = {
            "generator": self.model.generator.get_weights(),
            "discriminator": self.model.discriminator.get_weights(),
            "d_opt": [keras.ops.convert_to_numpy(v) for v in self.model.d_optimizer.variables],
        }


def _replay_run(mode="discriminator", fraction=1.0, seed=0, epochs=6, every=2):
    gan = _gan()
    replay = callbacks.HistoricalReplay(every=every, keep=2, mode=mode, fraction=fraction,
                                        seed=seed)
    before, after = _Watch(replay), _Watch(replay)
    history = gan.fit(_data(), epochs=epochs, verbose=0, callbacks=[before, replay, after])
    return gan, replay, before, after, history


@pytest.mark.parametrize("mode", ["discriminator", "generator"])
def test_replay_swaps_in_old_opponent_and_restores(mode):
    gan, replay, before, after, history = _replay_run(mode=mode)
    other = "generator" if mode == "discriminator" else "discriminator"
    # (a) snapshots every 2 epochs, the newest `keep` kept, equal to the weights at that time.
    assert [s["epoch"] for s in replay.snapshots] == [4, 6]
    for snap in replay.snapshots:
        for player in ("generator", "discriminator"):
            assert _same(snap[player], before.epoch_end[snap["epoch"]][player])
    # Replay epochs: 4 (only the epoch-2 snapshot exists) and 6.
    assert [h["epoch"] for h in replay.history] == [4, 6]
    assert replay.history[0]["snapshot_epoch"] == 2
    assert all(h["player"] == mode and h["batches"] == 4 for h in replay.history)

    steps = 4
    for i, (cur, seen) in enumerate(zip(before.batches, after.batches)):
        epoch = i // steps + 1
        if epoch not in (4, 6):
            assert seen["active"] is None and _same(seen[mode], cur[mode])
            continue
        # (b) during a replay batch the replayed player holds the older snapshot's weights ...
        snap_epoch = seen["active"]["snapshot_epoch"]
        assert seen["active"]["player"] == mode and snap_epoch in (2, 4) and snap_epoch < epoch
        assert _same(seen[mode], before.epoch_end[snap_epoch][mode])
        assert not _same(seen[mode], cur[mode])
        # ... while the other player is its current self.
        assert _same(seen[other], cur[other])
        # (c) between batches the replayed player is back to its current weights, which the
        # replay epoch leaves as they were at the end of the previous epoch.
        assert _same(cur[mode], before.epoch_end[epoch - 1][mode])
    for epoch in (4, 6):
        assert _same(before.epoch_end[epoch][mode], before.epoch_end[epoch - 1][mode])
        # The other player trained against the old opponent.
        assert not _same(before.epoch_end[epoch][other], before.epoch_end[epoch - 1][other])
    assert _same(getattr(gan, mode).get_weights(), before.epoch_end[5][mode])
    if mode == "discriminator":  # its optimizer state is restored too
        np.testing.assert_equal(before.epoch_end[4]["d_opt"], before.epoch_end[3]["d_opt"])
    # (d) training ran with finite losses.
    for key in ("d_loss", "g_loss"):
        assert np.all(np.isfinite(history.history[key]))


def test_replay_fraction_alternate_and_determinism():
    _, replay, _, after, _ = _replay_run(mode="alternate", fraction=0.5, seed=3, epochs=5,
                                         every=1)
    assert [h["player"] for h in replay.history] == ["discriminator", "generator"] * 2
    replayed = sum(h["batches"] for h in replay.history)
    assert 0 < replayed < 16
    assert sum(b["active"] is not None for b in after.batches) == replayed
    _, again, _, _, _ = _replay_run(mode="alternate", fraction=0.5, seed=3, epochs=5, every=1)
    assert again.history == replay.history
    _, other, _, _, _ = _replay_run(mode="alternate", fraction=0.5, seed=4, epochs=5, every=1)
    assert other.history != replay.history


_CYCLE_NETS = {"generator": ("generator_ab", "generator_ba"),
               "discriminator": ("discriminator_a", "discriminator_b")}


class _CycleWatch(keras.callbacks.Callback):
    """_Watch for CycleGAN: the weights of each player's two nets, per batch and epoch end."""

    def __init__(self, replay):
        super().__init__()
        self.replay = replay
        self.batches = []
        self.epoch_end = {}

    def _weights(self):
        return {name: getattr(self.model, name).get_weights()
                for names in _CYCLE_NETS.values() for name in names}

    def on_train_batch_begin(self, batch, logs=None):
        self.batches.append({"active": None if self.replay.active is None
                             else dict(self.replay.active), **self._weights()})

    def on_epoch_end(self, epoch, logs=None):
        self.epoch_end[epoch + 1] = {
            **self._weights(),
            "d_opt": [keras.ops.convert_to_numpy(v) for v in self.model.d_optimizer.variables],
            "g_opt": [keras.ops.convert_to_numpy(v) for v in self.model.g_optimizer.variables],
        }


@pytest.mark.parametrize("mode", ["discriminator", "generator"])
def test_replay_on_cyclegan_swaps_both_nets_of_a_player_and_restores(mode):
    from gankit.models.cyclegan import CycleGAN
    from gankit.nets.cyclegan import digit_patch_discriminator, digit_resnet_generator

    keras.utils.set_random_seed(0)
    size = 16
    model = CycleGAN(
        digit_resnet_generator((size, size, 1), output_channels=3, filters=4,
                               num_residual_blocks=1),
        digit_resnet_generator((size, size, 3), output_channels=1, filters=4,
                               num_residual_blocks=1),
        digit_patch_discriminator((size, size, 1), filters=4),
        digit_patch_discriminator((size, size, 3), filters=4),
        lambda_identity=0.0, pool_size=4, seed=0)
    model.compile(g_optimizer=_adam(), d_optimizer=_adam(), run_eagerly=True)
    rng = np.random.default_rng(0)
    a = rng.uniform(-1, 1, (8, size, size, 1)).astype("float32")
    b = rng.uniform(-1, 1, (8, size, size, 3)).astype("float32")
    data = tf.data.Dataset.from_tensor_slices((a, b)).batch(4)  # 2 batches per epoch
    replay = callbacks.HistoricalReplay(every=2, keep=2, mode=mode, seed=0)
    before, after = _CycleWatch(replay), _CycleWatch(replay)
    model.fit(data, epochs=4, verbose=0, callbacks=[before, replay, after])

    other = "generator" if mode == "discriminator" else "discriminator"
    assert [s["epoch"] for s in replay.snapshots] == [2, 4]
    assert [(h["epoch"], h["snapshot_epoch"], h["batches"]) for h in replay.history] == [(4, 2, 2)]
    replayed = [(cur, seen) for cur, seen in zip(before.batches, after.batches)
                if seen["active"] is not None]
    assert len(replayed) == 2 and all(seen["active"]["player"] == mode for _, seen in replayed)
    for cur, seen in replayed:
        for name in _CYCLE_NETS[mode]:  # both nets of the replayed player are the old snapshot
            assert _same(seen[name], before.epoch_end[2][name]), name
            assert not _same(seen[name], cur[name]), name
        for name in _CYCLE_NETS[other]:  # the other player is its current self
            assert _same(seen[name], cur[name]), name
    # after the replay epoch the replayed player holds its current weights and optimizer state
    for name in _CYCLE_NETS[mode]:
        assert _same(before.epoch_end[4][name], before.epoch_end[3][name]), name
        assert _same(getattr(model, name).get_weights(), before.epoch_end[3][name]), name
    key = "d_opt" if mode == "discriminator" else "g_opt"
    np.testing.assert_equal(before.epoch_end[4][key], before.epoch_end[3][key])
    for name in _CYCLE_NETS[other]:  # ... and the other player trained against the old one
        assert not _same(before.epoch_end[4][name], before.epoch_end[3][name]), name


def test_replay_bad_arguments():
    with pytest.raises(ValueError, match="mode"):
        callbacks.HistoricalReplay(mode="both-ways")
    with pytest.raises(ValueError, match="fraction"):
        callbacks.HistoricalReplay(fraction=0.0)
    with pytest.raises(ValueError, match="every"):
        callbacks.HistoricalReplay(every=0)
