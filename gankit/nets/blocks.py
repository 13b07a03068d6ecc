"""Argument checks and input blocks shared by the GAN-family net builders.

For builder authors: `noise_input` / `image_input` make a builder's `keras.Input`s (with the
one-hot label input of a conditional net), `dense_to_image` its tanh image head, and the
`check_*` functions turn bad arguments into clear `ValueError`s. The custom Keras layers are in
`gankit.nets.layers`.

Every builder gives its last layer `dtype=OUTPUT_DTYPE` (float32): under a mixed-precision
policy (`keras.mixed_precision.set_dtype_policy("mixed_bfloat16")`) the hidden layers compute
in bfloat16 or float16 while the generated images and the logits stay float32, the Keras idiom
that keeps the losses and the public API in float32.
"""

import math

import keras
from keras import layers

from gankit.checks import check_int

OUTPUT_DTYPE = "float32"


def check_image_shape(image_shape, multiple_of=1):
    """Validates `(height, width, channels)` and returns it as a tuple of ints.

    Args:
        image_shape: sequence of three positive ints, channels 1 or 3.
        multiple_of: height and width must be divisible by this (4 for nets that upsample twice).

    Returns:
        `(height, width, channels)`.

    Example:

    >>> check_image_shape((28, 28, 1), multiple_of=4)
    (28, 28, 1)
    """
    try:
        height, width, channels = (int(d) for d in image_shape)
    except (TypeError, ValueError):
        raise ValueError(
            f"image_shape must be (height, width, channels), e.g. (28, 28, 1); got {image_shape!r}."
        ) from None
    if min(height, width) <= 0 or channels not in (1, 3):
        raise ValueError(
            f"image_shape must have positive sides and 1 or 3 channels; got {image_shape!r}."
        )
    if height % multiple_of or width % multiple_of:
        raise ValueError(
            f"This net needs image sides divisible by {multiple_of} (28 and 32 work); "
            f"got {image_shape!r}."
        )
    return height, width, channels


def check_positive(**values):
    """Raises ValueError unless every keyword value is a positive int."""
    for name, value in values.items():
        check_int(name, value)


def check_conditional(conditional, num_classes):
    """Returns `num_classes` when `conditional`, else None (validating it)."""
    if not conditional:
        return None
    check_positive(num_classes=num_classes)
    if num_classes < 2:
        raise ValueError(f"A conditional net needs num_classes >= 2, got {num_classes}.")
    return num_classes


def noise_input(latent_dim, num_classes=None):
    """Generator inputs and the tensor fed to the first layer.

    Args:
        latent_dim: noise size.
        num_classes: if set, a one-hot label input is concatenated to the noise.

    Returns:
        `(inputs, x)`: a list of `keras.Input`s (or a single one) and the concatenated tensor.
    """
    check_positive(latent_dim=latent_dim)
    noise = keras.Input((latent_dim,), name="noise")
    if num_classes is None:
        return noise, noise
    labels = keras.Input((num_classes,), name="labels")
    return [noise, labels], layers.Concatenate(name="noise_and_labels")([noise, labels])


def image_input(image_shape, num_classes=None, label_planes=True):
    """Discriminator inputs and the tensor fed to the first layer.

    Args:
        image_shape: `(height, width, channels)`.
        num_classes: if set, a one-hot label input is added.
        label_planes: True: the one-hot vector becomes `num_classes` constant image planes
            concatenated to the image channels (conv nets, report 003). False: the image is
            flattened and the one-hot vector concatenated to it (MLP nets, report 002).

    Returns:
        `(inputs, x)`.
    """
    height, width, _ = image_shape
    images = keras.Input(image_shape, name="images")
    if num_classes is None:
        x = images if label_planes else layers.Flatten(name="flatten")(images)
        return images, x
    labels = keras.Input((num_classes,), name="labels")
    if label_planes:
        planes = layers.Reshape((1, 1, num_classes), name="label_pixel")(labels)
        planes = layers.UpSampling2D((height, width), name="label_planes")(planes)
        x = layers.Concatenate(name="image_and_label_planes")([images, planes])
    else:
        flat = layers.Flatten(name="flatten")(images)
        x = layers.Concatenate(name="image_and_labels")([flat, labels])
    return [images, labels], x


def dense_to_image(x, image_shape, name="to_image"):
    """Dense layer with tanh reshaped to a float32 image in [-1, 1]."""
    x = layers.Dense(math.prod(image_shape), activation="tanh", name=f"{name}_dense")(x)
    return layers.Reshape(image_shape, name=name, dtype=OUTPUT_DTYPE)(x)


def project_noise(x, base, filters):
    """Dense projection of the (noise) input to a `base` map of `2 * filters` channels, BN, ReLU."""
    x = layers.Dense(base[0] * base[1] * 2 * filters, use_bias=False, name="project")(x)
    x = layers.BatchNormalization(name="project_bn")(x)
    x = layers.ReLU(name="project_relu")(x)
    return layers.Reshape((*base, 2 * filters), name="project_reshape")(x)


def upsampling_head(x, filters, channels):
    """Two 4x4 stride-2 transposed convolutions (`filters`, BN, ReLU; then `channels`) and tanh."""
    x = layers.Conv2DTranspose(filters, 4, strides=2, padding="same", use_bias=False, name="up1")(x)
    x = layers.BatchNormalization(name="up1_bn")(x)
    x = layers.ReLU(name="up1_relu")(x)
    x = layers.Conv2DTranspose(channels, 4, strides=2, padding="same", name="up2")(x)
    return layers.Activation("tanh", name="tanh", dtype=OUTPUT_DTYPE)(x)


def conv_features(images, filters, negative_slope):
    """Conv 4x4/2 (`filters`), LeakyReLU, Conv 4x4/2 (`2 * filters`), LeakyReLU, flatten."""
    x = layers.Conv2D(filters, 4, strides=2, padding="same", name="conv1")(images)
    x = layers.LeakyReLU(negative_slope, name="conv1_lrelu")(x)
    x = layers.Conv2D(2 * filters, 4, strides=2, padding="same", name="conv2")(x)
    x = layers.LeakyReLU(negative_slope, name="conv2_lrelu")(x)
    return layers.Flatten(name="features")(x)
