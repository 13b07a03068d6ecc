"""The machine a number was measured on, in one place: CPU model, vector flags, usable cores.

Speed depends on the CPU (XLA made the same DCGAN step faster on one 2-core CPU and slower on
another), so every measured minute gankit prints or writes says which CPU it came from.

Example:

```python
from gankit.machine import cpu_description
print(cpu_description())   # e.g. "AMD EPYC, 2 cores (avx2/avx512f/avx512_bf16)"
```
"""

import os
import platform

#: The vector-instruction flags worth naming in a one-line description.
SHOWN_FLAGS = ("avx2", "fma", "avx512f", "avx512_bf16", "amx_tile", "asimd", "sve")


def cpu_info():
    """The CPU's model name and its feature flags, from `/proc/cpuinfo`.

    Returns:
        `(name, flags)`: a string and a set of lower-case flag names (empty where unknown; the
        name falls back to `platform.processor()`).
    """
    name, flags = "", set()
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        text = ""
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip().lower()
        if key in ("model name", "hardware", "cpu model") and not name:
            name = value.strip()
        elif key in ("flags", "features") and not flags:
            flags = set(value.split())
    return name or platform.processor() or platform.machine() or "unknown CPU", flags


def usable_cores():
    """The CPU cores this process may run on (its affinity mask where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count()


def cpu_description():
    """The CPU in one line: model name, usable cores and the vector flags of `SHOWN_FLAGS`.

    Returns:
        A string such as `"AMD EPYC, 2 cores (avx2/fma/avx512f/avx512_bf16)"`.
    """
    name, flags = cpu_info()
    shown = [f for f in SHOWN_FLAGS if f in flags]
    return f"{name}, {usable_cores()} cores" + (f" ({'/'.join(shown)})" if shown else "")
