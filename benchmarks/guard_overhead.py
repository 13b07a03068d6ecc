"""Step-time cost of `DivergenceGuard` (on by default in gankit models' `fit`).

Times the same `fit` with the guard (gankit's `model.fit`) and without any gankit default
callback (`keras.Model.fit(model, ...)`), alternating, several times each, and prints the median
seconds per step of both and the overhead. Two models: a tiny MLP GAN on 8x8 images (batch 16,
one step per call: the worst case, where the per-batch Python check weighs most) and the CLI's
default `fast-cgan` preset on 28x28 images (batch 64, as the preset compiles it: XLA, 10 steps
per call).

Usage::

    GANKIT_OFFLINE=1 .venv/bin/python benchmarks/guard_overhead.py
"""

import os
import statistics
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import gankit  # noqa: E402


def tiny_gan():
    keras.utils.set_random_seed(0)
    shape = (8, 8, 1)
    gan = gankit.GAN(gankit.nets.mlp_generator(8, shape, hidden_units=32),
                     gankit.nets.mlp_discriminator(shape, hidden_units=32), seed=0)
    gan.compile()
    x = np.random.RandomState(0).uniform(-1, 1, (1024,) + shape).astype("float32")
    return gan, tf.data.Dataset.from_tensor_slices(x).batch(16, drop_remainder=True).repeat()


def fast_cgan():
    from gankit import presets

    preset = presets.get("fast-cgan")
    model = preset.build(seed=0)
    preset.compile(model)
    rng = np.random.RandomState(0)
    x = rng.uniform(-1, 1, (1280, 28, 28, 1)).astype("float32")
    y = np.eye(10, dtype="float32")[rng.randint(0, 10, 1280)]
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(64, drop_remainder=True).repeat()
    return model, ds


def seconds_per_step(fit, ds, steps):
    start = time.perf_counter()
    fit(ds, epochs=1, steps_per_epoch=steps, verbose=0)
    return (time.perf_counter() - start) / steps


def measure(name, build, steps, repeats):
    model, ds = build()
    guarded = model.fit

    def bare(*args, **kwargs):
        return keras.Model.fit(model, *args, shuffle=False, **kwargs)

    seconds_per_step(guarded, ds, steps)  # trace and warm up both paths
    seconds_per_step(bare, ds, steps)
    with_guard, without = [], []
    for _ in range(repeats):
        with_guard.append(seconds_per_step(guarded, ds, steps))
        without.append(seconds_per_step(bare, ds, steps))
    a, b = statistics.median(with_guard), statistics.median(without)
    print(f"{name:28s} without guard {b * 1e3:7.2f} ms/step, with guard {a * 1e3:7.2f} ms/step, "
          f"overhead {100 * (a - b) / b:+.1f}% ({repeats} alternating runs of {steps} steps, "
          "medians)", flush=True)


def main():
    print(f"python {sys.version.split()[0]}, tensorflow {tf.__version__}, keras "
          f"{keras.__version__}, {os.cpu_count()} CPUs")
    measure("tiny MLP GAN 8x8, batch 16", tiny_gan, steps=400, repeats=5)
    measure("fast-cgan 28x28, batch 64", fast_cgan, steps=60, repeats=3)


if __name__ == "__main__":
    main()
