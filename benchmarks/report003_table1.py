"""Report 003's Table 1: Inception Score and LeNet-on-synthetic accuracy of its DCGAN and CGANs.

Rows: the real MNIST test set (its IS under gankit's shipped MNIST LeNet, and a LeNet trained
on 55k real images with the report's recipe: its 99 % "upper bound"), the report's DCGAN (the
`dcgan` preset) and its CGAN variants (`gankit.nets.dcgan.TABLE_1_CGAN`; `--rows`), plus any
gankit preset (`--presets fast-cgan ...`). Each generator is trained with
`gankit.training.train` in its own run folder under `--out` (resumed when rerun), then scored on
10k samples (inference mode, shuffled balanced labels): IS as mean ± std over 10 shuffled
parts of 1k (as the report), conditional accuracy under the shipped LeNet, and the test
accuracy on real MNIST of a LeNet trained on 55k class-balanced samples (report recipe: Adam
1e-3, 30 epochs, batch 128, validated on the last 5k real training images). Finished rows are
cached in `--out/results.json`: a rerun skips them.

Example (the report's 30 epochs per generator; many CPU hours, see the README of the page):

```
python benchmarks/report003_table1.py --epochs 30
python benchmarks/report003_table1.py --epochs 5 --presets fast-cgan
```
"""

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from results_page import RESULTS_DIR, markdown_table, mnist_splits, write_page  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(ROOT, "benchmarks", "out", "report003_table1")

REAL = "MNIST test set (real)"

REPORT_TABLE_1 = {
    REAL: (99.0, 9.962, 0.044),
    "DCGAN": (None, 9.026, 0.043),
    "Base": (98.7, 9.982, 0.041),
    "Base + OSLS": (99.3, 10.032, 0.06),
    "Base + OSLS + Extra layer": (94.9, 9.75, 0.022),
    "Base + 2*num_filters + OSLS": (99.7, 10.029, 0.028),
    "Base + filter size of 4x4 + OSLS": (95.8, 9.74, 0.055),
    "Base + 2*num_filters + Dropout layer + OSLS": (99.3, 10.08, 0.037),
    "Base + num_filters/2": (95.3, 9.835, 0.038),
    "Base + num_filters/2 + 15 epochs": (92.1, 9.706, 0.029),
}
"""Report 003's Table 1: (LeNet-on-synthetic test accuracy %, IS mean, IS std) per row."""

CGAN_ROWS = {
    "base": "Base",
    "base-osls": "Base + OSLS",
    "base-osls-extra-layer": "Base + OSLS + Extra layer",
    "base-2x-filters-osls": "Base + 2*num_filters + OSLS",
    "base-4x4-osls": "Base + filter size of 4x4 + OSLS",
    "base-2x-filters-dropout-osls": "Base + 2*num_filters + Dropout layer + OSLS",
    "base-half-filters": "Base + num_filters/2",
    "base-half-filters-15-epochs": "Base + num_filters/2 + 15 epochs",
}
"""`--rows` names of the report's CGAN rows."""

DEFAULT_ROWS = ("real", "dcgan", "base", "base-osls", "base-2x-filters-osls")


def table1_preset(slug):
    """A `gankit.presets.Preset` for a Table 1 CGAN row: the `cgan` preset's recipe, its nets.

    Registered under `table1-<slug>` in this process only, so `gankit.training.train` (and
    its resume) can run it like any preset.
    """
    import dataclasses

    from gankit import models, nets, presets
    from gankit.nets.dcgan import TABLE_1_CGAN

    title = CGAN_ROWS[slug].replace(" + 15 epochs", "")
    g_kwargs, d_kwargs = TABLE_1_CGAN[title]
    smoothing = 0.1 if "OSLS" in title else 0.0
    cgan = presets.get("cgan")

    def build(shape, k, seed):
        return models.ConditionalGAN(
            nets.cgan_generator(image_shape=shape, num_classes=k, **g_kwargs),
            nets.cgan_discriminator(image_shape=shape, num_classes=k, **d_kwargs),
            num_classes=k, seed=seed)

    def compile_kwargs():
        return {**cgan.compile_kwargs(), "label_smoothing": smoothing}

    preset = dataclasses.replace(
        cgan, name=f"table1-{slug}", builder=build, compile_kwargs=compile_kwargs,
        description=f"report 003 Table 1 row {title!r} with the cgan preset's training recipe")
    presets.PRESETS.setdefault(preset.name, preset)
    return presets.PRESETS[preset.name]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=30,
                   help="GAN training epochs per row (report: 30; its '+ 15 epochs' row: half)")
    p.add_argument("--rows", nargs="+", default=list(DEFAULT_ROWS),
                   help=f"rows: real, dcgan, {', '.join(CGAN_ROWS)}")
    p.add_argument("--presets", nargs="+", default=[],
                   help="extra gankit presets to train and score as rows (e.g. fast-cgan)")
    p.add_argument("--lenet-epochs", type=int, default=30, help="LeNet epochs (report: 30)")
    p.add_argument("--lenet-total", type=int, default=55000,
                   help="synthetic (or real) images the LeNet trains on (report: 55000)")
    p.add_argument("--validation", type=int, default=5000,
                   help="real training images held out to validate the LeNet (report: 5000)")
    p.add_argument("--evaluate-n", type=int, default=10000, help="samples for IS (report: 10k)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--jit", choices=("auto", "on", "off"), default="auto",
                   help="XLA for GAN training (auto: timed once per model and cached)")
    p.add_argument("--limit", type=int, default=None, help="GAN training images (quick tests)")
    p.add_argument("--steps-per-epoch", type=int, default=None,
                   help="GAN steps per epoch (default: one pass; quick tests)")
    p.add_argument("--limit-real", type=int, default=None,
                   help="real training images for the LeNet (quick tests)")
    p.add_argument("--limit-test", type=int, default=None, help="real test images (quick tests)")
    p.add_argument("--out", default=DEFAULT_OUT, help="run folders and the results cache")
    p.add_argument("--results-dir", default=RESULTS_DIR,
                   help="where the page goes (default docs/results)")
    args = p.parse_args(argv)
    unknown = [r for r in args.rows if r not in ("real", "dcgan", *CGAN_ROWS)]
    if unknown:
        p.error(f"unknown rows {unknown}; choose from real, dcgan, {', '.join(CGAN_ROWS)}")
    from gankit import presets

    valid = [name for name in presets.names() if presets.get(name).dataset == "mnist"]
    bad = [name for name in args.presets if name not in valid]
    if bad:
        p.error(f"unknown or non-MNIST presets {bad}; choose from {', '.join(valid)}")
    if min(args.epochs, args.lenet_epochs, args.lenet_total, args.evaluate_n) < 1:
        p.error("--epochs, --lenet-epochs, --lenet-total and --evaluate-n must be positive")
    return args


def settings_key(args):
    """Results are reused only for the same settings."""
    return (f"epochs={args.epochs} lenet_epochs={args.lenet_epochs} lenet_total={args.lenet_total} "
            f"validation={args.validation} evaluate_n={args.evaluate_n} seed={args.seed} "
            f"limit={args.limit} steps={args.steps_per_epoch} limit_real={args.limit_real} "
            f"limit_test={args.limit_test}")


def load_cache(path):
    if not os.path.isfile(path):
        return {}
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}  # a cut-short write: recompute


def save_cache(path, cache):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(cache, f, indent=1)
    os.replace(tmp, path)


def lenet_accuracy(source, real, test, args):
    """Test accuracy of a LeNet trained with the report's recipe on `lenet_total` images.

    `source` None: real images (the 100 % real cell of the retraining study); else a
    conditional model whose class-balanced samples are the training set (the 0 % real cell).
    """
    from gankit import studies

    rows = studies.retraining_study(
        source if source is not None else real, real, test, total=args.lenet_total,
        fractions=(1.0 if source is None else 0.0,), strategies=("mixed",),
        epochs=args.lenet_epochs, seed=args.seed, validation=args.validation, verbose=0)
    return rows[0]["accuracy"], rows[0]["seconds"]


def train_row(preset, run_dir, epochs, args):
    """Trains (or resumes) a preset to `epochs`; returns the training minutes of all runs."""
    from gankit.callbacks import GANCheckpoint
    from gankit.training import train

    minutes_path = os.path.join(run_dir, "train_minutes.json")
    os.makedirs(run_dir, exist_ok=True)
    found = GANCheckpoint.latest(os.path.join(run_dir, "checkpoints"))
    if found and found[1] > epochs:
        raise ValueError(f"{run_dir} already holds {found[1]} epochs, more than --epochs "
                         f"{epochs}; use another --out (or --epochs {found[1]})")
    metrics = train(preset, run_dir, epochs=epochs, seed=args.seed, limit=args.limit,
                    steps_per_epoch=args.steps_per_epoch, evaluate_n=0,
                    jit_compile={"auto": "auto", "on": True, "off": False}[args.jit],
                    progress=lambda line: print(f"  [{preset}] {line}", flush=True))
    spent = load_cache(minutes_path).get("minutes", 0.0) + metrics["train_minutes_this_run"]
    save_cache(minutes_path, {"minutes": spent})
    return spent


def score_generator(model, real, test, args):
    from gankit.metrics.summary import evaluate_generator

    scores = evaluate_generator(model, "mnist", n=args.evaluate_n, seed=args.seed)
    result = {"is": scores["inception_score"], "is_std": scores["inception_score_std"],
              "fid": scores["frechet_distance"],
              "conditional_accuracy": scores.get("conditional_accuracy")}
    if getattr(model, "num_classes", None):
        result["lenet_accuracy"], result["lenet_seconds"] = lenet_accuracy(model, real, test, args)
    return result


def run_row(row, args, real, test):
    """Computes one row: a dict with title, epochs, train_minutes, is, is_std, accuracies."""
    from gankit.cli import load_model
    from gankit.metrics import inception_score

    if row == "real":
        mean, std = inception_score(test[0], "mnist", splits=10, seed=args.seed)
        acc, seconds = lenet_accuracy(None, real, test, args)
        return {"title": REAL, "epochs": None, "train_minutes": None, "is": mean, "is_std": std,
                "lenet_accuracy": acc, "lenet_seconds": seconds}
    if row == "dcgan" or row.startswith("preset:"):
        preset, title = ("dcgan", "DCGAN") if row == "dcgan" else (row[7:], f"gankit `{row[7:]}`")
        epochs = args.epochs
    else:
        preset, title = table1_preset(row).name, CGAN_ROWS[row]
        epochs = max(1, args.epochs // 2) if row.endswith("-15-epochs") else args.epochs
    run_dir = os.path.join(args.out, row.replace("preset:", "preset-"))
    minutes = train_row(preset, run_dir, epochs, args)
    result = score_generator(load_model(run_dir), real, test, args)
    return {"title": title, "epochs": epochs, "train_minutes": minutes, **result}


def fmt(value, spec):
    return "" if value is None else format(value, spec)


def page_table(results):
    lines = []
    for r in results:
        acc, is_mean, is_std = REPORT_TABLE_1.get(r["title"], (None, None, None))
        lines.append([
            r["title"], fmt(r["epochs"], "d") or "—", fmt(r["train_minutes"], ".1f") or "—",
            f"{r['is']:.3f} ± {r['is_std']:.3f}",
            "" if is_mean is None else f"{is_mean:.3f} ± {is_std:.3f}",
            fmt(r.get("lenet_accuracy") and 100 * r["lenet_accuracy"], ".1f") or "—",
            fmt(acc, ".1f") or "—",
            fmt(r.get("conditional_accuracy") and 100 * r["conditional_accuracy"], ".1f") or "—",
        ])
    return markdown_table(["row", "epochs", "train minutes", "IS (ours)", "IS (report)",
                           "LeNet accuracy % (ours)", "(report)", "conditional accuracy %"],
                          lines)


def main(argv=None):
    args = parse_args(argv)
    from gankit.cli import CLIError

    os.makedirs(args.out, exist_ok=True)
    real, test = mnist_splits(args.limit_real, args.limit_test)
    cache_path = os.path.join(args.out, "results.json")
    key = settings_key(args)
    results = []
    for row in [*args.rows, *(f"preset:{name}" for name in args.presets)]:
        cache = load_cache(cache_path)
        done = cache.get(key, {}).get(row)
        if done is None:
            print(f"[report003_table1] row {row}", flush=True)
            start = time.perf_counter()
            try:
                done = run_row(row, args, real, test)
            except (CLIError, ValueError, FileNotFoundError) as err:
                sys.exit(f"report003_table1: row {row}: {err}")
            done["row_minutes"] = (time.perf_counter() - start) / 60
            cache = load_cache(cache_path)
            cache.setdefault(key, {})[row] = done
            save_cache(cache_path, cache)
            print(f"[report003_table1] row {row} done: IS {done['is']:.3f}, LeNet accuracy "
                  f"{done.get('lenet_accuracy')} ({done['row_minutes']:.1f} min)", flush=True)
        else:
            print(f"[report003_table1] row {row}: cached in {cache_path}", flush=True)
        results.append(done)

    notes = [
        "Report 003's values are its Table 1. Real test set: IS of the "
        f"{len(test[0]):,} MNIST test images "
        "under gankit's shipped MNIST LeNet (the only one gankit ships; the report used its own "
        "LeNet), and the test accuracy of a LeNet trained on 55k real training images with the "
        "report's recipe (its 99 % upper bound). Generator rows: IS (mean ± std over 10 shuffled "
        f"parts of {args.evaluate_n // 10:,}) and conditional accuracy under the shipped LeNet "
        f"on {args.evaluate_n:,} samples; LeNet accuracy: a fresh LeNet trained on "
        f"{args.lenet_total:,} class-balanced samples for {args.lenet_epochs} epochs (Adam 1e-3, "
        f"batch 128, validated on {args.validation:,} held-out real images), tested on the "
        f"{len(test[0]):,} real test images. The DCGAN has no labels, so no LeNet accuracy "
        "(as in the report).",
        "CGAN rows use the `cgan` preset's recipe (Adam beta1 0.5, learning rate 2e-4 decaying "
        "x0.95 every 500 batches, batch 100) with the row's nets from "
        "`gankit.nets.dcgan.TABLE_1_CGAN`; OSLS is one-sided label smoothing 0.1.",
    ]
    if args.epochs != 30:
        notes.append(f"**Fewer epochs than the report**: the generators were trained for "
                     f"{args.epochs} epochs instead of 30 (the '+ 15 epochs' row: "
                     f"{max(1, args.epochs // 2)} instead of 15).")
    if args.lenet_epochs != 30 or args.lenet_total != 55000:
        notes.append(f"**Not the report's LeNet recipe**: {args.lenet_epochs} epochs on "
                     f"{args.lenet_total:,} images (report: 30 on 55,000).")
    minutes = sum(r.get("row_minutes", 0.0) for r in results)
    page = write_page("report003_table1", "Report 003, Table 1: Inception Score and "
                      "LeNet-on-synthetic accuracy", page_table(results), minutes=minutes,
                      notes=notes, out_dir=args.results_dir)
    print(f"[report003_table1] wrote {page}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
