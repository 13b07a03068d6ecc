"""Colored MNIST: MNIST digits drawn over random crops of a real photo, digit pixels inverted.

After Bulten's "colorful MNIST" (cited by report 001, used there for MNIST <-> colored MNIST
CycleGAN): each digit gets a random crop of a colour photograph as background, and where the
digit is, the photo's colours are inverted. The background photo is Grace Hopper's portrait that
ships with matplotlib, so no download is needed.
"""

import numpy as np

CROP_SCALE = (64, 160)  # side of the square crop of the photo before resizing to the digit size


def background_photo():
    """The background photo as float32 RGB in [0, 1] (matplotlib's `grace_hopper.jpg`)."""
    from matplotlib import cbook
    from PIL import Image

    with cbook.get_sample_data("grace_hopper.jpg") as f:
        image = Image.open(f).convert("RGB")
        return np.asarray(image, np.float32) / 255.0


def colorize(digits, seed=0, photo=None):
    """Turns grayscale digits into colored-MNIST images.

    Args:
        digits: uint8 array `(n, h, w)` or `(n, h, w, 1)`.
        seed: the crops (position and scale) are a pure function of `seed` and the index.
        photo: optional float RGB background in [0, 1]; defaults to `background_photo`.

    Returns:
        uint8 array `(n, h, w, 3)`: `photo_crop * (1 - m) + (1 - photo_crop) * m` where `m` is
        the digit's intensity in [0, 1], i.e. the photo inverted where the digit is.

    Example:

    >>> x, y = gankit.data.load_arrays("mnist", "test")
    >>> colored = colorize(x[:16], seed=0)
    """
    from PIL import Image

    digits = np.asarray(digits)
    if digits.ndim == 4:
        digits = digits[..., 0]
    n, h, w = digits.shape
    photo = background_photo() if photo is None else np.asarray(photo, np.float32)
    ph, pw = photo.shape[:2]
    rng = np.random.default_rng(seed)
    sizes = rng.integers(CROP_SCALE[0], min(CROP_SCALE[1], ph, pw) + 1, size=n)
    tops = (rng.random(n) * (ph - sizes)).astype(int)
    lefts = (rng.random(n) * (pw - sizes)).astype(int)
    out = np.empty((n, h, w, 3), np.uint8)
    photo_u8 = Image.fromarray((photo * 255).astype(np.uint8))
    for i in range(n):
        top, left, size = int(tops[i]), int(lefts[i]), int(sizes[i])
        crop = photo_u8.crop((left, top, left + size, top + size)).resize((w, h), Image.BILINEAR)
        crop = np.asarray(crop, np.float32) / 255.0
        m = digits[i, :, :, None].astype(np.float32) / 255.0
        out[i] = np.rint((crop * (1.0 - m) + (1.0 - crop) * m) * 255.0).astype(np.uint8)
    return out
