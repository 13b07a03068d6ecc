"""CycleGAN networks: shapes, reference parameter counts, receptive field, custom layers."""

import keras
import numpy as np
import pytest

from gankit.nets.cyclegan import (
    RandomPatchCrop,
    ReflectionPadding2D,
    digit_patch_discriminator,
    digit_resnet_generator,
    patch_discriminator,
    patch_output_size,
    patch_receptive_field,
    resnet_generator,
)

# PyTorch CycleGAN reference (ResnetGenerator / NLayerDiscriminator with InstanceNorm2d):
# 11,378,179 parameters for 9 blocks, ngf 64; each residual block is 2 * (256*256*9 + 256).
BLOCK = 2 * (256 * 256 * 9 + 256)
REFERENCE_G9 = 11_378_179
REFERENCE_D = 2_764_737


@pytest.mark.parametrize("blocks", [2, 6, 9])
def test_resnet_generator_parameter_counts(blocks):
    # Parameter counts do not depend on the image size: build at 64 px to stay fast.
    g = resnet_generator((64, 64, 3), num_residual_blocks=blocks)
    assert g.count_params() == REFERENCE_G9 - (9 - blocks) * BLOCK
    residual_adds = [layer for layer in g.layers if layer.name.endswith("_add")]
    assert len(residual_adds) == blocks


def test_reference_networks_at_256():
    g = resnet_generator((256, 256, 3), num_residual_blocks=9, filters=64)
    assert g.count_params() == REFERENCE_G9
    assert g.output_shape == (None, 256, 256, 3)
    d = patch_discriminator((256, 256, 3), filters=64, num_layers=3)
    assert d.count_params() == REFERENCE_D
    assert d.output_shape == (None, 30, 30, 1)
    assert patch_output_size(256) == 30
    # Instance normalization is GroupNormalization with one group per channel.
    norms = [layer for layer in g.layers if isinstance(layer, keras.layers.GroupNormalization)]
    assert norms and all(layer.groups == layer.output.shape[-1] for layer in norms)


def test_patch_discriminator_receptive_field():
    # Instance normalization couples all pixels, so this is the convolutional receptive field.
    assert patch_receptive_field(num_layers=3) == 70
    assert patch_receptive_field(num_layers=2) == 34
    assert patch_receptive_field(num_layers=1) == 16


@pytest.mark.parametrize(
    "size,c_in,c_out", [(28, 1, 3), (28, 3, 1), (32, 3, 3), (32, 1, 3), (64, 3, 3)]
)
def test_digit_networks_shapes_and_range(size, c_in, c_out):
    g = digit_resnet_generator((size, size, c_in), output_channels=c_out, filters=8)
    d = digit_patch_discriminator((size, size, c_out), filters=8)
    x = np.random.default_rng(1).uniform(-1, 1, (2, size, size, c_in)).astype("float32")
    y = np.asarray(g(x))
    assert y.shape == (2, size, size, c_out)
    assert np.all(np.abs(y) <= 1.0) and np.all(np.isfinite(y))
    logits = np.asarray(d(y))
    side = patch_output_size(size, num_layers=2)
    assert logits.shape == (2, side, side, 1)


def test_digit_preset_is_report_001_layout():
    g = digit_resnet_generator((28, 28, 1))
    downs = [layer for layer in g.layers if layer.name.startswith("down") and "_" not in layer.name]
    ups = [layer for layer in g.layers if isinstance(layer, keras.layers.Conv2DTranspose)]
    adds = [layer for layer in g.layers if layer.name.endswith("_add")]
    assert (len(downs), len(adds), len(ups)) == (2, 2, 2)


def test_bad_shapes_raise_clear_errors():
    with pytest.raises(ValueError, match="divisible"):
        resnet_generator((30, 30, 3))
    with pytest.raises(ValueError, match="image_shape"):
        resnet_generator((28, 28))
    with pytest.raises(ValueError, match="fewer layers"):
        patch_discriminator((28, 28, 1), num_layers=4)
    with pytest.raises(ValueError, match="crop_size"):
        patch_discriminator((28, 28, 1), crop_size=40)
    with pytest.raises(ValueError, match="fewer layers"):
        patch_discriminator((28, 28, 1), num_layers=2, crop_size=8)


def test_reflection_padding_matches_numpy_and_serializes():
    x = np.arange(2 * 4 * 5 * 3, dtype="float32").reshape(2, 4, 5, 3)
    layer = ReflectionPadding2D(2)
    expected = np.pad(x, [(0, 0), (2, 2), (2, 2), (0, 0)], mode="reflect")
    np.testing.assert_array_equal(np.asarray(layer(x)), expected)
    clone = ReflectionPadding2D.from_config(layer.get_config())
    assert clone.padding == 2


def test_random_patch_crop_takes_real_seeded_windows_also_at_inference():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(16, 20, 20, 2)).astype("float32")
    crop = RandomPatchCrop(8, seed=3)
    out = np.asarray(crop(x, training=False))
    assert out.shape == (16, 8, 8, 2)
    offsets = []
    for i in range(len(x)):
        hits = [
            (t, s)
            for t in range(13)
            for s in range(13)
            if np.array_equal(x[i, t : t + 8, s : s + 8], out[i])
        ]
        assert len(hits) == 1
        offsets.append(hits[0])
    assert len(set(offsets)) > 4  # each image gets its own offset
    again = np.asarray(RandomPatchCrop(8, seed=3)(x, training=True))
    np.testing.assert_array_equal(out, again)
    with pytest.raises(ValueError, match="larger than the image"):
        RandomPatchCrop(30)(x)


def test_cropped_discriminator_and_generator_round_trip(tmp_path):
    d = digit_patch_discriminator((28, 28, 1), filters=8, num_layers=1, crop_size=8, crop_seed=0)
    assert d.output_shape == (None, 2, 2, 1)
    g = digit_resnet_generator((28, 28, 1), output_channels=3, filters=8)
    x = np.random.default_rng(4).uniform(-1, 1, (3, 28, 28, 1)).astype("float32")
    g.save(tmp_path / "g.keras")
    g2 = keras.models.load_model(tmp_path / "g.keras")
    np.testing.assert_allclose(np.asarray(g(x)), np.asarray(g2(x)), atol=1e-6)
    d.save(tmp_path / "d.keras")
    d2 = keras.models.load_model(tmp_path / "d.keras")
    # The crop's random state is saved too: the reloaded D draws the same crops.
    np.testing.assert_allclose(np.asarray(d(x)), np.asarray(d2(x)), atol=1e-6)
