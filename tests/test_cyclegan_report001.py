"""Report 001's digit CycleGAN: its generator and discriminator as described, the whole-image
("vanilla") discriminator, the D-loss factor, and MNIST shaped like SVHN for the identity loss."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from scipy.io import savemat

from gankit import data
from gankit.data import sources
from gankit.models.cyclegan import CycleGAN
from gankit.nets import (
    image_discriminator,
    report001_discriminator,
    report001_generator,
)


def _layer(model, name):
    return model.get_layer(name)


def test_report001_generator_layers_and_parameter_count():
    g = report001_generator((28, 28, 1), output_channels=3)  # filters 32 (Section 5.5)
    f = 32
    expected = (
        (7 * 7 * 1 * f + f)  # conv0: 7x7, stride 2
        + (3 * 3 * f * 2 * f + 2 * f)  # conv1: 3x3, stride 2
        + 2 * 2 * (3 * 3 * 2 * f * 2 * f + 2 * f)  # 2 residual blocks of two 3x3 convs
        + (3 * 3 * 2 * f * 2 * f + 2 * f)  # deconv0
        + (3 * 3 * 2 * f * f + f)  # deconv1
        + (7 * 7 * f * 3 + 3)  # conv_out: 7x7, stride 1, to the image
    )
    assert g.count_params() == expected == 227_907
    convs = [layer for layer in g.layers if isinstance(layer, keras.layers.Conv2D)
             and not isinstance(layer, keras.layers.Conv2DTranspose) and "res" not in layer.name]
    deconvs = [layer for layer in g.layers if isinstance(layer, keras.layers.Conv2DTranspose)]
    adds = [layer for layer in g.layers if isinstance(layer, keras.layers.Add)]
    # 2 encoder convs, 2 residual blocks, 2 deconvs (Section 5.1) and the output conv.
    assert [(c.kernel_size, c.strides) for c in convs] == [((7, 7), (2, 2)), ((3, 3), (2, 2)),
                                                          ((7, 7), (1, 1))]
    assert [(d.kernel_size, d.strides, d.filters) for d in deconvs] == [
        ((3, 3), (2, 2), 64), ((3, 3), (2, 2), 32)]
    assert len(adds) == 2
    assert _layer(g, "conv0").input.shape[1] == 34  # reflection pad 3 before the 7x7 conv
    assert _layer(g, "conv1").output.shape[1:] == (7, 7, 64)
    norms = [layer for layer in g.layers if isinstance(layer, keras.layers.GroupNormalization)]
    assert len(norms) == 8 and all(n.groups == -1 or n.groups == n.output.shape[-1] for n in norms)
    x = np.random.default_rng(0).uniform(-1, 1, (2, 28, 28, 1)).astype("float32")
    y = np.asarray(g(x))
    assert y.shape == (2, 28, 28, 3) and np.abs(y).max() <= 1.0
    assert report001_generator((32, 32, 3)).output_shape == (None, 32, 32, 3)
    with pytest.raises(ValueError, match="divisible by 4"):
        report001_generator((30, 30, 1))


def test_report001_discriminator_layers_parameter_count_and_patch_variant():
    d = report001_discriminator((28, 28, 3))  # filters 64 (Section 5.5)
    assert d.count_params() == (4 * 4 * 3 * 64 + 64) + (4 * 4 * 64 * 128 + 128) + (4 * 4 * 128 + 1)
    assert d.count_params() == 136_385
    convs = [layer for layer in d.layers if isinstance(layer, keras.layers.Conv2D)]
    assert [(c.filters, c.kernel_size, c.strides) for c in convs] == [
        (64, (4, 4), (2, 2)), (128, (4, 4), (2, 2)), (1, (4, 4), (1, 1))]
    pads = [layer for layer in d.layers if type(layer).__name__ == "ReflectionPadding2D"]
    assert len(pads) == 2  # before the input and the output layer (Section 5.6)
    assert d.output_shape == (None, 6, 6, 1)
    # Section 4.2: the patch discriminator judges one 8x8 (MNIST) or 9x9 (SVHN) crop.
    assert report001_discriminator((28, 28, 1), crop_size=8, crop_seed=0).output_shape == (
        None, 1, 1, 1)
    assert report001_discriminator((32, 32, 3), crop_size=9, crop_seed=0).output_shape == (
        None, 1, 1, 1)
    with pytest.raises(ValueError, match="crop_size"):
        report001_discriminator((28, 28, 1), crop_size=40)


def test_image_discriminator_gives_one_logit_that_sees_every_pixel():
    d = image_discriminator((28, 28, 3), filters=8)
    assert d.output_shape == (None, 1)
    norms = [layer for layer in d.layers if isinstance(layer, keras.layers.GroupNormalization)]
    assert norms and all(n.groups == n.output.shape[-1] for n in norms)  # instance norm
    x = tf.constant(np.random.default_rng(1).uniform(-1, 1, (1, 28, 28, 3)).astype("float32"))
    with tf.GradientTape() as tape:
        tape.watch(x)
        logit = d(x)
    grad = np.abs(np.asarray(tape.gradient(logit, x))).sum(axis=-1)[0]
    assert np.all(grad > 0)  # whole image, not patches: the corners count too
    with pytest.raises(ValueError, match=">= 1"):
        image_discriminator((28, 28, 3), num_layers=0)


def _tiny_cyclegan(shape_a, shape_b, **kwargs):
    keras.utils.set_random_seed(0)
    return CycleGAN(
        report001_generator(shape_a, output_channels=shape_b[-1], filters=4),
        report001_generator(shape_b, output_channels=shape_a[-1], filters=4),
        image_discriminator(shape_a, filters=4),
        report001_discriminator(shape_b, filters=4),
        seed=0, pool_size=0, **kwargs,
    )


def test_d_loss_factor_scales_the_discriminator_loss_and_is_saved(tmp_path):
    shape = (16, 16, 3)
    a = np.random.default_rng(1).uniform(-1, 1, (4, *shape)).astype("float32")
    b = np.random.default_rng(2).uniform(-1, 1, (4, *shape)).astype("float32")
    ds = tf.data.Dataset.from_tensor_slices((a, b)).batch(4)
    scores = {}
    for factor in (0.5, 0.25):
        model = _tiny_cyclegan(shape, shape, d_loss_factor=factor)
        model.compile(run_eagerly=True)
        scores[factor] = model.evaluate(ds, verbose=0, return_dict=True)
    for key in ("d_a_loss", "d_b_loss", "d_loss"):
        assert scores[0.25][key] == pytest.approx(scores[0.5][key] / 2, rel=1e-5)
    assert scores[0.25]["g_loss"] == pytest.approx(scores[0.5]["g_loss"], rel=1e-5)
    assert model.get_config()["d_loss_factor"] == 0.25
    model.save(tmp_path / "m.keras")
    assert keras.models.load_model(tmp_path / "m.keras").d_loss_factor == 0.25
    with pytest.raises(ValueError, match="d_loss_factor"):
        _tiny_cyclegan(shape, shape, d_loss_factor=0.0)


def _write_fake_svhn(directory, n):
    directory.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for split in ("train", "test"):
        x = rng.integers(0, 256, (32, 32, 3, n), dtype=np.uint8)
        y = (np.arange(n) % 10 + 1).reshape(-1, 1)
        savemat(directory / f"{split}_32x32.mat", {"X": x, "y": y})


def test_mnist_as_32x32x3_pairs_with_svhn_and_trains_with_identity_loss(tmp_path, monkeypatch):
    monkeypatch.setenv("GANKIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path / "tfds"))
    monkeypatch.setenv("GANKIT_CACHE_DIR", str(tmp_path / "cache"))
    _write_fake_svhn(tmp_path / "data" / "svhn", 8)
    mnist = data.load("mnist", batch_size=None, pad_to=32, channels=3, limit=8, shuffle=False)
    first = next(iter(mnist))[0].numpy()
    assert first.shape == (32, 32, 3)
    np.testing.assert_array_equal(first[..., 0], first[..., 2])  # the gray channel, repeated
    assert np.all(first[:2] == -1.0) and np.all(first[:, :2] == -1.0)  # zero (black) padding
    raw = data.load_arrays("mnist", "train")[0][0, ..., 0].astype("float32") / 127.5 - 1
    np.testing.assert_allclose(first[2:30, 2:30, 1], raw, atol=1e-6)
    svhn = data.load("svhn", batch_size=None)
    pairs = data.unpaired(mnist, svhn, batch_size=4, seed=0)
    model = _tiny_cyclegan((32, 32, 3), (32, 32, 3), lambda_identity=0.5)
    model.compile(run_eagerly=True)
    logs = model.fit(pairs, epochs=1, steps_per_epoch=1, verbose=0).history
    assert logs["identity_a"][0] > 0 and logs["identity_b"][0] > 0
    with pytest.raises(ValueError, match="1-channel"):
        data.from_arrays(np.zeros((2, 4, 4, 3), np.uint8), channels=1)
    assert sources.data_dir() == tmp_path / "data"
