"""Images per second of a training step under the float32 and mixed_bfloat16 policies.

Usage:
    .venv/bin/python benchmarks/mixed_precision.py [--rounds 5] [--steps 3] [--jit-compile on]
        [--policies float32 mixed_bfloat16] [--models dcgan_002 fast-cgan]

Models: `dcgan_002`: `GAN` on the report-002 DCGAN nets (BCE, Adam), batch 128 as in
`benchmarks/train_throughput.py`; `fast-cgan`: the `fast-cgan` preset (its batch of 64, its
optimizers, hinge loss and `steps_per_execution`). Each (model, policy) is built once under
its policy (the policy is stored in the layers, so the models can then be trained in any
order), trained one warm-up epoch (tracing, XLA compilation), then the timed epochs of `--steps`
steps alternate between the configurations, round after round, so that a change in the load of
a shared machine hits all of them alike. Reported: the median images per second over the
rounds, and each policy's ratio to float32. The data is random images in a cached, repeated
in-memory stream; nothing is downloaded.
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import gankit  # noqa: E402
from gankit import nets, presets  # noqa: E402


def build(name, jit_compile):
    """Returns `(compiled model, batch size, conditional)` under the current global policy."""
    keras.utils.set_random_seed(0)
    if name == "dcgan_002":
        model = gankit.GAN(nets.dcgan_generator(variant="002"),
                           nets.dcgan_discriminator(variant="002"), seed=0)
        model.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                      g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                      jit_compile=jit_compile)
        return model, 128, False
    preset = presets.get(name)
    model = preset.compile(preset.build(seed=0), jit_compile=jit_compile)
    return model, preset.batch_size, preset.conditional


def dataset(model, batch, conditional):
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (batch * 4, *model.generator.output_shape[1:])).astype("float32")
    y = np.eye(10, dtype="float32")[rng.integers(0, 10, len(x))]
    ds = tf.data.Dataset.from_tensor_slices((x, y) if conditional else x)
    return ds.batch(batch, drop_remainder=True).cache().repeat().prefetch(tf.data.AUTOTUNE)


def timed_epoch(model, ds, steps):
    start = time.perf_counter()
    model.fit(ds, epochs=1, steps_per_epoch=steps, verbose=0, shuffle=False)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=3,
                        help="training steps per timed epoch (fast-cgan: times its "
                             "steps_per_execution is rounded up to a multiple of it)")
    parser.add_argument("--jit-compile", choices=["on", "off"], default="on")
    parser.add_argument("--policies", nargs="+", default=["float32", "mixed_bfloat16"])
    parser.add_argument("--models", nargs="+", default=["dcgan_002", "fast-cgan"])
    args = parser.parse_args()
    jit = args.jit_compile == "on"
    print(f"TensorFlow {tf.__version__}, Keras {keras.__version__}, {os.cpu_count()} CPU cores, "
          f"XLA {args.jit_compile}, {args.rounds} rounds of {args.steps} steps (median)")

    runs = {}
    for name in args.models:
        for policy in args.policies:
            keras.mixed_precision.set_dtype_policy(policy)
            try:
                model, batch, conditional = build(name, jit)
            finally:
                keras.mixed_precision.set_dtype_policy("float32")
            spe = getattr(model, "steps_per_execution", 1) or 1
            steps = -(-args.steps // spe) * spe
            ds = dataset(model, batch, conditional)
            warm_up = timed_epoch(model, ds, steps)
            runs[name, policy] = (model, ds, steps, batch, [], warm_up)
    for _ in range(args.rounds):
        for model, ds, steps, batch, rates, _ in runs.values():
            rates.append(batch * steps / timed_epoch(model, ds, steps))

    print(f"\n{'model':10s} {'policy':15s} {'img/s (median)':>15s} {'min-max':>15s} "
          f"{'vs float32':>11s} {'warm-up s':>10s}")
    for (name, policy), (_, _, _, _, rates, warm_up) in runs.items():
        median = statistics.median(rates)
        base = runs.get((name, "float32"))
        ratio = f"{median / statistics.median(base[4]):10.2f}x" if base else ""
        spread = f"{min(rates):,.0f}-{max(rates):,.0f}"
        print(f"{name:10s} {policy:15s} {median:15,.0f} {spread:>15s} {ratio:>11s} "
              f"{warm_up:10.1f}", flush=True)


if __name__ == "__main__":
    main()
