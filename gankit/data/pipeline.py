"""`tf.data` pipelines: scaling to [-1, 1], padding, one-hot labels, shuffling, batching."""

import numpy as np
import tensorflow as tf

from gankit.data import catalog, epochs
from gankit.data.prefetching import prefetch

SHUFFLE_BUFFER = 60_000


def scale(images):
    """uint8 [0, 255] -> float32 [-1, 1] (float input is passed through as float32)."""
    if images.dtype == tf.uint8:
        return tf.cast(images, tf.float32) / 127.5 - 1.0
    return tf.cast(images, tf.float32)


def pad(images, size, value=-1.0):
    """Centre-pads images (`(..., h, w, c)`) to `size` x `size` with `value`."""
    h, w = images.shape[-3], images.shape[-2]
    if size < h or size < w:
        raise ValueError(f"pad_to={size} is smaller than the images ({h}x{w})")
    top, left = (size - h) // 2, (size - w) // 2
    paddings = [[0, 0]] * (len(images.shape) - 3) + [
        [top, size - h - top], [left, size - w - left], [0, 0]]
    return tf.pad(images, paddings, constant_values=value)


def to_channels(images, channels):
    """Repeats a 1-channel image (`(..., h, w, 1)`) to `channels`; others pass unchanged.

    With `pad` this turns MNIST (28x28x1) into 32x32x3 images shaped like SVHN, as report
    001 did for MNIST <-> SVHN, so a CycleGAN can use the identity loss between the domains.

    Raises:
        ValueError: the images have another channel count than 1 or `channels`.
    """
    have = images.shape[-1]
    if have == channels:
        return images
    if have != 1:
        raise ValueError(
            f"channels={channels}: can only repeat 1-channel images, these have {have} channels"
        )
    return tf.repeat(images, channels, axis=-1)


def from_arrays(images, labels=None, batch_size=64, shuffle=True, seed=None, one_hot=False,
                num_classes=None, pad_to=None, cache=True, drop_remainder=False, repeat=False,
                channels=None):
    """Builds the standard gankit pipeline from in-memory arrays.

    With a `seed`, the order of each epoch is drawn from `(seed, epoch)` only, so a run
    resumed with `fit(..., initial_epoch=k)` sees the batches the uninterrupted run saw
    (gankit models tell the pipeline the epoch; see `gankit.data.set_epoch` for other loops).
    Without a seed, every pass is shuffled at random, as `tf.data` does.

    Args:
        images: uint8 NHWC (scaled to [-1, 1]) or float NHWC already in [-1, 1]. NHW is taken as
            one channel.
        labels: optional integer labels; elements are then `(images, labels)`.
        batch_size: batch size (`None` for an unbatched dataset).
        shuffle: shuffle each epoch (seeded by `seed`).
        seed: shuffle seed; the same seed gives the same order for the same epoch number.
        one_hot: labels as one-hot float32 vectors of `num_classes`.
        num_classes: needed with `one_hot` (default: `max(labels) + 1`, at least 10).
        pad_to: centre-pad to this square size with the background value -1 (e.g. 28 -> 32).
        cache: kept so that existing calls work; the arrays are held in memory and each batch
            is gathered from them and scaled on the fly (no separate cache is needed).
        drop_remainder: drop the last incomplete batch.
        repeat: repeat forever (passes follow each other without a gap; with a seed, the
            element at each position of the endless stream depends only on the seed and the
            position, so `fit(..., steps_per_epoch=...)` resumes exactly too).
        channels: repeat 1-channel images to this many channels (`pad_to=32, channels=3`
            shapes MNIST like SVHN, as report 001 did for MNIST <-> SVHN).

    Returns:
        A prefetched `tf.data.Dataset` of float32 images in [-1, 1] or `(images, labels)`.

    Example:

    >>> ds = gankit.data.from_arrays(x_uint8, y, batch_size=128, one_hot=True, num_classes=10)
    """
    del cache  # the arrays are in memory already
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4:
        raise ValueError(f"images must be NHWC (or NHW), got shape {images.shape}")
    if labels is not None:
        labels = np.asarray(labels).astype(np.int64).reshape(-1)
        if len(labels) != len(images):
            raise ValueError(f"{len(images)} images but {len(labels)} labels")
    if images.dtype != np.uint8:
        images = images.astype(np.float32)
    if pad_to is not None:
        pad(tf.zeros((1, *images.shape[1:])), pad_to)  # checks the size before anything runs
    if channels is not None and images.shape[-1] not in (1, int(channels)):
        raise ValueError(
            f"channels={channels}: can only repeat 1-channel images, these have "
            f"{images.shape[-1]} channels"
        )
    if one_hot:
        if labels is None:
            raise ValueError("one_hot=True needs labels")
        depth = int(num_classes or max(10, int(labels.max()) + 1))
    n = len(images)
    if n == 0:
        raise ValueError("from_arrays() needs at least one image")
    all_images = tf.constant(images)
    all_labels = None if labels is None else tf.constant(labels)

    def gather(index):  # an index or a batch of indices -> prepared images (and labels)
        x = scale(tf.gather(all_images, index))
        if pad_to is not None:
            x = pad(x, pad_to)
        if channels is not None:
            x = to_channels(x, int(channels))
        if all_labels is None:
            return x
        y = tf.gather(all_labels, index)
        return x, (tf.one_hot(y, depth) if one_hot else y)

    state = None
    if shuffle and seed is not None:
        state = epochs.EpochState()
        indices = epochs.seeded_indices(n, seed, state, repeat=repeat, batch_size=batch_size)
    else:
        indices = tf.data.Dataset.range(n)
        if shuffle:  # unseeded: a new random order on every pass
            indices = indices.shuffle(n, reshuffle_each_iteration=True)
        if repeat:
            indices = indices.repeat()
    if batch_size:
        indices = indices.batch(batch_size, drop_remainder=drop_remainder)
    ds = prefetch(indices.map(gather, num_parallel_calls=tf.data.AUTOTUNE))
    return ds if state is None else epochs.attach(ds, state)


def load(name, split="train", batch_size=64, shuffle=None, seed=None, one_hot=False, pad_to=None,
         cache=True, drop_remainder=False, limit=None, download=None, repeat=False,
         channels=None):
    """Loads a named dataset as a `tf.data` pipeline of float32 images in [-1, 1] and labels.

    Args:
        name: `"mnist"`, `"fashion_mnist"`, `"colored_mnist"`, `"svhn"`, `"horse2zebra"`.
        split: `"train"` or `"test"` (horse2zebra: `trainA`/`trainB`/`testA`/`testB`).
        batch_size: batch size (`None`: unbatched).
        shuffle: default `True` for training splits, `False` for test splits.
        seed: shuffle seed; each epoch's order is then drawn from the seed and the epoch, so a
            resumed `fit(..., initial_epoch=k)` sees the uninterrupted run's batches.
        one_hot: one-hot float32 labels.
        pad_to: centre-pad to a square size with -1 (MNIST 28 -> 32 for LeNet or SVHN pairing).
        cache: kept so that existing calls work (see `from_arrays`: the arrays are in memory).
        drop_remainder: drop the last incomplete batch.
        limit: use only the first `limit` examples (quick runs, tests).
        download: allow the online source (default: unless `GANKIT_OFFLINE=1`).
        repeat: repeat forever.
        channels: repeat 1-channel images to this many channels. `pad_to=32, channels=3`
            gives MNIST the shape of SVHN (32x32x3), report 001's MNIST <-> SVHN setting.

    Returns:
        `tf.data.Dataset` yielding `(images, labels)` batches, prefetched.

    Raises:
        ValueError: unknown dataset or split (the message lists the valid ones).
        gankit.data.DatasetNotFoundError: no source found.

    Example:

    >>> ds = gankit.data.load("mnist", batch_size=128, one_hot=True, seed=0)
    >>> images, labels = next(iter(ds))
    >>> images.shape, labels.shape
    (TensorShape([128, 28, 28, 1]), TensorShape([128, 10]))
    """
    info = catalog.info(name)
    catalog.check_split(name, split)
    if shuffle is None:
        shuffle = split.startswith("train")
    images, labels = catalog.load_arrays(name, split, download=download)
    if limit is not None:
        images, labels = images[:limit], labels[:limit]
    return from_arrays(images, labels, batch_size=batch_size, shuffle=shuffle, seed=seed,
                       one_hot=one_hot, num_classes=info.num_classes, pad_to=pad_to, cache=cache,
                       drop_remainder=drop_remainder, repeat=repeat, channels=channels)


def unpaired(ds_a, ds_b, batch_size=1, shuffle=True, seed=None, balance=False,
             drop_remainder=True):
    """Pairs two unbatched image datasets for unpaired (CycleGAN) training.

    Each domain is shuffled independently. An epoch is as long as the larger domain: the smaller
    one is repeated (reshuffled on each pass). With `balance=True` both domains are cut to the
    smaller count instead (as report 000 did for horse2zebra, 1067 horses and 1067 zebras).
    Elements that are `(image, label)` are reduced to the image.

    Args:
        ds_a: unbatched dataset of domain A images (finite).
        ds_b: unbatched dataset of domain B images (finite).
        batch_size: pairs per batch.
        shuffle: shuffle each domain each epoch.
        seed: base seed; domain B uses `seed + 1`. With a seed, the order of each pass
            is drawn from the seed, the epoch and the pass (see `gankit.data.set_epoch`).
        balance: use the same number of images from both domains (the smaller count).
        drop_remainder: drop the last incomplete batch.

    Returns:
        `tf.data.Dataset` of `(a_images, b_images)` batches.

    Example:

    >>> a = gankit.data.load("mnist", batch_size=None, pad_to=32).map(lambda x, y: x)
    >>> b = gankit.data.load("svhn", batch_size=None).map(lambda x, y: x)
    >>> pairs = gankit.data.unpaired(a, b, batch_size=1, seed=0)
    """
    def images_only(ds):
        spec = ds.element_spec
        return ds.map(lambda *e: e[0]) if isinstance(spec, tuple) else ds

    ds_a, ds_b = images_only(ds_a), images_only(ds_b)
    inner_states = epochs.epoch_states(ds_a) + epochs.epoch_states(ds_b)
    na, nb = _count(ds_a), _count(ds_b)
    if na == 0 or nb == 0:
        raise ValueError(f"both domains need images (got {na} and {nb})")
    n = min(na, nb) if balance else max(na, nb)
    state = None
    if shuffle and seed is not None:  # each pass's order drawn from (seed, epoch, pass)
        state = epochs.EpochState()
        ds_a = epochs.seeded_shuffle(ds_a, na, seed, state, min(na, SHUFFLE_BUFFER), passes=None)
        ds_b = epochs.seeded_shuffle(ds_b, nb, seed + 1, state, min(nb, SHUFFLE_BUFFER),
                                     passes=None)
    else:
        if shuffle:  # unseeded: a new random order on every pass
            ds_a = ds_a.shuffle(min(na, SHUFFLE_BUFFER), reshuffle_each_iteration=True)
            ds_b = ds_b.shuffle(min(nb, SHUFFLE_BUFFER), reshuffle_each_iteration=True)
        ds_a, ds_b = ds_a.repeat(), ds_b.repeat()
    ds = tf.data.Dataset.zip((ds_a.take(n), ds_b.take(n)))
    ds = prefetch(ds.batch(batch_size, drop_remainder=drop_remainder))
    return epochs.attach(ds, *inner_states, *([state] if state else []))


def _count(ds):
    n = int(ds.cardinality())
    if n == tf.data.INFINITE_CARDINALITY:
        raise ValueError("unpaired() needs finite datasets (do not .repeat() them first)")
    if n < 0:  # unknown: count once
        n = int(ds.reduce(np.int64(0), lambda c, _: c + 1))
    return n
