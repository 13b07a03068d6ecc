"""Convolutional GAN nets for 28/32-pixel images: the DCGANs of reports 002 and 003 and the CGAN of 003."""

import keras
from keras import layers

from gankit.checks import check_int
from gankit.nets.blocks import (
    OUTPUT_DTYPE,
    check_conditional,
    check_image_shape,
    check_positive,
    image_input,
    noise_input,
)

__all__ = ["cgan_discriminator", "cgan_generator", "dcgan_discriminator", "dcgan_generator"]

VARIANTS = ("002", "003")


def _check_variant(variant):
    variant = str(variant)
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS} (the seed report), got {variant!r}.")
    return variant


def _check_dropout(rate):
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0.0 <= rate < 1.0:
        raise ValueError(f"dropout must be a rate in [0, 1), got {rate!r}.")
    return float(rate)


def _check_kernel_size(kernel_size):
    return check_int("kernel_size", kernel_size)


def _bn_act(x, name, act="lrelu", negative_slope=0.2):
    x = layers.BatchNormalization(name=f"{name}_bn")(x)
    if act == "relu":
        return layers.ReLU(name=f"{name}_relu")(x)
    return layers.LeakyReLU(negative_slope, name=f"{name}_lrelu")(x)


def _noise_to_pixel(x, name="noise_pixel"):
    """(batch, n) -> (batch, 1, 1, n): a 1x1 'image' for a transposed conv to grow from."""
    return layers.Reshape((1, 1, x.shape[-1]), name=name)(x)


def dcgan_generator(
    latent_dim=100,
    image_shape=(28, 28, 1),
    filters=None,
    variant="002",
    conditional=False,
    num_classes=10,
    name="dcgan_generator",
):
    """DCGAN generator for 28x28 (or 32x32) images, after report 002 or report 003.

    variant="002" (IITB lab 08, section 1.2): noise -> Dense(256 * 7 * 7) -> reshape 7x7x256 ->
    [Conv 3x3 (256), BN, LeakyReLU] -> [ConvTranspose 4x4/2 (128), BN, LeakyReLU] ->
    ConvTranspose 4x4/2 (channels) -> tanh. The report gives the layer order but not the kernel
    sizes; 3x3 and 4x4 are chosen here. `filters` = 256 (the dense block's channels; the first
    up-conv has `filters // 2`).

    variant="003" (Imperial coursework, section 1): noise as a 1x1 pixel -> ConvTranspose
    7x7/1 valid (128) -> 5x5/2 (64) -> 5x5/1 (32) -> 5x5/2 (channels), each hidden layer followed
    by BN and ReLU, tanh output. `filters` = 128 (then 64 and 32). For 32-pixel images the first
    kernel is 8x8 (it sets the base size, side / 4).

    Parameters (`count_params()`, with BN statistics; defaults, latent 100, 28x28x1):
    "002": 2,384,641; "003": 884,897. Conditional (10 classes): "002": 2,510,081;
    "003": 947,617.

    Args:
        latent_dim: noise size.
        image_shape: `(height, width, channels)`; sides divisible by 4 (28 and 32 work).
        filters: width of the first hidden block (None: 256 for "002", 128 for "003").
        variant: `"002"` or `"003"`, the seed report.
        conditional: if True the model takes `[noise, one_hot_labels]`, the one-hot label
            concatenated to the noise.
        num_classes: number of classes when conditional.
        name: model name.

    Returns:
        `keras.Model` mapping noise `(batch, latent_dim)` to images in [-1, 1].

    Example:

    ```python
    g = dcgan_generator(variant="003", image_shape=(32, 32, 3))
    ```
    """
    variant = _check_variant(variant)
    height, width, channels = check_image_shape(image_shape, multiple_of=4)
    filters = filters if filters is not None else (256 if variant == "002" else 128)
    check_positive(filters=filters)
    inputs, x = noise_input(latent_dim, check_conditional(conditional, num_classes))
    base = (height // 4, width // 4)
    if variant == "002":
        x = layers.Dense(base[0] * base[1] * filters, name="project")(x)
        x = layers.Reshape((*base, filters), name="project_reshape")(x)
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name="conv")(x)
        x = _bn_act(x, "conv")
        x = layers.Conv2DTranspose(
            max(filters // 2, 1), 4, strides=2, padding="same", use_bias=False, name="up1"
        )(x)
        x = _bn_act(x, "up1")
        x = layers.Conv2DTranspose(channels, 4, strides=2, padding="same", name="up2")(x)
    else:
        widths = (filters, max(filters // 2, 1), max(filters // 4, 1))
        x = _noise_to_pixel(x)
        x = layers.Conv2DTranspose(widths[0], base, padding="valid", use_bias=False, name="up1")(x)
        x = _bn_act(x, "up1", act="relu")
        x = layers.Conv2DTranspose(
            widths[1], 5, strides=2, padding="same", use_bias=False, name="up2"
        )(x)
        x = _bn_act(x, "up2", act="relu")
        x = layers.Conv2DTranspose(widths[2], 5, padding="same", use_bias=False, name="up3")(x)
        x = _bn_act(x, "up3", act="relu")
        x = layers.Conv2DTranspose(channels, 5, strides=2, padding="same", name="up4")(x)
    outputs = layers.Activation("tanh", name="tanh", dtype=OUTPUT_DTYPE)(x)
    return keras.Model(inputs, outputs, name=name)


def dcgan_discriminator(
    image_shape=(28, 28, 1),
    filters=None,
    variant="002",
    negative_slope=0.2,
    dropout=None,
    conditional=False,
    num_classes=10,
    name="dcgan_discriminator",
):
    """DCGAN discriminator for 28x28 (or 32x32) images, after report 002 or report 003. Returns logits.

    variant="002" (IITB lab 08, section 1.2): "two 2D convolutional layers with LeakyReLU and a
    2D Batchnormalization layer, followed by a Linear layer": Conv 4x4/2 (64), LeakyReLU ->
    Conv 4x4/2 (128), BN, LeakyReLU -> Flatten -> Dense(1). `filters` = 64. The report has no
    dropout; `dropout > 0` adds a Dropout layer before the Dense output (an option, not the
    report's net).

    variant="003" (Imperial coursework, section 1): the generator reversed: Conv 5x5/2 (32),
    LeakyReLU 0.2 (no BN on the first layer) -> 5x5/2 (64), BN, LeakyReLU -> 5x5/1 (128), BN,
    LeakyReLU -> Dropout 0.3 -> Conv 7x7/1 valid (1) -> logit. `filters` = 32 (then 64, 128).
    For 32-pixel images the last kernel is 8x8 (side / 4).

    Conditional: the one-hot label becomes `num_classes` constant planes concatenated to the
    image channels (report 003's "one hot image set").

    Parameters (`count_params()`, with BN statistics; defaults, 28x28x1): "002": 138,945;
    "003": 263,873. Conditional (10 classes): "002": 149,185; "003": 271,873.

    Args:
        image_shape: `(height, width, channels)`; sides divisible by 4 (28 and 32 work).
        filters: width of the first conv (None: 64 for "002", 32 for "003").
        variant: `"002"` or `"003"`, the seed report.
        negative_slope: LeakyReLU slope.
        dropout: rate of the Dropout layer before the output layer, in [0, 1). None: the
            report's value (0.3 for "003", no dropout for "002"); 0 removes the layer.
        conditional: if True the model takes `[images, one_hot_labels]`.
        num_classes: number of classes when conditional.
        name: model name.

    Returns:
        `keras.Model` mapping images to logits of shape `(batch, 1)`.

    Example:

    ```python
    d = dcgan_discriminator(variant="003", conditional=True)
    logits = d([images, one_hot_labels])
    ```
    """
    variant = _check_variant(variant)
    height, width, channels = check_image_shape(image_shape, multiple_of=4)
    filters = filters if filters is not None else (64 if variant == "002" else 32)
    check_positive(filters=filters)
    dropout = _check_dropout(dropout if dropout is not None else (0.0 if variant == "002" else 0.3))
    num_classes = check_conditional(conditional, num_classes)
    inputs, x = image_input((height, width, channels), num_classes, label_planes=True)
    if variant == "002":
        x = layers.Conv2D(filters, 4, strides=2, padding="same", name="conv1")(x)
        x = layers.LeakyReLU(negative_slope, name="conv1_lrelu")(x)
        x = layers.Conv2D(2 * filters, 4, strides=2, padding="same", use_bias=False, name="conv2")(x)
        x = _bn_act(x, "conv2", negative_slope=negative_slope)
        x = layers.Flatten(name="flatten")(x)
        if dropout:
            x = layers.Dropout(dropout, name="dropout")(x)
        x = layers.Dense(1, name="logit", dtype=OUTPUT_DTYPE)(x)
    else:
        x = layers.Conv2D(filters, 5, strides=2, padding="same", name="conv1")(x)
        x = layers.LeakyReLU(negative_slope, name="conv1_lrelu")(x)
        x = layers.Conv2D(2 * filters, 5, strides=2, padding="same", use_bias=False, name="conv2")(x)
        x = _bn_act(x, "conv2", negative_slope=negative_slope)
        x = layers.Conv2D(4 * filters, 5, padding="same", use_bias=False, name="conv3")(x)
        x = _bn_act(x, "conv3", negative_slope=negative_slope)
        if dropout:
            x = layers.Dropout(dropout, name="dropout")(x)
        x = layers.Conv2D(1, (height // 4, width // 4), padding="valid", name="conv4")(x)
        x = layers.Flatten(name="logit", dtype=OUTPUT_DTYPE)(x)
    return keras.Model(inputs, x, name=name)


TABLE_1_CGAN = {
    "Base": ({}, {}),
    "Base + OSLS": ({}, {}),
    "Base + OSLS + Extra layer": ({"extra_layer": True}, {"extra_layer": True}),
    "Base + 2*num_filters + OSLS": ({"filters": 128}, {"filters": 64}),
    "Base + filter size of 4x4 + OSLS": ({"kernel_size": 4}, {"kernel_size": 4}),
    "Base + 2*num_filters + Dropout layer + OSLS": ({"filters": 128}, {"filters": 64, "dropout": 0.3}),
    "Base + num_filters/2": ({"filters": 32}, {"filters": 16}),
}
"""Report 003's Table 1 CGAN rows as `(cgan_generator kwargs, cgan_discriminator kwargs)`.

OSLS (one-sided label smoothing 0.1) is a `compile(label_smoothing=0.1)` setting, not a net
argument; "+ 15 epochs" is a training length. `gankit.presets`' `cgan` is the best row,
"Base + 2*num_filters + OSLS".
"""


def cgan_generator(
    latent_dim=100,
    image_shape=(28, 28, 1),
    num_classes=10,
    filters=64,
    negative_slope=0.2,
    kernel_size=5,
    extra_layer=False,
    name="cgan_generator",
):
    """Conditional generator of report 003's CGAN. Takes `[noise, one_hot_labels]`.

    Report 003 (Imperial coursework, section 2): noise and one-hot label concatenated, then
    3 transposed convs with 64, 32, 1 filters, kernels 7x7, 5x5, 5x5, strides 1, 2, 2; hidden
    layers followed by batch norm and LeakyReLU 0.2; tanh output. The first transposed conv grows
    the 1x1 input to 7x7 (8x8 for 32-pixel images).

    Table 1's variants (`TABLE_1_CGAN`) are arguments: `filters` is the first layer's width
    (the second has half): "2*num_filters" (128/64 in G) is `filters=128`, "num_filters/2" is
    `filters=32`. "filter size of 4x4" is `kernel_size=4` (the 5x5 kernels; the first layer's
    kernel sets the 7x7 base size and stays). "Extra layer" (3 hidden layers) is
    `extra_layer=True`: a third hidden transposed conv, stride 1, `filters // 4` wide, before
    the output, which gives the layout of the report's own DCGAN (strides 1, 2, 1, 2).

    Parameters (`count_params()`, with BN statistics; latent 100, 10 classes, 28x28x1):
    397,345; with filters=128: 897,089; filters=32: 185,873; kernel_size=4: 378,625;
    extra_layer=True: 409,809.

    Args:
        latent_dim: noise size.
        image_shape: `(height, width, channels)`; sides divisible by 4.
        num_classes: number of classes (length of the one-hot input).
        filters: width of the first transposed conv.
        negative_slope: LeakyReLU slope.
        kernel_size: side of the kernels after the first layer (the report: 5).
        extra_layer: add Table 1's third hidden layer.
        name: model name.

    Returns:
        `keras.Model` mapping `[noise, one_hot_labels]` to images in [-1, 1].

    Example:

    ```python
    g = cgan_generator(filters=128)
    images = g([noise, keras.ops.one_hot(labels, 10)])
    ```
    """
    height, width, channels = check_image_shape(image_shape, multiple_of=4)
    check_positive(filters=filters)
    kernel_size = _check_kernel_size(kernel_size)
    inputs, x = noise_input(latent_dim, check_conditional(True, num_classes))
    x = _noise_to_pixel(x)
    x = layers.Conv2DTranspose(
        filters, (height // 4, width // 4), padding="valid", use_bias=False, name="up1"
    )(x)
    x = _bn_act(x, "up1", negative_slope=negative_slope)
    x = layers.Conv2DTranspose(
        max(filters // 2, 1), kernel_size, strides=2, padding="same", use_bias=False, name="up2"
    )(x)
    x = _bn_act(x, "up2", negative_slope=negative_slope)
    if extra_layer:
        x = layers.Conv2DTranspose(
            max(filters // 4, 1), kernel_size, padding="same", use_bias=False, name="extra"
        )(x)
        x = _bn_act(x, "extra", negative_slope=negative_slope)
    x = layers.Conv2DTranspose(channels, kernel_size, strides=2, padding="same", name="up3")(x)
    outputs = layers.Activation("tanh", name="tanh", dtype=OUTPUT_DTYPE)(x)
    return keras.Model(inputs, outputs, name=name)


def cgan_discriminator(
    image_shape=(28, 28, 1),
    num_classes=10,
    filters=32,
    negative_slope=0.2,
    dropout=0.0,
    kernel_size=5,
    extra_layer=False,
    name="cgan_discriminator",
):
    """Conditional discriminator of report 003's CGAN. Takes `[images, one_hot_labels]`, returns logits.

    Report 003 (Imperial coursework, section 2): the one-hot label as 10 constant image planes
    concatenated to the image, then 3 convs with 32, 64, 1 filters, kernels 5x5, 5x5, 7x7,
    strides 2, 2, 1; LeakyReLU 0.2 and batch norm after the hidden layers except the first (no
    BN). The last conv is 'valid' so its 7x7 kernel (8x8 for 32 pixels) gives one logit.

    Table 1's variants (`TABLE_1_CGAN`) are arguments: `filters` is the first layer's width (the
    second has twice): "2*num_filters" (64/128 in D) is `filters=64`, "num_filters/2" is
    `filters=16`. `dropout` > 0 adds the "Dropout layer" (0.3 in the report) before the output
    conv. "filter size of 4x4" is `kernel_size=4` (the 5x5 kernels; the output conv's kernel
    spans the 7x7 map and stays). "Extra layer" is `extra_layer=True`: a third hidden conv,
    stride 1, `4 * filters` wide, BN and LeakyReLU, as in the report's own DCGAN discriminator.

    Parameters (`count_params()`, with BN statistics; 10 classes, 28x28x1): 63,425; with
    filters=64: 229,249; filters=16: 18,913; kernel_size=4: 41,825; extra_layer=True: 271,873
    (the layout of the report's conditional DCGAN discriminator); a Dropout layer adds none.

    Args:
        image_shape: `(height, width, channels)`; sides divisible by 4.
        num_classes: number of classes.
        filters: width of the first conv.
        negative_slope: LeakyReLU slope.
        dropout: dropout rate before the output conv (0 = none, as in the base model).
        kernel_size: side of the hidden convs' kernels (the report: 5).
        extra_layer: add Table 1's third hidden layer.
        name: model name.

    Returns:
        `keras.Model` mapping `[images, one_hot_labels]` to logits `(batch, 1)`.

    Example:

    ```python
    d = cgan_discriminator(filters=64)
    ```
    """
    height, width, channels = check_image_shape(image_shape, multiple_of=4)
    check_positive(filters=filters)
    kernel_size = _check_kernel_size(kernel_size)
    dropout = _check_dropout(dropout)
    num_classes = check_conditional(True, num_classes)
    inputs, x = image_input((height, width, channels), num_classes, label_planes=True)
    x = layers.Conv2D(filters, kernel_size, strides=2, padding="same", name="conv1")(x)
    x = layers.LeakyReLU(negative_slope, name="conv1_lrelu")(x)
    x = layers.Conv2D(
        2 * filters, kernel_size, strides=2, padding="same", use_bias=False, name="conv2"
    )(x)
    x = _bn_act(x, "conv2", negative_slope=negative_slope)
    if extra_layer:
        x = layers.Conv2D(4 * filters, kernel_size, padding="same", use_bias=False, name="extra")(x)
        x = _bn_act(x, "extra", negative_slope=negative_slope)
    if dropout:
        x = layers.Dropout(dropout, name="dropout")(x)
    x = layers.Conv2D(1, (height // 4, width // 4), padding="valid", name="conv3")(x)
    outputs = layers.Flatten(name="logit", dtype=OUTPUT_DTYPE)(x)
    return keras.Model(inputs, outputs, name=name)
