"""Metrics of generated images, built on the pretrained LeNet (report 003) and InceptionV3.

* `inception_score` / `inception_score_from_probs`: Inception Score over shuffled splits.
* `frechet_distance`: Fréchet distance on LeNet features; `reference_statistics` caches the
  statistics of a real split. `frechet_inception_distance`: FID on InceptionV3 features
  (local ImageNet weights only, never downloaded).
* `conditional_accuracy`: does a conditional generator draw the class it was asked for?
* `class_coverage`: histogram of predicted classes, a mode-collapse alarm.

Every function accepts float images in [-1, 1] or uint8 images of any batch size. The LeNet is
`classifier=` or, without it, the one shipped for `dataset=` (`"mnist"`, `"fashion_mnist"`,
`"colored_mnist"`); with neither, only 28x28x1 images are scored (MNIST LeNet). Images no
shipped LeNet fits (SVHN, horse2zebra, ...) raise a `ValueError` asking for `classifier=`.

Example:

```python
import numpy as np
import gankit

labels = np.repeat(np.arange(10), 1000)
fakes = cgan.generate(labels, seed=0)
print(gankit.inception_score(fakes))                  # (mean, std)
print(gankit.conditional_accuracy(fakes, labels)["accuracy"])
print(gankit.frechet_distance(gankit.metrics.reference_statistics("mnist"), fakes))
```
"""

from gankit.metrics.frechet import (
    default_inception_weights,
    feature_statistics,
    frechet_distance,
    frechet_distance_from_stats,
    frechet_inception_distance,
    inception_feature_extractor,
    inception_features,
    reference_statistics,
    statistics,
)
from gankit.metrics.scores import (
    class_coverage,
    class_probabilities,
    conditional_accuracy,
    inception_score,
    inception_score_from_probs,
)
from gankit.metrics.summary import evaluate_generator
from gankit.metrics.translation import (
    fit_to_size,
    frechet_table_markdown,
    label_preservation,
    translation_frechet_distance,
    translation_frechet_table,
)

__all__ = [
    "class_coverage",
    "class_probabilities",
    "conditional_accuracy",
    "default_inception_weights",
    "evaluate_generator",
    "feature_statistics",
    "fit_to_size",
    "frechet_distance",
    "frechet_distance_from_stats",
    "frechet_inception_distance",
    "frechet_table_markdown",
    "inception_feature_extractor",
    "inception_features",
    "inception_score",
    "inception_score_from_probs",
    "label_preservation",
    "reference_statistics",
    "statistics",
    "translation_frechet_distance",
    "translation_frechet_table",
]
