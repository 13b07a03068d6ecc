"""Measures candidate fast presets (unconditional and conditional): Inception Score vs CPU minutes.

Usage:
    .venv/bin/python benchmarks/tune_fast_presets.py --candidates s32_hinge_1e-3_k50 --epochs 8

A candidate name is `KIND FILTERS _ LOSS _ LR [_decay] [_bN] [_lN] [_kN] [_emaM]`:

* `u`: a plain unconditional compact DCGAN (`gankit.nets.compact_generator` and
  `compact_discriminator`);
* `s`: a `gankit.SelfConditionedGAN` of the `fast-cgan` nets on `kN` k-means clusters of the
  pixels (`fast-dcgan`);
* `c`: the conditional `fast-cgan` nets (projection discriminator).

`decay` lowers both learning rates linearly to 0 over the run; `bN` sets the batch size
(default 64), `lN` the noise size (default 64), `kN` the clusters (default 10), `emaM` builds the
model with `ema_momentum=M` (a moving average of G's weights, which `generate` uses) and scores
both the average (`ema_*` columns) and the live weights (plain and conditional candidates).
Each candidate trains on real MNIST; after every epoch it generates 10,000 samples (inference
mode, shuffled labels) and appends to `--log` the shipped LeNet's Inception Score (10 shuffled
splits) with its two entropies, the conditional accuracy (conditional candidates) and the
training minutes so far (evaluation excluded).
"""

import argparse
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import gankit  # noqa: E402
from gankit import metrics  # noqa: E402
from gankit.nets.compact import compact_discriminator, compact_generator  # noqa: E402
from gankit.nets.projection import compact_cgan_generator, projection_discriminator  # noqa: E402

EPOCH_IMAGES = 60000


def parse(name):
    kind, loss, lr, *rest = name.split("_")
    options = {"decay": "decay" in rest, "batch": 64, "latent": 64, "ema": None, "k": 10}
    for item in rest:
        if item.startswith("b") and item[1:].isdigit():
            options["batch"] = int(item[1:])
        if item.startswith("l") and item[1:].isdigit():
            options["latent"] = int(item[1:])
        if item.startswith("k") and item[1:].isdigit():
            options["k"] = int(item[1:])
        if item.startswith("ema"):
            options["ema"] = float(item[3:])
    return kind[0], int(kind[1:]), loss, float(lr), options


def candidate(name, epochs):
    kind, filters, loss, lr, opt = parse(name)
    steps = epochs * (EPOCH_IMAGES // opt["batch"])

    def rate():
        if opt["decay"]:
            return keras.optimizers.schedules.PolynomialDecay(lr, steps, end_learning_rate=0.0)
        return lr

    if kind == "u":
        model = gankit.GAN(compact_generator(latent_dim=opt["latent"], filters=filters),
                           compact_discriminator(filters=filters), seed=0,
                           ema_momentum=opt["ema"])
    elif kind == "s":
        model = gankit.SelfConditionedGAN(
            compact_cgan_generator(latent_dim=opt["latent"], filters=filters, num_classes=opt["k"]),
            projection_discriminator(filters=filters, num_classes=opt["k"]), seed=0,
            ema_momentum=opt["ema"])
    else:
        model = gankit.ConditionalGAN(
            compact_cgan_generator(latent_dim=opt["latent"], filters=filters),
            projection_discriminator(filters=filters), num_classes=10, seed=0,
            ema_momentum=opt["ema"])
    kwargs = {"loss": loss, "d_optimizer": keras.optimizers.Adam(rate(), beta_1=0.5),
              "g_optimizer": keras.optimizers.Adam(rate(), beta_1=0.5)}
    return model, kwargs, opt["batch"], kind


class Probe(keras.callbacks.Callback):
    """Scores the generator after every epoch; training time excludes the scoring."""

    def __init__(self, name, conditional, log, n=10000):
        super().__init__()
        self.name, self.conditional, self.log = name, conditional, log
        self.n = n
        self.labels = np.random.default_rng(1).permutation(np.arange(n) % 10)
        self.train_seconds = 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self.t0 = time.perf_counter()

    def generate(self, live):
        """`(images, labels or None)`: the model's `generate` (its average, when it keeps one),
        or, with `live`, the training weights on the same noise."""
        model = self.model
        labels = self.labels if self.conditional else None
        if not live:  # self-conditioned models draw each image's cluster by its frequency
            return (model.generate(labels, seed=0) if self.conditional
                    else model.generate(self.n, seed=0)), labels
        noise = np.random.default_rng(0).standard_normal((self.n, model.latent_dim))
        inputs = noise.astype("float32")
        if self.conditional:
            inputs = [inputs, np.eye(10, dtype="float32")[labels]]
        return model.predict_in_batches(model.generator, inputs, 256,
                                        model.generator.output_shape[1:]), labels

    def score(self, live=False):
        images, labels = self.generate(live)
        acc = float("nan")
        if labels is not None:
            acc = metrics.conditional_accuracy(images, labels)
            acc = acc["accuracy"] if isinstance(acc, dict) else acc.accuracy
        score, std = metrics.inception_score(images, splits=10)
        probs = gankit.classifier.predict_proba(images)
        marginal = probs.mean(0)
        self.entropies = (round(float(-(marginal * np.log(marginal + 1e-12)).sum()), 3),
                          round(float(-(probs * np.log(probs + 1e-12)).sum(1).mean()), 3))
        return round(score, 3), round(std, 3), round(acc, 4)

    def on_epoch_end(self, epoch, logs=None):
        self.train_seconds += time.perf_counter() - self.t0
        averaged = self.model.ema_momentum is not None
        live_scored = not averaged or isinstance(self.model, (gankit.GAN, gankit.ConditionalGAN))
        score = std = acc = None
        if live_scored:
            score, std, acc = self.score(live=averaged)  # without an average: generate()
        row = {"candidate": self.name, "epoch": epoch + 1,
               "train_minutes": round(self.train_seconds / 60, 2), "inception_score": score,
               "is_std": std, "conditional_accuracy": acc,
               "d_loss": round(float(logs["d_loss"]), 4), "g_loss": round(float(logs["g_loss"]), 4),
               "H(y)": self.entropies[0] if live_scored else None,
               "E[H(y|x)]": self.entropies[1] if live_scored else None}
        if averaged:
            row["ema_inception_score"], row["ema_is_std"], row["ema_conditional_accuracy"] = (
                self.score())
        print(json.dumps(row), flush=True)
        with open(self.log, "a") as f:
            f.write(json.dumps(row) + "\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=7)
    parser.add_argument("--candidates", nargs="+", default=["u32_hinge_1e-3_decay"])
    parser.add_argument("--log", default="benchmarks/out/tune_fast_presets.jsonl")
    parser.add_argument("--n", type=int, default=10000, help="samples scored after each epoch")
    parser.add_argument("--limit", type=int, default=None, help="training images (quick tests)")
    parser.add_argument("--steps-per-epoch", type=int, default=None, help="quick tests only")
    args = parser.parse_args()
    os.makedirs(os.path.dirname(args.log) or ".", exist_ok=True)
    for name in args.candidates:
        keras.utils.set_random_seed(0)
        model, kwargs, batch, kind = candidate(name, args.epochs)
        model.compile(jit_compile="auto", steps_per_execution=10, **kwargs)
        if kind == "s":  # self-conditioned: k-means clusters of the pixels, as fast-dcgan
            model.adapt(gankit.data.load_arrays("mnist", "train")[0][:args.limit])
        ds = gankit.data.load("mnist", batch_size=batch, one_hot=kind == "c", seed=0,
                              drop_remainder=True, limit=args.limit)
        if kind != "c":
            ds = ds.map(lambda x, y: x)
        print(f"{name}: batch {batch}, {args.epochs} epochs", flush=True)
        probe = Probe(name, kind == "c", args.log, args.n)
        model.fit(ds, epochs=args.epochs, verbose=0, callbacks=[probe],
                  steps_per_epoch=args.steps_per_epoch)


if __name__ == "__main__":
    main()
