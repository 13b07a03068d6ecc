"""Every preset builds, compiles as it says, trains a step, saves to `.keras` and reloads.

One test per name `gankit.presets.get` accepts: the GAN presets (`presets.names()`) and the
CycleGAN presets (`presets.CYCLEGAN_PRESETS`). Each is built as `gankit train` builds it
(`gankit/cli.py`: `train_run`, `train_cyclegan_run`), with the preset's own builders and
`compile` (XLA off, to keep the test fast), trained for one step on a tiny random batch, saved,
reloaded with `keras.models.load_model` and compared: the reloaded generators give the same
images for the same input. GAN presets run at their own sizes (conv-lsgan's 11.4M-parameter
generator is the slow one, ~10 s); CycleGAN image presets at 32x32 with thin networks (see
`CYCLEGAN_SIZES`).
"""

import keras
import numpy as np
import pytest
from conftest import make_images, make_labels

from gankit import data, presets

# The image shape each GAN preset trains on by default (`gankit.data.info(preset.dataset)`),
# written out so the test needs no dataset files.
GAN_SHAPES = {"mnist": (28, 28, 1), "fashion_mnist": (28, 28, 1)}

ALL_PRESETS = [*presets.names(), *presets.CYCLEGAN_PRESETS]

# CycleGAN presets: (shape A, shape B) of their data, at the smallest size the preset allows.
CYCLEGAN_SHAPES = {
    "cyclegan-digits": ((28, 28, 3), (28, 28, 3)),  # mnist as RGB <-> colored_mnist (fixed)
    "cyclegan-svhn": ((32, 32, 3), (32, 32, 3)),  # padded mnist <-> svhn (fixed)
    "cyclegan-horse2zebra": ((32, 32, 3), (32, 32, 3)),  # --image-size 32 (default 256)
    "cyclegan-folder": ((32, 32, 3), (32, 32, 3)),  # --image-size 32 (default 256)
}

# Network sizes (`--g-filters`, `--d-filters`, `--residual-blocks`) of the test runs. The image
# presets' own sizes (64 filters, 9 residual blocks: four nets of 11.4M + 2.8M parameters with
# two Adam states) make a ~300 MB `.keras` file and take ~30 s per preset here, so they run
# with thin networks: the same builders, compile and training step. Their full-size shapes and
# parameter counts are tested in test_cyclegan_nets.py. The digit presets run at their own sizes.
CYCLEGAN_SIZES = {
    "cyclegan-digits": {},
    "cyclegan-svhn": {},
    "cyclegan-horse2zebra": {"g_filters": 8, "d_filters": 8, "residual_blocks": 1},
    "cyclegan-folder": {"g_filters": 8, "d_filters": 8, "residual_blocks": 1},
}


def test_every_preset_is_covered():
    assert set(presets.names()) | set(presets.CYCLEGAN_PRESETS) == set(ALL_PRESETS)
    for name in ALL_PRESETS:
        assert presets.get(name).name == name


def _gan_batch(preset, shape, num_classes):
    # wgan-gp cuts its batch into one part per critic update: the smallest is one image each.
    n = presets.WGAN_GP_CRITIC_STEPS if preset.name == "wgan-gp" else 2
    images = make_images(n, shape, seed=1)
    labels = make_labels(n, num_classes) if preset.conditional else None
    return data.from_arrays(images, labels, batch_size=n, shuffle=False, one_hot=preset.conditional,
                            num_classes=num_classes)


def _generator_inputs(generator, n=3, seed=2):
    """Noise shaped as the generator's input; `[noise, one_hot]` for a conditional generator."""
    noise = np.random.default_rng(seed).standard_normal(
        (n, *generator.inputs[0].shape[1:])).astype("float32")
    if len(generator.inputs) == 1:
        return noise
    num_classes = generator.inputs[1].shape[-1]
    return [noise, np.eye(num_classes, dtype="float32")[np.arange(n) % num_classes]]


def _save_and_reload(model, tmp_path, name):
    path = tmp_path / f"{name}.keras"
    model.save(path)
    return keras.models.load_model(path)


@pytest.mark.parametrize("name", presets.names())
def test_gan_preset_trains_a_step_saves_and_reloads(name, tmp_path):
    preset = presets.get(name)
    shape, num_classes = GAN_SHAPES[preset.dataset], 10
    keras.utils.set_random_seed(0)
    model = preset.build(shape, num_classes, seed=0)
    if hasattr(model, "adapt"):  # fast-dcgan clusters its training images first, as train() does
        model.adapt(make_images(64, shape, seed=3))
    preset.compile(model, jit_compile=False)
    history = model.fit(_gan_batch(preset, shape, num_classes), epochs=1, steps_per_epoch=1,
                        verbose=0)
    assert np.isfinite(history.history["d_loss"][-1]) and np.isfinite(history.history["g_loss"][-1])

    reloaded = _save_and_reload(model, tmp_path, name)
    assert type(reloaded) is type(model)
    inputs = _generator_inputs(model.generator)
    expected = keras.ops.convert_to_numpy(model.generator(inputs, training=False))
    assert expected.shape[1:] == shape
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(reloaded.generator(inputs, training=False)), expected,
        rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", list(presets.CYCLEGAN_PRESETS))
def test_cyclegan_preset_trains_a_step_saves_and_reloads(name, tmp_path):
    preset = presets.get(name)
    shape_a, shape_b = CYCLEGAN_SHAPES[name]
    keras.utils.set_random_seed(0)
    model = preset.build(shape_a, shape_b, seed=0, **CYCLEGAN_SIZES[name])
    preset.compile(model, jit_compile=False)
    pairs = data.unpaired(
        data.from_arrays(make_images(2, shape_a, seed=1), batch_size=None, shuffle=False),
        data.from_arrays(make_images(2, shape_b, seed=2), batch_size=None, shuffle=False),
        batch_size=1, seed=0, balance=preset.balance)
    history = model.fit(pairs, epochs=1, steps_per_epoch=1, verbose=0)
    assert np.isfinite(history.history["g_loss"][-1])

    reloaded = _save_and_reload(model, tmp_path, name)
    assert type(reloaded) is type(model)
    for direction, images in (("ab", make_images(2, shape_a, seed=3)),
                              ("ba", make_images(2, shape_b, seed=4))):
        expected = np.asarray(model.translate(images, direction))
        assert expected.shape[1:] == (shape_b if direction == "ab" else shape_a)
        np.testing.assert_allclose(np.asarray(reloaded.translate(images, direction)), expected,
                                   rtol=1e-5, atol=1e-6)

