"""This machine's CPU and its measured float32 matmul peak in TensorFlow.

Usage:
    .venv/bin/python benchmarks/matmul_peak.py [--size 2048] [--matmuls 8] [--repeats 3]

The peak is the best of `repeats` timings of `matmuls` chained `size x size` float32 matmuls in
one `tf.function` (2 * size**3 FLOPs each), after one warm-up call. `train_throughput.py` and
`cyclegan_256_step.py` divide each model's counted step FLOPs per second by it ("% of peak").
"""

import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from gankit.machine import cpu_description  # noqa: E402, F401  (printed with the peak)


def matmul_peak_flops(size=2048, matmuls=8, repeats=3):
    """Best measured float32 FLOP/s of chained `size x size` matmuls in TensorFlow.

    Args:
        size: side of the square matrices.
        matmuls: chained matmuls per timed call (the result feeds the next, so none is skipped).
        repeats: timed calls; the fastest counts.

    Returns:
        float, FLOP/s (2 * size**3 per matmul).
    """
    import tensorflow as tf

    a = tf.random.stateless_uniform((size, size), seed=(0, 1), minval=-1.0, maxval=1.0)
    b = tf.random.stateless_uniform((size, size), seed=(2, 3), minval=-1.0, maxval=1.0)
    scale = tf.constant(1.0 / size)

    @tf.function
    def chain(x):
        for _ in range(matmuls):
            x = tf.matmul(x, b) * scale  # the scale keeps the values finite
        return tf.reduce_sum(x)

    chain(a).numpy()  # trace and warm up
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        chain(a).numpy()
        best = min(best, time.perf_counter() - start)
    return 2.0 * size**3 * matmuls / best


def main():
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2048)
    parser.add_argument("--matmuls", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(cpu_description())
    peak = matmul_peak_flops(args.size, args.matmuls, args.repeats)
    print(f"float32 matmul peak ({args.size}x{args.size}, best of {args.repeats}): "
          f"{peak / 1e9:,.1f} GFLOP/s")


if __name__ == "__main__":
    main()
