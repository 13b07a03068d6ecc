"""Named, measured training presets: a model, its optimizers and its data settings in one place.

The command line (``gankit train --model NAME``), ``make demo`` and the benchmarks build their
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

from gankit import models, nets
from gankit.nets.projection import compact_cgan_generator, projection_discriminator


@dataclasses.dataclass(frozen=True)
class Preset:
    """A named recipe.

    Attributes:
        name: preset name (``gankit train --model NAME``).
        description: what it is and where it comes from.
        conditional: whether the model takes labels.
        batch_size: default batch size of `fit` (`wgan-gp`: critic steps x the critic's batch,
            see `gankit.models.WGANGP`).
        dataset: default dataset.
        builder: ``builder(image_shape, num_classes, seed) -> keras.Model`` (uncompiled).
        compile_kwargs: ``callable() -> dict`` of fresh ``compile`` arguments (new optimizers).
    """

    name: str
    description: str
    conditional: bool
    batch_size: int
    dataset: str
    builder: object
    compile_kwargs: object

    def build(self, image_shape=(28, 28, 1), num_classes=10, seed=None):
        """Builds the (uncompiled) model for images of ``image_shape``."""
        return self.builder(tuple(image_shape), num_classes, seed)

    def compile(self, model, jit_compile=True, **overrides):
        """Compiles ``model`` with this preset's optimizers and loss (``overrides`` win)."""
        kwargs = {**self.compile_kwargs(), "jit_compile": jit_compile, **overrides}
        model.compile(**kwargs)
        return model


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


WGAN_GP_CRITIC_BATCH = 128
"""Real images per critic update in the `wgan-gp` preset (report 002's batch size)."""

WGAN_GP_CRITIC_STEPS = 5
"""Critic updates per generator update in the `wgan-gp` preset (WGAN-GP's Algorithm 1)."""


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
        "fast-cgan", "compact conditional DCGAN (label as noise input and feature planes) with a "
        "projection discriminator, hinge loss, Adam 1e-3: gankit's CPU demo preset, measured "
        "with benchmarks/tune_demo_cgan.py (95% conditional accuracy after ~1,300 steps)",
        True, 64, "mnist",
        lambda shape, k, seed: models.ConditionalGAN(
            compact_cgan_generator(image_shape=shape, num_classes=k, filters=32),
            projection_discriminator(image_shape=shape, num_classes=k, filters=32),
            num_classes=k, seed=seed),
        _pair(1e-3, 1e-3, loss="hinge", steps_per_execution=10)),
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


def get(name):
    """The :class:`Preset` called ``name``; ``ValueError`` listing the valid names otherwise."""
    if name not in PRESETS:
        raise ValueError(f"unknown model preset {name!r}; valid presets: {', '.join(PRESETS)}")
    return PRESETS[name]


def names():
    """Preset names, in the order they are documented."""
    return list(PRESETS)
