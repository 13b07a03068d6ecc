"""`SampleGrid`: a grid of samples from the same noise after every epoch."""

import inspect
import os

import keras
import numpy as np

from gankit import images
from gankit.batches import predict_in_batches
from gankit.callbacks.guard import TrainingDivergedError, refuse_nonfinite, warn_skipped_once
from gankit.checks import check_int
from gankit.files import atomic_write_json


def latent_dim_of(model):
    """The latent size of a gankit model: `model.latent_dim`, else the generator's noise input.

    Args:
        model: a gankit model (or any object with a `generator` keras.Model).

    Returns:
        The latent dimension as an int.

    Raises:
        ValueError: if the model has no generator taking a noise vector (e.g. a CycleGAN).
    """
    latent_dim = getattr(model, "latent_dim", None)
    if latent_dim is None:
        generator = getattr(model, "generator", None)
        inputs = getattr(generator, "inputs", None)
        if inputs:
            shape = tuple(inputs[0].shape)
            if len(shape) == 2 and shape[1] is not None:
                latent_dim = shape[1]
    if latent_dim is None:
        raise ValueError(
            f"{type(model).__name__} has no `latent_dim` and its generator does not take a "
            f"(batch, latent_dim) noise input; sample grids need a noise-to-image GAN (for "
            f"CycleGAN use its own panel callback).")
    return int(latent_dim)


def fixed_noise(n, latent_dim, seed=0):
    """Standard normal noise drawn with numpy, identical for the same `seed` on any machine.

    The same noise as `model.generate(n, seed=seed)` draws
    (`numpy.random.default_rng(seed).standard_normal((n, latent_dim))`), so a `SampleGrid` of
    seed `s` shows the images of `model.generate(..., seed=s)`.

    Args:
        n: number of vectors.
        latent_dim: size of each vector.
        seed: integer seed.

    Returns:
        float32 array shaped (n, latent_dim).
    """
    return np.random.default_rng(seed).standard_normal((n, latent_dim)).astype("float32")


def generate_from_noise(model, noise, labels=None, batch_size=256):
    """Runs the generator in inference mode on given noise (and int labels).

    Uses `model.generate(..., noise=noise)` when the model has it (gankit models), else calls
    `model.generator(..., training=False)` directly.

    Args:
        model: a gankit model with `generator` (and `num_classes` when `labels` is given).
        noise: float32 array (n, latent_dim).
        labels: optional int array (n,) for conditional models; one-hot encoded here.
        batch_size: generator batch size.

    Returns:
        float32 numpy images (n, h, w, c) in [-1, 1].
    """
    conditional = labels is not None
    generate = getattr(model, "generate", None)
    if generate is not None and "noise" in inspect.signature(generate).parameters:
        # gankit models: generate(n_or_labels, noise=...) runs the generator in inference mode.
        out = generate(np.asarray(labels) if conditional else None, noise=noise,
                       batch_size=batch_size)
        return np.asarray(out, dtype="float32")
    if labels is None:
        out = predict_in_batches(lambda z: model.generator(z, training=False), noise,
                                 batch_size=batch_size)
    else:
        one_hot = np.eye(model.num_classes, dtype="float32")[np.asarray(labels)]
        out = predict_in_batches(lambda z, y: model.generator([z, y], training=False), noise,
                                 one_hot, batch_size=batch_size)
    return out.astype("float32")


class SampleGrid(keras.callbacks.Callback):
    """Writes `directory/epoch_0001.png` (+ `.json`) from the same noise every `every` epochs.

    The noise batch is drawn once, with numpy's `default_rng(seed)` as
    `model.generate(..., seed=seed)` draws it, so the grid shows the images of
    `model.generate(..., seed=seed)`, cell `i` shows the same latent vector at every epoch and
    a run's grids can be compared or animated (`ProgressGif`).
    For conditional models (`model.num_classes` set) row `r` shows class `r % num_classes`.
    The generator runs with `training=False`. Each PNG is written with `gankit.images.save_grid`,
    so its layout (rows, cols, cell size, padding, labels, seed, epoch, model class) is embedded
    in it; the same layout dict is also written to a JSON sidecar of the same name.

    Args:
        directory: output folder (created if missing).
        rows: grid rows.
        cols: grid columns.
        seed: seed of the fixed noise.
        every: write a grid every this many epochs (epoch numbers are 1-based in file names).
        padding: pixels between cells.
        pad_value: padding grey level (255 white, 0 black).

    Example:

    ```python
    gan.fit(ds, epochs=20, callbacks=[gankit.callbacks.SampleGrid("samples", seed=0),
                                      gankit.callbacks.ProgressGif("samples")])
    ```
    """

    def __init__(self, directory, rows=10, cols=10, seed=0, every=1, padding=2, pad_value=255):
        super().__init__()
        self.directory = os.fspath(directory)
        self.rows, self.cols = check_int("rows", rows), check_int("cols", cols)
        self.seed, self.every = int(seed), check_int("every", every)
        self.padding, self.pad_value = padding, pad_value
        self.noise = None
        self.labels = None
        self.written = []

    def path_for(self, epoch):
        """The PNG path for a 1-based epoch number."""
        return os.path.join(self.directory, f"epoch_{int(epoch):04d}.png")

    def _prepare(self):
        model = self.model
        n = self.rows * self.cols
        self.noise = fixed_noise(n, latent_dim_of(model), self.seed)
        num_classes = getattr(model, "num_classes", None)
        self.labels = None
        if num_classes:
            self.labels = np.repeat(np.arange(self.rows) % int(num_classes), self.cols)

    def on_train_begin(self, logs=None):
        self._prepare()

    def write(self, epoch):
        """Writes the grid for a 1-based `epoch` now and returns its path.

        Raises:
            TrainingDivergedError: if the model's weights (or the images) are not finite.
        """
        if self.noise is None:
            self._prepare()
        path = self.path_for(epoch)
        refuse_nonfinite(self.model, f"sample grid {path}")
        fake = generate_from_noise(self.model, self.noise, self.labels)
        if not np.isfinite(fake).all():
            raise TrainingDivergedError(f"Not writing sample grid {path}: the generator made "
                                        "non-finite pixels (training diverged).")
        row_labels = None if self.labels is None else self.labels[::self.cols].tolist()
        images.save_grid(fake, path, self.rows, self.cols, labels=row_labels, seed=self.seed,
                         model=self.model, epoch=int(epoch), padding=self.padding,
                         pad_value=self.pad_value)
        layout = images.read_layout(path)
        atomic_write_json(path[:-4] + ".json", layout, indent=1, sort_keys=True)
        self.written.append(path)
        return path

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every == 0:
            try:
                self.write(epoch + 1)
            except TrainingDivergedError as err:
                warn_skipped_once(self, err)
