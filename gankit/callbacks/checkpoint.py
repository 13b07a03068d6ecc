"""`GANCheckpoint`: whole-model `.keras` checkpoints that training can resume from."""

import json
import os
import re
import warnings

import keras

from gankit.callbacks.guard import (
    TrainingDivergedError,
    describe_nonfinite,
    model_parts,
    nonfinite_variables,
    refuse_nonfinite,
    warn_skipped_once,
)
from gankit.checks import check_int
from gankit.files import atomic_path, atomic_write_json

_CKPT = re.compile(r"^ckpt_epoch_(\d+)\.keras$")
LATEST = "latest.json"


def _checkpoints(directory):
    """(epoch, path) of every finished checkpoint in `directory`, oldest first."""
    if not os.path.isdir(directory):
        return []
    found = []
    for name in os.listdir(directory):
        match = _CKPT.match(name)
        if match:
            found.append((int(match.group(1)), os.path.join(directory, name)))
    return sorted(found)


class GANCheckpoint(keras.callbacks.Callback):
    """Saves the whole model to `directory/ckpt_epoch_0003.keras` every `every` epochs.

    A `.keras` file of a gankit model holds both networks, both optimizers' state and the
    noise seed state, so `resume(directory)` followed by `fit(..., initial_epoch=epoch)`
    continues the run. Each checkpoint is written under a temporary name and renamed when
    complete, then `latest.json` (`{"epoch": 3, "path": "ckpt_epoch_0003.keras"}`) is replaced
    atomically: a run killed mid-save leaves the previous checkpoint as the latest one. Only
    the newest `keep` checkpoints are kept: the one just written and the `keep - 1` before it
    (higher-numbered files left in the folder by another run are left alone). Epoch numbers
    are 1-based (the number of epochs done), which is exactly the `initial_epoch` to resume
    with.

    Args:
        directory: checkpoint folder (created if missing).
        keep: how many checkpoints to keep; None keeps all.
        every: save every this many epochs.
        save_on_train_end: also save the last epoch when training ends on an epoch that is not
            a multiple of `every`.

    Example:

    ```python
    if GANCheckpoint.latest("ckpt"):
        gan, start = gankit.callbacks.resume("ckpt")
    else:
        gan, start = build_and_compile(), 0
    gan.fit(ds, epochs=50, initial_epoch=start, callbacks=[GANCheckpoint("ckpt", keep=3)])
    ```
    """

    def __init__(self, directory, keep=3, every=1, save_on_train_end=True):
        super().__init__()
        keep, every = check_int("keep", keep, none=True), check_int("every", every)
        self.directory = os.fspath(directory)
        self.keep, self.every = keep, every
        self.save_on_train_end = save_on_train_end
        self._last_epoch = None
        self._last_saved = None

    def path_for(self, epoch):
        """Checkpoint path for a 1-based epoch number."""
        return os.path.join(self.directory, f"ckpt_epoch_{int(epoch):04d}.keras")

    def save(self, epoch):
        """Saves the model as the checkpoint of 1-based `epoch` now; returns its path.

        Raises:
            TrainingDivergedError: if a weight or optimizer variable is NaN or infinite
                (nothing is written, nothing is deleted).
        """
        path = self.path_for(epoch)
        refuse_nonfinite(self.model, f"checkpoint {path}", optimizers=True)
        with atomic_path(path, suffix=".keras") as tmp:
            self.model.save(tmp)
        atomic_write_json(os.path.join(self.directory, LATEST),
                          {"epoch": int(epoch), "path": os.path.basename(path)}, indent=1)
        self._last_saved = int(epoch)
        self._prune(int(epoch))
        return path

    def _prune(self, epoch):
        # Only older epochs count: checkpoints numbered after `epoch` (left by another run in
        # the same folder) are neither counted nor deleted, and the new one always stays.
        if self.keep is None:
            return
        older = [item for item in _checkpoints(self.directory) if item[0] < epoch]
        for _, path in older[:max(len(older) - (self.keep - 1), 0)]:
            try:
                os.remove(path)
            except FileNotFoundError:
                pass

    def _save_or_warn(self, epoch):
        try:
            self.save(epoch)
        except TrainingDivergedError as err:
            warn_skipped_once(self, err)

    def on_epoch_end(self, epoch, logs=None):
        self._last_epoch = epoch + 1
        if (epoch + 1) % self.every == 0:
            self._save_or_warn(epoch + 1)

    def on_train_end(self, logs=None):
        if (self.save_on_train_end and self._last_epoch is not None
                and self._last_saved != self._last_epoch):
            self._save_or_warn(self._last_epoch)

    @staticmethod
    def latest(directory):
        """The newest complete checkpoint in `directory`.

        Uses `latest.json` when it points at an existing file, else the highest-numbered
        `ckpt_epoch_*.keras`.

        Args:
            directory: checkpoint folder.

        Returns:
            `(path, epoch)`, or None when there is no checkpoint.
        """
        directory = os.fspath(directory)
        try:
            with open(os.path.join(directory, LATEST)) as f:
                info = json.load(f)
            path = os.path.join(directory, os.path.basename(info["path"]))
            if os.path.isfile(path):
                return path, int(info["epoch"])
        except (OSError, ValueError, KeyError, TypeError):
            pass
        found = _checkpoints(directory)
        if not found:
            return None
        epoch, path = found[-1]
        return path, epoch


def _first_line(err):
    text = str(err).strip()
    return f"{type(err).__name__}: {text.splitlines()[0]}" if text else type(err).__name__


def _candidates(directory):
    """Checkpoints to try, newest first: `latest()`, then the older finished ones."""
    found = GANCheckpoint.latest(directory)
    if found is None:
        return []
    path, epoch = found
    older = [(p, e) for e, p in reversed(_checkpoints(directory)) if e < epoch]
    return [(path, epoch)] + older


def resume(directory, custom_objects=None, compile=True, on_skip=None):
    """Loads the newest loadable checkpoint written by `GANCheckpoint`.

    The newest checkpoint (see `GANCheckpoint.latest`) is tried first; one that cannot be
    loaded (a truncated or corrupt file, a class Keras does not know) or that holds non-finite
    weights (a run that diverged before gankit refused to save those) is skipped, saying
    which and why, and the next older one is tried. Nothing is deleted.

    Args:
        directory: checkpoint folder.
        custom_objects: extra objects for `keras.models.load_model` (your own layers or nets).
        compile: whether to restore the compiled state (optimizers included).
        on_skip: called with one line per skipped checkpoint; default: `warnings.warn`.

    Returns:
        `(model, initial_epoch)`: pass `initial_epoch` to `fit` to continue.

    Raises:
        FileNotFoundError: if the folder has no checkpoint.
        ValueError: if no checkpoint in it can be loaded (the message lists why, file by file).

    Example:

    ```python
    gan, start = resume("ckpt")
    gan.fit(ds, epochs=50, initial_epoch=start, callbacks=[GANCheckpoint("ckpt")])
    ```
    """
    import gankit.models  # noqa: F401  (registers the model classes for deserialisation)

    if on_skip is None:
        def on_skip(message):
            warnings.warn(message, RuntimeWarning, stacklevel=3)

    candidates = _candidates(os.fspath(directory))
    if not candidates:
        raise FileNotFoundError(
            f"No checkpoint (ckpt_epoch_*.keras) in {os.fspath(directory)!r} to resume from.")
    skipped = []
    for path, epoch in candidates:
        try:
            model = keras.models.load_model(path, custom_objects=custom_objects,
                                            compile=compile)
        except Exception as err:  # Keras raises many types for a bad file  # noqa: BLE001
            reason = f"cannot be loaded ({_first_line(err)})"
        else:
            bad = nonfinite_variables(*model_parts(model, optimizers=compile))
            if not bad:
                return model, epoch
            reason = f"holds non-finite values in {describe_nonfinite(bad)}"
        skipped.append(f"{os.path.basename(path)} {reason}")
        on_skip(f"resume: skipping {path}: it {reason}; trying an older checkpoint.")
    raise ValueError(
        f"No checkpoint in {os.fspath(directory)!r} can be resumed from: "
        + "; ".join(skipped) + ". Start a new run in another folder.")
