"""Fully connected GAN nets of report 000 (DTU, "Simple vanilla GAN"): one hidden layer of 5000."""

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

__all__ = ["mlp_discriminator", "mlp_generator"]


def mlp_generator(
    latent_dim=100,
    image_shape=(28, 28, 1),
    hidden_units=5000,
    conditional=False,
    num_classes=10,
    name="mlp_generator",
):
    """Fully connected generator of report 000: noise -> Dense(5000, ReLU) -> Dense(tanh) -> image.

    Report 000 (DTU, section 2.1): "a fully connected neural network with one hidden layer and
    5000 neurons. Between each layer are ReLU activations". The noise size is not in the report;
    100 is used. The output layer uses tanh so images are in [-1, 1].

    Parameters: 4,425,784 for the defaults (latent 100, 28x28x1); 4,475,784 conditional.

    Args:
        latent_dim: noise size.
        image_shape: `(height, width, channels)` of the generated images.
        hidden_units: width of the hidden layer.
        conditional: if True the one-hot label is concatenated to the noise and the model takes
            `[noise, one_hot_labels]`.
        num_classes: number of classes when conditional.
        name: model name.

    Returns:
        `keras.Model` mapping `(batch, latent_dim)` noise to `(batch, *image_shape)` in [-1, 1].

    Example:

    ```python
    g = mlp_generator(latent_dim=100)
    images = g(keras.random.normal((16, 100)))
    ```
    """
    image_shape = check_image_shape(image_shape)
    check_positive(hidden_units=hidden_units)
    inputs, x = noise_input(latent_dim, check_conditional(conditional, num_classes))
    x = layers.Dense(hidden_units, activation="relu", name="hidden")(x)
    outputs = dense_to_image(x, image_shape)
    return keras.Model(inputs, outputs, name=name)


def mlp_discriminator(
    image_shape=(28, 28, 1),
    hidden_units=5000,
    negative_slope=0.2,
    dropout=0.3,
    conditional=False,
    num_classes=10,
    name="mlp_discriminator",
):
    """Fully connected discriminator of report 000: image -> Dense(5000) -> LeakyReLU -> Dropout -> logit.

    Report 000 (DTU, section 2.1): one hidden layer of 5000 neurons, "LeakyReLU activations
    (alpha 0.2) and dropout 0.3". Returns a logit (no sigmoid).

    Parameters: 3,930,001 for the defaults (28x28x1); 3,980,001 conditional.

    Args:
        image_shape: `(height, width, channels)` of the input images.
        hidden_units: width of the hidden layer.
        negative_slope: LeakyReLU slope.
        dropout: dropout rate after the hidden layer.
        conditional: if True the one-hot label is concatenated to the flattened image and the
            model takes `[images, one_hot_labels]`.
        num_classes: number of classes when conditional.
        name: model name.

    Returns:
        `keras.Model` mapping images to logits of shape `(batch, 1)`.

    Example:

    ```python
    d = mlp_discriminator()
    logits = d(images)
    ```
    """
    image_shape = check_image_shape(image_shape)
    check_positive(hidden_units=hidden_units)
    num_classes = check_conditional(conditional, num_classes)
    inputs, x = image_input(image_shape, num_classes, label_planes=False)
    x = layers.Dense(hidden_units, name="hidden")(x)
    x = layers.LeakyReLU(negative_slope, name="hidden_lrelu")(x)
    x = layers.Dropout(dropout, name="hidden_dropout")(x)
    outputs = layers.Dense(1, name="logit", dtype=OUTPUT_DTYPE)(x)
    return keras.Model(inputs, outputs, name=name)
