"""CycleGAN: unpaired image-to-image translation (Zhu et al. 2017).

Seed reports 000 (horses <-> zebras with an LSGAN CycleGAN), 001 (MNIST <->
colored MNIST / SVHN) and the lecture slides 004. Two generators `G_AB: A -> B`
and `G_BA: B -> A`, two discriminators `D_A` (real A vs generated A) and
`D_B`; the generators are trained with adversarial, cycle-consistency (L1) and
identity (L1) terms, the discriminators on a history pool of generated images.
"""

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from gankit.images import to_float
from gankit.models.image_pool import ImagePool
from gankit.models.replicas import Shard
from gankit.models.two_player import TwoPlayerModel

__all__ = ["CycleGAN", "CYCLEGAN_LOSSES"]

CYCLEGAN_LOSSES = ("lsgan", "bce")

# The CycleGAN paper's losses are `PAPER_SCALE` times gankit.losses' on the same logits:
# gankit's LSGAN losses carry the 1/2 of Mao et al. on both players (G: 0.5 mean((D(G(x)) - 1)^2),
# D: 0.5 mean((D(y) - 1)^2) + 0.5 mean(D(G(x))^2)); the paper writes them without it (G:
# mean((D(G(x)) - 1)^2), D: the sum of both squares, which it then divides by 2: d_loss_factor).
# The BCE losses are the same in both.
PAPER_SCALE = {"lsgan": 2.0, "bce": 1.0}


def _l1(x, y):
    return ops.mean(ops.abs(x - y))


def _shape(model, which):
    shape = model.inputs[0].shape if which == "in" else model.outputs[0].shape
    return tuple(shape[1:])


@keras.saving.register_keras_serializable(package="gankit")
class CycleGAN(TwoPlayerModel):
    """CycleGAN trained with `fit` on batches of unpaired `(a_images, b_images)`.

    A `TwoPlayerModel`: the generator player is `generator_ab` and `generator_ba` (one
    optimizer, `g_optimizer`), the discriminator player is `discriminator_a` and
    `discriminator_b` (`d_optimizer`). The adversarial losses are `gankit.losses`' (the same
    `AdversarialLoss` objects as `GAN`'s), so `g_ab_adv` is the number `GAN` would log as
    `g_loss` for the same discriminator outputs.

    Per step, with `lc = lambda_cycle`, `li = lambda_identity` and `k = PAPER_SCALE[loss]` (2 for
    `"lsgan"`, 1 for `"bce"`: the paper's adversarial losses are `k` times gankit's):

    * generators: `g_ab_adv = loss.generator_loss(D_B(G_AB(a)))` (LSGAN:
      `0.5 mean((D_B(G_AB(a)) - 1)^2)`), `cycle_a = |G_BA(G_AB(a)) - a|_1`,
      `identity_a = |G_BA(a) - a|_1` (the identity weight is relative to the cycle weight, as
      in the paper), and likewise for B. The generators minimise the paper's objective
      `k * (g_ab_adv + g_ba_adv) + lc * cycle_a + lcb * cycle_b + lc * li * (identity_a +
      identity_b)` with `lcb = lambda_cycle_b` (default `lc`), so `lc = 10` and `li = 0.5`
      weigh the cycle and identity terms against the adversarial ones as in the paper. The
      log `g_loss` is that sum with the adversarial terms on gankit's scale:
      `g_ab_adv + g_ba_adv + lc * cycle_a + lcb * cycle_b + lc * li * (...)`.
    * discriminators: `d_a_loss = d_loss_factor * k * loss.discriminator_loss(D_A(a),
      D_A(pool_a(G_BA(b))))`, i.e. `d_loss_factor` times the paper's sum of the real and fake
      terms (LSGAN with the paper's 1/2: `0.5 * (mean((D_A(a) - 1)^2) + mean(D_A(fake)^2))`,
      which is gankit's `lsgan` discriminator loss); `d_loss = d_a_loss + d_b_loss`. The fakes
      come from history pools of `pool_size` generated images.

    Changed in this version: `g_ab_adv` and `g_ba_adv` (and so `g_loss`) are logged on
    gankit's scale; for LSGAN they are half the values earlier versions logged. The training
    (what is minimised, hence every update) is unchanged.

    The generators are updated first, then the discriminators, on the fakes of
    the same forward pass (as the reference implementation). Logs, as epoch means:
    `d_loss, g_loss, d_a_loss, d_b_loss, g_ab_adv, g_ba_adv, cycle_a, cycle_b,
    identity_a, identity_b`.

    Args:
        generator_ab: `keras.Model` from A images to B images (tanh output).
        generator_ba: `keras.Model` from B images to A images.
        discriminator_a: `keras.Model` from A images to logits (any shape).
        discriminator_b: `keras.Model` from B images to logits.
        lambda_cycle: weight of the cycle-consistency terms (10 in the paper).
        lambda_cycle_b: weight of the B -> A -> B cycle term `cycle_b` alone, as the
            reference implementation's separate `lambda_B` (which scales `identity_b` too;
            here the identity terms keep `lambda_cycle`). None: `lambda_cycle`. A smaller
            weight stops `generator_ba` from hiding in its A images what only B images hold:
            the photo background of colored MNIST, which an MNIST digit has no room for
            (the `cyclegan-digits` preset uses 1 against 10).
        lambda_identity: identity weight relative to `lambda_cycle` (0.5 in the
            paper; 0 disables the identity terms, which is required when A and B
            images differ in shape, e.g. 1-channel MNIST and 3-channel colored MNIST).
        pool_size: size of each history pool (0: no pool).
        seed: int or None, seed of the pools' random state.
        d_loss_factor: factor of each discriminator's loss, which slows D down relative to
            the generators: 0.5 in the paper ("we divide the objective by 2 while optimizing
            D"); report 001 tried 0.25 (dividing by 4) for MNIST <-> SVHN, "with no apparent
            effect".
        **kwargs: passed on to `keras.Model` (e.g. `name`).

    Example:

    ```python
    import keras
    import gankit
    from gankit.nets.cyclegan import digit_resnet_generator, digit_patch_discriminator

    ds = gankit.data.unpaired(ds_mnist, ds_colored, batch_size=16, seed=0)
    model = CycleGAN(
        digit_resnet_generator((28, 28, 1), output_channels=3),
        digit_resnet_generator((28, 28, 3), output_channels=1),
        digit_patch_discriminator((28, 28, 1)),
        digit_patch_discriminator((28, 28, 3)),
        lambda_identity=0.0)
    model.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                  g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5), loss="lsgan")
    model.fit(ds, epochs=5)
    colored = model.translate(mnist_images, direction="ab")
    ```
    """

    log_names = (
        "d_loss",
        "g_loss",
        "d_a_loss",
        "d_b_loss",
        "g_ab_adv",
        "g_ba_adv",
        "cycle_a",
        "cycle_b",
        "identity_a",
        "identity_b",
    )
    net_arguments = ("generator_ab", "generator_ba", "discriminator_a", "discriminator_b")
    default_loss = "lsgan"
    supported_losses = CYCLEGAN_LOSSES

    def __init__(
        self,
        generator_ab,
        generator_ba,
        discriminator_a,
        discriminator_b,
        lambda_cycle=10.0,
        lambda_identity=0.5,
        pool_size=50,
        seed=None,
        d_loss_factor=0.5,
        lambda_cycle_b=None,
        **kwargs,
    ):
        super().__init__(seed=seed, **kwargs)
        nets = {
            "generator_ab": generator_ab,
            "generator_ba": generator_ba,
            "discriminator_a": discriminator_a,
            "discriminator_b": discriminator_b,
        }
        for label, net in nets.items():
            if not isinstance(net, keras.Model) or not net.inputs:
                raise ValueError(
                    f"CycleGAN: {label} must be a built keras.Model with one input (e.g. from "
                    f"gankit.nets.resnet_generator / patch_discriminator), got {type(net)}."
                )
        shape_a = _shape(generator_ab, "in")
        shape_b = _shape(generator_ba, "in")
        checks = [
            ("generator_ab output", _shape(generator_ab, "out"), "B images", shape_b),
            ("generator_ba output", _shape(generator_ba, "out"), "A images", shape_a),
            ("discriminator_a input", _shape(discriminator_a, "in"), "A images", shape_a),
            ("discriminator_b input", _shape(discriminator_b, "in"), "B images", shape_b),
        ]
        for what, got, expected_what, expected in checks:
            if got != expected:
                raise ValueError(
                    f"CycleGAN: {what} has shape {got} but the {expected_what} have shape "
                    f"{expected} (A = generator_ab input, B = generator_ba input)."
                )
        if lambda_cycle_b is None:
            lambda_cycle_b = lambda_cycle
        if min(float(lambda_cycle), float(lambda_identity), float(lambda_cycle_b)) < 0:
            raise ValueError(
                "CycleGAN: lambda_cycle, lambda_identity and lambda_cycle_b must be >= 0, got "
                f"{lambda_cycle}, {lambda_identity} and {lambda_cycle_b}."
            )
        if not float(d_loss_factor) > 0:
            raise ValueError(
                f"CycleGAN: d_loss_factor must be > 0 (0.5 in the paper), got {d_loss_factor}."
            )
        if float(lambda_identity) > 0 and shape_a != shape_b:
            raise ValueError(
                f"CycleGAN: the identity loss feeds A images {shape_a} to generator_ba, which "
                f"takes B images {shape_b}; use lambda_identity=0.0, or give both domains the "
                "same shape (e.g. tile MNIST to 3 channels)."
            )
        self.generator_ab = generator_ab
        self.generator_ba = generator_ba
        self.discriminator_a = discriminator_a
        self.discriminator_b = discriminator_b
        self.lambda_cycle = float(lambda_cycle)
        self.lambda_cycle_b = float(lambda_cycle_b)
        self.lambda_identity = float(lambda_identity)
        self.pool_size = int(pool_size)
        self.d_loss_factor = float(d_loss_factor)
        self.image_shape_a = shape_a
        self.image_shape_b = shape_b
        self.pool_a = ImagePool(self.pool_size, shape_a, seed=seed, name="pool_a")
        self.pool_b = ImagePool(
            self.pool_size, shape_b, seed=None if seed is None else seed + 1, name="pool_b"
        )
        self.built = True

    @property
    def generator_nets(self):
        return (self.generator_ab, self.generator_ba)

    @property
    def discriminator_nets(self):
        return (self.discriminator_a, self.discriminator_b)

    def get_config(self):
        config = super().get_config()
        config.update(
            lambda_cycle=self.lambda_cycle,
            lambda_cycle_b=self.lambda_cycle_b,
            lambda_identity=self.lambda_identity,
            pool_size=self.pool_size,
            d_loss_factor=self.d_loss_factor,
        )
        return config

    def call(self, inputs, training=False):
        """Translates `(a, b)` to `(G_AB(a), G_BA(b))`, or `a` to `G_AB(a)`."""
        if isinstance(inputs, (tuple, list)):
            a, b = inputs
            return (
                self.generator_ab(a, training=training),
                self.generator_ba(b, training=training),
            )
        return self.generator_ab(inputs, training=training)

    # -- training -------------------------------------------------------------

    def _unpack(self, data, method):
        if not isinstance(data, (tuple, list)) or len(data) != 2:
            raise ValueError(
                f"CycleGAN.{method} expects batches of (a_images, b_images), e.g. from "
                "gankit.data.unpaired(ds_a, ds_b)."
            )
        self.require_compiled(method)
        return ops.cast(data[0], "float32"), ops.cast(data[1], "float32")

    def _generator_losses(self, real_a, real_b, training):
        """Generator loss parts, the objective and the fakes `(parts, objective, fake_a, fake_b)`.

        `parts` holds the logged values (`g_loss` on gankit's scale); `objective` is what the
        generators minimise, the paper's (see the class docstring).
        """
        loss = self.adversarial_loss
        fake_b = self.generator_ab(real_a, training=training)
        fake_a = self.generator_ba(real_b, training=training)
        parts = {
            "g_ab_adv": loss.generator_loss(self.discriminator_b(fake_b, training=training)),
            "g_ba_adv": loss.generator_loss(self.discriminator_a(fake_a, training=training)),
            "cycle_a": _l1(self.generator_ba(fake_b, training=training), real_a),
            "cycle_b": _l1(self.generator_ab(fake_a, training=training), real_b),
        }
        if self.lambda_identity > 0:
            parts["identity_a"] = _l1(self.generator_ba(real_a, training=training), real_a)
            parts["identity_b"] = _l1(self.generator_ab(real_b, training=training), real_b)
        else:
            parts["identity_a"] = parts["identity_b"] = ops.zeros((), "float32")
        cycle = self.lambda_cycle * parts["cycle_a"] + self.lambda_cycle_b * parts["cycle_b"]
        identity = (
            self.lambda_cycle * self.lambda_identity * (parts["identity_a"] + parts["identity_b"])
        )
        k = PAPER_SCALE[loss.name]
        objective = k * parts["g_ab_adv"] + k * parts["g_ba_adv"] + cycle + identity
        parts["g_loss"] = parts["g_ab_adv"] + parts["g_ba_adv"] + cycle + identity
        return parts, objective, fake_a, fake_b

    def _discriminator_losses(self, real_a, real_b, fake_a, fake_b, training):
        loss = self.adversarial_loss
        scale = self.d_loss_factor * PAPER_SCALE[loss.name]  # 0.5 * 2: gankit's LSGAN D loss
        values = {}
        for name, net, real, fake in (
            ("d_a_loss", self.discriminator_a, real_a, fake_a),
            ("d_b_loss", self.discriminator_b, real_b, fake_b),
        ):
            values[name] = scale * loss.discriminator_loss(
                net(real, training=training), net(fake, training=training), self.label_smoothing
            )
        values["d_loss"] = values["d_a_loss"] + values["d_b_loss"]
        return values

    def train_step(self, data):
        real_a, real_b = self._unpack(data, "fit")
        shard = Shard(ops.shape(real_a)[0])  # this replica's share (gankit.models.replicas)
        g_vars = self.generator_variables()
        d_vars = self.discriminator_variables()
        with tf.GradientTape() as tape:
            g_parts, objective, fake_a, fake_b = self._generator_losses(
                real_a, real_b, training=True
            )
            # the replica's share of the global mean, loss-scaled under float16
            scaled = self.g_optimizer.scale_loss(shard.scale(objective))
        self.g_optimizer.apply(tape.gradient(scaled, g_vars), g_vars)

        # Discriminators: real images vs the history pools of generated ones.
        pooled_a = self.pool_a(ops.stop_gradient(fake_a))
        pooled_b = self.pool_b(ops.stop_gradient(fake_b))
        with tf.GradientTape() as tape:
            d_parts = self._discriminator_losses(real_a, real_b, pooled_a, pooled_b, training=True)
            scaled = self.d_optimizer.scale_loss(shard.scale(d_parts["d_loss"]))
        self.d_optimizer.apply(tape.gradient(scaled, d_vars), d_vars)
        self.update_trackers({**d_parts, **g_parts}, shard.tracker_weight)
        return self.tracker_results()

    def test_step(self, data):
        """Same losses on validation pairs, without updates and without the pools."""
        real_a, real_b = self._unpack(data, "evaluate")
        g_parts, _, fake_a, fake_b = self._generator_losses(real_a, real_b, training=False)
        d_parts = self._discriminator_losses(real_a, real_b, fake_a, fake_b, training=False)
        self.update_trackers({**d_parts, **g_parts})
        return self.tracker_results()

    # -- inference ------------------------------------------------------------

    def translate(self, images, direction="ab", batch_size=256):
        """Translates images with `G_AB` (`"ab"`) or `G_BA` (`"ba"`), in inference mode.

        Args:
            images: float images in [-1, 1] (or uint8, scaled to [-1, 1]) of the
                source domain's shape, NHWC; a single HWC image is accepted too.
            direction: `"ab"` (A -> B) or `"ba"` (B -> A).
            batch_size: images per generator call.

        Returns:
            numpy float32 array of translated images in [-1, 1].

        Example:

        ```python
        fake_colored = model.translate(mnist_test[:16], direction="ab")
        ```
        """
        if direction not in ("ab", "ba"):
            raise ValueError(f"translate: direction must be 'ab' or 'ba', got {direction!r}.")
        generator = self.generator_ab if direction == "ab" else self.generator_ba
        expected = self.image_shape_a if direction == "ab" else self.image_shape_b
        images = np.asarray(images)
        if images.ndim == 3:
            images = images[None]
        if images.ndim != 4 or tuple(images.shape[1:]) != tuple(expected):
            raise ValueError(
                f"translate({direction!r}) expects images of shape (n, *{tuple(expected)}), "
                f"got {images.shape}."
            )
        if images.dtype == np.uint8:
            images = to_float(images)
        images = images.astype("float32")
        if images.size and (images.min() < -1.001 or images.max() > 1.001):
            raise ValueError(
                "translate expects float images in [-1, 1] (or uint8); got values in "
                f"[{images.min():.3g}, {images.max():.3g}]."
            )
        return self.predict_in_batches(generator, images, batch_size, _shape(generator, "out"))
