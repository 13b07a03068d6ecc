"""Fréchet distances between image sets: on LeNet features (FD) and InceptionV3 features (FID).

The Fréchet distance between two Gaussians fitted to feature sets is
`|mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr((S1^1/2 S2 S1^1/2)^1/2)`. The last trace is computed from
the eigenvalues of the symmetric PSD matrix `S1^1/2 S2 S1^1/2` (negative round-off clipped to 0),
so the result stays real and finite even for singular covariances (fewer samples than features,
constant features).
"""

import os
from pathlib import Path

import keras
import numpy as np

from gankit import classifier as _clf
from gankit.batches import predict_in_batches
from gankit.files import atomic_open
from gankit.metrics.scores import default_classifier

INCEPTION_WEIGHTS_FILE = "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5"
"""File name Keras gives InceptionV3's ImageNet weights without the top (pooling features)."""

_INCEPTION_CACHE = {}


# ----------------------------------------------------------------------------- math


def feature_statistics(feats):
    """Mean and covariance of a feature matrix.

    Args:
        feats: array `(n, d)` with `n >= 2`.

    Returns:
        A dict with `mu` (`(d,)` float64), `sigma` (`(d, d)` float64) and `n` (int).

    Example:

    ```python
    stats = gankit.metrics.feature_statistics(np.random.randn(100, 8))
    ```
    """
    f = np.asarray(feats, dtype=np.float64)
    if f.ndim != 2 or f.shape[0] < 2:
        raise ValueError(f"Need a feature matrix (n, d) with at least 2 rows, got {f.shape}.")
    if not np.all(np.isfinite(f)):
        raise ValueError("Features contain NaN or infinite values.")
    return {"mu": f.mean(axis=0), "sigma": np.atleast_2d(np.cov(f, rowvar=False)), "n": len(f)}


def _psd_sqrt(matrix):
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2.0)
    return (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T


def frechet_distance_from_stats(mu1, sigma1, mu2, sigma2):
    """Fréchet distance between two Gaussians `N(mu1, sigma1)` and `N(mu2, sigma2)`.

    Args:
        mu1, mu2: mean vectors `(d,)`.
        sigma1, sigma2: covariance matrices `(d, d)` (symmetric PSD, possibly singular).

    Returns:
        The distance as a non-negative Python float (0 for identical statistics).

    Example:

    ```python
    d = gankit.metrics.frechet_distance_from_stats(np.zeros(2), np.eye(2), np.ones(2), np.eye(2))
    # d == 2.0
    ```
    """
    mu1, mu2 = np.atleast_1d(np.asarray(mu1, np.float64)), np.atleast_1d(np.asarray(mu2, np.float64))
    s1, s2 = np.atleast_2d(np.asarray(sigma1, np.float64)), np.atleast_2d(np.asarray(sigma2, np.float64))
    d = mu1.shape[0]
    if mu1.shape != (d,) or mu2.shape != (d,) or s1.shape != (d, d) or s2.shape != (d, d):
        raise ValueError(
            f"Statistics do not match: mu1 {mu1.shape}, sigma1 {s1.shape}, mu2 {mu2.shape}, "
            f"sigma2 {s2.shape}."
        )
    for m in (mu1, mu2, s1, s2):
        if not np.all(np.isfinite(m)):
            raise ValueError("Statistics contain NaN or infinite values.")
    root1 = _psd_sqrt(s1)
    middle = root1 @ s2 @ root1
    eigen = np.linalg.eigvalsh((middle + middle.T) / 2.0)
    trace_sqrt = float(np.sum(np.sqrt(np.clip(eigen, 0.0, None))))
    diff = mu1 - mu2
    value = float(diff @ diff + np.trace(s1) + np.trace(s2) - 2.0 * trace_sqrt)
    return max(value, 0.0)


def _as_stats(x, extract):
    if isinstance(x, dict):
        if "mu" not in x or "sigma" not in x:
            raise ValueError("Statistics must be a dict with keys 'mu' and 'sigma'.")
        return x
    return feature_statistics(extract(x))


# ----------------------------------------------------------------------------- LeNet FD


def frechet_distance(real, fake, classifier=None, batch_size=500, dataset=None):
    """Fréchet distance between two image sets on a LeNet's penultimate (84-d) features.

    Args:
        real: images (float in [-1, 1] or uint8) or precomputed statistics, e.g.
            `reference_statistics("mnist")`.
        fake: images or statistics, as `real`.
        classifier: a LeNet (`keras.Model` with a `"features"` layer), a pretrained name, or
            `None` (the LeNet of `dataset`).
        batch_size: images per forward pass.
        dataset: with `classifier=None`, the dataset whose LeNet gives the features
            (`"mnist"`, `"fashion_mnist"`, `"colored_mnist"`); None: MNIST for 28x28x1 images,
            any other shape raises (see `gankit.classifier.pretrained_for`).

    Returns:
        The distance as a Python float (0 for identical sets; symmetric in `real` and `fake`).

    Raises:
        ValueError: `classifier=None` and no shipped LeNet fits `dataset` or the images.

    Example:

    ```python
    ref = gankit.metrics.reference_statistics("mnist", split="test")
    fd = gankit.frechet_distance(ref, gan.generate(10000, seed=0))
    ```
    """
    if classifier is None:
        for images in (fake, real):
            if not isinstance(images, dict):
                default_classifier(images, dataset)  # both image sets must fit the LeNet
        images = fake if not isinstance(fake, dict) else real
        classifier = default_classifier(None if isinstance(images, dict) else images, dataset)

    def extract(images):
        return _clf.features(images, classifier, batch_size)

    s1, s2 = _as_stats(real, extract), _as_stats(fake, extract)
    return frechet_distance_from_stats(s1["mu"], s1["sigma"], s2["mu"], s2["sigma"])


def statistics(images, classifier=None, batch_size=500, dataset=None):
    """LeNet feature statistics (`mu`, `sigma`, `n`) of images, reusable by `frechet_distance`.

    `classifier` and `dataset` pick the LeNet as in `frechet_distance`.

    Example:

    ```python
    stats = gankit.metrics.statistics(x_test, "mnist")
    fd = gankit.frechet_distance(stats, fakes)
    ```
    """
    if classifier is None:
        classifier = default_classifier(images, dataset)
    return feature_statistics(_clf.features(images, classifier, batch_size))


def cache_dir():
    """Where metric caches live: `$GANKIT_CACHE_DIR/metrics` or `~/.cache/gankit/metrics`."""
    root = os.environ.get("GANKIT_CACHE_DIR") or os.path.join("~", ".cache", "gankit")
    return Path(root).expanduser() / "metrics"


def reference_statistics(name="mnist", split="test", classifier=None, cache=True):
    """LeNet feature statistics of a real dataset split, computed once and cached.

    The statistics are stored as `.npz` under `cache_dir()`, keyed by dataset, split and the
    sha256 of the classifier weights, so new weights never reuse stale statistics.

    Args:
        name: a dataset name known to `gankit.data.load_arrays` ("mnist", ...).
        split: the split to describe.
        classifier: pretrained LeNet name to use (default: `name` itself).
        cache: `False` to recompute and not write the cache.

    Returns:
        A dict with `mu`, `sigma`, `n` that `frechet_distance` accepts in place of images.

    Example:

    ```python
    ref = gankit.metrics.reference_statistics("mnist", split="test")
    ```
    """
    classifier = name if classifier is None else classifier
    if not isinstance(classifier, str):
        raise ValueError(
            "reference_statistics caches by the weights' checksum, so classifier must be a "
            f"pretrained name {sorted(_clf.PRETRAINED)}; use statistics(images, model) for others."
        )
    model = _clf.load_pretrained(classifier)
    path = cache_dir() / f"fd_{name}_{split}_lenet_{classifier}_{model.weights_sha256[:16]}.npz"
    if cache and path.is_file():
        try:
            with np.load(path) as f:
                stats = {"mu": f["mu"], "sigma": f["sigma"], "n": int(f["n"])}
            if stats["sigma"].shape == (stats["mu"].shape[0],) * 2:
                return stats
        except (OSError, KeyError, ValueError):
            pass  # unreadable cache: recompute below
    from gankit import data

    images, _ = data.load_arrays(name, split)
    stats = statistics(images, model)
    if cache:
        with atomic_open(path, "wb") as f:
            np.savez(f, mu=stats["mu"], sigma=stats["sigma"], n=stats["n"])
    return stats


# ----------------------------------------------------------------------------- InceptionV3 FID


def default_inception_weights():
    """Where gankit looks for InceptionV3 weights: `$KERAS_HOME/models/` or `~/.keras/models/`."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(home) / "models" / INCEPTION_WEIGHTS_FILE


def inception_feature_extractor(weights=None, image_size=299):
    """InceptionV3 (no top, global average pooling) giving 2048-d features; never downloads.

    Args:
        weights: `None` or `"imagenet"` to use the local ImageNet file
            `~/.keras/models/inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5`; a path to
            that file elsewhere; or `"random"` for random weights (to test the plumbing only:
            the distances mean nothing).
        image_size: side the images are resized to (299 as in the FID paper; at least 75).

    Returns:
        A cached `keras.Model` mapping `(n, image_size, image_size, 3)` images in [-1, 1] to
        `(n, 2048)` features.

    Raises:
        FileNotFoundError: the weight file is not there (with instructions to get it).

    Example:

    ```python
    extractor = gankit.metrics.inception_feature_extractor()
    ```
    """
    image_size = int(image_size)
    if image_size < 75:
        raise ValueError(f"InceptionV3 needs images of at least 75x75, got image_size={image_size}.")
    if weights == "random":
        source = None
    else:
        path = default_inception_weights() if weights in (None, "imagenet") else Path(weights)
        path = path.expanduser()
        if not path.is_file():
            raise FileNotFoundError(
                f"InceptionV3 ImageNet weights not found at {path}. gankit never downloads them: "
                "on a machine with internet, run keras.applications.InceptionV3(include_top=False) "
                f"once (Keras saves {INCEPTION_WEIGHTS_FILE}) and copy the file to "
                f"{default_inception_weights()} (or pass weights=<path>)."
            )
        source = str(path)
    key = (source, image_size)
    if key not in _INCEPTION_CACHE:
        _INCEPTION_CACHE[key] = keras.applications.InceptionV3(
            include_top=False,
            weights=source,
            input_shape=(image_size, image_size, 3),
            pooling="avg",
        )
    return _INCEPTION_CACHE[key]


def inception_features(images, weights=None, image_size=299, batch_size=32, model=None):
    """2048-d InceptionV3 pool features of images (resized to `image_size`, gray tiled to RGB).

    Args:
        images: float images in [-1, 1] or uint8, 1 or 3 channels.
        weights: see `inception_feature_extractor`.
        image_size: resize target.
        batch_size: images per forward pass.
        model: an extractor to use instead of building one from `weights`.

    Returns:
        float64 numpy array `(n, 2048)`.

    Example:

    ```python
    feats = gankit.metrics.inception_features(images, weights="random", image_size=75)
    ```
    """
    model = model or inception_feature_extractor(weights, image_size)
    size = tuple(model.input_shape[1:3])
    x = _clf.prepare_images(images, channels=3)

    def features(batch):
        if tuple(batch.shape[1:3]) != size:
            batch = keras.ops.image.resize(batch, size, interpolation="bilinear")
        # InceptionV3 expects inputs scaled to [-1, 1], which is gankit's image range.
        return model(batch, training=False)

    return predict_in_batches(features, x, batch_size=batch_size).astype(np.float64)


def frechet_inception_distance(real, fake, weights=None, image_size=299, batch_size=32,
                               model=None):
    """FID: Fréchet distance on InceptionV3 pool features (report 000 scores translations with it).

    Needs the ImageNet weights locally (see `inception_feature_extractor`); nothing is downloaded.

    **Its values are not comparable with published FIDs**, report 000's table included: the
    standard FID (the TF Inception graph of Heusel et al., pytorch-fid, which ports it) uses a
    different Inception network (the 2015 TF graph, not Keras' `InceptionV3` ImageNet weights)
    and its own resizing (the graph's resize of uint8 images; here `keras.ops.image.resize`,
    bilinear, of [-1, 1] floats). Compare gankit's values only with each other: same weights,
    same `image_size`, same number of samples.

    Args:
        real: images (float in [-1, 1] or uint8, 1 or 3 channels) or statistics (`mu`, `sigma`).
        fake: images or statistics, as `real`.
        weights: `None`/`"imagenet"` (local ImageNet file), a path, or `"random"`.
        image_size: images are resized to this side (299 for standard FID).
        batch_size: images per forward pass.
        model: an extractor to use instead of building one from `weights`.

    Returns:
        The distance as a Python float.

    Raises:
        FileNotFoundError: the ImageNet weights are not available locally.

    Example:

    ```python
    fid = gankit.frechet_inception_distance(real_zebras, fake_zebras)
    ```
    """
    if model is None and not (isinstance(real, dict) and isinstance(fake, dict)):
        model = inception_feature_extractor(weights, image_size)

    def extract(images):
        return inception_features(images, batch_size=batch_size, model=model)

    s1, s2 = _as_stats(real, extract), _as_stats(fake, extract)
    return frechet_distance_from_stats(s1["mu"], s1["sigma"], s2["mu"], s2["sigma"])
