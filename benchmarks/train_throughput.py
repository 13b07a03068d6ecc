"""Images per second of one training step for each gankit model, XLA off and on, vs PyTorch.

Usage:
    .venv/bin/python benchmarks/train_throughput.py [--batch 128] [--steps 30] [--repeats 3]
        [--models dcgan_002 ...] [--no-torch]

Each gankit model is compiled with ``jit_compile=False`` and ``True`` and trained with ``fit`` on a
cached, repeated in-memory batch stream; after a warm-up epoch (tracing, XLA compilation) it runs
``repeats`` epochs of ``steps`` steps and reports the best epoch's images per second (real
images consumed; for WGAN-GP each of its critic updates sees ``--batch`` of them, so its fit
batches hold ``critic_steps * batch`` images and one step is one generator update). The same
DCGAN step (report 002 networks, BCE, Adam) is timed in plain PyTorch eager
(``benchmarks/torch_dcgan.py``, one generator forward per step) in the same run, in a separate
process, with the same thread count. Needs ``pip install torch==2.13.0`` for the PyTorch column
(benchmark-only).
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import gankit  # noqa: E402
from gankit import nets  # noqa: E402


def build(name):
    """Returns ``(model, compile_kwargs, conditional)`` for a benchmark entry."""
    if name == "mlp_gan":
        return gankit.GAN(nets.mlp_generator(), nets.mlp_discriminator(), seed=0), {}, False
    if name in ("dcgan_002", "lsgan_002"):
        model = gankit.GAN(nets.dcgan_generator(variant="002"),
                           nets.dcgan_discriminator(variant="002"), seed=0)
        return model, ({"loss": "lsgan"} if name.startswith("lsgan") else {}), False
    if name == "dcgan_003":
        return gankit.GAN(nets.dcgan_generator(variant="003"),
                          nets.dcgan_discriminator(variant="003"), seed=0), {}, False
    if name == "cgan_003":
        return gankit.ConditionalGAN(nets.cgan_generator(), nets.cgan_discriminator(),
                                     num_classes=10, seed=0), {"label_smoothing": 0.1}, True
    if name == "wgan_gp":
        model = gankit.WGANGP(nets.wgan_generator(conditional=True),
                              nets.wgan_critic(conditional=True), num_classes=10, seed=0)
        return model, {}, True
    raise ValueError(f"unknown model {name}")


class EpochTimer(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.times = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.times.append(time.perf_counter() - self._start)


def time_gankit(name, jit, batch, steps, repeats):
    keras.utils.set_random_seed(0)
    model, kwargs, conditional = build(name)
    model.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                  g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5), jit_compile=jit, **kwargs)
    # WGAN-GP cuts each fit batch into one part per critic update: give every critic update
    # `batch` real images (report 002: 128), so a fit batch holds critic_steps * batch images.
    batch = batch * getattr(model, "critic_steps", 1)
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (batch * 4, *model.generator.output_shape[1:])).astype("float32")
    y = np.eye(10, dtype="float32")[rng.integers(0, 10, len(x))]
    ds = tf.data.Dataset.from_tensor_slices((x, y) if conditional else x)
    ds = ds.batch(batch, drop_remainder=True).cache().repeat().prefetch(tf.data.AUTOTUNE)
    timer = EpochTimer()
    model.fit(ds, epochs=1 + repeats, steps_per_epoch=steps, verbose=0, shuffle=False,
              callbacks=[timer])
    return batch * steps / min(timer.times[1:])


def time_torch(batch, steps, repeats):
    """Runs benchmarks/torch_dcgan.py in its own process: TensorFlow and PyTorch in one process
    fight over their OpenMP thread pools (measured here: 3.4 s instead of 1.0 s per step)."""
    import json
    import subprocess
    import sys

    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_dcgan.py")
    proc = subprocess.run([sys.executable, script, "--batch", str(batch), "--steps", str(steps),
                           "--repeats", str(repeats)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise ImportError(proc.stderr.strip().splitlines()[-1] if proc.stderr else "torch failed")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    return result["images_per_second"], result["torch"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--models", nargs="+",
                        default=["dcgan_002", "lsgan_002", "dcgan_003", "cgan_003", "mlp_gan",
                                 "wgan_gp"])
    parser.add_argument("--no-torch", action="store_true")
    args = parser.parse_args()
    print(f"TensorFlow {tf.__version__}, Keras {keras.__version__}, {os.cpu_count()} CPU cores, "
          f"batch {args.batch}, {args.steps} steps x {args.repeats} repeats (best)")
    torch_rate = None
    if not args.no_torch:
        try:
            torch_rate, version = time_torch(args.batch, args.steps, args.repeats)
            print(f"PyTorch {version} eager DCGAN (002) step: {torch_rate:,.0f} images/s")
        except ImportError:
            print("PyTorch not installed (pip install torch==2.13.0): no PyTorch column")
    print()
    header = f"{'model':12s} {'XLA off img/s':>14s} {'XLA on img/s':>13s} {'XLA speed-up':>13s}"
    if torch_rate:
        header += f" {'on / PyTorch':>13s}"
    print(header)
    for name in args.models:
        off = time_gankit(name, False, args.batch, args.steps, args.repeats)
        on = time_gankit(name, True, args.batch, args.steps, args.repeats)
        row = f"{name:12s} {off:14,.0f} {on:13,.0f} {on / off:12.2f}x"
        if torch_rate and name == "dcgan_002":
            row += f" {on / torch_rate:12.2f}x"
        print(row, flush=True)


if __name__ == "__main__":
    main()
