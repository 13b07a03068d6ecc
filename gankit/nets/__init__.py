"""GAN-family network builders: functions returning `keras.Model`s.

Conventions: a generator takes noise `(batch, latent_dim)` (a conditional one
`[noise, one_hot_labels]`; report 000's conv LSGAN `noise_image_generator` a noise image) and
returns images in [-1, 1]; a discriminator takes images (a conditional one
`[images, one_hot_labels]`) and returns logits. Each builder's docstring names
the seed report it comes from and its parameter count. One file per family, named after its
seed report; the custom Keras layers are in `gankit.nets.layers`, the argument checks and
input blocks the builders share in `gankit.nets.blocks`.

Example:

```python
from gankit import nets

g = nets.dcgan_generator(variant="003", conditional=True)
d = nets.dcgan_discriminator(variant="003", conditional=True)
```
"""

from gankit.nets.compact import compact_discriminator, compact_generator
from gankit.nets.cyclegan import (
    digit_patch_discriminator,
    digit_resnet_generator,
    image_discriminator,
    patch_discriminator,
    patch_output_size,
    patch_receptive_field,
    report000_discriminator,
    report001_discriminator,
    report001_generator,
    resnet_generator,
)
from gankit.nets.dcgan import (
    cgan_discriminator,
    cgan_generator,
    dcgan_discriminator,
    dcgan_generator,
)
from gankit.nets.layers import (
    RandomPatchCrop,
    RandomStrokeWidth,
    ReflectionPadding2D,
    SeedStateMixin,
)
from gankit.nets.lsgan import conv_lsgan_discriminator, noise_image_generator
from gankit.nets.mlp import mlp_discriminator, mlp_generator
from gankit.nets.projection import compact_cgan_generator, projection_discriminator
from gankit.nets.wgan import wgan_critic, wgan_generator

__all__ = [
    "RandomPatchCrop",
    "RandomStrokeWidth",
    "ReflectionPadding2D",
    "SeedStateMixin",
    "cgan_discriminator",
    "cgan_generator",
    "compact_cgan_generator",
    "compact_discriminator",
    "compact_generator",
    "conv_lsgan_discriminator",
    "dcgan_discriminator",
    "dcgan_generator",
    "digit_patch_discriminator",
    "digit_resnet_generator",
    "image_discriminator",
    "mlp_discriminator",
    "mlp_generator",
    "noise_image_generator",
    "patch_discriminator",
    "patch_output_size",
    "patch_receptive_field",
    "projection_discriminator",
    "report000_discriminator",
    "report001_discriminator",
    "report001_generator",
    "resnet_generator",
    "wgan_critic",
    "wgan_generator",
]
