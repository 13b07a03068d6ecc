"""Training under `tf.distribute`: where one replica's rows lie in the global batch.

Under `tf.distribute.MirroredStrategy` or `MultiWorkerMirroredStrategy` each replica runs
`train_step` on its own slice (shard) of the global batch, and `optimizer.apply` sums the
gradients of all replicas (Keras 3's TensorFlow optimizer all-reduces them with
`ReduceOp.SUM`). Two things then differ from one device, and `Shard` fixes both:

* Losses. gankit's losses are means over the local rows. Summing N replicas' gradients of
  local means gives N times the gradient of the global mean. `Shard.scale(loss)` multiplies a
  replica's loss by `local_rows / global_rows` (1/N for equal shards, like Keras' own
  `compute_loss`), so the summed gradient is that of the mean over the global batch, exactly.
  Trackers get the unscaled local value with that same weight (`Shard.tracker_weight`), so
  `fit`'s logs are global-batch means.
* Random numbers. A `keras.random.SeedGenerator` is a mirrored variable: every replica holds the
  same state and would draw the same noise, so every replica would train on copies of the same
  fakes. `Shard.draw` lets every replica draw the numbers of the whole global batch from the
  shared state (the state still advances identically on every replica) and keep its own rows.
  The distributed run thus sees exactly the noise a single-device run on the global batch draws.

On one device (no strategy, or a strategy of one replica) `Shard` is a no-op: the same draws,
the same losses, the same graph as before.

Rows are numbered as `tf.distribute` deals them out: replica `r` (its
`replica_id_in_sync_group`) holds the `r`-th consecutive block of each global batch.

Also here: `make_strategy` (the strategies of `gankit train --distribute`),
`synchronize_batch_norm` (BatchNorm over the global batch) and `keras_logs` (a workaround for
Keras 3's reduction of logs across several workers). The image pool's synchronization is in
`gankit.models.image_pool`.
"""

import tensorflow as tf
from keras import ops

__all__ = ["Shard", "make_strategy", "synchronize_batch_norm"]


def num_replicas():
    """Replicas training in sync in the current context (1 without a strategy)."""
    context = tf.distribute.get_replica_context()
    if context is None:  # cross-replica context, e.g. inside strategy.scope()
        return tf.distribute.get_strategy().num_replicas_in_sync
    return context.num_replicas_in_sync


def keras_logs(logs):
    """`train_step`'s logs in the shape Keras can reduce under the current strategy.

    Under a `MultiWorkerMirroredStrategy` of several workers, Keras 3 reduces each log with
    `strategy.reduce("MEAN", value, axis=0)`, which fails for scalars ("Invalid reduction
    dimension 0 for input with 0 dimensions", tensorflow/tensorflow#72388): there each value is
    given the shape `(1,)` (the reduction returns a scalar again). Elsewhere `logs` is returned
    unchanged.
    """
    strategy = tf.distribute.get_strategy()
    multi_worker = isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy) and getattr(
        strategy.extended, "_in_multi_worker_mode", lambda: False
    )()
    if not multi_worker:
        return logs
    return {name: ops.reshape(value, (1,)) for name, value in logs.items()}


def synchronize_batch_norm(model):
    """Makes every `BatchNormalization` layer of `model` use global-batch statistics.

    Keras' default (`synchronized=False`) normalises each replica's rows with that replica's
    own mean and variance, and each replica then writes its own moving averages into its copy
    of the mirrored variables: the copies drift apart and a checkpoint keeps replica 0's. With
    `synchronized=True` the statistics are all-reduced over the global batch, so a distributed
    step normalises exactly as one device would on the global batch, and every copy of the
    moving averages stays the same. gankit's models call this when `fit` starts under a
    strategy of several replicas; the layers keep `synchronized=True` afterwards (also on one
    device, where it gives the same statistics).

    Returns:
        The number of layers switched.
    """
    from keras import layers

    switched = 0
    for layer in model._flatten_layers(include_self=False):
        if isinstance(layer, layers.BatchNormalization) and not layer.synchronized:
            layer.synchronized = True
            switched += 1
    return switched


class Shard:
    """This replica's block of rows in a global batch of which it holds `local_rows`.

    Args:
        local_rows: rows this replica holds (an int tensor or int).

    Attributes:
        replicas: number of replicas in sync (a Python int).
        local_rows: this replica's rows.
        offset: rows of the replicas before this one (0 on one device).
        global_rows: rows of all replicas together (`local_rows` on one device).

    Example:

    ```python
    shard = Shard(ops.shape(real)[0])
    noise = shard.draw(lambda n: keras.random.normal((n, latent_dim), seed=self.seed_generator))
    with tf.GradientTape() as tape:
        loss = ...  # mean over this replica's rows
        scaled = shard.scale(loss)  # inside the tape
    grads = tape.gradient(scaled, variables)
    ```
    """

    def __init__(self, local_rows):
        self.replicas = num_replicas()
        self.local_rows = local_rows
        if self.replicas == 1:
            self.offset, self.global_rows = 0, local_rows
            return
        context = tf.distribute.get_replica_context()
        rows = ops.reshape(ops.cast(local_rows, "int32"), (1,))
        every = context.all_gather(rows, axis=0)  # rows of each replica, in replica order
        mine = tf.range(self.replicas) < context.replica_id_in_sync_group
        self.offset = ops.sum(ops.where(mine, every, ops.zeros_like(every)))
        self.global_rows = ops.sum(every)
        self.every_rows = every
        self.local_rows = ops.cast(local_rows, "int32")

    @property
    def weight(self):
        """`local_rows / global_rows`: this replica's share of a global-batch mean (1 alone)."""
        if self.replicas == 1:
            return 1.0
        return ops.cast(self.local_rows, "float32") / ops.cast(self.global_rows, "float32")

    def draw(self, draw_rows):
        """Draws random rows for the global batch and returns this replica's block of them.

        Args:
            draw_rows: function of a row count `n` returning `n` random rows (it must draw from
                a `SeedGenerator`, so that every replica draws the same numbers).

        Returns:
            `draw_rows(global_rows)[offset:offset + local_rows]` (`draw_rows(local_rows)` alone).
        """
        if self.replicas == 1:
            return draw_rows(self.local_rows)
        return self.mine(draw_rows(self.global_rows))

    def scale(self, loss):
        """The loss to differentiate: `loss * weight`, so summed gradients are the global mean's."""
        if self.replicas == 1:
            return loss
        return loss * ops.cast(self.weight, loss.dtype)

    @property
    def tracker_weight(self):
        """Sample weight for a tracker fed this replica's local mean (None on one device).

        Each `keras.metrics.Mean` sums its replicas' totals and counts, so weighting each
        replica's local mean by `weight` gives the global-batch mean, counted once per step.
        """
        return None if self.replicas == 1 else self.weight

    def gather(self, rows):
        """The global batch of `rows` (every replica's block, in order); `rows` alone.

        Replicas may hold different numbers of rows (the last replicas of an uneven batch).
        """
        if self.replicas == 1:
            return rows
        context = tf.distribute.get_replica_context()
        largest = ops.max(self.every_rows)
        padding = [[0, largest - self.local_rows]] + [[0, 0]] * (len(rows.shape) - 1)
        padded = tf.pad(rows, padding)  # all_gather needs the same shape on every replica
        every = context.all_gather(padded[None], axis=0)  # (replicas, largest, ...)
        keep = tf.sequence_mask(self.every_rows, largest)
        return tf.boolean_mask(every, keep)

    def mine(self, global_rows_tensor):
        """This replica's block of a global-batch tensor."""
        if self.replicas == 1:
            return global_rows_tensor
        return global_rows_tensor[self.offset:self.offset + self.local_rows]


STRATEGIES = ("mirrored", "multiworker")


def make_strategy(distribute):
    """The `tf.distribute` strategy named `distribute`, or None for one device.

    Args:
        distribute: None or `"none"`: one device. `"mirrored"`: `MirroredStrategy` over every
            GPU of this machine (the CPU when it has none). `"multiworker"`:
            `MultiWorkerMirroredStrategy` over the machines listed in the `TF_CONFIG`
            environment variable (this process is the worker `TF_CONFIG`'s `task` names).

    Returns:
        A `tf.distribute.Strategy` or None. Create and compile the model in its `scope()`;
        `fit` then splits each global batch between the replicas.

    Raises:
        ValueError: an unknown name, or `"multiworker"` without `TF_CONFIG`.

    Example:

    ```python
    strategy = make_strategy("mirrored")
    with strategy.scope():
        gan = gankit.GAN(gankit.nets.dcgan_generator(), gankit.nets.dcgan_discriminator())
        gan.compile()
    gan.fit(dataset, epochs=5)  # batches of the dataset are global batches
    ```
    """
    import os

    if distribute in (None, "none"):
        return None
    if distribute == "mirrored":
        return tf.distribute.MirroredStrategy()
    if distribute == "multiworker":
        if not os.environ.get("TF_CONFIG"):
            raise ValueError(
                "distribute='multiworker' needs the TF_CONFIG environment variable on every "
                'worker, e.g. TF_CONFIG=\'{"cluster": {"worker": ["host1:12345", '
                '"host2:12345"]}, "task": {"type": "worker", "index": 0}}\' (index 1 on host2).'
            )
        return tf.distribute.MultiWorkerMirroredStrategy()
    raise ValueError(
        f"distribute must be None, 'none', {' or '.join(repr(s) for s in STRATEGIES)}; got "
        f"{distribute!r}."
    )
