"""Forward FLOPs of a Keras model, counted per layer, and the FLOPs of one training step.

Method: multiply-adds of the layers that hold nearly all the work, 2 FLOPs each, per image:

* `Dense`: `2 * inputs * units` per output row (per position for inputs of rank > 2);
* `Conv2D`: `2 * out_h * out_w * filters * kernel_h * kernel_w * in_channels / groups`;
* `Conv2DTranspose`: `2 * in_h * in_w * in_channels * kernel_h * kernel_w * filters`.

Normalization, activations, padding and the optimizer's updates are left out (elementwise, a few
percent at most here), so the "% of peak" figures built on these counts are slight underestimates.
A forward plus backward pass (gradients for the inputs and the weights) counts as 3 forward
passes, the usual rule. Nested models are counted through their layers.
"""

import math

import keras


def _size(shape):
    return math.prod(int(d) for d in shape if d is not None)


def layer_forward_flops(layer):
    """FLOPs of one image through `layer` (0 for layers without multiply-adds)."""
    if isinstance(layer, keras.Model):
        return model_forward_flops(layer)
    if isinstance(layer, keras.layers.Conv2DTranspose):
        kh, kw, out_c, in_c = layer.kernel.shape
        return 2 * _size(layer.input.shape[1:3]) * in_c * kh * kw * out_c
    if isinstance(layer, keras.layers.Conv2D):
        kh, kw, in_c, out_c = layer.kernel.shape  # in_c is already divided by the groups
        return 2 * _size(layer.output.shape[1:3]) * kh * kw * in_c * out_c
    if isinstance(layer, keras.layers.Dense):
        inputs, units = layer.kernel.shape
        return 2 * _size(layer.input.shape[1:-1] or (1,)) * inputs * units
    return 0


def model_forward_flops(model):
    """Forward FLOPs of one image through a built functional `keras.Model`."""
    return sum(layer_forward_flops(layer) for layer in model.layers)


def gan_step_flops(generator, discriminator, batch):
    """FLOPs of one `AdversarialModel.train_step` (GAN, ConditionalGAN) on `batch` images.

    One generator forward per step, trained through (3 G); D forward and backward on the real and
    the fake batch (6 D); then D forward and backward on the fakes for G's update (3 D).
    """
    return batch * (3 * model_forward_flops(generator) + 9 * model_forward_flops(discriminator))


def wgan_gp_step_flops(generator, critic, batch, critic_steps):
    """FLOPs of one `WGANGP.train_step`: `critic_steps` critic updates of `batch` images each.

    Per critic update: G forward without gradients (1 G), the critic forward and backward on the
    real and fake parts (6 D) and the gradient penalty on the interpolates (input gradient and its
    weight gradient, about twice a forward and backward: 6 D). Then G's update: G and D forward
    and backward on `batch` fresh fakes (3 G + 3 D).
    """
    g, d = model_forward_flops(generator), model_forward_flops(critic)
    return batch * (critic_steps * (g + 12 * d) + 3 * g + 3 * d)


def cyclegan_step_flops(generator, discriminator, batch):
    """FLOPs of one `CycleGAN.train_step` with identity losses, both generators and both
    discriminators of the same size.

    Generators' update: 6 generator passes (2 translations, 2 cycles, 2 identities) and 2
    discriminator passes, all forward and backward (18 G + 6 D); discriminators' update: 4
    discriminator passes forward and backward (12 D).
    """
    g, d = model_forward_flops(generator), model_forward_flops(discriminator)
    return batch * (18 * g + 18 * d)
