"""Grading one handed-in grid: `read_submission` (safe cutting) and `check_grid` (the verdict)."""

import json
import os
import tempfile

import numpy as np

from gankit import images as _images
from gankit.grading import checks as _checks
from gankit.grading.errors import SubmissionError
from gankit.grading.expectations import as_expectation
from gankit.grading.report import GridReport
from gankit.grading.untrusted import as_limits, decode_image, read_image_bytes

# Largest padding considered when working out rows/cols of a grid without a layout.
_MAX_GUESSED_PADDING = 8


def _int_in(layout, key, low, high, name):
    value = layout.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SubmissionError(
            f"{name}: the layout embedded in the PNG is invalid ({key}={value!r}, expected an "
            f"integer in [{low}, {high}]).")
    return value


def _embedded_layout(picture, limits, name):
    """The gankit layout in the PNG text chunk, validated as hostile input; None if absent."""
    raw = (getattr(picture, "text", None) or {}).get(_images.LAYOUT_KEY)
    if raw is None:
        return None
    try:
        layout = json.loads(raw)
    except (ValueError, RecursionError) as err:
        raise SubmissionError(f"{name}: the layout embedded in the PNG is not valid JSON.") from err
    if not isinstance(layout, dict) or layout.get("format") != _images.FORMAT:
        return None
    rows = _int_in(layout, "rows", 1, limits.max_cells, name)
    cols = _int_in(layout, "cols", 1, limits.max_cells, name)
    if rows * cols > limits.max_cells:
        raise SubmissionError(f"{name}: the embedded layout has {rows * cols} cells, over the "
                              f"limit of {limits.max_cells}.")
    _int_in(layout, "cell_height", 1, limits.max_side, name)
    _int_in(layout, "cell_width", 1, limits.max_side, name)
    _int_in(layout, "padding", 0, 64, name)
    if "count" in layout:
        _int_in(layout, "count", 1, rows * cols, name)
    labels = layout.get("labels")
    if labels is not None and (not isinstance(labels, list) or len(labels) > rows * cols):
        raise SubmissionError(f"{name}: the embedded layout's labels are invalid.")
    return layout


def _uniformity(grey, rows, cols, h, w, padding, border):
    """Fraction of separator pixels within 32 grey levels of their median (JPEG-tolerant)."""
    ymask = _images.separator_mask(grey.shape[0], rows, h, padding, border)
    xmask = _images.separator_mask(grey.shape[1], cols, w, padding, border)
    pixels = np.concatenate([grey[ymask].ravel(), grey[:, xmask].ravel()]).astype(np.int16)
    if pixels.size == 0:
        return 0.0
    return float(np.mean(np.abs(pixels - np.median(pixels)) <= 32))


def _plain_layout(grey, rows, cols, cell):
    """(rows, cols, padding, border) of a grid without embedded layout, or None if ambiguous.

    Candidates are all paddings 0..`_MAX_GUESSED_PADDING` (with and without a border) that
    tile the image into `rows` x `cols` cells, or, when those are None, into cells of size
    `cell`. Candidates whose separator lines are one colour (within JPEG noise) win, thinnest
    padding first, border preferred; a mosaic without padding comes next.
    """
    height, width = grey.shape
    found = []
    for p in range(_MAX_GUESSED_PADDING + 1):
        for border in ((True, False) if p else (False,)):
            lines = 1 if border else -1
            for r, c in [(rows, cols)]:
                if r is None or c is None:
                    r, ok_r = divmod(height - lines * p, cell[0] + p)
                    c, ok_c = divmod(width - lines * p, cell[1] + p)
                    if ok_r or ok_c or rows not in (None, r) or cols not in (None, c):
                        continue
                if r < 1 or c < 1:
                    continue
                h, ok_h = divmod(height - (r + lines) * p, r)
                w, ok_w = divmod(width - (c + lines) * p, c)
                if ok_h or ok_w or h < 1 or w < 1 or (p and p >= min(h, w)):
                    continue
                found.append((r, c, p, border, h, w))
    uniform = [f for f in found if f[2] and _uniformity(grey, *f[:2], *f[4:], *f[2:4]) >= 0.95]
    if uniform:
        best = min(uniform, key=lambda f: (f[2], not f[3]))
        if len({(f[0], f[1]) for f in uniform if f[2] == best[2]}) > 1:
            return None
        return best[:4]
    plain = [f for f in found if f[2] == 0]
    if len(plain) == 1:
        return plain[0][:4]
    return None


def _figure(copy, expect, plain_cell, limits):
    """`(cells, layout)` of a figure-style grid (Matplotlib subplots), or `(None, None)`.

    The cells are found by `gankit.images.read_grid(style="figure")` (the same reader as for
    any grid) and resized to the dataset's cell size. A figure is not used when its cells are
    those of an evenly tiled grid, or when a tiling with uniform separators (from
    `_plain_layout`) has cells of the same size, `plain_cell`: that is a plain grid (a JPEG
    one, say), cut without resizing. A tiling whose cells differ from the pictures found is
    a coincidence of the figure's margins, and the figure wins.
    """
    try:
        cells, layout = _images.read_grid(copy, rows=expect.rows, cols=expect.cols,
                                          resize_to=expect.cell_size, style="figure")
    except ValueError:
        return None, None
    if layout.get("style") != "figure" or layout["rows"] * layout["cols"] > limits.max_cells:
        return None, None
    found = (layout["found_cell_height"], layout["found_cell_width"])
    if plain_cell is not None and all(abs(a - b) <= 2 for a, b in zip(found, plain_cell)):
        return None, None
    return cells, layout


def read_submission(path, expect=None, limits=None):
    """Safely cuts a handed-in grid into cells (PNG/JPEG, limits checked before decoding).

    Grids written by `save_grid` are cut with their embedded layout (validated first: a hostile
    layout cannot make the reader allocate or loop without bound). Figure-style grids (a
    Matplotlib figure of subplots: margins, resampled cells) are cut into the pictures found
    between the margins, resized to the dataset's cell size (`read_grid(style="figure")`),
    with `expect.rows`/`expect.cols` or without. Other grids are cut with
    `expect.rows`/`expect.cols` (padding detected, white or black, 1 or 3 channels); without
    them, with the only (rows, cols) whose cells have the dataset's size, if there is one.

    Args:
        path: the submitted file.
        expect: an `Expectation`, a dict of its fields, or None.
        limits: a `Limits`, a dict of its fields, or None.

    Returns:
        `(cells, layout)` as `read_grid` returns them: uint8 (n, h, w, c) and the layout dict.

    Raises:
        SubmissionError: the file is unusable (see `gankit.grading.untrusted`) or cannot be cut
            into a grid.

    Example:

    ```python
    cells, layout = gankit.grading.read_submission("alice.png", {"rows": 10, "cols": 10})
    ```
    """
    expect = as_expectation(expect)
    limits = as_limits(limits)
    name = os.path.basename(os.fspath(path)) or os.fspath(path)
    data, fmt, (width, height) = read_image_bytes(path, limits)
    picture = decode_image(data, fmt, (width, height), limits, name)
    layout = _embedded_layout(picture, limits, name)
    padding = border = plain_cell = None
    if layout is not None:
        rows = cols = None
    else:
        grey = np.asarray(picture.convert("L"))
        shape = _plain_layout(grey, expect.rows, expect.cols, expect.cell_size)
        rows, cols = expect.rows, expect.cols
        if shape is not None:
            rows, cols, padding, border = shape
            if padding:
                lines = 1 if border else -1
                plain_cell = ((grey.shape[0] - (rows + lines) * padding) // rows,
                              (grey.shape[1] - (cols + lines) * padding) // cols)
    picture.close()
    if rows is not None and cols is not None and rows * cols > limits.max_cells:
        raise SubmissionError(f"{name}: {rows}x{cols} = {rows * cols} cells is over the limit of "
                              f"{limits.max_cells}.")
    # Cut the bytes already vetted (a private copy), never the student's path a second time.
    with tempfile.TemporaryDirectory(prefix="gankit-grid-") as tmp:
        copy = os.path.join(tmp, "submission." + ("png" if fmt == "PNG" else "jpg"))
        with open(copy, "wb") as f:
            f.write(data)
        try:
            cells, embedded = None, layout is not None
            if not embedded:
                cells, layout = _figure(copy, expect, plain_cell, limits)
            if cells is None and not embedded and (rows is None or cols is None):
                raise SubmissionError(
                    f"{name}: the grid has no embedded gankit layout, and neither its size "
                    f"({width}x{height}) nor margins between its pictures tell the number of "
                    f"rows and columns; pass rows and cols in `expect`.")
            if cells is None:
                cells, layout = _images.read_grid(copy, rows=rows, cols=cols, padding=padding,
                                                  border=border, style="plain")
        except (ValueError, OSError) as err:
            if isinstance(err, SubmissionError):
                raise
            detail = str(err).replace(repr(copy), name).replace(copy, name)
            raise SubmissionError(f"{name}: cannot be cut into a grid: {detail}") from err
    if len(cells) == 0:
        raise SubmissionError(f"{name}: the grid holds no cells.")
    return cells, layout


def cell_labels(layout, count, expect):
    """The intended class of each cell of a conditional grid, or a reason why there is none.

    Order of precedence: `expect.labels`, the labels embedded in the grid, then `0, 1, 2, ...`
    along `expect.labels_along`.

    Returns:
        `(labels, None)` with an int array (count,), or `(None, message)`.
    """
    rows, cols = int(layout["rows"]), int(layout["cols"])
    k = expect.num_classes
    if expect.labels is not None:
        given, per = list(expect.labels), None
    elif layout.get("labels") is not None:
        given = layout["labels"]
        per = {"row": "rows", "cell": "cells"}.get(layout.get("labels_per"))
    else:
        given, per = list(range(rows if expect.labels_along == "rows" else cols)), None
    if not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v < k for v in given):
        return None, f"the labels {given!r} are not class indices in [0, {k})."
    if per is None:
        if len(given) in (rows * cols, count) and len(given) not in (rows, cols):
            per = "cells"
        else:
            per = expect.labels_along
    index = np.arange(count)
    if per == "cells":
        if len(given) < count:
            return None, f"{len(given)} labels for {count} cells."
        return np.asarray(given[:count]), None
    along = index // cols if per == "rows" else index % cols
    if len(given) != (rows if per == "rows" else cols):
        return None, (f"{len(given)} labels for a grid with {rows if per == 'rows' else cols} "
                      f"{per}.")
    return np.asarray(given)[along], None


def check_grid(path, expect=None, classifier=None, limits=None):
    """Grades one handed-in sample grid and returns a report with a verdict per check.

    Checks, in order (see `Thresholds` for the pass marks and how they were calibrated):

    * `layout`: rows, columns and cell size as expected (28x28 for MNIST/Fashion-MNIST), every
      cell filled. The cells of a Matplotlib figure of subplots are found between its margins
      and resized to 28x28; the message gives the size they were found at. If this fails,
      the other checks are not run.
    * `contrast`: not blank or saturated (cells of one flat colour).
    * `diversity`: few near-duplicate cells (a collapsed generator repeats one image).
    * `realism`: most cells look like real images of the dataset, judged in pixel space (the
      classifier alone cannot tell noise from digits).
    * `confidence`: the dataset's pretrained LeNet is confident about the cells on average.
    * `inception_score`: Inception Score of the cells (one split). `realism`, `confidence` and
      `inception_score` together judge realism.
    * `coverage` (unconditional grids): enough classes appear.
    * `label_accuracy` (conditional grids): cells are classified as their row/column label.
      A grid that embeds its labels (`save_grid(..., labels=...)`) is conditional unless
      `expect` says `conditional=False`.

    The file is treated as hostile: see `gankit.grading.untrusted` (size and pixel limits
    before decoding, PNG/JPEG by magic bytes only, no pickle).

    Args:
        path: the submitted grid (PNG written by `save_grid`, or any PNG/JPEG grid).
        expect: an `Expectation`, a dict of its fields (and of `Thresholds` fields), or None
            (MNIST, any rows/cols, conditional when the grid embeds labels).
        classifier: a `keras.Model` giving class probabilities of 28x28 images in [-1, 1];
            None uses `gankit.load_pretrained(expect.dataset)`.
        limits: a `Limits`, a dict of its fields, or None for the defaults.

    Returns:
        A `GridReport` (`passed`, `checks`, `summary()`, `to_dict()`, `to_json()`).

    Raises:
        SubmissionError: the file is unusable (missing, too big, not PNG/JPEG, corrupt, cannot
            be cut into a grid). The `gankit` command line maps it to exit code 2.
        ValueError: bad `expect` or `limits` (the grader's mistake, not the student's).

    Example:

    ```python
    report = gankit.check_grid("alice.png", expect={"dataset": "mnist", "rows": 10, "cols": 10})
    print(report.summary())
    print(report.to_json())
    ```
    """
    expect = as_expectation(expect)
    limits = as_limits(limits)
    cells, layout = read_submission(path, expect, limits)
    thresholds = expect.thresholds
    conditional = expect.is_conditional(layout)
    results = [_checks.check_layout(layout, len(cells), expect)]
    report_layout = {k: layout.get(k) for k in ("rows", "cols", "count", "cell_height",
                                                "cell_width", "channels", "padding", "labels",
                                                "labels_per", "seed", "model", "epoch", "style",
                                                "found_cell_height", "found_cell_width")
                     if k in layout}
    if results[0].passed:
        results.append(_checks.check_contrast(cells, thresholds))
        results.append(_checks.check_diversity(cells, thresholds))
        results.append(_checks.check_realism(cells, thresholds, expect.dataset))
        from gankit import classifier as _clf

        model = classifier if classifier is not None else _clf.load_pretrained(expect.dataset)
        probs = _clf.predict_proba(cells, model)
        results.append(_checks.check_confidence(probs, thresholds, expect.dataset))
        labels, problem = cell_labels(layout, len(cells), expect) if conditional else (None, None)
        shown = None if labels is None else len(np.unique(labels))
        results.append(_checks.check_inception_score(probs, thresholds, shown))
        if conditional:
            if labels is None:
                from gankit.grading.report import CheckResult

                results.append(CheckResult("label_accuracy", False, None,
                                           thresholds.min_label_accuracy,
                                           f"cannot tell the cells' labels: {problem}"))
            else:
                results.append(_checks.check_label_accuracy(probs, labels, thresholds))
        else:
            results.append(_checks.check_coverage(probs, thresholds, expect.num_classes))
    graded_as = dict(expect.to_dict(), conditional=conditional)
    return GridReport(os.fspath(path), tuple(results), report_layout, graded_as)
