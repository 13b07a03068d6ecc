"""Running a model or function over arrays in batches: one loop for classifiers, feature
extractors and generators alike.

Example:

```python
from gankit.batches import predict_in_batches

probs = predict_in_batches(lambda x: classifier(x, training=False), images, batch_size=256)
```
"""

import keras
import numpy as np

from gankit.checks import check_int

__all__ = ["predict_in_batches"]


def predict_in_batches(fn, *arrays, batch_size=256):
    """Calls `fn` on consecutive slices of `arrays` and concatenates its outputs.

    Args:
        fn: a callable taking one slice of each array (e.g. a Keras model in inference mode:
            `lambda x: model(x, training=False)`) and returning one array or tensor.
        *arrays: one or more arrays of the same length, sliced together along axis 0.
        batch_size: rows per call, a positive integer.

    Returns:
        A numpy array: the outputs of every call, concatenated along axis 0 (for empty
        arrays, `fn`'s output on the empty slices).

    Raises:
        ValueError: if `batch_size` is not a positive integer, no array is given, or the
            arrays have different lengths.

    Example:

    ```python
    images = predict_in_batches(lambda z, y: generator([z, y], training=False),
                                noise, one_hot, batch_size=128)
    ```
    """
    batch_size = check_int("batch_size", batch_size)
    if not arrays:
        raise ValueError("predict_in_batches needs at least one array to slice.")
    n = len(arrays[0])
    if any(len(a) != n for a in arrays):
        raise ValueError(f"The arrays have different lengths: {[len(a) for a in arrays]}.")
    outputs = [keras.ops.convert_to_numpy(fn(*(a[start:start + batch_size] for a in arrays)))
               for start in range(0, max(n, 1), batch_size)]
    return np.concatenate(outputs, axis=0)
