"""`AdversarialModel`, the base of the GAN models: net checks, train_step, generation.

`AdversarialModel` is a `keras.Model` holding a generator and a discriminator (or critic). It
trains with `fit`: each `train_step` does `d_steps` discriminator updates and one generator
update, each network with its own optimizer. The last discriminator update and the generator
update share one generated batch: D is updated on it (detached), then G is updated through the
updated D on the same fake batch, so the generator update draws no fresh noise (earlier
discriminator updates, if any, draw their own). Noise comes from a `keras.random.SeedGenerator`.
`WGANGP` overrides `train_step` (Algorithm 1 of the WGAN-GP paper: its generator update draws
fresh noise).

What is saved with `model.save("x.keras")` (and restored by `keras.models.load_model`): the
generator and discriminator (config and weights, BatchNorm statistics included), both
optimizers (config and variables: iterations, moments), the adversarial loss and label
smoothing, the state of every `SeedGenerator` in the model (the noise stream and the
Dropout layers' streams; Keras 3 does not save these by itself) and, for a model built with
`ema_momentum`, the moving average of the generator's weights that `generate` uses. So a run resumed with
`fit(..., initial_epoch=k)` from a checkpoint continues exactly where it stopped, given the same
data order. Compile, trackers and saving are `TwoPlayerModel`'s (`gankit.models.two_player`),
shared with `CycleGAN`.
"""

import contextlib

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from gankit import losses
from gankit.checks import check_int, check_weight
from gankit.models.replicas import Shard
from gankit.models.two_player import TwoPlayerModel


def interpolate_latents(z0, z1, steps, method="linear"):
    """A path of `steps` latent vectors from `z0` to `z1` (both ends included).

    Args:
        z0: start vector, shape `(latent_dim,)`.
        z1: end vector, same shape.
        steps: number of points, >= 2.
        method: `"linear"` (straight line) or `"slerp"` (great circle, keeps the norm of
            Gaussian noise typical; falls back to linear for (anti)parallel vectors).

    Returns:
        float32 numpy array `(steps, latent_dim)`.

    Example:

    >>> z = interpolate_latents(np.zeros(4), np.ones(4), steps=3)
    >>> z[1]
    array([0.5, 0.5, 0.5, 0.5], dtype=float32)
    """
    z0 = np.asarray(z0, dtype="float64")
    z1 = np.asarray(z1, dtype="float64")
    if z0.ndim != 1 or z0.shape != z1.shape:
        raise ValueError(
            f"z0 and z1 must be vectors of the same length; got shapes {z0.shape} and {z1.shape}."
        )
    if not isinstance(steps, (int, np.integer)) or steps < 2:
        raise ValueError(f"steps must be an int >= 2, got {steps!r}.")
    if method not in ("linear", "slerp"):
        raise ValueError(f"method must be 'linear' or 'slerp', got {method!r}.")
    t = np.linspace(0.0, 1.0, steps)[:, None]
    if method == "slerp":
        n0, n1 = np.linalg.norm(z0), np.linalg.norm(z1)
        if n0 > 0 and n1 > 0:
            omega = np.arccos(np.clip(np.dot(z0 / n0, z1 / n1), -1.0, 1.0))
            if np.sin(omega) > 1e-6:
                path = (np.sin((1 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)
                return path.astype("float32")
    return ((1 - t) * z0 + t * z1).astype("float32")


def _check_momentum(momentum):
    if momentum is None:
        return None
    if isinstance(momentum, bool) or not isinstance(momentum, (int, float, np.floating)) or not (
            0.0 < float(momentum) < 1.0):
        raise ValueError(
            f"ema_momentum must be None or a float in (0, 1), e.g. 0.999; got {momentum!r}."
        )
    return float(momentum)


def _noise_shape(generator):
    """Shape of one noise sample, read from the generator's first input, or None.

    `(latent_dim,)` for the usual noise vector; an image shape such as `(28, 28, 1)` for a
    generator fed a noise image (report 000's conv LSGAN).
    """
    inputs = getattr(generator, "inputs", None)
    if not inputs:
        return None
    return tuple(None if d is None else int(d) for d in inputs[0].shape[1:])


def _input_count(model):
    inputs = getattr(model, "inputs", None)
    return len(inputs) if inputs else None


def label_count(generator):
    """Number of classes of a conditional generator: the size of its label input, or None.

    Args:
        generator: a `keras.Model`; conditional when it takes `[noise, one_hot_labels]`.

    Returns:
        int, or None for a generator with one input (or no symbolic inputs).

    Example:

    >>> label_count(gankit.nets.cgan_generator(num_classes=10))
    10
    """
    inputs = getattr(generator, "inputs", None)
    if not inputs or len(inputs) != 2:
        return None
    return int(inputs[1].shape[-1])


def check_noise_scale(noise_scale):
    """`noise_scale` as a float, or a `ValueError` unless it is a positive finite number."""
    if (not isinstance(noise_scale, (int, float, np.integer, np.floating))
            or isinstance(noise_scale, bool) or not np.isfinite(noise_scale) or noise_scale <= 0):
        raise ValueError(f"noise_scale must be a positive number, got {noise_scale!r}.")
    return float(noise_scale)


class AdversarialModel(TwoPlayerModel):
    """Base class of `GAN`, `ConditionalGAN` and `WGANGP`; not used directly.

    A `TwoPlayerModel` whose players are one generator and one discriminator (or critic).

    Subclasses set `d_steps` (discriminator updates per batch) and may add a term to the
    discriminator loss with `discriminator_penalty`.

    Args:
        generator: `keras.Model`, noise (and one-hot labels when conditional) -> images in
            [-1, 1].
        discriminator: `keras.Model`, images (and one-hot labels) -> logits.
        latent_dim: noise size; None reads it from the generator's first input. A generator
            whose first input is image-shaped (e.g. `(28, 28, 1)`, report 000's conv LSGAN fed
            a noise image) is fed noise of that shape (`model.latent_shape`); `latent_dim` is
            then the number of noise values (784).
        num_classes: None for an unconditional model, else the number of classes.
        seed: seed of the training noise stream (None: random).
        ema_momentum: None, or a float in (0, 1) (e.g. 0.999): also keep an exponential moving
            average of the generator's weights, updated after every generator update, which
            `generate` and `interpolate` then use (see `average_weights`).
        mode_seeking_weight: float >= 0, weight of the mode-seeking term of MSGAN (Mao et al.
            2019; `gankit.losses.mode_seeking`) in G's loss. 0 (the default) leaves it out;
            above 0, each generator update also generates a second batch from fresh noise and
            the same labels, G is pushed to make the two batches differ (more varied samples,
            at some cost in fidelity and about 40 % more time per step), and the ratio
            `mean|G(z1) - G(z2)| / mean|z1 - z2|` is logged as `diversity`.
        **kwargs: passed to `keras.Model` (e.g. `name`).
    """

    d_steps = 1
    log_names = ("d_loss", "g_loss", "real_score", "fake_score")
    net_arguments = ("generator", "discriminator")  # WGANGP: ("generator", "critic")

    def __init__(
        self, generator, discriminator, latent_dim=None, num_classes=None, seed=None,
        ema_momentum=None, mode_seeking_weight=0.0, **kwargs
    ):
        super().__init__(seed=seed, **kwargs)
        self.mode_seeking_weight = check_weight("mode_seeking_weight", mode_seeking_weight)
        if self.mode_seeking_weight:
            self.log_names = (*self.log_names, "diversity")
            self.trackers["diversity"] = keras.metrics.Mean(name="diversity")
        for role, net in (("generator", generator), (self.net_arguments[1], discriminator)):
            if not isinstance(net, keras.layers.Layer):
                raise ValueError(
                    f"{role} must be a keras.Model (e.g. from gankit.nets), got {type(net)!r}."
                )
        self.generator = generator
        self.discriminator = discriminator
        self.num_classes = None if num_classes is None else int(num_classes)
        self.latent_dim = self._infer_latent_dim(generator, latent_dim)
        # The noise is a vector (latent_dim,) or, for a generator whose noise input is
        # image-shaped (report 000's conv LSGAN), that shape; latent_dim counts its values.
        self.latent_shape = _noise_shape(generator) or (self.latent_dim,)
        self._check_nets()
        self.seed_generator = keras.random.SeedGenerator(seed, name="noise_seed_generator")
        self.ema_momentum = _check_momentum(ema_momentum)
        self._averages = self._make_averages() if self.ema_momentum is not None else []
        self.built = True

    @property
    def generator_nets(self):
        return (self.generator,)

    @property
    def discriminator_nets(self):
        return (self.discriminator,)


    # ------------------------------------------------------------------ construction checks
    @staticmethod
    def _infer_latent_dim(generator, latent_dim):
        if latent_dim is None:
            shape = _noise_shape(generator)
            if shape is None:
                raise ValueError(
                    "latent_dim is None and the generator has no symbolic inputs to read it "
                    "from; pass latent_dim."
                )
            latent_dim = int(np.prod(shape)) if None not in shape else None
        return check_int("latent_dim", latent_dim)

    def _condition_size(self):
        """Label units the nets take (None: unconditional nets); `SelfConditionedGAN`: clusters."""
        return self.num_classes

    def _check_nets(self):
        expected = 1 if self._condition_size() is None else 2
        kind = "an unconditional" if expected == 1 else "a conditional"
        form = {1: "noise", 2: "[noise, one_hot_labels]"}[expected]
        count = _input_count(self.generator)
        if count is not None and count != expected:
            raise ValueError(
                f"{type(self).__name__} is {kind} model: its generator must take {form}, but the "
                f"generator has {count} inputs. Use ConditionalGAN (or num_classes=) for "
                "conditional nets, GAN for unconditional ones."
            )
        count = _input_count(self.discriminator)
        form = {1: "images", 2: "[images, one_hot_labels]"}[expected]
        if count is not None and count != expected:
            raise ValueError(
                f"{type(self).__name__} is {kind} model: its {self.net_arguments[1]} must take "
                f"{form}, but it has {count} inputs."
            )
        g_inputs = getattr(self.generator, "inputs", None)
        if g_inputs and int(np.prod(self.latent_shape)) != self.latent_dim:
            raise ValueError(
                f"latent_dim={self.latent_dim} but the generator's noise input has shape "
                f"{self.latent_shape}."
            )
        if len(self.latent_shape) > 1 and expected != 1:
            raise ValueError(
                "An image-shaped noise input (a generator fed a noise image) is supported for "
                "unconditional models only."
            )
        if g_inputs and expected == 2 and g_inputs[1].shape[-1] != self._condition_size():
            raise ValueError(
                f"num_classes={self.num_classes} but the generator's label input has size "
                f"{g_inputs[1].shape[-1]}."
            )
        g_out = getattr(self.generator, "outputs", None)
        d_in = getattr(self.discriminator, "inputs", None)
        if g_out and d_in and tuple(g_out[0].shape[1:]) != tuple(d_in[0].shape[1:]):
            raise ValueError(
                f"The generator makes images of shape {tuple(g_out[0].shape[1:])} but the "
                f"{self.net_arguments[1]} expects {tuple(d_in[0].shape[1:])}."
            )

    def get_config(self):
        config = super().get_config()
        config["latent_dim"] = self.latent_dim
        config["ema_momentum"] = self.ema_momentum
        config["mode_seeking_weight"] = self.mode_seeking_weight
        return config

    # ------------------------------------------------------------------ weight average
    def _averaged_variables(self):
        """The generator's float variables the average follows (BatchNorm statistics too)."""
        return [v for v in self.generator.weights
                if keras.backend.standardize_dtype(v.dtype).startswith("float")]

    def _make_averages(self):
        # Model-owned copies, saved with the model. Every replica holds the same weights, so
        # a replica's update of the average is the same everywhere ("only_first_replica").
        averages = []
        for i, variable in enumerate(self._averaged_variables()):
            average = self.add_weight(
                shape=variable.shape, dtype=variable.dtype, initializer="zeros",
                trainable=False, name=f"generator_average_{i}",
                aggregation="only_first_replica")
            average.assign(variable)
            averages.append(average)
        self.ema_updates = self.add_weight(
            shape=(), dtype="int64", initializer="zeros", trainable=False, name="ema_updates",
            aggregation="only_first_replica")
        return averages

    def _update_average(self):
        """Moves the average towards the generator's weights (after each generator update).

        The decay is `min(ema_momentum, (1 + n) / (10 + n))` at the `n`-th update, as in
        `tf.train.ExponentialMovingAverage(num_updates=n)`: early on the average follows the
        weights closely, so the random initial weights do not linger in it.
        """
        if not self._averages:
            return
        n = ops.cast(self.ema_updates, "float32")
        decay = ops.minimum(self.ema_momentum, (1.0 + n) / (10.0 + n))
        for average, variable in zip(self._averages, self._averaged_variables()):
            average.assign(average * decay + ops.cast(variable, average.dtype) * (1.0 - decay))
        self.ema_updates.assign_add(1)

    @contextlib.contextmanager
    def average_weights(self):
        """Within the block, `generator` holds the moving average of its weights.

        `generate` and `interpolate` use it by themselves; use the block to export or inspect
        the averaged generator. The generator's own (training) weights are put back when the
        block ends, even on an error.

        Yields:
            the generator (`keras.Model`) holding the averaged weights.

        Raises:
            ValueError: the model keeps no average (built without `ema_momentum`).

        Example:

        ```python
        cgan = gankit.ConditionalGAN(g, d, ema_momentum=0.999)
        ...  # compile and fit
        with cgan.average_weights() as generator:
            generator.save("averaged_generator.keras")
        ```
        """
        if not self._averages:
            raise ValueError(
                f"This {type(self).__name__} keeps no average of the generator's weights; build "
                "it with ema_momentum=0.999 (for example) to keep one."
            )
        variables = self._averaged_variables()
        live = [ops.convert_to_numpy(v) for v in variables]
        try:
            for variable, average in zip(variables, self._averages):
                variable.assign(average)
            yield self.generator
        finally:
            for variable, value in zip(variables, live):
                variable.assign(value)

    # ------------------------------------------------------------------ training
    def call(self, inputs, training=False):
        """Runs the generator: `model(noise)` (or `model([noise, one_hot])`) -> images."""
        return self.generator(inputs, training=training)

    def _generator_inputs(self, noise, one_hot):
        return noise if one_hot is None else [noise, one_hot]

    def _discriminator_inputs(self, images, one_hot):
        return images if one_hot is None else [images, one_hot]

    def _unpack(self, data):
        images, labels, _ = keras.utils.unpack_x_y_sample_weight(data)
        if isinstance(images, (list, tuple)):
            raise ValueError(
                "Expected batches of images or (images, labels); got a nested structure "
                f"{type(images).__name__} as images."
            )
        if keras.backend.standardize_dtype(images.dtype).startswith(("int", "uint", "bool")):
            raise ValueError(
                f"Images must be float32 in [-1, 1], got dtype {images.dtype}; build the dataset "
                "with gankit.data.from_arrays / gankit.data.load, which scale uint8 images."
            )
        images = ops.cast(images, "float32")
        if self.num_classes is None:
            return images, None
        if labels is None:
            raise ValueError(
                f"{type(self).__name__} is conditional: fit it on batches of (images, labels) "
                "(labels as ints or one-hot), e.g. gankit.data.load(name, one_hot=True)."
            )
        return images, self._one_hot(labels)

    def _one_hot(self, labels):
        rank = len(labels.shape)
        if rank == 2 and labels.shape[-1] == self.num_classes and labels.shape[-1] != 1:
            return ops.cast(labels, "float32")
        if rank == 2 and labels.shape[-1] == 1:
            labels = ops.squeeze(labels, axis=-1)
            rank = 1
        if rank != 1:
            raise ValueError(
                f"Labels must be ints of shape (batch,) or one-hot (batch, {self.num_classes}); "
                f"got shape {labels.shape}."
            )
        return ops.one_hot(ops.cast(labels, "int32"), self.num_classes)

    def _noise(self, batch_size):
        # Under tf.distribute: this replica's rows of the global batch's noise (see Shard).
        return Shard(batch_size).draw(
            lambda n: keras.random.normal((n, *self.latent_shape), seed=self.seed_generator)
        )

    def discriminator_penalty(self, real, fake, one_hot):
        """Extra term of the discriminator loss (0 here; the gradient penalty in WGANGP).

        Args:
            real: real images.
            fake: generated images.
            one_hot: one-hot labels or None.

        Returns:
            `(weighted_term, logs)`: a scalar added to D's loss and a dict of scalars to log.
        """
        return 0.0, {}

    def _fake(self, one_hot, batch_size, noise=None):
        """G's images (training mode) from `noise`, or from fresh noise when it is None."""
        noise = self._noise(batch_size) if noise is None else noise
        return self.generator(self._generator_inputs(noise, one_hot), training=True)

    def _discriminator_step(self, real, one_hot, fake):
        """One discriminator update on `real` and the (gradient-stopped) `fake` batch."""
        fake = ops.stop_gradient(fake)
        shard = Shard(ops.shape(real)[0])
        variables = self.discriminator.trainable_variables
        with tf.GradientTape() as tape:
            real_logits = self.discriminator(
                self._discriminator_inputs(real, one_hot), training=True
            )
            fake_logits = self.discriminator(
                self._discriminator_inputs(fake, one_hot), training=True
            )
            d_loss = self.adversarial_loss.discriminator_loss(
                real_logits, fake_logits, self.label_smoothing
            )
            penalty, logs = self.discriminator_penalty(real, fake, one_hot)
            d_loss = d_loss + penalty
            if self.discriminator.losses:
                d_loss = d_loss + ops.sum(self.discriminator.losses)
            # the global-batch mean's share (gankit.models.replicas), loss-scaled under float16
            scaled = self.d_optimizer.scale_loss(shard.scale(d_loss))
        grads = tape.gradient(scaled, variables)
        self.d_optimizer.apply(grads, variables)
        self.update_trackers(
            {
                "d_loss": d_loss,
                "real_score": self.adversarial_loss.score(real_logits),
                "fake_score": self.adversarial_loss.score(fake_logits),
            },
            shard.tracker_weight,
        )
        return logs

    def train_step(self, data):
        """One batch: `d_steps` discriminator updates, then one generator update.

        As in the common PyTorch references, the generator runs forward once for the last
        discriminator update and the generator update together: D is updated on the detached
        fake batch, then G is updated through the freshly updated D on that same batch (its
        forward pass recorded on G's tape). Earlier discriminator updates (`d_steps > 1`) each
        draw a fresh fake batch. (`WGANGP` has its own `train_step`.)

        The fake batch uses the real batch's labels (conditional models). D's update moves only
        D's trainable weights, G's update only G's (BatchNorm statistics of both nets follow
        their forward passes in training mode).

        Logs (epoch means in `fit`'s history): `d_loss`, `g_loss`, `real_score`, `fake_score`:
        D's mean score on the real and fake batches of its updates: the mean sigmoid
        probability for the `"bce"`/`"minimax"` losses, the mean raw output for `"lsgan"`,
        `"hinge"` and `"wasserstein"`.
        """
        self.require_compiled("fit")
        real, one_hot = self._unpack(data)
        batch_size = ops.shape(real)[0]
        shard = Shard(batch_size)
        for _ in range(self.d_steps - 1):
            self._discriminator_step(real, one_hot, self._fake(one_hot, batch_size))
        with tf.GradientTape() as tape:
            noise = self._noise(batch_size)
            fake = self._fake(one_hot, batch_size, noise)
            with tape.stop_recording():
                self._discriminator_step(real, one_hot, fake)
            g_loss, scaled = self._generator_objective(fake, one_hot, shard, noise)
        return self._apply_generator_update(tape, g_loss, scaled, shard)

    def _generator_objective(self, fake, one_hot, shard, noise):
        """G's loss on the `fake` batch (made from `noise`), computed inside G's tape, and the
        form to differentiate.

        With `mode_seeking_weight > 0` a second batch from fresh noise and the same labels adds
        the weighted mode-seeking term (`gankit.losses.mode_seeking`) and logs `diversity`.

        Returns:
            `(g_loss, scaled)`: the loss to log (regularization and mode-seeking terms included)
            and its share of the global batch's mean (`gankit.models.replicas`), loss-scaled
            under float16.
        """
        fake_logits = self.discriminator(self._discriminator_inputs(fake, one_hot), training=True)
        g_loss = self.adversarial_loss.generator_loss(fake_logits)
        if self.generator.losses:
            g_loss = g_loss + ops.sum(self.generator.losses)
        if self.mode_seeking_weight:
            batch_size = ops.shape(fake)[0]
            other_noise = self._noise(batch_size)
            other = self._fake(one_hot, batch_size, other_noise)
            term, ratio = losses.mode_seeking(fake, other, noise, other_noise)
            g_loss = g_loss + self.mode_seeking_weight * term
            self.update_trackers({"diversity": ratio}, shard.tracker_weight)
        return g_loss, self.g_optimizer.scale_loss(shard.scale(g_loss))

    def _apply_generator_update(self, tape, g_loss, scaled, shard):
        """Applies G's gradients of `scaled` from `tape`, logs `g_loss`, returns the logs."""
        variables = self.generator.trainable_variables
        self.g_optimizer.apply(tape.gradient(scaled, variables), variables)
        self._update_average()
        self.update_trackers({"g_loss": g_loss}, shard.tracker_weight)
        return self.tracker_results()

    def test_step(self, data):
        raise ValueError(
            f"{type(self).__name__} has no validation loss; evaluate generators with "
            "gankit.metrics (e.g. inception_score) on model.generate(...) samples."
        )

    # ------------------------------------------------------------------ generation
    def _labels_array(self, labels, n=None):
        labels = np.asarray(labels)
        if labels.ndim == 0:
            labels = np.full((n if n is not None else 1,), labels)
        if labels.ndim == 2 and labels.shape[1] == self.num_classes and labels.dtype.kind == "f":
            return labels.astype("float32")
        if labels.ndim != 1 or labels.dtype.kind not in "iu":
            raise ValueError(
                "Labels must be ints of shape (n,) (or one-hot floats (n, num_classes)); got "
                f"an array of shape {labels.shape} and dtype {labels.dtype}."
            )
        if labels.size and (labels.min() < 0 or labels.max() >= self.num_classes):
            raise ValueError(
                f"Labels must be in [0, {self.num_classes}); got values from {labels.min()} to "
                f"{labels.max()}."
            )
        return np.eye(self.num_classes, dtype="float32")[labels]

    def _run_generator(self, noise, one_hot, batch_size):
        inputs = noise if one_hot is None else [noise, one_hot]
        block = self.average_weights() if self._averages else contextlib.nullcontext()
        with block:
            return self.predict_in_batches(
                self.generator, inputs, batch_size, self.generator.output_shape[1:]
            )

    def _check_noise(self, noise, n):
        noise = np.asarray(noise, dtype="float32")
        flat = noise.ndim == 2 and noise.shape[1] == self.latent_dim
        if not flat and tuple(noise.shape[1:]) != self.latent_shape:
            shapes = f"(n, {self.latent_dim})"
            if len(self.latent_shape) > 1:
                shapes += f" or (n, {', '.join(map(str, self.latent_shape))})"
            raise ValueError(f"noise must have shape {shapes}; got {noise.shape}.")
        if n is not None and len(noise) != n:
            raise ValueError(f"Got {len(noise)} noise vectors for {n} images.")
        return noise.reshape((len(noise), *self.latent_shape))

    def _draw_noise(self, n, seed, noise, noise_scale):
        """`noise` checked, or `n` vectors of `noise_scale * default_rng(seed).standard_normal`."""
        noise_scale = check_noise_scale(noise_scale)
        if noise is not None:
            if noise_scale != 1.0:
                raise ValueError("Pass noise= or noise_scale=, not both (scale the noise "
                                 "yourself).")
            return self._check_noise(noise, n)
        rng = np.random.default_rng(seed)
        noise = rng.standard_normal((n, self.latent_dim)).astype("float32")
        if noise_scale != 1.0:
            noise *= np.float32(noise_scale)
        return noise.reshape((n, *self.latent_shape))

    def generate(self, n_or_labels=None, seed=None, batch_size=256, noise=None,
                 noise_scale=1.0):
        """Generates images with the generator in inference mode (BatchNorm uses its statistics).

        Inference mode makes every image depend only on its own noise (and label), never on
        the rest of the batch: a batch of one class gives the same images as a mixed batch.
        A model built with `ema_momentum` generates with the moving average of the generator's
        weights (`average_weights`); `model(noise)` runs the training weights.

        Args:
            n_or_labels: unconditional models: the number of images (may be None when `noise`
                is given). Conditional models: int labels `(n,)` (one-hot floats
                `(n, num_classes)` also work).
            seed: int: the noise is `numpy.random.default_rng(seed).standard_normal` and the
                same seed gives the same images; None: fresh noise. Never touches the training
                noise stream.
            batch_size: images per generator call.
            noise: optional explicit noise `(n, latent_dim)` (or `(n, *latent_shape)`) instead
                of drawing it.
            noise_scale: standard deviation of the drawn noise (the generator trained on 1).
                Above 1 the samples grow more varied and less faithful (the opposite of
                truncation); `gankit.studies.FilteredGenerator` redraws the unfaithful ones.

        Returns:
            float32 numpy array `(n, height, width, channels)` in [-1, 1].

        Raises:
            ValueError: a wrong count or labels, a noise of the wrong shape, a `noise_scale`
                that is not positive, or `noise` together with a `noise_scale` other than 1.

        Example:

        ```python
        images = gan.generate(16, seed=0)
        digits = cgan.generate(np.repeat(np.arange(10), 10), seed=0)
        varied = cgan.generate(np.repeat(np.arange(10), 10), seed=0, noise_scale=2.0)
        ```
        """
        if self.num_classes is None:
            if n_or_labels is None:
                if noise is None:
                    raise ValueError("Pass the number of images (or noise=).")
                n = None
            elif isinstance(n_or_labels, (int, np.integer)) and not isinstance(n_or_labels, bool):
                if n_or_labels < 0:
                    raise ValueError(f"The number of images must be >= 0, got {n_or_labels}.")
                n = int(n_or_labels)
            else:
                raise ValueError(
                    f"{type(self).__name__} is unconditional: pass the number of images, not "
                    f"{type(n_or_labels).__name__}."
                )
            one_hot = None
        else:
            if n_or_labels is None or isinstance(n_or_labels, (int, np.integer)):
                raise ValueError(
                    f"{type(self).__name__} is conditional: pass an array of int labels, e.g. "
                    f"generate(np.arange({self.num_classes}))."
                )
            one_hot = self._labels_array(n_or_labels)
            n = len(one_hot)
        noise = self._draw_noise(n, seed, noise, noise_scale)
        return self._run_generator(noise, one_hot, batch_size)

    def interpolate(self, z0, z1, steps=10, method="linear", labels=None, batch_size=256):
        """Images along a latent walk from `z0` to `z1` (a latent-space interpolation).

        Args:
            z0: start noise `(latent_dim,)` (or of shape `latent_shape`).
            z1: end noise, same shape.
            steps: number of images, ends included.
            method: `"linear"` or `"slerp"` (see `interpolate_latents`).
            labels: conditional models only: one int label for the whole walk, int labels
                `(steps,)`, or one-hot/mixed floats `(steps, num_classes)` (to walk between
                classes too).
            batch_size: images per generator call.

        Returns:
            float32 numpy array `(steps, height, width, channels)` in [-1, 1].

        Example:

        ```python
        rng = np.random.default_rng(0)
        z0, z1 = rng.standard_normal((2, gan.latent_dim))
        frames = gan.interpolate(z0, z1, steps=8, method="slerp")
        ```
        """
        if len(self.latent_shape) > 1:  # noise images: walk between their flattened values
            z0, z1 = np.ravel(z0), np.ravel(z1)
        noise = interpolate_latents(z0, z1, steps, method)
        if noise.shape[1] != self.latent_dim:
            raise ValueError(f"z0 and z1 must have length latent_dim={self.latent_dim}.")
        noise = noise.reshape((steps, *self.latent_shape))
        if self.num_classes is None:
            if labels is not None:
                raise ValueError(f"{type(self).__name__} is unconditional: labels must be None.")
            one_hot = None
        else:
            if labels is None:
                raise ValueError(f"{type(self).__name__} is conditional: pass labels.")
            one_hot = self._labels_array(labels, n=steps)
            if len(one_hot) != steps:
                raise ValueError(f"Got {len(one_hot)} labels for {steps} steps.")
        return self._run_generator(noise, one_hot, batch_size)
