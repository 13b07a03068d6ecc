"""Issue 10's two Table 3 marks for several generators: synthetic only and 1 % real.

Runs report 003's retraining study (`gankit.retraining_study`, strategy "mixed", 55,000 images)
at 0 % and 1 % real images for every generator checkpoint given, with the LeNet recipes of
`--recipes` (`plain`: report 003's; `light`: random shifts and rotations; `handwriting`:
stronger augmentation with stroke widths and a cosine learning-rate decay; see `RECIPES`), and
writes
`docs/results/report003_table3_marks.md`: each generator's conditional accuracy, Inception Score
and Fréchet distance beside the test accuracy of the LeNets trained on its samples. It answers
"does a better generator make a better training set?".

Each `--mixture` (the option may be repeated) adds one more generator: the checkpoints given
there sampled together, each drawing an equal share of the 55,000 images
(`gankit.studies.GeneratorMixture`).

`--filtered-recipes` measures every generator a second time through
`gankit.studies.FilteredGenerator`: each sample the shipped MNIST LeNet does not recognise as
its label is redrawn (rejection sampling), with those LeNet recipes. Not report 003's method:
the page says so beside those rows. `--filtered-noise-scales` draws those samples from noise of
other standard deviations too (one set of filtered rows each; wider noise gives more varied
digits, and the filter redraws the unfaithful ones).

Every cell is appended to the study CSV of `report003_table3.py` for that checkpoint's `--out`
folder at once (one folder per checkpoint under `--out`), so rerunning continues.

Example (about 3 minutes per generator without augmentation, 5 with, on 2 cores):

```
python benchmarks/report003_table3_marks.py \
    --checkpoints benchmarks/out/fast_presets/fast-cgan benchmarks/out/fast-cgan-15 --epochs 10 \
    --mixture benchmarks/out/fast_presets/fast-cgan/checkpoints/*.keras
```
"""

import argparse
import hashlib
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import report003_table3 as table3  # noqa: E402
from results_page import RESULTS_DIR, markdown_table, mnist_splits, write_page  # noqa: E402

FRACTIONS = (0.0, 0.01)

RECIPES = {
    # name: (augment of gankit.retraining_study, cosine_decay)
    "plain": (False, False),
    "light": ("light", False),
    "handwriting": ("handwriting", True),
}
"""LeNet training recipes: `plain` is report 003's (Adam 1e-3, constant), the others are not."""


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--checkpoints", nargs="+", default=[],
                   help="run folders (of `gankit train`) or .keras files of conditional GANs")
    p.add_argument("--mixture", nargs="+", action="append", default=[],
                   help="run folders or .keras files sampled together as one more generator "
                        "(an equal share each; gankit.studies.GeneratorMixture); repeat the "
                        "option for several mixtures")
    p.add_argument("--epochs", type=int, default=10, help="LeNet epochs per cell (report: 30)")
    p.add_argument("--total", type=int, default=55000)
    p.add_argument("--recipes", nargs="+", choices=sorted(RECIPES), default=["plain", "light"],
                   help="LeNet training recipes, one row each (default: plain light)")
    p.add_argument("--no-augment", action="store_true", help="plain LeNets only (--recipes plain)")
    p.add_argument("--filtered-recipes", nargs="+", choices=sorted(RECIPES), default=[],
                   help="also measure every generator through gankit.studies.FilteredGenerator "
                        "(samples the shipped LeNet does not recognise as their label are "
                        "redrawn), with these LeNet recipes (default: none)")
    p.add_argument("--filtered-noise-scales", nargs="+", type=float, default=[1.0],
                   help="standard deviations of the filtered generators' noise, one set of "
                        "filtered rows each (default: 1, as trained)")
    p.add_argument("--evaluate-n", type=int, default=10000)
    p.add_argument("--limit-real", type=int, default=None, help="quick tests only")
    p.add_argument("--limit-test", type=int, default=None, help="quick tests only")
    p.add_argument("--validation", type=int, default=5000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=os.path.join(table3.ROOT, "benchmarks", "out",
                                                 "report003_table3_marks"))
    p.add_argument("--results-dir", default=RESULTS_DIR)
    args = p.parse_args(argv)
    if args.epochs < 1 or args.total < 1:
        p.error("--epochs and --total must be positive")
    if not args.checkpoints and not args.mixture:
        p.error("give --checkpoints, --mixture or both")
    if args.no_augment:
        args.recipes = ["plain"]
    args.recipes = list(dict.fromkeys(args.recipes))
    args.filtered_recipes = list(dict.fromkeys(args.filtered_recipes))
    args.filtered_noise_scales = list(dict.fromkeys(args.filtered_noise_scales))
    if any(not s > 0 for s in args.filtered_noise_scales):
        p.error("--filtered-noise-scales must be positive")
    return args


def _folder(args, checkpoint):
    name = table3.shown_path(checkpoint).replace(os.sep, "_").replace(".", "_")
    return os.path.join(args.out, name)


def _load(checkpoint):
    from gankit.cli import CLIError, load_model

    try:
        model = load_model(checkpoint)
    except CLIError as err:
        sys.exit(f"report003_table3_marks: {err}")
    if not getattr(model, "num_classes", None):
        sys.exit(f"report003_table3_marks: {checkpoint} is not a conditional GAN.")
    return model


def measure(args, checkpoint, real, test, filtered=False, noise_scale=1.0):
    """Rows `{recipe, fraction, accuracy, ...}`, the generator's scores and its file(s).

    `checkpoint`: a run folder or `.keras` file, or a list of them sampled as one
    `GeneratorMixture`. `filtered`: sample it through a `FilteredGenerator` (the shipped
    MNIST LeNet) with noise of standard deviation `noise_scale`, and train with
    `args.filtered_recipes` instead of `args.recipes`.
    """
    from gankit import studies

    if isinstance(checkpoint, str):
        model, file = _load(checkpoint), table3.latest_checkpoint(checkpoint)
        out = _folder(args, checkpoint)
    else:
        files = [table3.latest_checkpoint(c) for c in checkpoint]
        model, file = studies.GeneratorMixture([_load(f) for f in files]), files
        digest = hashlib.sha256("\n".join(map(os.path.abspath, files)).encode()).hexdigest()
        out = os.path.join(args.out, f"mixture_of_{len(files)}_{digest[:10]}")
    if filtered:
        model = studies.FilteredGenerator(model, noise_scale=noise_scale)
        out += "_filtered" + (f"_noise{noise_scale:g}".replace(".", "_")
                              if noise_scale != 1 else "")
    os.makedirs(out, exist_ok=True)
    try:
        scores = table3.generator_scores(model, file, args.evaluate_n, out)
        rows = []
        for recipe in args.filtered_recipes if filtered else args.recipes:
            augment, cosine_decay = RECIPES[recipe]
            settings = argparse.Namespace(**{**vars(args), "augment": augment,
                                             "cosine_decay": cosine_decay})
            found = studies.retraining_study(
                model, real, test, total=args.total, fractions=FRACTIONS, strategies=["mixed"],
                epochs=args.epochs, csv_path=os.path.join(out, table3.csv_name(settings)),
                seed=args.seed, validation=args.validation, augment=augment,
                cosine_decay=cosine_decay)
            rows += [{**r, "recipe": recipe} for r in found]
    except ValueError as err:
        if not filtered:
            raise
        sys.exit(f"report003_table3_marks: {err}")
    if filtered:
        scores = {**scores, **_acceptance(model, out)}
    return rows, scores, file


def _acceptance(filtered, out):
    """`{"kept": share of drawn samples kept}` over every run of the folder `out` (a JSON file)."""
    import json

    path = os.path.join(out, "filter_acceptance.json")
    counts = json.load(open(path)) if os.path.isfile(path) else {"drawn": 0, "kept": 0}
    if filtered.drawn:
        counts = {"drawn": counts["drawn"] + filtered.drawn, "kept": counts["kept"] + filtered.kept}
        with open(path, "w") as f:
            json.dump(counts, f)
    return {"kept": counts["kept"] / counts["drawn"]} if counts["drawn"] else {}


def _run_folders(args):
    """`(folder, how it was trained)` for each `gankit train` run folder behind the generators.

    A checkpoint `RUN/checkpoints/x.keras` (or the folder `RUN`) names its run by the
    `metrics.json` that `gankit train` writes there: preset, epochs and seed.
    """
    import json

    folders = []
    for checkpoint in [*args.checkpoints, *(f for files in args.mixture for f in files)]:
        path = os.path.abspath(checkpoint)
        folder = path if os.path.isdir(path) else os.path.dirname(path)
        if os.path.basename(folder) == "checkpoints":
            folder = os.path.dirname(folder)
        if folder not in folders and os.path.isfile(os.path.join(folder, "metrics.json")):
            folders.append(folder)
    runs = []
    for folder in folders:
        try:
            with open(os.path.join(folder, "metrics.json")) as f:
                metrics = json.load(f)
            text = f"`gankit train --model {metrics['model']}`, {metrics['epochs']} epochs"
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if "seed" in metrics:
            text += f", seed {metrics['seed']}"
        runs.append((folder, text))
    return runs


def _generator_name(key, file):
    """`key`: `(name, filtered, noise_scale)`, the name a checkpoint path or `"mixture i"`."""
    name, filtered, noise_scale = key
    shown = (f"`{table3.shown_path(file)}`" if isinstance(file, str) else
             f"{name} ({len(file)} checkpoint{'s' if len(file) != 1 else ''}, below)")
    if noise_scale != 1:
        shown += f", noise std {noise_scale:g}"
    return shown + (", filtered by the shipped LeNet" if filtered else "")


def marks_table(results, args):
    lines = []
    for key, (rows, scores, file) in results.items():
        for recipe in args.filtered_recipes if key[1] else args.recipes:
            cells = []
            for _, fraction, _, target in table3.MARKS:
                row = next((r for r in rows if r["recipe"] == recipe
                            and abs(r["fraction"] - fraction) < 1e-12), None)
                cells.append("" if row is None else
                             f"{table3.pct(row['accuracy'], 2)}"
                             f" ({'met' if row['accuracy'] >= target else 'not met'})")
            lines.append([_generator_name(key, file),
                          table3.pct(scores.get("conditional_accuracy"), 2),
                          f"{scores.get('inception_score', float('nan')):.3f}",
                          f"{scores.get('frechet_distance', float('nan')):.2f}",
                          recipe, *cells])
    headers = ["generator checkpoint", "conditional accuracy (%)", "Inception Score",
               "FID (LeNet)", "LeNet recipe"]
    headers += [f"{label}: test accuracy (%), mark {table3.pct(target)}"
                for label, _, _, target in table3.MARKS]
    return markdown_table(headers, lines)


def _kept_text(results):
    """" (of all the samples drawn, a-b % were kept[ at noise std s])" per noise scale, or ""."""
    kept = {}
    for (_, filtered, noise_scale), (_, scores, _) in results.items():
        if filtered and "kept" in scores:
            kept.setdefault(noise_scale, []).append(scores["kept"])
    if not kept:
        return ""
    parts = [f"{100 * min(k):.1f}-{100 * max(k):.1f} %"
             + (f" at noise std {scale:g}" if len(kept) > 1 or scale != 1 else "")
             for scale, k in kept.items()]
    return f" (of all the samples drawn, {', '.join(parts)} were kept)"


def main(argv=None):
    args = parse_args(argv)
    start = time.perf_counter()
    real, test = mnist_splits(args.limit_real, args.limit_test)
    generators = {c: c for c in args.checkpoints}
    generators.update((f"mixture {i}", list(files)) for i, files in enumerate(args.mixture, 1))
    results = {}  # (name, filtered, noise_scale) -> (rows, scores, file)
    variants = [(False, 1.0)] + [(True, s) for s in args.filtered_noise_scales
                                 if args.filtered_recipes]
    for filtered, noise_scale in variants:
        for name, generator in generators.items():
            results[name, filtered, noise_scale] = measure(args, generator, real, test,
                                                           filtered, noise_scale)
    minutes = sum(r["seconds"] for rows, _, _ in results.values() for r in rows) / 60
    report = ", ".join(f"{label} {table3.pct(value)} %" for label, _, value, _ in table3.MARKS)
    body = [
        f"Strategy \"mixed\" of report 003's Table 3: a fresh LeNet per cell, {args.epochs} "
        f"epochs (Adam 1e-3, batch 128) on {args.total:,} images, the real ones a "
        "class-balanced subset of MNIST's training images and the rest class-balanced samples "
        f"of the generator; tested on the {len(test[0]):,} real test images. Report 003 "
        f"(its CGAN: conditional accuracy 99.7 %, IS 10.029; 30 LeNet epochs): {report}.", "",
        marks_table(results, args)]
    notes = [f"LeNet recipe `{name}`: {table3.recipe_text(*RECIPES[name])}"
             + (" (report 003's recipe)." if name == "plain" else "; not the report's recipe.")
             for name in dict.fromkeys(args.recipes + args.filtered_recipes)]
    if args.filtered_recipes:
        notes.append(
            "Filtered by the shipped LeNet (`gankit.studies.FilteredGenerator`, not report "
            "003's method): every sample that the shipped MNIST LeNet does not classify as its "
            "label is redrawn with fresh noise until it does"
            + _kept_text(results)
            + ". That LeNet learned from MNIST's 50k real training digits (the GAN's own training "
            "data; never the test digits), so the LeNets of these rows also learn from its "
            "judgement. Their conditional accuracy is by that same LeNet, hence about 100 %.")
    runs = _run_folders(args)
    if runs:
        notes.append("The generators' run folders, each written by `gankit train`: " + "; ".join(
            f"`{table3.shown_path(folder)}`: {text}" for folder, text in runs) + ".")
    for i in range(1, len(args.mixture) + 1):
        files = results[f"mixture {i}", False, 1.0][2]
        notes.append(f"Mixture {i} (`gankit.studies.GeneratorMixture`): the synthetic images "
                     f"drawn in {len(files)} equal shares, one from each of "
                     + ", ".join(f"`{table3.shown_path(f)}`" for f in files) + ".")
    page = write_page("report003_table3_marks", "Report 003, Table 3: issue 10's marks for "
                      "several generators", "\n".join(body), minutes=minutes, notes=notes,
                      out_dir=args.results_dir)
    print(f"[report003_table3_marks] wrote {page} ({(time.perf_counter() - start) / 60:.1f} min "
          "this run)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
