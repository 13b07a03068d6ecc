"""Runs for `tests/test_distribute.py`, in a process of their own (not a test module).

TensorFlow can split the CPU into logical devices only before it initialises its devices, so
the distributed tests run this script in a fresh subprocess:

    python tests/distribute_runs.py OUT.json CASE [CASE ...]
    python tests/distribute_runs.py OUT.json CASE --workers N --index I --ports P0,P1

Cases `gan`, `cgan`, `cgan-ema` (with a moving average of G's weights), `wgangp`, `cyclegan`,
`gan-bn`, `gan-syncbn`: trains the same seeded model
for a few steps on one device with the global batch and under `MirroredStrategy` over two
logical CPUs, and writes, per case, the largest weight difference, the logs of both runs and
the noise every replica drew. With `--workers`, the process is worker `--index` of a
`MultiWorkerMirroredStrategy` on 127.0.0.1 (one CPU each) and writes its final weights and, for
worker 0, the largest difference to the single-process reference.

Optimizers: Adam(1e-2), but SGD(0.1) for `cyclegan`: its convolutions' biases sit before
instance normalisation, so their true gradient is 0 and Adam turns float noise of ~1e-9 into
steps of the size of the learning rate; SGD keeps float noise at float size.
"""

import argparse
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("GANKIT_OFFLINE", "1")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

GLOBAL_BATCH = 8
STEPS = 3
REPLICAS = 2


def split_cpu(devices):
    """Two (or `devices`) logical CPUs; must run before TensorFlow initialises its devices."""
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(devices)]
    )


def arrays(case):
    from conftest import make_images, make_labels

    n = GLOBAL_BATCH * STEPS
    if case == "cyclegan":
        return make_images(n, (8, 8, 1), seed=1), make_images(n, (8, 8, 1), seed=2)
    return make_images(n, (8, 8, 1), seed=1), make_labels(n)


def interleave_parts(batch, replicas, parts):
    """Reorders a global batch so that its consecutive critic parts are what replicas see.

    Under N replicas, WGANGP's critic update `i` sees part `i` of every replica's block; on one
    device it sees the `i`-th consecutive part of the batch. This order makes them the same.
    """
    rows = np.arange(len(batch))
    order = []
    for part in range(parts):
        for block in np.array_split(rows, replicas):
            order.extend(np.array_split(block, parts)[part])
    return batch[np.asarray(order)]


def dataset(case, reorder_for=None):
    x, y = arrays(case)
    if reorder_for is not None:  # WGANGP reference on one device (see interleave_parts)
        replicas, parts = reorder_for
        x = np.concatenate([interleave_parts(b, replicas, parts)
                            for b in np.split(x, STEPS)])
        y = np.concatenate([interleave_parts(b, replicas, parts)
                            for b in np.split(y, STEPS)])
    if case.startswith("gan"):
        data = x
    elif case == "cyclegan":
        data = (x, y)
    else:
        data = (x, np.eye(10, dtype="float32")[y])
    return tf.data.Dataset.from_tensor_slices(data).batch(GLOBAL_BATCH)


def build(case, optimizer="adam"):
    import keras

    import gankit
    from gankit import nets
    from gankit.nets.cyclegan import digit_patch_discriminator, digit_resnet_generator

    keras.utils.set_random_seed(0)
    shape = (8, 8, 1)
    if case == "gan":
        model = gankit.GAN(nets.mlp_generator(4, shape, hidden_units=8),
                           nets.mlp_discriminator(shape, hidden_units=8, dropout=0.0), seed=3)
    elif case in ("gan-bn", "gan-syncbn"):
        generator = keras.Sequential([
            keras.Input((4,)), keras.layers.Dense(8),
            keras.layers.BatchNormalization(synchronized=case == "gan-syncbn"),
            keras.layers.ReLU(), keras.layers.Dense(64, activation="tanh"),
            keras.layers.Reshape(shape)])
        model = gankit.GAN(generator,
                           nets.mlp_discriminator(shape, hidden_units=8, dropout=0.0), seed=3)
    elif case in ("cgan", "cgan-ema"):
        model = gankit.ConditionalGAN(
            nets.mlp_generator(4, shape, hidden_units=8, conditional=True),
            nets.mlp_discriminator(shape, hidden_units=8, dropout=0.0, conditional=True), seed=3,
            ema_momentum=0.5 if case == "cgan-ema" else None)
    elif case == "wgangp":
        model = gankit.WGANGP(nets.wgan_generator(4, shape, units=(8,), conditional=True),
                              nets.wgan_critic(shape, units=(8,), conditional=True),
                              critic_steps=2, seed=3)
    elif case == "cyclegan":
        model = gankit.CycleGAN(
            digit_resnet_generator(shape, filters=4, num_residual_blocks=1),
            digit_resnet_generator(shape, filters=4, num_residual_blocks=1),
            digit_patch_discriminator(shape, filters=4, num_layers=1),
            digit_patch_discriminator(shape, filters=4, num_layers=1), pool_size=4, seed=3)
    else:
        raise ValueError(case)
    make = {"adam": lambda: keras.optimizers.Adam(1e-2),
            "sgd": lambda: keras.optimizers.SGD(0.1)}[optimizer]
    model.compile(d_optimizer=make(), g_optimizer=make())
    return model


def train(case, strategy=None, reorder_for=None):
    """`(weights, logs, model)` after STEPS steps of `fit`, in `strategy`'s scope when given."""
    optimizer = "sgd" if case == "cyclegan" else "adam"
    if strategy is None:
        model = build(case, optimizer)
    else:
        with strategy.scope():
            model = build(case, optimizer)
    history = model.fit(dataset(case, reorder_for), epochs=1, verbose=0, shuffle=False)
    logs = {k: float(v[-1]) for k, v in history.history.items()}
    return [np.asarray(w) for w in model.weights], logs, model


def largest_difference(a, b):
    return max(float(np.max(np.abs(x.astype("float64") - y.astype("float64")))) if x.size else 0.0
               for x, y in zip(a, b))


def noise_per_replica(model, strategy):
    """The training noise each replica draws for one global batch (rows of each replica)."""
    def draw():
        return model._noise(GLOBAL_BATCH // REPLICAS)

    values = strategy.run(tf.function(draw))
    return [np.asarray(v).tolist() for v in strategy.experimental_local_results(values)]


def mirrored(cases, out):
    split_cpu(REPLICAS)
    strategy = tf.distribute.MirroredStrategy([f"/cpu:{i}" for i in range(REPLICAS)])
    results = {}
    for case in cases:
        parts = 2 if case == "wgangp" else None
        reference, reference_logs, _ = train(
            case, reorder_for=(REPLICAS, parts) if parts else None)
        weights, logs, model = train(case, strategy)
        results[case] = {"difference": largest_difference(reference, weights), "logs": logs,
                         "reference_logs": reference_logs}
        if case != "cyclegan":
            results[case]["noise"] = noise_per_replica(model, strategy)
        if case == "cgan-ema":
            live = [np.asarray(w) for w in model.generator.weights]
            with model.average_weights() as generator:
                averaged = [np.asarray(w) for w in generator.weights]
            results[case]["average_moved"] = largest_difference(live, averaged)
    with open(out, "w") as f:
        json.dump(results, f)


def multiworker(case, out, workers, index, ports):
    ports = [int(p) for p in ports.split(",")][:workers]
    os.environ["TF_CONFIG"] = json.dumps({
        "cluster": {"worker": [f"127.0.0.1:{p}" for p in ports]},
        "task": {"type": "worker", "index": index},
    })
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    weights, logs, _ = train(case, strategy)
    result = {"weights": [w.tolist() for w in weights], "logs": logs}
    if index == 0:
        os.environ.pop("TF_CONFIG")
        reference, _, _ = train(case)
        result["difference"] = largest_difference(reference, weights)
    with open(out, "w") as f:
        json.dump(result, f)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("cases", nargs="+")
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--index", type=int, default=0)
    parser.add_argument("--ports", default="")
    args = parser.parse_args()
    if args.workers:
        multiworker(args.cases[0], args.out, args.workers, args.index, args.ports)
    else:
        mirrored(args.cases, args.out)


if __name__ == "__main__":
    main()
