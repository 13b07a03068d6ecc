"""A compact conditional DCGAN pair with a projection discriminator: gankit's fast demo preset.

Not from the seed reports: the course's CGANs feed D the label as one-hot image planes
(report 003), which conditions weakly early in training. A projection discriminator
(Miyato & Koyama, "cGANs with Projection Discriminator", 2018) scores
`logit = w . phi(x) + b + <embed(y), phi(x)>`, so every update of D teaches it which class an
image belongs to, and the generator learns the label within the first epoch. Both nets follow
gankit's conventions (G: `[noise, one_hot]` -> tanh images; D: `[images, one_hot]` -> logits)
and train with the ordinary `gankit.ConditionalGAN`.
"""

import keras
from keras import layers

from gankit.nets.blocks import (
    OUTPUT_DTYPE,
    check_conditional,
    check_image_shape,
    check_positive,
    conv_features,
    noise_input,
    project_noise,
    upsampling_head,
)

__all__ = ["compact_cgan_generator", "projection_discriminator"]


def compact_cgan_generator(latent_dim=64, image_shape=(28, 28, 1), num_classes=10, filters=32,
                           label_planes=True, name="compact_cgan_generator"):
    """Small conditional generator: `[noise, one_hot]` -> Dense 7x7x(2f) -> two up-convs -> tanh.

    Noise and one-hot label are concatenated (as in report 003's CGAN) and projected to a
    `(side/4) x (side/4) x 2f` map, then upsampled by two 4x4 stride-2 transposed convolutions
    (`f` filters, then the image channels), with BatchNorm + ReLU after the hidden layers.

    Parameters (defaults, 28x28x1, with BN statistics): 283,137.

    Args:
        latent_dim: noise size.
        image_shape: `(height, width, channels)`, sides divisible by 4.
        num_classes: number of classes.
        filters: `f`, the width of the last hidden layer.
        label_planes: also concatenate the one-hot label as constant planes to the first
            feature map, so the label reaches the convolutions directly.
        name: model name.

    Returns:
        `keras.Model` mapping `[noise, one_hot_labels]` to images in [-1, 1].

    Example:

    ```python
    g = compact_cgan_generator()
    images = g([noise, keras.ops.one_hot(labels, 10)], training=False)
    ```
    """
    height, width, channels = check_image_shape(image_shape, multiple_of=4)
    check_positive(filters=filters)
    inputs, x = noise_input(latent_dim, check_conditional(True, num_classes))
    base = (height // 4, width // 4)
    x = project_noise(x, base, filters)
    if label_planes:
        planes = layers.RepeatVector(base[0] * base[1], name="label_repeat")(inputs[1])
        planes = layers.Reshape((*base, num_classes), name="label_planes")(planes)
        x = layers.Concatenate(name="features_and_labels")([x, planes])
    outputs = upsampling_head(x, filters, channels)
    return keras.Model(inputs, outputs, name=name)


def projection_discriminator(image_shape=(28, 28, 1), num_classes=10, filters=32, negative_slope=0.2,
                             name="projection_discriminator"):
    """Conditional discriminator with a projection head: `[images, one_hot]` -> logits.

    `phi(x)`: Conv 4x4/2 (`f`), LeakyReLU -> Conv 4x4/2 (`2f`), LeakyReLU -> flatten.
    The logit is `Dense(1)(phi) + sum(Dense(no bias)(one_hot) * phi)`: the class embedding's
    inner product with the features. No BatchNorm, so D's score of an image never depends on the
    rest of the batch.

    Parameters (defaults, 28x28x1): 67,873.

    Args:
        image_shape: `(height, width, channels)`, sides divisible by 4.
        num_classes: number of classes.
        filters: `f`, the width of the first convolution.
        negative_slope: LeakyReLU slope.
        name: model name.

    Returns:
        `keras.Model` mapping `[images, one_hot_labels]` to logits `(batch, 1)`.

    Example:

    ```python
    d = projection_discriminator()
    logits = d([images, keras.ops.one_hot(labels, 10)])
    ```
    """
    height, width, channels = check_image_shape(image_shape, multiple_of=4)
    check_positive(filters=filters)
    num_classes = check_conditional(True, num_classes)
    images = keras.Input((height, width, channels), name="images")
    labels = keras.Input((num_classes,), name="labels")
    features = conv_features(images, filters, negative_slope)
    unconditional = layers.Dense(1, name="logit")(features)
    embedded = layers.Dense(features.shape[-1], use_bias=False, name="class_embedding")(labels)
    projection = layers.Dot(axes=1, name="projection")([embedded, features])
    outputs = layers.Add(name="conditional_logit", dtype=OUTPUT_DTYPE)([unconditional, projection])
    return keras.Model([images, labels], outputs, name=name)
