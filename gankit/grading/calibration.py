"""Measures the grid checks on real and broken grids: where the `Thresholds` defaults come from.

Run `python -m gankit.grading.calibration [--grids 20]` (offline, about a minute on a CPU) to
print, for MNIST and Fashion-MNIST, the range of every check's value over random 10x10 grids of
the test set and over grids that must fail: uniform noise, blank (black/white/grey), one image
repeated with slight noise (a collapsed generator), one class only, and conditional grids
whose rows are labelled with the wrong class.

`--styles figure` measures the same grids handed in as Matplotlib figures, the way tutorials
save samples (`plt.subplots(rows, cols)`, `imshow(cmap="gray")` per axes, `axis("off")`,
`savefig` with or without `bbox_inches="tight"`, a few sizes, resolutions, `tight_layout` and
`suptitle`; see `FIGURE_VARIANTS`): each figure is written to a PNG and read back by
`read_submission`, as a handed-in file would be, so the cells measured are the resized ones.

Example:

```python
from gankit.grading import calibration
cells, labels = calibration.make_cells("repeated", images, classes, rng)
calibration.FigureWriter().save(cells[:16], "fig.png", rows=4, cols=4)
```
"""

import argparse
import os
import tempfile

import numpy as np

KINDS = ("real", "real_conditional", "noise", "blank", "repeated", "single_class", "wrong_labels")
"""Kinds of calibration grids; all but the first two must fail (`passed` 0)."""


def make_cells(kind, images, classes, rng, rows=10, cols=10):
    """Cells of one calibration grid, row-major, with the class label of each row.

    Args:
        kind: one of `KINDS`.
        images: uint8 test images (n, 28, 28) or (n, 28, 28, 1).
        classes: their int labels (n,).
        rng: a `numpy.random.Generator`.
        rows: grid rows (one class per row for the conditional kinds; rows <= 10).
        cols: grid columns.

    Returns:
        `(cells, row_labels)`: uint8 (rows * cols, 28, 28, 1) and an int list (rows,) (for
        "wrong_labels", the labels the grid claims, each one off from what its row shows).
    """
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., None]
    classes = np.asarray(classes)
    n = rows * cols
    row_labels = list(range(rows))
    if kind == "real":
        cells = images[rng.choice(len(images), n, replace=False)]
    elif kind in ("real_conditional", "wrong_labels"):
        picks = [rng.choice(np.flatnonzero(classes == c), cols, replace=False) for c in range(rows)]
        cells = images[np.concatenate(picks)]
        if kind == "wrong_labels":
            row_labels = [(c + 1) % 10 for c in range(rows)]
    elif kind == "noise":
        cells = rng.integers(0, 256, (n,) + images.shape[1:], dtype=np.uint8)
    elif kind == "blank":
        level = int(rng.choice([0, 255, 128]))
        cells = np.full((n,) + images.shape[1:], level, dtype=np.uint8)
    elif kind == "repeated":
        one = images[rng.integers(len(images))].astype(np.int16)
        jitter = rng.integers(-4, 5, (n,) + images.shape[1:])
        cells = np.clip(one[None] + jitter, 0, 255).astype(np.uint8)
    elif kind == "single_class":
        c = int(rng.integers(10))
        cells = images[rng.choice(np.flatnonzero(classes == c), n, replace=False)]
    else:
        raise ValueError(f"Unknown calibration grid kind {kind!r}; choose one of {KINDS}.")
    return np.ascontiguousarray(cells), row_labels


FIGURE_VARIANTS = (
    {"inches_per_cell": 1.0, "dpi": 100},
    {"inches_per_cell": 1.0, "dpi": 100, "tight": True},
    {"inches_per_cell": 1.5, "dpi": 72, "tight_layout": True, "suptitle": "Epoch 10"},
    {"inches_per_cell": 0.6, "dpi": 150, "tight": True, "suptitle": "Generated digits"},
    {"inches_per_cell": 0.8, "dpi": 80, "tight": True, "tight_layout": True},
    {"inches_per_cell": 2.0, "dpi": 100},
)
"""How calibration figures are saved, in turn: figure size per grid cell (inches), dots per
inch, `bbox_inches="tight"`, `tight_layout()` and a `suptitle` (see `FigureWriter`). They give
pictures of 49 to 134 pixels per 28x28 cell, upscaled by `imshow`; the largest figure (10x10
cells at 2 inches, 100 dpi) is 2000x2000 pixels, well within `Limits`."""


class FigureWriter:
    """Saves cells as a Matplotlib figure of subplots, the way tutorials save GAN samples.

    Pixel for pixel what `fig, axes = plt.subplots(rows, cols, figsize=...)`,
    `ax.imshow(cell, cmap="gray")`, `ax.axis("off")` (then optionally `plt.tight_layout()`,
    `fig.suptitle(...)`) and `plt.savefig(path, dpi=..., bbox_inches=...)` write, made with
    Matplotlib's object API (Agg, no pyplot state). The figure of each layout is built once
    and reused with new pixels (`imshow` scales each cell from its own minimum to maximum, as
    a fresh `imshow` does), which keeps 10x10 figures fast.

    Example:

    ```python
    FigureWriter().save(cells, "samples.png", rows=4, cols=4, tight=True)
    ```
    """

    def __init__(self):
        self._figures = {}

    def save(self, cells, path, rows, cols, inches_per_cell=1.0, dpi=100, tight=False,
             tight_layout=False, suptitle=None, cmap="gray"):
        """Writes `rows * cols` uint8 cells (n, h, w) or (n, h, w, 1) as a figure PNG at `path`.

        Returns:
            `path`.
        """
        cells = np.asarray(cells)
        if cells.ndim == 4:
            cells = cells[..., 0]
        key = (rows, cols, cells.shape[1:], inches_per_cell, tight_layout, suptitle, cmap)
        if key not in self._figures:
            from matplotlib.figure import Figure

            fig = Figure(figsize=(inches_per_cell * cols, inches_per_cell * rows))
            axes = np.ravel(fig.subplots(rows, cols))
            shown = []
            for ax in axes:
                shown.append(ax.imshow(np.zeros(cells.shape[1:]), cmap=cmap))
                ax.axis("off")
            if suptitle:
                fig.suptitle(suptitle)
            if tight_layout:
                fig.tight_layout()
            self._figures[key] = (fig, shown)
        fig, shown = self._figures[key]
        for image, cell in zip(shown, cells):
            image.set_data(cell)
            image.set_clim(float(cell.min()), float(cell.max()))
        fig.savefig(path, dpi=dpi, **({"bbox_inches": "tight"} if tight else {}))
        return path


def _figure_cells(cells, writer, variant, folder, dataset, rows, cols):
    """Cells of a figure of `cells` as `read_submission` cuts it, and whether the layout was
    found without being told rows and cols."""
    from gankit.grading.grid import read_submission

    path = writer.save(cells, os.path.join(folder, "figure.png"), rows, cols, **variant)
    read, layout = read_submission(path, {"dataset": dataset, "rows": rows, "cols": cols})
    if layout.get("style") != "figure":
        raise AssertionError(f"figure {variant} was not read as a figure: {layout}")
    _, alone = read_submission(path, {"dataset": dataset})
    found = float((alone["rows"], alone["cols"]) == (rows, cols))
    return read, found, (layout["found_cell_height"], layout["found_cell_width"])


def measure(dataset="mnist", grids=20, seed=0, classifier=None, style="plain", rows=10,
            cols=10):
    """Values of every check over `grids` grids of each kind.

    Args:
        dataset: "mnist" or "fashion_mnist" (test split, and the matching pretrained LeNet).
        grids: grids per kind.
        seed: seed of the grid sampling.
        classifier: a `keras.Model`; None loads `gankit.load_pretrained(dataset)`.
        style: "plain" (the cells as they are) or "figure" (each grid saved as a Matplotlib
            figure, the variants of `FIGURE_VARIANTS` in turn, and read back).
        rows: grid rows (at most 10: conditional kinds show one class per row).
        cols: grid columns.

    Returns:
        `{kind: {measurement: [values]}}` with measurements `min_cell_std`, `blank_fraction`,
        `nearest_distance` (smallest over the grid), `duplicate_fraction`, `realistic_fraction`,
        `median_error` (reconstruction error of the median cell), `confidence`,
        `inception_score`, `classes`, `label_accuracy` (conditional kinds) and `passed` (1 when
        every check passes, as `check_grid` grades the grid; the layout aside); figures add
        `found_cell_size` (height of the pictures found, pixels) and `layout_found` (1 when
        rows and cols were found without being given).
    """
    from gankit import classifier as _clf
    from gankit import data
    from gankit.grading import checks
    from gankit.grading.expectations import Thresholds
    from gankit.grading.realism import reconstruction_errors

    if style not in ("plain", "figure"):
        raise ValueError(f"style must be 'plain' or 'figure', got {style!r}.")
    model = classifier if classifier is not None else _clf.load_pretrained(dataset)
    images, classes = data.load_arrays(dataset, "test")
    rng = np.random.default_rng(seed)
    t = Thresholds.for_dataset(dataset)
    writer = FigureWriter()
    out = {}
    folder = tempfile.TemporaryDirectory(prefix="gankit-calibration-")
    for kind in KINDS:
        values = {}
        for i in range(grids):
            cells, row_labels = make_cells(kind, images, classes, rng, rows, cols)
            extra = {}
            if style == "figure":
                variant = FIGURE_VARIANTS[i % len(FIGURE_VARIANTS)]
                cells, found, size = _figure_cells(cells, writer, variant, folder.name, dataset,
                                                   rows, cols)
                extra = {"found_cell_size": size[0], "layout_found": found}
            probs = _clf.predict_proba(cells, model)
            conditional = kind in ("real_conditional", "wrong_labels")
            results = [checks.check_contrast(cells, t), checks.check_diversity(cells, t),
                       checks.check_realism(cells, t, dataset),
                       checks.check_confidence(probs, t, dataset),
                       checks.check_inception_score(probs, t, rows if conditional else None),
                       checks.check_coverage(probs, t, 10)]
            contrast, diversity, realism, confidence, score, coverage = results
            got = {
                "min_cell_std": contrast.details["min_cell_std"],
                "blank_fraction": contrast.value,
                "nearest_distance": diversity.details["min_distance"],
                "duplicate_fraction": diversity.value,
                "realistic_fraction": realism.value,
                "median_error": float(np.median(reconstruction_errors(cells, dataset))),
                "confidence": confidence.value,
                "inception_score": score.value,
                "classes": coverage.value,
            }
            if conditional:
                labels = np.repeat(row_labels, len(cells) // len(row_labels))
                results[-1] = checks.check_label_accuracy(probs, labels, t)
                got["label_accuracy"] = results[-1].value
            got["passed"] = float(all(r.passed for r in results))
            got.update(extra)
            for key, value in got.items():
                values.setdefault(key, []).append(float(value))
        out[kind] = values
    folder.cleanup()
    return out


def format_table(results):
    """The measurements as text lines: `kind measurement min median max`."""
    lines = [f"{'kind':18s} {'measurement':20s} {'min':>9s} {'median':>9s} {'max':>9s}"]
    for kind, values in results.items():
        for key, v in values.items():
            lines.append(f"{kind:18s} {key:20s} {min(v):9.4g} {float(np.median(v)):9.4g} "
                         f"{max(v):9.4g}")
    return lines


def main(argv=None):
    """Prints the calibration table for MNIST and Fashion-MNIST."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grids", type=int, default=20, help="grids per kind (default 20)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the grid sampling")
    parser.add_argument("--datasets", nargs="+", default=["mnist", "fashion_mnist"],
                        help="datasets to measure (default both)")
    parser.add_argument("--styles", nargs="+", default=["plain"], choices=["plain", "figure"],
                        help="plain grids and/or Matplotlib figures of them (default plain)")
    parser.add_argument("--rows", type=int, default=10, help="grid rows, at most 10 (default 10)")
    parser.add_argument("--cols", type=int, default=10, help="grid columns (default 10)")
    args = parser.parse_args(argv)
    for dataset in args.datasets:
        for style in args.styles:
            print(f"== {dataset}, {style} {args.rows}x{args.cols}")
            results = measure(dataset, args.grids, args.seed, style=style, rows=args.rows,
                              cols=args.cols)
            print("\n".join(format_table(results)))


if __name__ == "__main__":
    main()
