"""Learning-rate schedules for GAN training (CycleGAN's hold-then-linear-decay)."""

import keras

__all__ = ["LinearDecay", "linear_decay_factor"]


def linear_decay_factor(epoch, hold_epochs, decay_epochs):
    """Multiplier of the base learning rate at 0-based `epoch`.

    `1` for the first `hold_epochs` epochs, then
    `1 - (epoch + 1 - hold_epochs) / (decay_epochs + 1)` (the CycleGAN reference
    schedule), reaching `0` at epoch `hold_epochs + decay_epochs` and staying
    there.

    Args:
        epoch: 0-based epoch index.
        hold_epochs: epochs at the base rate.
        decay_epochs: epochs of linear decay.

    Returns:
        float in [0, 1].

    Example:

    ```python
    [linear_decay_factor(e, 2, 3) for e in range(6)]  # [1, 1, 0.75, 0.5, 0.25, 0]
    ```
    """
    if epoch < hold_epochs:
        return 1.0
    return max(0.0, 1.0 - (epoch + 1 - hold_epochs) / float(decay_epochs + 1))


class LinearDecay(keras.callbacks.Callback):
    """Holds the learning rate for `hold_epochs` epochs, then decays it linearly to zero.

    At the start of each epoch `e` (0-based) every optimizer's learning rate is
    set to `base * linear_decay_factor(e, hold_epochs, decay_epochs)`: the rate is
    a pure function of the epoch, so `fit(..., initial_epoch=k)` continues the
    schedule exactly. The epoch's rate (of the first optimizer) is logged as `learning_rate`.

    The base rate is `initial_learning_rate` if given, else each optimizer's
    rate when this callback first sees it. When resuming a *reloaded* model (whose
    saved rate is already decayed) pass `initial_learning_rate` explicitly.

    Args:
        hold_epochs: epochs at the base rate (the paper: 100).
        decay_epochs: epochs of linear decay to zero (the paper: 100).
        optimizers: what to schedule: a model with `g_optimizer`/`d_optimizer`
            (the gankit GANs and CycleGAN), a `keras.Model` with `optimizer`, one
            optimizer or a list of them. None: the model being fitted.
        initial_learning_rate: base rate (float, applied to every optimizer), or None.
        verbose: print the rate at each epoch start.

    Example:

    ```python
    decay = LinearDecay(hold_epochs=100, decay_epochs=100)
    model.fit(ds, epochs=200, callbacks=[decay])
    # resumed from a file:
    model = keras.models.load_model("cyclegan.keras")
    model.fit(ds, epochs=200, initial_epoch=120,
              callbacks=[LinearDecay(100, 100, initial_learning_rate=2e-4)])
    ```
    """

    def __init__(
        self,
        hold_epochs,
        decay_epochs,
        optimizers=None,
        initial_learning_rate=None,
        verbose=0,
    ):
        super().__init__()
        if int(hold_epochs) < 0 or int(decay_epochs) < 0:
            raise ValueError(
                "LinearDecay: hold_epochs and decay_epochs must be >= 0, got "
                f"{hold_epochs} and {decay_epochs}."
            )
        if initial_learning_rate is not None and float(initial_learning_rate) < 0:
            raise ValueError(
                f"LinearDecay: initial_learning_rate must be >= 0, got {initial_learning_rate}."
            )
        self.hold_epochs = int(hold_epochs)
        self.decay_epochs = int(decay_epochs)
        self.targets = optimizers
        self.initial_learning_rate = initial_learning_rate
        self.verbose = verbose
        self._base_rates = {}

    def _optimizers(self):
        target = self.targets if self.targets is not None else self.model
        if isinstance(target, keras.optimizers.Optimizer):
            found = [target]
        elif isinstance(target, (list, tuple)):
            found = list(target)
        else:
            found = [
                getattr(target, name, None) for name in ("g_optimizer", "d_optimizer", "optimizer")
            ]
            found = [opt for opt in found if opt is not None]
        unique = []
        for opt in found:
            if not isinstance(opt, keras.optimizers.Optimizer):
                raise ValueError(
                    "LinearDecay: expected keras optimizers (or a model holding them), got "
                    f"{type(opt)}."
                )
            if all(opt is not seen for seen in unique):
                unique.append(opt)
        if not unique:
            raise ValueError(
                "LinearDecay found no optimizer: compile the model first or pass optimizers=."
            )
        return unique

    def _base_rate(self, optimizer):
        if self.initial_learning_rate is not None:
            return float(self.initial_learning_rate)
        if id(optimizer) not in self._base_rates:
            schedule = getattr(optimizer, "_learning_rate", None)
            if isinstance(schedule, keras.optimizers.schedules.LearningRateSchedule):
                raise ValueError(
                    "LinearDecay cannot drive an optimizer whose learning rate is already a "
                    "LearningRateSchedule; give it a float learning rate."
                )
            rate = keras.ops.convert_to_numpy(optimizer.learning_rate)
            self._base_rates[id(optimizer)] = float(rate)
        return self._base_rates[id(optimizer)]

    def learning_rate(self, epoch, base=1.0):
        """Learning rate at 0-based `epoch` for base rate `base`."""
        return base * linear_decay_factor(epoch, self.hold_epochs, self.decay_epochs)

    def on_epoch_begin(self, epoch, logs=None):
        rates = []
        for optimizer in self._optimizers():
            rates.append(self.learning_rate(epoch, self._base_rate(optimizer)))
            optimizer.learning_rate = rates[-1]
        rate = self._last_rate = rates[0]
        if self.verbose:
            print(f"\nLinearDecay: epoch {epoch + 1}, learning rate {rate:.3g}")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None and getattr(self, "_last_rate", None) is not None:
            logs["learning_rate"] = float(self._last_rate)
