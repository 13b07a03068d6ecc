"""A whole training run of a preset, as `gankit train` does it: `train(preset, out, epochs=...)`.

One call builds (or resumes) the preset's model, trains it with the run's callbacks and writes
everything into the run folder `out`:

- GAN presets: `samples/epoch_*.png` (a 10x10 grid per epoch, layout embedded), `progress.gif`,
  `losses.png`, `checkpoints/` and `metrics.json` (scores on the dataset's pretrained LeNet,
  and any training alarm).
- CycleGAN presets (`cyclegan-*`): `panels/panel_epoch_*.png` (original, translated,
  recovered and identity rows), `losses.png`, `checkpoints/` and `metrics.json`.
- with `tensorboard=DIR`: TensorBoard event files in `DIR` (`tensorboard --logdir DIR`).

With `jit_compile="auto"` (the default) the run first says whether XLA was chosen for the
training step and why (the step times with and without it on this machine).

Calling it again with the same `out` resumes from the newest loadable checkpoint. Training
stops at the first NaN/inf loss or weight with a `TrainingDivergedError`; nothing is written
from the bad weights and the last good checkpoint is kept.

Example:

```python
import gankit.training

metrics = gankit.training.train("fast-cgan", "runs/x", epochs=3)
metrics["conditional_accuracy"]
```
"""

import math
import time
from pathlib import Path

from gankit.callbacks.guard import TrainingDivergedError
from gankit.files import atomic_write_json

__all__ = ["train", "NonFiniteWeightsError"]

DEFAULT_EPOCHS = 5
"""Epochs of a run whose preset sets none and whose caller gives none."""

CYCLEGAN_ONLY = ("data_a", "data_b", "image_size", "g_filters", "d_filters", "residual_blocks")


class NonFiniteWeightsError(TrainingDivergedError):
    """The model holds NaN/inf weights after `fit` returned (a run without `DivergenceGuard`).

    A `TrainingDivergedError`; `train` raises it instead of scoring or recording the model.
    """


def train(preset, out, *, epochs=None, dataset=None, batch_size=None, seed=0, limit=None,
          steps_per_epoch=None, jit_compile="auto", keep=3, evaluate_n=2000, lr=None, alarms=True,
          data_a=None, data_b=None, image_size=None, g_filters=None, d_filters=None,
          residual_blocks=None, tensorboard=None, distribute=None, progress=print):
    """Trains a preset into the run folder `out` (resuming it) and returns its metrics.

    Exactly what `gankit train --model PRESET --out OUT ...` does, minus the printing of the
    summary line; each keyword is the command's option of the same name.

    Args:
        preset: name of a preset in `gankit.presets` (e.g. `"fast-cgan"`, `"cyclegan-folder"`),
            or a `Preset` / `CycleGANPreset` object (a variant of one, e.g. made with
            `dataclasses.replace`, as `benchmarks/report001_digits.py` does).
        out: run folder (str or path); resumed when `out/checkpoints` holds a checkpoint.
        epochs: train until this epoch (a resumed run counts the epochs already done);
            default: the preset's `epochs` (presets that set one), else 5.
        dataset: GAN presets: the dataset (default: the preset's).
        batch_size: images per training step (default: the preset's).
        seed: seed of the weights, the noise, the data order and the sample grids.
        limit: use only the first `limit` training images (CycleGAN: per domain); default: the
            preset's `limit` (CycleGAN presets that set one), else all.
        steps_per_epoch: training steps per epoch (default: one pass over the data).
        jit_compile: compile the training step with XLA: True, False or `"auto"` (XLA when it
            is faster on this machine, timed at the start and cached; see
            `gankit.models.xla_choice`). Applies to a resumed run too.
        keep: checkpoints to keep.
        evaluate_n: GAN presets: samples scored for `metrics.json` (0: skip).
        lr: learning rate of both optimizers (default: the preset's; on a resumed run it
            replaces the checkpoint's, e.g. lower it after a divergence).
        alarms: GAN presets: warn when the discriminator saturates or the classes collapse.
        data_a: CycleGAN presets: folder of domain A images (`cyclegan-folder`).
        data_b: CycleGAN presets: folder of domain B images (`cyclegan-folder`).
        image_size: CycleGAN presets: side images are cropped to, a multiple of 4.
        g_filters: CycleGAN presets: generator width.
        d_filters: CycleGAN presets: discriminator width.
        residual_blocks: CycleGAN presets: generator residual blocks.
        tensorboard: a folder for TensorBoard event files (`gankit.callbacks.GANTensorBoard`:
            losses, scores, learning rates and the sample grid or translation panel per
            epoch), or None.
        distribute: None (one device), `"mirrored"` (every GPU of this machine, one replica
            each) or `"multiworker"` (several machines, from the `TF_CONFIG` environment
            variable; run the same command on every worker, each with its own `out`: worker
            0's is the run). `batch_size` is then the global batch, split between the
            replicas; the updates are those of one device with that batch. XLA is off under
            distribution (as Keras' `jit_compile="auto"` does). See
            `gankit.models.make_strategy`.
        progress: called with each progress line (resuming, one line per epoch, warnings);
            default `print`. Pass `lambda line: None` for a silent run.

    Returns:
        The dict written to `out/metrics.json`: `model`, `dataset`, `epochs`, `seed`,
        `train_minutes_this_run`, and for GAN presets `alarms` plus the scores of
        `gankit.metrics.summary.evaluate_generator` (when the dataset has a pretrained LeNet
        and `evaluate_n` > 0), for CycleGAN presets `panels` (the panels' folder).

    Raises:
        TrainingDivergedError: training produced a NaN/inf loss or weight; its `checkpoint`
            is the last good checkpoint (None when there is none). `NonFiniteWeightsError`
            (a subclass) when the weights are found non-finite after `fit`.
        ValueError: unknown preset, an option the preset does not take, a bad `lr`, or a
            checkpoint in `out` of another model or image size.
        FileNotFoundError: the data is not found (a `DatasetNotFoundError` for datasets).

    Example:

    ```python
    metrics = gankit.training.train("fast-cgan", "runs/x", epochs=3, steps_per_epoch=50)
    cyclegan = gankit.training.train("cyclegan-folder", "runs/h2z", epochs=2,
                                     data_a="horses/", data_b="zebras/", image_size=64)
    ```
    """
    from gankit import presets

    chosen = presets.resolve(preset)  # ValueError for an unknown name
    if lr is not None and not lr > 0:
        raise ValueError(f"`lr` must be a positive number, got {lr}")
    if jit_compile not in (True, False, "auto"):
        raise ValueError(f"`jit_compile` must be True, False or 'auto', got {jit_compile!r}")
    epochs = epochs or getattr(chosen, "epochs", None) or DEFAULT_EPOCHS
    limit = limit or getattr(chosen, "limit", None)
    strategy = _strategy(distribute, progress)
    if strategy is not None:
        jit_compile = False
    common = {"strategy": strategy, "epochs": epochs, "batch_size": batch_size, "seed": seed,
              "limit": limit,
              "steps_per_epoch": steps_per_epoch, "jit_compile": jit_compile, "keep": keep,
              "lr": lr, "tensorboard": tensorboard, "progress": progress}
    if isinstance(chosen, presets.CycleGANPreset):
        if dataset is not None:
            raise ValueError(f"{chosen.name} takes its images from its own datasets or `data_a` and "
                             f"`data_b`, not `dataset`")
        return _train_cyclegan(chosen, Path(out), data_a=data_a, data_b=data_b,
                               image_size=image_size, g_filters=g_filters, d_filters=d_filters,
                               residual_blocks=residual_blocks, **common)
    given = {"data_a": data_a, "data_b": data_b, "image_size": image_size,
             "g_filters": g_filters, "d_filters": d_filters, "residual_blocks": residual_blocks}
    for name in CYCLEGAN_ONLY:
        if given[name] is not None:
            raise ValueError(f"`{name}` is for the CycleGAN presets "
                             f"({', '.join(presets.CYCLEGAN_PRESETS)}), not {chosen.name}")
    return _train_gan(chosen, Path(out), dataset=dataset or chosen.dataset,
                      evaluate_n=evaluate_n, alarms=alarms, **common)


def _strategy(distribute, progress):
    """The `tf.distribute` strategy of `distribute` (None: one device), announced."""
    import os

    from gankit.models import make_strategy

    strategy = make_strategy(distribute)
    if strategy is None:
        if os.environ.get("TF_CONFIG"):
            progress("warning: TF_CONFIG is set but training runs on this machine only; pass "
                     "distribute='multiworker' (--distribute multiworker) to join its cluster")
        return None
    progress(f"distributing with {type(strategy).__name__}: "
             f"{strategy.num_replicas_in_sync} replica(s)")
    return strategy


def _in_scope(strategy, build):
    """`build()` in `strategy`'s scope (variables mirrored on its replicas), or plainly."""
    if strategy is None:
        return build()
    with strategy.scope():
        return build()


def _epoch_printer(epochs, progress):
    """A Keras callback calling `progress` with one line per epoch (logs, seconds)."""
    import keras

    class EpochPrinter(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            parts = " ".join(f"{k}={float(v):.4g}" for k, v in (logs or {}).items()
                             if k != "learning_rate")
            progress(f"epoch {epoch + 1}/{epochs}: {parts} "
                     f"({time.perf_counter() - self.start:.0f} s)")

    return EpochPrinter()


def _set_learning_rate(model, lr):
    """Sets both optimizers' learning rate (a fresh or a resumed model); a schedule restarts
    from `lr` (`gankit.schedules.set_learning_rate`)."""
    from gankit.schedules import set_learning_rate

    for name in ("d_optimizer", "g_optimizer"):
        optimizer = getattr(model, name, None)
        if optimizer is not None:
            set_learning_rate(optimizer, lr)


def _check_same_architecture(model, preset, info, ckpt_dir):
    """ValueError when the checkpoint in `ckpt_dir` is not a model of `preset` on this data."""
    fresh = preset.build(info.image_shape, info.num_classes)
    shapes = [tuple(w.shape) for w in model.weights]
    expected = [tuple(w.shape) for w in fresh.weights]
    if type(model) is not type(fresh) or shapes != expected:
        raise ValueError(
            f"{ckpt_dir} holds a checkpoint of another model ({type(model).__name__} with "
            f"{len(shapes)} weight tensors) than preset {preset.name!r} on {info.name} "
            f"({type(fresh).__name__} with {len(expected)}); use another `out`, or the `preset` "
            "and `dataset` it was trained with")


def _stretch_decay(preset, model, run_steps):
    """A resumed `decay_to_zero` run of other epochs than its checkpoint's: the decay is
    stretched to end at this run's last step (`gankit.schedules.stretch_linear_decay`)."""
    from gankit.presets import discriminator_updates
    from gankit.schedules import stretch_linear_decay

    changed = stretch_linear_decay(model.g_optimizer, run_steps)
    return stretch_linear_decay(
        model.d_optimizer, run_steps * discriminator_updates(model)) or changed


def _resume_or_build(ckpt_dir, progress, name, build, check, jit_compile):
    """`(model, start_epoch)`: resumed from `ckpt_dir` (then `check(model)`), else `build()`.

    A resumed model takes the run's `jit_compile`, not the one it was saved with.
    """
    from gankit import callbacks

    if callbacks.GANCheckpoint.latest(ckpt_dir):
        model, start_epoch = callbacks.resume(ckpt_dir,
                                              on_skip=lambda m: progress(f"warning: {m}"))
        check(model)
        progress(f"resuming {name} from {ckpt_dir} at epoch {start_epoch}")
        model.jit_compile_pending = jit_compile == "auto"
        model.jit_compile = False if jit_compile == "auto" else jit_compile
        model.train_function = None
        return model, start_epoch
    return build(), 0


def _tensorboard(folder, **kwargs):
    """`[GANTensorBoard(folder, ...)]`, or `[]` for no folder."""
    from gankit.callbacks import GANTensorBoard

    return [] if folder is None else [GANTensorBoard(Path(folder), **kwargs)]


def _fit(model, data, out, name, description, start_epoch, epochs, batch_size, steps_per_epoch,
         run_callbacks, progress, **fit_kwargs):
    """Fits from `start_epoch` to `epochs` with the run's callbacks; returns the minutes spent."""
    started = time.perf_counter()
    if steps_per_epoch and steps_per_epoch % model.steps_per_execution:
        # Keras runs whole executions: 3 steps per epoch at steps_per_execution=10 would be 10
        model.steps_per_execution = math.gcd(steps_per_epoch, model.steps_per_execution)
        model.train_function = None
    if start_epoch < epochs:
        progress(f"training {name} on {description} for epochs {start_epoch + 1}..{epochs} "
                 f"(batch {batch_size}); output in {out}")
        model.choose_jit_compile(data, report=progress)  # jit_compile="auto": timed here
        model.fit(data, epochs=epochs, initial_epoch=start_epoch,
                  steps_per_epoch=steps_per_epoch, verbose=0,
                  callbacks=[*run_callbacks, _epoch_printer(epochs, progress)], **fit_kwargs)
    else:
        progress(f"{out} already holds {start_epoch} epochs; nothing to train")
    return round((time.perf_counter() - started) / 60, 2)


def _train_gan(preset, out, *, dataset, epochs, batch_size, seed, limit, steps_per_epoch,
               jit_compile, keep, evaluate_n, lr, alarms, tensorboard, strategy, progress):
    import keras

    from gankit import callbacks, data
    from gankit.callbacks import nonfinite_variables
    from gankit.metrics.summary import SCORED_DATASETS, evaluate_generator

    info = data.info(dataset)
    ckpt_dir = out / "checkpoints"

    batch_size = batch_size or preset.batch_size
    # with steps_per_epoch, one endless stream whose batches depend only on (seed, position),
    # so a resumed run continues it exactly (a finite dataset would restart its pass)
    ds = data.load(dataset, batch_size=batch_size, one_hot=preset.conditional, seed=seed,
                   drop_remainder=True, limit=limit, repeat=steps_per_epoch is not None)

    def build():
        keras.utils.set_random_seed(seed)  # the same seed, the same initial weights
        model = preset.build(info.image_shape, info.num_classes, seed=seed)
        if hasattr(model, "adapt"):  # e.g. SelfConditionedGAN: k-means of the training images
            model.adapt(data.load_arrays(dataset, "train")[0][:limit], seed=seed)
        preset.compile(model, jit_compile=jit_compile, decay_steps=run_steps)
        return model

    # decay_to_zero presets: both rates reach 0 at the run's last step
    steps = steps_per_epoch or int(ds.cardinality())
    run_steps = epochs * steps if preset.decay_to_zero and steps > 0 else None
    model, start_epoch = _in_scope(strategy, lambda: _resume_or_build(
        ckpt_dir, progress, preset.name, build,
        lambda model: _check_same_architecture(model, preset, info, ckpt_dir), jit_compile))
    if run_steps and start_epoch and _stretch_decay(preset, model, run_steps):
        progress(f"the learning rates now decay to 0 at epoch {epochs}, as in a run planned for "
                 f"{epochs} epochs")
    if lr is not None:
        _set_learning_rate(model, lr)
    if strategy is not None:
        model.jit_compile = False  # a resumed model keeps its checkpoint's compile arguments
    alarm = callbacks.TrainingAlarms(
        classifier=dataset if dataset in SCORED_DATASETS else None, seed=seed,
        report=lambda line: progress(f"warning: {line}"))
    minutes = _fit(model, ds, out, preset.name, dataset, start_epoch, epochs, batch_size,
                   steps_per_epoch, [
                       callbacks.SampleGrid(out / "samples", rows=10, cols=10, seed=seed),
                       callbacks.ProgressGif(out / "progress.gif", frames_from=out / "samples"),
                       callbacks.LossCurve(out / "losses.png"),
                       callbacks.GANCheckpoint(ckpt_dir, keep=keep),
                       *([alarm] if alarms else []),
                       *_tensorboard(tensorboard, rows=10, cols=10, seed=seed),
                   ], progress, shuffle=False)
    bad = nonfinite_variables(model, limit=1)
    if bad:  # the guard stops such a run first; never score or record a diverged model
        raise NonFiniteWeightsError(
            f"the model holds non-finite weights ({bad[0]}); metrics.json not written; "
            f"resume from an earlier checkpoint in {ckpt_dir} with a lower `lr`")
    result = {"model": preset.name, "dataset": dataset, "epochs": epochs, "seed": seed,
              "train_minutes_this_run": minutes,
              "alarms": [a["message"] for a in alarm.alarms]}
    if dataset in SCORED_DATASETS and evaluate_n:
        result.update(evaluate_generator(model, dataset, n=evaluate_n, seed=seed))
    atomic_write_json(out / "metrics.json", result)
    return result


def _lr_decay(preset, epochs, lr):
    """`[LinearDecay]` over the second half of `epochs` for a preset with `lr_decay`, else `[]`.

    The base rate is given explicitly (`lr`, else the preset's), so a resumed run, whose
    optimizers hold an already decayed rate, continues the same schedule.
    """
    if not preset.lr_decay:
        return []
    from keras import ops

    from gankit.callbacks import LinearDecay

    base = lr or float(ops.convert_to_numpy(preset.compile_kwargs()["g_optimizer"].learning_rate))
    hold = max(1, epochs // 2)
    return [LinearDecay(hold, epochs - hold, initial_learning_rate=base)]


def _train_cyclegan(preset, out, *, data_a, data_b, image_size, g_filters, d_filters,
                    residual_blocks, epochs, batch_size, seed, limit, steps_per_epoch,
                    jit_compile, keep, lr, tensorboard, strategy, progress):
    from gankit import callbacks, data
    from gankit.callbacks.panels import TranslationPanel

    domains = preset.load_domains(data_a, data_b, image_size, limit, seed)
    ckpt_dir = out / "checkpoints"

    def build():
        model = preset.build(domains.shape_a, domains.shape_b, seed=seed, g_filters=g_filters,
                             d_filters=d_filters, residual_blocks=residual_blocks)
        preset.compile(model, jit_compile=jit_compile)
        return model

    def check(model):
        shapes = (tuple(model.image_shape_a), tuple(model.image_shape_b))
        if shapes != (domains.shape_a, domains.shape_b):
            raise ValueError(f"{ckpt_dir} holds a CycleGAN for images {model.image_shape_a} <-> "
                             f"{model.image_shape_b}, the data is {domains.shape_a} <-> "
                             f"{domains.shape_b}; use another `out` or the same `image_size`")

    model, start_epoch = _in_scope(
        strategy, lambda: _resume_or_build(ckpt_dir, progress, preset.name, build, check,
                                           jit_compile))
    if lr is not None:
        _set_learning_rate(model, lr)
    if strategy is not None:
        model.jit_compile = False  # a resumed model keeps its checkpoint's compile arguments
    batch_size = batch_size or preset.batch_size
    pairs = data.unpaired(domains.train_a, domains.train_b, batch_size=batch_size, seed=seed,
                          balance=preset.balance)
    minutes = _fit(model, pairs, out, preset.name, domains.description, start_epoch, epochs,
                   batch_size, steps_per_epoch, [
                       TranslationPanel(out / "panels", domains.test_a, domains.test_b,
                                        names=domains.names),
                       callbacks.LossCurve(out / "losses.png"),
                       callbacks.GANCheckpoint(ckpt_dir, keep=keep),
                       *_lr_decay(preset, epochs, lr),
                       *_tensorboard(tensorboard, images_a=domains.test_a,
                                     images_b=domains.test_b, names=domains.names),
                   ], progress)
    result = {"model": preset.name, "dataset": domains.description, "epochs": epochs,
              "seed": seed, "train_minutes_this_run": minutes, "panels": str(out / "panels")}
    atomic_write_json(out / "metrics.json", result)
    return result
