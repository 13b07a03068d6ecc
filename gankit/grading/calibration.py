"""Measures the grid checks on real and broken grids: where the `Thresholds` defaults come from.

Run `python -m gankit.grading.calibration [--grids 20]` (offline, about a minute on a CPU) to
print, for MNIST and Fashion-MNIST, the range of every check's value over random 10x10 grids of
the test set and over grids that must fail: uniform noise, blank (black/white/grey), one image
repeated with slight noise (a collapsed generator), one class only, and conditional grids
whose rows are labelled with the wrong class.

Example:

```python
from gankit.grading import calibration
cells, labels = calibration.make_cells("repeated", images, classes, rng)
```
"""

import argparse

import numpy as np

KINDS = ("real", "real_conditional", "noise", "blank", "repeated", "single_class", "wrong_labels")
"""Kinds of calibration grids; all but the first two must fail."""


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


def measure(dataset="mnist", grids=20, seed=0, classifier=None):
    """Values of every check over `grids` grids of each kind.

    Args:
        dataset: "mnist" or "fashion_mnist" (test split, and the matching pretrained LeNet).
        grids: grids per kind.
        seed: seed of the grid sampling.
        classifier: a `keras.Model`; None loads `gankit.load_pretrained(dataset)`.

    Returns:
        `{kind: {measurement: [values]}}` with measurements `min_cell_std`, `blank_fraction`,
        `nearest_distance` (smallest over the grid), `duplicate_fraction`, `realistic_fraction`,
        `median_error` (reconstruction error of the median cell), `confidence`,
        `inception_score`, `classes` and `label_accuracy` (conditional kinds).
    """
    from gankit import classifier as _clf
    from gankit import data
    from gankit.grading import checks
    from gankit.grading.expectations import Thresholds
    from gankit.grading.realism import reconstruction_errors

    model = classifier if classifier is not None else _clf.load_pretrained(dataset)
    images, classes = data.load_arrays(dataset, "test")
    rng = np.random.default_rng(seed)
    t = Thresholds.for_dataset(dataset)
    out = {}
    for kind in KINDS:
        values = {}
        for _ in range(grids):
            cells, row_labels = make_cells(kind, images, classes, rng)
            probs = _clf.predict_proba(cells, model)
            contrast = checks.check_contrast(cells, t)
            diversity = checks.check_diversity(cells, t)
            got = {
                "min_cell_std": contrast.details["min_cell_std"],
                "blank_fraction": contrast.value,
                "nearest_distance": diversity.details["min_distance"],
                "duplicate_fraction": diversity.value,
                "realistic_fraction": checks.check_realism(cells, t, dataset).value,
                "median_error": float(np.median(reconstruction_errors(cells, dataset))),
                "confidence": checks.check_confidence(probs, t, dataset).value,
                "inception_score": checks.check_inception_score(probs, t).value,
                "classes": checks.check_coverage(probs, t, 10).value,
            }
            if kind in ("real_conditional", "wrong_labels"):
                labels = np.repeat(row_labels, len(cells) // len(row_labels))
                got["label_accuracy"] = checks.check_label_accuracy(probs, labels, t).value
            for key, value in got.items():
                values.setdefault(key, []).append(float(value))
        out[kind] = values
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
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--datasets", nargs="+", default=["mnist", "fashion_mnist"])
    args = parser.parse_args(argv)
    for dataset in args.datasets:
        print(f"== {dataset}")
        print("\n".join(format_table(measure(dataset, args.grids, args.seed))))


if __name__ == "__main__":
    main()
