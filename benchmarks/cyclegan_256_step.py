"""Seconds per CycleGAN training step at 256 px: gankit (XLA off and on) vs PyTorch eager.

Usage:
    .venv/bin/python benchmarks/cyclegan_256_step.py [--size 256] [--warmup 1] [--steps 2]
        [--xla off on] [--threads N] [--torch-python PATH] [--no-torch]

gankit: the whole `gankit.CycleGAN.train_step` through `fit` (ResNet-9 `resnet_generator`, 70x70
`patch_discriminator`, batch 1, LSGAN, image pools of 50, cycle and identity losses, Adam
2e-4 / 0.5), on one repeated pair of random images. Each step is one `fit` epoch of one step,
timed by a callback; the first `--warmup` epochs (tracing, XLA compilation) are not counted.
PyTorch: `benchmarks/torch_cyclegan.py`, the same nets (the parameter counts are asserted equal:
11,378,179 per generator, 2,764,737 per discriminator), losses and update order, run by
`--torch-python` (default: this interpreter) in its own process with the same thread count,
between gankit's XLA-off and XLA-on runs. Reports the fastest and the median timed step, the
fraction of the measured float32 matmul peak (`matmul_peak.py`; FLOPs counted per layer by
`step_flops.py`: 18 generator and 18 discriminator forward-equivalents per step, about 1.9
TFLOP at 256 px) and PyTorch's seconds per step over gankit's (above 1: gankit is faster).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from matmul_peak import cpu_description, matmul_peak_flops  # noqa: E402
from step_flops import cyclegan_step_flops  # noqa: E402
from train_throughput import EpochTimer  # noqa: E402

import gankit  # noqa: E402
from gankit import nets  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
# The reference implementation's counts (parameters do not depend on the image size).
GENERATOR_PARAMETERS = 11_378_179
DISCRIMINATOR_PARAMETERS = 2_764_737


def build(size, blocks=9):
    """Returns an uncompiled `gankit.CycleGAN` with the reference nets at `size` px (ResNet-9
    generators unless `blocks` says otherwise)."""
    shape = (size, size, 3)
    return gankit.CycleGAN(nets.resnet_generator(shape, blocks, name="g_ab"),
                           nets.resnet_generator(shape, blocks, name="g_ba"),
                           nets.patch_discriminator(shape, name="d_a"),
                           nets.patch_discriminator(shape, name="d_b"), seed=0)


def parameter_counts(model):
    return model.generator_ab.count_params(), model.discriminator_a.count_params()


def time_gankit(size, jit, warmup, steps, blocks=9):
    """Seconds of each timed step of `CycleGAN.fit`, and the model."""
    keras.utils.set_random_seed(0)
    model = build(size, blocks)
    model.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                  g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5), loss="lsgan",
                  jit_compile=jit)
    rng = np.random.default_rng(0)
    a, b = (rng.uniform(-1, 1, (1, size, size, 3)).astype("float32") for _ in range(2))
    ds = tf.data.Dataset.from_tensors((a, b)).repeat()
    timer = EpochTimer()
    model.fit(ds, epochs=warmup + steps, steps_per_epoch=1, verbose=0, callbacks=[timer])
    return timer.times[warmup:], model


def time_torch(torch_python, size, warmup, steps, threads, blocks=9):
    """Runs `torch_cyclegan.py` in its own process; returns its JSON result."""
    proc = subprocess.run([torch_python, os.path.join(HERE, "torch_cyclegan.py"), "--size",
                           str(size), "--warmup", str(warmup), "--steps", str(steps),
                           "--threads", str(threads), "--blocks", str(blocks)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines()
        raise ImportError(lines[-1] if lines else f"{torch_python} failed")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--steps", type=int, default=2)
    parser.add_argument("--xla", nargs="+", choices=("off", "on"), default=["off", "on"])
    parser.add_argument("--residual-blocks", type=int, default=9,
                        help="generator residual blocks (9: ResNet-9; fewer for a smoke test)")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--torch-python", default=sys.executable,
                        help="Python with torch installed (default: this interpreter)")
    parser.add_argument("--no-torch", action="store_true")
    parser.add_argument("--peak-size", type=int, default=2048,
                        help="side of the matmuls that measure the peak")
    args = parser.parse_args()
    if args.warmup < 1 or args.steps < 1:
        parser.error("--warmup and --steps must be >= 1 (the first step traces/compiles).")
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)

    peak = matmul_peak_flops(args.peak_size)
    print(f"CPU: {cpu_description()}; {args.threads} threads; float32 matmul peak "
          f"{peak / 1e9:,.1f} GFLOP/s")
    print(f"TensorFlow {tf.__version__}, Keras {keras.__version__}; CycleGAN step at "
          f"{args.size} px, batch 1, {args.warmup} warm-up + {args.steps} timed steps each")
    rows = []  # (implementation, xla, times)
    flops = None
    for i, xla in enumerate(args.xla):
        times, model = time_gankit(args.size, xla == "on", args.warmup, args.steps,
                                   args.residual_blocks)
        counts = parameter_counts(model)
        if args.residual_blocks == 9:
            assert counts == (GENERATOR_PARAMETERS, DISCRIMINATOR_PARAMETERS), counts
        flops = cyclegan_step_flops(model.generator_ab, model.discriminator_a, 1)
        rows.append(("gankit", xla, times))
        if i == 0 and not args.no_torch:  # PyTorch between the gankit runs (noisy machine)
            try:
                result = time_torch(args.torch_python, args.size, args.warmup, args.steps,
                                    args.threads, args.residual_blocks)
            except ImportError as error:
                print(f"No PyTorch column ({error}); install torch==2.13.0 or pass "
                      "--torch-python PATH")
            else:
                assert tuple(result["parameters"]) == counts, (result["parameters"], counts)
                rows.append((f"PyTorch {result['torch']} eager", "-",
                             result["seconds_per_step"]))
    torch_best = next((min(t) for name, _, t in rows if name.startswith("PyTorch")), None)
    print(f"\nStep FLOPs (counted): {flops / 1e12:.2f} TFLOP\n")
    print("| implementation | XLA | s/step (best) | s/step (median) | % of matmul peak | "
          "PyTorch s / this s |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for name, xla, times in rows:
        best = min(times)
        ratio = f"{torch_best / best:.2f}x" if torch_best else "n/a"
        print(f"| {name} | {xla} | {best:.2f} | {statistics.median(times):.2f} | "
              f"{100 * flops / best / peak:.1f}% | {ratio} |", flush=True)


if __name__ == "__main__":
    main()
