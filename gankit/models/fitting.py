"""What every gankit model adds around `keras.Model.fit`: default callbacks, no spurious warning.

`fit` stays Keras' own. gankit models only resolve `compile(jit_compile="auto")` on the first
`fit` (`FitDefaults.choose_jit_compile`, see `gankit.models.xla_choice`), put their default
callbacks in front of the user's (`FitDefaults.default_fit_callbacks`) and, for `tf.data` input,
pass `shuffle=False` to Keras: a `tf.data.Dataset` shuffles itself (gankit's pipelines do,
seeded), and Keras' default `shuffle=True` would only print a warning that it is ignored, which
looks like an error to a student.
"""

import inspect

import keras
import tensorflow as tf

from gankit.data import epochs

_FIT_PARAMETERS = tuple(inspect.signature(keras.Model.fit).parameters)[1:]  # without self


class FitDefaults:
    """Mixin for gankit's `keras.Model` subclasses; put it before `keras.Model` in the bases."""

    def fit(self, *args, **kwargs):
        """`keras.Model.fit`, with gankit's default callbacks in front of the given ones.

        Takes exactly `keras.Model.fit`'s arguments. See `default_fit_callbacks`.
        """
        if len(args) > len(_FIT_PARAMETERS):
            raise TypeError(f"fit() takes at most {len(_FIT_PARAMETERS)} positional arguments.")
        arguments = dict(zip(_FIT_PARAMETERS, args))
        for key in kwargs:
            if key in arguments:
                raise TypeError(f"fit() got multiple values for argument {key!r}.")
        arguments.update(kwargs)
        x = arguments.get("x")
        if isinstance(x, tf.data.Dataset) and "shuffle" not in arguments:
            arguments["shuffle"] = False
        if getattr(self, "jit_compile_pending", False):
            verbose = arguments.get("verbose", "auto")
            self.choose_jit_compile(x, arguments.get("y"), arguments.get("batch_size"),
                                    report=None if verbose == 0 else print)
        user_callbacks = list(arguments.get("callbacks") or [])
        arguments["callbacks"] = self.default_fit_callbacks(x, user_callbacks) + user_callbacks
        return super().fit(**arguments)

    def choose_jit_compile(self, x, y=None, batch_size=None, report=None):
        """Resolves `compile(jit_compile="auto")`: XLA when it is faster on this machine.

        `fit` calls it (reporting with `print` unless `verbose=0`); call it first to report
        elsewhere. Does nothing (returns None) unless an `"auto"` choice is pending.

        Args:
            x: the training data `fit` will get (only its batch shapes are used).
            y: `fit`'s `y`, for array input.
            batch_size: `fit`'s `batch_size`.
            report: called with one line saying what was chosen and why, or None.

        Returns:
            A `gankit.models.xla_choice.XLAChoice`, or None.

        Example:

        ```python
        gan.compile(d_optimizer=..., g_optimizer=..., jit_compile="auto")
        gan.choose_jit_compile(ds, report=print)  # XLA on (jit_compile=True): ...
        ```
        """
        from gankit.models import xla_choice

        if not getattr(self, "jit_compile_pending", False):
            return None
        choice = xla_choice.choose_jit_compile(self, x, y, batch_size, report=report)
        self.jit_compile_pending = False
        self.xla_choice = choice
        return choice

    def default_fit_callbacks(self, x, callbacks):
        """Callbacks that run before the user's in every `fit`.

        Args:
            x: the training data given to `fit`.
            callbacks: the user's callbacks (a default is skipped when the user gave one of
                the same kind, so that its settings win).

        Returns:
            A list of `keras.callbacks.Callback`: a `gankit.data.SetEpoch` for each seeded
            gankit pipeline in `x` (each epoch's data order is a function of the seed and the
            epoch, so a resumed run sees the uninterrupted run's batches) and a
            `gankit.callbacks.DivergenceGuard` (stops at the first NaN/inf loss or weight),
            each unless the user passed one.
        """
        from gankit.callbacks.guard import default_guard  # lazy: callbacks build on models

        # seeded gankit data: each epoch's order from (seed, epoch); then the divergence guard
        return epochs.epoch_callbacks(x, callbacks) + default_guard(callbacks)
