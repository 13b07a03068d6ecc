"""The individual checks of a grid; each returns a `CheckResult`.

Pixel checks (`contrast`, `diversity`, `realism`) work on the uint8 cells; classifier checks
(`confidence`, `inception_score`, `coverage`, `label_accuracy`) work on the class
probabilities the dataset's pretrained LeNet gives the cells, computed once by `check_grid`.
"""


import numpy as np

from gankit.grading.report import CheckResult
from gankit.metrics import inception_score_from_probs


def _grey01(cells):
    """Cells as float64 (n, h*w) grey levels in [0, 1]."""
    x = np.asarray(cells, dtype=np.float64)
    if x.ndim == 4:
        x = x.mean(axis=-1)
    return x.reshape(len(x), -1) / 255.0


def check_layout(layout, count, expect):
    """Checks rows, columns, cell size and that every cell is filled.

    Cells of a figure-style grid (Matplotlib subplots) were resized to the dataset's size when
    they were cut; the message then reports the size they were found at.

    Args:
        layout: the layout dict the cells were cut with.
        count: number of cells found.
        expect: the `Expectation`.

    Returns:
        A `CheckResult` with value 1.0 (as expected) or 0.0.
    """
    rows, cols = int(layout["rows"]), int(layout["cols"])
    size = (int(layout["cell_height"]), int(layout["cell_width"]))
    problems = []
    if expect.rows is not None and rows != expect.rows:
        problems.append(f"{rows} rows instead of {expect.rows}")
    if expect.cols is not None and cols != expect.cols:
        problems.append(f"{cols} columns instead of {expect.cols}")
    if size != tuple(expect.cell_size):
        problems.append(f"cells of {size[0]}x{size[1]} pixels instead of "
                        f"{expect.cell_size[0]}x{expect.cell_size[1]} ({expect.dataset})")
    if count != rows * cols:
        problems.append(f"only {count} of the {rows * cols} cells are filled")
    details = {"rows": rows, "cols": cols, "cell_height": size[0], "cell_width": size[1],
               "cells": int(count)}
    figure = layout.get("style") == "figure"
    if figure:
        found = (int(layout["found_cell_height"]), int(layout["found_cell_width"]))
        details.update(style="figure", found_cell_height=found[0], found_cell_width=found[1])
    if problems:
        return CheckResult("layout", False, 0.0, None, "; ".join(problems) + ".", details)
    if figure:
        return CheckResult(
            "layout", True, 1.0, None,
            f"{rows}x{cols} figure of pictures: cells of {found[0]}x{found[1]} pixels found "
            f"between its margins, resized to {size[0]}x{size[1]}.", details)
    return CheckResult("layout", True, 1.0, None,
                       f"{rows}x{cols} grid of {size[0]}x{size[1]} cells, as expected.", details)


def check_contrast(cells, thresholds):
    """Fails grids whose cells are blank or saturated (one flat colour: black, white or grey).

    Args:
        cells: uint8 cells (n, h, w, c).
        thresholds: `Thresholds` (`blank_std`, `max_blank_fraction`).

    Returns:
        A `CheckResult` whose value is the fraction of blank cells.
    """
    x = _grey01(cells) * 255.0
    std = x.std(axis=1)
    blank = std < thresholds.blank_std
    fraction = float(blank.mean())
    mean = float(x.mean())
    details = {"blank_cells": int(blank.sum()), "min_cell_std": float(std.min()),
               "mean_grey_level": mean}
    passed = fraction <= thresholds.max_blank_fraction
    if passed:
        message = f"{int(blank.sum())} of {len(x)} cells are blank."
    else:
        tone = "white" if mean > 200 else "black" if mean < 55 else "flat grey"
        message = (f"{int(blank.sum())} of {len(x)} cells are blank or saturated (mostly {tone}, "
                   f"pixel std below {thresholds.blank_std:g} grey levels); the generator "
                   f"outputs a flat image.")
    return CheckResult("contrast", passed, fraction, thresholds.max_blank_fraction, message,
                       details)


def nearest_distances(cells):
    """Root-mean-square pixel distance (pixels in [0, 1]) from each cell to its nearest other cell.

    Args:
        cells: uint8 cells (n, h, w, c), n >= 2.

    Returns:
        `(nearest, distances)`: float64 arrays (n,) and (n, n) (diagonal = inf).
    """
    x = _grey01(cells)
    sq = np.sum(x * x, axis=1)
    d2 = (sq[:, None] + sq[None, :] - 2.0 * x @ x.T) / x.shape[1]
    dist = np.sqrt(np.clip(d2, 0.0, None))
    np.fill_diagonal(dist, np.inf)
    return dist.min(axis=1), dist


def check_diversity(cells, thresholds):
    """Counts near-duplicate cells: a collapsed generator draws (almost) the same image.

    A cell is a duplicate when its RMS pixel distance to an earlier cell is below
    `thresholds.duplicate_distance`.

    Args:
        cells: uint8 cells (n, h, w, c).
        thresholds: `Thresholds` (`duplicate_distance`, `max_duplicate_fraction`).

    Returns:
        A `CheckResult` whose value is the fraction of duplicate cells.
    """
    n = len(cells)
    if n < 2:
        return CheckResult("diversity", True, 0.0, thresholds.max_duplicate_fraction,
                           "a single cell has no duplicates.", {"duplicates": 0})
    nearest, dist = nearest_distances(cells)
    earlier = np.tril(dist < thresholds.duplicate_distance, k=-1)
    duplicate = earlier.any(axis=1)
    fraction = float(duplicate.mean())
    details = {"duplicates": int(duplicate.sum()), "min_distance": float(nearest.min()),
               "median_nearest_distance": float(np.median(nearest))}
    passed = fraction <= thresholds.max_duplicate_fraction
    if passed:
        message = f"{int(duplicate.sum())} of {n} cells are near-duplicates of another cell."
    else:
        message = (f"{int(duplicate.sum())} of {n} cells are near-duplicates of another cell "
                   f"(RMS distance below {thresholds.duplicate_distance:g}): mode collapse.")
    return CheckResult("diversity", passed, fraction, thresholds.max_duplicate_fraction, message,
                       details)


def check_realism(cells, thresholds, dataset):
    """Fraction of cells that look like real images of the dataset, judged in pixel space.

    A cell looks real when its reconstruction error from the principal components of real
    images (see `gankit.grading.realism`) is at most `thresholds.max_reconstruction_error`.

    Args:
        cells: uint8 cells (n, h, w, c).
        thresholds: `Thresholds` (`max_reconstruction_error`, `min_realistic_fraction`).
        dataset: "mnist" or "fashion_mnist".

    Returns:
        A `CheckResult` whose value is the fraction of realistic cells.
    """
    from gankit.grading.realism import reconstruction_errors

    errors = reconstruction_errors(cells, dataset)
    real = errors <= thresholds.max_reconstruction_error
    fraction = float(real.mean())
    details = {"realistic_cells": int(real.sum()), "median_error": float(np.median(errors)),
               "max_error": thresholds.max_reconstruction_error}
    passed = fraction >= thresholds.min_realistic_fraction
    message = (f"{int(real.sum())} of {len(errors)} cells look like {dataset} images (median "
               f"reconstruction error {np.median(errors):.3f}, limit "
               f"{thresholds.max_reconstruction_error:g})")
    if passed:
        message += "."
    else:
        message += (f"; need {thresholds.min_realistic_fraction:.0%}: the cells look like noise, "
                    f"not {dataset} images.")
    return CheckResult("realism", passed, fraction, thresholds.min_realistic_fraction, message,
                       details)


def check_confidence(probs, thresholds, dataset):
    """Mean top-class probability of the classifier: recognisable cells are classified confidently.

    Args:
        probs: class probabilities (n, num_classes).
        thresholds: `Thresholds` (`min_confidence`).
        dataset: dataset name, for the message.

    Returns:
        A `CheckResult` whose value is the mean confidence.
    """
    top = probs.max(axis=1)
    mean = float(top.mean())
    unsure = int(np.sum(top < 0.5))
    details = {"unsure_cells": unsure, "lowest": float(top.min())}
    passed = mean >= thresholds.min_confidence
    message = (f"the {dataset} classifier is {mean:.1%} confident on average ({unsure} cells "
               f"below 50%)")
    if passed:
        message += "."
    else:
        message += (f"; need {thresholds.min_confidence:.0%}: the cells are not recognisable as "
                    f"{dataset} classes.")
    return CheckResult("confidence", passed, mean, thresholds.min_confidence, message, details)


def inception_score_threshold(n_cells, min_score, num_classes, classes_shown=None):
    """The Inception Score a grid must reach: `min_score`, scaled down when it shows few classes.

    A grid can score at most the number of classes it shows. A conditional grid shows its
    labels' classes (4 rows of a 4x4 grid: at most 4), so the mark is
    `min_score * classes_shown / num_classes`. An unconditional grid of fewer than 50 cells is
    expected to show `K * (1 - (1 - 1/K) ** n)` of the K classes (8.1 for 16 cells), and the
    mark scales the same way (as `coverage_threshold` does for coverage).

    Args:
        n_cells: cells in the grid.
        min_score: `Thresholds.min_inception_score`, the mark for a grid showing every class.
        num_classes: number of classes K.
        classes_shown: distinct labels of a conditional grid; None for unconditional grids.

    Returns:
        The mark, a float (`min_score` for 10x10 grids of 10 classes).
    """
    if classes_shown is not None:
        shown = min(int(classes_shown), num_classes)
    elif n_cells >= 50:
        shown = num_classes
    else:
        shown = num_classes * (1.0 - (1.0 - 1.0 / num_classes) ** n_cells)
    return float(min_score) * min(1.0, shown / num_classes)


def check_inception_score(probs, thresholds, classes_shown=None):
    """Inception Score of the cells, one split over all of them (see `Thresholds.min_inception_score`).

    Args:
        probs: class probabilities (n, num_classes).
        thresholds: `Thresholds` (`min_inception_score`, scaled by
            `inception_score_threshold` for grids that show few classes).
        classes_shown: distinct labels of a conditional grid; None for unconditional grids.

    Returns:
        A `CheckResult` whose value is the score (between 1 and num_classes).
    """
    score, _ = inception_score_from_probs(probs, splits=1, seed=0)
    need = inception_score_threshold(len(probs), thresholds.min_inception_score,
                                     probs.shape[1], classes_shown)
    passed = score >= need
    if passed:
        message = f"Inception Score {score:.2f} (1 split over {len(probs)} cells)."
    else:
        message = (f"Inception Score {score:.2f} is below {need:.3g}: the cells are not "
                   f"recognisable, or not varied across classes.")
    return CheckResult("inception_score", passed, score, need, message,
                       {"splits": 1, "cells": len(probs)})


def coverage_threshold(n_cells, min_classes, num_classes):
    """Classes a grid of `n_cells` must cover: `min_classes`, scaled down for small grids.

    With fewer than 50 cells even real samples miss classes, so the mark becomes
    `round(0.6 * expected)`, where `expected = K * (1 - (1 - 1/K) ** n)` is how many of the
    K classes n uniform samples show on average.
    """
    if n_cells >= 50:
        return min(int(min_classes), num_classes)
    expected = num_classes * (1.0 - (1.0 - 1.0 / num_classes) ** n_cells)
    return max(1, min(int(min_classes), int(round(0.6 * expected))))


def class_min_cells(n_cells, num_classes):
    """Cells a class needs to count as covered: 30% of its fair share, at least 1 (3 of 100)."""
    return max(1, int(round(0.3 * n_cells / num_classes)))


def check_coverage(probs, thresholds, num_classes):
    """Number of classes the classifier sees among the cells of an unconditional grid.

    A class counts when at least `class_min_cells` cells (3 of 100) are classified as it, so a
    few misclassified cells of a one-class grid do not count as coverage.

    Args:
        probs: class probabilities (n, num_classes).
        thresholds: `Thresholds` (`min_classes`).
        num_classes: number of classes.

    Returns:
        A `CheckResult` whose value is the number of covered classes.
    """
    counts = np.bincount(probs.argmax(axis=1), minlength=num_classes)
    enough = class_min_cells(len(probs), num_classes)
    covered = int(np.sum(counts >= enough))
    need = coverage_threshold(len(probs), thresholds.min_classes, num_classes)
    passed = covered >= need
    top = int(counts.argmax())
    details = {"counts": counts.tolist(), "cells_per_class": enough}
    if passed:
        message = f"{covered} of {num_classes} classes appear (in at least {enough} cells each)."
    else:
        message = (f"only {covered} of {num_classes} classes appear in at least {enough} cells "
                   f"(need {need}); class {top} fills {counts[top]} of {len(probs)} cells: mode "
                   f"collapse (or cells the classifier cannot tell apart).")
    return CheckResult("coverage", passed, float(covered), float(need), message, details)


def check_label_accuracy(probs, cell_labels, thresholds):
    """Fraction of the cells of a conditional grid classified as their row/column label.

    Args:
        probs: class probabilities (n, num_classes).
        cell_labels: int array (n,), the intended class of each cell.
        thresholds: `Thresholds` (`min_label_accuracy`).

    Returns:
        A `CheckResult` whose value is the accuracy; `details` holds per-label accuracy.
    """
    predicted = probs.argmax(axis=1)
    labels = np.asarray(cell_labels, dtype=np.int64)
    correct = predicted == labels
    accuracy = float(correct.mean())
    per_label = {int(k): float(correct[labels == k].mean()) for k in np.unique(labels)}
    weak = [k for k, v in per_label.items() if v < thresholds.min_label_accuracy]
    details = {"per_label": per_label}
    passed = accuracy >= thresholds.min_label_accuracy
    message = f"{accuracy:.0%} of the cells are classified as their label"
    if weak:
        message += f"; weak labels: {', '.join(f'{k} ({per_label[k]:.0%})' for k in weak)}"
    if not passed:
        message += (f" (need {thresholds.min_label_accuracy:.0%}): the images do not follow the "
                    f"labels.")
    else:
        message += "."
    return CheckResult("label_accuracy", passed, accuracy, thresholds.min_label_accuracy, message,
                       details)


