"""Trains the LeNet weights shipped in assets/ and measures the LeNet-based metrics.

Recipe (seeded, CPU-friendly): LeNet-5 (ReLU, max-pool, 62k parameters) on the first 55,000
images of the official train split, validated on the last 5,000; Adam 1e-3 with cosine decay to
0, batch 128, light augmentation (random shifts of up to 2 px and rotations of up to ~5 degrees,
filled with the background), 12 epochs. The weights go to assets/lenet_<dataset>.weights.h5 and
their sha256 into assets/SHA256SUMS.

Usage:

    python benchmarks/train_lenet.py --dataset mnist            # train, save, print test accuracy
    python benchmarks/train_lenet.py --dataset mnist --scores   # also IS / FD numbers and timings
    python benchmarks/train_lenet.py --dataset mnist --scores-only   # metrics of shipped weights
"""

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

REPO = Path(__file__).resolve().parent.parent
TRAIN_SIZE = 55_000


def update_sha256sums(folder, filename, digest):
    """Replaces (or adds) the line of `filename` in folder/SHA256SUMS, keeping the others."""
    path = Path(folder) / "SHA256SUMS"
    lines = path.read_text().splitlines() if path.is_file() else []
    lines = [line for line in lines if line.split()[-1:] != [filename] and line.strip()]
    lines.append(f"{digest}  {filename}")
    path.write_text("\n".join(sorted(lines, key=lambda s: s.split()[-1])) + "\n")


def train(args):
    from gankit import classifier
    from gankit.data import load_arrays

    x, y = load_arrays(args.dataset, "train")
    xt, yt = load_arrays(args.dataset, "test")
    if len(x) <= TRAIN_SIZE:
        sys.exit(f"{args.dataset} train split has {len(x)} images; expected more than {TRAIN_SIZE}.")
    (x, y), validation = classifier.split_validation(x, y, len(x) - TRAIN_SIZE)
    print(f"{args.dataset}: train {len(x)} (first), validation {len(validation[0])} (last), "
          f"test {len(xt)}; {args.epochs} epochs, seed {args.seed}", flush=True)
    start = time.perf_counter()
    model, history = classifier.fit_lenet(
        x, y, epochs=args.epochs, batch_size=args.batch_size,
        learning_rate=args.learning_rate, seed=args.seed, augment=not args.no_augment,
        cosine_decay=True, validation_data=validation, verbose=2,
    )
    seconds = time.perf_counter() - start
    test_acc = classifier.evaluate_accuracy(model, xt, yt)
    val_acc = history.history["val_accuracy"][-1]
    folder = Path(args.assets)
    folder.mkdir(parents=True, exist_ok=True)
    filename = classifier.weights_filename(args.dataset)
    model.save_weights(str(folder / filename))
    digest = classifier.sha256(folder / filename)
    update_sha256sums(folder, filename, digest)
    size_kb = (folder / filename).stat().st_size / 1024
    print(f"RESULT {args.dataset}: test accuracy {test_acc:.4f}, validation {val_acc:.4f}, "
          f"training {seconds:.0f} s, {model.count_params()} params, {size_kb:.0f} KB, "
          f"sha256 {digest}", flush=True)


def scores(args):
    from gankit import classifier, metrics
    from gankit.data import load_arrays

    os.environ["GANKIT_ASSETS_DIR"] = str(Path(args.assets).resolve())
    classifier._PRETRAINED_CACHE.pop(args.dataset, None)
    model = classifier.load_pretrained(args.dataset)
    x, _ = load_arrays(args.dataset, "train")
    xt, yt = load_arrays(args.dataset, "test")
    print(f"test accuracy of shipped weights: {classifier.evaluate_accuracy(model, xt, yt):.4f}")
    metrics.inception_score(xt[:500], model)  # warm up (tracing) before timing
    t0 = time.perf_counter()
    mean, std = metrics.inception_score(xt, model, splits=10, seed=0)
    t_is = time.perf_counter() - t0
    print(f"IS of the real {args.dataset} test set (10 splits of 1k): {mean:.3f} +/- {std:.3f} "
          f"({t_is:.1f} s for {len(xt)} images)")
    t0 = time.perf_counter()
    fake_stats = metrics.statistics(xt, model)
    t_fd10k = time.perf_counter() - t0
    real_stats = metrics.statistics(x, model)
    fd = metrics.frechet_distance(real_stats, fake_stats)
    import numpy as np

    half = np.random.default_rng(0).permutation(len(xt))
    fd_halves = metrics.frechet_distance(xt[half[:5000]], xt[half[5000:]], model)
    fd_first_last = metrics.frechet_distance(xt[:5000], xt[5000:], model)
    t0 = time.perf_counter()
    metrics.frechet_distance(real_stats, xt, model)
    t_fd = time.perf_counter() - t0
    print(f"FD(test, train) = {fd:.3f}; FD between random 5k halves of test = {fd_halves:.3f}; "
          f"FD(test[:5k], test[5k:]) = {fd_first_last:.3f} (the official halves differ)")
    print(f"FD of 10k images against cached statistics: {t_fd:.1f} s "
          f"(features of 10k: {t_fd10k:.1f} s)")
    cov = metrics.class_coverage(xt, model)
    print(f"class coverage of the test set: covered {cov['covered']}, "
          f"entropy {cov['entropy']:.4f}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", choices=["mnist", "fashion_mnist", "colored_mnist"],
                        default="mnist")
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-augment", action="store_true")
    parser.add_argument("--assets", default=str(REPO / "assets"))
    parser.add_argument("--scores", action="store_true", help="also measure IS/FD and timings")
    parser.add_argument("--scores-only", action="store_true", help="only measure, no training")
    args = parser.parse_args(argv)
    if not args.scores_only:
        train(args)
    if args.scores or args.scores_only:
        scores(args)


if __name__ == "__main__":
    main()
