"""MNIST <-> colored MNIST with a small CycleGAN on the CPU (report 001's digit setting).

Domain A is MNIST (28x28x1), domain B colored MNIST (28x28x3); the generators map 1 -> 3 and
3 -> 1 channels, so the identity term is off. Networks: report 001's small preset (2 down-,
2 residual, 2 up-sampling blocks; PatchGAN with 2 stride-2 layers), LSGAN, Adam(2e-4, 0.5),
lambda_cycle 10, history pools of 50, LinearDecay over the second half of the epochs.

Prints per-epoch losses, writes a translation panel (original / translated / recovered rows) to
``benchmarks/out/``, and prints label preservation in both directions: the share of translated
test digits that a LeNet of the TARGET domain classifies as their source label, using the
pretrained LeNets of ``gankit.classifier`` (or, if they are not shipped, quick LeNets trained
here on images the CycleGAN never sees, and the output says so).

Usage::

    GANKIT_OFFLINE=1 nice -n 10 .venv/bin/python benchmarks/cyclegan_digits.py
    .venv/bin/python benchmarks/cyclegan_digits.py --images 500 --epochs 1   # smoke run
"""

import argparse
import os
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402

import gankit  # noqa: E402
from gankit.callbacks.panels import translation_panel  # noqa: E402
from gankit.callbacks.schedule import LinearDecay  # noqa: E402
from gankit.metrics.translation import (  # noqa: E402
    label_preservation,
    translation_frechet_distance,
)
from gankit.models.cyclegan import CycleGAN  # noqa: E402
from gankit.nets.cyclegan import (  # noqa: E402
    digit_patch_discriminator,
    digit_resnet_generator,
)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "out")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=2000, help="training images per domain")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--g-filters", type=int, default=16, help="generator width (ngf)")
    parser.add_argument("--d-filters", type=int, default=32, help="discriminator width (ndf)")
    parser.add_argument("--test-images", type=int, default=1000, help="per domain, for metrics")
    parser.add_argument("--max-minutes", type=float, default=13.0,
                        help="stop after the epoch that crosses this training time")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=OUT)
    return parser.parse_args(argv)


class EpochPrinter(keras.callbacks.Callback):
    """Prints the epoch's mean losses and stops training past a time budget."""

    KEYS = ("d_a_loss", "d_b_loss", "g_ab_adv", "g_ba_adv", "cycle_a", "cycle_b", "g_loss",
            "d_loss", "learning_rate")

    def __init__(self, max_seconds):
        super().__init__()
        self.max_seconds = max_seconds
        self.start = None
        self.epochs_done = 0

    def on_train_begin(self, logs=None):
        self.start = time.time()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        self.epochs_done = epoch + 1
        elapsed = time.time() - self.start
        parts = " ".join(f"{k}={logs[k]:.4g}" for k in self.KEYS if k in logs)
        print(f"epoch {epoch + 1}: {parts} [{elapsed / 60:.1f} min]", flush=True)
        if elapsed > self.max_seconds and epoch + 1 < self.params.get("epochs", 0):
            print(f"time budget of {self.max_seconds / 60:.1f} min reached: stopping", flush=True)
            self.model.stop_training = True


def target_lenet(name, held_out_x, held_out_y, seed):
    """The pretrained LeNet `name`, or a quick one trained on held-out images if not shipped."""
    try:
        return gankit.classifier.load_pretrained(name), "pretrained"
    except FileNotFoundError as err:
        print(f"pretrained LeNet {name!r} not available ({str(err).splitlines()[0]}); "
              f"training a quick one on {len(held_out_x)} held-out images", flush=True)
        model, _ = gankit.classifier.fit_lenet(held_out_x, held_out_y, epochs=4, seed=seed)
        return model, "quick (trained here)"


def main(argv=None):
    args = parse_args(argv)
    t0 = time.time()
    keras.utils.set_random_seed(args.seed)
    n = args.images
    mnist_x, mnist_y = gankit.data.load_arrays("mnist", "train")
    color_x, color_y = gankit.data.load_arrays("colored_mnist", "train")
    if 2 * n > len(mnist_x) - 10000:
        raise ValueError(f"--images must be at most {(len(mnist_x) - 10000) // 2}")
    # Unpaired on purpose: domain A uses digits [0, n), domain B the colored digits [n, 2n).
    train_a, train_b = mnist_x[:n], color_x[n : 2 * n]
    test_mnist_x, test_mnist_y = gankit.data.load_arrays("mnist", "test")
    test_color_x, test_color_y = gankit.data.load_arrays("colored_mnist", "test")
    k = args.test_images
    ta_x, ta_y = test_mnist_x[:k], test_mnist_y[:k]
    tb_x, tb_y = test_color_x[k : 2 * k], test_color_y[k : 2 * k]

    ds_a = gankit.data.from_arrays(train_a, batch_size=None, shuffle=False)
    ds_b = gankit.data.from_arrays(train_b, batch_size=None, shuffle=False)
    pairs = gankit.data.unpaired(ds_a, ds_b, batch_size=args.batch_size, seed=args.seed)

    model = CycleGAN(
        digit_resnet_generator((28, 28, 1), output_channels=3, filters=args.g_filters),
        digit_resnet_generator((28, 28, 3), output_channels=1, filters=args.g_filters),
        digit_patch_discriminator((28, 28, 1), filters=args.d_filters),
        digit_patch_discriminator((28, 28, 3), filters=args.d_filters),
        lambda_cycle=10.0,
        lambda_identity=0.0,
        pool_size=50,
        seed=args.seed,
    )
    model.compile(
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        loss="lsgan",
    )
    hold = max(1, args.epochs // 2)
    printer = EpochPrinter(args.max_minutes * 60)
    print(
        f"CycleGAN MNIST (A, 28x28x1) <-> colored MNIST (B, 28x28x3): {n} images per domain, "
        f"batch {args.batch_size}, G width {args.g_filters} "
        f"({model.generator_ab.count_params():,} params), D width {args.d_filters} "
        f"({model.discriminator_b.count_params():,} params), LSGAN, lambda_cycle 10, pool 50, "
        f"LinearDecay(hold {hold}, decay {args.epochs - hold})",
        flush=True,
    )
    t_train = time.time()
    model.fit(
        pairs,
        epochs=args.epochs,
        verbose=0,
        callbacks=[LinearDecay(hold, args.epochs - hold), printer],
    )
    train_minutes = (time.time() - t_train) / 60

    os.makedirs(args.out, exist_ok=True)
    panel_path = os.path.join(args.out, "cyclegan_digits_panel.png")
    translation_panel(model, ta_x[:10], tb_x[:10], panel_path, names=("mnist", "colored"))
    print(f"panel: {panel_path}")

    held = slice(len(mnist_x) - 10000, len(mnist_x))  # never used for CycleGAN training
    lenet_mnist, kind_m = target_lenet("mnist", mnist_x[held], mnist_y[held], args.seed)
    lenet_color, kind_c = target_lenet("colored_mnist", color_x[held], color_y[held], args.seed)
    base_m = gankit.classifier.evaluate_accuracy(lenet_mnist, ta_x, ta_y)
    base_c = gankit.classifier.evaluate_accuracy(lenet_color, tb_x, tb_y)
    ab = label_preservation(model, ta_x, ta_y, "ab", lenet_color)
    ba = label_preservation(model, tb_x, tb_y, "ba", lenet_mnist)
    fd_ab = translation_frechet_distance(model, ta_x, tb_x, "ab", lenet_color)
    fd_ba = translation_frechet_distance(model, tb_x, ta_x, "ba", lenet_mnist)
    print(f"LeNets: mnist {kind_m} (accuracy on real MNIST test {base_m:.3f}), colored_mnist "
          f"{kind_c} (accuracy on real colored test {base_c:.3f})")
    for title, result, fd in (("mnist -> colored (A->B)", ab, fd_ab),
                              ("colored -> mnist (B->A)", ba, fd_ba)):
        per_class = " ".join(f"{c}:{v:.2f}" for c, v in enumerate(result["per_class"]))
        print(f"label preservation {title}: {result['accuracy']:.3f} over {k} test digits "
              f"[{per_class}]; Frechet distance to real target {fd:.2f}")
    print(f"epochs: {printer.epochs_done}/{args.epochs}, training {train_minutes:.1f} min, "
          f"total {(time.time() - t0) / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
