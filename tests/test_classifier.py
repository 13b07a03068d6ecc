"""LeNet builder, shipped weights (offline, checksummed) and feature extraction."""

import shutil
import warnings

import numpy as np
import pytest

from gankit import classifier
from gankit.data import load_arrays


@pytest.fixture(scope="module")
def mnist_test():
    x, y = load_arrays("mnist", "test")
    return x[:2000], y[:2000]


def test_lenet_outputs_probabilities_and_is_small():
    model = classifier.lenet(seed=0)
    x = np.random.default_rng(0).uniform(-1, 1, (5, 28, 28, 1)).astype("float32")
    probs = np.asarray(model(x))
    assert probs.shape == (5, 10)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)
    assert 55_000 < model.count_params() < 70_000


def test_lenet_pads_with_background_minus_one():
    import keras

    model = classifier.lenet(input_shape=(28, 28, 3))
    padded = keras.Model(model.input, model.get_layer("shift_down").output)
    out = np.asarray(padded(np.full((1, 28, 28, 3), 0.5, "float32")))
    assert out.shape == (1, 32, 32, 3)
    np.testing.assert_allclose(out[0, :2], -1.0)
    np.testing.assert_allclose(out[0, :, -2:], -1.0)
    np.testing.assert_allclose(out[0, 2:30, 2:30], 0.5)


def test_lenet_rejects_bad_shapes():
    with pytest.raises(ValueError, match="at most 32x32"):
        classifier.lenet(input_shape=(64, 64, 1))
    with pytest.raises(ValueError, match="height, width, channels"):
        classifier.lenet(input_shape=(28, 28))


def test_prepare_images_scales_and_checks():
    x = classifier.prepare_images(np.array([[[0, 255]]], dtype=np.uint8))
    np.testing.assert_allclose(x.ravel(), [-1.0, 1.0])
    assert x.shape == (1, 1, 2, 1)
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        classifier.prepare_images(np.full((2, 4, 4, 1), 200.0))
    gray = classifier.prepare_images(np.zeros((2, 4, 4, 3), np.float32), channels=1)
    assert gray.shape == (2, 4, 4, 1)


def test_pretrained_mnist_is_accurate_cached_and_has_features(mnist_test):
    x, y = mnist_test
    model = classifier.load_pretrained("mnist")
    assert classifier.load_pretrained("mnist") is model
    assert len(model.weights_sha256) == 64
    assert classifier.evaluate_accuracy(model, x, y) > 0.985
    feats = classifier.features(x[:10], "mnist")
    assert feats.shape == (10, 84) and np.all(np.isfinite(feats))


@pytest.mark.parametrize("name", ["fashion_mnist", "colored_mnist"])
def test_other_pretrained_weights_load(name):
    model = classifier.load_pretrained(name)
    channels = classifier.PRETRAINED[name]["input_shape"][-1]
    probs = classifier.predict_proba(np.zeros((3, 28, 28, channels), np.uint8), model)
    assert probs.shape == (3, 10)


def test_corrupt_or_missing_weights_are_clear_errors(tmp_path, monkeypatch):
    src = classifier.assets_dir()
    for f in ["SHA256SUMS", classifier.weights_filename("mnist")]:
        shutil.copy(src / f, tmp_path / f)
    monkeypatch.setenv("GANKIT_ASSETS_DIR", str(tmp_path))
    monkeypatch.setattr(classifier, "_PRETRAINED_CACHE", {})
    with open(tmp_path / classifier.weights_filename("mnist"), "r+b") as f:
        f.seek(-10, 2)
        f.write(b"0123456789")
    with pytest.raises(ValueError, match="Checksum mismatch"):
        classifier.load_pretrained("mnist")
    with pytest.raises(FileNotFoundError, match="train_lenet.py --dataset fashion_mnist"):
        classifier.load_pretrained("fashion_mnist")
    with pytest.raises(ValueError, match="Unknown pretrained"):
        classifier.load_pretrained("cifar10")


def test_fit_lenet_is_seeded_and_learns():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 256)
    x = np.full((256, 28, 28, 1), -1.0, np.float32)
    x[y == 0, 4:12, 4:12] = 1.0  # class 0: blob top-left, class 1: blob bottom-right
    x[y == 1, 16:24, 16:24] = 1.0
    x += rng.normal(0, 0.1, x.shape).astype(np.float32).clip(-0.1, 0.1)
    x = x.clip(-1, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no Keras "shuffle=True ... ignored" for a student to read
        m1, history = classifier.fit_lenet(x, y, num_classes=2, epochs=3, batch_size=32, seed=3)
    assert len(history.history["loss"]) == 3
    m2, _ = classifier.fit_lenet(x, y, num_classes=2, epochs=3, batch_size=32, seed=3)
    assert classifier.evaluate_accuracy(m1, x, y) > 0.95
    for a, b in zip(m1.get_weights(), m2.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-5)
