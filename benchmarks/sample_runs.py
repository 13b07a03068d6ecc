"""Short real-data runs of every model preset: a sample grid, scores, epochs and CPU minutes each.

Usage:
    .venv/bin/python benchmarks/sample_runs.py [--minutes 2] [--models gan dcgan ...]
        [--out docs/samples]

Each preset of ``gankit.presets`` trains on its default dataset (MNIST; Fashion-MNIST for the
conditional WGAN-GP of report 002) for a wall-clock budget, then writes a 10x10 grid from fixed
noise (one class per row for conditional models) to ``OUT/<preset>.png`` and prints the epochs
done, the minutes, and the LeNet scores of 2,000 samples (``gankit.metrics.evaluate_generator``).
A summary goes to ``OUT/summary.json`` after each model; a run of some ``--models`` replaces only
their entries there, so the other presets' earlier runs stay listed.
"""

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from gankit import data, presets  # noqa: E402
from gankit.images import save_grid  # noqa: E402
from gankit.metrics import evaluate_generator  # noqa: E402


class Budget(keras.callbacks.Callback):
    """Stops training once ``seconds`` of wall time have passed (checked every batch)."""

    def __init__(self, seconds):
        super().__init__()
        self.seconds = seconds

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        if time.perf_counter() - self.start > self.seconds:
            self.model.stop_training = True


def run(name, minutes, out, seed=0):
    preset = presets.get(name)
    info = data.info(preset.dataset)
    keras.utils.set_random_seed(seed)
    model = preset.build(info.image_shape, info.num_classes, seed=seed)
    if hasattr(model, "adapt"):  # fast-dcgan: k-means of the training images, as gankit train does
        model.adapt(data.load_arrays(preset.dataset, "train")[0], seed=seed)
    preset.compile(model)
    ds = data.load(preset.dataset, batch_size=preset.batch_size, one_hot=preset.conditional,
                   seed=seed, drop_remainder=True)
    steps_per_epoch = 60000 // preset.batch_size
    start = time.perf_counter()
    model.fit(ds, epochs=1000, verbose=0, shuffle=False, callbacks=[Budget(minutes * 60)])
    seconds = time.perf_counter() - start
    steps = int(model.g_optimizer.iterations)
    if preset.conditional:
        images = model.generate(np.repeat(np.arange(10), 10), seed=seed)
        labels = list(range(10))
    else:
        images, labels = model.generate(100, seed=seed), None
    path = save_grid(images, Path(out) / f"{name}.png", rows=10, cols=10, labels=labels,
                     seed=seed, model=name)
    scores = evaluate_generator(model, preset.dataset, n=2000, seed=seed)
    result = {"model": name, "dataset": preset.dataset, "steps": steps,
              "epochs": round(steps / steps_per_epoch, 2), "minutes": round(seconds / 60, 2),
              "grid": str(path), **{k: v for k, v in scores.items() if k != "per_class_accuracy"}}
    line = (f"{name:10s} {preset.dataset:14s} {result['epochs']:5.2f} epochs {result['minutes']:5.1f} min"
            f"  IS {scores['inception_score']:.2f}  FD {scores['frechet_distance']:6.1f}"
            f"  classes {scores['classes_covered']}")
    if "conditional_accuracy" in scores:
        line += f"  cond. acc {scores['conditional_accuracy']:.1%}"
    print(line, flush=True)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=2.0, help="training budget per model")
    parser.add_argument("--models", nargs="+", default=presets.names())
    parser.add_argument("--out", default="docs/samples")
    args = parser.parse_args()
    Path(args.out).mkdir(parents=True, exist_ok=True)
    for name in args.models:  # the summary is written after each model: a failure keeps the rest
        write_summary(Path(args.out) / "summary.json", [run(name, args.minutes, args.out)])


def write_summary(path, results):
    """Writes `results` to the JSON list at `path`, keeping the entries of other models.

    Entries are ordered as `gankit.presets.names()` (unknown names last, in their order).
    """
    kept = json.loads(path.read_text()) if path.exists() else []
    fresh = {r["model"]: r for r in results}
    merged = [r for r in kept if r["model"] not in fresh] + list(fresh.values())
    order = {name: i for i, name in enumerate(presets.names())}
    merged.sort(key=lambda r: order.get(r["model"], len(order)))
    path.write_text(json.dumps(merged, indent=1))


if __name__ == "__main__":
    main()
