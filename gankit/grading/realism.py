"""Pixel-space realism: how far each cell lies from the span of real images of the dataset.

The LeNet used for the other checks is a poor judge of noise (the MNIST LeNet is about 99%
confident on uniform noise, and noise lands among real digits in its feature space), so
realism is measured in pixel space: the principal components of real images span "what
digits (or garments) look like", and a cell's root-mean-square reconstruction error from the
first `COMPONENTS` of them (pixels in [0, 1]) says how far it is from that span. Real test
images score 0.10-0.20, uniform noise 0.35-0.47 (see `Thresholds.max_reconstruction_error`).

The basis is fitted on a fixed slice of the training split (images 50,000-54,999), so it is
deterministic, and cached per dataset for the process.

Example:

```python
errors = gankit.grading.realism.reconstruction_errors(cells, "mnist")
```
"""

import numpy as np

COMPONENTS = 20
"""Principal components kept: few enough that only dataset-like images reconstruct well."""

FIT_SLICE = slice(50_000, 55_000)
"""Training images the basis is fitted on (fixed, so the measure is reproducible)."""

_BASES = {}


def reference_basis(dataset):
    """Mean and top `COMPONENTS` principal directions of real training images (cached).

    Args:
        dataset: "mnist" or "fashion_mnist" (loaded offline with `gankit.data.load_arrays`).

    Returns:
        `(mean, components)`: float64 arrays (d,) and (COMPONENTS, d), pixels in [0, 1].
    """
    cached = _BASES.get(dataset)
    if cached is not None:
        return cached
    from gankit import data

    images, _ = data.load_arrays(dataset, "train")
    x = images[FIT_SLICE].reshape(len(images[FIT_SLICE]), -1).astype(np.float64) / 255.0
    mean = x.mean(axis=0)
    centred = (x - mean).astype(np.float32)
    # Eigenvectors of the d x d scatter matrix: much cheaper than an SVD of the n x d data.
    _, vectors = np.linalg.eigh((centred.T @ centred).astype(np.float64))
    _BASES[dataset] = (mean, np.ascontiguousarray(vectors[:, ::-1][:, :COMPONENTS].T))
    return _BASES[dataset]


def reconstruction_errors(cells, dataset):
    """Root-mean-square reconstruction error of each cell from the real-image basis.

    Args:
        cells: uint8 cells (n, h, w, c) with h * w matching the dataset's images; 3-channel
            cells are averaged to grey.
        dataset: "mnist" or "fashion_mnist".

    Returns:
        float64 array (n,), pixels scaled to [0, 1] (0 = exactly in the span of real images).
    """
    mean, components = reference_basis(dataset)
    x = np.asarray(cells, dtype=np.float64)
    if x.ndim == 4:
        x = x.mean(axis=-1)
    x = x.reshape(len(x), -1) / 255.0
    if x.shape[1] != mean.shape[0]:
        raise ValueError(f"Cells of {x.shape[1]} pixels cannot be compared with {dataset} images "
                         f"of {mean.shape[0]} pixels.")
    centred = x - mean
    residual = centred - (centred @ components.T) @ components
    return np.sqrt(np.mean(residual * residual, axis=1))
