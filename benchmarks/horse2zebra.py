"""horse2zebra end to end with report 000's LSGAN CycleGAN: train, panels, Table 1 (FID).

Trains the ``cyclegan-horse2zebra`` preset (ResNet generators with 9 residual blocks, report
000's instance-norm discriminators, LSGAN, lambda_cycle 10, identity 0.5, batch 1, jitter
286 -> 256) through ``gankit train``'s code path, so the run directory holds translation panels,
the loss curve and checkpoints and resumes when run again. Then it scores the test images as
report 000's Table 1: the Fréchet Inception Distance between each domain's originals and their
fake, recovered and identity images (the report, after 15 epochs: horses 268.82 / 172.11 /
136.58, zebras 204.98 / 84.91 / 63.42), printed as Markdown and written to ``OUT/table.md`` and
``OUT/table.json``.

Data: horse2zebra's ``trainA/trainB/testA/testB`` folders in ``$GANKIT_DATA_DIR/horse2zebra``
or the Keras cache, a prepared tfds ``cycle_gan/horse2zebra``, or any two folders with
``--data-a/--data-b`` (and ``--test-a/--test-b``). FID needs InceptionV3's ImageNet weights
locally (see ``gankit.metrics.inception_feature_extractor``); without them the table is skipped
and the script says why.

Usage::

    GANKIT_DATA_DIR=~/data .venv/bin/python benchmarks/horse2zebra.py --epochs 15
    # smoke run on two small folders, tiny nets, FID plumbing with random Inception weights:
    .venv/bin/python benchmarks/horse2zebra.py --data-a A --data-b B --image-size 32 \\
        --g-filters 4 --d-filters 4 --residual-blocks 1 --epochs 1 --steps-per-epoch 2 \\
        --fid-weights random --fid-image-size 75
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

from gankit import data  # noqa: E402
from gankit.callbacks import resume  # noqa: E402
from gankit.cli import CLIError, _not_found_line, train_cyclegan_run  # noqa: E402
from gankit.metrics.translation import (  # noqa: E402
    frechet_table_markdown,
    translation_frechet_table,
)

OUT = Path(__file__).resolve().parent / "out" / "horse2zebra"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=15, help="report 000 trained 15 epochs")
    parser.add_argument("--out", default=str(OUT))
    parser.add_argument("--data-a", default=None, help="folder of domain A training images")
    parser.add_argument("--data-b", default=None, help="folder of domain B training images")
    parser.add_argument("--test-a", default=None, help="folder of domain A test images")
    parser.add_argument("--test-b", default=None, help="folder of domain B test images")
    parser.add_argument("--image-size", type=int, default=256)
    parser.add_argument("--limit", type=int, default=None, help="training images per domain")
    parser.add_argument("--test-images", type=int, default=140,
                        help="test images per domain scored (horse2zebra has 120 / 140)")
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--steps-per-epoch", type=int, default=None)
    parser.add_argument("--g-filters", type=int, default=None)
    parser.add_argument("--d-filters", type=int, default=None)
    parser.add_argument("--residual-blocks", type=int, default=None)
    parser.add_argument("--fid-weights", default=None,
                        help="InceptionV3 weights: default the local ImageNet file; 'random' "
                             "tests the plumbing only")
    parser.add_argument("--fid-image-size", type=int, default=299)
    parser.add_argument("--no-jit", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def test_images(args):
    """Float images in [-1, 1] of both test domains, at the training size."""
    size = (args.image_size, args.image_size)
    folders = (args.test_a or args.data_a, args.test_b or args.data_b)
    if all(folders):
        arrays = [data.read_folder_arrays(f, size)[0] for f in folders]
    else:
        located = data.locate("horse2zebra")
        if located.source.read is None:
            arrays = [data.read_folder_arrays(Path(located.found) / s, size)[0]
                      for s in ("testA", "testB")]
        else:
            import keras

            arrays = [keras.ops.convert_to_numpy(keras.ops.image.resize(
                data.load_arrays("horse2zebra", s)[0].astype("float32"), size))
                for s in ("testA", "testB")]
    return [np.asarray(a[: args.test_images], "float32") / 127.5 - 1.0 for a in arrays]


def main(argv=None):
    args = parse_args(argv)
    out = Path(args.out)
    preset = "cyclegan-folder" if args.data_a or args.data_b else "cyclegan-horse2zebra"
    started = time.perf_counter()
    try:
        result = train_cyclegan_run(
            preset, args.epochs, out, args.batch_size, args.seed, args.limit,
            args.steps_per_epoch, not args.no_jit, data_a=args.data_a, data_b=args.data_b,
            image_size=args.image_size, g_filters=args.g_filters, d_filters=args.d_filters,
            residual_blocks=args.residual_blocks)
        horses, zebras = test_images(args)
    except CLIError as e:
        print(f"horse2zebra: {e}", file=sys.stderr)
        return 2
    except data.DatasetNotFoundError as e:
        print(f"horse2zebra: {_not_found_line(e)}", file=sys.stderr)
        return 2
    print(f"trained {result['epochs']} epochs in {(time.perf_counter() - started) / 60:.1f} min; "
          f"panels in {result['panels']}", flush=True)
    model, _ = resume(out / "checkpoints")
    try:
        rows = translation_frechet_table(model, horses, zebras, names=("Horses", "Zebras"),
                                         weights=args.fid_weights,
                                         image_size=args.fid_image_size)
    except FileNotFoundError as e:
        print(f"no FID table: {str(e).splitlines()[0]}")
        return 0
    table = frechet_table_markdown(rows)
    print(f"Fréchet Inception Distance to the originals ({len(horses)} horses, {len(zebras)} "
          f"zebras; weights {args.fid_weights or 'imagenet'}):\n{table}")
    (out / "table.md").write_text(table + "\n")
    (out / "table.json").write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
