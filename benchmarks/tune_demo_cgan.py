"""Measures candidate presets for the `make demo` conditional GAN: accuracy vs CPU time.

Usage:
    .venv/bin/python benchmarks/tune_demo_cgan.py --seconds 240 --candidates projection_bce ...

Each candidate trains on real MNIST for a wall-clock budget; every `--eval-every` steps it
generates 1,000 digits with shuffled labels (inference mode) and prints the pretrained LeNet's
conditional accuracy and Inception Score, so presets are chosen on measurements.
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import gankit  # noqa: E402
from gankit import metrics, nets  # noqa: E402
from gankit.nets.projection import compact_cgan_generator, projection_discriminator  # noqa: E402


def candidate(name):
    """Returns (model, compile kwargs, batch size)."""
    adam = keras.optimizers.Adam
    if name == "report003_osls":  # report 003 base CGAN + one-sided label smoothing
        model = gankit.ConditionalGAN(nets.cgan_generator(), nets.cgan_discriminator(),
                                      num_classes=10, seed=0)
        return model, {"label_smoothing": 0.1, "d_optimizer": adam(2e-4, beta_1=0.5),
                       "g_optimizer": adam(2e-4, beta_1=0.5)}, 100
    if name.startswith(("projection", "small")):
        size, loss, *rest = name.split("_") + [""]
        lr_d, lr_g = (4e-4, 2e-4) if "ttur" in rest else (1e-3, 1e-3) if "fast" in rest else (2e-4, 2e-4)
        f = 32 if size == "small" else 64
        model = gankit.ConditionalGAN(compact_cgan_generator(filters=f, label_planes="planes" in rest),
                                      projection_discriminator(filters=f), num_classes=10, seed=0)
        return model, {"loss": loss, "d_optimizer": adam(lr_d, beta_1=0.5),
                       "g_optimizer": adam(lr_g, beta_1=0.5)}, 64
    raise ValueError(name)


class Probe(keras.callbacks.Callback):
    def __init__(self, every, seconds):
        super().__init__()
        self.every, self.seconds = every, seconds
        self.start = time.perf_counter()
        self.labels = np.random.default_rng(1).permutation(np.repeat(np.arange(10), 100))

    def on_train_batch_end(self, batch, logs=None):
        step = int(self.model.g_optimizer.iterations)
        elapsed = time.perf_counter() - self.start
        if step >= getattr(self, "next_eval", self.every) or elapsed > self.seconds:
            self.next_eval = step + self.every
            images = self.model.generate(self.labels, seed=0)
            acc = metrics.conditional_accuracy(images, self.labels)
            acc = acc["accuracy"] if isinstance(acc, dict) else acc.accuracy
            score, _ = metrics.inception_score(images, splits=10)
            print(f"  step {step:5d} {elapsed:6.0f} s  cond. accuracy {acc:.3f}  IS {score:.2f}"
                  f"  d_loss {float(logs['d_loss']):.3f} g_loss {float(logs['g_loss']):.3f}",
                  flush=True)
            if elapsed > self.seconds:
                self.model.stop_training = True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=240)
    parser.add_argument("--eval-every", type=int, default=250)
    parser.add_argument("--candidates", nargs="+", default=["projection_bce"])
    parser.add_argument("--spe", type=int, default=1, help="steps_per_execution")
    args = parser.parse_args()
    for name in args.candidates:
        keras.utils.set_random_seed(0)
        model, kwargs, batch = candidate(name)
        model.compile(jit_compile=True, steps_per_execution=args.spe, **kwargs)
        ds = gankit.data.load("mnist", batch_size=batch, one_hot=True, seed=0, drop_remainder=True)
        print(f"{name}: batch {batch}", flush=True)
        model.fit(ds, epochs=100, verbose=0, callbacks=[Probe(args.eval_every, args.seconds)])


if __name__ == "__main__":
    main()
