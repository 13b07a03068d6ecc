"""A compact unconditional DCGAN pair: gankit's fast unconditional preset (`fast-dcgan`).

Not from the seed reports: report 003's DCGAN (7x7 and 5x5 kernels, 128 filters) is far from
converged after CPU minutes. These nets are the trunk of `fast-cgan`'s pair
(`gankit.nets.projection`) without the label: G projects the noise to a quarter-size map and
upsamples it with two 4x4 stride-2 transposed convolutions; D is two 4x4 stride-2 convolutions
and one logit, without BatchNorm (so D's score of an image never depends on the rest of the
batch). Both pairs are built from `gankit.nets.blocks`' `project_noise`, `upsampling_head` and
`conv_features`, so both presets train the same trunk.
"""

import keras
from keras import layers

from gankit.nets.blocks import (
    OUTPUT_DTYPE,
    check_image_shape,
    check_positive,
    conv_features,
    noise_input,
    project_noise,
    upsampling_head,
)

__all__ = ["compact_discriminator", "compact_generator"]


def compact_generator(latent_dim=64, image_shape=(28, 28, 1), filters=32, name="compact_generator"):
    """Small unconditional generator: noise -> Dense 7x7x(2f) -> two up-convolutions -> tanh.

    Parameters (defaults, 28x28x1, with BN statistics): 246,657.

    Args:
        latent_dim: noise size.
        image_shape: `(height, width, channels)`, sides divisible by 4.
        filters: `f`, the width of the last hidden layer.
        name: model name.

    Returns:
        `keras.Model` mapping noise `(batch, latent_dim)` to images in [-1, 1].

    Example:

    ```python
    g = compact_generator()
    images = g(keras.random.normal((16, 64)), training=False)
    ```
    """
    height, width, channels = check_image_shape(image_shape, multiple_of=4)
    check_positive(filters=filters)
    noise, x = noise_input(latent_dim)
    x = project_noise(x, (height // 4, width // 4), filters)
    return keras.Model(noise, upsampling_head(x, filters, channels), name=name)


def compact_discriminator(image_shape=(28, 28, 1), filters=32, negative_slope=0.2,
                          name="compact_discriminator"):
    """Small unconditional discriminator: two 4x4 stride-2 convolutions, LeakyReLU, one logit.

    Parameters (defaults, 28x28x1): 36,513.

    Args:
        image_shape: `(height, width, channels)`, sides divisible by 4.
        filters: `f`, the width of the first convolution.
        negative_slope: LeakyReLU slope.
        name: model name.

    Returns:
        `keras.Model` mapping images to logits `(batch, 1)`.

    Example:

    ```python
    d = compact_discriminator()
    logits = d(images)
    ```
    """
    height, width, channels = check_image_shape(image_shape, multiple_of=4)
    check_positive(filters=filters)
    images = keras.Input((height, width, channels), name="images")
    features = conv_features(images, filters, negative_slope)
    logits = layers.Dense(1, name="logit", dtype=OUTPUT_DTYPE)(features)
    return keras.Model(images, logits, name=name)
