"""The synthetic-vs-real retraining study of course report 003 (section 4, Figure 3, Table 3).

A fresh LeNet is trained on a training set of fixed size made of a fraction of real images and
the rest synthetic (class-conditional GAN samples), then tested on the real test set. Three
training strategies are compared: everything shuffled together, synthetic first then real, and
alternating epochs. As in the report, the last 5,000 real training images are held out as the
validation set (55k train / 5k validation) and every LeNet is validated on them after each
epoch; the report's extra run on all real plus all synthetic images (2 x 55k = 110k) is
`real_plus_synthetic=True`. Each finished cell is appended to a CSV at once, so an interrupted
study resumes where it stopped.

Example:

```python
import gankit
from gankit.data import load_arrays

real = load_arrays("mnist", "train")
test = load_arrays("mnist", "test")
rows = gankit.retraining_study(cgan, real, test, csv_path="study.csv", epochs=30)
gankit.studies.plot_study("study.csv", "study.png")
```
"""

import csv
import inspect
import math
import os
import time
from pathlib import Path

import numpy as np

from gankit import classifier as _clf
from gankit.models.base import check_noise_scale

REPORT_003_FRACTIONS = (0.0, 0.00018, 0.001, 0.01, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
"""Fractions of real images in the training set studied by report 003 (0 %, 0.018 %, ... 100 %)."""

STRATEGIES = ("mixed", "synthetic_then_real", "alternating")
"""`mixed`: real and synthetic shuffled together for all epochs. `synthetic_then_real`: the
first half of the epochs on the synthetic part, the second half on the real part.
`alternating`: even epochs on the synthetic part, odd epochs on the real part. With an empty
part, the two split strategies only run the epochs of the non-empty part (as in the report)."""

REPORT_003_TABLE3 = {
    "mixed": (0.932, 0.952, 0.962, 0.967, 0.980, 0.987, 0.987, 0.988, 0.99, 0.99, 0.99, 0.991,
              0.990, 0.991),
    "synthetic_then_real": (0.824, 0.825, 0.915, 0.962, 0.981, 0.986, 0.988, 0.990, 0.986,
                            0.988, 0.992, 0.987, 0.990, 0.987),
    "alternating": (0.824, 0.953, 0.953, 0.96, 0.98, 0.984, 0.989, 0.988, 0.988, 0.99, 0.991,
                    0.99, 0.99, 0.987),
}
"""Report 003's Table 3: MNIST test accuracy per strategy at each of `REPORT_003_FRACTIONS`
(55k training images, 30 epochs of Adam 1e-3; their all-real upper bound is 0.991)."""

REAL_PLUS_SYNTHETIC = "real_plus_synthetic"
"""Strategy name of report 003's last run: all `total` real plus all `total` synthetic images
(110k for 55k), shuffled together, "all other parameters unchanged"; its row has fraction 0.5
(the share of real images in it)."""

CSV_FIELDS = ("strategy", "fraction", "n_real", "n_synthetic", "total", "epochs", "seed",
              "validation", "accuracy", "val_accuracy", "val_curve", "seconds", "recipe")
"""Columns of the study CSV. `validation`: held-out real images; `val_accuracy`: the LeNet's
accuracy on them after its last epoch; `val_curve`: after every epoch, space-separated
(report 003's Figures 8 and 9); both empty when `validation=0`. `recipe`: how the LeNets
trained besides the report's recipe (`"plain"`, or e.g. `"augment=handwriting,cosine_decay"`;
`"filtered"` when the synthetic images came through a `FilteredGenerator`); files written
before the column existed are read as holding the recipe asked for."""


class GeneratorMixture:
    """Several conditional generators sampled as one: each draws an equal share of the images.

    A training set drawn from one GAN lacks the variety of real handwriting (its samples
    are more typical than real digits); drawing it evenly from several generators, for example
    the checkpoints of different runs and epochs, adds some back. Report 003 used one
    generator; on this repository's CPU runs, 55k digits drawn from nine checkpoints of three
    `fast-cgan` / `fast-cgan-ms` runs gave the best unfiltered synthetic-only LeNet, 98.4 % with
    the `handwriting` augmentation (`fit_lenet(augment="handwriting", cosine_decay=True)`, 30
    epochs), against 98.0-98.3 % for one generator alone; through a `FilteredGenerator` the
    mixture gave 98.55 % and one `fast-cgan-ms` run 98.75 % (98.91 % and 98.95 % with
    `noise_scale=2.0`). With report 003's own LeNet recipe
    the mixture and the single generators were alike (96.6-97.0 %;
    `docs/results/report003_table3_marks.md`).

    Args:
        generators: conditional models with `generate(labels, seed=...)` and the same
            `num_classes` (e.g. trained `gankit.ConditionalGAN`s, loaded checkpoints).

    Example:

    ```python
    mixture = gankit.studies.GeneratorMixture([keras.models.load_model(p) for p in paths])
    rows = gankit.retraining_study(mixture, real, test, fractions=(0.0, 0.01))
    ```
    """

    def __init__(self, generators):
        generators = list(generators)
        if not generators:
            raise ValueError("GeneratorMixture needs at least one generator.")
        missing = [type(g).__name__ for g in generators if not hasattr(g, "generate")]
        if missing:
            raise ValueError(f"Every generator needs a generate(labels, seed=...) method; "
                             f"these do not: {missing}.")
        classes = {getattr(g, "num_classes", None) for g in generators}
        if len(classes) != 1 or None in classes:
            raise ValueError(f"The generators must be conditional with one number of classes, "
                             f"got num_classes {sorted(classes, key=str)}.")
        self.generators = generators
        self.num_classes = classes.pop()

    def generate(self, labels, seed=None, batch_size=500, noise_scale=1.0):
        """Images for `labels`: consecutive equal shares drawn by each generator in turn.

        Args:
            labels: int labels `(n,)`; shuffle them first for a class-mixed share each.
            seed: int: generator `i` draws with `seed + i`, so the same seed gives the same
                images; None: fresh noise.
            batch_size: images per generator call.
            noise_scale: standard deviation of every generator's noise (see
                `gankit.GAN.generate`).

        Returns:
            float32 numpy array `(n, height, width, channels)` in [-1, 1].

        Raises:
            ValueError: a `noise_scale` that is not a positive number, or other than 1 while
                a generator's `generate` takes no `noise_scale` (the message names it).
        """
        noise_scale = _checked_noise_scale(self, noise_scale)
        labels = np.asarray(labels)
        shares = [idx for idx in np.array_split(np.arange(len(labels)), len(self.generators))
                  if len(idx)] or [np.arange(0)]
        return np.concatenate([
            _draw(g, labels[idx], None if seed is None else seed + i, batch_size, noise_scale)
            for i, (g, idx) in enumerate(zip(self.generators, shares))])


def _checked_noise_scale(generator, noise_scale):
    """`noise_scale` as a float; a `ValueError` when it is not positive, or not 1 while
    `generator` (or a mixture's member) has a `generate` without that argument."""
    noise_scale = check_noise_scale(noise_scale)
    lacking = _lacks_noise_scale(generator) if noise_scale != 1 else None
    if lacking is not None:
        raise ValueError(f"noise_scale={noise_scale:g} needs generators whose generate() takes "
                         f"noise_scale; {type(lacking).__name__}'s does not.")
    return noise_scale


def _lacks_noise_scale(generator):
    """The generator (a mixture's member too) whose `generate` takes no `noise_scale`, or None."""
    if isinstance(generator, GeneratorMixture):
        return next(filter(None, map(_lacks_noise_scale, generator.generators)), None)
    try:
        parameters = inspect.signature(generator.generate).parameters
    except (TypeError, ValueError):
        return generator
    takes = "noise_scale" in parameters or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    return None if takes else generator


def _draw(generator, labels, seed, batch_size, noise_scale=1.0):
    """`generator.generate(labels, ...)` as float32, passing `noise_scale` only when it is not 1
    (so generators without that argument still work at the default)."""
    kwargs = {} if noise_scale == 1.0 else {"noise_scale": noise_scale}
    return np.asarray(generator.generate(labels, seed=seed, batch_size=batch_size, **kwargs),
                      dtype=np.float32)


class FilteredGenerator:
    """A conditional generator whose images a classifier must recognise as their own label.

    Rejection sampling: `generate(labels)` draws an image for every label, keeps those the
    classifier assigns to that label (with at least `min_confidence` probability, when given),
    and redraws the rest with fresh noise until every label has an image. A GAN's training
    set then loses its ambiguous and mislabelled digits (the shipped LeNet does not recognise
    1 % of a `fast-cgan` run's samples as their label, 5-6 % of a `fast-cgan-ms` run's) while
    each kept digit is still a fresh sample of the generator, so the set keeps its variety.
    Measured (report 003's Table 3, `docs/results/report003_table3_marks.md`: 55k samples,
    30-epoch LeNets with the `handwriting` recipe): a `fast-cgan-ms` run's synthetic-only LeNet
    went from 98.3 % to 98.75 % on the real test digits (5.7 % of its samples redrawn), a
    `fast-cgan` run's stayed at 98.2 % (1 % redrawn); with `noise_scale=2.0` (a third of the
    samples redrawn) the `fast-cgan-ms` run's rose to 98.95 %.

    The default classifier, the shipped LeNet, was trained on MNIST's 50k real training digits,
    the same digits the GAN learned from, never on test digits; but a LeNet trained on the
    filtered set learns from that classifier's judgement too, so say so next to its accuracy
    (report 003 used unfiltered samples).

    Args:
        generator: a conditional model with `generate(labels, seed=...)` and `num_classes`
            (a trained `gankit.ConditionalGAN`, a loaded checkpoint, a `GeneratorMixture`).
        classifier: a `keras.Model` returning class probabilities, a shipped LeNet's name, or
            None: the shipped LeNet of `dataset` (`gankit.classifier.pretrained_for`).
        dataset: with `classifier=None`, the dataset whose LeNet judges (None: MNIST for 28x28x1
            images).
        min_confidence: also require this probability of the label (None: the label only
            needs the highest probability).
        max_rounds: redraw at most this many times before giving up with a `ValueError`.
        noise_scale: standard deviation of the generator's noise (`generate(...,
            noise_scale=)`; 1: as trained). Wider noise draws more varied digits and more
            unfaithful ones, which the filter redraws.

    Attributes:
        drawn, kept: images drawn and kept so far (`kept / drawn` is the acceptance rate).

    Example:

    ```python
    clean = gankit.studies.FilteredGenerator(cgan)
    digits = clean.generate(np.arange(100) % 10, seed=0)
    rows = gankit.retraining_study(clean, real, test, fractions=(0.0, 0.01))
    ```
    """

    def __init__(self, generator, classifier=None, dataset=None, min_confidence=None,
                 max_rounds=50, noise_scale=1.0):
        if not hasattr(generator, "generate"):
            raise ValueError(f"FilteredGenerator needs a generator with generate(labels, "
                             f"seed=...), got {type(generator).__name__}.")
        num_classes = getattr(generator, "num_classes", None)
        if not num_classes:
            raise ValueError("FilteredGenerator needs a conditional generator (num_classes), "
                             f"got {type(generator).__name__} without one.")
        if min_confidence is not None and not 0.0 < float(min_confidence) < 1.0:
            raise ValueError(f"min_confidence must be in (0, 1) or None, got {min_confidence}.")
        if int(max_rounds) < 1:
            raise ValueError(f"max_rounds must be >= 1, got {max_rounds}.")
        noise_scale = _checked_noise_scale(generator, noise_scale)
        self.generator = generator
        self.num_classes = int(num_classes)
        self.classifier = classifier
        self.dataset = dataset
        self.min_confidence = None if min_confidence is None else float(min_confidence)
        self.max_rounds = int(max_rounds)
        self.noise_scale = noise_scale
        self.drawn = 0
        self.kept = 0

    def recognised(self, images, labels, batch_size=500):
        """Whether the classifier assigns each image to its label: bool array `(n,)`."""
        from gankit.metrics.scores import class_probabilities

        probs = class_probabilities(images, self.classifier, batch_size, self.dataset)
        labels = np.asarray(labels)
        ok = probs.argmax(axis=1) == labels
        if self.min_confidence is not None:
            ok &= probs[np.arange(len(labels)), labels] >= self.min_confidence
        return ok

    def generate(self, labels, seed=None, batch_size=500):
        """Images for `labels`, each one the classifier recognises as its label.

        Args:
            labels: int labels `(n,)` (one-hot rows `(n, num_classes)` also work).
            seed: int: round `r` draws with the seed `seed + 1000003 * r`, so the same seed
                gives the same images; None: fresh noise.
            batch_size: images per generator and classifier call.

        Returns:
            float32 numpy array `(n, height, width, channels)` in [-1, 1].

        Raises:
            ValueError: labels outside `[0, num_classes)`, or some still rejected after
                `max_rounds` draws (the message names their classes).
        """
        labels = np.asarray(labels)
        if labels.ndim == 2:  # one-hot rows, as the models' generate also takes
            labels = labels.argmax(axis=1)
        labels = labels.astype(np.int64).reshape(-1)
        if labels.size and (labels.min() < 0 or labels.max() >= self.num_classes):
            raise ValueError(f"Labels must be in [0, {self.num_classes}), got "
                             f"{labels.min()}..{labels.max()}.")
        images, pending = None, np.arange(len(labels))
        for round_ in range(self.max_rounds):
            if not len(pending):
                break
            draw_seed = None if seed is None else seed + 1000003 * round_
            drawn = _draw(self.generator, labels[pending], draw_seed, batch_size,
                          self.noise_scale)
            if images is None:
                images = np.zeros((len(labels),) + drawn.shape[1:], np.float32)
            ok = self.recognised(drawn, labels[pending], batch_size)
            images[pending[ok]] = drawn[ok]
            self.drawn += len(pending)
            self.kept += int(ok.sum())
            pending = pending[~ok]
        if len(pending):
            classes = sorted({int(c) for c in labels[pending]})
            raise ValueError(
                f"FilteredGenerator: {len(pending)} images of classes {classes} were still not "
                f"recognised after {self.max_rounds} draws; the generator rarely draws them "
                "well enough for this classifier (lower min_confidence or train it longer).")
        if images is None:
            images = _draw(self.generator, labels, seed, batch_size, self.noise_scale)
        return images


def retraining_study(
    synthetic,
    real,
    test,
    total=55000,
    fractions=REPORT_003_FRACTIONS,
    strategies=STRATEGIES,
    epochs=30,
    csv_path=None,
    seed=0,
    batch_size=128,
    learning_rate=1e-3,
    num_classes=10,
    verbose=1,
    validation=_clf.REPORT_003_VALIDATION,
    real_plus_synthetic=False,
    augment=False,
    cosine_decay=False,
):
    """Trains fresh LeNets on real/synthetic mixes of fixed size and tests them on real data.

    The last `validation` images of `real` are held out (report 003: 5k of MNIST's 60k
    training images; `gankit.classifier.split_validation`): no LeNet trains on them, each is
    validated on them after every epoch. For each strategy and each fraction `f`, the training
    set holds `round(f * total)` real images (a class-balanced, seeded subset of the rest of
    `real`) and `total - round(f * total)` synthetic images, and a fresh LeNet (seeded with
    `seed`) is trained on it with Adam for `epochs` epochs, then scored on `test`. With
    `real_plus_synthetic=True` one more cell (strategy `"real_plus_synthetic"`) trains on
    `total` real plus `total` synthetic images shuffled together (report 003's 110k run).
    Results are appended to `csv_path` row by row (flushed); rows already in the file for the
    same `total`, `epochs`, `seed`, `validation` and LeNet recipe (`augment`, `cosine_decay`;
    the CSV's `recipe` column) are read back and not recomputed, so an interrupted study
    resumes where it stopped; a file holding other settings raises a `ValueError`.

    Report 003 (Table 3, `REPORT_003_TABLE3`) got, for 0 % / 0.018 % / 1 % / 10 % / 100 % real:
    mixed 0.932 / 0.952 / 0.967 / 0.980 / 0.991, synthetic-then-real 0.824 / 0.825 / 0.962 /
    0.981 / 0.987, alternating 0.824 / 0.953 / 0.96 / 0.98 / 0.987.

    Args:
        synthetic: `(images, labels)` arrays of at least `total` synthetic images, or a
            conditional model with `generate(labels, seed=...)` (e.g. a trained
            `gankit.ConditionalGAN`, a `GeneratorMixture` of several, a `FilteredGenerator`),
            from which `total` class-balanced samples are drawn once.
        real: `(images, labels)` real training images (uint8 or [-1, 1] floats), the whole
            training split (report 003: all 60k; the last `validation` are held out).
        test: `(images, labels)` real test images.
        total: size of every training set (report 003: 55,000).
        fractions: fractions of real images, each in [0, 1].
        strategies: any of `"mixed"`, `"synthetic_then_real"`, `"alternating"`.
        epochs: training epochs per cell (report 003: 30).
        csv_path: CSV file to write results to and resume from (`None`: keep in memory only).
        seed: seed of the data subsets, of the LeNet initialization and of the shuffling.
        batch_size: training batch size.
        learning_rate: Adam learning rate.
        num_classes: number of classes.
        verbose: 1 to print one line per cell, 0 for silence.
        validation: real images held out for validation (report 003: 5,000; 0: none).
        real_plus_synthetic: also run report 003's all-real-plus-all-synthetic cell (needs
            `total` real images besides the validation ones).
        augment: train every LeNet with `fit_lenet`'s augmentation (not in the report;
            `False` is its recipe): `True`/`"light"` for random shifts and rotations,
            `"handwriting"` for stronger ones plus zoom and stroke widths (see
            `gankit.classifier.AUGMENTATIONS`).
        cosine_decay: decay every LeNet's learning rate to 0 along a cosine (not in the
            report). The CSV records both as the `recipe` column: a file holding another
            recipe raises a `ValueError` instead of handing back its cells.

    Returns:
        A list of dicts with the keys of `CSV_FIELDS`, one per (strategy, fraction) cell, in
        the order of `strategies` then `fractions`, then the `"real_plus_synthetic"` cell.

    Example:

    ```python
    rows = gankit.retraining_study((fake_x, fake_y), real, test, total=2000, epochs=2,
                                   fractions=(0.0, 0.1, 1.0), csv_path="quick.csv",
                                   real_plus_synthetic=True)
    ```
    """
    total, epochs, seed = int(total), int(epochs), int(seed)
    if total < 1 or epochs < 1:
        raise ValueError(f"total and epochs must be positive, got total={total}, epochs={epochs}.")
    fractions = [float(f) for f in fractions]
    if not fractions or any(not 0.0 <= f <= 1.0 for f in fractions):
        raise ValueError(f"fractions must be a non-empty list of numbers in [0, 1], got {fractions}.")
    strategies = [strategies] if isinstance(strategies, str) else list(strategies)
    unknown = [s for s in strategies if s not in STRATEGIES]
    if unknown or not strategies:
        raise ValueError(f"Unknown strategies {unknown}; choose from {STRATEGIES}.")
    real_x, real_y = _labelled(real, "real", num_classes)
    test_x, test_y = _labelled(test, "test", num_classes)
    validation = int(validation)
    if validation < 0 or validation >= len(real_x):
        raise ValueError(
            f"validation={validation} real images cannot be held out of {len(real_x)}; pass the "
            "whole training split (report 003: 60k = 55k train + 5k validation) or a smaller "
            "validation (0 for none)."
        )
    (real_x, real_y), val = _clf.split_validation(real_x, real_y, validation)
    val = val if validation else None
    cells = [(strategy, fraction, round(fraction * total), total - round(fraction * total))
             for strategy in strategies for fraction in fractions]
    if real_plus_synthetic:
        cells.append((REAL_PLUS_SYNTHETIC, 0.5, total, total))
    max_real = max(n_real for _, _, n_real, _ in cells)
    if max_real > len(real_x):
        raise ValueError(
            f"Need {max_real} real images to train on besides the {validation} held out for "
            f"validation, got {len(real_x)} (of {len(real_x) + validation})."
        )

    filtered = isinstance(synthetic, FilteredGenerator)
    recipe = recipe_label(augment, cosine_decay, filtered,
                          synthetic.noise_scale if filtered else 1.0)
    done = _read_rows(csv_path, total, epochs, seed, validation, recipe) if csv_path else []
    rows = []
    syn = None
    for strategy, fraction, n_real, n_syn in cells:
        row = _find(done, strategy, fraction)
        if row is None:
            if syn is None and n_syn:
                syn = _synthetic_set(synthetic, total, num_classes, seed)
            row = _run_cell(strategy, fraction, n_real, n_syn, total, syn, real_x, real_y,
                            val, test_x, test_y, epochs, seed, batch_size, learning_rate,
                            num_classes, augment, cosine_decay)
            row["recipe"] = recipe
            if csv_path:
                _append_row(csv_path, row)
            if verbose:
                print(f"[retraining_study] {strategy:>19s} real={fraction:<8g} "
                      f"accuracy={row['accuracy']:.4f} ({row['seconds']:.0f}s)", flush=True)
        rows.append(row)
    return rows


def _run_cell(strategy, fraction, n_real, n_syn, total, syn, real_x, real_y, val, test_x,
              test_y, epochs, seed, batch_size, learning_rate, num_classes, augment=False,
              cosine_decay=False):
    start = time.perf_counter()
    rx, ry = _balanced_subset(real_x, real_y, n_real, num_classes, seed)
    sx, sy = (syn[0][:n_syn], syn[1][:n_syn]) if n_syn else (rx[:0], ry[:0])
    phases = _phases("mixed" if strategy == REAL_PLUS_SYNTHETIC else strategy, epochs,
                     (sx, sy), (rx, ry))
    model = _clf.lenet(num_classes, real_x.shape[1:], seed=seed)
    curve = []
    for i, (x, y, n_epochs) in enumerate(phases):
        model, history = train_classifier(x, y, model, n_epochs, seed + i, batch_size,
                                          learning_rate, num_classes, validation_data=val,
                                          augment=augment, cosine_decay=cosine_decay)
        if val is not None:
            curve += [float(a) for a in history.history["val_accuracy"]]
    accuracy = _clf.evaluate_accuracy(model, test_x, test_y)
    return {
        "strategy": strategy, "fraction": fraction, "n_real": n_real, "n_synthetic": n_syn,
        "total": total, "epochs": epochs, "seed": seed,
        "validation": 0 if val is None else len(val[0]), "accuracy": accuracy,
        "val_accuracy": curve[-1] if curve else None, "val_curve": curve,
        "seconds": time.perf_counter() - start,
    }


def train_classifier(images, labels, model, epochs, seed, batch_size, learning_rate, num_classes,
                     validation_data=None, augment=False, cosine_decay=False):
    """One training phase of a study cell (`fit_lenet` on a model kept across phases).

    With `augment`, each phase compiles a fresh Adam for its augmenting wrapper (without it,
    the model keeps its optimizer state across phases).

    Returns:
        `(model, history)`; with `validation_data`, `history.history["val_accuracy"]` holds the
        accuracy on it after each epoch.
    """
    return _clf.fit_lenet(images, labels, num_classes=num_classes, epochs=epochs,
                          batch_size=batch_size, learning_rate=learning_rate, seed=seed,
                          model=model, validation_data=validation_data, augment=augment,
                          cosine_decay=cosine_decay)


def _phases(strategy, epochs, syn, real):
    """List of (images, labels, epochs) training phases of a strategy; empty parts are skipped."""
    if strategy == "mixed":
        x = np.concatenate([syn[0], real[0]])
        y = np.concatenate([syn[1], real[1]])
        return [(x, y, epochs)]
    if strategy == "synthetic_then_real":
        first = epochs // 2 if epochs > 1 else 1
        plan = [(syn, first), (real, epochs - first)]
    else:  # alternating: one epoch each, synthetic first
        plan = [((syn, real)[e % 2], 1) for e in range(epochs)]
    return [(part[0], part[1], n) for part, n in plan if n > 0 and len(part[0]) > 0]


def _balanced_subset(x, y, n, num_classes, seed):
    """`n` samples taken round-robin over classes (seeded order inside each class)."""
    if n == 0:
        return x[:0], y[:0]
    rng = np.random.default_rng(seed)
    pools = [rng.permutation(np.flatnonzero(y == c)) for c in range(num_classes)]
    order = []
    depth = 0
    while len(order) < n:
        progressed = False
        for pool in pools:
            if depth < len(pool):
                order.append(pool[depth])
                progressed = True
                if len(order) == n:
                    break
        if not progressed:
            break
        depth += 1
    idx = np.sort(np.asarray(order, dtype=np.int64))
    return x[idx], y[idx]


def _synthetic_set(synthetic, total, num_classes, seed):
    if hasattr(synthetic, "generate"):
        labels = np.arange(total, dtype=np.int64) % num_classes
        labels = np.random.default_rng(seed).permutation(labels)
        images = np.asarray(synthetic.generate(labels, seed=seed))
        x, y = _labelled((images, labels), "synthetic", num_classes)
    else:
        x, y = _labelled(synthetic, "synthetic", num_classes)
        if len(x) < total:
            raise ValueError(
                f"Need at least total={total} synthetic images, got {len(x)}."
            )
        order = np.random.default_rng(seed).permutation(len(x))[:total]
        x, y = x[order], y[order]
    return x, y


def _labelled(pair, what, num_classes):
    if not isinstance(pair, (tuple, list)) or len(pair) != 2:
        raise ValueError(
            f"{what} must be an (images, labels) pair"
            + (" or a conditional model with .generate(labels)" if what == "synthetic" else "")
            + f", got {type(pair).__name__}."
        )
    x = _clf.prepare_images(pair[0])
    y = _clf.check_labels(pair[1], len(x), num_classes)
    return x, y


# ----------------------------------------------------------------------------- CSV


def recipe_label(augment=False, cosine_decay=False, filtered=False, noise_scale=1.0):
    """The `recipe` column of a study CSV: `"plain"` for report 003's LeNet recipe, else what differs.

    `filtered`: the synthetic images came through a `FilteredGenerator` (`"filtered"`);
    `noise_scale`: its noise's standard deviation, recorded when not 1.

    Example:

    >>> recipe_label("handwriting", cosine_decay=True)
    'augment=handwriting,cosine_decay'
    >>> recipe_label(filtered=True)
    'filtered'
    >>> recipe_label(filtered=True, noise_scale=2.0)
    'filtered,noise_scale=2'
    """
    parts = []
    if augment is not False and augment is not None:
        name = "light" if augment is True else augment
        if isinstance(name, dict):
            name = "{" + ";".join(f"{k}:{name[k]:g}" for k in sorted(name)) + "}"
        parts.append(f"augment={name}")
    if cosine_decay:
        parts.append("cosine_decay")
    if filtered:
        parts.append("filtered")
    if noise_scale != 1.0:
        parts.append(f"noise_scale={noise_scale:g}")
    return ",".join(parts) or "plain"


def _read_rows(path, total, epochs, seed, validation, recipe="plain"):
    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0:
        return []
    rows = []
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        missing = set(CSV_FIELDS) - set(reader.fieldnames or ()) - {"recipe"}
        if missing:
            raise ValueError(
                f"{path} is not a retraining-study CSV of this gankit version (missing columns "
                f"{sorted(missing)}); use another csv_path."
            )
        for raw in reader:
            try:
                row = _parse_row(raw)
            except (TypeError, ValueError):
                continue  # a row cut short by an interruption: recompute that cell
            settings = (row["total"], row["epochs"], row["seed"], row["validation"])
            if settings != (total, epochs, seed, validation):
                raise ValueError(
                    f"{path} holds results for total={row['total']}, epochs={row['epochs']}, "
                    f"seed={row['seed']}, validation={row['validation']}, not total={total}, "
                    f"epochs={epochs}, seed={seed}, validation={validation}; use another "
                    "csv_path for different settings."
                )
            if row["recipe"] is not None and row["recipe"] != recipe:
                raise ValueError(
                    f"{path} holds LeNets trained with recipe {row['recipe']!r}, not {recipe!r} "
                    "(augment / cosine_decay / a FilteredGenerator's samples and noise scale); "
                    "use another csv_path for another recipe."
                )
            row["recipe"] = recipe
            rows.append(row)
    return rows


def _parse_row(raw):
    recipe = raw.get("recipe", "")  # no such key: a file from before the column existed
    if recipe is None:
        raise ValueError("row cut short")
    return {
        "strategy": raw["strategy"], "fraction": float(raw["fraction"]),
        "n_real": int(raw["n_real"]), "n_synthetic": int(raw["n_synthetic"]),
        "total": int(raw["total"]), "epochs": int(raw["epochs"]), "seed": int(raw["seed"]),
        "validation": int(raw["validation"]), "accuracy": float(raw["accuracy"]),
        "val_accuracy": float(raw["val_accuracy"]) if raw["val_accuracy"] else None,
        "val_curve": [float(a) for a in raw["val_curve"].split()],
        "seconds": float(raw["seconds"]),
        "recipe": recipe or None,
    }


def _find(rows, strategy, fraction):
    for row in rows:
        if row["strategy"] == strategy and math.isclose(row["fraction"], fraction,
                                                        rel_tol=1e-9, abs_tol=1e-12):
            return row
    return None


def _append_row(path, row):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.is_file() or path.stat().st_size == 0
    fields = CSV_FIELDS
    if not new:
        with open(path, newline="") as f:  # a file from before the recipe column keeps its header
            fields = tuple(next(csv.reader(f), ())) or CSV_FIELDS
        with open(path, "rb") as f:  # a half-written last line must not glue onto the new row
            f.seek(-1, os.SEEK_END)
            needs_newline = f.read(1) not in (b"\n", b"\r")
    with open(path, "a", newline="") as f:
        if not new and needs_newline:
            f.write("\n")
        writer = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        if new:
            writer.writeheader()
        writer.writerow({k: _csv_value(v) for k, v in row.items()})
        f.flush()
        os.fsync(f.fileno())


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list):
        return " ".join(repr(float(v)) for v in value)
    return value


def read_study(csv_path):
    """Reads a retraining-study CSV into a list of row dicts (see `CSV_FIELDS`)."""
    path = Path(csv_path)
    if not path.is_file():
        raise FileNotFoundError(f"No study results at {path}; run retraining_study first.")
    with open(path, newline="") as f:
        rows = []
        for raw in csv.DictReader(f):
            try:
                rows.append(_parse_row(raw))
            except (TypeError, ValueError):
                continue
    return rows


def plot_study(csv_path, png_path, reference=True, title=None):
    """Plots test accuracy against the share of real images, one line per strategy (Figure 3).

    The x axis is the percentage of real images on a symmetric-log scale (linear below 0.01 %),
    so 0 %, 0.018 % and 100 % all show.

    Args:
        csv_path: CSV written by `retraining_study`.
        png_path: where to write the PNG.
        reference: also draw report 003's Table 3 (dotted) for comparison.
        title: optional plot title.

    Returns:
        The PNG path, as a `pathlib.Path`.

    Example:

    ```python
    gankit.studies.plot_study("study.csv", "study.png")
    ```
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    rows = read_study(csv_path)
    if not rows:
        raise ValueError(f"{csv_path} holds no finished cells to plot.")
    fig, ax = plt.subplots(figsize=(7, 4.5))
    colors = {"mixed": "C0", "synthetic_then_real": "C1", "alternating": "C2"}
    for strategy in STRATEGIES:
        pts = sorted((r["fraction"], r["accuracy"]) for r in rows if r["strategy"] == strategy)
        if pts:
            xs, ys = zip(*pts)
            ax.plot(np.array(xs) * 100, ys, "o-", color=colors[strategy], label=strategy)
        if reference:
            ax.plot(np.array(REPORT_003_FRACTIONS) * 100, REPORT_003_TABLE3[strategy], ":",
                    color=colors[strategy], alpha=0.6, label=f"{strategy} (report 003)")
    for row in rows:
        if row["strategy"] == REAL_PLUS_SYNTHETIC:
            ax.plot([row["fraction"] * 100], [row["accuracy"]], "k*", markersize=10,
                    label=f"all real + all synthetic ({row['n_real'] + row['n_synthetic']})")
    ax.set_xscale("symlog", linthresh=0.01)
    ax.set_xlim(-0.001, 110)
    ax.set_xlabel("real images in the training set (%)")
    ax.set_ylabel("test accuracy")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(title or f"LeNet trained on real + synthetic ({rows[0]['total']} images, "
                          f"{rows[0]['epochs']} epochs)")
    fig.tight_layout()
    png_path = Path(png_path)
    png_path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png_path, dpi=100)
    plt.close(fig)
    return png_path
