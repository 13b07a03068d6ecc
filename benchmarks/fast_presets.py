"""gankit's fast presets as a user runs them: `gankit train --model NAME` with default epochs.

For each preset (default `fast-dcgan` and `fast-cgan`) this trains the preset exactly as the
command line does (`gankit.training.train`, resumable run folders under `--out`), scores
10,000 samples with the shipped LeNet (Inception Score over 10 shuffled splits, conditional
accuracy for `fast-cgan`, Fréchet distance to the real test set) and writes
`docs/results/fast_presets.md` with the training minutes next to the issue's marks and
report 003's values, plus each preset's last sample grid. When the tuning log of
`benchmarks/tune_fast_presets.py` is given (`--tuning-log`), the candidates it measured are
tabled too (IS after each epoch), so the page shows why the presets are what they are.

Usage:
    python benchmarks/fast_presets.py                       # both presets, default epochs
    python benchmarks/fast_presets.py --presets fast-dcgan --tuning-log benchmarks/out/tune_fast_presets.jsonl
"""

import argparse
import json
import os
import shutil
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from results_page import RESULTS_DIR, markdown_table, write_page  # noqa: E402

import gankit  # noqa: E402

# What each preset must reach (issue 10) and what report 003 got with its own nets (30 epochs,
# its own LeNet; Table 1): DCGAN IS 9.026, best CGAN 10.029 and 99.7 %.
MARKS = {
    "fast-dcgan": {"minutes": 10, "inception_score": 9.0, "report": "DCGAN: IS 9.026 ± 0.043"},
    "fast-cgan": {"minutes": 5, "inception_score": 9.7, "conditional_accuracy": 0.99,
                  "report": "best CGAN: IS 10.029 ± 0.028, LeNet-on-synthetic 99.7 %"},
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presets", nargs="+", default=list(MARKS))
    parser.add_argument("--epochs", type=int, default=None, help="default: each preset's own")
    parser.add_argument("--evaluate-n", type=int, default=10000)
    parser.add_argument("--steps-per-epoch", type=int, default=None, help="quick tests only")
    parser.add_argument("--limit", type=int, default=None, help="quick tests only")
    parser.add_argument("--tuning-log", default=None, help="JSON lines of tune_fast_presets.py")
    parser.add_argument("--out", default=os.path.join("benchmarks", "out", "fast_presets"))
    parser.add_argument("--results-dir", default=RESULTS_DIR)
    return parser.parse_args(argv)


def run_preset(name, args):
    """Trains (or resumes) one preset and returns its row of results."""
    out = os.path.join(args.out, name)
    start = time.perf_counter()
    result = gankit.training.train(
        name, out, epochs=args.epochs, steps_per_epoch=args.steps_per_epoch, limit=args.limit,
        evaluate_n=args.evaluate_n, progress=lambda line: print(f"  [{name}] {line}", flush=True))
    minutes_path = os.path.join(out, "train_minutes.json")  # minutes over all (resumed) runs
    done = json.load(open(minutes_path)) if os.path.exists(minutes_path) else {}
    done[str(result["epochs"])] = done.get(str(result["epochs"]), 0.0) + result[
        "train_minutes_this_run"]
    with open(minutes_path, "w") as f:
        json.dump(done, f)
    grids = sorted(os.listdir(os.path.join(out, "samples")))
    grid = [g for g in grids if g.endswith(".png")][-1]
    os.makedirs(args.results_dir, exist_ok=True)
    shutil.copy(os.path.join(out, "samples", grid), os.path.join(args.results_dir, f"{name}.png"))
    return {"preset": name, "epochs": result["epochs"], "minutes": sum(done.values()),
            "wall_minutes": (time.perf_counter() - start) / 60, **result}


def _mark(value, target, fmt):
    if value is None:
        return "—"
    return f"{fmt.format(value)} ({'met' if value >= target else 'not met'}: ≥ {fmt.format(target)})"


def results_table(rows):
    body = []
    for row in rows:
        mark = MARKS.get(row["preset"], {})
        acc = row.get("conditional_accuracy")
        minutes = row["minutes"]
        limit = mark.get("minutes")
        body.append([
            f"`{row['preset']}`", row["epochs"],
            f"{minutes:.1f}" + (f" ({'within' if minutes <= limit else 'over'} {limit})"
                                if limit else ""),
            _mark(row.get("inception_score"), mark.get("inception_score", 0), "{:.2f}")
            + f" ± {row.get('inception_score_std', 0):.2f}",
            _mark(acc, mark.get("conditional_accuracy", 0), "{:.3f}") if acc is not None else "—",
            f"{row.get('frechet_distance', float('nan')):.2f}",
            f"{row.get('classes_covered', '—')}/10", mark.get("report", ""),
        ])
    return markdown_table(
        ["preset", "epochs", "training minutes", "Inception Score (10k)", "conditional accuracy",
         "Fréchet distance (LeNet)", "classes", "report 003 (30 epochs, its nets)"], body)


def tuning_runs(path):
    """The tuning log's runs: `(candidate, rows)`, a new run wherever a candidate's epochs restart."""
    runs = []
    for line in open(path):
        if not line.strip():
            continue
        row = json.loads(line)
        same = [r for r in runs if r[0] == row["candidate"] and r[1][-1]["epoch"] < row["epoch"]]
        if same and row["epoch"] > 1:
            same[-1][1].append(row)
        else:
            runs.append((row["candidate"], [row]))
    return runs


def tuning_table(path):
    """One line per run of the tuning log: IS after each epoch, the last epoch's accuracy, and
    the same for the moving average of G's weights where the candidate kept one."""
    def curve(rows, key):
        return " → ".join("—" if r.get(key) is None else f"{r[key]:.2f}" for r in rows)

    def accuracy(row, key):
        acc = row.get(key)
        return "—" if acc is None or acc != acc else f"{acc:.3f}"

    body = []
    for name, rows in tuning_runs(path):
        last = rows[-1]
        label = f"`{name}`"
        if "ema_inception_score" in last and "ema_is_std" not in last:
            label += " (average kept by a callback, no warm-up)"
        average = ("—" if "ema_inception_score" not in last else
                   f"{curve(rows, 'ema_inception_score')}; "
                   f"{accuracy(last, 'ema_conditional_accuracy')}")
        body.append([label, last["epoch"], f"{last['train_minutes']:.1f}",
                     curve(rows, "inception_score"), accuracy(last, "conditional_accuracy"),
                     average])
    return markdown_table(["candidate", "epochs", "minutes (loaded machine)",
                           "IS after each epoch", "cond. accuracy (last)",
                           "moving average of G: IS after each epoch; cond. accuracy"], body)


def main(argv=None):
    args = parse_args(argv)
    unknown = [p for p in args.presets if p not in gankit.presets.names()]
    if unknown:
        raise SystemExit(f"unknown presets {unknown}; choose from {gankit.presets.names()}")
    start = time.perf_counter()
    rows = [run_preset(name, args) for name in args.presets]
    body = [
        "Each preset trained with its default epochs through `gankit train`'s code path, then "
        f"{args.evaluate_n:,} samples scored by the shipped MNIST LeNet (real test set: "
        "IS 9.745 ± 0.033). Minutes are training time only (sample grids and checkpoints "
        "included, scoring excluded), summed over resumed runs.", "",
        results_table(rows)]
    if args.tuning_log and os.path.exists(args.tuning_log):
        body += ["", "## How they were chosen", "",
                 "Candidates of `benchmarks/tune_fast_presets.py` (10,000 samples scored after "
                 "every epoch; `u`: plain unconditional compact DCGAN, `s`: self-conditioned on "
                 "`kN` k-means clusters, `c`: conditional; `decay`: learning rates falling "
                 "linearly to 0 over the run; `emaM`: a moving average of G's weights with "
                 "momentum M, scored beside the weights themselves; one line per run):", "",
                 tuning_table(args.tuning_log)]
    path = write_page("fast_presets", "gankit's fast presets on this CPU", "\n".join(body),
                      minutes=(time.perf_counter() - start) / 60,
                      images=[f"{row['preset']}.png" for row in rows],
                      out_dir=args.results_dir)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
