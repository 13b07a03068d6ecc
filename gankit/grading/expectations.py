"""What a grader expects of a grid (`Expectation`) and the pass marks of each check (`Thresholds`)."""

import dataclasses

from gankit.checks import check_int

# Datasets a grid can be graded against: the pretrained LeNet used and its cell size.
DATASETS = {
    "mnist": {"cell_size": (28, 28), "num_classes": 10},
    "fashion_mnist": {"cell_size": (28, 28), "num_classes": 10},
}


@dataclasses.dataclass(frozen=True)
class Thresholds:
    """Pass marks of the grid checks; defaults per dataset in `DEFAULT_THRESHOLDS`.

    Calibrated with `python -m gankit.grading.calibration --grids 20` (shipped LeNet weights):
    20 random 10x10 grids of the test set of each dataset (which must pass) against uniform
    noise, blank (black/white/grey), one image repeated with +-4 grey levels of noise, one
    class only, and rows labelled with the wrong class (which must fail). Measured ranges
    (min-max over the 20 grids; MNIST / Fashion-MNIST) are quoted with each field; the
    defaults below are MNIST's, `Thresholds.for_dataset` gives each dataset's.

    The same grids were measured handed in as Matplotlib figures (`--styles figure`: subplots,
    `imshow(cmap="gray")`, `axis("off")`, saved with and without `bbox_inches="tight"`, with
    `tight_layout` and `suptitle`, pictures of 51-131 pixels per cell, cut and resized back to
    28x28), and both plain and figure grids at 4x4 (`--rows 4 --cols 4`). With these defaults
    every real grid passes and every broken grid fails, in every style and size, except 1 of
    20 real 4x4 Fashion-MNIST conditional grids (label accuracy 0.69, four cells per class
    are few for an 88%-accurate classifier). Figure ranges are quoted as "figures".

    Args:
        blank_std: a cell whose pixel standard deviation (grey levels 0-255) is below this is
            blank or saturated (one flat colour). Default 4. Lowest real cell: 38.97 / 19.68
            (figures 34.65 / 19.74); blank cells: 0.
        max_blank_fraction: the contrast check fails when more than this fraction of the cells
            is blank. Default 0.1. Real grids: 0 / 0; blank grids: 1.
        duplicate_distance: two cells are near-duplicates when their root-mean-square pixel
            difference (pixels in [0, 1]) is below this. Default 0.03. Closest pair in a real
            grid: 0.072 / 0.073 (lowest of 20 grids; figures 0.051 / 0.056); repeated image:
            0.008-0.009 / 0.009-0.012 (figures 0.006-0.023 / 0.007-0.016).
        max_duplicate_fraction: the diversity check fails when more than this fraction of the
            cells duplicates an earlier cell. Default 0.2. Real grids: 0 / 0; repeated image:
            0.99 (figures 0.91-0.99 at 10x10, 0.5-0.94 at 4x4).
        max_reconstruction_error: a cell looks real when its pixel-space reconstruction error
            (see `gankit.grading.realism`) is at most this. Default 0.27 for both (about 1.2x
            the 99th percentile of real held-out images, 0.219 / 0.227; of real figure cells 0.18-
            0.21 / 0.18-0.23). Median cell: real 0.145-0.157 / 0.119-0.136 (figures
            0.123-0.153 / 0.098-0.130), noise 0.465-0.470 / 0.346-0.350 (figures 0.417-0.459 /
            0.278-0.336: `imshow` smooths small upscaled noise, which is why Fashion-MNIST's
            former 0.28 became 0.27).
        min_realistic_fraction: the realism check fails when fewer than this fraction of the
            cells look real. Default 0.5. Real grids: 1.00 / 0.99-1.00 (figures 1.00 / 1.00);
            noise: 0.00 / 0.00 (figures 0.00 / 0.00-0.16; 4x4 up to 0.25).
        min_confidence: the confidence check fails when the classifier's mean top-class
            probability is below this. Default 0.8 / 0.7. Real grids: 0.984-0.999 /
            0.871-0.924 (figures 0.982-0.999 / 0.866-0.925; 4x4 grids down to 0.965 / 0.740);
            noise: 0.978-0.992 / 0.436-0.489 (the MNIST LeNet is fooled by noise, hence the
            realism check); blank: 0.23-0.95 / 0.39-0.96.
        min_inception_score: the Inception Score check fails below this. The score is computed
            in one split over all cells: with about 100 cells it is a noisy, downward-biased
            estimate, not comparable with 10k-sample scores. Default 5.0 / 4.0, for a grid
            that shows every class; grids showing fewer classes get a lower mark (see
            `inception_score_threshold`: 4x4 unconditional 4.07 / 3.26, 4 labels 2.0 / 1.6).
            Real grids: 8.91-9.68 / 6.97-7.90 (figures 8.86-9.68 / 6.87-7.85; 4x4 5.19-8.44 /
            4.96-7.58; 4x4 with 4 labels 3.93-4.28 / 3.44-4.38); one class: 1.00-1.20 /
            1.08-2.12; noise: 1.01-1.03 / 1.15-1.22 (figures 1.01-1.11 / 1.14-1.20).
        min_classes: the coverage check of unconditional grids fails when fewer classes than
            this fill at least 3 of 100 cells each (scaled for small grids, see
            `coverage_threshold`). Default 8. Real grids: 9-10 / 9-10 (figures the same; 4x4
            6-9 / 7-10, mark 5); one class: 1 / 1-5.
        min_label_accuracy: the label check of conditional grids fails when fewer than this
            fraction of the cells is classified as its row/column label. Default 0.8 / 0.7.
            Real grids: 0.97-1.00 / 0.83-0.93 (figures 0.98-1.00 / 0.83-0.92; 4x4 0.94-1.00 /
            0.63-1.00); rows labelled one class off: 0.00-0.01 / 0.00-0.03.

    Example:

    ```python
    lenient = gankit.grading.Thresholds.for_dataset("mnist", min_confidence=0.7)
    report = gankit.check_grid("alice.png", expect={"dataset": "mnist", "thresholds": lenient})
    ```
    """

    blank_std: float = 4.0
    max_blank_fraction: float = 0.1
    duplicate_distance: float = 0.03
    max_duplicate_fraction: float = 0.2
    max_reconstruction_error: float = 0.27
    min_realistic_fraction: float = 0.5
    min_confidence: float = 0.8
    min_inception_score: float = 5.0
    min_classes: int = 8
    min_label_accuracy: float = 0.8

    def __post_init__(self):
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(
                    f"Thresholds.{field.name} must be a non-negative number, got {value!r}.")
        for name in ("max_blank_fraction", "max_duplicate_fraction", "min_realistic_fraction",
                     "min_confidence", "min_label_accuracy"):
            if getattr(self, name) > 1:
                raise ValueError(f"Thresholds.{name} is a fraction in [0, 1], got "
                                 f"{getattr(self, name)!r}.")

    @classmethod
    def for_dataset(cls, dataset, **overrides):
        """The default thresholds of a dataset, with some fields replaced.

        Args:
            dataset: "mnist" or "fashion_mnist".
            **overrides: fields to change.

        Returns:
            A `Thresholds`.
        """
        if dataset not in DEFAULT_THRESHOLDS:
            raise ValueError(f"Unknown dataset {dataset!r}; choose one of {sorted(DATASETS)}.")
        return dataclasses.replace(DEFAULT_THRESHOLDS[dataset], **overrides)


DEFAULT_THRESHOLDS = {
    "mnist": Thresholds(),
    # The Fashion-MNIST LeNet is less sure of real garments (shirt / T-shirt / pullover / coat).
    "fashion_mnist": Thresholds(min_confidence=0.7, min_inception_score=4.0,
                                min_label_accuracy=0.7),
}
"""Default `Thresholds` of each dataset (see `Thresholds` for the measurements behind them)."""


_THRESHOLD_NAMES = tuple(f.name for f in dataclasses.fields(Thresholds))


@dataclasses.dataclass(frozen=True)
class Expectation:
    """What a grid is expected to be: dataset, shape, conditional labels and pass marks.

    Args:
        dataset: "mnist" or "fashion_mnist": which pretrained LeNet judges the cells (and
            their expected size, 28x28).
        rows: expected number of rows; None accepts the embedded layout's. Required (with
            `cols`) to cut grids made by other tools unless their size fits only one layout of
            28x28 cells.
        cols: expected number of columns; None as for `rows`.
        conditional: True for a class-conditional grid (each row or column one class): the
            label-accuracy check runs instead of the class-coverage check. None (the default)
            decides from the grid: a grid that carries labels (embedded by
            `save_grid(..., labels=...)`) or is given `labels` here is graded as conditional,
            any other as unconditional. False ignores embedded labels and grades the grid as
            unconditional (class coverage).
        labels_along: "rows" (row r shows class `labels[r]`, the `SampleGrid` layout) or
            "cols" (column c shows class `labels[c]`).
        labels: the class of each row/column (or of each cell); None takes the labels
            embedded in the grid, else `0, 1, 2, ...` along `labels_along`.
        thresholds: a `Thresholds`, a dict of some of its fields (the others take the
            dataset's defaults), or None for `DEFAULT_THRESHOLDS[dataset]`.

    Example:

    ```python
    expect = gankit.grading.Expectation(dataset="mnist", rows=10, cols=10, conditional=True)
    report = gankit.check_grid("alice_cgan.png", expect=expect)
    ```
    """

    dataset: str = "mnist"
    rows: int | None = None
    cols: int | None = None
    conditional: bool | None = None
    labels_along: str = "rows"
    labels: tuple | None = None
    thresholds: Thresholds | dict | None = None

    def __post_init__(self):
        if self.dataset not in DATASETS:
            raise ValueError(f"Unknown dataset {self.dataset!r} to grade against; choose one of "
                             f"{sorted(DATASETS)}.")
        for name in ("rows", "cols"):
            check_int(f"Expectation.{name}", getattr(self, name), none=True)
        if self.conditional is not None and not isinstance(self.conditional, bool):
            raise ValueError(f"Expectation.conditional must be True, False or None (decide from "
                             f"the grid's embedded labels), got {self.conditional!r}.")
        if self.labels_along not in ("rows", "cols"):
            raise ValueError(f"Expectation.labels_along must be 'rows' or 'cols', got "
                             f"{self.labels_along!r}.")
        if self.labels is not None:
            labels = tuple(self.labels)
            k = self.num_classes
            if not labels or not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v < k
                                     for v in labels):
                raise ValueError(f"Expectation.labels must be class indices in [0, {k}), got "
                                 f"{self.labels!r}.")
            object.__setattr__(self, "labels", labels)
        if self.thresholds is None:
            object.__setattr__(self, "thresholds", Thresholds.for_dataset(self.dataset))
        elif isinstance(self.thresholds, dict):
            names = {f.name for f in dataclasses.fields(Thresholds)}
            unknown = sorted(set(self.thresholds) - names)
            if unknown:
                raise ValueError(f"Unknown thresholds {unknown}; valid names are {sorted(names)}.")
            object.__setattr__(self, "thresholds",
                               Thresholds.for_dataset(self.dataset, **self.thresholds))
        elif not isinstance(self.thresholds, Thresholds):
            raise ValueError(f"Expectation.thresholds must be a Thresholds or a dict, got "
                             f"{self.thresholds!r}.")

    def is_conditional(self, layout):
        """Whether a grid with this layout is graded as conditional (see `conditional`).

        Args:
            layout: the layout dict the grid was cut with (`labels` is None unless the grid
                embeds them).

        Returns:
            `conditional` when it is True or False; otherwise True when the grid carries labels
            or `labels` were given.
        """
        if self.conditional is not None:
            return self.conditional
        return self.labels is not None or (layout or {}).get("labels") is not None

    @property
    def cell_size(self):
        """(height, width) of the cells the dataset's classifier takes."""
        return DATASETS[self.dataset]["cell_size"]

    @property
    def num_classes(self):
        """Number of classes of the dataset."""
        return DATASETS[self.dataset]["num_classes"]

    def to_dict(self):
        """The expectation as a JSON-ready dict."""
        out = dataclasses.asdict(self)
        out["labels"] = None if self.labels is None else list(self.labels)
        return out


def as_expectation(expect):
    """Builds an `Expectation` from None, an `Expectation`, or a dict.

    A dict may hold `Expectation` fields and, flat beside them, `Thresholds` fields
    (`{"dataset": "mnist", "min_confidence": 0.7}`).

    Args:
        expect: None (MNIST, any shape, conditional only if the grid embeds labels), a dict,
            or an `Expectation`.

    Returns:
        An `Expectation`.

    Raises:
        ValueError: unknown keys or invalid values.
    """
    if expect is None:
        return Expectation()
    if isinstance(expect, Expectation):
        return expect
    if not isinstance(expect, dict):
        raise ValueError(f"`expect` must be None, a dict or a gankit.grading.Expectation, got "
                         f"{expect!r}.")
    fields = {f.name for f in dataclasses.fields(Expectation)}
    unknown = sorted(set(expect) - fields - set(_THRESHOLD_NAMES))
    if unknown:
        raise ValueError(f"Unknown `expect` keys {unknown}; valid keys are {sorted(fields)} and "
                         f"the Thresholds fields {list(_THRESHOLD_NAMES)}.")
    flat = {k: v for k, v in expect.items() if k in _THRESHOLD_NAMES}
    kwargs = {k: v for k, v in expect.items() if k in fields}
    if flat:
        base = kwargs.get("thresholds")
        if isinstance(base, Thresholds):
            kwargs["thresholds"] = dataclasses.replace(base, **flat)
        else:
            kwargs["thresholds"] = {**(base or {}), **flat}
    return Expectation(**kwargs)
