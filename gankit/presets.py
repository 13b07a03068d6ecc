"""Named, measured training presets: a model, its optimizers and its data settings in one place.

The command line (`gankit train --model NAME`), `make demo` and the benchmarks build their
models here, so a preset means the same thing everywhere. Each entry says which seed report it
follows; numbers in the descriptions were measured on the 2-core CPU this package is developed on.

Example:

```python
import gankit

preset = gankit.presets.get("cgan")
model = preset.build(image_shape=(28, 28, 1), num_classes=10, seed=0)
preset.compile(model)
model.fit(gankit.data.load("mnist", batch_size=preset.batch_size, one_hot=True), epochs=5)
```
"""

import dataclasses

import keras
import numpy as np

from gankit import models, nets
from gankit.images import to_float
from gankit.nets.lsgan import conv_lsgan_discriminator, noise_image_generator
from gankit.nets.projection import compact_cgan_generator, projection_discriminator
from gankit.schedules import linear_decay_to_zero


@dataclasses.dataclass(frozen=True)
class Preset:
    """A named recipe.

    Attributes:
        name: preset name (`gankit train --model NAME`).
        description: what it is and where it comes from.
        conditional: whether the model takes labels.
        batch_size: default batch size of `fit` (`wgan-gp`: critic steps x the critic's batch,
            see `gankit.models.WGANGP`).
        dataset: default dataset.
        builder: `builder(image_shape, num_classes, seed) -> keras.Model` (uncompiled).
        compile_kwargs: `callable() -> dict` of fresh `compile` arguments (new optimizers).
        epochs: default epochs of `gankit train --model NAME` without `--epochs` (None: 5), the
            measured budget of the recipe.
        decay_to_zero: both learning rates fall linearly from the preset's to zero over the
            run's steps (`compile(model, decay_steps=...)`; `gankit train` passes its epochs x
            steps per epoch).
    """

    name: str
    description: str
    conditional: bool
    batch_size: int
    dataset: str
    builder: object
    compile_kwargs: object
    epochs: int = None
    decay_to_zero: bool = False

    def build(self, image_shape=(28, 28, 1), num_classes=10, seed=None):
        """Builds the (uncompiled) model for images of `image_shape`."""
        return self.builder(tuple(image_shape), num_classes, seed)

    def compile(self, model, jit_compile="auto", decay_steps=None, **overrides):
        """Compiles `model` with this preset's optimizers and loss (`overrides` win).

        `jit_compile="auto"` (the default) compiles the training step with XLA when it is
        faster on this machine, timed at the first `fit` (see `gankit.models.xla_choice`).

        Args:
            model: the model of `build`.
            jit_compile: passed to `model.compile`.
            decay_steps: for a preset with `decay_to_zero`, the number of training steps
                (batches) over which both learning rates fall linearly to zero (a
                `keras.optimizers.schedules.PolynomialDecay`, saved with the optimizers, so a
                resumed run continues it); None keeps the rates constant. Ignored by other
                presets.
            **overrides: other `compile` arguments.

        Returns:
            the compiled `model`.
        """
        kwargs = {**self.compile_kwargs(), "jit_compile": jit_compile, **overrides}
        if self.decay_to_zero and decay_steps is not None:
            kwargs["g_optimizer"] = linear_decay_to_zero(kwargs["g_optimizer"], decay_steps)
            kwargs["d_optimizer"] = linear_decay_to_zero(
                kwargs["d_optimizer"], decay_steps * discriminator_updates(model))
        model.compile(**kwargs)
        return model


def discriminator_updates(model):
    """Discriminator (critic) updates per batch of `model`: its `critic_steps` or `d_steps`."""
    return int(getattr(model, "critic_steps", None) or getattr(model, "d_steps", 1))


def _adam(lr, beta_1=0.5, beta_2=0.999):
    return keras.optimizers.Adam(lr, beta_1=beta_1, beta_2=beta_2)


def _pair(lr_d, lr_g, **extra):
    return lambda: {"d_optimizer": _adam(lr_d), "g_optimizer": _adam(lr_g), **extra}


def report_003_cgan_learning_rate():
    """Report 003's CGAN learning rate: exponential decay from 2e-4, a fresh schedule object.

    The report says only "exponentially decaying learning rate starting from 0.0002"; the rate
    and period are those of the code its CGAN was built from (its reference [1],
    tensorflow-MNIST-cGAN-cDCGAN): `exponential_decay(0.0002, step, 500, 0.95, staircase=True)`,
    the step counting batches. Each optimizer counts its own steps (one per batch).

    Returns:
        `keras.optimizers.schedules.ExponentialDecay`.
    """
    return keras.optimizers.schedules.ExponentialDecay(
        2e-4, decay_steps=500, decay_rate=0.95, staircase=True
    )


FAST_CGAN_FILTERS = 48
"""Filters of the `fast-cgan` nets (`compact_cgan_generator`, `projection_discriminator`)."""

FAST_CGAN_EMA = 0.999
"""`ema_momentum` of `fast-cgan`: it generates with a moving average of G's weights."""

FAST_CGAN_EPOCHS = 6
"""Default epochs of `fast-cgan` (its learning rates fall linearly to 0 over them)."""

FAST_CGAN_LEARNING_RATE = 2e-3
"""Initial Adam rate of both `fast-cgan` optimizers, falling linearly to 0 over the run.

Measured against 1e-3 after 6 epochs (`benchmarks/tune_fast_presets.py`, the averaged weights):
conditional accuracy 99.1 % vs 98.8 %, IS 9.78 vs 9.75."""

FAST_CGAN_MODE_SEEKING = 1.0
"""`mode_seeking_weight` of `fast-cgan-ms` (MSGAN's term; `gankit.losses.mode_seeking`)."""

FAST_DCGAN_CLUSTERS = 50
"""k-means clusters of the `fast-dcgan` preset (see `gankit.models.SelfConditionedGAN`)."""

WGAN_GP_CRITIC_BATCH = 128
"""Real images per critic update in the `wgan-gp` preset (report 002's batch size)."""

WGAN_GP_CRITIC_STEPS = 5
"""Critic updates per generator update in the `wgan-gp` preset (WGAN-GP's Algorithm 1)."""



def _fast_cgan_builder(mode_seeking_weight=0.0):
    """The builder of `fast-cgan` (and, with a mode-seeking weight, of `fast-cgan-ms`)."""
    return lambda shape, k, seed: models.ConditionalGAN(
        compact_cgan_generator(image_shape=shape, num_classes=k, filters=FAST_CGAN_FILTERS),
        projection_discriminator(image_shape=shape, num_classes=k, filters=FAST_CGAN_FILTERS),
        num_classes=k, seed=seed, ema_momentum=FAST_CGAN_EMA,
        mode_seeking_weight=mode_seeking_weight)


# compile arguments of `fast-cgan` and `fast-cgan-ms` (fresh optimizers at every call)
_fast_cgan_compile = _pair(FAST_CGAN_LEARNING_RATE, FAST_CGAN_LEARNING_RATE, loss="hinge",
                           steps_per_execution=10)


_PRESETS = [
    Preset(
        "gan", "MLP GAN, one hidden layer of 5000 units (report 000); Adam 2e-4 (the report's 0.02 "
        "diverges here)", False, 64, "mnist",
        lambda shape, k, seed: models.GAN(nets.mlp_generator(image_shape=shape),
                                          nets.mlp_discriminator(image_shape=shape), seed=seed),
        _pair(2e-4, 2e-4)),
    Preset(
        "dcgan", "DCGAN 128/64/32/1 filters, strides 1/2/1/2 (report 003); Adam 2e-4, beta1 0.5, "
        "batch 100", False, 100, "mnist",
        lambda shape, k, seed: models.GAN(nets.dcgan_generator(variant="003", image_shape=shape),
                                          nets.dcgan_discriminator(variant="003", image_shape=shape),
                                          seed=seed),
        _pair(2e-4, 2e-4)),
    Preset(
        "lsgan", "DCGAN of report 002 trained with the least-squares loss (report 000's LSGAN)",
        False, 64, "mnist",
        lambda shape, k, seed: models.GAN(nets.dcgan_generator(variant="002", image_shape=shape),
                                          nets.dcgan_discriminator(variant="002", image_shape=shape),
                                          seed=seed),
        _pair(2e-4, 2e-4, loss="lsgan")),
    Preset(
        "cgan", "conditional DCGAN of report 003, twice the filters, one-sided label smoothing 0.1 "
        "(its best row of Table 1); Adam(beta1 0.5) with the report's exponentially decaying "
        "learning rate from 2e-4 (x0.95 every 500 batches, staircase, as in the code the report "
        "built on), batch 100", True, 100, "mnist",
        lambda shape, k, seed: models.ConditionalGAN(
            nets.cgan_generator(image_shape=shape, num_classes=k, filters=128),
            nets.cgan_discriminator(image_shape=shape, num_classes=k, filters=64),
            num_classes=k, seed=seed),
        lambda: {"d_optimizer": _adam(report_003_cgan_learning_rate()),
                 "g_optimizer": _adam(report_003_cgan_learning_rate()),
                 "label_smoothing": 0.1}),
    Preset(
        "fast-cgan", "compact conditional DCGAN (label as noise input and feature planes, "
        f"{FAST_CGAN_FILTERS} filters) with a projection discriminator, hinge loss, Adam "
        f"{FAST_CGAN_LEARNING_RATE:g} "
        "falling linearly to 0 over the run, samples from a moving average of G's weights "
        f"(momentum {FAST_CGAN_EMA}): gankit's CPU demo preset; conditional accuracy 99.0 %, "
        f"Inception Score 9.76 after its {FAST_CGAN_EPOCHS} epochs (4.3 min on a 2-core CPU; "
        "benchmarks/tune_fast_presets.py, benchmarks/fast_presets.py)",
        True, 64, "mnist",
        _fast_cgan_builder(),
        _fast_cgan_compile, epochs=FAST_CGAN_EPOCHS, decay_to_zero=True),
    Preset(
        "fast-cgan-ms", "fast-cgan with MSGAN's mode-seeking term (Mao et al. 2019) in G's loss, "
        f"weight {FAST_CGAN_MODE_SEEKING:g}: more varied digits at some cost in conditional "
        "accuracy (95.3 % vs 99.0 %), the generator of the retraining study: a LeNet trained "
        "on 55k of its digits alone (report 003's recipe, 30 epochs) scores 97.0 % on real ones "
        "vs 96.6 % (report 003, Table 3; benchmarks/report003_table3_marks.py; 6.8 min on a "
        "2-core CPU)",
        True, 64, "mnist",
        _fast_cgan_builder(mode_seeking_weight=FAST_CGAN_MODE_SEEKING),
        _fast_cgan_compile, epochs=FAST_CGAN_EPOCHS, decay_to_zero=True),
    Preset(
        "fast-dcgan", "gankit's fast unconditional preset: the fast-cgan nets steered by "
        f"{FAST_DCGAN_CLUSTERS} k-means clusters of the training pixels instead of labels (a "
        "self-conditioned GAN, Liu et al. 2020; no label is used), hinge loss, Adam 1e-3; "
        "Inception Score 9.15 +- 0.05 after its 6 epochs (2.9 min on a 2-core CPU; "
        "benchmarks/tune_fast_presets.py, benchmarks/fast_presets.py)", False, 64, "mnist",
        lambda shape, k, seed: models.SelfConditionedGAN(
            compact_cgan_generator(image_shape=shape, num_classes=FAST_DCGAN_CLUSTERS, filters=32),
            projection_discriminator(image_shape=shape, num_classes=FAST_DCGAN_CLUSTERS,
                                     filters=32),
            seed=seed),
        _pair(1e-3, 1e-3, loss="hinge", steps_per_execution=10), epochs=6),
    Preset(
        "wgan-gp", "conditional WGAN-GP, MLP 256-512-1024 (report 002, Fashion-MNIST): critic "
        f"batches of {WGAN_GP_CRITIC_BATCH} (the report's batch size), {WGAN_GP_CRITIC_STEPS} critic "
        "steps per generator step, gradient penalty 10, Adam 1e-4 (beta1 0, beta2 0.9), the "
        "WGAN-GP paper's Algorithm 1 (the report gives no critic steps or Adam settings); "
        f"fit batches of {WGAN_GP_CRITIC_STEPS} x {WGAN_GP_CRITIC_BATCH}, one part per critic "
        "update", True, WGAN_GP_CRITIC_STEPS * WGAN_GP_CRITIC_BATCH, "fashion_mnist",
        lambda shape, k, seed: models.WGANGP(
            nets.wgan_generator(image_shape=shape, conditional=True, num_classes=k),
            nets.wgan_critic(image_shape=shape, conditional=True, num_classes=k),
            num_classes=k, critic_steps=WGAN_GP_CRITIC_STEPS, gp_weight=10.0, seed=seed),
        lambda: {"d_optimizer": _adam(1e-4, 0.0, 0.9), "g_optimizer": _adam(1e-4, 0.0, 0.9)}),
]

PRESETS = {p.name: p for p in _PRESETS}

# Report 000's conv LSGAN (Section 4, "MNIST revised"): its CycleGAN networks as a GAN.
PRESETS["conv-lsgan"] = Preset(
    "conv-lsgan", "report 000's conv LSGAN: its CycleGAN ResNet generator (9 residual blocks) fed "
    "a 28x28x1 noise image, its 5-conv instance-norm discriminator, least squares a=0 b=1 c=1, "
    "batch 64; Adam 2e-4, beta1 0.5 (lecture 004)", False, 64, "mnist",
    lambda shape, k, seed: models.GAN(noise_image_generator(image_shape=shape),
                                      conv_lsgan_discriminator(image_shape=shape), seed=seed),
    _pair(2e-4, 2e-4, loss="lsgan"))


@dataclasses.dataclass
class Domains:
    """The two image domains of a CycleGAN run.

    Attributes:
        train_a: unbatched, finite `tf.data.Dataset` of domain A images in [-1, 1].
        train_b: the same for domain B.
        test_a: a few fixed float32 images of domain A, for translation panels.
        test_b: the same for domain B.
        names: display names of the domains, e.g. `("horse", "zebra")`.
        description: where the images came from (written to `metrics.json`).
    """

    train_a: object
    train_b: object
    test_a: object
    test_b: object
    names: tuple
    description: str

    @property
    def shape_a(self):
        return tuple(int(d) for d in self.train_a.element_spec.shape)

    @property
    def shape_b(self):
        return tuple(int(d) for d in self.train_b.element_spec.shape)


@dataclasses.dataclass(frozen=True)
class CycleGANPreset:
    """A named CycleGAN recipe: its data, networks, weights and optimizers.

    Attributes:
        name: preset name (`gankit train --model NAME`).
        description: what it is and where it comes from.
        batch_size: default batch size.
        dataset: what it trains on, in words.
        domains: `domains(data_a, data_b, image_size, limit, seed) -> Domains`.
        builder: `builder(shape_a, shape_b, seed, sizes) -> CycleGAN` (uncompiled); `sizes`
            is a dict of optional `g_filters`, `d_filters`, `residual_blocks`.
        compile_kwargs: `callable() -> dict` of fresh `compile` arguments.
        balance: cut both domains to the smaller one (report 000 did for horse2zebra).
        epochs: default epochs of `gankit train` (None: 5), the measured budget of the recipe.
        limit: default training images per domain (None: all).
        lr_decay: hold the learning rate for the first half of the epochs, then decay it
            linearly towards zero (`gankit.callbacks.LinearDecay`, the paper's 100 + 100
            epochs scaled to the run).
    """

    name: str
    description: str
    batch_size: int
    dataset: str
    domains: object
    builder: object
    compile_kwargs: object
    balance: bool = False
    epochs: int = None
    limit: int = None
    lr_decay: bool = False
    conditional = False

    def load_domains(self, data_a=None, data_b=None, image_size=None, limit=None, seed=0):
        """The training and panel images (see `Domains`)."""
        return self.domains(data_a, data_b, image_size, limit, seed)

    def build(self, shape_a, shape_b, seed=None, **sizes):
        """Builds the (uncompiled) CycleGAN; `sizes`: `g_filters`, `d_filters`,
        `residual_blocks` (None keeps the preset's)."""
        return self.builder(tuple(shape_a), tuple(shape_b), seed,
                            {k: v for k, v in sizes.items() if v is not None})

    def compile(self, model, jit_compile="auto", **overrides):
        """Compiles `model` with this preset's optimizers and loss (`overrides` win).

        `jit_compile="auto"` (the default) compiles the training step with XLA when it is
        faster on this machine, timed at the first `fit` (see `gankit.models.xla_choice`).
        """
        model.compile(**{**self.compile_kwargs(), "jit_compile": jit_compile, **overrides})
        return model


def _cyclegan_compile():
    # Lecture 004 and Zhu et al.: Adam(2e-4, beta_1=0.5), least squares loss.
    return {"g_optimizer": _adam(2e-4), "d_optimizer": _adam(2e-4), "loss": "lsgan"}


def _float_images(images):
    return to_float(images)


def _digits_domains(data_a, data_b, image_size, limit, seed):
    from gankit import data

    _no_folders("cyclegan-digits", data_a, data_b, image_size)
    mnist, _ = data.load_arrays("mnist", "train")
    colored, _ = data.load_arrays("colored_mnist", "train")
    n = min(limit or len(mnist) // 2, len(mnist) // 2)
    # Unpaired on purpose: A uses digits [0, n), B the colored digits [n, 2n). MNIST is
    # repeated to 3 channels (gray RGB), the shape of colored MNIST, so the identity loss is on.
    return Domains(
        data.from_arrays(mnist[:n], batch_size=None, shuffle=False, channels=3),
        data.from_arrays(colored[n:2 * n], batch_size=None, shuffle=False),
        np.repeat(_float_images(data.load_arrays("mnist", "test")[0][:8]), 3, axis=-1),
        _float_images(data.load_arrays("colored_mnist", "test")[0][8:16]),
        ("mnist", "colored"), f"mnist (as 28x28x3) <-> colored_mnist, {n} images each")


def _svhn_domains(data_a, data_b, image_size, limit, seed):
    from gankit import data

    _no_folders("cyclegan-svhn", data_a, data_b, image_size)
    digits = data.load("mnist", batch_size=None, pad_to=32, channels=3, limit=limit,
                       shuffle=False).map(lambda x, y: x)
    svhn = data.load("svhn", batch_size=None, limit=limit, shuffle=False).map(lambda x, y: x)
    test_a = next(iter(data.load("mnist", "test", batch_size=8, pad_to=32, channels=3)))[0]
    test_b = next(iter(data.load("svhn", "test", batch_size=8)))[0]
    return Domains(digits, svhn, test_a.numpy(), test_b.numpy(), ("mnist", "svhn"),
                   "mnist (padded to 32x32x3) <-> svhn")


def _no_folders(name, data_a, data_b, image_size):
    if data_a or data_b or image_size:
        raise ValueError(f"{name} trains on its own datasets: --data-a, --data-b and "
                         "--image-size are for cyclegan-folder and cyclegan-horse2zebra.")


def _jittered(ds, size, seed):
    """CycleGAN's jitter: resize to 286/256 of `size`, random `size` crop, random flip."""
    from gankit.data import jitter_dataset

    return jitter_dataset(ds, crop_size=size, resize_to=round(size * 286 / 256), seed=seed)


def _folder_pair(train_a, train_b, test_a, test_b, size, limit, seed, names):
    from gankit import data

    domains = []
    for folder in (train_a, train_b):
        ds = data.image_folder(folder, image_size=size, shuffle=False, cache=True)
        if limit:
            ds = ds.take(limit)
        domains.append(_jittered(ds, size, seed))
    tests = [_float_images(data.read_folder_arrays(f, (size, size))[0][:8]) for f in (test_a, test_b)]
    return Domains(*domains, *tests, names, f"folders {train_a} <-> {train_b} at {size}x{size}")


def _folder_domains(data_a, data_b, image_size, limit, seed):
    if not data_a or not data_b:
        raise ValueError("cyclegan-folder needs --data-a DIR and --data-b DIR (folders of images "
                         "of the two domains, e.g. horse2zebra/trainA and trainB).")
    return _folder_pair(data_a, data_b, data_a, data_b, image_size or 256, limit, seed,
                        ("A", "B"))


def _horse2zebra_domains(data_a, data_b, image_size, limit, seed):
    from pathlib import Path

    from gankit import data

    size = image_size or 256
    if data_a or data_b:
        return _folder_domains(data_a, data_b, size, limit, seed)
    located = data.locate("horse2zebra")  # DatasetNotFoundError lists where it looked
    names = ("horse", "zebra")
    if located.source.read is None:  # a horse2zebra folder
        root = Path(located.found)
        return _folder_pair(root / "trainA", root / "trainB", root / "testA", root / "testB",
                            size, limit, seed, names)
    domains, tests = [], []
    for split in ("trainA", "trainB"):
        images = data.load_arrays("horse2zebra", split)[0][:limit]
        domains.append(_jittered(data.from_arrays(images, batch_size=None, shuffle=False), size,
                                 seed))
    for split in ("testA", "testB"):
        images = _float_images(data.load_arrays("horse2zebra", split)[0][:8])
        tests.append(np.asarray(_resize(images, size)))
    return Domains(*domains, *tests, names,
                   f"horse2zebra ({located.source.where}) at {size}x{size}")


def _resize(images, size):
    from keras import ops

    if images.shape[1:3] == (size, size):
        return images
    return ops.convert_to_numpy(ops.image.resize(images, (size, size)))


DIGITS_BATCH = 4
"""Batch size of the digit presets: more updates per CPU second than 16 (measured)."""

DIGITS_LIMIT = 5000
"""Training images per domain of the digit presets."""

DIGITS_EPOCHS = 8
"""Epochs of the digit presets."""

DIGITS_LAMBDA_CYCLE_B = 1.0
"""`lambda_cycle_b` of the digit presets (gankit's tuning, `benchmarks/tune_cyclegan_digits.py`):
the B -> A -> B cycle at a tenth of `lambda_cycle`, so the MNIST generator need not hide the
colored image's photo background in its digit."""


def report001_digits_builder(discriminator="patch", crop_size=None):
    """The builder of the digit presets: report 001's networks with the chosen discriminator.

    Generators: `gankit.nets.report001_generator` (`residual_blocks`, default 2; report 001's
    Section 5.3 compares 2, 6 and 9). Discriminators (its Section 4.2): `"patch"`,
    `report001_discriminator` (a 6x6 map of logits on 28x28 images); `"whole"`,
    `gankit.nets.image_discriminator` (one logit from the whole image, the report's
    "vanilla" discriminator); `"crop"`, `report001_discriminator` judging one random
    `crop_size` patch per image (8 for MNIST, 9 for SVHN).

    Args:
        discriminator: `"patch"`, `"whole"` or `"crop"`.
        crop_size: side of the random crop (`"crop"` only).

    Returns:
        `builder(shape_a, shape_b, seed, sizes) -> CycleGAN`, as `CycleGANPreset.builder`.

    Raises:
        ValueError: an unknown `discriminator`, or `crop_size` missing for `"crop"`.

    Example:

    ```python
    import dataclasses
    preset = gankit.presets.get("cyclegan-digits")
    crop8 = dataclasses.replace(preset, builder=report001_digits_builder("crop", crop_size=8))
    model = crop8.build((28, 28, 3), (28, 28, 3), seed=0, residual_blocks=6)
    ```
    """
    if discriminator not in ("patch", "whole", "crop"):
        raise ValueError(f"discriminator must be 'patch', 'whole' or 'crop', got {discriminator!r}")
    if (discriminator == "crop") != (crop_size is not None):
        raise ValueError("crop_size goes with discriminator='crop' (and only with it)")

    def judge(shape, d, crop_seed):
        if discriminator == "whole":
            return nets.image_discriminator(shape, filters=d)
        return nets.report001_discriminator(shape, filters=d, crop_size=crop_size,
                                            crop_seed=crop_seed)

    def build(shape_a, shape_b, seed, sizes):
        g, d = sizes.get("g_filters", 32), sizes.get("d_filters", 64)
        blocks = sizes.get("residual_blocks", 2)
        seeds = (None, None) if seed is None else (seed, seed + 1)
        return models.CycleGAN(
            nets.report001_generator(shape_a, output_channels=shape_b[-1], filters=g,
                                     num_residual_blocks=blocks),
            nets.report001_generator(shape_b, output_channels=shape_a[-1], filters=g,
                                     num_residual_blocks=blocks),
            judge(shape_a, d, seeds[0]), judge(shape_b, d, seeds[1]),
            lambda_identity=0.0 if shape_a != shape_b else 0.5,
            lambda_cycle_b=DIGITS_LAMBDA_CYCLE_B, seed=seed)

    return build


def _image_cyclegan(shape_a, shape_b, seed, sizes):
    g, d = sizes.get("g_filters", 64), sizes.get("d_filters", 64)
    blocks = sizes.get("residual_blocks", 9)
    return models.CycleGAN(
        nets.resnet_generator(shape_a, num_residual_blocks=blocks, filters=g),
        nets.resnet_generator(shape_b, num_residual_blocks=blocks, filters=g),
        nets.report000_discriminator(shape_a, filters=d),
        nets.report000_discriminator(shape_b, filters=d),
        lambda_cycle=10.0, lambda_identity=0.5, seed=seed)


_IMAGE_RECIPE = ("report 000's LSGAN CycleGAN: ResNet generators with 9 residual blocks (64 "
                 "filters), its 5-conv instance-norm discriminators, lambda_cycle 10, identity "
                 "0.5, history pools of 50, Adam 2e-4 beta1 0.5, batch 1, random jitter "
                 "286 -> 256 and flips (lecture 004)")

CYCLEGAN_PRESETS = {p.name: p for p in [
    CycleGANPreset(
        "cyclegan-digits", "report 001's MNIST <-> colored MNIST CycleGAN: its generator (2 "
        "convs, 2 residual blocks, 2 deconvs, 32 filters) and 3-conv reflection-padded "
        "discriminator (64 filters), LSGAN, lambda_cycle 10, Adam 2e-4 beta1 0.5; gankit's "
        f"tuning: MNIST repeated to 3 channels so the identity loss (0.5) is on, the B -> A -> B "
        f"cycle weighted {DIGITS_LAMBDA_CYCLE_B:g} (the reference code's lambda_B), batch "
        f"{DIGITS_BATCH}, {DIGITS_LIMIT} images per domain, {DIGITS_EPOCHS} epochs with the "
        "learning rate decayed linearly to zero over the second half; keeps the label of 92.6-95.6 % "
        "of MNIST test digits translated to colored and 79.4-83.3 % the other way (two runs; "
        "target LeNets; "
        "benchmarks/tune_cyclegan_digits.py, benchmarks/report001_digits.py)", DIGITS_BATCH,
        "mnist <-> colored_mnist", _digits_domains, report001_digits_builder("patch"),
        _cyclegan_compile, epochs=DIGITS_EPOCHS, limit=DIGITS_LIMIT, lr_decay=True),
    CycleGANPreset(
        "cyclegan-svhn", "report 001's MNIST <-> SVHN CycleGAN: MNIST padded to 32x32 and "
        "repeated to 3 channels so the identity loss (0.5) can be on; the networks, weights "
        "and schedule of cyclegan-digits (not measured on SVHN, which needs a download)",
        DIGITS_BATCH, "mnist (32x32x3) <-> svhn", _svhn_domains,
        report001_digits_builder("patch"), _cyclegan_compile, epochs=DIGITS_EPOCHS,
        limit=DIGITS_LIMIT, lr_decay=True),
    CycleGANPreset(
        "cyclegan-horse2zebra", f"{_IMAGE_RECIPE}; horse2zebra from $GANKIT_DATA_DIR, the Keras "
        "cache or tfds, both domains cut to the smaller one (report 000)", 1, "horse2zebra",
        _horse2zebra_domains, _image_cyclegan, _cyclegan_compile, balance=True),
    CycleGANPreset(
        "cyclegan-folder", f"{_IMAGE_RECIPE}; on two image folders --data-a DIR --data-b DIR",
        1, "two image folders", _folder_domains, _image_cyclegan, _cyclegan_compile),
]}


def get(name):
    """The `Preset` (or `CycleGANPreset`) called `name`; `ValueError` listing
    the valid names otherwise."""
    if name in CYCLEGAN_PRESETS:
        return CYCLEGAN_PRESETS[name]
    if name not in PRESETS:
        valid = ", ".join([*PRESETS, *CYCLEGAN_PRESETS])
        raise ValueError(f"unknown model preset {name!r}; valid presets: {valid}")
    return PRESETS[name]


def resolve(preset):
    """`preset` itself if it is a `Preset` or `CycleGANPreset`, else `get(preset)`."""
    if isinstance(preset, (Preset, CycleGANPreset)):
        return preset
    return get(preset)


def names():
    """GAN preset names (noise to image), in the order they are documented; the CycleGAN
    presets are the keys of `CYCLEGAN_PRESETS`."""
    return list(PRESETS)
