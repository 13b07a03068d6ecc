"""One call that scores a trained generator the way the course reports do."""

import numpy as np

from gankit.metrics.frechet import frechet_distance, reference_statistics, statistics
from gankit.metrics.scores import class_coverage, conditional_accuracy, inception_score

SCORED_DATASETS = ("mnist", "fashion_mnist", "colored_mnist")


def evaluate_generator(model, dataset="mnist", n=10000, seed=0, splits=10, classifier=None):
    """Scores a gankit model's samples with the dataset's pretrained LeNet (or your classifier).

    Conditional models are asked for `n` images with balanced labels in a shuffled order
    (evaluation batches mix classes; generation runs in inference mode anyway).

    Args:
        model: a gankit model with `generate` and `num_classes`.
        dataset: the real test split the Fréchet distance compares against and, with
            `classifier=None`, the LeNet: `"mnist"`, `"fashion_mnist"` or
            `"colored_mnist"`.
        n: number of generated images.
        seed: noise and label-order seed.
        splits: Inception Score splits (over shuffled samples).
        classifier: None (the dataset's shipped LeNet) or your own `keras.Model` returning
            class probabilities with a `"features"` layer (`gankit.lenet`), needed for
            datasets gankit ships no LeNet for (SVHN, ...).

    Returns:
        dict with `inception_score`, `inception_score_std`, `frechet_distance` (to the real
        test split, LeNet features), `classes_covered`, `coverage_entropy` and, for
        conditional models, `conditional_accuracy` and `per_class_accuracy`.

    Raises:
        ValueError: `classifier=None` and `dataset` has no pretrained LeNet, or the samples
            do not fit the classifier.

    Example:

    ```python
    scores = gankit.metrics.evaluate_generator(cgan, "mnist", n=10000)
    print(scores["conditional_accuracy"], scores["inception_score"])
    ```
    """
    from gankit.classifier import pretrained_for

    if classifier is None:
        pretrained_for(None, dataset)  # refuses datasets without a shipped LeNet before sampling
    num_classes = getattr(model, "num_classes", None)
    if num_classes:
        labels = np.random.default_rng(seed).permutation(np.arange(n) % num_classes)
        images = model.generate(labels, seed=seed)
    else:
        labels, images = None, model.generate(n, seed=seed)
    if classifier is None:
        classifier = pretrained_for(images, dataset)
        reference = reference_statistics(dataset, "test")
    else:
        from gankit.data import load_arrays

        reference = statistics(load_arrays(dataset, "test")[0], classifier)
    mean, std = inception_score(images, classifier, splits=splits, seed=seed)
    coverage = class_coverage(images, classifier)
    result = {
        "dataset": dataset,
        "n": int(n),
        "inception_score": round(mean, 4),
        "inception_score_std": round(std, 4),
        "frechet_distance": round(float(frechet_distance(reference, images, classifier)), 4),
        "classes_covered": int(coverage["covered"]),
        "coverage_entropy": round(float(coverage["entropy"]), 4),
    }
    if labels is not None:
        acc = conditional_accuracy(images, labels, classifier)
        result["conditional_accuracy"] = round(acc["accuracy"], 4)
        result["per_class_accuracy"] = [round(float(a), 4) for a in acc["per_class"]]
    return result
