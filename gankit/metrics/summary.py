"""One call that scores a trained generator the way the course reports do."""

import numpy as np

from gankit.metrics.frechet import frechet_distance, reference_statistics
from gankit.metrics.scores import class_coverage, conditional_accuracy, inception_score

SCORED_DATASETS = ("mnist", "fashion_mnist", "colored_mnist")


def evaluate_generator(model, dataset="mnist", n=10000, seed=0, splits=10):
    """Scores a gankit model's samples with the dataset's pretrained LeNet.

    Conditional models are asked for ``n`` images with balanced labels in a shuffled order
    (evaluation batches mix classes; generation runs in inference mode anyway).

    Args:
        model: a gankit model with ``generate`` and ``num_classes``.
        dataset: ``"mnist"``, ``"fashion_mnist"`` or ``"colored_mnist"``: picks the LeNet and the
            real test split the Fréchet distance compares against.
        n: number of generated images.
        seed: noise and label-order seed.
        splits: Inception Score splits (over shuffled samples).

    Returns:
        dict with ``inception_score``, ``inception_score_std``, ``frechet_distance`` (to the real
        test split, LeNet features), ``classes_covered``, ``coverage_entropy`` and, for
        conditional models, ``conditional_accuracy`` and ``per_class_accuracy``.

    Raises:
        ValueError: ``dataset`` has no pretrained LeNet.

    Example:

    ```python
    scores = gankit.metrics.evaluate_generator(cgan, "mnist", n=10000)
    print(scores["conditional_accuracy"], scores["inception_score"])
    ```
    """
    if dataset not in SCORED_DATASETS:
        raise ValueError(f"no pretrained LeNet for {dataset!r}; scored datasets: "
                         f"{', '.join(SCORED_DATASETS)}")
    from gankit.classifier import load_pretrained

    classifier = load_pretrained(dataset)
    num_classes = getattr(model, "num_classes", None)
    if num_classes:
        labels = np.random.default_rng(seed).permutation(np.arange(n) % num_classes)
        images = model.generate(labels, seed=seed)
    else:
        labels, images = None, model.generate(n, seed=seed)
    mean, std = inception_score(images, classifier, splits=splits, seed=seed)
    coverage = class_coverage(images, classifier)
    result = {
        "dataset": dataset,
        "n": int(n),
        "inception_score": round(mean, 4),
        "inception_score_std": round(std, 4),
        "frechet_distance": round(float(frechet_distance(
            reference_statistics(dataset, "test"), images, classifier)), 4),
        "classes_covered": int(coverage["covered"]),
        "coverage_entropy": round(float(coverage["entropy"]), 4),
    }
    if labels is not None:
        acc = conditional_accuracy(images, labels, classifier)
        result["conditional_accuracy"] = round(acc["accuracy"], 4)
        result["per_class_accuracy"] = [round(float(a), 4) for a in acc["per_class"]]
    return result
