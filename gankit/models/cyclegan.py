"""CycleGAN: unpaired image-to-image translation (Zhu et al. 2017).

Seed reports 000 (horses <-> zebras with an LSGAN CycleGAN), 001 (MNIST <->
colored MNIST / SVHN) and the lecture slides 004. Two generators ``G_AB: A -> B``
and ``G_BA: B -> A``, two discriminators ``D_A`` (real A vs generated A) and
``D_B``; the generators are trained with adversarial, cycle-consistency (L1) and
identity (L1) terms, the discriminators on a history pool of generated images.
"""

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from gankit import losses
from gankit.models.fitting import FitDefaults
from gankit.models.image_pool import ImagePool

__all__ = ["CycleGAN", "CYCLEGAN_LOSSES"]

CYCLEGAN_LOSSES = ("lsgan", "bce")

_LOG_NAMES = (
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


def _lsgan_d(real_logits, fake_logits):
    # mean((real - 1)^2) + mean(fake^2), before the d_loss_factor (1/2 in the paper).
    return 2.0 * losses.lsgan_discriminator_loss(real_logits, fake_logits)


def _lsgan_g(fake_logits):
    # mean((fake - 1)^2) as in the paper (gankit.losses' LSGAN G loss carries a 0.5).
    return 2.0 * losses.lsgan_generator_loss(fake_logits)


def _bce_d(real_logits, fake_logits):
    return losses.bce_discriminator_loss(real_logits, fake_logits)


_LOSS_FUNCTIONS = {"lsgan": (_lsgan_d, _lsgan_g), "bce": (_bce_d, losses.bce_generator_loss)}


def _l1(x, y):
    return ops.mean(ops.abs(x - y))


def _shape(model, which):
    shape = model.inputs[0].shape if which == "in" else model.outputs[0].shape
    return tuple(shape[1:])


@keras.saving.register_keras_serializable(package="gankit")
class CycleGAN(FitDefaults, keras.Model):
    """CycleGAN trained with ``fit`` on batches of unpaired ``(a_images, b_images)``.

    Per step, with ``lc = lambda_cycle`` and ``li = lambda_identity``:

    * generators (one optimizer for both):
      ``g_loss = g_ab_adv + g_ba_adv + lc * (cycle_a + cycle_b)
      + lc * li * (identity_a + identity_b)``, where ``g_ab_adv`` is the
      adversarial loss of ``D_B(G_AB(a))``, ``cycle_a = |G_BA(G_AB(a)) - a|_1``
      and ``identity_a = |G_BA(a) - a|_1`` (the identity weight is relative to the
      cycle weight, as in the paper);
    * discriminators (one optimizer for both, each loss scaled by ``d_loss_factor``, 1/2 as
      in the paper):
      ``d_a_loss = d_loss_factor * (L(D_A(a), real) + L(D_A(pool_a(G_BA(b))), fake))``,
      ``d_loss = d_a_loss + d_b_loss``, with history pools of ``pool_size``
      generated images.

    The generators are updated first, then the discriminators, on the fakes of
    the same forward pass (as the reference implementation). Logs, as epoch means:
    ``d_loss, g_loss, d_a_loss, d_b_loss, g_ab_adv, g_ba_adv, cycle_a, cycle_b,
    identity_a, identity_b``.

    Args:
        generator_ab: ``keras.Model`` from A images to B images (tanh output).
        generator_ba: ``keras.Model`` from B images to A images.
        discriminator_a: ``keras.Model`` from A images to logits (any shape).
        discriminator_b: ``keras.Model`` from B images to logits.
        lambda_cycle: weight of the cycle-consistency terms (10 in the paper).
        lambda_identity: identity weight relative to ``lambda_cycle`` (0.5 in the
            paper; 0 disables the identity terms, which is required when A and B
            images differ in shape, e.g. 1-channel MNIST and 3-channel colored MNIST).
        pool_size: size of each history pool (0: no pool).
        seed: int or None, seed of the pools' random state.
        d_loss_factor: factor of each discriminator's loss, which slows D down relative to
            the generators: 0.5 in the paper ("we divide the objective by 2 while optimizing
            D"); report 001 tried 0.25 (dividing by 4) for MNIST <-> SVHN, "with no apparent
            effect".
        **kwargs: passed on to ``keras.Model`` (e.g. ``name``).

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
    model.compile(g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                  d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5), loss="lsgan")
    model.fit(ds, epochs=5)
    colored = model.translate(mnist_images, direction="ab")
    ```
    """

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
        **kwargs,
    ):
        super().__init__(**kwargs)
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
        if float(lambda_cycle) < 0 or float(lambda_identity) < 0:
            raise ValueError(
                "CycleGAN: lambda_cycle and lambda_identity must be >= 0, got "
                f"{lambda_cycle} and {lambda_identity}."
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
        self.lambda_identity = float(lambda_identity)
        self.pool_size = int(pool_size)
        self.seed = seed
        self.d_loss_factor = float(d_loss_factor)
        self.image_shape_a = shape_a
        self.image_shape_b = shape_b
        self.pool_a = ImagePool(
            self.pool_size, shape_a, seed=seed, name="pool_a"
        )
        self.pool_b = ImagePool(
            self.pool_size, shape_b, seed=None if seed is None else seed + 1, name="pool_b"
        )
        self.trackers = {name: keras.metrics.Mean(name=name) for name in _LOG_NAMES}
        self.g_optimizer = None
        self.d_optimizer = None
        self.loss_name = None
        self.built = True

    # -- Keras plumbing -------------------------------------------------------

    @property
    def metrics(self):
        return list(self.trackers.values())

    def compile(self, g_optimizer=None, d_optimizer=None, loss="lsgan", **kwargs):
        """Configures the optimizers and the adversarial loss.

        Args:
            g_optimizer: optimizer of both generators; None: ``Adam(2e-4, beta_1=0.5)``,
                the paper's setting.
            d_optimizer: optimizer of both discriminators (None: the same default); must
                be a different instance. Adam keeps per-variable state, so one optimizer for two
                networks equals one optimizer each.
            loss: ``"lsgan"`` (least squares, the paper's choice: G minimises
                ``mean((D(G(x)) - 1)^2)``, D ``d_loss_factor * (mean((D(y) - 1)^2) + mean(D(G(x))^2))``)
                or ``"bce"`` (G: ``BCE(D(G(x)), 1)``, D: ``d_loss_factor`` times the sum of the
                BCE terms).
            **kwargs: passed on to ``keras.Model.compile`` (``run_eagerly``,
                ``jit_compile``, ``steps_per_execution``).

        Example:

        ```python
        model.compile(g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                      d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
        ```
        """
        if g_optimizer is None:
            g_optimizer = keras.optimizers.Adam(2e-4, beta_1=0.5, name="g_adam")
        if d_optimizer is None:
            d_optimizer = keras.optimizers.Adam(2e-4, beta_1=0.5, name="d_adam")
        g_optimizer = keras.optimizers.get(g_optimizer)
        d_optimizer = keras.optimizers.get(d_optimizer)
        if g_optimizer is d_optimizer:
            raise ValueError(
                "CycleGAN.compile: g_optimizer and d_optimizer must be two different "
                "optimizer instances."
            )
        if loss not in _LOSS_FUNCTIONS:
            raise ValueError(f"CycleGAN.compile: loss must be one of {CYCLEGAN_LOSSES}, got {loss!r}.")
        allowed = {"jit_compile", "run_eagerly", "steps_per_execution", "auto_scale_loss"}
        unknown = set(kwargs) - allowed
        if unknown:
            raise ValueError(
                f"CycleGAN.compile does not take {sorted(unknown)}: pass g_optimizer= and "
                f"d_optimizer= (other allowed arguments: {sorted(allowed)})."
            )
        super().compile(optimizer=None, **kwargs)
        self._compile_kwargs = dict(kwargs)
        self.g_optimizer = g_optimizer
        self.d_optimizer = d_optimizer
        self.loss_name = loss
        self._d_loss_fn, self._g_loss_fn = _LOSS_FUNCTIONS[loss]
        # Create the optimizer slots now, so a reloaded model can restore them.
        self.g_optimizer.build(self._generator_variables())
        self.d_optimizer.build(self._discriminator_variables())

    def get_compile_config(self):
        if self.g_optimizer is None:
            return {}
        return {
            "g_optimizer": keras.saving.serialize_keras_object(self.g_optimizer),
            "d_optimizer": keras.saving.serialize_keras_object(self.d_optimizer),
            "loss": self.loss_name,
            **self._compile_kwargs,
        }

    def compile_from_config(self, config):
        if not config:
            return
        config = dict(config)
        g_optimizer = keras.saving.deserialize_keras_object(config.pop("g_optimizer"))
        d_optimizer = keras.saving.deserialize_keras_object(config.pop("d_optimizer"))
        self.compile(g_optimizer=g_optimizer, d_optimizer=d_optimizer, **config)

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "generator_ab": keras.saving.serialize_keras_object(self.generator_ab),
            "generator_ba": keras.saving.serialize_keras_object(self.generator_ba),
            "discriminator_a": keras.saving.serialize_keras_object(self.discriminator_a),
            "discriminator_b": keras.saving.serialize_keras_object(self.discriminator_b),
            "lambda_cycle": self.lambda_cycle,
            "lambda_identity": self.lambda_identity,
            "pool_size": self.pool_size,
            "seed": self.seed,
            "d_loss_factor": self.d_loss_factor,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        for key in ("generator_ab", "generator_ba", "discriminator_a", "discriminator_b"):
            config[key] = keras.saving.deserialize_keras_object(
                config[key], custom_objects=custom_objects
            )
        return cls(**config)

    def call(self, inputs, training=False):
        """Translates ``(a, b)`` to ``(G_AB(a), G_BA(b))``, or ``a`` to ``G_AB(a)``."""
        if isinstance(inputs, (tuple, list)):
            a, b = inputs
            return (
                self.generator_ab(a, training=training),
                self.generator_ba(b, training=training),
            )
        return self.generator_ab(inputs, training=training)

    # -- training -------------------------------------------------------------

    def _generator_variables(self):
        return self.generator_ab.trainable_variables + self.generator_ba.trainable_variables

    def _discriminator_variables(self):
        return (
            self.discriminator_a.trainable_variables + self.discriminator_b.trainable_variables
        )

    def _unpack(self, data, method):
        if not isinstance(data, (tuple, list)) or len(data) != 2:
            raise ValueError(
                f"CycleGAN.{method} expects batches of (a_images, b_images), e.g. from "
                "gankit.data.unpaired(ds_a, ds_b)."
            )
        if self.g_optimizer is None:
            raise ValueError("Call CycleGAN.compile(g_optimizer=..., d_optimizer=...) first.")
        return ops.cast(data[0], "float32"), ops.cast(data[1], "float32")

    def _generator_losses(self, real_a, real_b, training):
        """Generator loss parts, their weighted sum and the fakes ``(parts, fake_a, fake_b)``."""
        fake_b = self.generator_ab(real_a, training=training)
        fake_a = self.generator_ba(real_b, training=training)
        parts = {
            "g_ab_adv": self._g_loss_fn(self.discriminator_b(fake_b, training=training)),
            "g_ba_adv": self._g_loss_fn(self.discriminator_a(fake_a, training=training)),
            "cycle_a": _l1(self.generator_ba(fake_b, training=training), real_a),
            "cycle_b": _l1(self.generator_ab(fake_a, training=training), real_b),
        }
        if self.lambda_identity > 0:
            parts["identity_a"] = _l1(self.generator_ba(real_a, training=training), real_a)
            parts["identity_b"] = _l1(self.generator_ab(real_b, training=training), real_b)
        else:
            parts["identity_a"] = parts["identity_b"] = ops.zeros((), "float32")
        parts["g_loss"] = (
            parts["g_ab_adv"]
            + parts["g_ba_adv"]
            + self.lambda_cycle * (parts["cycle_a"] + parts["cycle_b"])
            + self.lambda_cycle * self.lambda_identity * (parts["identity_a"] + parts["identity_b"])
        )
        return parts, fake_a, fake_b

    def _discriminator_losses(self, real_a, real_b, fake_a, fake_b, training):
        d_a_loss = self.d_loss_factor * self._d_loss_fn(
            self.discriminator_a(real_a, training=training),
            self.discriminator_a(fake_a, training=training),
        )
        d_b_loss = self.d_loss_factor * self._d_loss_fn(
            self.discriminator_b(real_b, training=training),
            self.discriminator_b(fake_b, training=training),
        )
        return {"d_a_loss": d_a_loss, "d_b_loss": d_b_loss, "d_loss": d_a_loss + d_b_loss}

    def _log(self, values):
        for name, value in values.items():
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def train_step(self, data):
        real_a, real_b = self._unpack(data, "fit")
        g_vars = self._generator_variables()
        d_vars = self._discriminator_variables()
        with tf.GradientTape() as tape:
            g_parts, fake_a, fake_b = self._generator_losses(real_a, real_b, training=True)
        self.g_optimizer.apply(tape.gradient(g_parts["g_loss"], g_vars), g_vars)

        # Discriminators: real images vs the history pools of generated ones.
        pooled_a = self.pool_a(ops.stop_gradient(fake_a))
        pooled_b = self.pool_b(ops.stop_gradient(fake_b))
        with tf.GradientTape() as tape:
            d_parts = self._discriminator_losses(real_a, real_b, pooled_a, pooled_b, training=True)
        self.d_optimizer.apply(tape.gradient(d_parts["d_loss"], d_vars), d_vars)
        return self._log({**d_parts, **g_parts})

    def test_step(self, data):
        """Same losses on validation pairs, without updates and without the pools."""
        real_a, real_b = self._unpack(data, "evaluate")
        g_parts, fake_a, fake_b = self._generator_losses(real_a, real_b, training=False)
        d_parts = self._discriminator_losses(real_a, real_b, fake_a, fake_b, training=False)
        return self._log({**d_parts, **g_parts})

    # -- inference ------------------------------------------------------------

    def translate(self, images, direction="ab", batch_size=256):
        """Translates images with ``G_AB`` (``"ab"``) or ``G_BA`` (``"ba"``), in inference mode.

        Args:
            images: float images in [-1, 1] (or uint8, scaled to [-1, 1]) of the
                source domain's shape, NHWC; a single HWC image is accepted too.
            direction: ``"ab"`` (A -> B) or ``"ba"`` (B -> A).
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
            images = images.astype("float32") / 127.5 - 1.0
        images = images.astype("float32")
        if images.size and (images.min() < -1.001 or images.max() > 1.001):
            raise ValueError(
                "translate expects float images in [-1, 1] (or uint8); got values in "
                f"[{images.min():.3g}, {images.max():.3g}]."
            )
        outputs = [
            np.asarray(generator(images[i : i + batch_size], training=False))
            for i in range(0, len(images), int(batch_size))
        ]
        if not outputs:
            return np.zeros((0, *_shape(generator, "out")), "float32")
        return np.concatenate(outputs).astype("float32")
