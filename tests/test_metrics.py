"""Inception Score, Fréchet distances, conditional accuracy and class coverage."""

import numpy as np
import pytest

from gankit import classifier, metrics
from gankit.data import load_arrays


@pytest.fixture(scope="module")
def mnist_test():
    x, y = load_arrays("mnist", "test")
    return x[:2000], y[:2000]


# ----------------------------------------------------------------------------- Inception Score


def test_is_of_uniform_one_hot_is_num_classes():
    probs = np.eye(10)[np.arange(1000) % 10]
    mean, std = metrics.inception_score_from_probs(probs, splits=1)
    assert mean == pytest.approx(10.0) and std == 0.0
    mean, _ = metrics.inception_score_from_probs(probs, splits=10, seed=0)
    assert 9.3 < mean <= 10.0  # shuffled parts are only roughly balanced


def test_is_of_single_class_is_one_and_never_nan():
    probs = np.zeros((100, 10))
    probs[:, 3] = 1.0  # exact zeros everywhere else
    mean, std = metrics.inception_score_from_probs(probs, splits=5)
    assert mean == pytest.approx(1.0) and std == pytest.approx(0.0)
    assert metrics.inception_score_from_probs(np.full((50, 10), 0.1), splits=5)[0] == \
        pytest.approx(1.0)


def test_is_shuffles_class_sorted_samples():
    probs = np.eye(10)[np.repeat(np.arange(10), 100)]  # sorted like conditional samples
    mean, _ = metrics.inception_score_from_probs(probs, splits=10, seed=0)
    assert mean > 9.0  # unshuffled blocks would each hold one class and score 1


def test_is_rejects_logits_and_bad_splits():
    with pytest.raises(ValueError, match="sum to 1"):
        metrics.inception_score_from_probs(np.random.default_rng(0).normal(size=(20, 10)) ** 2)
    with pytest.raises(ValueError, match="splits"):
        metrics.inception_score_from_probs(np.eye(10), splits=11)


def test_is_of_real_digits_sorted_equals_mixed(mnist_test):
    x, y = mnist_test
    order = np.argsort(y, kind="stable")
    mixed = metrics.inception_score(x, splits=10, seed=0)
    sorted_ = metrics.inception_score(x[order], splits=10, seed=0)
    assert mixed[0] > 9.0  # 200 digits per split; report 003: 9.96 with 1k per split
    assert sorted_[0] == pytest.approx(mixed[0], abs=0.1)
    # float [-1, 1] input scores like uint8 input
    as_float = metrics.inception_score(x.astype(np.float32) / 127.5 - 1, splits=10, seed=0)
    assert as_float[0] == pytest.approx(mixed[0], rel=1e-4)


# ----------------------------------------------------------------------------- Fréchet distance


def test_fd_math_gaussians():
    rng = np.random.default_rng(0)
    sigma = np.cov(rng.normal(size=(200, 5)), rowvar=False)
    mu = np.arange(5.0)
    assert metrics.frechet_distance_from_stats(mu, sigma, mu, sigma) == pytest.approx(0, abs=1e-8)
    # shifted mean, same covariance: distance is |shift|^2
    assert metrics.frechet_distance_from_stats(mu, sigma, mu + 2, sigma) == pytest.approx(20.0)
    # diagonal covariances: sum (sqrt(a) - sqrt(b))^2
    a, b = np.diag([1.0, 4.0]), np.diag([9.0, 1.0])
    assert metrics.frechet_distance_from_stats(np.zeros(2), a, np.zeros(2), b) == \
        pytest.approx(4.0 + 1.0)


def test_fd_is_finite_and_symmetric_for_singular_covariances():
    rng = np.random.default_rng(1)
    f1, f2 = rng.normal(size=(5, 84)), rng.normal(size=(7, 84))  # fewer samples than features
    f2[:, :10] = 0.0  # constant features
    s1, s2 = metrics.feature_statistics(f1), metrics.feature_statistics(f2)
    d12 = metrics.frechet_distance_from_stats(s1["mu"], s1["sigma"], s2["mu"], s2["sigma"])
    d21 = metrics.frechet_distance_from_stats(s2["mu"], s2["sigma"], s1["mu"], s1["sigma"])
    assert np.isfinite(d12) and d12 > 0
    assert d12 == pytest.approx(d21, rel=1e-6)
    d11 = metrics.frechet_distance_from_stats(s1["mu"], s1["sigma"], s1["mu"], s1["sigma"])
    assert d11 == pytest.approx(0.0, abs=1e-6)


def test_fd_on_lenet_features(mnist_test):
    x, _ = mnist_test
    a, b = x[:1000], x[1000:]
    assert metrics.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-3)
    d_ab, d_ba = metrics.frechet_distance(a, b), metrics.frechet_distance(b, a)
    assert d_ab == pytest.approx(d_ba, rel=1e-4)
    noise = np.random.default_rng(0).integers(0, 256, a.shape, dtype=np.uint8)
    assert metrics.frechet_distance(a, noise) > 10 * d_ab
    # statistics can stand in for images
    assert metrics.frechet_distance(metrics.statistics(a), b) == pytest.approx(d_ab, rel=1e-6)


def test_reference_statistics_are_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("GANKIT_CACHE_DIR", str(tmp_path))
    from gankit import data

    calls = []
    real_load = data.load_arrays

    def small_load(name, split="train", **kw):
        calls.append((name, split))
        x, y = real_load(name, split, **kw)
        return x[:500], y[:500]

    monkeypatch.setattr(data, "load_arrays", small_load)
    first = metrics.reference_statistics("mnist", split="test")
    second = metrics.reference_statistics("mnist", split="test")
    assert calls == [("mnist", "test")]
    assert first["n"] == 500 and first["sigma"].shape == (84, 84)
    np.testing.assert_allclose(first["mu"], second["mu"])
    sha = classifier.load_pretrained("mnist").weights_sha256
    assert len(list(tmp_path.rglob(f"*{sha[:16]}*.npz"))) == 1


def test_fid_math_with_random_inception_weights():
    rng = np.random.default_rng(0)
    a = rng.uniform(-1, 1, (4, 20, 20, 1)).astype(np.float32)  # gray: tiled to RGB
    b = rng.uniform(-1, 1, (5, 20, 20, 3)).astype(np.float32)
    model = metrics.inception_feature_extractor(weights="random", image_size=75)
    fa, fb = metrics.inception_features(a, model=model), metrics.inception_features(b, model=model)
    assert fa.shape == (4, 2048) and fb.shape == (5, 2048)
    sa, sb = metrics.feature_statistics(fa), metrics.feature_statistics(fb)
    d_ab = metrics.frechet_inception_distance(a, b, model=model)
    assert d_ab > 0
    assert metrics.frechet_inception_distance(sb, sa) == pytest.approx(d_ab, rel=1e-3)
    assert metrics.frechet_inception_distance(sa, sa) == pytest.approx(0.0, abs=1e-3 * d_ab)


def test_fid_without_local_weights_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="never downloads"):
        metrics.frechet_inception_distance(np.zeros((2, 8, 8, 3)), np.zeros((2, 8, 8, 3)))
    with pytest.raises(FileNotFoundError):
        metrics.inception_feature_extractor(weights=str(tmp_path / "nope.h5"))


# ----------------------------------------------------------------------------- accuracy, coverage


def test_conditional_accuracy_on_real_digits_is_classifier_accuracy(mnist_test):
    x, y = mnist_test
    result = metrics.conditional_accuracy(x, y)
    assert result["accuracy"] == pytest.approx(classifier.evaluate_accuracy("mnist", x, y))
    assert result["accuracy"] > 0.985
    assert result["per_class"].shape == (10,) and np.all(result["per_class"] > 0.95)
    assert result["confusion"].sum() == len(y)
    np.testing.assert_array_equal(result["support"], np.bincount(y, minlength=10))
    # a wrong label for every image: accuracy drops to the error rate
    assert metrics.conditional_accuracy(x, (y + 1) % 10)["accuracy"] < 0.02


def test_class_coverage_flags_mode_collapse(mnist_test):
    x, y = mnist_test
    healthy = metrics.class_coverage(x)
    assert healthy["covered"] == 10 and not healthy["collapsed"]
    assert healthy["entropy"] > 0.99
    ones = metrics.class_coverage(x[y == 1])
    assert ones["collapsed"] and ones["covered"] == 1 and ones["entropy"] < 0.1
    assert ones["counts"].sum() == np.sum(y == 1)


# ----------------------------------------------------------------------------- which classifier


def _digits(shape, n=20, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (n, *shape), dtype=np.uint8)


def test_classifier_is_picked_by_dataset_name():
    x = _digits((28, 28, 1))
    fashion = metrics.class_probabilities(x, dataset="fashion_mnist")
    np.testing.assert_allclose(fashion, classifier.predict_proba(x, "fashion_mnist"))
    assert not np.allclose(fashion, classifier.predict_proba(x, "mnist"))
    colored = _digits((28, 28, 3))
    np.testing.assert_allclose(metrics.class_probabilities(colored, dataset="colored_mnist"),
                               classifier.predict_proba(colored, "colored_mnist"))
    assert metrics.inception_score(x, dataset="fashion_mnist", splits=2)[0] >= 1.0
    assert metrics.class_coverage(x, dataset="fashion_mnist")["counts"].sum() == 20
    labels = np.arange(20) % 10
    assert 0 <= metrics.conditional_accuracy(x, labels, dataset="fashion_mnist")["accuracy"] <= 1
    fd = metrics.frechet_distance(x, _digits((28, 28, 1), seed=1), dataset="fashion_mnist")
    assert fd == pytest.approx(metrics.frechet_distance(x, _digits((28, 28, 1), seed=1),
                                                        "fashion_mnist"))


@pytest.mark.parametrize("dataset, shape", [
    ("svhn", (32, 32, 3)),          # a dataset gankit ships no LeNet for
    ("horse2zebra", (64, 64, 3)),
    (None, (32, 32, 3)),            # SVHN-shaped images, no name
    (None, (28, 28, 3)),            # 3 channels, no name: not necessarily colored MNIST
    (None, (64, 64, 1)),            # a shape no shipped LeNet takes
    ("colored_mnist", (32, 32, 3)),  # the named LeNet does not take these images
])
def test_no_metric_scores_with_a_classifier_that_does_not_fit(dataset, shape):
    x = _digits(shape, n=10)
    calls = [
        lambda: metrics.class_probabilities(x, dataset=dataset),
        lambda: metrics.inception_score(x, dataset=dataset, splits=2),
        lambda: metrics.conditional_accuracy(x, np.arange(10), dataset=dataset),
        lambda: metrics.class_coverage(x, dataset=dataset),
        lambda: metrics.frechet_distance(x, x, dataset=dataset),
        lambda: metrics.statistics(x, dataset=dataset),
    ]
    for call in calls:
        with pytest.raises(ValueError, match="classifier="):
            call()
    if dataset is None:  # the classifier module's own defaults refuse them too
        with pytest.raises(ValueError, match="classifier="):
            classifier.predict_proba(x)
        with pytest.raises(ValueError, match="classifier="):
            classifier.features(x)


def test_evaluate_generator_refuses_datasets_without_a_lenet_and_takes_a_classifier():
    class Fake:
        num_classes = None

        def generate(self, n, seed=None):
            return _digits((28, 28, 1), n=n, seed=seed) / 127.5 - 1

    with pytest.raises(ValueError, match="classifier="):
        metrics.evaluate_generator(Fake(), "svhn", n=20)
    own = classifier.lenet(seed=0)
    result = metrics.evaluate_generator(Fake(), "mnist", n=20, splits=2, classifier=own)
    assert result["inception_score"] >= 1.0 and np.isfinite(result["frechet_distance"])


def test_fid_docstring_warns_values_are_not_comparable_with_standard_fid():
    doc = metrics.frechet_inception_distance.__doc__
    assert "not comparable" in doc and "pytorch-fid" in doc and "report 000" in doc
