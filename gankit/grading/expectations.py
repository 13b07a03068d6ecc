"""What a grader expects of a grid (`Expectation`) and the pass marks of each check (`Thresholds`)."""

import dataclasses

# Datasets a grid can be graded against: the pretrained LeNet used and its cell size.
DATASETS = {
    "mnist": {"cell_size": (28, 28), "num_classes": 10},
    "fashion_mnist": {"cell_size": (28, 28), "num_classes": 10},
}


@dataclasses.dataclass(frozen=True)
class Thresholds:
    """Pass marks of the grid checks, calibrated on real grids and on broken ones.

    The defaults were measured with `benchmarks/calibrate_grading.py`-style runs (the numbers
    are in `gankit/grading/calibration.py` and repeated here): 20 random 10x10 grids of the MNIST
    and of the Fashion-MNIST test sets, graded with the matching pretrained LeNet, against
    uniform-noise, blank (all black / all white / grey), single-image-repeated (with +-4 grey
    levels of noise), single-class and wrong-label grids.

    Args:
        blank_std: a cell whose pixel standard deviation (grey levels 0-255) is below this is
            blank or saturated (one flat colour). Real cells: lowest std measured 40.2 (MNIST)
            and 9.9 (Fashion-MNIST, a plain dark garment); flat cells: 0.
        max_blank_fraction: the contrast check fails when more than this fraction of the cells
            is blank. Real grids: at most 0.0 (MNIST) and 0.0 (Fashion-MNIST).
        duplicate_distance: two cells are near-duplicates when their root-mean-square pixel
            difference (pixels scaled to [0, 1]) is below this. Real grids: nearest-neighbour
            distance at least 0.147 (MNIST) and 0.040 (Fashion-MNIST); a repeated image with
            +-4 grey levels of noise: 0.013.
        max_duplicate_fraction: the diversity check fails when more than this fraction of the
            cells duplicates an earlier cell. Real grids: at most 0.0 (MNIST), 0.03
            (Fashion-MNIST); repeated image: 0.99.
        min_confidence: the realism check fails when the mean top-class probability of the
            classifier over the cells is below this. Real grids: at least 0.978 (MNIST) and
            0.853 (Fashion-MNIST); uniform noise: 0.62 (MNIST LeNet), 0.59 (Fashion LeNet).
        min_inception_score: the Inception Score check (one split over all cells: with only
            about 100 cells, IS is a noisy, downward-biased estimate, so it is not comparable
            with 10k-sample scores) fails below this. Real grids: at least 8.1 (MNIST) and
            6.7 (Fashion-MNIST); single class: 1.0-1.3; noise: 1.1-2.1.
        min_classes: the coverage check of unconditional grids fails when fewer classes
            than this are predicted for at least one cell each (scaled down for grids with
            fewer than 50 cells, see `coverage_threshold`). Real grids: 10 classes every time.
        min_label_accuracy: the label check of conditional grids fails when fewer than this
            fraction of the cells is classified as its row/column label. Real grids: at least
            0.97 (MNIST), 0.83 (Fashion-MNIST); labels shifted by one: 0.0.

    Example:

    ```python
    lenient = gankit.grading.Thresholds(min_confidence=0.7, min_label_accuracy=0.6)
    report = gankit.check_grid("alice.png", expect={"dataset": "mnist", "thresholds": lenient})
    ```
    """

    blank_std: float = 4.0
    max_blank_fraction: float = 0.1
    duplicate_distance: float = 0.03
    max_duplicate_fraction: float = 0.2
    min_confidence: float = 0.8
    min_inception_score: float = 5.0
    min_classes: int = 8
    min_label_accuracy: float = 0.7

    def __post_init__(self):
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(
                    f"Thresholds.{field.name} must be a non-negative number, got {value!r}.")
        for name in ("max_blank_fraction", "max_duplicate_fraction", "min_confidence",
                     "min_label_accuracy"):
            if getattr(self, name) > 1:
                raise ValueError(f"Thresholds.{name} is a fraction in [0, 1], got "
                                 f"{getattr(self, name)!r}.")


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
            label-accuracy check runs instead of the class-coverage check.
        labels_along: "rows" (row r shows class `labels[r]`, the `SampleGrid` layout) or
            "cols" (column c shows class `labels[c]`).
        labels: the class of each row/column (or of each cell); None takes the labels
            embedded in the grid, else `0, 1, 2, ...` along `labels_along`.
        thresholds: a `Thresholds`, or a dict of some of its fields (the rest default).

    Example:

    ```python
    expect = gankit.grading.Expectation(dataset="mnist", rows=10, cols=10, conditional=True)
    report = gankit.check_grid("alice_cgan.png", expect=expect)
    ```
    """

    dataset: str = "mnist"
    rows: int | None = None
    cols: int | None = None
    conditional: bool = False
    labels_along: str = "rows"
    labels: tuple | None = None
    thresholds: Thresholds = dataclasses.field(default_factory=Thresholds)

    def __post_init__(self):
        if self.dataset not in DATASETS:
            raise ValueError(f"Unknown dataset {self.dataset!r} to grade against; choose one of "
                             f"{sorted(DATASETS)}.")
        for name in ("rows", "cols"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                      or value < 1):
                raise ValueError(f"Expectation.{name} must be a positive integer or None, got "
                                 f"{value!r}.")
        if not isinstance(self.conditional, bool):
            raise ValueError(f"Expectation.conditional must be True or False, got "
                             f"{self.conditional!r}.")
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
        if isinstance(self.thresholds, dict):
            object.__setattr__(self, "thresholds", Thresholds(**self.thresholds))
        elif not isinstance(self.thresholds, Thresholds):
            raise ValueError(f"Expectation.thresholds must be a Thresholds or a dict, got "
                             f"{self.thresholds!r}.")

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
        expect: None (MNIST, unconditional, any shape), a dict, or an `Expectation`.

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
        base = kwargs.get("thresholds") or Thresholds()
        if isinstance(base, dict):
            base = Thresholds(**base)
        kwargs["thresholds"] = dataclasses.replace(base, **flat)
    return Expectation(**kwargs)
