"""Argument checks shared by gankit's public functions: one wording for one mistake.

Example:

```python
from gankit.checks import check_int

rows = check_int("rows", rows)           # "`rows` must be a positive integer, got 0."
keep = check_int("keep", keep, none=True)  # None passes through
weight = check_weight("gp_weight", 10)   # 10.0; "`gp_weight` must be a finite number >= 0, ..."
```
"""

import numpy as np

__all__ = ["check_int", "check_weight"]


def check_int(name, value, minimum=1, none=False):
    """`value` as an int when it is an integer (not a bool) >= `minimum`, else a `ValueError`.

    Args:
        name: the argument's name, shown in backticks in the message.
        value: the value to check (Python or numpy integer).
        minimum: smallest allowed value (1: "a positive integer").
        none: whether None is allowed (and returned as None).

    Returns:
        `int(value)`, or None when `value` is None and `none` is true.

    Raises:
        ValueError: naming the argument, what it must be, and the value given.

    Example:

    >>> check_int("every", 5)
    5
    """
    if none and value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        what = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise ValueError(f"`{name}` must be {what}{' or None' if none else ''}, got {value!r}.")
    return int(value)


def check_weight(name, value):
    """`value` as a float when it is a finite number >= 0 (a loss weight), else a `ValueError`.

    Args:
        name: the argument's name, shown in backticks in the message.
        value: the value to check (anything `float()` accepts, bools excepted).

    Returns:
        `float(value)`.

    Raises:
        ValueError: naming the argument, what it must be, and the value given.

    Example:

    >>> check_weight("mode_seeking_weight", 1)
    1.0
    """
    try:
        weight = float(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        weight = None
    if weight is None or not np.isfinite(weight) or weight < 0:
        raise ValueError(f"`{name}` must be a finite number >= 0, got {value!r}.")
    return weight
