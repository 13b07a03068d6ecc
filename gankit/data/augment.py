"""Image-to-image augmentation: resize, random crop, random horizontal flip (CycleGAN "jitter")."""

import tensorflow as tf


def jitter(image, seed, resize_to=286, crop_to=256, flip=True):
    """Random jitter of one image, as in pix2pix/CycleGAN: resize, random crop, random flip.

    Deterministic for a given `seed` (a shape `(2,)` integer tensor), so pipelines built from
    `jitter_dataset` repeat exactly for the same dataset seed.

    Args:
        image: float image `(h, w, c)`.
        seed: stateless seed, shape `(2,)` int32/int64.
        resize_to: int or `(h, w)` to resize to first (`None` keeps the size).
        crop_to: int or `(h, w)` of the random crop; must not exceed the resized size.
        flip: random left-right flip with probability 1/2.

    Returns:
        The jittered image `(crop_h, crop_w, c)`, same dtype.
    """
    resize_to = _pair(resize_to)
    crop_to = _pair(crop_to)
    if resize_to is not None:
        if crop_to[0] > resize_to[0] or crop_to[1] > resize_to[1]:
            raise ValueError(f"crop_to {crop_to} is larger than resize_to {resize_to}")
        image = tf.image.resize(image, resize_to, method="bilinear")
    seed = tf.cast(seed, tf.int64)
    channels = image.shape[-1]
    image = tf.image.stateless_random_crop(image, (*crop_to, channels), seed=seed)
    if flip:
        image = tf.image.stateless_random_flip_left_right(image, seed=seed + 1)
    return image


def jitter_dataset(ds, crop_size, flip=True, seed=None, resize_to=None):
    """Applies `jitter` to every image of an unbatched dataset, seeded per element.

    Elements may be images or `(image, label)`. With a `seed`, the jitter of the element at
    position `i` of an epoch is drawn from `(seed, epoch, i)` (see `gankit.data.set_epoch`):
    every epoch is jittered anew, and a resumed run is jittered as the uninterrupted one.
    """
    from gankit.data import epochs

    state = None
    if seed is None:
        seeds = tf.data.Dataset.random().batch(2, drop_remainder=True)
    else:
        state = epochs.EpochState()

        def seed_stream(_):
            epoch, _, iteration = state.start_iteration()
            return tf.data.Dataset.range(tf.int64.max).map(
                lambda i: epochs.pass_key(seed, epoch, iteration, i))

        seeds = tf.data.Dataset.from_tensors(tf.constant(0, tf.int64)).flat_map(seed_stream)
        seeds = seeds.apply(tf.data.experimental.assert_cardinality(tf.data.INFINITE_CARDINALITY))

    def apply(element, s):
        if isinstance(element, tuple):
            return (jitter(element[0], s, resize_to, crop_size, flip),) + tuple(element[1:])
        return jitter(element, s, resize_to, crop_size, flip)

    out = tf.data.Dataset.zip((ds, seeds)).map(
        lambda e, s: apply(e, s), num_parallel_calls=tf.data.AUTOTUNE)
    states = epochs.epoch_states(ds) + ([state] if state else [])
    return epochs.attach(out, *states) if states else out


def _pair(size):
    if size is None:
        return None
    if isinstance(size, int):
        return (size, size)
    return (int(size[0]), int(size[1]))
