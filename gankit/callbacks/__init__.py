"""Callbacks for training gankit models with `fit`.

* `SampleGrid`: a grid from the same noise every few epochs, layout embedded in the PNG.
* `ProgressGif`: those grids as an animated GIF at the end of training.
* `LossCurve`: every logged value against the epoch, as a PNG and a JSON history.
* `GANCheckpoint` and `resume`: whole-model `.keras` checkpoints and resuming from them.
* `HistoricalReplay`: training now and then against older snapshots of the opponent.
* `DivergenceGuard`: stops at the first NaN/inf loss or weight (on by default in gankit
  models' `fit`), raising `TrainingDivergedError`.
* `GANTensorBoard`: losses, scores, learning rates and a sample grid (CycleGAN: a translation
  panel) per epoch, for `tensorboard --logdir`.
* `TrainingAlarms`: warns once when the discriminator saturates or the generated classes
  collapse (on in `gankit train`).

Example:

```python
from gankit import callbacks

gan.fit(ds, epochs=20, callbacks=[
    callbacks.SampleGrid("out/samples", rows=10, cols=10, seed=0),
    callbacks.ProgressGif("out/samples"),
    callbacks.LossCurve("out/losses.png"),
    callbacks.GANCheckpoint("out/ckpt", keep=3),
])
```
"""

from gankit.callbacks.alarms import TrainingAlarms, TrainingAlarmWarning
from gankit.callbacks.checkpoint import GANCheckpoint, resume
from gankit.callbacks.guard import DivergenceGuard, TrainingDivergedError, nonfinite_variables
from gankit.callbacks.panels import TranslationPanel, panel_rows, translation_panel
from gankit.callbacks.progress import LossCurve, ProgressGif, make_gif
from gankit.callbacks.replay import HistoricalReplay
from gankit.callbacks.samples import SampleGrid
from gankit.callbacks.schedule import LinearDecay, linear_decay_factor
from gankit.callbacks.tensorboard import GANTensorBoard, learning_rates

__all__ = [
    "DivergenceGuard",
    "GANCheckpoint",
    "GANTensorBoard",
    "HistoricalReplay",
    "LinearDecay",
    "LossCurve",
    "ProgressGif",
    "SampleGrid",
    "TrainingAlarmWarning",
    "TrainingAlarms",
    "TrainingDivergedError",
    "TranslationPanel",
    "learning_rates",
    "linear_decay_factor",
    "make_gif",
    "nonfinite_variables",
    "panel_rows",
    "resume",
    "translation_panel",
]
