"""Folders of image files as datasets (CycleGAN-style unpaired data, horse2zebra folders).

Files are checked once when the folder is scanned: grayscale, palette, RGBA and 16-bit images are
converted, images of any size are resized, and files that cannot be decoded are skipped and
counted in a warning instead of stopping a training run halfway through an epoch.
"""

import dataclasses
import logging
import warnings
from pathlib import Path

import numpy as np

log = logging.getLogger("gankit.data")

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff")
MAX_PIXELS = 64_000_000  # refuse decompression bombs


@dataclasses.dataclass
class FolderScan:
    """Result of scanning a folder: usable files, and the ones skipped with the reason."""

    path: Path
    files: list
    skipped: list  # (path, reason)


def _to_array(image, channels):
    """Converts a PIL image of any mode to a uint8 array with `channels` channels."""
    from PIL import Image

    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        # 16/32-bit grayscale: rescale the full range to 8 bits instead of clipping.
        arr = np.asarray(image, dtype=np.float64)
        top = 65535.0 if image.mode.startswith("I;16") or arr.max() > 255 else 255.0
        image = Image.fromarray(np.clip(arr / top * 255.0 + 0.5, 0, 255).astype(np.uint8), "L")
    elif image.mode == "F":
        arr = np.asarray(image, dtype=np.float64)
        lo, hi = float(arr.min()), float(arr.max())
        arr = (arr - lo) / (hi - lo) if hi > lo else np.zeros_like(arr)
        image = Image.fromarray((arr * 255).astype(np.uint8), "L")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba)
    image = image.convert("RGB" if channels == 3 else "L")
    arr = np.asarray(image, np.uint8)
    return arr[..., None] if channels == 1 else arr


def decode_image_file(path, image_size=None, channels=3, max_pixels=MAX_PIXELS):
    """Decodes one image file with Pillow into uint8 `(h, w, channels)`, resized if asked.

    Raises:
        ValueError: the file is not a decodable image or is too large.
    """
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            w, h = image.size
            if w * h > max_pixels:
                raise ValueError(f"{w}x{h} pixels is over the limit of {max_pixels}")
            image.load()
            if image_size is not None and (h, w) != tuple(image_size):
                resample = Image.BILINEAR if image.mode not in ("P", "1") else Image.NEAREST
                image = image.resize((int(image_size[1]), int(image_size[0])), resample)
            return _to_array(image, channels)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as e:
        raise ValueError(f"cannot decode {path}: {e}") from e


def scan_folder(path, channels=3, max_pixels=MAX_PIXELS):
    """Lists the image files of `path` (recursively, sorted) that decode.

    Corrupt files are skipped and counted in a single warning.

    Raises:
        FileNotFoundError: `path` does not exist or holds no usable image.
    """
    path = Path(path)
    if not path.is_dir():
        raise FileNotFoundError(f"image folder {path} does not exist")
    candidates = sorted(p for p in path.rglob("*")
                        if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS)
    files, skipped = [], []
    for p in candidates:
        try:
            decode_image_file(p, None, channels, max_pixels)
            files.append(p)
        except ValueError as e:
            skipped.append((p, str(e)))
    if skipped:
        examples = "; ".join(f"{p.name}" for p, _ in skipped[:5])
        warnings.warn(
            f"{path}: skipped {len(skipped)} of {len(candidates)} image files that could not be "
            f"decoded ({examples}{', ...' if len(skipped) > 5 else ''})",
            stacklevel=2,
        )
    if not files:
        raise FileNotFoundError(
            f"image folder {path} holds no usable image (looked for {', '.join(IMAGE_EXTENSIONS)}"
            + (f"; {len(skipped)} files could not be decoded" if skipped else "") + ")"
        )
    return FolderScan(path, files, skipped)


def read_folder_arrays(path, image_size=None, channels=3, label=0):
    """Reads every usable image of a folder into memory: `(uint8 NHWC, int64 labels)`.

    Images of different sizes need `image_size`; without it the first image's size is used.
    """
    scan = scan_folder(path, channels)
    if image_size is None:
        image_size = decode_image_file(scan.files[0], None, channels).shape[:2]
    images = np.stack([decode_image_file(p, image_size, channels) for p in scan.files])
    return images, np.full(len(images), label, np.int64)


def image_folder(path, image_size=(256, 256), channels=3, shuffle=False, seed=None, cache=True,
                 label=None, augment=False, crop_size=None, flip=True):
    """An unbatched `tf.data.Dataset` of the images in a folder, float32 in [-1, 1].

    Args:
        path: folder searched recursively for png/jpg/bmp/gif/webp/tif files.
        image_size: `(height, width)` every image is resized to (an int means square).
        channels: 1 or 3; grayscale, palette, RGBA (composited on white) and 16-bit images are
            converted.
        shuffle: shuffle the files each epoch (seeded by `seed`: the order of each epoch is
            then drawn from the seed and the epoch, see `gankit.data.set_epoch`).
        seed: shuffle and augmentation seed.
        cache: keep decoded images in memory after the first epoch.
        label: if given, elements are `(image, label)`.
        augment: apply `gankit.data.jitter` (random crop to `crop_size` after resizing to
            `image_size`, random horizontal flip).
        crop_size: crop size for `augment` (default: `image_size` minus 30/256 of it, i.e.
            286 -> 256 as in CycleGAN).
        flip: random horizontal flip when augmenting.

    Returns:
        `tf.data.Dataset` of images `(h, w, channels)`.

    Raises:
        FileNotFoundError: missing folder or no usable image in it.
        ValueError: bad `channels` or `image_size`.

    Example:

    >>> horses = gankit.data.image_folder("horse2zebra/trainA", image_size=286,
    ...                                   augment=True, crop_size=256, shuffle=True, seed=0)
    """
    import tensorflow as tf

    from gankit.data import epochs
    from gankit.data.augment import jitter_dataset
    from gankit.data.prefetching import prefetch

    if channels not in (1, 3):
        raise ValueError(f"channels must be 1 or 3, got {channels}")
    if isinstance(image_size, int):
        image_size = (image_size, image_size)
    if image_size is None or len(image_size) != 2 or min(image_size) < 1:
        raise ValueError(f"image_size must be an int or (height, width), got {image_size!r}")
    image_size = (int(image_size[0]), int(image_size[1]))
    scan = scan_folder(path, channels)
    paths = [str(p) for p in scan.files]

    def decode(p):
        return decode_image_file(p.decode(), image_size, channels)

    def load(p):
        image = tf.numpy_function(decode, [p], tf.uint8, stateful=False)
        image.set_shape((*image_size, channels))
        return tf.cast(image, tf.float32) / 127.5 - 1.0

    ds = tf.data.Dataset.from_tensor_slices(paths)
    ds = ds.map(load, num_parallel_calls=tf.data.AUTOTUNE)
    if cache:
        ds = ds.cache()
    if shuffle and seed is not None:  # each epoch's order drawn from (seed, epoch)
        state = epochs.EpochState()
        ds = epochs.attach(epochs.seeded_shuffle(ds, len(paths), seed, state, len(paths)), state)
    elif shuffle:
        ds = ds.shuffle(len(paths), reshuffle_each_iteration=True)
    if augment:
        if crop_size is None:
            crop_size = (round(image_size[0] * 256 / 286), round(image_size[1] * 256 / 286))
        ds = jitter_dataset(ds, crop_size=crop_size, flip=flip, seed=seed)
    if label is not None:
        ds = ds.map(lambda x: (x, tf.constant(label, tf.int64)))
    ds = prefetch(ds)
    states = epochs.epoch_states(ds)  # the shuffle's and the jitter's, if seeded
    return epochs.attach(ds, *states) if states else ds
