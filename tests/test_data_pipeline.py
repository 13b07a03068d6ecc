"""tf.data pipelines: scaling, padding, one-hot, shuffling, unpaired pairing, jitter, folders."""

import warnings

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from gankit import data


def _batches(ds):
    return [tuple(t.numpy() for t in b) if isinstance(b, tuple) else b.numpy() for b in ds]


def test_load_mnist_batches_in_range_with_one_hot_and_padding():
    ds = data.load("mnist", "test", batch_size=32, one_hot=True, pad_to=32, limit=100)
    (x, y), *_ = _batches(ds)
    assert x.shape == (32, 32, 32, 1) and x.dtype == np.float32
    assert y.shape == (32, 10) and np.all(y.sum(1) == 1)
    assert x.min() == -1.0 and x.max() == 1.0
    assert np.all(x[:, :2] == -1.0) and np.all(x[:, :, -2:] == -1.0)  # padded with background
    raw, labels = data.load_arrays("mnist", "test")
    np.testing.assert_allclose(x[0, 2:30, 2:30], raw[0] / 127.5 - 1.0, atol=1e-6)
    np.testing.assert_array_equal(y.argmax(1), labels[:32])  # test split is not shuffled


def test_shuffle_is_seeded_and_drop_remainder():
    def first_labels(seed):
        ds = data.load("mnist", "train", batch_size=16, seed=seed, limit=200, drop_remainder=True)
        batches = _batches(ds)
        assert len(batches) == 12  # 200 // 16
        return np.concatenate([b[1] for b in batches])

    a, b, c = first_labels(1), first_labels(1), first_labels(2)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert sorted(a.tolist()) != a.tolist()


def test_from_arrays_validates_input():
    with pytest.raises(ValueError, match="3 images but 2 labels"):
        data.from_arrays(np.zeros((3, 4, 4, 1), np.uint8), [0, 1])
    with pytest.raises(ValueError, match="NHWC"):
        data.from_arrays(np.zeros((3, 4), np.uint8))
    with pytest.raises(ValueError, match="pad_to=2 is smaller"):
        data.from_arrays(np.zeros((3, 4, 4, 1), np.uint8), pad_to=2)
    with pytest.raises(ValueError, match="one_hot=True needs labels"):
        data.from_arrays(np.zeros((3, 4, 4, 1), np.uint8), one_hot=True)


def test_from_arrays_takes_float_images_as_already_scaled():
    x = np.linspace(-1, 1, 2 * 4 * 4).reshape(2, 4, 4, 1).astype(np.float32)
    (out,) = _batches(data.from_arrays(x, batch_size=2, shuffle=False))
    np.testing.assert_allclose(out, x)


def _domain(n, value):
    return tf.data.Dataset.from_tensor_slices(
        (np.full((n, 4, 4, 1), value, np.float32) + np.arange(n)[:, None, None, None] / 100.0,
         np.zeros(n, np.int64)))


def test_unpaired_epoch_is_as_long_as_the_larger_domain():
    ds = data.unpaired(_domain(5, 0.0), _domain(12, 0.5), batch_size=2, seed=0, drop_remainder=False)
    batches = _batches(ds)
    assert sum(len(a) for a, _ in batches) == 12
    a = np.concatenate([a for a, _ in batches])[:, 0, 0, 0]
    b = np.concatenate([b for _, b in batches])[:, 0, 0, 0]
    assert np.all(a < 0.5) and np.all(b >= 0.5)  # labels dropped, domains kept apart
    assert sorted(np.round(b * 100).astype(int) - 50) == list(range(12))  # every B image once
    assert set(np.round(a * 100).astype(int)) == set(range(5))  # smaller domain repeated
    again = _batches(data.unpaired(_domain(5, 0.0), _domain(12, 0.5), batch_size=2, seed=0,
                                   drop_remainder=False))
    np.testing.assert_array_equal(np.concatenate([x for x, _ in again])[:, 0, 0, 0], a)


def test_unpaired_balance_cuts_to_the_smaller_domain():
    ds = data.unpaired(_domain(5, 0.0), _domain(12, 0.5), batch_size=1, seed=0, balance=True)
    assert len(_batches(ds)) == 5


def test_unpaired_domains_are_shuffled_independently():
    ds = data.unpaired(_domain(50, 0.0), _domain(50, 0.0), batch_size=50, seed=3)
    (a, b), = _batches(ds)
    assert not np.array_equal(a, b)


def test_jitter_crop_flip_shapes_and_determinism():
    image = tf.reshape(tf.range(30 * 30 * 3, dtype=tf.float32), (30, 30, 3))
    out1 = data.jitter(image, seed=tf.constant([1, 2]), resize_to=36, crop_to=32)
    out2 = data.jitter(image, seed=tf.constant([1, 2]), resize_to=36, crop_to=32)
    assert out1.shape == (32, 32, 3)
    np.testing.assert_array_equal(out1.numpy(), out2.numpy())
    outs = {data.jitter(image, tf.constant([s, 0]), 36, 32).numpy().tobytes() for s in range(8)}
    assert len(outs) > 4
    with pytest.raises(ValueError, match="larger than resize_to"):
        data.jitter(image, tf.constant([0, 0]), resize_to=30, crop_to=32)


@pytest.fixture
def messy_folder(tmp_path):
    """A folder with every kind of file a student may hand in."""
    folder = tmp_path / "domain"
    folder.mkdir()
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 256, (40, 40, 3), dtype=np.uint8)).save(folder / "rgb.jpg")
    Image.fromarray(np.full((40, 40), 200, np.uint8), "L").save(folder / "gray.png")
    rgba = np.zeros((40, 40, 4), np.uint8)
    rgba[..., 0] = 255
    rgba[:20, :, 3] = 255  # top half opaque red, bottom half transparent
    Image.fromarray(rgba, "RGBA").save(folder / "rgba.png")
    Image.fromarray(np.full((40, 40), 65535, np.uint16)).save(folder / "deep16.png")
    Image.fromarray(np.full((5, 7, 3), 10, np.uint8)).save(folder / "tiny.png")
    good = (folder / "rgb.jpg").read_bytes()
    (folder / "truncated.jpg").write_bytes(good[: len(good) // 3])
    (folder / "random.png").write_bytes(rng.integers(0, 256, 500, dtype=np.uint8).tobytes())
    (folder / "empty.jpg").write_bytes(b"")
    (folder / "notes.txt").write_text("not an image")
    return folder


def test_image_folder_converts_resizes_and_skips_corrupt_files(messy_folder):
    with pytest.warns(UserWarning, match="skipped 3 of 8 image files"):
        ds = data.image_folder(messy_folder, image_size=16)
    images = {p: x for p, x in zip(sorted(["deep16.png", "gray.png", "rgb.jpg", "rgba.png",
                                           "tiny.png"]), _batches(ds))}
    assert len(images) == 5
    for x in images.values():
        assert x.shape == (16, 16, 3) and x.dtype == np.float32
        assert -1.0 <= x.min() and x.max() <= 1.0
    np.testing.assert_allclose(images["deep16.png"], 1.0)  # 16-bit white stays white
    np.testing.assert_allclose(images["gray.png"], 200 / 127.5 - 1, atol=1e-6)
    top, bottom = images["rgba.png"][2, 8], images["rgba.png"][14, 8]
    np.testing.assert_allclose(top, [1, -1, -1], atol=0.02)  # opaque red
    np.testing.assert_allclose(bottom, [1, 1, 1], atol=0.02)  # transparent -> white
    np.testing.assert_allclose(images["tiny.png"], 10 / 127.5 - 1, atol=1e-6)


def test_image_folder_grayscale_and_augment(messy_folder):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = data.image_folder(messy_folder, image_size=18, channels=1, augment=True,
                               crop_size=16, shuffle=True, seed=0, label=1)
    batches = _batches(ds)
    assert len(batches) == 5
    assert all(x.shape == (16, 16, 1) and y == 1 for x, y in batches)


def test_image_folder_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        data.image_folder(tmp_path / "missing", 16)
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="no usable image"):
        data.image_folder(tmp_path / "empty", 16)
    with pytest.raises(ValueError, match="channels must be 1 or 3"):
        data.image_folder(tmp_path / "empty", 16, channels=4)


def test_horse2zebra_from_a_local_folder(tmp_path, monkeypatch):
    root = tmp_path / "horse2zebra"
    for i, split in enumerate(["trainA", "trainB", "testA", "testB"]):
        (root / split).mkdir(parents=True)
        for k in range(2 + i):
            Image.fromarray(np.full((24, 24, 3), 40 * i + k, np.uint8)).save(root / split / f"{k}.jpg")
    monkeypatch.setenv("GANKIT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("GANKIT_OFFLINE", "1")
    x, y = data.load_arrays("horse2zebra", "trainB")
    assert x.shape == (3, 24, 24, 3) and set(y.tolist()) == {1}
    assert set(data.load_arrays("horse2zebra", "testB")[1].tolist()) == {1}
    assert set(data.load_arrays("horse2zebra", "testA")[1].tolist()) == {0}
    ds = data.load("horse2zebra", "testB", batch_size=2)
    shapes = [b[0].shape for b in _batches(ds)]
    assert shapes == [(2, 24, 24, 3), (2, 24, 24, 3), (1, 24, 24, 3)]


# ----------------------------------------------------------------------------- epoch orders


def _ids(n):
    """uint8 images 1x1 whose pixel is the image's number."""
    return np.arange(n, dtype=np.uint8).reshape(n, 1, 1, 1)


def _order(ds):
    """The image numbers of one pass over a `from_arrays(_ids(n), ...)` pipeline."""
    values = np.concatenate([np.ravel(b) for b in _batches(ds)])
    return np.round((values + 1.0) * 127.5).astype(int)


def test_seeded_order_is_a_function_of_seed_and_epoch():
    def order(seed, epoch, earlier_passes=0):
        ds = data.from_arrays(_ids(64), batch_size=8, seed=seed)  # a fresh pipeline
        for _ in range(earlier_passes):  # what was iterated before does not matter
            _batches(ds)
        assert data.set_epoch(ds.map(lambda x: x), epoch) == 1  # found through .map too
        return _order(ds)

    first = order(0, 1)
    assert sorted(first) == list(range(64))
    np.testing.assert_array_equal(order(0, 1, earlier_passes=3), first)
    assert not np.array_equal(order(0, 0), first)  # epochs differ
    assert not np.array_equal(order(1, 1), first)  # seeds differ
    # a loop that never sets the epoch still gets a new order on every pass
    ds = data.from_arrays(_ids(64), batch_size=8, seed=0)
    assert not np.array_equal(_order(ds), _order(ds))
    # unseeded: random orders, no epoch to set
    unseeded = data.from_arrays(_ids(64), batch_size=8)
    assert data.set_epoch(unseeded, 1) == 0
    assert not np.array_equal(_order(unseeded), _order(unseeded))


def test_repeat_stream_depends_only_on_seed_and_position():
    stream = _order(data.from_arrays(_ids(10), batch_size=4, seed=0, repeat=True).take(10))
    passes = stream.reshape(4, 10)  # 40 elements: 4 passes one after the other
    assert all(sorted(p) == list(range(10)) for p in passes)
    assert len({tuple(p) for p in passes}) == 4
    # epoch 3 of 2 batches starts at batch 6 (element 24), also in the middle of a pass
    resumed = data.from_arrays(_ids(10), batch_size=4, seed=0, repeat=True)
    data.set_epoch(resumed, 3, steps_per_epoch=2)
    np.testing.assert_array_equal(_order(resumed.take(4)), stream[24:])
    # a finite pipeline's epoch e is pass e of that stream
    finite = data.from_arrays(_ids(10), batch_size=None, seed=0)
    data.set_epoch(finite, 2)
    np.testing.assert_array_equal(_order(finite), passes[2])


def test_unpaired_order_is_a_function_of_seed_and_epoch():
    def pairs(epoch, seed=0, earlier_passes=0):
        ds = data.unpaired(_domain(5, 0.0), _domain(12, 0.5), batch_size=12, seed=seed)
        for _ in range(earlier_passes):
            _batches(ds)
        data.set_epoch(ds, epoch)
        ((a, b),) = _batches(ds)
        return (np.round(a[:, 0, 0, 0] * 100).astype(int),
                np.round(b[:, 0, 0, 0] * 100).astype(int) - 50)

    a1, b1 = pairs(1)
    tf.random.set_seed(5)  # nor does TensorFlow's global seed
    try:
        again = pairs(1, earlier_passes=2)
    finally:
        tf.random.set_seed(None)
    np.testing.assert_array_equal(again[0], a1)
    np.testing.assert_array_equal(again[1], b1)
    assert sorted(b1) == list(range(12))
    # the smaller domain (5 images) is reshuffled on each of its passes within the epoch
    assert sorted(a1[:5]) == sorted(a1[5:10]) == list(range(5))
    assert not np.array_equal(a1[:5], a1[5:10])
    for other in (pairs(0), pairs(1, seed=1)):  # other epoch, other seed
        assert not np.array_equal(other[0], a1) and not np.array_equal(other[1], b1)


def test_image_folder_order_and_jitter_are_functions_of_seed_and_epoch(tmp_path):
    for i in range(8):
        texture = np.arange(36).reshape(6, 6) * 5 + 3 * i  # crops and flips show; [0, 0] = 3i
        Image.fromarray(texture.astype(np.uint8), "L").save(tmp_path / f"{i}.png")

    def epoch_images(epoch, **kwargs):
        ds = data.image_folder(tmp_path, image_size=6, channels=1, seed=0, **kwargs)
        _batches(ds)  # an earlier pass
        data.set_epoch(ds, epoch)
        return np.stack(_batches(ds))

    shuffled = epoch_images(1, shuffle=True)
    np.testing.assert_array_equal(epoch_images(1, shuffle=True), shuffled)
    assert not np.array_equal(epoch_images(0, shuffle=True), shuffled)
    assert len(set(shuffled[:, 0, 0, 0].tolist())) == 8  # every image once
    jittered = epoch_images(1, augment=True, crop_size=4)
    assert jittered.shape == (8, 4, 4, 1)
    np.testing.assert_array_equal(epoch_images(1, augment=True, crop_size=4), jittered)
    assert not np.array_equal(epoch_images(0, augment=True, crop_size=4), jittered)


def test_pipelines_start_no_autotuning_thread(messy_folder):
    """tf.data's tuning thread made each new epoch's iterator wait for it (up to a minute)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the folder's corrupt files are counted in another test
        folder = data.image_folder(messy_folder, image_size=8, shuffle=True, seed=0)
    pipelines = {
        "load": data.load("mnist", batch_size=8, seed=0, limit=64),
        "load repeat": data.load("mnist", batch_size=8, seed=0, limit=64, repeat=True),
        "from_arrays unseeded": data.from_arrays(np.zeros((6, 4, 4, 1), np.uint8), batch_size=2),
        "unpaired": data.unpaired(_domain(5, 0.0), _domain(12, 0.5), batch_size=2, seed=0),
        "image_folder": folder,
    }
    for name, ds in pipelines.items():
        for derived in (ds, ds.map(lambda *t: t).take(2)):  # options reach derived datasets
            assert derived.options().autotune.enabled is False, name
    seeded = data.load("mnist", batch_size=8, seed=0, limit=64)
    assert data.epochs.epoch_states(seeded)  # with_options keeps the seeded order settable
    first = next(iter(seeded))[0].numpy()
    data.set_epoch(seeded, 1)
    assert not np.array_equal(next(iter(seeded))[0].numpy(), first)
