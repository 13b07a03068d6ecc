"""Images per second of one training step for each gankit model: XLA off, on and "auto", vs PyTorch.

Usage:
    .venv/bin/python benchmarks/train_throughput.py [--batch 128] [--steps 10] [--repeats 2]
        [--models dcgan_002 ...] [--modes off on auto] [--torch-python PATH] [--no-torch]

Each gankit model is compiled with `jit_compile=False`, `True` and `"auto"` (gankit times XLA on
and off on the first `fit` and keeps the faster; the column shows its choice, or "n/a" where this
gankit does not accept `"auto"`) and trained with `fit` on a cached, repeated in-memory batch
stream; after a warm-up epoch (tracing, XLA compilation, the auto choice) it runs `repeats`
epochs of `steps` steps and reports the best epoch's images per second (real images consumed;
for WGAN-GP each of its critic updates sees `--batch` of them, so its fit batches hold
`critic_steps * batch` images and one step is one generator update). The same DCGAN step (report
002 networks, BCE, Adam) is timed in plain PyTorch eager (`benchmarks/torch_dcgan.py`, one
generator forward per step) in the same run, in a separate process run by `--torch-python`
(default: this interpreter), with the same thread count. "% of peak" is the best column's counted
step FLOPs per second (`step_flops.py`: Dense and convolution multiply-adds, forward and backward
= 3 forwards) over the float32 matmul peak measured at the start (`matmul_peak.py`). Needs
`pip install torch==2.13.0` in the `--torch-python` interpreter for the PyTorch column
(benchmark-only).
"""

import argparse
import json
import os
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from matmul_peak import cpu_description, matmul_peak_flops  # noqa: E402
from step_flops import gan_step_flops, wgan_gp_step_flops  # noqa: E402

import gankit  # noqa: E402
from gankit import nets  # noqa: E402

MODES = {"off": False, "on": True, "auto": "auto"}


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


def step_flops(model, batch):
    """Counted FLOPs of one training step on `batch` real images per (critic) update."""
    if isinstance(model, gankit.WGANGP):
        return wgan_gp_step_flops(model.generator, model.discriminator, batch, model.critic_steps)
    return gan_step_flops(model.generator, model.discriminator, batch)


def xla_choice(model):
    """"on"/"off" for the XLA setting the model trained with (the auto choice after `fit`)."""
    value = getattr(model, "jit_compile", None)
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def time_gankit(name, jit, batch, steps, repeats):
    """Returns `(images/s, counted FLOPs per image, XLA setting used)` of a model in one mode.

    Raises:
        ValueError: from `compile` where this gankit does not accept `jit` (e.g. "auto").
    """
    keras.utils.set_random_seed(0)
    model, kwargs, conditional = build(name)
    model.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                  g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5), jit_compile=jit, **kwargs)
    # WGAN-GP cuts each fit batch into one part per critic update: give every critic update
    # `batch` real images (report 002: 128), so a fit batch holds critic_steps * batch images.
    images = batch * getattr(model, "critic_steps", 1)
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (images * 4, *model.generator.output_shape[1:])).astype("float32")
    y = np.eye(10, dtype="float32")[rng.integers(0, 10, len(x))]
    ds = tf.data.Dataset.from_tensor_slices((x, y) if conditional else x)
    ds = ds.batch(images, drop_remainder=True).cache().repeat().prefetch(tf.data.AUTOTUNE)
    timer = EpochTimer()
    model.fit(ds, epochs=1 + repeats, steps_per_epoch=steps, verbose=0, shuffle=False,
              callbacks=[timer])
    # FLOPs per real image consumed, so that images/s times it is FLOP/s
    flops_per_image = step_flops(model, batch) / images
    return images * steps / min(timer.times[1:]), flops_per_image, xla_choice(model)


def time_torch(torch_python, batch, steps, repeats):
    """Runs benchmarks/torch_dcgan.py in its own process: TensorFlow and PyTorch in one process
    fight over their OpenMP thread pools (measured here: 3.4 s instead of 1.0 s per step)."""
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_dcgan.py")
    proc = subprocess.run([torch_python, script, "--batch", str(batch), "--steps", str(steps),
                           "--repeats", str(repeats)], capture_output=True, text=True)
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines()
        raise ImportError(lines[-1] if lines else f"{torch_python} failed")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    return result["images_per_second"], result["torch"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--models", nargs="+",
                        default=["dcgan_002", "lsgan_002", "dcgan_003", "cgan_003", "mlp_gan",
                                 "wgan_gp"])
    parser.add_argument("--modes", nargs="+", choices=tuple(MODES), default=list(MODES),
                        help="XLA settings to time (gankit's jit_compile)")
    parser.add_argument("--torch-python", default=sys.executable,
                        help="Python with torch installed (default: this interpreter)")
    parser.add_argument("--no-torch", action="store_true")
    parser.add_argument("--peak-size", type=int, default=2048,
                        help="side of the matmuls that measure the peak")
    args = parser.parse_args()
    peak = matmul_peak_flops(args.peak_size)
    print(f"CPU: {cpu_description()}; float32 matmul peak {peak / 1e9:,.1f} GFLOP/s")
    print(f"TensorFlow {tf.__version__}, Keras {keras.__version__}, batch {args.batch}, "
          f"{args.steps} steps x {args.repeats} repeats (best epoch), images/s")
    torch_rate = None
    if not args.no_torch:
        try:
            torch_rate, version = time_torch(args.torch_python, args.batch, args.steps,
                                             args.repeats)
            print(f"PyTorch {version} eager DCGAN (002) step: {torch_rate:,.0f} images/s")
        except ImportError as error:
            print(f"No PyTorch column ({error}): pip install torch==2.13.0 into the "
                  "--torch-python interpreter")
    print()
    columns = [f"XLA {mode}" for mode in args.modes]
    print("| model | " + " | ".join(columns) + " | best / PyTorch eager | % of matmul peak |")
    print("| --- | " + " | ".join("---:" for _ in columns) + " | ---: | ---: |")
    for name in args.models:
        cells, rates, flops = [], [], 0
        # Alternate the order of the modes from model to model: the machine may be shared.
        order = args.modes if args.models.index(name) % 2 == 0 else args.modes[::-1]
        results = {}
        for mode in order:
            try:
                results[mode] = time_gankit(name, MODES[mode], args.batch, args.steps,
                                            args.repeats)
            except ValueError as error:
                if mode != "auto":
                    raise
                results[mode] = None
                print(f"(jit_compile='auto' not accepted here: {error})")
        for mode in args.modes:
            if results[mode] is None:
                cells.append("n/a")
                continue
            rate, flops, used = results[mode]
            rates.append(rate)
            cells.append(f"{rate:,.0f}" + (f" ({used})" if mode == "auto" else ""))
        best = max(rates)
        ratio = f"{best / torch_rate:.2f}x" if torch_rate and name == "dcgan_002" else ""
        percent = 100 * flops * best / peak
        print(f"| {name} | " + " | ".join(cells) + f" | {ratio} | {percent:.1f}% |", flush=True)


if __name__ == "__main__":
    main()
