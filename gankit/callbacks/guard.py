"""`DivergenceGuard`: stop training at the first NaN/inf loss or weight, before it is saved.

A GAN whose learning rate is too high can blow up in one step: the losses become `nan` and
every later step, checkpoint and sample grid would be made of `nan` weights. gankit's models
(`GAN`, `ConditionalGAN`, `WGANGP`, `CycleGAN`) put a `DivergenceGuard` in front of the
callbacks of every `fit` (see `gankit.models.fitting.FitDefaults`), so such a run stops with a
`TrainingDivergedError` naming the loss and the step, and the checkpoints already written stay
the last good ones. The saving callbacks (`GANCheckpoint`, `SampleGrid`, `TranslationPanel`)
also refuse, on their own, to write from non-finite weights.
"""

import math
import os
import warnings

import keras
import numpy as np

from gankit.checks import check_int


class TrainingDivergedError(FloatingPointError):
    """Training produced a non-finite (NaN or infinite) loss or weight.

    Raised from `fit` by `DivergenceGuard`, and by the saving callbacks when asked to write
    from non-finite weights. A `FloatingPointError` (hence an `ArithmeticError`).

    Attributes:
        headline: the first sentence, e.g. `"Training diverged at epoch 2, step 37 (global
            step 137): d_loss is nan"`.
        epoch: 1-based epoch where it happened (None when unknown).
        step: 1-based step within that epoch (None when unknown).
        global_step: training steps since the model was compiled (None when unknown).
        values: dict of the non-finite logged values (`{"d_loss": nan, ...}`).
        checkpoint: path of the last good checkpoint written by a `GANCheckpoint` of this
            `fit`, or None.
        checkpoint_epoch: the epoch of that checkpoint (the `initial_epoch` to resume with).
    """

    def __init__(self, message, headline=None, epoch=None, step=None, global_step=None,
                 values=None, checkpoint=None, checkpoint_epoch=None):
        super().__init__(message)
        self.headline = headline or message
        self.epoch, self.step, self.global_step = epoch, step, global_step
        self.values = dict(values or {})
        self.checkpoint = checkpoint
        self.checkpoint_epoch = checkpoint_epoch


def _is_float_variable(variable):
    return keras.backend.standardize_dtype(variable.dtype).startswith(("float", "bfloat"))


_NETWORKS = ("generator", "discriminator", "generator_ab", "generator_ba", "discriminator_a",
             "discriminator_b")


def _variables(obj):
    """The float variables of a model, optimizer or list of them: `[(name, variable)]`.

    Variables of a gankit model's networks are named after the network
    (`"generator/hidden/kernel"`), optimizer variables after the optimizer.
    """
    if obj is None:
        return []
    if isinstance(obj, (list, tuple)):
        return [item for part in obj for item in _variables(part)]
    prefix = {}
    for attr in _NETWORKS:
        net = getattr(obj, attr, None)
        if isinstance(net, keras.layers.Layer):
            for variable in net.variables:
                prefix.setdefault(id(variable), attr)
    if isinstance(obj, keras.optimizers.Optimizer):
        owner = getattr(obj, "name", "optimizer")
    else:
        owner = None
    out = []
    for variable in getattr(obj, "variables", None) or []:
        if _is_float_variable(variable):
            name = getattr(variable, "path", None) or getattr(variable, "name", "?")
            head = prefix.get(id(variable), owner)
            if head and not name.startswith(f"{head}/"):
                name = f"{head}/{name}"
            out.append((name, variable))
    return out


def nonfinite_variables(*objects, limit=None):
    """Names of the float variables holding a NaN or an infinity.

    Args:
        *objects: `keras.Model`s, layers, optimizers (or lists of them).
        limit: stop after this many names (None: all).

    Returns:
        List of variable paths (empty when every value is finite).

    Example:

    ```python
    bad = nonfinite_variables(gan.generator, gan.discriminator)
    if bad:
        print("non-finite weights:", bad)
    ```
    """
    bad = []
    for name, variable in _variables(list(objects)):
        if not np.isfinite(keras.ops.convert_to_numpy(variable)).all():
            bad.append(name)
            if limit is not None and len(bad) >= limit:
                break
    return bad


def model_parts(model, optimizers=True):
    """What a checkpoint of `model` holds that must be finite: the model and its optimizers."""
    parts = [model]
    if optimizers:
        for attr in ("d_optimizer", "g_optimizer", "optimizer"):
            optimizer = getattr(model, attr, None)
            if optimizer is not None and getattr(optimizer, "built", True):
                parts.append(optimizer)
    return parts


def describe_nonfinite(names):
    """`"generator/dense/kernel"` or `"generator/dense/kernel and 3 more"`."""
    if not names:
        return ""
    more = f" and {len(names) - 1} more" if len(names) > 1 else ""
    return f"{names[0]}{more}"


def refuse_nonfinite(model, what, optimizers=False):
    """Raises `TrainingDivergedError` when `model` (and its optimizers) holds non-finite values.

    Used by the callbacks that write files from a model's weights (checkpoints, grids,
    panels) so that they never write from a diverged model, guard or no guard.

    Args:
        model: the model about to be saved or sampled.
        what: what would have been written, for the message (e.g. `"checkpoint epoch 3"`).
        optimizers: also check the optimizers' variables (moments), for checkpoints.

    Raises:
        TrainingDivergedError: when a value is NaN or infinite.
    """
    bad = nonfinite_variables(*model_parts(model, optimizers), limit=None)
    if bad:
        raise TrainingDivergedError(
            f"Not writing {what}: the model holds non-finite values in {describe_nonfinite(bad)} "
            "(training diverged; lower the learning rate).")


def warn_skipped_once(callback, error):
    """Warns that `callback` skipped a write because of `error`, the first time only.

    The callbacks that refuse to write from non-finite weights (`GANCheckpoint`, `SampleGrid`,
    `TranslationPanel`, `GANTensorBoard`) skip each such epoch; one warning per callback
    says why, instead of one per epoch.

    Args:
        callback: the callback that skipped (its class name starts the message).
        error: the `TrainingDivergedError` that made it skip.
    """
    if not getattr(callback, "_warned_skip", False):
        callback._warned_skip = True
        warnings.warn(f"{type(callback).__name__}: {error}", RuntimeWarning, stacklevel=3)


def global_step(model):
    """How many generator updates `model` has made: its optimizer's `iterations`.

    Reads `model.g_optimizer` (gankit's models) or else `model.optimizer` (any Keras model), so
    messages can say where in the whole run, across resumed `fit` calls, something happened.

    Args:
        model: a compiled `keras.Model`.

    Returns:
        int, or None when the model has no optimizer (not compiled) or the count is unreadable.

    Example:

    ```python
    gan.fit(ds, epochs=1, steps_per_epoch=10)
    global_step(gan)  # 10
    ```
    """
    for attr in ("g_optimizer", "optimizer"):
        optimizer = getattr(model, attr, None)
        iterations = getattr(optimizer, "iterations", None)
        if iterations is not None:
            try:
                return int(keras.ops.convert_to_numpy(iterations))
            except (TypeError, ValueError):
                return None
    return None


def _fmt(value):
    return str(value) if math.isnan(value) else ("inf" if value > 0 else "-inf")


class DivergenceGuard(keras.callbacks.Callback):
    """Stops `fit` at the first non-finite loss or weight with a `TrainingDivergedError`.

    After every batch the logged values (`d_loss`, `g_loss`, scores, ...) are checked: Keras
    logs running means over the epoch, and a mean that took in a NaN or an infinity stays
    non-finite, so the first bad step is caught at that step (with `steps_per_execution=k`,
    within the `k` steps of that call; the message gives the range). At the end of every
    epoch (and every `check_weights_every` steps, if set) all weights and optimizer variables
    are checked too, before any callback after it writes a checkpoint or a grid.

    The error names the value, the epoch, the step within it and the global step (the
    generator optimizer's update count), and points at the last good checkpoint of the
    `GANCheckpoint` of the same `fit` (which never writes non-finite weights).

    gankit's models add one to every `fit` (first in the callback list); pass your own to
    change its settings (the default one is then left out), or
    `DivergenceGuard(enabled=False)` to let a diverging run continue.

    Cost: a few Python float checks per batch, within the timing noise of a tiny MLP GAN's
    1.6 ms step on a 2-core CPU (`benchmarks/guard_overhead.py`), and one pass over the
    weights and optimizer variables per epoch (5 ms for the `fast-cgan` preset).

    Args:
        check_weights_every: also check every weight every this many steps (None: only at
            epoch ends and when a logged value turns non-finite).
        checkpoint: the `GANCheckpoint` (or its folder) whose last checkpoint the message
            points at; None: the first `GANCheckpoint` given to the same `fit` of a gankit
            model.
        enabled: False turns the guard off (no check at all).

    Raises:
        TrainingDivergedError: from `fit`, when training diverges.

    Example:

    ```python
    try:
        gan.fit(ds, epochs=20, callbacks=[gankit.callbacks.GANCheckpoint("ckpt")])
    except gankit.TrainingDivergedError as e:
        print(e)  # Training diverged at epoch 2, step 37 (global step 137): d_loss is nan. ...
        gan, start = gankit.callbacks.resume("ckpt")  # the last good checkpoint
    ```
    """

    def __init__(self, check_weights_every=None, checkpoint=None, enabled=True):
        super().__init__()
        self.check_weights_every = check_int("check_weights_every", check_weights_every, none=True)
        self.checkpoint = checkpoint
        self.enabled = bool(enabled)
        self._epoch = 0
        self._begin = 0
        self._steps_this_fit = 0
        self._next_weight_check = 0

    # ------------------------------------------------------------------ hooks
    def on_train_begin(self, logs=None):
        self._steps_this_fit = 0
        self._next_weight_check = self.check_weights_every or 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        self._begin = batch

    def on_train_batch_end(self, batch, logs=None):
        if not self.enabled:
            return
        self._steps_this_fit += batch - self._begin + 1
        bad = {}
        for key, value in (logs or {}).items():
            try:
                number = float(value)
            except (TypeError, ValueError):
                continue
            if not math.isfinite(number):
                bad[key] = number
        if bad:
            self._fail(batch, values=bad)
        every = self.check_weights_every
        if every and self._steps_this_fit >= self._next_weight_check:
            self._next_weight_check = (self._steps_this_fit // every + 1) * every
            self._check_weights(batch)

    def on_epoch_end(self, epoch, logs=None):
        if self.enabled:
            self._check_weights(None)

    # ------------------------------------------------------------------ checks
    def _check_weights(self, batch):
        bad = nonfinite_variables(*model_parts(self.model), limit=None)
        if bad:
            self._fail(batch, weights=bad)

    def _last_checkpoint(self):
        from gankit.callbacks.checkpoint import GANCheckpoint

        checkpoint = self.checkpoint
        if checkpoint is None:
            return None
        directory = checkpoint.directory if isinstance(checkpoint, GANCheckpoint) else checkpoint
        return GANCheckpoint.latest(directory)

    def _fail(self, batch, values=None, weights=None):
        epoch = self._epoch + 1
        total_step = global_step(self.model)
        if batch is None:
            where = f"at the end of epoch {epoch}"
            step = None
        else:
            step = batch + 1
            if self._begin != batch:
                where = f"at epoch {epoch}, within steps {self._begin + 1}-{step}"
            else:
                where = f"at epoch {epoch}, step {step}"
        if total_step is not None:
            where += f" (global step {total_step})"
        if values:
            ordered = sorted(values, key=lambda k: ("loss" not in k, k))
            first, rest = ordered[0], ordered[1:]
            what = f"{first} is {_fmt(values[first])}"
            if rest:
                what += " (also " + ", ".join(f"{k} {_fmt(values[k])}" for k in rest) + ")"
        else:
            what = f"non-finite weights in {describe_nonfinite(weights)}"
        headline = f"Training diverged {where}: {what}"
        found = self._last_checkpoint()
        checkpoint, ckpt_epoch = found if found is not None else (None, None)
        if found is not None:
            path = checkpoint
            advice = (f"No checkpoint was written from these weights; the last good checkpoint is "
                      f"{path} (epoch {ckpt_epoch}). Lower the learning rate (or clip gradients) "
                      f"and resume from it: `model, epoch = gankit.callbacks.resume("
                      f"{os.path.dirname(path)!r})`, then `fit(..., initial_epoch=epoch)`.")
        else:
            advice = ("There is no checkpoint to go back to (add a "
                      "gankit.callbacks.GANCheckpoint to fit's callbacks); lower the learning "
                      "rate (or clip gradients) and train again.")
        self.model.stop_training = True
        raise TrainingDivergedError(
            f"{headline}. {advice}", headline=headline, epoch=epoch, step=step,
            global_step=total_step, values=values, checkpoint=checkpoint,
            checkpoint_epoch=ckpt_epoch)


def default_guard(callbacks):
    """The guard gankit models add in front of the user's `callbacks` (see `FitDefaults`).

    Args:
        callbacks: the callbacks given to `fit`.

    Returns:
        `[DivergenceGuard(checkpoint=<the first GANCheckpoint>)]`, or `[]` when `callbacks`
        already hold a `DivergenceGuard` (whose `checkpoint`, when None, is set to that
        `GANCheckpoint`).
    """
    from gankit.callbacks.checkpoint import GANCheckpoint

    checkpoint = next((c for c in callbacks if isinstance(c, GANCheckpoint)), None)
    own = [c for c in callbacks if isinstance(c, DivergenceGuard)]
    if own:
        for guard in own:
            if guard.checkpoint is None:
                guard.checkpoint = checkpoint
        return []
    return [DivergenceGuard(checkpoint=checkpoint)]
