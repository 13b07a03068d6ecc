"""Data orders drawn from the seed and the epoch, so that a resumed run sees the same batches.

`tf.data`'s `shuffle(..., reshuffle_each_iteration=True)` picks each epoch's order from how many
times that dataset object was iterated before, and a fresh process starts counting at 0 again: a
run resumed with `fit(..., initial_epoch=k)` would see other batches than the run it continues.

gankit's seeded pipelines draw the order of each pass over the data from `(seed, epoch)` instead.
The epoch lives in an `EpochState` (a few `tf.Variable`s) that the pipeline reads when an
iteration starts. gankit models set it in every `fit` (the `SetEpoch` callback is one of their
default callbacks); a plain Keras model takes `SetEpoch(ds)` in its callbacks, and a hand-written
training loop calls `set_epoch(ds, epoch)` before each epoch.

Within one epoch, the iterations started since the epoch was set are numbered too (a loop that
never calls `set_epoch` still gets a new order on every pass, as with `tf.data`'s reshuffling,
and the smaller domain of `gankit.data.unpaired` is reshuffled on each repetition).
"""

import keras
import tensorflow as tf

_STATES = "_gankit_epoch_states"  # attribute on the datasets gankit returns


class EpochState:
    """The epoch a seeded gankit pipeline draws its order for.

    Holds `tf.Variable`s that the pipeline reads when an iteration over it starts: `epoch`,
    `steps_per_epoch` (0 when unknown; used by `repeat=True` pipelines to find where an epoch
    starts) and `iterations` (iterations started since the epoch was set).
    """

    def __init__(self):
        with tf.init_scope():
            self.epoch = tf.Variable(0, dtype=tf.int64, trainable=False, name="data_epoch")
            self.steps_per_epoch = tf.Variable(
                0, dtype=tf.int64, trainable=False, name="data_steps_per_epoch")
            self.iterations = tf.Variable(0, dtype=tf.int64, trainable=False, name="data_iterations")

    def set(self, epoch, steps_per_epoch=None):
        """Sets the epoch the next iteration is for; its order then depends on nothing else."""
        epoch = int(epoch)
        if epoch < 0:
            raise ValueError(f"epoch must be >= 0, got {epoch}")
        self.epoch.assign(epoch)
        self.steps_per_epoch.assign(int(steps_per_epoch or 0))
        self.iterations.assign(0)

    def start_iteration(self):
        """Inside a `tf.data` function run once per iteration: `(epoch, steps_per_epoch, i)`.

        `i` counts the iterations started since `set` (0 for the first).
        """
        iteration = self.iterations.assign_add(1, read_value=True) - 1
        return self.epoch.read_value(), self.steps_per_epoch.read_value(), iteration


def attach(ds, *states):
    """Records the `EpochState`s that decide `ds`'s order on `ds`; returns `ds`."""
    found = list(getattr(ds, _STATES, ()))
    for state in states:
        if all(state is not s for s in found):
            found.append(state)
    setattr(ds, _STATES, tuple(found))
    return ds


def epoch_states(ds):
    """The `EpochState`s of the gankit pipelines `ds` is built from (`.map`, `.batch`... kept)."""
    found, seen, todo = [], set(), [ds]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        for state in getattr(current, _STATES, ()):
            if all(state is not s for s in found):
                found.append(state)
        inputs = getattr(current, "_inputs", None)
        if callable(inputs):
            try:
                todo.extend(d for d in inputs() if isinstance(d, tf.data.Dataset))
            except Exception:  # noqa: BLE001  (a dataset kind without inputs: nothing to follow)
                pass
    return found


def set_epoch(ds, epoch, steps_per_epoch=None):
    """Makes the next iteration over a seeded gankit pipeline yield epoch `epoch`'s order.

    gankit models call this in every `fit` (see `SetEpoch`); call it yourself in a hand-written
    training loop, before iterating over the data for an epoch. Datasets derived from a gankit
    pipeline with `.map`, `.batch`, `.take`... are found too. Pipelines without a seeded shuffle
    have no epoch: they are left as they are.

    Args:
        ds: a dataset made by `gankit.data` (`load`, `from_arrays`, `unpaired`, `image_folder`),
            or derived from one.
        epoch: the epoch (0 for the first).
        steps_per_epoch: batches taken per epoch; needed by `repeat=True` pipelines, whose one
            iterator runs across epochs (`fit(..., steps_per_epoch=...)`): epoch `epoch` then
            starts at batch `epoch * steps_per_epoch` of the endless stream. Unbatched
            `repeat=True` pipelines (batched later by you) start at pass `epoch` instead, which
            is exact only when an epoch is one pass.

    Returns:
        The number of gankit pipelines set (0: `ds` has no seeded shuffle).

    Example:

    ```python
    ds = gankit.data.load("mnist", batch_size=128, seed=0)
    for epoch in range(start_epoch, epochs):
        gankit.data.set_epoch(ds, epoch)
        for images, labels in ds:
            ...
    ```
    """
    states = epoch_states(ds)
    for state in states:
        state.set(epoch, steps_per_epoch)
    return len(states)


class SetEpoch(keras.callbacks.Callback):
    """Keras callback: sets the epoch of seeded gankit pipelines when `fit` starts an epoch.

    gankit's models add it to every `fit` on their own; give it to a plain `keras.Model` that
    trains on a gankit pipeline. Keras creates the iterator of an epoch after `on_epoch_begin`
    (and, with `steps_per_epoch` and a `repeat=True` pipeline, one iterator for all epochs of a
    `fit` call, which then starts at batch `initial_epoch * steps_per_epoch`; with
    `compile(steps_per_execution=n)`, an epoch takes `steps_per_epoch` rounded up to a multiple of
    `n` batches from such a stream, and this callback counts them that way). A finite pipeline
    with a `steps_per_epoch` shorter than a pass is not exact: Keras then goes on with the same
    pass in the next epoch, where a resumed run starts a new one; use `repeat=True` there.

    Args:
        dataset: the training data given to `fit`.

    Example:

    ```python
    ds = gankit.data.load("mnist", batch_size=128, seed=0)
    model.fit(ds, epochs=10, initial_epoch=start, callbacks=[gankit.data.SetEpoch(ds)])
    ```
    """

    def __init__(self, dataset):
        super().__init__()
        self.dataset = dataset
        self._states = epoch_states(dataset) if isinstance(dataset, tf.data.Dataset) else []

    def on_epoch_begin(self, epoch, logs=None):
        steps = (self.params or {}).get("steps")
        if steps:
            # Keras runs `steps_per_execution` batches per call, whole calls only: an epoch of
            # an endless stream takes ceil(steps / per_call) calls of per_call batches.
            per_call = max(1, int(getattr(self.model, "steps_per_execution", 1) or 1))
            steps = -(-int(steps) // per_call) * per_call
        for state in self._states:
            state.set(epoch, steps)


def epoch_callbacks(x, callbacks):
    """`[SetEpoch(x)]` when `x` is a seeded gankit pipeline and `callbacks` holds no `SetEpoch`."""
    if not isinstance(x, tf.data.Dataset) or any(isinstance(c, SetEpoch) for c in callbacks):
        return []
    return [SetEpoch(x)] if epoch_states(x) else []


# ----------------------------------------------------------------------------- orders


def pass_key(seed, *values):
    """A stateless seed (shape `(2,)`, int64) folded from `seed` and each of `values`."""
    key = tf.constant([seed, 0], tf.int64)
    for value in values:
        key = tf.random.experimental.stateless_fold_in(key, tf.cast(value, tf.int64))
    return key


def seeded_indices(n, seed, state, repeat=False, batch_size=None):
    """The indices `0..n-1` in an order drawn from `(seed, pass)`, one pass per epoch.

    Pass `j` (`j = epoch` without `repeat`) is the permutation drawn from `(seed, j, i)`, `i`
    being the iterations started since the epoch was set (0 in `fit`). With `repeat`, the
    stream is pass 0, pass 1, ... and an iteration started for epoch `e` begins at element
    `e * steps_per_epoch * batch_size` (element `e * n` when either is unknown), so the element
    at each position of the stream depends only on the seed and that position.

    Args:
        n: number of elements (> 0).
        seed: int seed.
        state: the `EpochState` giving the epoch.
        repeat: one endless stream of passes instead of one pass per iteration.
        batch_size: the batch size the indices will be batched with (`None`: unbatched).

    Returns:
        Unbatched `tf.data.Dataset` of int64 indices (`n` of them, or endless with `repeat`).
    """
    def one_pass(j, iteration):
        key = pass_key(seed, j, iteration)
        order = tf.random.experimental.stateless_shuffle(tf.range(n, dtype=tf.int64), seed=key)
        return tf.data.Dataset.from_tensor_slices(order)

    def iteration_stream(_):
        epoch, steps, iteration = state.start_iteration()
        if not repeat:
            return one_pass(epoch, iteration)
        first = epoch * n
        if batch_size:
            first = tf.where(steps > 0, epoch * steps * batch_size, first)
        passes = tf.data.Dataset.range(first // n, tf.int64.max)
        return passes.flat_map(lambda j: one_pass(j, iteration)).skip(first % n)

    ds = tf.data.Dataset.from_tensors(tf.constant(0, tf.int64)).flat_map(iteration_stream)
    cardinality = tf.data.INFINITE_CARDINALITY if repeat else n
    return ds.apply(tf.data.experimental.assert_cardinality(cardinality))


def seeded_shuffle(ds, n, seed, state, buffer_size, passes=1):
    """Shuffles a finite dataset of `n` elements in an order drawn from `(seed, epoch)`.

    For datasets without random access (image files, another pipeline): a `Dataset.shuffle` per
    pass whose seed is drawn from `(seed, epoch, iteration, pass)`, and that does not depend on
    TensorFlow's global seed.

    Args:
        ds: finite dataset of `n` elements.
        n: its number of elements.
        seed: int seed.
        state: the `EpochState` giving the epoch.
        buffer_size: shuffle buffer size.
        passes: passes per iteration (`None`: endless, each pass in its own order).

    Returns:
        A `tf.data.Dataset` of `n * passes` elements (endless with `passes=None`).
    """
    def one_pass(epoch, iteration, p):
        key = pass_key(seed, epoch, iteration, p)
        op_seed = tf.random.stateless_uniform(
            [], seed=key, minval=None, maxval=None, dtype=tf.int64)
        if not tf.executing_eagerly():
            # only this traced function's graph: the order must not follow tf.random.set_seed
            tf.compat.v1.set_random_seed(None)
        return ds.shuffle(buffer_size, seed=op_seed, reshuffle_each_iteration=False)

    def iteration_stream(_):
        epoch, _, iteration = state.start_iteration()
        count = tf.int64.max if passes is None else passes
        return tf.data.Dataset.range(count).flat_map(lambda p: one_pass(epoch, iteration, p))

    out = tf.data.Dataset.from_tensors(tf.constant(0, tf.int64)).flat_map(iteration_stream)
    cardinality = tf.data.INFINITE_CARDINALITY if passes is None else n * passes
    return out.apply(tf.data.experimental.assert_cardinality(cardinality))
