"""Report 000's conv LSGAN: a CycleGAN ResNet generator fed a noise image, trained with GAN."""

import keras
import numpy as np
import pytest

import gankit
from gankit import presets
from gankit.callbacks import SampleGrid
from gankit.nets import conv_lsgan_discriminator, noise_image_generator


def tiny_conv_lsgan(seed=0):
    keras.utils.set_random_seed(seed)
    g = noise_image_generator((28, 28, 1), num_residual_blocks=1, filters=4)
    d = conv_lsgan_discriminator((28, 28, 1), filters=4)
    return gankit.GAN(g, d, seed=seed)


def test_report000_nets_and_parameter_counts():
    d = conv_lsgan_discriminator()
    # Report 000 appendix: 5 convs 4x4, padding 1, strides 2 2 2 1 1, instance norm on 4.
    assert d.count_params() == 2_762_689
    assert d.output_shape == (None, 1, 1, 1)
    norms = [layer for layer in d.layers if isinstance(layer, keras.layers.GroupNormalization)]
    assert len(norms) == 4
    g = noise_image_generator()
    assert g.input_shape == (None, 28, 28, 1) and g.output_shape == (None, 28, 28, 1)
    assert g.count_params() == 11_365_633


def test_gan_feeds_a_noise_image_trains_generates_and_round_trips(tmp_path, tiny_images):
    gan = tiny_conv_lsgan()
    assert gan.latent_shape == (28, 28, 1) and gan.latent_dim == 784
    gan.compile(loss="lsgan", run_eagerly=True)
    ds = gankit.data.from_arrays(tiny_images[:8], batch_size=4, seed=0)
    history = gan.fit(ds, epochs=1, verbose=0, callbacks=[SampleGrid(tmp_path / "s", 2, 2)])
    assert np.isfinite(history.history["d_loss"][0]) and (tmp_path / "s/epoch_0001.png").exists()
    images = gan.generate(3, seed=1)
    assert images.shape == (3, 28, 28, 1)
    noise = np.random.default_rng(1).standard_normal((3, 784)).astype("float32")
    np.testing.assert_array_equal(images, gan.generate(noise=noise))
    np.testing.assert_array_equal(images, gan.generate(noise=noise.reshape(3, 28, 28, 1)))
    frames = gan.interpolate(noise[0].reshape(28, 28, 1), noise[1].reshape(28, 28, 1), steps=4)
    np.testing.assert_allclose(frames[0], images[0], atol=1e-5)
    with pytest.raises(ValueError, match=r"\(n, 784\) or \(n, 28, 28, 1\)"):
        gan.generate(noise=np.zeros((2, 10)))
    gan.save(tmp_path / "gan.keras")
    loaded = keras.models.load_model(tmp_path / "gan.keras")
    assert loaded.latent_shape == (28, 28, 1)
    np.testing.assert_allclose(loaded.generate(3, seed=1), images, atol=1e-6)


def test_conv_lsgan_preset_is_report_000():
    preset = presets.get("conv-lsgan")
    assert not preset.conditional and preset.batch_size == 64 and preset.dataset == "mnist"
    kwargs = preset.compile_kwargs()
    loss = gankit.losses.get(kwargs["loss"]) if isinstance(kwargs["loss"], str) else kwargs["loss"]
    config = loss.get_config()
    assert (config["name"], config["a"], config["b"], config["c"]) == ("lsgan", 0.0, 1.0, 1.0)
