"""The (conditional) WGAN-GP MLP pair of report 002 (IITB lab 08, "CWGAN")."""

import keras
from keras import layers

from gankit.nets.blocks import (
    OUTPUT_DTYPE,
    check_conditional,
    check_image_shape,
    check_positive,
    dense_to_image,
    image_input,
    noise_input,
)

__all__ = ["wgan_critic", "wgan_generator"]


def _check_units(units):
    units = tuple(units)
    if not units:
        raise ValueError("units must list at least one hidden layer width.")
    for i, u in enumerate(units):
        check_positive(**{f"units[{i}]": u})
    return units


def wgan_generator(
    latent_dim=100,
    image_shape=(28, 28, 1),
    units=(256, 512, 1024),
    negative_slope=0.2,
    conditional=False,
    num_classes=10,
    name="wgan_generator",
):
    """MLP generator of report 002's CWGAN: [noise, one-hot] -> 256 -> 512 -> 1024 -> image.

    Report 002 (IITB lab 08, section 1.2): noise of size 100 with the one-hot label appended,
    three Linear + LeakyReLU layers (256, 512, 1024), then a linear layer to 28*28. A tanh is
    added on the output so images are in [-1, 1]. Use `conditional=True` for the report's CWGAN.

    Parameters (latent 100, 28x28x1): unconditional 1,486,352; conditional (10 classes)
    1,488,912.

    Args:
        latent_dim: noise size.
        image_shape: `(height, width, channels)`.
        units: hidden layer widths.
        negative_slope: LeakyReLU slope.
        conditional: if True the model takes `[noise, one_hot_labels]`.
        num_classes: number of classes when conditional.
        name: model name.

    Returns:
        `keras.Model` mapping noise to images in [-1, 1].

    Example:

    ```python
    g = wgan_generator(conditional=True, num_classes=10)
    ```
    """
    image_shape = check_image_shape(image_shape)
    units = _check_units(units)
    inputs, x = noise_input(latent_dim, check_conditional(conditional, num_classes))
    for i, u in enumerate(units, 1):
        x = layers.Dense(u, name=f"dense{i}")(x)
        x = layers.LeakyReLU(negative_slope, name=f"dense{i}_lrelu")(x)
    outputs = dense_to_image(x, image_shape)
    return keras.Model(inputs, outputs, name=name)


def wgan_critic(
    image_shape=(28, 28, 1),
    units=(1024, 512, 256),
    negative_slope=0.2,
    conditional=False,
    num_classes=10,
    name="wgan_critic",
):
    """MLP critic of report 002's CWGAN: [flattened image, one-hot] -> 1024 -> 512 -> 256 -> score.

    Report 002 (IITB lab 08, section 1.2): the 784-pixel image flattened with the one-hot label
    appended, three Linear + LeakyReLU layers (1024, 512, 256) and a linear output. The report
    also has batch norm in the critic; it is left out here because the gradient penalty is
    defined per sample and batch norm mixes the samples of a batch (Gulrajani et al., 2017).

    Parameters (28x28x1): unconditional 1,460,225; conditional (10 classes) 1,470,465.

    Args:
        image_shape: `(height, width, channels)`.
        units: hidden layer widths.
        negative_slope: LeakyReLU slope.
        conditional: if True the model takes `[images, one_hot_labels]`.
        num_classes: number of classes when conditional.
        name: model name.

    Returns:
        `keras.Model` mapping images to raw scores `(batch, 1)`.

    Example:

    ```python
    critic = wgan_critic(conditional=True)
    ```
    """
    image_shape = check_image_shape(image_shape)
    units = _check_units(units)
    num_classes = check_conditional(conditional, num_classes)
    inputs, x = image_input(image_shape, num_classes, label_planes=False)
    for i, u in enumerate(units, 1):
        x = layers.Dense(u, name=f"dense{i}")(x)
        x = layers.LeakyReLU(negative_slope, name=f"dense{i}_lrelu")(x)
    outputs = layers.Dense(1, name="score", dtype=OUTPUT_DTYPE)(x)
    return keras.Model(inputs, outputs, name=name)
