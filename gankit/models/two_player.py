"""`TwoPlayerModel`: what every gankit model of two players shares, GANs and CycleGAN alike.

A two-player model trains a generator player and a discriminator player, each with its own
optimizer. For `GAN`, `ConditionalGAN` and `WGANGP` (see `gankit.models.base`) each player is
one network; for `CycleGAN` the generator player is both generators and the discriminator
player both discriminators. This class owns, once for all of them:

* `compile(*, d_optimizer=None, g_optimizer=None, loss=None, label_smoothing=0.0, ...)`: the
  optimizers by keyword only (a positional call raises `TypeError`, so they can never be
  swapped), its checks, the adversarial loss from `gankit.losses`, and the optimizer variables
  built on the right networks; under a `mixed_float16` policy both optimizers are wrapped in
  `keras.optimizers.LossScaleOptimizer` (as `keras.Model.compile` does with
  `auto_scale_loss=True`), and every `train_step` takes its gradients of
  `optimizer.scale_loss(loss)` (a no-op for a plain optimizer);
* the compile config, so `keras.models.load_model` restores both optimizers and the loss;
* the loss trackers, one `keras.metrics.Mean` per name in `log_names`, exposed in `metrics`;
* the saving of every `keras.random.SeedGenerator` state in the model (Keras 3 does not save
  them; without them a resumed run would draw other random numbers than an uninterrupted one);
* `get_config`/`from_config` for the networks given to the constructor;
* `predict_in_batches`, the batched inference of `generate` and `translate`.

Subclasses define the networks (`generator_nets`, `discriminator_nets`), `log_names` and
`train_step`.
"""

import copy

import keras
import numpy as np

from gankit import losses
from gankit.batches import predict_in_batches
from gankit.checks import check_int
from gankit.models.fitting import FitDefaults
from gankit.models.replicas import keras_logs, synchronize_batch_norm

__all__ = ["TwoPlayerModel"]

_SEED_KEY = "seed_generator_state_"
_KERAS_COMPILE_ARGS = ("jit_compile", "run_eagerly", "steps_per_execution", "auto_scale_loss")


class TwoPlayerModel(FitDefaults, keras.Model):
    """Base class of gankit's models of two players; not used directly.

    Subclasses set the class attributes below, assign their networks in `__init__`, and
    define `generator_nets`, `discriminator_nets` and `train_step`.

    Attributes:
        log_names: names of the logged values, in log order (a tracker is made for each).
        net_arguments: the constructor arguments that are networks (saved by `get_config`).
        default_loss: the adversarial loss `compile` uses when given `loss=None`.
        supported_losses: names of the adversarial losses the model accepts (None: all of
            `gankit.losses.available()`).

    Args:
        seed: int or None, seed of the model's random streams (kept in the config).
        **kwargs: passed to `keras.Model` (e.g. `name`).

    Example:

    ```python
    class MyGAN(TwoPlayerModel):  # AdversarialModel and CycleGAN are the full versions
        log_names = ("d_loss", "g_loss")
        net_arguments = ("generator", "discriminator")

        def __init__(self, generator, discriminator, seed=None, **kwargs):
            super().__init__(seed=seed, **kwargs)
            self.generator, self.discriminator = generator, discriminator

        @property
        def generator_nets(self):
            return (self.generator,)

        @property
        def discriminator_nets(self):
            return (self.discriminator,)

        def train_step(self, data):
            ...  # compute d_loss and g_loss, apply self.d_optimizer and self.g_optimizer
            self.update_trackers({"d_loss": d_loss, "g_loss": g_loss})
            return self.tracker_results()
    ```
    """

    log_names = ()
    net_arguments = ()
    default_loss = "bce"
    supported_losses = None

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.trackers = {name: keras.metrics.Mean(name=name) for name in self.log_names}
        self.d_optimizer = None
        self.g_optimizer = None
        self.adversarial_loss = None
        self.label_smoothing = 0.0
        self._keras_compile_kwargs = {}
        self.jit_compile_pending = False

    # ------------------------------------------------------------------ the two players
    @property
    def generator_nets(self):
        """The networks that `g_optimizer` trains (a tuple); each subclass defines it."""
        raise NotImplementedError(f"{type(self).__name__} must define `generator_nets`.")

    @property
    def discriminator_nets(self):
        """The networks that `d_optimizer` trains (a tuple); each subclass defines it."""
        raise NotImplementedError(f"{type(self).__name__} must define `discriminator_nets`.")

    def generator_variables(self):
        """Trainable variables of the generator player, the first network's first."""
        return [v for net in self.generator_nets for v in net.trainable_variables]

    def discriminator_variables(self):
        """Trainable variables of the discriminator player, the first network's first."""
        return [v for net in self.discriminator_nets for v in net.trainable_variables]

    # ------------------------------------------------------------------ compile
    def default_optimizers(self):
        """Fresh `(d_optimizer, g_optimizer)` used when compile gets None: Adam(2e-4, beta_1=0.5)."""
        return (
            keras.optimizers.Adam(2e-4, beta_1=0.5, name="d_adam"),
            keras.optimizers.Adam(2e-4, beta_1=0.5, name="g_adam"),
        )

    def compile(
        self, *args, d_optimizer=None, g_optimizer=None, loss=None, label_smoothing=0.0, **kwargs
    ):
        """Configures the two optimizers and the adversarial loss.

        Every argument is a keyword: GAN and CycleGAN once took their optimizers in opposite
        orders, so a positional call is refused rather than risk swapping them.

        Args:
            d_optimizer: optimizer (instance, name or config) of the discriminator player;
                None uses `default_optimizers()`.
            g_optimizer: optimizer of the generator player; must be a different object.
            loss: name of a `gankit.losses` loss (`"bce"`, `"minimax"`, `"lsgan"`, `"hinge"`,
                `"wasserstein"`; `supported_losses` may allow fewer), a config dict or a
                `gankit.losses.AdversarialLoss` (e.g. `losses.get("lsgan", a=-1, b=1, c=0)`);
                None uses `default_loss`.
            label_smoothing: one-sided smoothing of D's real target (0.1 -> 0.9).
            **kwargs: passed to `keras.Model.compile`: `jit_compile`, `run_eagerly`,
                `steps_per_execution`, `auto_scale_loss` (default True: when the model or one
                of its networks computes in float16, both optimizers are wrapped in a
                `keras.optimizers.LossScaleOptimizer`). `jit_compile="auto"` (the presets'
                default) times a few steps with and without XLA at the first `fit` and keeps
                the faster, remembered per model and machine in gankit's cache (see
                `gankit.models.xla_choice`); `model.jit_compile` is `False` until then. Left
                out, Keras' default applies (no XLA on a CPU-only machine).

        Raises:
            TypeError: for positional arguments.
            ValueError: for `optimizer=`, `metrics=` and other unknown arguments, the same
                optimizer object twice, an unknown or unsupported loss, or smoothing the loss
                has no use for.

        Example:

        ```python
        gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                    g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                    loss="lsgan", jit_compile=True)
        ```
        """
        name = type(self).__name__
        if args:
            raise TypeError(
                f"{name}.compile takes keywords only, e.g. compile(d_optimizer=..., "
                f"g_optimizer=..., loss=...); got {len(args)} positional argument(s)."
            )
        for key in ("optimizer", "metrics", "weighted_metrics", "loss_weights"):
            if key in kwargs:
                raise ValueError(
                    f"{name}.compile does not take {key!r}: pass d_optimizer= and g_optimizer=; "
                    f"the losses are logged as {', '.join(self.log_names)}."
                )
        unknown = set(kwargs) - set(_KERAS_COMPILE_ARGS)
        if unknown:
            raise ValueError(
                f"Unknown compile arguments {sorted(unknown)}; allowed: d_optimizer, "
                f"g_optimizer, loss, label_smoothing, {', '.join(_KERAS_COMPILE_ARGS)}."
            )
        adversarial_loss = self._get_loss(loss)
        # Validates the smoothing for this loss (raises for wasserstein/hinge with smoothing).
        adversarial_loss.discriminator_loss(
            np.zeros((1, 1), "float32"), np.zeros((1, 1), "float32"), label_smoothing
        )
        default_d, default_g = (None, None)
        if d_optimizer is None or g_optimizer is None:
            default_d, default_g = self.default_optimizers()
        d_optimizer = keras.optimizers.get(d_optimizer) if d_optimizer is not None else default_d
        g_optimizer = keras.optimizers.get(g_optimizer) if g_optimizer is not None else default_g
        if d_optimizer is g_optimizer:
            raise ValueError(
                "d_optimizer and g_optimizer must be two different optimizer objects (each keeps "
                "its own moments for its own player's networks)."
            )
        # jit_compile="auto": XLA if faster here, measured at the first fit (models/xla_choice)
        jit_auto = kwargs.get("jit_compile") == "auto"
        keras_kwargs = {**kwargs, "jit_compile": False} if jit_auto else kwargs
        super().compile(optimizer=None, **keras_kwargs)
        self.jit_compile_pending = jit_auto
        if kwargs.get("auto_scale_loss", True) and self.computes_in_float16():
            d_optimizer, g_optimizer = (
                o if isinstance(o, keras.optimizers.LossScaleOptimizer)
                else keras.optimizers.LossScaleOptimizer(o, name=f"{o.name}_loss_scale")
                for o in (d_optimizer, g_optimizer)
            )
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.adversarial_loss = adversarial_loss
        self.label_smoothing = float(label_smoothing)
        self._keras_compile_kwargs = dict(kwargs)
        # Build the optimizer variables now, outside any tf.function, so that they exist for
        # loading a checkpoint and are not created inside an XLA-compiled step.
        for optimizer, variables in (
            (d_optimizer, self.discriminator_variables()),
            (g_optimizer, self.generator_variables()),
        ):
            if not optimizer.built:
                optimizer.build(variables)

    def computes_in_float16(self):
        """True when the model or one of its networks has a float16 compute dtype.

        Such a model (built under `keras.mixed_precision.set_dtype_policy("mixed_float16")`)
        needs loss scaling: small float16 gradients would otherwise underflow to zero.
        """
        nets = (self, *self.generator_nets, *self.discriminator_nets)
        return any(
            keras.backend.standardize_dtype(net.dtype_policy.compute_dtype) == "float16"
            for net in nets
        )

    def _get_loss(self, loss):
        adversarial_loss = losses.get(self.default_loss if loss is None else loss)
        supported = self.supported_losses
        if supported is not None and adversarial_loss.name not in supported:
            raise ValueError(
                f"{type(self).__name__}.compile: loss must be one of {tuple(supported)}, "
                f"got {loss!r}."
            )
        return adversarial_loss

    def require_compiled(self, method="fit"):
        """Raises a clear `ValueError` when `compile` has not been called."""
        if self.d_optimizer is None:
            raise ValueError(
                f"Call {type(self).__name__}.compile(d_optimizer=..., g_optimizer=...) before "
                f"{method}()."
            )

    def get_compile_config(self):
        if not self.compiled or self.d_optimizer is None:
            return {}
        return {
            "d_optimizer": keras.saving.serialize_keras_object(self.d_optimizer),
            "g_optimizer": keras.saving.serialize_keras_object(self.g_optimizer),
            "loss": self.adversarial_loss.get_config(),
            "label_smoothing": self.label_smoothing,
            **self._keras_compile_kwargs,
        }

    def compile_from_config(self, config):
        if not config:
            return
        config = dict(config)
        d_optimizer = keras.saving.deserialize_keras_object(config.pop("d_optimizer"))
        g_optimizer = keras.saving.deserialize_keras_object(config.pop("g_optimizer"))
        self.compile(d_optimizer=d_optimizer, g_optimizer=g_optimizer, **config)

    def make_train_function(self, force=False):
        """Keras' train function; under a strategy of several replicas BatchNorm is synchronized.

        See `gankit.models.replicas.synchronize_batch_norm`: the step then makes the update
        one device would make on the global batch, BatchNorm included.
        """
        if self.distribute_strategy.num_replicas_in_sync > 1:
            synchronize_batch_norm(self)
        return super().make_train_function(force=force)

    # ------------------------------------------------------------------ trackers
    @property
    def metrics(self):
        return list(self.trackers.values())

    def update_trackers(self, values, weight=None):
        """Adds `values` (a dict name -> scalar) to the trackers of those names.

        `weight`: `Shard.tracker_weight` for values that are means over one replica's rows
        under `tf.distribute` (see `gankit.models.replicas`), so the logs are global means.
        """
        for name, value in values.items():
            if weight is None:
                self.trackers[name].update_state(value)
            else:
                self.trackers[name].update_state(value, sample_weight=weight)

    def tracker_results(self):
        """`{name: running mean}` of every tracker: what `train_step` returns as logs."""
        return keras_logs({name: tracker.result() for name, tracker in self.trackers.items()})

    # ------------------------------------------------------------------ saving
    def _seed_states(self):
        """The state variables of every SeedGenerator in the model, in a fixed order."""
        return [v for v in self.variables if v.name == "seed_generator_state"]

    def save_own_variables(self, store):
        super().save_own_variables(store)
        for i, variable in enumerate(self._seed_states()):
            store[f"{_SEED_KEY}{i}"] = variable

    def load_own_variables(self, store):
        keys = list(store.keys())
        seed_keys = [k for k in keys if k.startswith(_SEED_KEY)]
        super().load_own_variables({k: store[k] for k in keys if k not in seed_keys})
        states = self._seed_states()
        if seed_keys and len(seed_keys) != len(states):
            raise ValueError(
                f"The saved model has {len(seed_keys)} random-number streams but this model has "
                f"{len(states)}; the architectures differ."
            )
        for i, variable in enumerate(states):
            key = f"{_SEED_KEY}{i}"
            if key in store:
                variable.assign(np.asarray(store[key]))

    def get_config(self):
        config = super().get_config()
        for key in self.net_arguments:
            config[key] = keras.saving.serialize_keras_object(getattr(self, key))
        config["seed"] = self.seed
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = copy.deepcopy(config)  # deserialization consumes the nested dicts
        for key in cls.net_arguments:
            config[key] = keras.saving.deserialize_keras_object(
                config[key], custom_objects=custom_objects
            )
        return cls(**config)

    # ------------------------------------------------------------------ inference
    @staticmethod
    def predict_in_batches(net, inputs, batch_size, output_shape):
        """Runs `net` in inference mode on `inputs`, `batch_size` rows at a time.

        Args:
            net: a `keras.Model`.
            inputs: a numpy array, or a list of arrays of the same length (several inputs).
            batch_size: rows per call, a positive int.
            output_shape: shape of one output row, for the empty result of empty inputs.

        Returns:
            float32 numpy array of the outputs, in the order of the inputs.

        Example:

        ```python
        images = model.predict_in_batches(model.generator, [noise, one_hot], 256,
                                          model.generator.output_shape[1:])
        ```
        """
        batch_size = check_int("batch_size", batch_size)
        arrays = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        if len(arrays[0]) == 0:
            return np.zeros((0, *output_shape), "float32")
        if len(arrays) == 1:
            outputs = predict_in_batches(lambda x: net(x, training=False), *arrays,
                                         batch_size=batch_size)
        else:
            outputs = predict_in_batches(lambda *xs: net(list(xs), training=False), *arrays,
                                         batch_size=batch_size)
        return outputs.astype("float32")
