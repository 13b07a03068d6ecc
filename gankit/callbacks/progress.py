"""Training progress at a glance: `ProgressGif` (grids -> GIF) and `LossCurve` (logs -> PNG)."""

import glob
import json
import math
import os
import warnings

import keras
import numpy as np
from PIL import Image

from gankit.files import atomic_path, atomic_write_json


def make_gif(directory, path=None, pattern="epoch_*.png", duration=200, last_duration=1000,
             loop=0):
    """Assembles the grids in `directory` into an animated GIF, in file-name order.

    Args:
        directory: folder holding the frames (e.g. `SampleGrid`'s `epoch_0001.png`, ...).
        path: GIF to write; defaults to `directory/progress.gif`.
        pattern: glob pattern of the frames inside `directory`.
        duration: milliseconds per frame.
        last_duration: milliseconds the last frame is held (the final result).
        loop: GIF loop count, 0 = forever.

    Returns:
        The GIF path.

    Raises:
        FileNotFoundError: if no frame matches.
        ValueError: if the frames do not all have the same size.

    Example:

    >>> make_gif("samples")
    'samples/progress.gif'
    """
    directory = os.fspath(directory)
    path = os.path.join(directory, "progress.gif") if path is None else os.fspath(path)
    if not path.lower().endswith(".gif"):
        raise ValueError(f"The GIF path must end in .gif, got {path!r}.")
    files = sorted(glob.glob(os.path.join(glob.escape(directory), pattern)))
    if not files:
        raise FileNotFoundError(f"No frames matching {pattern!r} in {directory!r}.")
    frames = []
    for name in files:
        with Image.open(name) as picture:
            frames.append(picture.convert("RGB") if picture.mode not in ("L", "RGB")
                          else picture.copy())
    sizes = {frame.size for frame in frames}
    if len(sizes) > 1:
        raise ValueError(f"Frames in {directory!r} have different sizes {sorted(sizes)}.")
    durations = [int(duration)] * len(frames)
    durations[-1] = max(int(duration), int(last_duration))
    with atomic_path(path) as tmp:
        frames[0].save(tmp, format="GIF", save_all=True, append_images=frames[1:],
                       duration=durations, loop=int(loop))
    return path


class ProgressGif(keras.callbacks.Callback):
    """Turns the epoch grids into an animated GIF when training ends.

    Put it after the `SampleGrid` that writes the frames. A run without any frame only warns:
    a missing GIF should not crash the end of a long training run.

    Args:
        source: either the frames' folder (the GIF becomes `source/progress.gif`) or a `.gif`
            path (frames are then read from its folder).
        pattern: glob pattern of the frames.
        duration: milliseconds per frame.
        last_duration: milliseconds the last frame is held.
        loop: loop count, 0 = forever.
        frames_from: folder to read frames from, overriding the rule above.

    Example:

    ```python
    callbacks = [SampleGrid("out/samples"), ProgressGif("out/samples")]
    ```
    """

    def __init__(self, source, pattern="epoch_*.png", duration=200, last_duration=1000, loop=0,
                 frames_from=None):
        super().__init__()
        source = os.fspath(source)
        if source.lower().endswith(".gif"):
            self.path = source
            self.directory = os.path.dirname(source) or "."
        else:
            self.directory = source
            self.path = os.path.join(source, "progress.gif")
        if frames_from is not None:
            self.directory = os.fspath(frames_from)
        self.pattern, self.duration = pattern, duration
        self.last_duration, self.loop = last_duration, loop

    def on_train_end(self, logs=None):
        try:
            make_gif(self.directory, self.path, self.pattern, self.duration,
                     self.last_duration, self.loop)
        except FileNotFoundError as err:
            warnings.warn(f"ProgressGif: {err} No GIF written.", stacklevel=2)


def _scalar(value):
    try:
        value = float(np.asarray(value))
    except (TypeError, ValueError):
        return None
    return value


class LossCurve(keras.callbacks.Callback):
    """Plots every logged value against the epoch into a PNG, with the history in a JSON beside it.

    After each epoch (and at the end of training) `path` is redrawn: losses (keys containing
    "loss") on the left panel, everything else (scores, gradient penalty, ...) on the right.
    The history is kept in `path` with a `.json` suffix as `{"epoch": [...], key: [...]}`;
    an existing history is continued, and when training restarts at epoch `k` (a resumed
    run, or a fresh run in the same place) entries from epoch `k` on are replaced.

    Args:
        path: output PNG (e.g. `"out/losses.png"`).
        keys: optional list of log keys to keep; default all scalar keys.

    Example:

    ```python
    gan.fit(ds, epochs=20, callbacks=[LossCurve("out/losses.png")])
    ```
    """

    def __init__(self, path, keys=None):
        super().__init__()
        path = os.fspath(path)
        if not path.lower().endswith(".png"):
            raise ValueError(f"LossCurve writes a PNG; `path` must end in .png, got {path!r}.")
        self.path = path
        self.json_path = path[:-4] + ".json"
        self.keys = None if keys is None else list(keys)
        self.history = {"epoch": []}
        self._loaded = False

    def _load(self):
        self._loaded = True
        if os.path.exists(self.json_path):
            try:
                with open(self.json_path) as f:
                    history = json.load(f)
            except (OSError, json.JSONDecodeError) as err:
                warnings.warn(f"LossCurve: ignoring unreadable {self.json_path}: {err}",
                              stacklevel=2)
                return
            if isinstance(history, dict) and isinstance(history.get("epoch"), list):
                self.history = history

    def on_train_begin(self, logs=None):
        if not self._loaded:
            self._load()

    def on_epoch_end(self, epoch, logs=None):
        if not self._loaded:
            self._load()
        number = epoch + 1
        epochs = self.history["epoch"]
        keep = [i for i, e in enumerate(epochs) if e < number]
        for key in list(self.history):
            self.history[key] = [self.history[key][i] for i in keep
                                 if i < len(self.history[key])]
        self.history["epoch"].append(number)
        n = len(self.history["epoch"])
        for key, value in (logs or {}).items():
            if self.keys is not None and key not in self.keys:
                continue
            value = _scalar(value)
            if value is None:
                continue
            series = self.history.setdefault(key, [])
            series.extend([None] * (n - 1 - len(series)))
            series.append(value if math.isfinite(value) else None)
        for series in self.history.values():
            series.extend([None] * (n - len(series)))
        self.save()

    def on_train_end(self, logs=None):
        if self.history["epoch"]:
            self.save()

    def save(self):
        """Writes the JSON history and redraws the PNG now."""
        atomic_write_json(self.json_path, self.history, indent=1)
        self._plot()

    def _plot(self):
        # A bare Figure renders with Agg without touching pyplot or the user's backend.
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator

        keys = [k for k in self.history if k != "epoch"]
        losses = [k for k in keys if "loss" in k]
        others = [k for k in keys if "loss" not in k]
        panels = [(title, group) for title, group in (("losses", losses), ("other", others))
                  if group] or [("logs", [])]
        figure = Figure(figsize=(5 * len(panels), 3.5), dpi=100)
        epochs = self.history["epoch"]
        for i, (title, group) in enumerate(panels):
            axis = figure.add_subplot(1, len(panels), i + 1)
            for key in group:
                values = [np.nan if v is None else v for v in self.history[key]]
                axis.plot(epochs, values, marker="o" if len(epochs) < 30 else None,
                          markersize=3, label=key)
            axis.set_xlabel("epoch")
            axis.xaxis.set_major_locator(MaxNLocator(integer=True))
            axis.set_title(title)
            if group:
                axis.legend(fontsize="small")
            axis.grid(alpha=0.3)
        figure.tight_layout()
        with atomic_path(self.path) as tmp:
            figure.savefig(tmp, format="png")
