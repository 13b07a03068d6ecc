"""CycleGAN networks: ResNet generator and PatchGAN discriminator.

From the seed reports 000 (horses <-> zebras, LSGAN CycleGAN), 001 (MNIST <->
colored MNIST / SVHN with small networks and cropped patch discriminators) and
the lecture slides 004. Layout follows Zhu et al. (2017): instance
normalization (`GroupNormalization(groups=-1)`), ReLU in the generator,
LeakyReLU(0.2) in the discriminator, weights drawn from N(0, 0.02).

With `norm_affine=False` (the default, as `nn.InstanceNorm2d` in the
reference implementation) the parameter counts match the reference:
`resnet_generator((256, 256, 3))` has 11,378,179 parameters and
`patch_discriminator((256, 256, 3))` 2,764,737.
"""

import keras
from keras import layers

from gankit.nets.blocks import OUTPUT_DTYPE

# The custom layers live in `gankit.nets.layers`; their earlier public path
# (`gankit.nets.cyclegan.RandomPatchCrop`, ...) keeps working through this import.
from gankit.nets.layers import RandomPatchCrop, ReflectionPadding2D, SeedStateMixin  # noqa: F401

__all__ = [
    "digit_patch_discriminator",
    "digit_resnet_generator",
    "image_discriminator",
    "patch_discriminator",
    "patch_output_size",
    "patch_receptive_field",
    "report000_discriminator",
    "report001_discriminator",
    "report001_generator",
    "resnet_generator",
]


def _init():
    return keras.initializers.RandomNormal(mean=0.0, stddev=0.02)


def _norm(affine, name):
    return layers.GroupNormalization(
        groups=-1, epsilon=1e-5, center=affine, scale=affine, name=name
    )


def _residual_block(x, width, norm_affine, label):
    """Reflection pad 1, 3x3 conv, instance norm, ReLU, reflection pad 1, 3x3 conv, norm, + x."""
    y = ReflectionPadding2D(1, name=f"{label}_pad_a")(x)
    y = layers.Conv2D(width, 3, kernel_initializer=_init(), name=f"{label}_conv_a")(y)
    y = layers.ReLU(name=f"{label}_relu")(_norm(norm_affine, f"{label}_norm_a")(y))
    y = ReflectionPadding2D(1, name=f"{label}_pad_b")(y)
    y = layers.Conv2D(width, 3, kernel_initializer=_init(), name=f"{label}_conv_b")(y)
    y = _norm(norm_affine, f"{label}_norm_b")(y)
    return layers.Add(name=f"{label}_add")([x, y])


def _check_shape(image_shape, what):
    shape = tuple(image_shape)
    if len(shape) != 3 or any(d is None or int(d) < 1 for d in shape):
        raise ValueError(
            f"{what}: image_shape must be (height, width, channels) with positive sizes, "
            f"got {image_shape!r}."
        )
    return tuple(int(d) for d in shape)


def resnet_generator(
    image_shape=(256, 256, 3),
    num_residual_blocks=9,
    filters=64,
    output_channels=None,
    num_downsampling=2,
    norm_affine=False,
    name="resnet_generator",
    input_name="images",
):
    """ResNet image-to-image generator of CycleGAN (Johnson et al. layout).

    `c7s1-f, d2f, d4f, R4f x N, u2f, uf, c7s1-out`: reflection padding and a
    7x7 convolution, `num_downsampling` stride-2 3x3 convolutions doubling the
    width, `num_residual_blocks` residual blocks (reflection padding, 3x3 conv,
    instance norm, ReLU, twice, plus the skip), as many stride-2 transposed
    convolutions halving the width, and a reflection-padded 7x7 convolution to
    `output_channels` with tanh.

    Args:
        image_shape: (height, width, channels) of the input images. Height and width
            must be divisible by `2 ** num_downsampling`.
        num_residual_blocks: number of residual blocks (the paper uses 6 at 128 px and
            9 at 256 px; report 001 uses 2 for digits).
        filters: width of the first convolution (ngf).
        output_channels: channels of the output images; defaults to the input
            channels. Use it for 1 -> 3 (MNIST -> colored MNIST) and 3 -> 1.
        num_downsampling: number of stride-2 down-samplings (and up-samplings).
        norm_affine: whether instance normalization learns a scale and offset
            (`False` as in the reference implementation).
        name: model name.
        input_name: name of the input (`"noise"` when it is fed noise images, as
            `gankit.nets.noise_image_generator`).

    Returns:
        A `keras.Model` mapping images `(batch, h, w, c_in)` in [-1, 1] to
        `(batch, h, w, output_channels)` in [-1, 1].

    Example:

    ```python
    g = resnet_generator((256, 256, 3))  # 11,378,179 parameters
    g_digits = resnet_generator((28, 28, 1), num_residual_blocks=2, filters=32,
                                output_channels=3)
    ```
    """
    h, w, c = _check_shape(image_shape, "resnet_generator")
    output_channels = c if output_channels is None else int(output_channels)
    if output_channels < 1:
        raise ValueError(f"resnet_generator: output_channels must be >= 1, got {output_channels}.")
    if int(num_residual_blocks) < 0 or int(num_downsampling) < 0 or int(filters) < 1:
        raise ValueError(
            "resnet_generator: num_residual_blocks and num_downsampling must be >= 0 and "
            f"filters >= 1, got {num_residual_blocks}, {num_downsampling}, {filters}."
        )
    factor = 2**num_downsampling
    if h % factor or w % factor:
        raise ValueError(
            f"resnet_generator: height and width ({h}, {w}) must be divisible by "
            f"2**num_downsampling = {factor} so the output has the input size; pad the "
            "images (e.g. MNIST to 32 with gankit.data.load(..., pad_to=32)) or use fewer "
            "down-samplings."
        )

    inputs = keras.Input((h, w, c), name=input_name)
    x = ReflectionPadding2D(3, name="pad_in")(inputs)
    x = layers.Conv2D(filters, 7, kernel_initializer=_init(), name="c7s1")(x)
    x = layers.ReLU(name="c7s1_relu")(_norm(norm_affine, "c7s1_norm")(x))
    width = filters
    for i in range(num_downsampling):
        width *= 2
        x = layers.Conv2D(
            width, 3, strides=2, padding="same", kernel_initializer=_init(), name=f"down{i}"
        )(x)
        x = layers.ReLU(name=f"down{i}_relu")(_norm(norm_affine, f"down{i}_norm")(x))
    for i in range(num_residual_blocks):
        x = _residual_block(x, width, norm_affine, f"res{i}")
    for i in range(num_downsampling):
        width //= 2
        x = layers.Conv2DTranspose(
            width, 3, strides=2, padding="same", kernel_initializer=_init(), name=f"up{i}"
        )(x)
        x = layers.ReLU(name=f"up{i}_relu")(_norm(norm_affine, f"up{i}_norm")(x))
    x = ReflectionPadding2D(3, name="pad_out")(x)
    x = layers.Conv2D(output_channels, 7, kernel_initializer=_init(), name="c7s1_out")(x)
    outputs = layers.Activation("tanh", name="tanh", dtype=OUTPUT_DTYPE)(x)
    return keras.Model(inputs, outputs, name=name)


def patch_output_size(size, num_layers=3, kernel_size=4):
    """Side of the PatchGAN logit map for an input side `size`.

    Args:
        size: input height or width (after any crop).
        num_layers: number of stride-2 convolutions.
        kernel_size: convolution kernel size (padding 1 on each side).

    Returns:
        int, the output side (< 1 means the network does not fit the input).
    """
    for _ in range(num_layers):
        size = (size + 2 - kernel_size) // 2 + 1
    for _ in range(2):
        size = size + 2 - kernel_size + 1
    return size


def patch_receptive_field(num_layers=3, kernel_size=4):
    """Side of the input window each PatchGAN logit sees through its convolutions.

    Args:
        num_layers: number of stride-2 convolutions.
        kernel_size: convolution kernel size.

    Returns:
        int: 70 for the default 3 layers of 4x4 kernels (the "70x70 PatchGAN"); 34 for 2
        layers, 16 for 1. (Instance normalization still mixes in image-wide statistics.)
    """
    field = 1
    for _ in range(2):  # the two stride-1 convolutions at the end
        field += kernel_size - 1
    for _ in range(num_layers):
        field = 2 * field + kernel_size - 2
    return field


def patch_discriminator(
    image_shape=(256, 256, 3),
    filters=64,
    num_layers=3,
    max_filters_multiplier=8,
    crop_size=None,
    crop_seed=None,
    kernel_size=4,
    norm_affine=False,
    norm_first_layer=False,
    name="patch_discriminator",
):
    """PatchGAN discriminator (C64-C128-C256-C512), returning a map of logits.

    `num_layers` stride-2 4x4 convolutions (the first without normalization),
    then a stride-1 convolution and a stride-1 convolution to one channel, all with
    zero padding 1, instance normalization and LeakyReLU(0.2). With the defaults
    each logit sees a 70x70 patch and a 256x256 input gives a 30x30 map.

    Args:
        image_shape: (height, width, channels) of the images it judges.
        filters: width of the first convolution (ndf); layer `n` has
            `filters * min(2 ** n, max_filters_multiplier)` filters.
        num_layers: number of stride-2 convolutions.
        max_filters_multiplier: cap on the width multiplier (8 in the paper).
        crop_size: if set, the discriminator first takes one random
            `crop_size x crop_size` patch of each image (report 001: 8 for
            MNIST, 9 for SVHN), in training and at inference.
        crop_seed: seed of the random crops.
        kernel_size: convolution kernel size.
        norm_affine: whether instance normalization learns a scale and offset.
        name: model name.

    Returns:
        A `keras.Model` mapping images `(batch, h, w, c)` to logits
        `(batch, h', w', 1)` (no sigmoid).

    Example:

    ```python
    d = patch_discriminator((256, 256, 3))  # 2,764,737 parameters, 30x30 logits
    d_digits = patch_discriminator((28, 28, 1), filters=32, num_layers=2)
    ```
    """
    h, w, c = _check_shape(image_shape, "patch_discriminator")
    if int(num_layers) < 1 or int(filters) < 1:
        raise ValueError(
            f"patch_discriminator: num_layers and filters must be >= 1, got {num_layers}, "
            f"{filters}."
        )
    side = min(h, w)
    if crop_size is not None:
        if not 1 <= int(crop_size) <= side:
            raise ValueError(
                f"patch_discriminator: crop_size must be between 1 and the image side "
                f"{side}, got {crop_size}."
            )
        side = int(crop_size)
    if patch_output_size(side, num_layers, kernel_size) < 1:
        raise ValueError(
            f"patch_discriminator: {num_layers} stride-2 layers do not fit a {side}x{side} "
            "input (the logit map would be empty); use fewer layers or a larger crop."
        )

    inputs = keras.Input((h, w, c), name="images")
    x = inputs
    if crop_size is not None:
        x = RandomPatchCrop(int(crop_size), seed=crop_seed, name="random_patch")(x)

    def conv(x, width, stride, label, dtype=None):
        x = layers.ZeroPadding2D(1, name=f"{label}_pad")(x)
        return layers.Conv2D(
            width, kernel_size, strides=stride, kernel_initializer=_init(), name=label,
            dtype=dtype,
        )(x)

    x = conv(x, filters, 2, "conv0")
    if norm_first_layer:
        x = _norm(norm_affine, "conv0_norm")(x)
    x = layers.LeakyReLU(0.2, name="conv0_lrelu")(x)
    for n in range(1, num_layers + 1):
        width = filters * min(2**n, max_filters_multiplier)
        stride = 2 if n < num_layers else 1
        x = conv(x, width, stride, f"conv{n}")
        x = layers.LeakyReLU(0.2, name=f"conv{n}_lrelu")(_norm(norm_affine, f"conv{n}_norm")(x))
    outputs = conv(x, 1, 1, "logits", dtype=OUTPUT_DTYPE)
    return keras.Model(inputs, outputs, name=name)


def digit_resnet_generator(
    image_shape=(28, 28, 1), output_channels=None, filters=32, num_residual_blocks=2, **kwargs
):
    """Small ResNet generator for 28/32-pixel digits (report 001: 2 down, 2 residual, 2 up).

    Args:
        image_shape: input (height, width, channels), e.g. (28, 28, 1) for MNIST,
            (28, 28, 3) for colored MNIST, (32, 32, 3) for SVHN.
        output_channels: output channels (default: input channels).
        filters: width of the first convolution (report 001 found 16/32 and 32/64 better
            than 8/16).
        num_residual_blocks: residual blocks.
        **kwargs: passed on to `resnet_generator`.

    Returns:
        A `keras.Model` from images to images in [-1, 1].

    Example:

    ```python
    g_ab = digit_resnet_generator((28, 28, 1), output_channels=3)  # MNIST -> colored
    ```
    """
    kwargs.setdefault("name", "digit_resnet_generator")
    return resnet_generator(
        image_shape,
        num_residual_blocks=num_residual_blocks,
        filters=filters,
        output_channels=output_channels,
        **kwargs,
    )


def digit_patch_discriminator(image_shape=(28, 28, 1), filters=64, num_layers=2, **kwargs):
    """Small PatchGAN discriminator for 28/32-pixel digits.

    Two stride-2 layers on a 28x28 image give a 5x5 logit map (a 32x32 image: 6x6).
    With `crop_size=8` (report 001) use `num_layers=1`.

    Args:
        image_shape: (height, width, channels) of the images it judges.
        filters: width of the first convolution.
        num_layers: number of stride-2 convolutions.
        **kwargs: passed on to `patch_discriminator` (`crop_size`, `crop_seed`, ...).

    Returns:
        A `keras.Model` from images to a map of logits.

    Example:

    ```python
    d_b = digit_patch_discriminator((28, 28, 3))
    d_crop = digit_patch_discriminator((32, 32, 3), num_layers=1, crop_size=9, crop_seed=0)
    ```
    """
    kwargs.setdefault("name", "digit_patch_discriminator")
    return patch_discriminator(image_shape, filters=filters, num_layers=num_layers, **kwargs)


def image_discriminator(
    image_shape=(28, 28, 1),
    filters=64,
    num_layers=2,
    kernel_size=4,
    norm_affine=False,
    name="image_discriminator",
):
    """Whole-image ("vanilla") discriminator: one logit per image, with instance normalization.

    The non-patch side of report 001's "Patch Discriminator VS Vanilla Discriminator"
    comparison (its Section 4.2 and Fig. 11): the discriminator "produces a scalar output that
    predicts if an image comes from the original domain" (Section 3.3) from the whole image.
    `num_layers` stride-2 `kernel_size` convolutions with zero "same" padding doubling the
    width (the first without normalization, the others with instance normalization,
    `GroupNormalization(groups=-1)`), LeakyReLU(0.2) after each, then one convolution to one
    channel whose kernel covers the whole remaining feature map, so every logit sees every
    pixel. Compare it with the same images judged through random crops,
    `report001_discriminator(..., crop_size=8)`.

    Args:
        image_shape: (height, width, channels) of the images it judges.
        filters: width of the first convolution; layer `n` has `filters * 2**n`.
        num_layers: number of stride-2 convolutions.
        kernel_size: kernel size of the stride-2 convolutions.
        norm_affine: whether instance normalization learns a scale and offset.
        name: model name.

    Returns:
        A `keras.Model` mapping images `(batch, h, w, c)` to logits `(batch, 1)`.

    Example:

    ```python
    d_vanilla = image_discriminator((28, 28, 3))  # 28 -> 14 -> 7, then a 7x7 conv: one logit
    d_patch = report001_discriminator((28, 28, 3), crop_size=8, crop_seed=0)
    ```
    """
    h, w, c = _check_shape(image_shape, "image_discriminator")
    if int(num_layers) < 1 or int(filters) < 1 or int(kernel_size) < 1:
        raise ValueError(
            "image_discriminator: num_layers, filters and kernel_size must be >= 1, got "
            f"{num_layers}, {filters}, {kernel_size}."
        )
    inputs = keras.Input((h, w, c), name="images")
    x = inputs
    for n in range(int(num_layers)):
        x = layers.Conv2D(
            filters * 2**n, kernel_size, strides=2, padding="same", kernel_initializer=_init(),
            name=f"conv{n}",
        )(x)
        if n:
            x = _norm(norm_affine, f"conv{n}_norm")(x)
        x = layers.LeakyReLU(0.2, name=f"conv{n}_lrelu")(x)
    x = layers.Conv2D(1, tuple(x.shape[1:3]), kernel_initializer=_init(), name="logit")(x)
    outputs = layers.Reshape((1,), name="logits", dtype=OUTPUT_DTYPE)(x)
    return keras.Model(inputs, outputs, name=name)


def report000_discriminator(image_shape=(256, 256, 3), filters=64, name="report000_discriminator"):
    """The discriminator of report 000's appendix (its CycleGAN and its conv LSGAN on MNIST).

    Report 000 gives it as PyTorch code (`f=64`)::

        Conv2d(3, f, 4, stride=2, padding=1), InstanceNorm2d(f), LeakyReLU(alpha)
        Conv2d(f, f*2, 4, stride=2, padding=1), InstanceNorm2d(f*2), LeakyReLU(alpha)
        Conv2d(f*2, f*4, 4, stride=2, padding=1), InstanceNorm2d(f*4), LeakyReLU(alpha)
        Conv2d(f*4, f*8, 4, stride=1, padding=1), InstanceNorm2d(f*8), LeakyReLU(alpha)
        Conv2d(f*8, 1, 4, stride=1, padding=1)

    The PatchGAN of Zhu et al. with instance normalization on the first layer too
    (`nn.InstanceNorm2d` has no affine parameters); `alpha` is not given in the report, the
    lecture (004) uses 0.2. Its Section 4 reuses it for MNIST: a 28x28 image gives one logit
    (28 -> 14 -> 7 -> 3 -> 2 -> 1). 2,764,737 parameters for 3 channels, 2,762,689 for 1.

    Args:
        image_shape: (height, width, channels) of the images it judges.
        filters: `f`, the width of the first convolution.
        name: model name.

    Returns:
        A `keras.Model` mapping images to a map of logits `(batch, h', w', 1)`.

    Example:

    ```python
    d = report000_discriminator((256, 256, 3))  # 30x30 logits
    d_mnist = report000_discriminator((28, 28, 1))  # 1x1 logit
    ```
    """
    return patch_discriminator(
        image_shape, filters=filters, num_layers=3, norm_first_layer=True, name=name
    )


def report001_generator(
    image_shape=(28, 28, 1),
    output_channels=None,
    filters=32,
    norm_affine=False,
    name="report001_generator",
    num_residual_blocks=2,
):
    """Report 001's digit generator: 2 convolutions, 2 residual blocks, 2 deconvolutions.

    What report 001 ("CycleGAN implementation on MNIST and SVHM") says, and where:

    * Section 5.1: "2 conv layers, 2 ResNETs and 2 deConvs on the generator";
    * Section 3.3: an encoder of convolutions "with progressively increasing number of
      features", a transformer of ResNet blocks "with same number of features" (each "two
      convolutional layers with same number of features, kernel and stride sizes" plus the
      input), a decoder of transposed convolutions "with progressively decreasing number of
      features and one convolutional layer at the end" to the image;
    * Section 5.5: first-layer kernel 7 and the other kernels 3 (their experiment "setting the
      first layer kernel size to 5 instead of 7 and rest kernel size to 2 instead of 3"),
      "strides were set to 2 for the generators and discriminators except the last layer",
      generator filters 8, then 16 and 32 ("the results improved"): `filters=32`;
    * activations and normalization follow the lecture (004: ReLU in G, instance
      normalization) and the report's starting point [10] (Zhu et al.'s layout, tanh output).

    Layers (`f = filters`; a 28x28 input): reflection pad 3, 7x7 conv stride 2 to `f`
    (14x14); 3x3 conv stride 2 "same" to `2f` (7x7); 2 residual blocks of `2f` (reflection
    pad 1, 3x3 conv, norm, ReLU, reflection pad 1, 3x3 conv, norm, add); 3x3 transposed
    convolutions stride 2 "same" to `2f` (14x14) and `f` (28x28), as the two
    deconvolutions of [10]; reflection pad 3 and a 7x7 conv stride 1 (the last layer) to
    `output_channels`, tanh. Every conv but the last is followed by instance normalization
    (`GroupNormalization(groups=-1)`) and ReLU. 227,907 parameters for 1 -> 3 channels
    with `f = 32`.

    Args:
        image_shape: input (height, width, channels); height and width divisible by 4
            (28 for MNIST / colored MNIST, 32 for SVHN and padded MNIST).
        output_channels: output channels (default: the input's).
        filters: `f`, the width of the first convolution.
        norm_affine: whether instance normalization learns a scale and offset.
        name: model name.
        num_residual_blocks: residual blocks of the transformer (2 in the report's generator;
            its Section 5.3 compares 2, 6 and 9).

    Returns:
        A `keras.Model` from images `(batch, h, w, c_in)` in [-1, 1] to
        `(batch, h, w, output_channels)` in [-1, 1].

    Example:

    ```python
    g_ab = report001_generator((28, 28, 1), output_channels=3)  # MNIST -> colored MNIST
    g_9 = report001_generator((28, 28, 3), num_residual_blocks=9)  # Section 5.3's largest
    g_ba = report001_generator((28, 28, 3), output_channels=1)
    ```
    """
    h, w, c = _check_shape(image_shape, "report001_generator")
    output_channels = c if output_channels is None else int(output_channels)
    if output_channels < 1 or int(filters) < 1 or int(num_residual_blocks) < 0:
        raise ValueError(
            "report001_generator: output_channels and filters must be >= 1 and "
            f"num_residual_blocks >= 0, got {output_channels}, {filters}, {num_residual_blocks}."
        )
    if h % 4 or w % 4:
        raise ValueError(
            f"report001_generator: height and width ({h}, {w}) must be divisible by 4 (two "
            "stride-2 layers); pad the images (gankit.data.load(..., pad_to=32))."
        )
    f = int(filters)

    def norm_relu(x, label):
        return layers.ReLU(name=f"{label}_relu")(_norm(norm_affine, f"{label}_norm")(x))

    inputs = keras.Input((h, w, c), name="images")
    x = ReflectionPadding2D(3, name="pad_in")(inputs)
    x = layers.Conv2D(f, 7, strides=2, kernel_initializer=_init(), name="conv0")(x)
    x = norm_relu(x, "conv0")
    x = layers.Conv2D(
        2 * f, 3, strides=2, padding="same", kernel_initializer=_init(), name="conv1"
    )(x)
    x = norm_relu(x, "conv1")
    for i in range(int(num_residual_blocks)):
        x = _residual_block(x, 2 * f, norm_affine, f"res{i}")
    for i, width in enumerate((2 * f, f)):
        x = layers.Conv2DTranspose(
            width, 3, strides=2, padding="same", kernel_initializer=_init(), name=f"deconv{i}"
        )(x)
        x = norm_relu(x, f"deconv{i}")
    x = ReflectionPadding2D(3, name="pad_out")(x)
    x = layers.Conv2D(output_channels, 7, kernel_initializer=_init(), name="conv_out")(x)
    outputs = layers.Activation("tanh", name="tanh", dtype=OUTPUT_DTYPE)(x)
    return keras.Model(inputs, outputs, name=name)


def report001_discriminator(
    image_shape=(28, 28, 1),
    filters=64,
    kernel_size=4,
    crop_size=None,
    crop_seed=None,
    norm_affine=False,
    name="report001_discriminator",
):
    """Report 001's digit discriminator: 3 convolutions with reflection padding.

    What report 001 says, and where:

    * Section 5.1: "the discriminator had 3 conv layers and a reflection padding";
    * Section 5.6: the reflection padding sits "before the input and output layers of the
      discriminator" (they removed it once, then reintroduced it);
    * Section 3.3: convolutions "with progressively increasing number of features and constant
      window and stride size (layers 1 - n-1) and one last layer (layer n) with one feature";
    * Section 5.5: "strides were set to 2 for the generators and discriminators except the last
      layer"; discriminator filters 16, then 32 and 64 ("the results improved"):
      `filters=64`;
    * Section 4.2: the "patch" variant judges "one cropped image", 8x8 for MNIST and 9x9 for
      SVHN: `crop_size=8` / `9` (a `RandomPatchCrop` in front).

    The window (4x4), LeakyReLU(0.2) and instance normalization on all but the first and last
    layer come from the report's starting point [10] and the lecture (004).

    Layers (`f = filters`): [random crop], reflection pad 1, 4x4 conv stride 2 to `f`,
    LeakyReLU; 4x4 conv stride 2 "same" to `2f`, instance norm, LeakyReLU; reflection pad 1,
    4x4 conv stride 1 to one channel (logits). A 28x28 image gives 6x6 logits, a 32x32 one
    7x7, an 8x8 or 9x9 crop a single logit. 136,385 parameters for 3 channels with `f = 64`.

    Args:
        image_shape: (height, width, channels) of the images it judges.
        filters: `f`, the width of the first convolution.
        kernel_size: window of the three convolutions.
        crop_size: if set, judge one random `crop_size x crop_size` patch per image.
        crop_seed: seed of the crops.
        norm_affine: whether instance normalization learns a scale and offset.
        name: model name.

    Returns:
        A `keras.Model` mapping images `(batch, h, w, c)` to logits `(batch, h', w', 1)`.

    Example:

    ```python
    d_full = report001_discriminator((28, 28, 3))                      # 6x6 logits
    d_patch = report001_discriminator((32, 32, 3), crop_size=9, crop_seed=0)  # 1 logit
    ```
    """
    h, w, c = _check_shape(image_shape, "report001_discriminator")
    side = min(h, w) if crop_size is None else int(crop_size)
    if crop_size is not None and not 1 <= side <= min(h, w):
        raise ValueError(
            f"report001_discriminator: crop_size must be between 1 and the image side "
            f"{min(h, w)}, got {crop_size}."
        )
    k = int(kernel_size)
    after = -(-((side + 2 - k) // 2 + 1) // 2) + 2 - k + 1
    if (side + 2 - k) < 0 or after < 1:
        raise ValueError(
            f"report001_discriminator: a {side}x{side} input is too small for three "
            f"{k}x{k} convolutions; use a larger crop or a smaller kernel_size."
        )
    inputs = keras.Input((h, w, c), name="images")
    x = inputs
    if crop_size is not None:
        x = RandomPatchCrop(side, seed=crop_seed, name="random_patch")(x)
    x = ReflectionPadding2D(1, name="pad_in")(x)
    x = layers.Conv2D(filters, k, strides=2, kernel_initializer=_init(), name="conv0")(x)
    x = layers.LeakyReLU(0.2, name="conv0_lrelu")(x)
    x = layers.Conv2D(
        2 * filters, k, strides=2, padding="same", kernel_initializer=_init(), name="conv1"
    )(x)
    x = layers.LeakyReLU(0.2, name="conv1_lrelu")(_norm(norm_affine, "conv1_norm")(x))
    x = ReflectionPadding2D(1, name="pad_out")(x)
    outputs = layers.Conv2D(1, k, kernel_initializer=_init(), name="logits", dtype=OUTPUT_DTYPE)(x)
    return keras.Model(inputs, outputs, name=name)
