"""Report 000's convolutional LSGAN on MNIST: CycleGAN networks turned into a noise-to-image GAN.

Report 000, Section 4 ("MNIST revised"): "we revised the GAN model, and substituted the
fully-connected generator and discriminator with the ones used in CycleGAN", trained with the
least-squares loss. Its generator is fed "an image of random noise" (Section 2.2): the ResNet
image-to-image generator of its CycleGAN (9 residual blocks, Section 3.2) maps a 28x28x1 noise
image to a digit, and its appendix discriminator judges the digit. `gankit.GAN` feeds such a
generator noise of its input's shape (`model.latent_shape == (28, 28, 1)`).

Example:

```python
import gankit
from gankit.nets.lsgan import conv_lsgan_discriminator, noise_image_generator

gan = gankit.GAN(noise_image_generator(), conv_lsgan_discriminator(), seed=0)
gan.compile(loss="lsgan")  # a=0 (fake), b=1 (real), c=1
gan.fit(gankit.data.load("mnist", batch_size=64), epochs=15)
```
"""

from gankit.nets.cyclegan import report000_discriminator, resnet_generator

__all__ = ["conv_lsgan_discriminator", "noise_image_generator"]


def noise_image_generator(image_shape=(28, 28, 1), num_residual_blocks=9, filters=64,
                          name="noise_image_generator"):
    """Report 000's CycleGAN ResNet generator used as a GAN generator fed a noise image.

    `gankit.nets.resnet_generator` with the noise image and the output of the same shape:
    reflection pad 3, 7x7 conv to `filters`, two stride-2 3x3 convs, `num_residual_blocks`
    residual blocks (9 in report 000), two stride-2 transposed convs, reflection pad 3, 7x7 conv
    to the image channels, tanh; instance normalization and ReLU throughout. 11,365,633
    parameters for 28x28x1 with the defaults.

    Args:
        image_shape: shape of the noise image and of the generated image; height and width
            divisible by 4 (MNIST: `(28, 28, 1)`).
        num_residual_blocks: residual blocks (9 as report 000's CycleGAN).
        filters: width of the first convolution (64).
        name: model name.

    Returns:
        A `keras.Model` mapping noise images `(batch, h, w, c)` to images in [-1, 1].

    Example:

    ```python
    g = noise_image_generator()  # input "noise" (None, 28, 28, 1)
    ```
    """
    return resnet_generator(image_shape, num_residual_blocks=num_residual_blocks,
                            filters=filters, name=name, input_name="noise")


def conv_lsgan_discriminator(image_shape=(28, 28, 1), filters=64,
                             name="conv_lsgan_discriminator"):
    """Report 000's appendix discriminator for MNIST: one logit per 28x28 digit.

    `gankit.nets.report000_discriminator`: five 4x4 convolutions with padding 1, strides
    2, 2, 2, 1, 1, widths `f, 2f, 4f, 8f, 1`, instance normalization and LeakyReLU(0.2) after
    all but the last (28 -> 14 -> 7 -> 3 -> 2 -> 1). 2,762,689 parameters for one channel.

    Args:
        image_shape: (height, width, channels) of the digits.
        filters: `f` (64 in the report).
        name: model name.

    Returns:
        A `keras.Model` from images to logits `(batch, 1, 1, 1)` for 28x28 images.

    Example:

    ```python
    d = conv_lsgan_discriminator((28, 28, 1))
    ```
    """
    return report000_discriminator(image_shape, filters=filters, name=name)
