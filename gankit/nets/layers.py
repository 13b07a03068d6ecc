"""gankit's custom Keras layers, used by the net builders and the models.

Registered serializable under `gankit>ClassName`, so `.keras` files that contain them load with
`keras.models.load_model` once gankit is imported (files written before the layers moved here
from `gankit/nets/cyclegan.py` load too: Keras finds a layer by its registered name).

Example:

```python
import keras
from gankit.nets.layers import RandomPatchCrop, ReflectionPadding2D

x = keras.Input((28, 28, 1))
padded = ReflectionPadding2D(3)(x)  # (None, 34, 34, 1)
patch = RandomPatchCrop(8, seed=0)(x)  # (None, 8, 8, 1)
thicker_or_thinner = RandomStrokeWidth(1.0, seed=0)(x)  # same shape, strokes of random width
```
"""

import keras
from keras import layers, ops

__all__ = ["RandomPatchCrop", "RandomStrokeWidth", "ReflectionPadding2D", "SeedStateMixin"]


class SeedStateMixin:
    """Saves and restores `self.seed_generator`'s state with the layer's variables.

    Keras does not write a layer's `SeedGenerator` state into `.keras` /
    `.weights.h5` files; layers mixing this in do, so a reloaded model draws
    the same random numbers as the original would have.
    """

    def save_own_variables(self, store):
        super().save_own_variables(store)
        store["seed_state"] = self.seed_generator.state

    def load_own_variables(self, store):
        own = self._trainable_variables + self._non_trainable_variables
        keys = set(store.keys())
        expected = {str(i) for i in range(len(own))}
        if not expected <= keys or len(keys - expected - {"seed_state"}):
            raise ValueError(
                f"Layer '{self.name}' expects {len(own)} saved variables (+ seed state), "
                f"the file has {sorted(keys)}."
            )
        for i, variable in enumerate(own):
            variable.assign(store[str(i)])
        if "seed_state" in keys:
            self.seed_generator.state.assign(store["seed_state"])


@keras.saving.register_keras_serializable(package="gankit")
class ReflectionPadding2D(layers.Layer):
    """Pads height and width by mirroring the border (no edge repeat).

    Args:
        padding: int, pixels added on each side of height and width.

    Returns:
        A layer mapping `(batch, h, w, c)` to `(batch, h + 2p, w + 2p, c)`.

    Example:

    ```python
    x = keras.Input((28, 28, 1))
    y = ReflectionPadding2D(3)(x)  # (None, 34, 34, 1)
    ```
    """

    def __init__(self, padding=1, **kwargs):
        super().__init__(**kwargs)
        if int(padding) < 0:
            raise ValueError(f"ReflectionPadding2D: padding must be >= 0, got {padding}.")
        self.padding = int(padding)

    def call(self, inputs):
        p = self.padding
        return ops.pad(inputs, [[0, 0], [p, p], [p, p], [0, 0]], mode="reflect")

    def compute_output_shape(self, input_shape):
        b, h, w, c = input_shape
        p = 2 * self.padding
        return (b, None if h is None else h + p, None if w is None else w + p, c)

    def get_config(self):
        return {**super().get_config(), "padding": self.padding}


@keras.saving.register_keras_serializable(package="gankit")
class RandomPatchCrop(SeedStateMixin, layers.Layer):
    """Crops a random `size x size` patch from every image, at training AND inference.

    This is the "patch discriminator" of report 001 (8x8 crops for MNIST, 9x9 for
    SVHN): the discriminator sees one random crop per image instead of the whole
    image. Each image of the batch gets its own offset, drawn from a
    `keras.random.SeedGenerator` (so the crops are reproducible and the
    generator state is saved with the model). The crop is a product with one-hot
    row/column selectors, so gradients flow to the selected pixels.

    Args:
        size: int, side of the square crop.
        seed: int or None, seed of the offsets.

    Returns:
        A layer mapping `(batch, h, w, c)` to `(batch, size, size, c)`.

    Example:

    ```python
    x = keras.Input((28, 28, 1))
    patch = RandomPatchCrop(8, seed=0)(x)  # (None, 8, 8, 1)
    ```
    """

    def __init__(self, size, seed=None, **kwargs):
        super().__init__(**kwargs)
        if int(size) < 1:
            raise ValueError(f"RandomPatchCrop: size must be >= 1, got {size}.")
        self.size = int(size)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape):
        h, w = input_shape[1], input_shape[2]
        for name, dim in (("height", h), ("width", w)):
            if dim is not None and dim < self.size:
                raise ValueError(
                    f"RandomPatchCrop: crop size {self.size} is larger than the image "
                    f"{name} {dim}; use a crop size <= {dim}."
                )
        self.built = True

    def call(self, inputs):
        shape = ops.shape(inputs)
        batch, h, w = shape[0], shape[1], shape[2]
        size = self.size
        # One uniform per image and axis, turned into an integer offset in [0, dim - size].
        u = keras.random.uniform((batch, 2), seed=self.seed_generator)
        top = ops.cast(ops.floor(u[:, 0] * ops.cast(h - size + 1, "float32")), "int32")
        left = ops.cast(ops.floor(u[:, 1] * ops.cast(w - size + 1, "float32")), "int32")
        steps = ops.arange(size, dtype="int32")
        rows = ops.one_hot(top[:, None] + steps[None, :], h, dtype=inputs.dtype)  # (b, s, h)
        cols = ops.one_hot(left[:, None] + steps[None, :], w, dtype=inputs.dtype)  # (b, s, w)
        return ops.einsum("bih,bhwc,bjw->bijc", rows, inputs, cols)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.size, self.size, input_shape[3])

    def get_config(self):
        return {**super().get_config(), "size": self.size, "seed": self.seed}


@keras.saving.register_keras_serializable(package="gankit")
class RandomStrokeWidth(SeedStateMixin, layers.Layer):
    """Randomly thickens or thins the strokes of light-on-dark images (training only).

    Handwriting varies in pen width more than a generator's digits do. For each image a factor
    `t` is drawn uniformly from `[-factor, factor]`; `t > 0` blends the image towards its 3x3
    grey dilation (a max pool: bright strokes grow by up to a pixel on each side), `t < 0`
    towards its 3x3 erosion (strokes shrink): `x + |t| * (morph(x) - x)`. Pixel values stay in
    the input's range. At inference (`training=False`) the layer passes images through.

    Args:
        factor: float in [0, 1], the largest blend towards the dilation or erosion.
        seed: int or None, seed of the per-image factors.

    Returns:
        A layer mapping `(batch, h, w, c)` images (bright strokes on a dark background, e.g. in
        [-1, 1]) to images of the same shape.

    Example:

    ```python
    augment = keras.Sequential([RandomStrokeWidth(1.0, seed=0),
                                keras.layers.RandomRotation(0.04, seed=1)])
    varied = augment(digits, training=True)
    ```
    """

    def __init__(self, factor=1.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        factor = float(factor)
        if not 0.0 <= factor <= 1.0:
            raise ValueError(f"RandomStrokeWidth: factor must be in [0, 1], got {factor}.")
        self.factor = factor
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs, training=True):
        if not training or self.factor == 0.0:
            return inputs
        dilated = ops.max_pool(inputs, 3, strides=1, padding="same")
        eroded = -ops.max_pool(-inputs, 3, strides=1, padding="same")
        t = keras.random.uniform((ops.shape(inputs)[0], 1, 1, 1), -self.factor, self.factor,
                                 seed=self.seed_generator, dtype=inputs.dtype)
        target = ops.where(t > 0, dilated, eroded)
        return inputs + ops.abs(t) * (target - inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "seed": self.seed}
