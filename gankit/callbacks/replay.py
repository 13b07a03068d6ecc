"""`HistoricalReplay`: train against older versions of the opponent now and then.

The lecture tip (seed report 004): "Save checkpoints of your models and mix in older versions
of the generator and discriminator every couple of generations". Playing against an earlier
opponent keeps a player from over-fitting to the opponent's current weakness and damps the
oscillations of adversarial training (the same idea as Salimans et al.'s historical averaging
and Shrivastava et al.'s image-history buffer, applied to whole networks).
"""

import collections

import keras
import numpy as np

from gankit.checks import check_int

_MODES = ("discriminator", "generator", "alternate")


def _optimizer_values(optimizer):
    return [keras.ops.convert_to_numpy(v.value) for v in optimizer.variables]


def _set_optimizer_values(optimizer, values):
    for variable, value in zip(optimizer.variables, values):
        variable.assign(value)



def _get_weights(nets):
    """All weights of `nets`, one flat list (the first net's, then the next's)."""
    return [w for net in nets for w in net.get_weights()]


def _set_weights(nets, weights):
    start = 0
    for net in nets:
        count = len(net.weights)
        net.set_weights(weights[start:start + count])
        start += count


class HistoricalReplay(keras.callbacks.Callback):
    """Mixes older snapshots of G or D into training.

    What it does, exactly (epochs are numbered from 1):

    * **Players.** For `GAN`, `ConditionalGAN` and `WGANGP` the generator player is
      `model.generator` (optimizer `model.g_optimizer`) and the discriminator player is
      `model.discriminator` (`model.d_optimizer`). For `CycleGAN` (where the lecture gives the
      tip) the generator player is both generators, `generator_ab` and `generator_ba` (they
      share `g_optimizer`), and the discriminator player is both discriminators,
      `discriminator_a` and `discriminator_b` (sharing `d_optimizer`): a replay swaps both
      nets of the player at once.
    * **Snapshots.** At the end of every epoch `e` with `e % every == 0` it copies the weights
      (all of them, BatchNorm statistics included) of both players' nets to host memory. The
      newest `keep` snapshots are kept.
    * **Replay epochs.** Every epoch `e` with `e % every == 0` that has at least one snapshot
      from before it (so the first is epoch `2 * every`) is a replay epoch. At its start one
      snapshot is drawn uniformly at random, and the *replayed player* is chosen: the
      discriminator (`mode="discriminator"`: the current generator trains against an old
      discriminator), the generator (`mode="generator"`: the current discriminator trains
      against an old generator), or in turn, starting with the discriminator
      (`mode="alternate"`).
    * **Replay batches.** Each batch of a replay epoch is a replay batch with probability
      `fraction` (all of them for `fraction=1`). Before a replay batch the replayed player's
      current weights and its optimizer's state (`model.d_optimizer` / `model.g_optimizer`:
      Adam moments, iteration count) are put aside and the snapshot's weights are loaded;
      after the batch, the current weights and optimizer state are put back. The other player
      takes its usual training step against the old opponent and keeps it. The update the
      old copy received in that batch is discarded, so the replayed player ends the epoch
      exactly as if it had skipped the replay batches.
    * Outside a batch the model always holds its current weights, so callbacks that save,
      sample or evaluate at epoch end see the real model whatever their order.

    With `compile(steps_per_execution=k)` the batch hooks run once per `k` batches, so a
    "replay batch" is then a group of `k` batches.

    All random choices come from `numpy.random.RandomState(seed)`, so a run is repeatable.
    Swapping costs two weight copies per replay batch: fine for the course's networks, slow
    for very large ones (use a smaller `fraction` or larger `every`).

    Args:
        every: snapshot and replay period in epochs.
        keep: how many snapshots to keep.
        mode: which player is replaced by an old snapshot: "discriminator", "generator" or
            "alternate".
        fraction: share of a replay epoch's batches played against the snapshot, in (0, 1].
        seed: seed of the random choices.

    Attributes:
        snapshots: list of dicts `{"epoch", "generator", "discriminator"}` (weight lists; for
            CycleGAN the first net's weights then the second's, e.g. `generator_ab`'s then
            `generator_ba`'s).
        history: one dict per replay epoch: `epoch`, `player` (the replayed one),
            `snapshot_epoch`, `batches` (replay batches played).
        active: None, or during a replay batch the dict describing it.

    Example:

    ```python
    gan.fit(ds, epochs=30, callbacks=[HistoricalReplay(every=5, keep=5, seed=0)])
    ```
    """

    def __init__(self, every=5, keep=5, mode="discriminator", fraction=1.0, seed=0):
        super().__init__()
        check_int("every", every)
        check_int("keep", keep)
        if mode not in _MODES:
            raise ValueError(f"`mode` must be one of {_MODES}, got {mode!r}.")
        if not 0.0 < float(fraction) <= 1.0:
            raise ValueError(f"`fraction` must be in (0, 1], got {fraction!r}.")
        self.every, self.keep, self.mode = every, keep, mode
        self.fraction, self.seed = float(fraction), seed
        self._rng = np.random.RandomState(seed)
        self._snapshots = collections.deque(maxlen=keep)
        self.history = []
        self.active = None
        self._epoch = None  # the current replay epoch's plan, or None
        self._saved = None  # the replayed player's current weights + optimizer state

    @property
    def snapshots(self):
        return list(self._snapshots)

    def _players(self):
        """`{"generator": (nets, optimizer), "discriminator": (nets, optimizer)}`.

        The players are the model's (`gankit.models.TwoPlayerModel`): a GAN's generator and
        discriminator, or CycleGAN's pairs (both generators share one optimizer, both
        discriminators the other, so they are replayed together).
        """
        model = self.model
        if not hasattr(model, "generator_nets") or not hasattr(model, "discriminator_nets"):
            raise ValueError(
                "HistoricalReplay needs a gankit model of two players (GAN, ConditionalGAN, "
                f"WGANGP or CycleGAN); {type(model).__name__} is not one.")
        return {"generator": (tuple(model.generator_nets), model.g_optimizer),
                "discriminator": (tuple(model.discriminator_nets), model.d_optimizer)}

    def on_train_begin(self, logs=None):
        self._players()

    def on_epoch_begin(self, epoch, logs=None):
        number = epoch + 1
        self._epoch = None
        if number % self.every or not self._snapshots:
            return
        index = int(self._rng.randint(len(self._snapshots)))
        if self.mode == "alternate":
            player = ("discriminator", "generator")[len(self.history) % 2]
        else:
            player = self.mode
        snapshot = self._snapshots[index]
        self._epoch = {"epoch": number, "player": player, "snapshot_epoch": snapshot["epoch"],
                       "snapshot": snapshot, "batches": 0}
        self.history.append({k: v for k, v in self._epoch.items() if k != "snapshot"})

    def on_train_batch_begin(self, batch, logs=None):
        if self._epoch is None:
            return
        if self.fraction < 1.0 and self._rng.random_sample() >= self.fraction:
            self._saved = None  # the replayed player trains this batch: stored copy goes stale
            return
        player = self._epoch["player"]
        nets, optimizer = self._players()[player]
        if self._saved is None:
            self._saved = (_get_weights(nets),
                           _optimizer_values(optimizer) if optimizer is not None else None)
        _set_weights(nets, self._epoch["snapshot"][player])
        self.active = {"epoch": self._epoch["epoch"], "batch": batch, "player": player,
                       "snapshot_epoch": self._epoch["snapshot_epoch"]}

    def _restore(self):
        if self.active is None:
            return
        nets, optimizer = self._players()[self.active["player"]]
        weights, optimizer_values = self._saved
        _set_weights(nets, weights)
        if optimizer_values is not None:
            _set_optimizer_values(optimizer, optimizer_values)
        self._epoch["batches"] += 1
        self.history[-1]["batches"] = self._epoch["batches"]
        self.active = None

    def on_train_batch_end(self, batch, logs=None):
        self._restore()

    def on_epoch_end(self, epoch, logs=None):
        self._restore()
        self._epoch = None
        self._saved = None
        number = epoch + 1
        if number % self.every == 0:
            players = self._players()
            self._snapshots.append({"epoch": number,
                                    "generator": _get_weights(players["generator"][0]),
                                    "discriminator": _get_weights(players["discriminator"][0])})

    def on_train_end(self, logs=None):
        self._restore()
