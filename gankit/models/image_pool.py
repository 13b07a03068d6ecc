"""History pool of generated images for training discriminators (Shrivastava et al. 2017).

CycleGAN trains its discriminators on a buffer of earlier generated images rather
than only the newest ones, which damps oscillation. The pool's contents, fill
count and random state live in variables, so the pool works inside `tf.function`/XLA and
is saved and restored with the model (the random state by the model, as every
`SeedGenerator`'s: see `gankit.models.two_player`).
"""

import keras
from keras import layers, ops

from gankit.models.replicas import Shard

__all__ = ["ImagePool"]

_LEGACY_SEED_KEY = "seed_state"  # where earlier versions saved the pool's random state


@keras.saving.register_keras_serializable(package="gankit")
class ImagePool(layers.Layer):
    """Buffer of up to `pool_size` generated images.

    Calling the pool with a batch returns a batch of the same shape. While the
    pool is not full, each image is stored and returned unchanged. Once full, each
    image is, with probability 1/2, swapped with a random stored image (the stored
    one is returned, the new one takes its place); otherwise it is returned
    unchanged. `pool_size=0` returns the batch unchanged.

    The batch is processed at once: images of one batch that draw the same slot
    all return that slot's earlier image, and one of them is stored (the
    reference implementation processes them one after the other).

    Under `tf.distribute` (`MirroredStrategy`, `MultiWorkerMirroredStrategy`) the pool is one
    synchronized pool, not one per replica: every replica gathers the global batch of
    generated images (in replica order), applies the step above to it with the shared random
    state, and returns its own rows. Every replica's copy of the pool thus stays identical
    (what a checkpoint saves is the pool), and the images returned are exactly those of a
    single-device run on the global batch. The cost is one all-gather of the generated images
    per step, small next to the gradients' all-reduce.

    Args:
        pool_size: number of stored images.
        image_shape: (height, width, channels) of the images; if None, taken from
            the first batch.
        seed: int or None, seed of the `keras.random.SeedGenerator`.

    Returns:
        A layer; `pool(images)` returns float32 images of the same shape.

    Example:

    ```python
    pool = ImagePool(50, image_shape=(28, 28, 3), seed=0)
    fakes_for_d = pool(generated_images)
    ```
    """

    def __init__(self, pool_size=50, image_shape=None, seed=None, **kwargs):
        kwargs.setdefault("dtype", "float32")  # a float32 buffer under mixed precision too
        super().__init__(**kwargs)
        if int(pool_size) < 0:
            raise ValueError(f"ImagePool: pool_size must be >= 0, got {pool_size}.")
        self.pool_size = int(pool_size)
        self.image_shape = None if image_shape is None else tuple(int(d) for d in image_shape)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        if self.image_shape is not None:
            self.build((None, *self.image_shape))

    def build(self, input_shape):
        shape = tuple(input_shape[1:])
        if any(d is None for d in shape):
            raise ValueError(f"ImagePool needs a fully known image shape, got {shape}.")
        self.image_shape = tuple(int(d) for d in shape)
        # One extra slot at the end receives the writes that should not happen.
        self.images = self.add_weight(
            shape=(self.pool_size + 1, *self.image_shape),
            initializer="zeros",
            trainable=False,
            name="images",
        )
        self.count = self.add_weight(
            shape=(), initializer="zeros", dtype="int32", trainable=False, name="count"
        )
        self.built = True

    def call(self, images):
        images = ops.cast(images, "float32")
        if self.pool_size == 0:
            return images
        shard = Shard(ops.shape(images)[0])
        return shard.mine(self._swap(shard.gather(images)))

    def _swap(self, images):
        """The pool step on a whole (global) batch: stores, swaps, returns the batch."""
        size = self.pool_size
        batch = ops.shape(images)[0]
        count = ops.convert_to_tensor(self.count)
        position = count + ops.arange(batch, dtype="int32")
        filling = position < size
        # 1) fill free slots with the images that find one.
        trash = ops.full_like(position, size)
        slots = ops.where(filling, position, trash)
        pool = ops.scatter_update(self.images, ops.expand_dims(slots, 1), images)
        # 2) the others: with probability 1/2 swap with a random (filled) slot.
        draws = keras.random.uniform((batch,), seed=self.seed_generator)
        picks = keras.random.randint((batch,), 0, size, seed=self.seed_generator, dtype="int32")
        swap = ops.logical_and(ops.logical_not(filling), draws < 0.5)
        earlier = ops.take(pool, picks, axis=0)
        mask = ops.reshape(ops.cast(swap, "float32"), (-1,) + (1,) * len(self.image_shape))
        returned = mask * earlier + (1.0 - mask) * images
        slots = ops.where(swap, picks, trash)
        pool = ops.scatter_update(pool, ops.expand_dims(slots, 1), images)
        self.images.assign(pool)
        self.count.assign(ops.minimum(count + batch, size))
        return returned

    def compute_output_shape(self, input_shape):
        return input_shape

    def load_own_variables(self, store):
        # Files written before the model saved every random state kept the pool's here.
        keys = list(store.keys())
        super().load_own_variables({k: store[k] for k in keys if k != _LEGACY_SEED_KEY})
        if _LEGACY_SEED_KEY in keys:
            self.seed_generator.state.assign(store[_LEGACY_SEED_KEY])

    def get_config(self):
        return {
            **super().get_config(),
            "pool_size": self.pool_size,
            "image_shape": self.image_shape,
            "seed": self.seed,
        }
