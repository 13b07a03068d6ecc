"""Hostile files on the data side: corrupt caches, truncated checkpoints, a lying latest.json.

Each either gets one clear error or is rebuilt, and nothing good is deleted.
"""

import io
import json
import logging
import os

import keras
import numpy as np
import pytest
import tensorflow as tf

import gankit
from gankit import callbacks
from gankit.cli import main
from gankit.data import catalog, integrity

SHAPE = (8, 8, 1)


# ----------------------------------------------------------------------------- dataset cache
@pytest.fixture
def fake_svhn(tmp_path, monkeypatch):
    """A tiny SVHN in $GANKIT_DATA_DIR (read with scipy) and an empty $GANKIT_CACHE_DIR."""
    from scipy.io import savemat

    folder = tmp_path / "data" / "svhn"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    arrays = {}
    for split, n in (("train", 12), ("test", 8)):
        x = rng.integers(0, 256, (32, 32, 3, n), dtype=np.uint8)
        labels = np.arange(n) % 10
        y = np.where(labels == 0, 10, labels).reshape(-1, 1)  # SVHN stores 0 as 10
        savemat(folder / f"{split}_32x32.mat", {"X": x, "y": y})
        arrays[split] = (np.transpose(x, (3, 0, 1, 2)), labels)
    monkeypatch.setenv("GANKIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GANKIT_CACHE_DIR", str(tmp_path / "cache"))
    return arrays, tmp_path / "cache"


def _npz(**arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _corruptions(good):
    images = np.zeros((8, 32, 32, 3), np.uint8)
    return {
        "truncated": good[: len(good) // 2],
        "garbage": os.urandom(300),
        "empty": b"",
        "no labels": _npz(images=images),
        "wrong shape": _npz(images=np.zeros((8, 28, 28, 1), np.uint8), labels=np.zeros(8, int)),
        "float images": _npz(images=images.astype("float32"), labels=np.zeros(8, int)),
        "short labels": _npz(images=images, labels=np.zeros(3, int)),
        "bad labels": _npz(images=images, labels=np.full(8, 42)),
    }


def test_corrupt_dataset_cache_is_rebuilt_from_the_source(fake_svhn, caplog):
    arrays, cache = fake_svhn
    x, y = catalog.load_arrays("svhn", "test")
    np.testing.assert_array_equal(x, arrays["test"][0])
    (path,) = cache.glob("svhn-test-*.npz")
    good = path.read_bytes()
    for name, content in _corruptions(good).items():
        path.write_bytes(content)
        with caplog.at_level(logging.WARNING, logger="gankit.data"):
            caplog.clear()
            x, y = catalog.load_arrays("svhn", "test")
        np.testing.assert_array_equal(x, arrays["test"][0], err_msg=name)
        np.testing.assert_array_equal(y, arrays["test"][1], err_msg=name)
        assert "rebuilding" in caplog.text and str(path) in caplog.text, name
        assert np.load(path)["images"].shape == (8, 32, 32, 3), name  # rebuilt on disk


def test_corrupt_mnist_caches_are_rebuilt_and_verified(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("GANKIT_CACHE_DIR", str(tmp_path))
    x, y = catalog.load_arrays("mnist", "test")
    (path,) = tmp_path.glob("mnist-test-*.npz")
    # Right shapes, wrong contents (a label changed): the class counts give it away.
    wrong = y.copy()
    wrong[0] = (wrong[0] + 1) % 10
    path.write_bytes(_npz(images=x, labels=wrong))
    with caplog.at_level(logging.WARNING, logger="gankit.data"):
        x2, y2 = catalog.load_arrays("mnist", "test")
    assert "per-class counts" in caplog.text
    assert integrity.checksum(x2, y2) == integrity.CHECKSUMS[("mnist", "test")]
    # The colored MNIST cache, truncated, is rebuilt too.
    colored, labels = catalog.load_arrays("colored_mnist", "test")
    (path,) = tmp_path.glob("colored_mnist-test-*.npz")
    path.write_bytes(path.read_bytes()[:1000])
    again, _ = catalog.load_arrays("colored_mnist", "test")
    np.testing.assert_array_equal(again, colored)


# ----------------------------------------------------------------------------- checkpoints
def _gan():
    keras.utils.set_random_seed(0)
    g = gankit.nets.mlp_generator(4, SHAPE, hidden_units=8)
    d = gankit.nets.mlp_discriminator(SHAPE, hidden_units=8)
    gan = gankit.GAN(g, d, latent_dim=4, seed=0)
    gan.compile()
    return gan


@pytest.fixture
def three_checkpoints(tmp_path):
    x = np.random.RandomState(0).uniform(-1, 1, (16,) + SHAPE).astype("float32")
    gan = _gan()
    ckpt = tmp_path / "ckpt"
    gan.fit(tf.data.Dataset.from_tensor_slices(x).batch(8), epochs=3, verbose=0,
            callbacks=[callbacks.GANCheckpoint(ckpt, keep=None)])
    return ckpt


def _files(folder):
    return sorted(p.name for p in folder.iterdir())


def test_resume_skips_a_truncated_checkpoint_and_deletes_nothing(three_checkpoints):
    ckpt = three_checkpoints
    newest = ckpt / "ckpt_epoch_0003.keras"
    newest.write_bytes(newest.read_bytes()[:500])
    before = _files(ckpt)
    skipped = []
    model, epoch = callbacks.resume(ckpt, on_skip=skipped.append)
    assert epoch == 2 and isinstance(model, gankit.GAN)
    assert len(skipped) == 1 and "ckpt_epoch_0003.keras" in skipped[0]
    assert "cannot be loaded" in skipped[0]
    assert _files(ckpt) == before
    with pytest.warns(RuntimeWarning, match="skipping .*ckpt_epoch_0003.keras"):
        assert callbacks.resume(ckpt)[1] == 2


@pytest.mark.parametrize("latest", [
    json.dumps({"epoch": 99, "path": "ckpt_epoch_0099.keras"}),
    json.dumps({"epoch": 1, "path": "../../outside.keras"}),
    "{not json",
    "",
])
def test_a_latest_json_pointing_nowhere_falls_back_to_the_newest_file(three_checkpoints, latest):
    ckpt = three_checkpoints
    (ckpt / "latest.json").write_text(latest)
    assert callbacks.GANCheckpoint.latest(ckpt) == (str(ckpt / "ckpt_epoch_0003.keras"), 3)
    assert callbacks.resume(ckpt)[1] == 3
    # ... and when that newest file is cut short too, the one before it.
    newest = ckpt / "ckpt_epoch_0003.keras"
    newest.write_bytes(newest.read_bytes()[:100])
    with pytest.warns(RuntimeWarning, match="skipping"):
        assert callbacks.resume(ckpt)[1] == 2


def test_nonfinite_and_unloadable_checkpoints_are_skipped_or_reported(three_checkpoints):
    ckpt = three_checkpoints
    # A checkpoint full of NaN, as older gankit versions wrote after a divergence.
    model, _ = callbacks.resume(ckpt)
    kernel = model.generator.trainable_variables[0]
    kernel.assign(np.full(kernel.shape, np.nan, "float32"))
    model.save(ckpt / "ckpt_epoch_0004.keras")
    (ckpt / "latest.json").write_text(json.dumps({"epoch": 4, "path": "ckpt_epoch_0004.keras"}))
    skipped = []
    _, epoch = callbacks.resume(ckpt, on_skip=skipped.append)
    assert epoch == 3 and "non-finite values in generator/" in skipped[0]
    # Nothing loadable: one error naming every file and why.
    for path in ckpt.glob("*.keras"):
        path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ValueError, match="No checkpoint in .* can be resumed from") as caught:
        callbacks.resume(ckpt, on_skip=lambda message: None)
    for epoch in (1, 2, 3):
        assert f"ckpt_epoch_000{epoch}.keras cannot be loaded" in str(caught.value)
    assert len(list(ckpt.glob("*.keras"))) == 4


def test_cli_refuses_a_checkpoint_of_another_architecture(tmp_path, capsys):
    saver = callbacks.GANCheckpoint(tmp_path / "run" / "checkpoints")
    saver.set_model(_gan())
    saver.save(1)
    code = main(["train", "--model", "fast-cgan", "--epochs", "2", "--out", str(tmp_path / "run"),
                 "--evaluate-n", "0", "--limit", "64"], quiet=False)
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "holds a checkpoint of another model (GAN" in err
    assert "preset 'fast-cgan'" in err and "use another --out" in err
    assert _files(tmp_path / "run" / "checkpoints") == ["ckpt_epoch_0001.keras", "latest.json"]
