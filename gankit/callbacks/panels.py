"""Translation panels for CycleGAN: original / translated / reconstructed / identity rows.

The figure of report 000 (Figure 4) and the lecture slides 004: for fixed test
images of each domain, one row of originals, one of their translations, one of
the reconstructions (translated back) and one of the identity mappings.
"""

import os

import keras
import numpy as np
from PIL import Image, ImageDraw

from gankit.callbacks.guard import TrainingDivergedError, refuse_nonfinite, warn_skipped_once
from gankit.images import to_float, to_uint8

__all__ = ["translation_panel", "panel_rows", "TranslationPanel"]

_LABEL_WIDTH = 96


def _to_rgb_uint8(images):
    out = to_uint8(np.asarray(images, dtype="float32"))
    if out.shape[-1] == 1:
        out = np.repeat(out, 3, axis=-1)
    return out


def _check_images(model, images, direction, what):
    if images is None:
        return None
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[None]
    expected = model.image_shape_a if direction == "ab" else model.image_shape_b
    if images.ndim != 4 or tuple(images.shape[1:]) != tuple(expected) or len(images) == 0:
        raise ValueError(
            f"translation_panel: {what} must be a non-empty batch of shape "
            f"(n, *{tuple(expected)}), got {images.shape}."
        )
    return to_float(images)


def panel_rows(model, images_a, images_b, names=("A", "B")):
    """Computes the rows of a translation panel.

    Args:
        model: a trained `gankit.models.cyclegan.CycleGAN` (anything with
            `translate(images, direction)`, `image_shape_a` and `image_shape_b`).
        images_a: images of domain A in [-1, 1] (NHWC), or None.
        images_b: images of domain B in [-1, 1], or None.
        names: display names of the domains, e.g. `("horse", "zebra")`.

    Returns:
        list of `(label, images)` rows (labels are two lines, e.g. `"A\\noriginal"`),
        images float32 in [-1, 1]; per given domain:
        original, translated, reconstructed and (when both domains have the same
        shape) identity.

    Example:

    ```python
    rows = panel_rows(model, mnist_test[:8], colored_test[:8], names=("mnist", "colored"))
    ```
    """
    images_a = _check_images(model, images_a, "ab", "images_a")
    images_b = _check_images(model, images_b, "ba", "images_b")
    if images_a is None and images_b is None:
        raise ValueError("translation_panel needs images_a, images_b or both.")
    same_shape = tuple(model.image_shape_a) == tuple(model.image_shape_b)
    rows = []
    for images, name, other, forward, backward in (
        (images_a, names[0], names[1], "ab", "ba"),
        (images_b, names[1], names[0], "ba", "ab"),
    ):
        if images is None:
            continue
        translated = model.translate(images, direction=forward)
        rows.append((f"{name}\noriginal", images))
        rows.append((f"{name}\n-> {other}", translated))
        rows.append((f"{name}\nrecovered", model.translate(translated, direction=backward)))
        if same_shape:
            rows.append((f"{name}\nidentity", model.translate(images, direction=backward)))
    return rows


def translation_panel(model, images_a, images_b, path, names=("A", "B"), cell_size=None):
    """Draws original / translated / recovered / identity rows to a PNG.

    Args:
        model: a trained `gankit.models.cyclegan.CycleGAN`.
        images_a: fixed test images of domain A in [-1, 1] (NHWC, or uint8), or None.
        images_b: fixed test images of domain B, or None.
        path: PNG file to write (parent folders are created).
        names: display names of the two domains.
        cell_size: side in pixels of each drawn image; default: the image side scaled
            up (nearest neighbour) to at least 64 pixels.

    Returns:
        The panel as a uint8 RGB array `(height, width, 3)`.

    Example:

    ```python
    translation_panel(model, mnist_test[:8], colored_test[:8], "out/panel.png",
                      names=("mnist", "colored"))
    ```
    """
    rows = panel_rows(model, images_a, images_b, names=names)
    height, width = rows[0][1].shape[1:3]
    if cell_size is None:
        scale = max(1, int(np.ceil(64 / max(height, width))))
        cell_h, cell_w = height * scale, width * scale
    else:
        if int(cell_size) < 1:
            raise ValueError(f"translation_panel: cell_size must be >= 1, got {cell_size}.")
        cell_h = cell_w = int(cell_size)
    columns = max(len(images) for _, images in rows)
    pad = 2
    canvas = Image.new(
        "RGB",
        (_LABEL_WIDTH + columns * (cell_w + pad) + pad, len(rows) * (cell_h + pad) + pad),
        (255, 255, 255),
    )
    draw = ImageDraw.Draw(canvas)
    for r, (label, images) in enumerate(rows):
        top = pad + r * (cell_h + pad)
        draw.multiline_text((4, top + cell_h // 2 - 12), label, fill=(0, 0, 0))
        for c, cell in enumerate(_to_rgb_uint8(images)):
            tile = Image.fromarray(cell).resize((cell_w, cell_h), Image.NEAREST)
            canvas.paste(tile, (_LABEL_WIDTH + pad + c * (cell_w + pad), top))
    directory = os.path.dirname(os.fspath(path))
    if directory:
        os.makedirs(directory, exist_ok=True)
    canvas.save(os.fspath(path), format="PNG")
    return np.asarray(canvas)


class TranslationPanel(keras.callbacks.Callback):
    """Writes a translation panel of fixed test images every `every` epochs.

    Files are `{directory}/panel_epoch_{epoch:03d}.png` (1-based epoch). No panel is written
    from non-finite (NaN/inf) weights: that epoch is skipped with a warning.

    Args:
        directory: output folder (created if needed).
        images_a: fixed images of domain A in [-1, 1], or None.
        images_b: fixed images of domain B in [-1, 1], or None.
        every: write a panel every this many epochs (and after the last one).
        names: display names of the two domains.

    Example:

    ```python
    panel = TranslationPanel("out/panels", mnist_test[:8], colored_test[:8], every=1)
    model.fit(ds, epochs=5, callbacks=[panel])
    ```
    """

    def __init__(self, directory, images_a, images_b, every=1, names=("A", "B")):
        super().__init__()
        if int(every) < 1:
            raise ValueError(f"TranslationPanel: every must be >= 1, got {every}.")
        if images_a is None and images_b is None:
            raise ValueError("TranslationPanel needs images_a, images_b or both.")
        self.directory = os.fspath(directory)
        self.images_a = None if images_a is None else np.asarray(images_a)
        self.images_b = None if images_b is None else np.asarray(images_b)
        self.every = int(every)
        self.names = names
        self.paths = []

    def on_train_begin(self, logs=None):
        self._last_epoch = self.params.get("epochs") if self.params else None

    def on_epoch_end(self, epoch, logs=None):
        last = getattr(self, "_last_epoch", None)
        if (epoch + 1) % self.every and (last is None or epoch + 1 != last):
            return
        path = os.path.join(self.directory, f"panel_epoch_{epoch + 1:03d}.png")
        try:
            refuse_nonfinite(self.model, f"translation panel {path}")
        except TrainingDivergedError as err:
            warn_skipped_once(self, err)
            return
        translation_panel(self.model, self.images_a, self.images_b, path, names=self.names)
        self.paths.append(path)
