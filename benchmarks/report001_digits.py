"""Report 001's digit comparisons on the CPU: residual blocks 2 / 6 / 9, patch vs whole-image vs
random-crop discriminator, MNIST <-> colored MNIST (or MNIST <-> SVHN), with label preservation.

Every configuration is the `cyclegan-digits` preset (`--setting svhn`: `cyclegan-svhn`) with one
thing changed, trained by `gankit.training.train` with a shared budget (`--epochs`, `--images`
per domain) into `OUT/<setting>/<config>/`. It is then scored: the share of 1,000 translated test
digits that the TARGET domain's shipped LeNet classifies as their source label, both ways
(`gankit.metrics.translation.label_preservation`), and the Fréchet distance of the translations
to real target images on that LeNet's features. Results are cached in
`OUT/<setting>/<config>/result.json`: a rerun skips finished configurations, and an interrupted
configuration resumes from its last epoch checkpoint. The script ends by writing
`docs/results/report001_digits.md` (or `report001_svhn.md`) and one translation panel per
configuration next to it.

Usage:

    GANKIT_OFFLINE=1 nice -n 5 python benchmarks/report001_digits.py            # all configs
    python benchmarks/report001_digits.py --configs res2-patch res2-crop8 --epochs 1 --images 500
    python benchmarks/report001_digits.py --setting svhn   # needs SVHN in $GANKIT_DATA_DIR/svhn
"""

import argparse
import dataclasses
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from results_page import command_line, markdown_table, write_page  # noqa: E402

import gankit  # noqa: E402
from gankit import presets  # noqa: E402
from gankit.files import atomic_write_json  # noqa: E402

OUT = os.path.join(HERE, "out", "report001_digits")


@dataclasses.dataclass(frozen=True)
class Config:
    """One row of the comparison: the preset with one network changed."""

    name: str
    residual_blocks: int
    discriminator: str  # "patch", "whole" or "crop"
    what: str
    report: str


# What report 001 found for each comparison (its Sections 5.3 and 5.4; it gives discriminator
# loss ranges, no accuracy).
_RESNET_FINDING = ("Sec. 5.3: D losses \"did not change much\" between 2, 6 and 9 blocks; \"2 "
                   "ResNet layers seem to be enough\"")
CONFIGS = {c.name: c for c in [
    Config("res2-patch", 2, "patch", "2 residual blocks, patch D (the preset)", _RESNET_FINDING),
    Config("res6-patch", 6, "patch", "6 residual blocks, patch D", _RESNET_FINDING),
    Config("res9-patch", 9, "patch", "9 residual blocks, patch D", _RESNET_FINDING),
    Config("res2-whole", 2, "whole", "2 residual blocks, whole-image (vanilla) D",
           "Sec. 5.4: vanilla D_A loss 0.05-0.25 (less stable than the crop D)"),
    Config("res2-crop", 2, "crop", "2 residual blocks, random-crop D (8x8 MNIST, 9x9 SVHN)",
           "Sec. 5.4: crop D_A loss 0.215-0.265, \"more stable\"; D_B less so; Sec. 5.6: the "
           "9x9 crop \"had drastic effect\" on MNIST <-> SVHN"),
]}

SETTINGS = {
    # setting: (preset, crop size of the random-crop D, page name, title)
    "colored": ("cyclegan-digits", 8, "report001_digits",
                "Report 001: MNIST <-> colored MNIST CycleGAN comparisons"),
    "svhn": ("cyclegan-svhn", 9, "report001_svhn", "Report 001: MNIST <-> SVHN CycleGAN comparisons"),
}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--setting", choices=sorted(SETTINGS), default="colored")
    p.add_argument("--configs", nargs="+", choices=sorted(CONFIGS), default=list(CONFIGS),
                   metavar="CONFIG", help=f"subset of: {', '.join(CONFIGS)}")
    p.add_argument("--epochs", type=int, default=None, help="default: the preset's")
    p.add_argument("--images", type=int, default=None,
                   help="training images per domain (default: the preset's)")
    p.add_argument("--test-images", type=int, default=1000, help="per direction, for the scores")
    p.add_argument("--g-filters", type=int, default=None, help="default: the preset's")
    p.add_argument("--d-filters", type=int, default=None, help="default: the preset's")
    p.add_argument("--batch-size", type=int, default=None, help="default: the preset's")
    p.add_argument("--steps-per-epoch", type=int, default=None, help="default: one pass")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-jit", action="store_true", help="no XLA (default: timed choice)")
    p.add_argument("--out", default=OUT, help="run folders and cached results")
    p.add_argument("--results-dir", default=None, help="page and panels (default docs/results)")
    p.add_argument("--note", action="append", default=[],
                   help="a paragraph for the page, e.g. what else ran on the machine")
    return p.parse_args(argv)


def variant(setting, config):
    """The setting's preset with `config`'s discriminator (residual blocks go to `train`)."""
    name, crop, _, _ = SETTINGS[setting]
    preset = presets.get(name)
    builder = presets.report001_digits_builder(
        discriminator=config.discriminator, crop_size=crop if config.discriminator == "crop" else None)
    return dataclasses.replace(preset, name=f"{name}/{config.name}", builder=builder)


def test_sets(setting, model, k):
    """`(a_x, a_y, b_x, b_y)`: k labelled test images of each domain, shaped as the model's."""
    from gankit import data
    from gankit.metrics.translation import fit_to_size

    if setting == "colored":
        a_x, a_y = data.load_arrays("mnist", "test")
        b_x, b_y = data.load_arrays("colored_mnist", "test")
        # unpaired: the colored digits are other digits than the MNIST ones
        a_x, a_y, b_x, b_y = a_x[:k], a_y[:k], b_x[-k:], b_y[-k:]
    else:
        a_x, a_y = data.load_arrays("mnist", "test")
        b_x, b_y = data.load_arrays("svhn", "test")
        a_x, a_y, b_x, b_y = a_x[:k], a_y[:k], b_x[:k], b_y[:k]
    a_x = gankit.images.to_float(a_x)
    h, w, c = model.image_shape_a
    a_x = fit_to_size(a_x, h, w)
    if a_x.shape[-1] != c:
        a_x = np.repeat(a_x, c, axis=-1)
    return a_x, a_y, gankit.images.to_float(b_x), b_y


def target_classifiers(setting):
    """The shipped LeNet scoring translations INTO A and INTO B (None: not shipped)."""
    return "mnist", ("colored_mnist" if setting == "colored" else None)


def score(model, setting, k):
    """Label preservation and Fréchet distance both ways (None where no LeNet is shipped)."""
    from gankit.metrics.translation import label_preservation, translation_frechet_distance

    a_x, a_y, b_x, b_y = test_sets(setting, model, k)
    into_a, into_b = target_classifiers(setting)
    result = {}
    for key, clf, src, labels, real, direction in (("ab", into_b, a_x, a_y, b_x, "ab"),
                                                   ("ba", into_a, b_x, b_y, a_x, "ba")):
        if clf is None:
            result[f"label_{key}"] = result[f"fd_{key}"] = None
            continue
        result[f"label_{key}"] = label_preservation(model, src, labels, direction, clf)["accuracy"]
        result[f"fd_{key}"] = translation_frechet_distance(model, src, real, direction, clf)
    return result, (a_x[:8], b_x[:8])


class History:
    """Collects the epoch lines `gankit.training.train` reports (losses per epoch), to a file."""

    def __init__(self, path):
        self.path = path

    def __call__(self, line):
        print(line, flush=True)
        if line.startswith("epoch "):
            epoch = int(line.split()[1].split("/")[0])
            logs = dict(part.split("=") for part in line.split() if "=" in part)
            with open(self.path, "a", encoding="utf-8") as f:
                f.write(json.dumps({"epoch": epoch, **{k: float(v) for k, v in logs.items()}})
                        + "\n")

    def epochs(self):
        """The last logs of each epoch (a resumed run may repeat one)."""
        if not os.path.exists(self.path):
            return []
        by_epoch = {}
        with open(self.path, encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                by_epoch[row["epoch"]] = row
        return [by_epoch[e] for e in sorted(by_epoch)]


def run_config(args, config, results_dir):
    """Trains (or resumes) and scores one configuration; returns its cached result."""
    from gankit.callbacks import resume
    from gankit.callbacks.panels import translation_panel
    from gankit.training import train

    run = os.path.join(args.out, args.setting, config.name)
    done = os.path.join(run, "result.json")
    if os.path.exists(done):
        with open(done, encoding="utf-8") as f:
            result = json.load(f)
        print(f"{config.name}: finished earlier ({done}); skipped", flush=True)
        return result
    os.makedirs(run, exist_ok=True)
    preset = variant(args.setting, config)
    epochs = args.epochs or preset.epochs
    images = args.images or preset.limit
    minutes_path = os.path.join(run, "train_minutes.json")
    spent = 0.0
    if os.path.exists(minutes_path):
        with open(minutes_path, encoding="utf-8") as f:
            spent = json.load(f)["minutes"]
    history = History(os.path.join(run, "history.jsonl"))
    started = time.perf_counter()
    train(preset, run, epochs=epochs, limit=images, seed=args.seed, batch_size=args.batch_size,
          steps_per_epoch=args.steps_per_epoch, g_filters=args.g_filters,
          d_filters=args.d_filters, residual_blocks=config.residual_blocks,
          jit_compile=False if args.no_jit else "auto", progress=history)
    spent += (time.perf_counter() - started) / 60
    atomic_write_json(minutes_path, {"minutes": spent})
    model, _ = resume(os.path.join(run, "checkpoints"))
    scores, (panel_a, panel_b) = score(model, args.setting, args.test_images)
    page = SETTINGS[args.setting][2]
    panel = f"{page}_{config.name}.png"
    names = ("mnist", "colored" if args.setting == "colored" else "svhn")
    translation_panel(model, panel_a, panel_b, os.path.join(results_dir, panel), names=names)
    d_losses = {key: [row[key] for row in history.epochs() if key in row]
                for key in ("d_a_loss", "d_b_loss")}
    result = {"config": config.name, "epochs": epochs, "images": images, "minutes": spent,
              "params_g": int(model.generator_ab.count_params()),
              "params_d": int(model.discriminator_b.count_params()),
              "panel": panel, **scores, **d_losses}
    atomic_write_json(done, result)
    return result


def _percent(value):
    return "n/a" if value is None else f"{100 * value:.1f} %"


def _number(value):
    return "n/a" if value is None else f"{value:.2f}"


def _loss_range(values):
    return f"{min(values):.3f}-{max(values):.3f}" if values else "n/a"


def page_body(setting, results, test_images):
    a, b = "MNIST", "colored" if setting == "colored" else "SVHN"
    rows = []
    for config, r in results:
        rows.append([f"`{config.name}`: {config.what}", _percent(r["label_ab"]),
                     _percent(r["label_ba"]), _number(r["fd_ab"]), _number(r["fd_ba"]),
                     _loss_range(r["d_a_loss"]), _loss_range(r["d_b_loss"]),
                     f"{r['minutes']:.1f}", config.report])
    headers = ["configuration", f"label kept {a}->{b}", f"label kept {b}->{a}",
               f"FD {a}->{b}", f"FD {b}->{a}", "D_A loss (epoch means)", "D_B loss",
               "minutes", "report 001"]
    table = markdown_table(headers, rows, align=["l"] + ["r"] * 7 + ["l"])
    first = results[0][1]
    budget = (f"Shared budget: {first['epochs']} epochs on {first['images']} images per domain "
              f"per configuration; scored on {test_images} test digits per direction.")
    return budget + "\n\n" + table


TUNING_NOTE = ("How the preset's recipe was chosen, run by run: "
               "`benchmarks/tune_cyclegan_digits.py`.")

NOTES = [
    "Label kept: the share of translated test digits that the target domain's shipped LeNet "
    "(`gankit.classifier.load_pretrained`) classifies as the source digit's label. FD: Fréchet "
    "distance between the translations and real target images on that LeNet's penultimate "
    "features (lower is closer). D losses: the range of the epoch means of each "
    "discriminator's LSGAN loss, `0.5 * (mean((D(real) - 1)^2) + mean(D(fake)^2))`, the "
    "quantity report 001 plots in its Figs. 10 and 11.",
    "Report 001 compares these settings by their discriminator loss curves and by eye; it "
    "gives no accuracy. Its networks: generator 2 convs, 2 residual blocks, 2 deconvs; "
    "discriminator 3 convs with reflection padding (`gankit.nets.report001_generator`, "
    "`report001_discriminator`). Whole-image D: `gankit.nets.image_discriminator`; random-crop "
    "D: `report001_discriminator(crop_size=8)` (9 for SVHN), one crop per image, as the "
    "report's Section 4.2 describes.",
]


def main(argv=None):
    args = parse_args(argv)
    results_dir = args.results_dir or os.path.join(os.path.dirname(HERE), "docs", "results")
    started = time.perf_counter()
    results = [(CONFIGS[name], run_config(args, CONFIGS[name], results_dir))
               for name in args.configs]
    _, _, page, title = SETTINGS[args.setting]
    notes = [preset_note(args.setting), *NOTES, TUNING_NOTE, *args.note]
    command = command_line()
    for note in args.note:  # the notes are on the page; the command need not repeat them
        command = command.replace(f" --note {note}", "")
    path = write_page(page, title, page_body(args.setting, results, args.test_images),
                      command=command,
                      minutes=sum(r["minutes"] for _, r in results),
                      images=[r["panel"] for _, r in results], notes=notes, out_dir=results_dir)
    print(f"wrote {path} ({(time.perf_counter() - started) / 60:.1f} min this run)")
    return 0


def preset_note(setting):
    preset = presets.get(SETTINGS[setting][0])
    return f"The base recipe, preset `{preset.name}`: {preset.description}."


if __name__ == "__main__":
    sys.exit(main())
