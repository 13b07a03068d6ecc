"""`GANCheckpoint`: whole-model `.keras` checkpoints that training can resume from."""

import json
import os
import re

import keras

_CKPT = re.compile(r"^ckpt_epoch_(\d+)\.keras$")
LATEST = "latest.json"


def _atomic_json(obj, path):
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=1)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


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
        if keep is not None and (isinstance(keep, bool) or not isinstance(keep, int) or keep < 1):
            raise ValueError(f"`keep` must be a positive integer or None, got {keep!r}.")
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ValueError(f"`every` must be a positive integer, got {every!r}.")
        self.directory = os.fspath(directory)
        self.keep, self.every = keep, every
        self.save_on_train_end = save_on_train_end
        self._last_epoch = None
        self._last_saved = None

    def path_for(self, epoch):
        """Checkpoint path for a 1-based epoch number."""
        return os.path.join(self.directory, f"ckpt_epoch_{int(epoch):04d}.keras")

    def save(self, epoch):
        """Saves the model as the checkpoint of 1-based `epoch` now; returns its path."""
        os.makedirs(self.directory, exist_ok=True)
        path = self.path_for(epoch)
        tmp = os.path.join(self.directory, f".tmp-{os.getpid()}-{os.path.basename(path)}")
        try:
            self.model.save(tmp)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
        _atomic_json({"epoch": int(epoch), "path": os.path.basename(path)},
                     os.path.join(self.directory, LATEST))
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

    def on_epoch_end(self, epoch, logs=None):
        self._last_epoch = epoch + 1
        if (epoch + 1) % self.every == 0:
            self.save(epoch + 1)

    def on_train_end(self, logs=None):
        if (self.save_on_train_end and self._last_epoch is not None
                and self._last_saved != self._last_epoch):
            self.save(self._last_epoch)

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


def resume(directory, custom_objects=None, compile=True):
    """Loads the newest checkpoint written by `GANCheckpoint`.

    Args:
        directory: checkpoint folder.
        custom_objects: extra objects for `keras.models.load_model` (your own layers or nets).
        compile: whether to restore the compiled state (optimizers included).

    Returns:
        `(model, initial_epoch)`: pass `initial_epoch` to `fit` to continue.

    Raises:
        FileNotFoundError: if the folder has no checkpoint.

    Example:

    ```python
    gan, start = resume("ckpt")
    gan.fit(ds, epochs=50, initial_epoch=start, callbacks=[GANCheckpoint("ckpt")])
    ```
    """
    import gankit.models  # noqa: F401  (registers the model classes for deserialisation)

    found = GANCheckpoint.latest(directory)
    if found is None:
        raise FileNotFoundError(
            f"No checkpoint (ckpt_epoch_*.keras) in {os.fspath(directory)!r} to resume from.")
    path, epoch = found
    model = keras.models.load_model(path, custom_objects=custom_objects, compile=compile)
    return model, epoch
