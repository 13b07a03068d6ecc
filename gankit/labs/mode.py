"""Quick or full mode, read in one place, and the lab session a notebook starts with.

A lab runs in **full mode** by default: what a student runs, giving the results its prose
promises. `GANKIT_LAB_QUICK=1` switches every lab to **quick mode** (a few steps on a small
subset, about a minute per notebook): what the test suite runs. Labs never read the variable
themselves; they ask their `Lab` for `lab.quick` or `lab.pick(full=..., quick=...)`.
"""

import os
import time

from gankit.machine import cpu_description

QUICK_ENV = "GANKIT_LAB_QUICK"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


def quick_mode(environ=None):
    """Whether labs run in quick mode (`GANKIT_LAB_QUICK` set to 1/true/yes/on).

    Args:
        environ: a mapping to read instead of `os.environ` (tests).

    Returns:
        True in quick mode, False in full mode.

    Raises:
        ValueError: the variable holds something else (a typo must not silently run a lab for
            an hour).

    Example:

    ```python
    import gankit.labs
    gankit.labs.quick_mode()   # False unless GANKIT_LAB_QUICK=1
    ```
    """
    value = (os.environ if environ is None else environ).get(QUICK_ENV, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{QUICK_ENV}={value!r} is not understood: use 1 (quick mode, for CI) or 0 / unset "
                     "(full mode, what a student runs)")


class Lab:
    """One lab session: its mode, its seed and its clock.

    Create it with `gankit.labs.start(...)` in a notebook's first code cell.

    Args:
        title: the lab's title, printed at the start and the end.
        seed: seeds Python, NumPy and Keras (`keras.utils.set_random_seed`).
        quick: quick mode; None reads `GANKIT_LAB_QUICK` (see `quick_mode`).

    Example:

    ```python
    lab = gankit.labs.start("Lab 1: a first GAN", seed=0)
    epochs = lab.pick(full=20, quick=1)
    ...
    lab.finish()
    ```
    """

    def __init__(self, title, seed=0, quick=None):
        self.title = title
        self.seed = int(seed)
        self.quick = quick_mode() if quick is None else bool(quick)
        self.started = time.perf_counter()
        self.total_minutes = None

    @property
    def mode(self):
        """`"quick"` or `"full"`."""
        return "quick" if self.quick else "full"

    def pick(self, full, quick):
        """The value for this mode: `quick` in quick mode, `full` otherwise.

        Args:
            full: what a student's run uses.
            quick: what the CI smoke run uses (a few steps, a small subset).

        Returns:
            One of the two values.
        """
        return quick if self.quick else full

    def minutes(self):
        """Minutes since the lab started."""
        return (time.perf_counter() - self.started) / 60.0

    def finish(self):
        """Prints the time the whole lab took (kept in `total_minutes`); returns nothing, so a
        notebook's last cell shows only the printed line."""
        self.total_minutes = self.minutes()
        print(f"{self.title}: {self.mode} mode, {self.total_minutes:.1f} min on {cpu_description()}")

    def __repr__(self):
        return f"Lab({self.title!r}, seed={self.seed}, mode={self.mode!r})"


def start(title, seed=0, quiet=True):
    """Starts a lab: hides TensorFlow's start-up noise, seeds everything, says the mode.

    Call it in the first code cell, before anything imports TensorFlow (importing `gankit` does
    not: its modules load lazily).

    Args:
        title: the lab's title.
        seed: the seed for Python, NumPy and Keras.
        quiet: filter TensorFlow's start-up noise (see `gankit.labs.quiet_startup`).

    Returns:
        A `Lab`.

    Example:

    ```python
    import gankit.labs
    lab = gankit.labs.start("Lab 1: a first GAN")
    ```
    """
    if quiet:
        from gankit.labs.quiet import quiet_startup

        quiet_startup()
    lab = Lab(title, seed=seed)
    import keras

    keras.utils.set_random_seed(lab.seed)
    how = ("quick mode: a few steps on a small subset, for CI; the numbers mean nothing"
           if lab.quick else f"full mode (set {QUICK_ENV}=1 for a one-minute smoke run)")
    print(f"{title}: {how}. Seed {lab.seed}, Keras {keras.__version__} on {keras.backend.backend()}, "
          f"{cpu_description()}.")
    return lab
