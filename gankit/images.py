"""Image conversions and sample grids whose layout travels inside the PNG.

Images in gankit's public API are float32 NHWC in [-1, 1]; files are uint8. A grid written by
`save_grid` embeds its layout (rows, cols, cell size, padding, labels, seed, model, epoch) as a
JSON text chunk in the PNG itself, so a grading script can cut it back into cells with
`read_grid` without being told anything. `read_grid` also reads grids made by other tools
(torchvision's `save_image`, hand-made numpy mosaics) when given `rows` and `cols`, and
Matplotlib figures of subplots (margins, resampled cells: `find_cells`), with or without them.

Example:

```python
import numpy as np
from gankit import images

fake = np.random.uniform(-1, 1, (100, 28, 28, 1)).astype("float32")
images.save_grid(fake, "grid.png", rows=10, cols=10, labels=list(range(10)), epoch=3)
cells, layout = images.read_grid("grid.png")
cells.shape, layout["labels"]  # ((100, 28, 28, 1), [0, 1, ..., 9])
```
"""

import json
import os

import numpy as np
from PIL import Image, PngImagePlugin

from gankit.checks import check_int
from gankit.files import atomic_open

# Name of the PNG text chunk holding the layout; bump FORMAT_VERSION if its meaning changes.
LAYOUT_KEY = "gankit.layout"
FORMAT = "gankit-grid"
FORMAT_VERSION = 1

_RESERVED = {
    "format", "format_version", "rows", "cols", "count", "cell_height", "cell_width",
    "channels", "padding", "pad_value", "border", "labels", "labels_per", "seed", "model",
    "epoch", "gankit_version",
}
# Largest padding `read_grid` tries when asked to detect it.
_MAX_DETECTED_PADDING = 32
# Cell sizes that padding detection prefers when several layouts fit (square cells).
_USUAL_SIZES = (8, 16, 28, 32, 48, 64, 96, 128, 224, 256, 299, 512)


def _as_numpy(images):
    if hasattr(images, "numpy"):
        images = images.numpy()
    return np.asarray(images)


def to_uint8(images):
    """Converts images in [-1, 1] to uint8 in [0, 255].

    Values outside [-1, 1] are clipped and NaN becomes mid-grey, so a diverged generator still
    gives a viewable picture. uint8 input is returned unchanged; other integer input must
    already lie in [0, 255].

    Args:
        images: array-like (numpy array or eager tensor) of any shape; float in [-1, 1], or
            integers in [0, 255].

    Returns:
        A uint8 numpy array of the same shape: `round((x + 1) * 127.5)`.

    Example:

    >>> to_uint8(np.array([-1.0, 0.0, 1.0]))
    array([  0, 128, 255], dtype=uint8)
    """
    x = _as_numpy(images)
    if x.dtype == np.uint8:
        return x
    if x.dtype == np.bool_:
        raise ValueError("to_uint8 expects float images in [-1, 1] or uint8, got a bool array.")
    if np.issubdtype(x.dtype, np.integer):
        if x.size and (x.min() < 0 or x.max() > 255):
            raise ValueError(
                f"Integer images must lie in [0, 255] to convert to uint8; got values in "
                f"[{x.min()}, {x.max()}]. Float images are expected in [-1, 1].")
        return x.astype(np.uint8)
    if not np.issubdtype(x.dtype, np.floating):
        raise ValueError(f"to_uint8 expects a numeric array, got dtype {x.dtype}.")
    x = np.nan_to_num(x.astype(np.float32), nan=0.0, posinf=1.0, neginf=-1.0)
    return np.rint((np.clip(x, -1.0, 1.0) + 1.0) * 127.5).astype(np.uint8)


def to_float(images):
    """Converts uint8 images in [0, 255] to float32 in [-1, 1].

    Args:
        images: uint8 array-like of any shape. Float input is taken as already in [-1, 1] and
            returned as float32.

    Returns:
        A float32 numpy array of the same shape: `x / 127.5 - 1`.

    Example:

    >>> to_float(np.array([0, 255], dtype="uint8"))
    array([-1.,  1.], dtype=float32)
    """
    x = _as_numpy(images)
    if np.issubdtype(x.dtype, np.floating):
        return x.astype(np.float32)
    if x.dtype != np.uint8:
        if not np.issubdtype(x.dtype, np.integer) or (x.size and (x.min() < 0 or x.max() > 255)):
            raise ValueError(
                f"to_float expects uint8 images in [0, 255] (or floats in [-1, 1]); got dtype "
                f"{x.dtype}.")
    return x.astype(np.float32) / 127.5 - 1.0


def _check_pad_value(pad_value):
    if isinstance(pad_value, bool) or not isinstance(pad_value, (int, np.integer)) or not (
            0 <= pad_value <= 255):
        raise ValueError(
            f"`pad_value` must be an integer in [0, 255] (255 = white, 0 = black), got "
            f"{pad_value!r}.")
    return int(pad_value)


def _as_nhwc_uint8(images):
    x = to_uint8(images)
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4:
        raise ValueError(
            f"Expected a batch of images shaped (n, height, width, channels) or (n, height, "
            f"width); got shape {x.shape}.")
    if x.shape[-1] not in (1, 3):
        raise ValueError(
            f"Grids hold 1-channel (grey) or 3-channel (RGB) images; got {x.shape[-1]} channels "
            f"(shape {x.shape}). Images must be NHWC.")
    if x.shape[0] == 0 or x.shape[1] == 0 or x.shape[2] == 0:
        raise ValueError(f"Cannot make a grid from an empty batch (shape {x.shape}).")
    return x


def make_grid(images, rows, cols, padding=2, pad_value=255):
    """Tiles a batch of images into one uint8 picture.

    Cells are laid out row by row (image `i` goes to row `i // cols`, column `i % cols`), with
    `padding` pixels of `pad_value` between cells and around the border, as torchvision does:
    the result is `rows * h + (rows + 1) * padding` pixels high. Cells left over when there are
    fewer than `rows * cols` images are filled with `pad_value`.

    Args:
        images: batch shaped (n, h, w, c) or (n, h, w), float in [-1, 1] or uint8, c in {1, 3},
            with `n <= rows * cols`.
        rows: number of rows.
        cols: number of columns.
        padding: pixels between cells and around the border.
        pad_value: grey level of the padding, 255 (white) or 0 (black) or anything between.

    Returns:
        A uint8 array shaped (H, W, c).

    Example:

    >>> make_grid(np.zeros((6, 28, 28, 1), "uint8"), rows=2, cols=3).shape
    (62, 92, 1)
    """
    rows = check_int("rows", rows)
    cols = check_int("cols", cols)
    padding = check_int("padding", padding, minimum=0)
    pad_value = _check_pad_value(pad_value)
    x = _as_nhwc_uint8(images)
    n, h, w, c = x.shape
    if n > rows * cols:
        raise ValueError(
            f"{n} images do not fit in a {rows}x{cols} grid ({rows * cols} cells); pass fewer "
            f"images or a larger grid.")
    grid = np.full((rows * h + (rows + 1) * padding, cols * w + (cols + 1) * padding, c),
                   pad_value, dtype=np.uint8)
    for i in range(n):
        r, k = divmod(i, cols)
        y0 = padding + r * (h + padding)
        x0 = padding + k * (w + padding)
        grid[y0:y0 + h, x0:x0 + w] = x[i]
    return grid


def _jsonable(value, name):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v, name) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v, name) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise ValueError(
        f"`{name}` must be JSON-serialisable (numbers, strings, lists, dicts); got "
        f"{type(value).__name__}.")


def _gankit_version():
    from gankit import __version__

    return __version__


def _grid_layout(rows, cols, count, shape, padding, pad_value, labels, seed, model, epoch,
                 extra):
    _, h, w, c = shape
    labels_per = None
    if labels is not None:
        labels = _jsonable(_as_numpy(labels) if not isinstance(labels, (list, tuple)) else labels,
                           "labels")
        if not isinstance(labels, list):
            raise ValueError(f"`labels` must be a list (one per row or per cell), got {labels!r}.")
        if len(labels) == rows * cols or len(labels) == count:
            labels_per = "cell"
        elif len(labels) == rows:
            labels_per = "row"
        else:
            raise ValueError(
                f"`labels` must have one entry per row ({rows}) or per cell ({rows * cols}); got "
                f"{len(labels)}.")
    if model is not None and not isinstance(model, str):
        model = type(model).__name__
    clash = sorted(set(extra) & _RESERVED)
    if clash:
        raise ValueError(f"Extra layout keys {clash} clash with save_grid's own keys.")
    layout = {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "rows": rows, "cols": cols, "count": count,
        "cell_height": int(h), "cell_width": int(w), "channels": int(c),
        "padding": padding, "pad_value": pad_value, "border": True,
        "labels": labels, "labels_per": labels_per,
        "seed": _jsonable(seed, "seed"), "model": model,
        "epoch": _jsonable(epoch, "epoch"), "gankit_version": _gankit_version(),
    }
    layout.update(_jsonable(dict(extra), "extra"))
    return layout


def save_grid(images, path, rows, cols, labels=None, seed=None, model=None, epoch=None,
              padding=2, pad_value=255, **extra):
    """Writes a grid of images to a PNG with its layout embedded as PNG text metadata.

    The layout is a JSON text chunk named `"gankit.layout"` holding `rows`, `cols`, `count`,
    `cell_height`, `cell_width`, `channels`, `padding`, `pad_value`, `border` (always True:
    padding also runs around the outside), `labels` with `labels_per` ("row" or "cell"),
    `seed`, `model`, `epoch`, `gankit_version` and any `extra` keys. `read_grid` and
    `read_layout` read it back. The file is written to a temporary name and renamed, so a
    reader never sees half a PNG.

    Args:
        images: batch shaped (n, h, w, c) or (n, h, w), float in [-1, 1] or uint8; c in {1, 3};
            `n <= rows * cols`.
        path: output file name; must end in `.png`. Missing folders are created.
        rows: number of rows.
        cols: number of columns.
        labels: optional class labels, one per row or one per cell (ints or strings).
        seed: optional seed the images were generated with (any JSON value).
        model: optional model (its class name is stored) or a model name string.
        epoch: optional epoch number.
        padding: pixels between cells and around the border.
        pad_value: grey level of the padding (255 white, 0 black).
        **extra: further JSON-serialisable entries for the layout.

    Returns:
        `path`, as given.

    Example:

    ```python
    cgan_images = cgan.generate(np.repeat(np.arange(10), 10), seed=0)
    save_grid(cgan_images, "cgan.png", rows=10, cols=10, labels=list(range(10)),
              seed=0, model=cgan, epoch=20)
    ```
    """
    fspath = os.fspath(path)
    if not fspath.lower().endswith(".png"):
        raise ValueError(f"save_grid writes PNG files; `path` must end in .png, got {fspath!r}.")
    grid = make_grid(images, rows, cols, padding=padding, pad_value=pad_value)
    shape = _as_nhwc_uint8(images).shape
    layout = _grid_layout(int(rows), int(cols), int(shape[0]), shape, int(padding),
                          int(pad_value), labels, seed, model, epoch, extra)
    info = PngImagePlugin.PngInfo()
    info.add_text(LAYOUT_KEY, json.dumps(layout, sort_keys=True))
    picture = Image.fromarray(grid[..., 0] if grid.shape[-1] == 1 else grid,
                              mode="L" if grid.shape[-1] == 1 else "RGB")
    with atomic_open(fspath, "wb") as f:
        picture.save(f, format="PNG", pnginfo=info)
    return path


def _open(path):
    fspath = os.fspath(path)
    if not os.path.isfile(fspath):
        raise FileNotFoundError(f"No grid image at {fspath!r}.")
    try:
        picture = Image.open(fspath)
        picture.load()
    except (OSError, Image.DecompressionBombError) as err:
        raise ValueError(f"{fspath!r} is not a readable image: {err}") from err
    return picture


def _layout_from(picture, path):
    text = getattr(picture, "text", None) or {}
    raw = text.get(LAYOUT_KEY, picture.info.get(LAYOUT_KEY))
    if raw is None:
        return None
    try:
        layout = json.loads(raw)
    except json.JSONDecodeError as err:
        raise ValueError(
            f"The layout embedded in {os.fspath(path)!r} is not valid JSON: {err}") from err
    if not isinstance(layout, dict) or layout.get("format") != FORMAT:
        return None
    return layout


def read_layout(path):
    """Returns the layout dict embedded by `save_grid`, or None for other PNGs.

    Args:
        path: image file.

    Returns:
        The layout dict (see `save_grid`), or None if the file carries no gankit layout.

    Example:

    >>> read_layout("samples/epoch_0005.png")["epoch"]
    5
    """
    return _layout_from(_open(path), path)


def _pixels(picture, channels):
    mode = picture.mode
    if mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(picture, dtype=np.float64)
        arr = np.clip(np.rint(arr / 257.0), 0, 255).astype(np.uint8)[..., None]
    elif mode in ("L", "1", "LA", "F"):
        arr = np.asarray(picture.convert("L"))[..., None]
    else:
        arr = np.asarray(picture.convert("RGB"))
    if channels is not None:
        channels = check_int("channels", channels)
        if channels not in (1, 3):
            raise ValueError(f"`channels` must be 1 or 3, got {channels}.")
        if channels == 3 and arr.shape[-1] == 1:
            arr = np.repeat(arr, 3, axis=-1)
        elif channels == 1 and arr.shape[-1] == 3:
            arr = np.asarray(Image.fromarray(arr, "RGB").convert("L"))[..., None]
    return np.ascontiguousarray(arr)


def _cell_size(total, n, padding, border):
    lines = n + 1 if border else n - 1
    rest = total - lines * padding
    if rest <= 0 or rest % n:
        return None
    return rest // n


def separator_mask(length, n, cell, padding, border):
    """Boolean mask along one axis of a grid: True on the padding lines between (and around) cells."""
    mask = np.zeros(length, dtype=bool)
    offset = padding if border else 0
    if border:
        mask[:padding] = True
    for k in range(n):
        end = offset + k * (cell + padding) + cell
        if k < n - 1 or border:
            mask[end:end + padding] = True
    return mask


def _score(arr, rows, cols, candidate):
    """Ranking key of a candidate layout (lower is better) for padding detection.

    1. its separator lines are one uniform colour (padding 0 always qualifies);
    2. it is exact: every full line of the padding colour is a separator line (for padding 0:
       the image has no constant line at all). A thinner padding whose lines fall inside the
       real, wider padding is not exact;
    3. its cells have a usual square size (28, 32, 64, ...): this settles most cases where
       padding and image background share a colour (black padding around MNIST digits), where
       no layout is exact;
    4. fewest lines of the padding colour outside the separators;
    5. thicker padding, then padding with a border.
    """
    p, border, h, w = candidate
    usual = h == w and h in _USUAL_SIZES
    if p == 0:
        flat = arr.reshape(arr.shape[0], -1)
        constant_rows = np.all(flat == flat[:, :1], axis=1)
        flat = arr.transpose(1, 0, 2).reshape(arr.shape[1], -1)
        constant_cols = np.all(flat == flat[:, :1], axis=1)
        left = int(constant_rows.sum() + constant_cols.sum())
        return (0, left > 0, not usual, left, 0, True)
    ymask = separator_mask(arr.shape[0], rows, h, p, border)
    xmask = separator_mask(arr.shape[1], cols, w, p, border)
    pixels = np.concatenate([arr[ymask].reshape(-1, arr.shape[-1]),
                             arr[:, xmask].reshape(-1, arr.shape[-1])])
    if pixels.size == 0 or not np.all(pixels == pixels[0]):
        return (1, True, not usual, 0, -p, not border)
    value = pixels[0]
    pad_rows = np.all(arr == value, axis=(1, 2))
    pad_cols = np.all(arr == value, axis=(0, 2))
    left = int((pad_rows & ~ymask).sum() + (pad_cols & ~xmask).sum())
    return (0, left > 0, not usual, left, -p, not border)


def _fit(arr, rows, cols, padding, border, cell_size=None):
    """Candidate layouts (padding, border, h, w) that fit the image size."""
    height, width = arr.shape[:2]
    paddings = [padding] if padding is not None else range(0, _MAX_DETECTED_PADDING + 1)
    borders = [border] if border is not None else [True, False]
    found = []
    for p in paddings:
        for b in borders:
            h = _cell_size(height, rows, p, b)
            w = _cell_size(width, cols, p, b)
            if h is None or w is None:
                continue
            if padding is None and p > 0 and p >= min(h, w):
                continue  # when guessing, padding wider than a cell is not a grid
            if cell_size is not None and (h, w) != cell_size:
                continue
            found.append((p, b, h, w))
    return found


FIGURE_TOLERANCE = 32
"""Grey levels by which a pixel may differ from a figure's background and still count as it.

Wide enough for JPEG ringing around the cells of a figure saved as JPEG, narrow enough that
no line across a dark MNIST cell (or across uniform noise) passes for background."""

# A figure's cells must be solid pictures, not the strokes of digits drawn on the background:
# most of each cell's outline differs from the background ...
_MIN_OUTLINE_FRACTION = 0.6
# ... and every cell has about the same size.
_CELL_SIZE_SPREAD = 0.15


def _runs(flags):
    """`(start, stop)` of each run of True in a 1-D boolean array."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], flags.astype(np.int8), [0]])))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2])]


def _per_span(mask, spans):
    """(rows, len(spans)) booleans: whether each row of `mask` holds something in each span."""
    padded = np.concatenate([mask, np.zeros((mask.shape[0], 1), dtype=bool)], axis=1)
    edges = np.array([v for span in spans for v in span], dtype=np.int64)
    return np.add.reduceat(padded.astype(np.int32), edges, axis=1)[:, ::2] > 0


def _background(arr, tolerance):
    """The colour of the picture's outer frame, if (nearly) all of the frame is that colour."""
    frame = np.concatenate([arr[0], arr[-1], arr[:, 0], arr[:, -1]]).astype(np.int16)
    colour = np.median(frame, axis=0)
    if np.mean(np.all(np.abs(frame - colour) <= tolerance, axis=-1)) < 0.9:
        return None
    return colour


def find_cells(pixels, tolerance=FIGURE_TOLERANCE, rows=None, cols=None, max_cells=1024):
    """Finds the cells of a figure-style grid: pictures laid out on a background, with margins.

    This is what a Matplotlib figure of subplots looks like (`plt.subplots(r, c)`, one
    `imshow` per axes, `axis("off")`, saved with or without `bbox_inches="tight"`): white
    margins of uneven width, each picture resampled to some size that is not the image's
    own. The background is the colour of the picture's outer frame (within `tolerance`);
    the rows of cells are the bands of non-background rows of the most common height, the
    columns of cells what those bands hold together (so a cell with a full-height stroke of
    the background colour is not split). Within a band, a row of cells is a run of pixel
    rows in which every column of cells holds something: shorter bands (a `suptitle`,
    per-axes titles) are left out, and so is a title touching the cells (`tight_layout`).
    The cells found must form a regular grid, all of about the same size, not much taller
    than wide or the reverse, each outlined mostly by non-background pixels (so the strokes
    of digits drawn straight on a black background are not taken for cells). Cells drawn in
    the background colour itself (`imshow(cmap="gray_r")` on a white page) cannot be found.

    Args:
        pixels: decoded picture, uint8 array (height, width) or (height, width, channels).
        tolerance: largest difference (grey levels, per channel) between a pixel and the
            background colour for the pixel to count as background.
        rows: expected number of rows of cells, or None.
        cols: expected number of columns of cells, or None.
        max_cells: a picture with more cells than this is not taken for a grid (bounds the
            work a hostile picture can cause).

    Returns:
        `(rows, cols, boxes)` with boxes an int array (rows * cols, 4) of `(top, bottom,
        left, right)` pixel bounds (bottom and right exclusive), row-major; or None when the
        picture is not such a grid (or not one of `rows` x `cols` cells).

    Example:

    ```python
    pixels = np.asarray(PIL.Image.open("figure.png").convert("L"))
    found = find_cells(pixels, rows=4, cols=4)   # (4, 4, boxes) or None
    ```
    """
    arr = np.asarray(pixels)
    if arr.ndim == 2:
        arr = arr[..., None]
    if arr.ndim != 3 or min(arr.shape[:2]) < 3:
        return None
    colour = _background(arr, tolerance)
    if colour is None:
        return None
    foreground = np.any(np.abs(arr.astype(np.int16) - colour) > tolerance, axis=-1)
    bands = _runs(foreground.any(axis=1))  # (top, bottom) of each band of rows holding something
    if not bands or len(bands) > max_cells:
        return None
    # Rows of cells are the bands of the most common height (titles are shorter) ...
    heights = np.array([b - t for t, b in bands])

    def slack(size):
        return max(2, int(round(_CELL_SIZE_SPREAD * size)))

    counts = [(int(np.sum(np.abs(heights - h) <= slack(h))), int(h)) for h in heights]
    ref_height = max(counts)[1]
    ref_height = int(np.median(heights[np.abs(heights - ref_height) <= slack(ref_height)]))
    # ... and the columns of cells are what those bands hold, all rows together (so a cell
    # with a full-height line of the background colour, white trousers, is not split).
    union = np.zeros(arr.shape[1], dtype=bool)
    for top, bottom in bands:
        if abs((bottom - top) - ref_height) <= 2:
            union |= foreground[top:bottom].any(axis=0)
    spans = _runs(union)
    if len(spans) > max_cells:
        return None
    # A row of cells is a run of image rows in which every column of cells holds something:
    # this leaves out a title touching the cells (`tight_layout` with a `suptitle`).
    rows_of_cells = []
    for top, bottom in bands:
        if bottom - top + slack(ref_height) < ref_height:
            continue
        full = _per_span(foreground[top:bottom], spans).all(axis=1)
        merged = []  # short breaks are a line of the background colour across one cell
        for q, r in _runs(full):
            if merged and q - merged[-1][1] <= slack(ref_height):
                merged[-1] = (merged[-1][0], r)
            else:
                merged.append((q, r))
        rows_of_cells += [(top + q, top + r) for q, r in merged
                          if abs((r - q) - ref_height) <= slack(ref_height)]
    boxes = []
    n_rows = 0
    for top, bottom in rows_of_cells:
        if _per_span(foreground[top:bottom], spans).any(axis=0).all():
            boxes += [(top, bottom, q, r) for q, r in spans]
            n_rows += 1
    n_cols = len(spans)
    if not 2 <= n_rows * n_cols <= max_cells or (rows is not None and rows != n_rows) or (
            cols is not None and cols != n_cols):
        return None
    boxes = np.asarray(boxes, dtype=np.int64)
    heights, widths = boxes[:, 1] - boxes[:, 0], boxes[:, 3] - boxes[:, 2]
    for sizes in (heights, widths):
        middle = float(np.median(sizes))
        if middle < 2 or np.any(np.abs(sizes - middle) > max(2.0, _CELL_SIZE_SPREAD * middle)):
            return None
    if not 1 / 3 <= np.median(heights) / np.median(widths) <= 3:
        return None  # thin strokes (a row of "1"s), not pictures
    for top, bottom, left, right in boxes:
        outline = np.concatenate([foreground[top, left:right], foreground[bottom - 1, left:right],
                                  foreground[top:bottom, left], foreground[top:bottom, right - 1]])
        if outline.mean() < _MIN_OUTLINE_FRACTION:
            return None
    return n_rows, n_cols, boxes


def cut_boxes(pixels, boxes, size):
    """Cuts rectangles out of a picture and resizes each to `size` (area-averaged when shrunk).

    Args:
        pixels: uint8 array (height, width, channels).
        boxes: `(top, bottom, left, right)` rectangles, as `find_cells` returns them.
        size: `(height, width)` of the cells returned.

    Returns:
        uint8 array (len(boxes), height, width, channels).
    """
    h, w = int(size[0]), int(size[1])
    c = pixels.shape[-1]
    cells = np.empty((len(boxes), h, w, c), dtype=np.uint8)
    for i, (top, bottom, left, right) in enumerate(boxes):
        crop = pixels[top:bottom, left:right]
        picture = Image.fromarray(crop[..., 0] if c == 1 else crop, mode="L" if c == 1 else "RGB")
        shrink = (bottom - top) >= h and (right - left) >= w
        picture = picture.resize((w, h), Image.Resampling.BOX if shrink else
                                 Image.Resampling.BILINEAR)
        cells[i] = np.asarray(picture).reshape(h, w, c)
    return cells


def _cut(arr, rows, cols, h, w, padding, border):
    offset = padding if border else 0
    cells = np.empty((rows * cols, h, w, arr.shape[-1]), dtype=np.uint8)
    for i in range(rows * cols):
        r, k = divmod(i, cols)
        y0 = offset + r * (h + padding)
        x0 = offset + k * (w + padding)
        cells[i] = arr[y0:y0 + h, x0:x0 + w]
    return cells


def _figure_layout(arr, found, resize_to, tolerance):
    """Cells and layout dict of a figure-style grid found by `find_cells`."""
    rows, cols, boxes = found
    heights, widths = boxes[:, 1] - boxes[:, 0], boxes[:, 3] - boxes[:, 2]
    found_size = (int(np.median(heights)), int(np.median(widths)))
    size = found_size if resize_to is None else resize_to
    cells = cut_boxes(arr, boxes, size)
    background = _background(arr, tolerance)
    background = [int(round(v)) for v in (background if background is not None else [])]
    layout = {
        "rows": rows, "cols": cols, "count": rows * cols,
        "cell_height": int(size[0]), "cell_width": int(size[1]), "channels": int(arr.shape[-1]),
        "padding": None, "pad_value": background[0] if len(set(background)) == 1 else background,
        "border": True, "labels": None, "labels_per": None, "style": "figure",
        "found_cell_height": found_size[0], "found_cell_width": found_size[1],
        "found_cell_range": [int(heights.min()), int(heights.max()), int(widths.min()),
                             int(widths.max())],
    }
    return cells, layout


def _tiling_of(boxes, candidates):
    """The plain layout among `candidates` whose cells are exactly `boxes`, if there is one."""
    for p, b, h, w in candidates:
        offset = p if b else 0
        n_cols = int(np.sum(boxes[:, 0] == boxes[0, 0]))
        index = np.arange(len(boxes))
        top = offset + (index // n_cols) * (h + p)
        left = offset + (index % n_cols) * (w + p)
        if np.array_equal(boxes, np.stack([top, top + h, left, left + w], axis=1)):
            return p, b, h, w
    return None


def _pair(name, value):
    if value is None:
        return None
    pair = (value, value) if isinstance(value, (int, np.integer)) else value
    if not isinstance(pair, (tuple, list)) or len(pair) != 2:
        raise ValueError(f"`{name}` must be an int or (height, width), got {value!r}.")
    return (check_int(name, pair[0]), check_int(name, pair[1]))


def read_grid(path, rows=None, cols=None, padding=None, border=None, channels=None,
              cell_size=None, resize_to=None, tolerance=FIGURE_TOLERANCE, style="auto"):
    """Cuts a grid PNG back into its cells.

    For PNGs written by `save_grid`, the embedded layout says everything; `rows`, `cols` and
    `padding`, if given, must agree with it. For grids made by other tools, pass `rows` and
    `cols`; the padding (and whether it also runs around the border, as in torchvision's
    `save_image`, or only between cells) is then detected among the layouts that fit the image
    size: separator lines of one uniform colour (white, black or any other) first, then usual
    square cell sizes (28, 32, 64, ...), then the layout leaving the fewest lines of the
    padding colour outside its separators; a mosaic with no uniform separators is read with
    padding 0. When padding and image background share a colour (black padding around MNIST
    digits) and the cells have an unusual size, several layouts can look right: pass
    `cell_size` (or `padding` and `border`) to settle it.

    Figure-style grids (a Matplotlib figure of subplots: white margins of uneven width, each
    picture resampled by `imshow`) are read when no evenly tiled layout explains the picture
    exactly and `padding`, `border` and `cell_size` are not given: the cells are found from
    the background between them (`find_cells`), with or without `rows` and `cols`, and
    resized to `resize_to` (default: the median size found). Their layout says
    `style="figure"` and gives the size found as `found_cell_height` / `found_cell_width`.

    Args:
        path: PNG (or any image Pillow reads) holding the grid.
        rows: number of rows; required for grids without an embedded layout.
        cols: number of columns; required for grids without an embedded layout.
        padding: pixels between cells; detected if None.
        border: whether padding also surrounds the grid; detected if None (only used for grids
            without an embedded layout).
        channels: 1 or 3 to convert the cells (luminance / repeated grey); None keeps the
            file's own (grey files give 1 channel, colour files 3).
        cell_size: optional cell size, an int (square) or `(height, width)`, to pin the
            layout of grids without an embedded one; checked against embedded layouts.
        resize_to: an int or `(height, width)`: the size figure-style cells are resized to
            (plain and embedded grids are never resized).
        tolerance: grey levels by which a figure's margins may differ from its background
            colour (see `find_cells`).
        style: "auto" (the default: as described above), "plain" (evenly tiled grids only,
            as `read_grid` read them before figures) or "figure" (cells found from the
            background only; a figure whose cells tile the picture evenly is still cut as a
            plain grid, without resizing).

    Returns:
        `(cells, layout)`: cells is a uint8 array shaped (rows * cols, h, w, c) in row-major
        order (for embedded layouts with fewer images than cells, only the `count` filled
        cells); layout is the embedded dict, or for other grids a dict with `rows`, `cols`,
        `count`, `cell_height`, `cell_width`, `channels`, `padding`, `pad_value` (None if there
        is no padding), `border`, `labels` None and `style` ("plain" or "figure"; figures
        also give `found_cell_height`, `found_cell_width` and `found_cell_range`, the
        smallest and largest height and width found, and `padding` None).

    Raises:
        FileNotFoundError: if `path` does not exist.
        ValueError: for bad arguments, a layout missing rows/cols, or an image whose size does
            not fit `rows`, `cols` and `padding`.

    Example:

    ```python
    cells, layout = read_grid("student_cgan.png", rows=10, cols=10)
    digits = cells.reshape(10, 10, 28, 28, 1)   # [row, column]
    ```
    """
    rows = check_int("rows", rows, none=True)
    cols = check_int("cols", cols, none=True)
    padding = check_int("padding", padding, minimum=0, none=True)
    if border is not None and not isinstance(border, (bool, np.bool_)):
        raise ValueError(f"`border` must be True, False or None, got {border!r}.")
    cell_size = _pair("cell_size", cell_size)
    resize_to = _pair("resize_to", resize_to)
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, np.integer)) or not (
            0 <= tolerance <= 255):
        raise ValueError(f"`tolerance` must be an integer in [0, 255], got {tolerance!r}.")
    picture = _open(path)
    layout = _layout_from(picture, path)
    arr = _pixels(picture, channels)
    height, width = arr.shape[:2]
    name = os.fspath(path)

    if layout is not None:
        for key, given in (("rows", rows), ("cols", cols), ("padding", padding)):
            if given is not None and given != layout.get(key):
                raise ValueError(
                    f"{name!r} says it is a grid with {key}={layout.get(key)}, but {key}={given} "
                    f"was asked for.")
        try:
            rows, cols = int(layout["rows"]), int(layout["cols"])
            padding, h, w = int(layout["padding"]), int(layout["cell_height"]), int(
                layout["cell_width"])
        except (KeyError, TypeError, ValueError) as err:
            raise ValueError(f"The layout embedded in {name!r} is incomplete: {err}") from err
        if cell_size is not None and cell_size != (h, w):
            raise ValueError(
                f"{name!r} holds cells of {h}x{w} pixels, but cell_size={cell_size} was asked "
                f"for.")
        lay_border = bool(layout.get("border", True))
        lines = 1 if lay_border else -1
        expected = (rows * h + (rows + lines) * padding, cols * w + (cols + lines) * padding)
        if (height, width) != expected:
            raise ValueError(
                f"{name!r} is {height}x{width} pixels but its embedded layout ({rows}x{cols} "
                f"cells of {h}x{w}, padding {padding}) needs {expected[0]}x{expected[1]}; the "
                f"image was resized or edited after it was saved.")
        cells = _cut(arr, rows, cols, h, w, padding, lay_border)
        count = int(layout.get("count", rows * cols))
        return cells[:count], layout

    if style not in ("auto", "plain", "figure"):
        raise ValueError(f"`style` must be 'auto', 'plain' or 'figure', got {style!r}.")
    pinned = padding is not None or border is not None or cell_size is not None
    if style == "figure" and pinned:
        raise ValueError("`padding`, `border` and `cell_size` pin a plain layout; they cannot be "
                         "combined with style='figure'.")
    figure_allowed = style == "figure" or (style == "auto" and not pinned)
    found = None
    if rows is None or cols is None or style == "figure":
        found = find_cells(arr, tolerance, rows, cols) if figure_allowed else None
        if found is None:
            what = "is not a figure of pictures separated by margins"
            if style == "figure":
                what += (f" ({'' if rows is None else f'{rows} rows, '}"
                         f"{'' if cols is None else f'{cols} columns, '}background within "
                         f"{tolerance} grey levels of the frame's colour)")
                raise ValueError(f"{name!r} {what}.")
            what = f" and {what}" if figure_allowed else ""
            raise ValueError(
                f"{name!r} has no embedded gankit layout{what}; pass `rows` and `cols` "
                f"(e.g. read_grid(path, rows=10, cols=10)).")
        rows, cols = found[0], found[1]
    if rows > height or cols > width:
        raise ValueError(
            f"{name!r} is {height}x{width} pixels: too small for {rows} rows x {cols} columns.")
    candidates = _fit(arr, rows, cols, padding, border, cell_size)
    chosen = None
    if candidates:
        scores = [_score(arr, rows, cols, c) for c in candidates]
        best = min(range(len(candidates)), key=scores.__getitem__)
        if scores[best][:2] == (0, False) or not figure_allowed:
            chosen = candidates[best]  # exact: every line of the padding colour is a separator
    if chosen is None and figure_allowed:
        found = found or find_cells(arr, tolerance, rows, cols)
        if found is not None:
            tiling = _tiling_of(found[2], candidates)
            if tiling is None:
                return _figure_layout(arr, found, resize_to, tolerance)
            chosen = tiling  # pictures on a background that is just a grid's padding
    if chosen is None and candidates:
        chosen = candidates[best]
    if chosen is None:
        hint = "" if padding is None else f" and padding {padding}"
        hint += "" if cell_size is None else f" and cells of {cell_size[0]}x{cell_size[1]}"
        raise ValueError(
            f"{name!r} is {height}x{width} pixels, which cannot be split into {rows} rows x "
            f"{cols} columns{hint}: expected height = rows*cell + (rows+1)*padding (border) or "
            f"rows*cell + (rows-1)*padding (no border), and the same for width. Check rows, "
            f"cols and padding.")
    p, b, h, w = chosen
    cells = _cut(arr, rows, cols, h, w, p, b)
    pad_value = None
    if p > 0 and (b or rows > 1 or cols > 1):
        ymask = separator_mask(height, rows, h, p, b)
        pixel = arr[ymask][0, 0] if ymask.any() else arr[:, separator_mask(
            width, cols, w, p, b)][0, 0]
        pad_value = int(pixel[0]) if np.all(pixel == pixel[0]) else [int(v) for v in pixel]
    layout = {
        "rows": rows, "cols": cols, "count": rows * cols,
        "cell_height": int(h), "cell_width": int(w), "channels": int(arr.shape[-1]),
        "padding": int(p), "pad_value": pad_value, "border": bool(b) if p > 0 else False,
        "labels": None, "labels_per": None, "style": "plain",
    }
    return cells, layout
