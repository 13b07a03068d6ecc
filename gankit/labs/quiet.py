"""Keeps TensorFlow's start-up noise out of a notebook, and nothing else.

On import and at its first operation TensorFlow's C++ core writes lines straight to file
descriptor 2, past Python: the oneDNN notice, CUDA probing on a machine without a GPU
("Could not find cuda drivers", "failed call to cuInit"), the CPU-instruction notice, XLA's
"compiled cluster" and grappler's "remapper failed" lines. In a notebook they show up as red
text that looks like an error to a beginner. Raising `TF_CPP_MIN_LOG_LEVEL` would hide them
only together with real errors, so instead descriptor 2 is passed through a filter that drops
the lines matching `NOISE` (each line of a multi-line notice matches one) and forwards every
other line unchanged.
"""

import atexit
import os
import re
import sys
import threading
import warnings

#: Regular expressions of the lines that are start-up noise (searched anywhere in a line).
NOISE = (
    r"All log messages before absl::InitializeLog\(\) is called are written to STDERR",
    r"oneDNN custom operations are on",
    r"cudart_stub\.cc",
    r"Could not find cuda drivers",
    r"failed call to cuInit",
    r"cuda_(platform|executor|diagnostics)\.cc",
    r"Unable to register cu(DNN|FFT|BLAS) factory",
    r"computation placer already registered",
    r"TF-TRT Warning: Could not find TensorRT",
    r"cpu_feature_guard\.cc",
    r"rebuild TensorFlow with the appropriate compiler flags",
    r"meta_optimizer\.cc:\d+\] .*(remapper|layout|constant_folding|arithmetic_optimizer) failed",
    r"Compiled cluster using XLA!",
    r"XLA service 0x[0-9a-f]+ initialized for platform",
    r"StreamExecutor (device \(\d+\)|\[\d+\]): Host",
    r"disabling MLIR crash reproducer",
    r"Local rendezvous is aborting with status: OUT_OF_RANGE",
    r"device_compiler\.h:\d+\]",
    r"Kernel is running over TCP without encryption",
)
_NOISE = re.compile("|".join(f"(?:{p})" for p in NOISE))
_installed = None


def is_noise(line):
    """True when `line` is one of TensorFlow's start-up notices listed in `NOISE`."""
    return bool(_NOISE.search(line))


class _LineFilter:
    """Forwards the lines written to a pipe, minus noise, to another file descriptor."""

    def __init__(self, read_fd, write_fd):
        self.read_fd, self.write_fd = read_fd, write_fd
        self.dropped = 0
        self.thread = threading.Thread(target=self._run, name="gankit-stderr-filter", daemon=True)
        self.thread.start()

    def _keep(self, line):
        if is_noise(line.decode("utf-8", "replace")):
            self.dropped += 1
            return False
        return True

    def _run(self):
        pending = b""
        while True:
            try:
                chunk = os.read(self.read_fd, 65536)
            except OSError:
                return
            if not chunk:
                if pending and self._keep(pending):
                    os.write(self.write_fd, pending)
                return
            pending += chunk
            *lines, pending = pending.split(b"\n")
            kept = b"".join(line + b"\n" for line in lines if self._keep(line))
            if kept:
                try:
                    os.write(self.write_fd, kept)
                except OSError:
                    return


def quiet_startup():
    """Filters TensorFlow's start-up noise out of file descriptor 2 and Keras' needless warnings.

    Idempotent. Real warnings and errors still come through: only the lines matching `NOISE` are
    dropped. Python warnings are left alone except Keras' "`shuffle=True` was passed, but will
    be ignored" for `tf.data` inputs (gankit's models already pass `shuffle=False`; a plain Keras
    model fitted on a `gankit.data` pipeline would print it for nothing).

    Returns:
        The filter (its `dropped` counts the lines removed), or None where descriptor 2 cannot be
        redirected.

    Example:

    ```python
    from gankit.labs import quiet_startup
    quiet_startup()
    import tensorflow as tf   # no oneDNN / CUDA notices
    ```
    """
    global _installed
    warnings.filterwarnings("ignore", message=r"`shuffle=True` was passed, but will be ignored")
    if _installed is not None:
        return _installed
    try:
        sys.stderr.flush()
        original = os.dup(2)
        read_fd, write_fd = os.pipe()
        os.dup2(write_fd, 2)
        os.close(write_fd)
    except (OSError, ValueError, AttributeError):
        return None
    _installed = _LineFilter(read_fd, original)
    atexit.register(_restore, original)
    return _installed


def _restore(original):
    """At exit: puts the real descriptor 2 back and lets the filter forward its last lines."""
    try:
        sys.stderr.flush()
        os.dup2(original, 2)   # closes the pipe's last write end: the filter reads to its end
    except (OSError, ValueError):
        return
    if _installed is not None:
        _installed.thread.join(timeout=2.0)
