"""Atomic file writes: a reader never sees a half-written grid, checkpoint or JSON file.

Every writer here writes a temporary file in the destination's folder (hidden, with a random
name) and then renames it over the destination with `os.replace`, which is atomic on one file
system. On an error the temporary file is removed and the destination is left as it was. The
file gets ordinary permissions (0666 less the umask), like a file made with `open`.

Example:

```python
from gankit import files

files.atomic_write_json("run/metrics.json", {"epochs": 3})
files.atomic_write("run/notes.txt", "trained on mnist\n")
with files.atomic_path("run/model.keras", suffix=".keras") as tmp:
    model.save(tmp)  # any writer that takes a path
```
"""

import contextlib
import json
import os
import tempfile

import numpy as np

__all__ = ["atomic_path", "atomic_open", "atomic_write", "atomic_write_json"]


@contextlib.contextmanager
def atomic_path(path, suffix=""):
    """A temporary path next to `path` that becomes `path` when the block ends without error.

    Args:
        path: destination (str or path-like); its folder is created if missing.
        suffix: ending of the temporary name, for writers that choose the format by it
            (`".keras"` for `model.save`, `".npz"` for `np.savez`).

    Yields:
        The temporary path (str), an empty file the block overwrites.

    Example:

    ```python
    with atomic_path("losses.png") as tmp:
        figure.savefig(tmp, format="png")
    ```
    """
    fspath = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(fspath))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(fspath)}.", suffix=".tmp" + suffix,
                               dir=folder)
    os.close(fd)
    try:
        umask = os.umask(0)  # mkstemp makes 0600 files; ours are ordinary ones
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        yield tmp
        os.replace(tmp, fspath)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


@contextlib.contextmanager
def atomic_open(path, mode="w"):
    """Opens a file whose content replaces `path` atomically when the block ends without error.

    Args:
        path: destination (str or path-like).
        mode: `"w"` (text) or `"wb"` (bytes).

    Yields:
        The open file object; it is flushed and synced to disk before the rename.

    Example:

    ```python
    with atomic_open("arrays.npz", "wb") as f:
        np.savez(f, images=images)
    ```
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"`mode` must be 'w' or 'wb', got {mode!r}.")
    with atomic_path(path) as tmp, open(tmp, mode) as f:
        yield f
        f.flush()
        os.fsync(f.fileno())


def atomic_write(path, data):
    """Writes `data` (str or bytes) to `path` atomically.

    Args:
        path: destination (str or path-like).
        data: `str` (written as UTF-8 text) or `bytes`.

    Returns:
        `path`, as given.

    Example:

    ```python
    atomic_write("run/README.txt", "epochs 1..3\n")
    ```
    """
    if not isinstance(data, (str, bytes)):
        raise ValueError(f"atomic_write writes str or bytes, got {type(data).__name__}.")
    with atomic_open(path, "w" if isinstance(data, str) else "wb") as f:
        f.write(data)
    return path


def _jsonable(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return str(value)


def atomic_write_json(path, obj, indent=2, **json_kwargs):
    """Writes `obj` as JSON to `path` atomically; numpy arrays and scalars become lists/numbers.

    Args:
        path: destination (str or path-like).
        obj: a JSON-serialisable object (numpy values allowed; other objects are written as
            their `str`).
        indent: indentation of the JSON text.
        **json_kwargs: further `json.dump` arguments (e.g. `sort_keys=True`).

    Returns:
        `path`, as given.

    Example:

    ```python
    atomic_write_json("run/metrics.json", {"frechet_distance": np.float32(12.5)})
    ```
    """
    json_kwargs.setdefault("default", _jsonable)
    with atomic_open(path, "w") as f:
        json.dump(obj, f, indent=indent, **json_kwargs)
    return path
