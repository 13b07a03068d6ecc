"""Classifier-based scores of generated images: Inception Score, accuracy, class coverage.

All functions take float images in [-1, 1] or uint8 images (NHWC, or NHW for one channel) of any
batch size, and a classifier that is a `keras.Model` returning class probabilities (such as
`gankit.lenet`) or the name of a pretrained LeNet. With `classifier=None` the classifier is the
LeNet of `dataset=` (`"mnist"`, `"fashion_mnist"`, `"colored_mnist"`); without a dataset name,
28x28x1 images are scored by the MNIST LeNet and any other shape raises a `ValueError` that says
to pass `dataset=` or `classifier=` (gankit ships no LeNet for SVHN or horse2zebra, so their
images always need `classifier=`). See `gankit.classifier.pretrained_for`.
"""

import numpy as np

from gankit import classifier as _clf


def default_classifier(images, dataset=None):
    """The pretrained LeNet used when `classifier=None` (`gankit.classifier.pretrained_for`).

    Args:
        images: the images to score.
        dataset: dataset name, or None (then only 28x28x1 images have a default: MNIST).

    Returns:
        A pretrained LeNet `keras.Model`.

    Raises:
        ValueError: no shipped LeNet fits the dataset or the images; pass `classifier=`.
    """
    return _clf.pretrained_for(images, dataset)


def class_probabilities(images, classifier=None, batch_size=500, dataset=None):
    """Class probabilities of images under a classifier, predicted in batches.

    Args:
        images: float images in [-1, 1] or uint8 images.
        classifier: a `keras.Model` returning probabilities, a pretrained name, or `None`
            (the LeNet of `dataset`).
        batch_size: images per forward pass.
        dataset: with `classifier=None`, the dataset whose LeNet scores the images
            (`"mnist"`, `"fashion_mnist"`, `"colored_mnist"`); None: MNIST for 28x28x1 images.

    Returns:
        float64 numpy array `(n, num_classes)`.

    Raises:
        ValueError: `classifier=None` and no shipped LeNet fits `dataset` or the images.

    Example:

    ```python
    probs = gankit.metrics.class_probabilities(fake_digits)
    ```
    """
    if classifier is None:
        classifier = default_classifier(images, dataset)
    return _clf.predict_proba(images, classifier, batch_size)


def inception_score_from_probs(probs, splits=10, seed=0):
    """Inception Score of precomputed class probabilities `p(y|x)`.

    `IS = exp(E_x KL(p(y|x) || p(y)))`, with `p(y)` the mean of `p(y|x)` over each split. The
    samples are shuffled with a seeded permutation before being cut into `splits` parts: samples
    that come sorted by class (as class-conditional generators produce them) would otherwise
    put one class in each part and score about 1 per part, however good they are. Terms with
    `p(y|x) = 0` count as 0 (the limit of `p log p`), so the score is never NaN.

    Args:
        probs: array `(n, num_classes)` of non-negative rows summing to 1.
        splits: number of parts the score is averaged over (report 003: 10 parts of 1k).
        seed: seed of the permutation (`None`: a fresh random one).

    Returns:
        `(mean, std)` of the per-part scores, as Python floats. The score lies between 1 (all
        samples the same class, or predictions equal to the marginal) and `num_classes`
        (confident predictions spread evenly over the classes).

    Example:

    ```python
    mean, std = gankit.metrics.inception_score_from_probs(np.eye(10)[labels])
    ```
    """
    p = np.asarray(probs, dtype=np.float64)
    if p.ndim != 2 or p.shape[0] == 0 or p.shape[1] < 2:
        raise ValueError(
            f"probs must have shape (n, num_classes) with n >= 1 and num_classes >= 2, got "
            f"{p.shape}."
        )
    if not np.all(np.isfinite(p)) or p.min() < 0:
        raise ValueError("probs must be finite and non-negative.")
    sums = p.sum(axis=1)
    if not np.allclose(sums, 1.0, atol=1e-3):
        raise ValueError(
            "Each row of probs must sum to 1 (class probabilities, not logits); got row sums in "
            f"[{sums.min():.4g}, {sums.max():.4g}]. Apply a softmax first."
        )
    p = p / sums[:, None]
    splits = int(splits)
    if splits < 1 or splits > len(p):
        raise ValueError(f"splits must be between 1 and the number of samples ({len(p)}), got "
                         f"{splits}.")
    order = np.random.default_rng(seed).permutation(len(p))
    scores = []
    for part in np.array_split(p[order], splits):
        marginal = part.mean(axis=0, keepdims=True)
        # p * log(p / marginal), with 0 where p == 0 (marginal > 0 wherever p > 0).
        ratio = np.divide(part, marginal, out=np.ones_like(part), where=part > 0)
        kl = np.sum(part * np.log(ratio), axis=1)
        scores.append(np.exp(np.mean(kl)))
    return float(np.mean(scores)), float(np.std(scores))


def inception_score(images, classifier=None, splits=10, seed=0, batch_size=500, dataset=None):
    """Inception Score of images under a classifier (report 003 uses a MNIST LeNet).

    Args:
        images: float images in [-1, 1] or uint8 images, any number (at least `splits`).
        classifier: a `keras.Model` returning probabilities, a pretrained LeNet name, or `None`
            (the LeNet of `dataset`).
        splits: number of shuffled parts the score is averaged over.
        seed: seed of the shuffling permutation.
        batch_size: images per forward pass.
        dataset: with `classifier=None`, the dataset whose LeNet scores the images; None: MNIST
            for 28x28x1 images, anything else raises (see `class_probabilities`).

    Returns:
        `(mean, std)` as Python floats. Report 003 measured 9.962 +/- 0.044 on the real MNIST
        test set.

    Example:

    ```python
    samples = cgan.generate(np.repeat(np.arange(10), 1000))  # class-sorted is fine
    mean, std = gankit.inception_score(samples)
    ```
    """
    probs = class_probabilities(images, classifier, batch_size, dataset)
    return inception_score_from_probs(probs, splits=splits, seed=seed)


def conditional_accuracy(images, labels, classifier=None, batch_size=500, dataset=None):
    """How often a classifier recognises the class each image was generated for.

    Args:
        images: images generated for `labels` (float in [-1, 1] or uint8).
        labels: the intended integer labels `(n,)` (or one-hot rows).
        classifier: a `keras.Model` returning probabilities, a pretrained name, or `None`
            (the LeNet of `dataset`).
        batch_size: images per forward pass.
        dataset: with `classifier=None`, the dataset whose LeNet scores the images (see
            `class_probabilities`).

    Returns:
        A dict with `accuracy` (overall, float), `per_class` (float64 array `(num_classes,)`,
        NaN for classes absent from `labels`), `support` (int array, images per class) and
        `confusion` (int array `(num_classes, num_classes)`, rows = intended, cols = predicted).

    Example:

    ```python
    labels = np.repeat(np.arange(10), 100)
    result = gankit.conditional_accuracy(cgan.generate(labels), labels)
    print(result["accuracy"], result["per_class"])
    ```
    """
    probs = class_probabilities(images, classifier, batch_size, dataset)
    num_classes = probs.shape[1]
    y = _clf.check_labels(labels, len(probs), num_classes)
    predicted = probs.argmax(axis=1)
    confusion = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(confusion, (y, predicted), 1)
    support = confusion.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_class = np.where(support > 0, np.diag(confusion) / np.maximum(support, 1), np.nan)
    return {
        "accuracy": float(np.mean(predicted == y)),
        "per_class": per_class.astype(np.float64),
        "support": support,
        "confusion": confusion,
    }


def class_coverage(images, classifier=None, num_classes=10, min_share=0.01, batch_size=500,
                   dataset=None):
    """Histogram of predicted classes: a cheap mode-collapse alarm for unconditional GANs.

    A healthy MNIST generator spreads its samples over all ten digits, so `covered` is 10 and
    `entropy` is close to 1 (the real MNIST test set scores about 0.999). A collapsing generator
    concentrates on a few digits: watch for `covered < num_classes` or `entropy` dropping below
    about 0.9 between epochs (e.g. score 1,000 samples in a callback's `on_epoch_end`).

    Args:
        images: float images in [-1, 1] or uint8 images.
        classifier: a `keras.Model` returning probabilities, a pretrained name, or `None`
            (the LeNet of `dataset`).
        num_classes: number of classes of the classifier.
        min_share: a class counts as covered when at least this fraction of the samples is
            predicted as it (default 1%, a tenth of the fair share of 10 classes).
        batch_size: images per forward pass.
        dataset: with `classifier=None`, the dataset whose LeNet scores the images (see
            `class_probabilities`).

    Returns:
        A dict with `counts` (int array `(num_classes,)`), `shares` (float array summing to 1),
        `covered` (int, classes with share >= `min_share`), `entropy` (entropy of `shares`
        divided by `log(num_classes)`: 1 = uniform, 0 = a single class) and `collapsed`
        (bool, `covered < num_classes`).

    Example:

    ```python
    cov = gankit.class_coverage(gan.generate(1000, seed=0))
    if cov["collapsed"] or cov["entropy"] < 0.9:
        print("mode collapse? classes seen:", cov["counts"])
    ```
    """
    if not 0 <= float(min_share) <= 1:
        raise ValueError(f"min_share must be in [0, 1], got {min_share}.")
    probs = class_probabilities(images, classifier, batch_size, dataset)
    if probs.shape[1] != int(num_classes):
        raise ValueError(
            f"The classifier predicts {probs.shape[1]} classes but num_classes={num_classes}."
        )
    counts = np.bincount(probs.argmax(axis=1), minlength=num_classes).astype(np.int64)
    shares = counts / counts.sum()
    nonzero = shares[shares > 0]
    entropy = float(-np.sum(nonzero * np.log(nonzero)) / np.log(num_classes))
    covered = int(np.sum(shares >= float(min_share))) if min_share > 0 else int(len(nonzero))
    return {
        "counts": counts,
        "shares": shares,
        "covered": covered,
        "entropy": max(0.0, min(1.0, entropy)),
        "collapsed": covered < int(num_classes),
    }
