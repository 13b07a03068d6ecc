"""The last stage of every gankit pipeline: prefetching, without tf.data's autotuning thread.

When `options.autotune.enabled` is on (tf.data's default), every iterator starts a thread that
re-tunes the pipeline's parallelism, sleeping longer and longer between its rounds (up to a
minute), and destroying the iterator waits for that thread to wake up. Keras makes a new
iterator for every epoch of a finite dataset, so an epoch could begin with a wait of up to a
minute while the CPU sits idle: measured on a 2-core CPU (TensorFlow 2.21), `fast-cgan`'s
42 s epochs took 81 s every other epoch, the main thread blocked in the old iterator's
destructor (`RootDataset::Iterator::~Iterator`) while the tuning thread slept in
`Model::OptimizeLoop`. gankit's pipelines are an index gather and a few element-wise ops per
batch, cheap next to a training step, so they turn the tuning off: `AUTOTUNE` parallelism then
stays at its static default (one call per core) and the prefetch buffer keeps its own sizing.
"""

import tensorflow as tf


def prefetch(ds):
    """`ds.prefetch(tf.data.AUTOTUNE)` with tf.data's autotuning thread turned off.

    Args:
        ds: a `tf.data.Dataset`, the rest of the pipeline.

    Returns:
        The prefetched dataset; iterating it starts no tuning thread, so a new iterator per
        epoch (Keras' `fit` on a finite dataset) never waits for one.

    Example:

    ```python
    ds = gankit.data.prefetching.prefetch(images.map(scale, num_parallel_calls=tf.data.AUTOTUNE))
    ```
    """
    options = tf.data.Options()
    options.autotune.enabled = False
    return ds.prefetch(tf.data.AUTOTUNE).with_options(options)
