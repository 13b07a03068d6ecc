"""Learning-rate schedules held by the optimizers: made, restarted from a new rate, stretched.

A schedule inside an optimizer (`keras.optimizers.schedules`) is saved with it, so a run resumed
from a `.keras` checkpoint continues it exactly. `gankit.presets` and `gankit train` use these:

* `linear_decay_to_zero(optimizer, steps)`: the `fast-cgan`/`fast-dcgan` presets' rates fall
  linearly to 0 over the run;
* `set_learning_rate(optimizer, rate)`: `--lr` for any optimizer; a scheduled one keeps its
  schedule, restarted from the new rate;
* `stretch_linear_decay(optimizer, steps)`: a resumed run asked for more (or fewer) epochs than
  the one that made the checkpoint decays as a run planned for its new length would.

Epoch-level hold-then-decay for CycleGAN is a callback: `gankit.callbacks.LinearDecay`.
"""

import keras

__all__ = ["linear_decay_to_zero", "schedule_of", "set_learning_rate", "stretch_linear_decay"]

_Polynomial = keras.optimizers.schedules.PolynomialDecay


def schedule_of(optimizer):
    """The optimizer's learning-rate schedule (a new object), or None for a constant rate.

    Args:
        optimizer: a `keras.optimizers.Optimizer`.

    Returns:
        a `keras.optimizers.schedules.LearningRateSchedule`, or None.
    """
    config = optimizer.get_config()["learning_rate"]
    if isinstance(config, dict):
        return keras.optimizers.schedules.deserialize(config)
    return None


def linear_decay_to_zero(optimizer, steps):
    """A copy of `optimizer` whose learning rate falls linearly from its own to 0 over `steps`.

    Args:
        optimizer: a `keras.optimizers.Optimizer` with a constant learning rate.
        steps: optimizer steps until the rate reaches 0 (it stays 0 after), >= 1.

    Returns:
        a new optimizer of the same class and settings.

    Raises:
        ValueError: `steps` < 1, or the optimizer already has a schedule.

    Example:

    ```python
    g_optimizer = linear_decay_to_zero(keras.optimizers.Adam(1e-3, beta_1=0.5), 3744)
    ```
    """
    if isinstance(steps, bool) or int(steps) != steps or steps < 1:
        raise ValueError(f"steps must be an int >= 1, got {steps!r}.")
    config = optimizer.get_config()
    rate = config["learning_rate"]
    if not isinstance(rate, (int, float)):
        raise ValueError(f"{optimizer.name} already has a learning-rate schedule: {rate!r}.")
    config["learning_rate"] = _Polynomial(float(rate), decay_steps=int(steps),
                                          end_learning_rate=0.0)
    return type(optimizer).from_config(config)


def set_learning_rate(optimizer, rate):
    """Sets the optimizer's rate; a schedule keeps its shape and restarts from `rate`.

    A schedule with an `initial_learning_rate` (exponential, polynomial, cosine ...) is
    replaced by the same schedule starting at `rate`, evaluated at the optimizer's own step
    count as before.

    Args:
        optimizer: a `keras.optimizers.Optimizer`.
        rate: the new (initial) learning rate, > 0.

    Raises:
        ValueError: `rate` <= 0, or a schedule without an initial rate.

    Example:

    ```python
    set_learning_rate(model.g_optimizer, 5e-4)
    ```
    """
    rate = float(rate)
    if not rate > 0:
        raise ValueError(f"The learning rate must be > 0, got {rate}.")
    schedule = schedule_of(optimizer)
    if schedule is None:
        optimizer.learning_rate = rate
        return
    config = schedule.get_config()
    if "initial_learning_rate" not in config:
        raise ValueError(
            f"{optimizer.name}'s learning-rate schedule {type(schedule).__name__} has no initial "
            "rate to set; change the schedule itself.")
    config["initial_learning_rate"] = rate
    optimizer.learning_rate = type(schedule).from_config(config)


def stretch_linear_decay(optimizer, steps):
    """Makes a linear decay to 0 end at optimizer step `steps` instead of where it ends now.

    The rate at step `s` becomes `initial * (1 - s / steps)`: the schedule of a run planned
    for `steps` from its start, so a run resumed for more epochs than the one that made its
    checkpoint goes on at the rate such a run would have (a finished decay, at rate 0, does
    not stay there). A decay already ending at `steps` and an optimizer without a linear decay
    to 0 (see `linear_decay_to_zero`) are left as they are.

    Args:
        optimizer: a `keras.optimizers.Optimizer`.
        steps: the optimizer step at which the rate should reach 0, >= 1.

    Returns:
        True when the schedule was changed.

    Example:

    ```python
    stretch_linear_decay(model.g_optimizer, 8 * 937)  # a 4-epoch run resumed for 8 epochs
    ```
    """
    schedule = schedule_of(optimizer)
    if not isinstance(schedule, _Polynomial):
        return False
    config = schedule.get_config()
    if config["end_learning_rate"] != 0 or config["power"] != 1.0 or config["cycle"]:
        return False
    if config["decay_steps"] == int(steps):
        return False
    optimizer.learning_rate = _Polynomial(config["initial_learning_rate"],
                                          decay_steps=int(steps), end_learning_rate=0.0)
    return True
