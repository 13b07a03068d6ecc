"""`GANTensorBoard`: losses, scores, learning rates and a sample grid per epoch, for TensorBoard.

Students watch a gankit run the way Keras users watch theirs: `tensorboard --logdir DIR`
(`pip install gankit[tensorboard]` installs the viewer; writing the event files needs only
TensorFlow's `tf.summary.write`). Each epoch gets:

* every logged value as a scalar of the same name (`d_loss`, `g_loss`, `real_score`,
  `fake_score`; CycleGAN's `cycle_a`...);
* both optimizers' learning rates (`d_learning_rate`, `g_learning_rate`), schedules evaluated
  at the optimizer's current step;
* an image: for noise-to-image GANs (`samples`) the grid a `SampleGrid` of the same seed draws
  (the images of `model.generate(..., seed=seed)`, one class per row for conditional models);
  for CycleGAN (`translation`) a translation panel of fixed test images
  (`gankit.callbacks.translation_panel`).

The step of an epoch's summaries is the number of epochs done (1 after the first epoch, as in
the grid and checkpoint file names), so a resumed `fit(..., initial_epoch=k)` continues the
curves. Nothing is written from non-finite weights: that epoch is skipped with one warning.
"""

import os
import tempfile

import keras
import numpy as np
import tensorflow as tf

from gankit import images
from gankit.callbacks.guard import TrainingDivergedError, refuse_nonfinite, warn_skipped_once
from gankit.callbacks.panels import translation_panel
from gankit.callbacks.samples import fixed_noise, generate_from_noise, latent_dim_of
from gankit.checks import check_int

__all__ = ["GANTensorBoard", "learning_rates"]

_OPTIMIZERS = (("d_learning_rate", "d_optimizer"), ("g_learning_rate", "g_optimizer"))


def _metadata(plugin_name, data_class):
    plugin = tf.compat.v1.SummaryMetadata.PluginData(plugin_name=plugin_name)
    return tf.compat.v1.SummaryMetadata(plugin_data=plugin, data_class=data_class)


def write_scalar(tag, value, step):
    """Writes a scalar as `tf.summary.scalar` does, with TensorFlow alone.

    `tf.summary.scalar` and `tf.summary.image` are implemented by the `tensorboard` package;
    `tf.summary.write` with TensorBoard's plugin metadata writes the same records without it.
    Call inside `writer.as_default()`.
    """
    tf.summary.write(tag, tf.constant(float(value), tf.float32), step=step,
                     metadata=_metadata("scalars", 1))  # 1: DATA_CLASS_SCALAR


def write_image(tag, picture, step):
    """Writes one uint8 picture `(H, W, C)` as `tf.summary.image` does (a PNG), without tensorboard."""
    height, width = picture.shape[:2]
    png = tf.io.encode_png(tf.constant(picture, tf.uint8))
    record = tf.stack([tf.as_string(width), tf.as_string(height), png])
    tf.summary.write(tag, record, step=step,
                     metadata=_metadata("images", 3))  # 3: DATA_CLASS_BLOB_SEQUENCE


def learning_rates(model):
    """The current learning rate of each optimizer of a gankit model.

    Args:
        model: a compiled gankit model (`d_optimizer`, `g_optimizer`), or any Keras model
            (its `optimizer`).

    Returns:
        Dict `{"d_learning_rate": float, "g_learning_rate": float}` (for a plain Keras model
        `{"learning_rate": float}`); a schedule is evaluated at the optimizer's current step.

    Example:

    ```python
    learning_rates(gan)  # {'d_learning_rate': 0.0002, 'g_learning_rate': 0.0002}
    ```
    """
    found = [(tag, getattr(model, attr, None)) for tag, attr in _OPTIMIZERS]
    found = [(tag, opt) for tag, opt in found if opt is not None]
    if not found and getattr(model, "optimizer", None) is not None:
        found = [("learning_rate", model.optimizer)]
    return {tag: float(keras.ops.convert_to_numpy(opt.learning_rate)) for tag, opt in found}


class GANTensorBoard(keras.callbacks.Callback):
    """Writes TensorBoard summaries of a gankit run: scalars and an image per epoch.

    See the module docstring for what is written. View with `tensorboard --logdir log_dir`.

    Args:
        log_dir: folder of the event files (created if missing).
        rows: sample grid rows (noise-to-image GANs; row `r` shows class `r % num_classes`
            for conditional models).
        cols: sample grid columns.
        seed: seed of the fixed noise (the `SampleGrid` and `model.generate` seed).
        images_every: write the image every this many epochs (and after the last one);
            scalars are written every epoch.
        images_a: CycleGAN: fixed test images of domain A in [-1, 1] for the translation
            panel (or None).
        images_b: CycleGAN: fixed test images of domain B (or None).
        names: CycleGAN: display names of the two domains.

    Example:

    ```python
    gan.fit(ds, epochs=20, callbacks=[gankit.callbacks.GANTensorBoard("runs/tb")])
    # then: tensorboard --logdir runs/tb
    ```
    """

    def __init__(self, log_dir, rows=8, cols=8, seed=0, images_every=1, images_a=None,
                 images_b=None, names=("A", "B")):
        super().__init__()
        self.log_dir = os.fspath(log_dir)
        self.rows, self.cols = check_int("rows", rows), check_int("cols", cols)
        self.seed = int(seed)
        self.images_every = check_int("images_every", images_every)
        self.images_a = None if images_a is None else np.asarray(images_a)
        self.images_b = None if images_b is None else np.asarray(images_b)
        self.names = tuple(names)
        self.writer = None
        self._last_epoch = None

    # ------------------------------------------------------------------ hooks
    def on_train_begin(self, logs=None):
        os.makedirs(self.log_dir, exist_ok=True)
        if self.writer is None:
            self.writer = tf.summary.create_file_writer(self.log_dir)
        self._last_epoch = (self.params or {}).get("epochs")
        if self.images_a is None and self.images_b is None:
            latent_dim_of(self.model)  # ValueError for a CycleGAN: pass images_a / images_b

    def on_epoch_end(self, epoch, logs=None):
        step = epoch + 1
        try:
            refuse_nonfinite(self.model, f"TensorBoard summaries of epoch {step}")
        except TrainingDivergedError as err:
            warn_skipped_once(self, err)
            return
        scalars = {}
        for key, value in (logs or {}).items():
            try:
                scalars[key] = float(value)
            except (TypeError, ValueError):
                continue
        scalars.update(learning_rates(self.model))
        image_tag, image = None, None
        if step % self.images_every == 0 or step == self._last_epoch:
            image_tag, image = self.image()
        with self.writer.as_default():
            for key, value in scalars.items():
                write_scalar(key, value, step)
            if image is not None:
                write_image(image_tag, image, step)
        self.writer.flush()

    def on_train_end(self, logs=None):
        if self.writer is not None:
            self.writer.flush()

    # ------------------------------------------------------------------ the image
    def image(self):
        """`(tag, uint8 picture (H, W, C))` of the model now: a sample grid or a panel."""
        if self.images_a is not None or self.images_b is not None:
            with tempfile.TemporaryDirectory() as folder:
                panel = translation_panel(self.model, self.images_a, self.images_b,
                                          os.path.join(folder, "panel.png"), names=self.names)
            return "translation", panel
        n = self.rows * self.cols
        noise = fixed_noise(n, latent_dim_of(self.model), self.seed)
        num_classes = getattr(self.model, "num_classes", None)
        labels = None
        if num_classes:  # as SampleGrid: row r shows class r % num_classes
            labels = np.repeat(np.arange(self.rows) % int(num_classes), self.cols)
        fake = generate_from_noise(self.model, noise, labels)
        if not np.isfinite(fake).all():
            return None, None
        return "samples", images.make_grid(fake, self.rows, self.cols)
