# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lab 7 (instructors): grading a class folder of sample grids
#
# Every lab of this course ends with the student saving a grid of generated images. This notebook is
# for the person who then receives thirty of them. You will
#
# * make a small **class folder** of handed-in grids: a good one, a mode-collapsed one, pure noise, a
#   grid of the wrong layout, a Matplotlib "screenshot" of subplots, and a file that is not an image;
# * grade one grid with `gankit.check_grid` and read its report, check by check;
# * grade the whole folder with `gankit.grade_folder` into a CSV and read it as a table;
# * see where the pass marks come from (`gankit.grading.Thresholds`, the calibration run) and how to
#   change them;
# * do the same from the shell with `gankit grade`, and see how hostile files are refused
#   (`gankit.grading.SubmissionError`).
#
# No model is trained: the grids are cut from the real MNIST test set and bent into the usual
# failures, so every verdict below is known in advance (the last cell checks them).
#
# **Time**: under a minute on a 2-core laptop CPU (full mode 0.3 min measured); quick mode
# (`GANKIT_LAB_QUICK=1`, for CI) runs a smaller calibration and takes about as long. **Follows** no
# report: it is the grading side of labs 1 to 6 (the students' grids are the `SampleGrid` PNGs those
# labs write).

# %% [markdown]
# ## Setup

# %%
import gankit.labs

lab = gankit.labs.start("Lab 7: grading a class folder", seed=0)

import csv
import os
import shutil
import struct
import subprocess
import sys

import matplotlib.pyplot as plt
import numpy as np

import gankit
from gankit.grading import calibration

CALIBRATION_GRIDS = lab.pick(full=5, quick=1)   # grids per kind in the calibration run
CLASS = "lab07/class"                            # the class folder we hand in to ourselves
shutil.rmtree(CLASS, ignore_errors=True)
os.makedirs(CLASS)
images, classes = gankit.data.load_arrays("mnist", "test")   # uint8 (10000, 28, 28, 1), int labels
rng = np.random.default_rng(0)
print(images.shape, images.dtype, classes[:10])

# %% [markdown]
# ## 1. A class folder
#
# `grade_folder` takes the student's name from the first folder under the class folder
# (`class/alice/grid.png` → "alice") or, for a file directly in it, from the file name
# (`class/bob.png` → "bob"). We hand in six grids, each the way a real student might:
#
# | student | what they handed in | expected verdict |
# | --- | --- | --- |
# | alice | `save_grid` of 10x10 digits, one class per row, labels embedded | passes |
# | bob | one digit repeated 100 times with a little noise: a collapsed generator | fails *diversity* |
# | carol | uniform noise: a generator that never trained | fails *realism* (and more) |
# | dave | a 10x10 grid of 32x32 cells (padded like SVHN): the wrong layout | fails *layout* |
# | erin | a Matplotlib figure of 10x10 subplots, `imshow(cmap="gray")`, `axis("off")` | passes |
# | frank | a text file renamed `grid.png` | unusable |
#
# `gankit.save_grid` is what the labs' `SampleGrid` callback writes: a PNG whose layout (rows, columns,
# cell size, padding, labels, seed, epoch) travels inside the file, so the grader needs no guessing.

# %%
def pick(digit, n):
    """n random test images of one digit."""
    return images[rng.choice(np.flatnonzero(classes == digit), n, replace=False)]


# alice: a conditional grid, row r shows digit r, its labels embedded in the PNG.
good = np.concatenate([pick(d, 10) for d in range(10)])
gankit.save_grid(good, f"{CLASS}/alice/grid.png", rows=10, cols=10, labels=list(range(10)),
                 seed=0, model="cgan", epoch=20)

# bob: mode collapse, one image with +-4 grey levels of noise (unconditional, no labels).
one = images[rng.integers(len(images))].astype(np.int16)
collapsed = np.clip(one[None] + rng.integers(-4, 5, (100, 28, 28, 1)), 0, 255).astype(np.uint8)
gankit.save_grid(collapsed, f"{CLASS}/bob.png", rows=10, cols=10)

# carol: noise.
noise = rng.integers(0, 256, (100, 28, 28, 1), dtype=np.uint8)
gankit.save_grid(noise, f"{CLASS}/carol.png", rows=10, cols=10)

# dave: real digits, but padded to 32x32 cells.
padded = np.pad(images[rng.choice(len(images), 100, replace=False)], ((0, 0), (2, 2), (2, 2), (0, 0)))
gankit.save_grid(padded, f"{CLASS}/dave.png", rows=10, cols=10)

# erin: the tutorial way, a figure of subplots saved with savefig (no layout inside).
fig, axes = plt.subplots(10, 10, figsize=(6, 6))
for ax, cell in zip(axes.ravel(), images[rng.choice(len(images), 100, replace=False)]):
    ax.imshow(cell[..., 0], cmap="gray")
    ax.axis("off")
fig.suptitle("my GAN, epoch 20")
fig.savefig(f"{CLASS}/erin.png", dpi=80)
plt.close(fig)

# frank: not an image at all.
with open(f"{CLASS}/frank.png", "w") as f:
    f.write("I could not get the notebook to run, sorry!\n")

for root, _, files in sorted(os.walk(CLASS)):
    for name in sorted(files):
        path = os.path.join(root, name)
        print(f"{path:32s} {os.path.getsize(path):7,d} bytes")

# %% [markdown]
# Three of them side by side (alice, bob, erin): a good grid, a collapsed one, and the screenshot-style
# figure, which has white margins instead of a thin padding and cells resampled by `imshow`.

# %%
fig, axes = plt.subplots(1, 3, figsize=(9, 3), dpi=80)
for ax, path in zip(axes, [f"{CLASS}/alice/grid.png", f"{CLASS}/bob.png", f"{CLASS}/erin.png"]):
    ax.imshow(plt.imread(path), cmap="gray")
    ax.set_title(path.split("/", 2)[-1], fontsize=9)
    ax.axis("off")
plt.show()

# %% [markdown]
# ## 2. Grading one grid
#
# `gankit.check_grid(path, expect=...)` cuts the grid into cells and runs its checks in order. The
# `expect` dict says what you asked the students for: the dataset (its LeNet judges the cells, and it
# fixes the cell size, 28x28), and here the layout, 10 rows by 10 columns.
#
# * **layout**: rows, columns, cell size, every cell filled. If it fails, nothing else runs.
# * **contrast**: at most 10 % blank or saturated cells (a cell's grey-level standard deviation below 4).
# * **diversity**: at most 20 % near-duplicate cells: the mode-collapse check (two cells closer than an
#   RMS pixel distance of 0.03).
# * **realism**: at least half the cells look like real images *in pixel space* (reconstruction error
#   from the principal components of real images). This is needed because the MNIST LeNet is sure of
#   itself even on noise.
# * **confidence**: the LeNet's mean top-class probability (≥ 0.8 for MNIST, 0.7 for Fashion-MNIST).
# * **inception_score**: the Inception Score of the cells, in one split (≥ 5 for MNIST, 4 for
#   Fashion-MNIST, for a grid that shows every class; lower for grids that show fewer classes).
# * **coverage** (unconditional grids): at least 8 classes fill 3 or more of 100 cells each; or
#   **label_accuracy** (conditional grids): at least 80 % (Fashion-MNIST 70 %) of the cells are
#   classified as the class of their row.
#
# A grid whose PNG carries labels is graded as conditional; `expect={"conditional": False}` grades it
# as unconditional instead, and `{"conditional": True}` grades an unlabelled grid one class per row.

# %%
EXPECT = {"dataset": "mnist", "rows": 10, "cols": 10}
report = gankit.check_grid(f"{CLASS}/alice/grid.png", expect=EXPECT)
print(report.summary())
for check in report.checks:
    print(f"  {check.name:16s} {'ok    ' if check.passed else 'FAILED'} {check.message}")

# %% [markdown]
# And bob's collapsed grid: look at which checks fail and what the messages tell the student. The
# report is also available as JSON (`report.to_json()`), e.g. to send back with the mark.

# %%
report = gankit.check_grid(f"{CLASS}/bob.png", expect=EXPECT)
print(report.summary())
print("diversity details:", report["diversity"].details)

# %% [markdown]
# ## 3. Grading the whole folder
#
# `grade_folder` grades every `**/*.png` under the folder (the format is decided by the file's bytes,
# not its extension), writes one CSV row per submission, and never stops on a bad file: it becomes an
# *unusable* row with a one-line reason. The CSV has `student`, `file`, `status` (passed / failed /
# unusable), `message` (the failed checks' reasons) and, for every check, its value and `yes`/`no`.

# %%
result = gankit.grade_folder(CLASS, expect=EXPECT, csv_path="lab07/grades.csv", progress=print)
print(result.summary_line())

# %%
with open("lab07/grades.csv", newline="") as f:
    rows = list(csv.DictReader(f))
checks = ["layout", "contrast", "diversity", "realism", "confidence", "inception_score", "coverage",
          "label_accuracy"]


def shown(row, check):
    value, passed = row[f"{check}_value"], row[f"{check}_passed"]
    return "" if not passed else f"{value} {'✓' if passed == 'yes' else '✗'}"


table = gankit.labs.show_table(
    ["student", "status"] + checks,
    [[r["student"], r["status"]] + [shown(r, c) for c in checks] for r in rows])
for r in rows:
    print(f"{r['student']:6s} {r['status']:8s} {r['message']}")

# %% [markdown]
# What to read in the table:
#
# * **alice** passes everything; her label accuracy is the fraction of cells the LeNet puts in their
#   row's class.
# * **bob**'s cells are almost all duplicates of each other (diversity ✗) and show one class (coverage
#   ✗, Inception Score 1), yet each cell is a perfectly real digit: realism and confidence pass. That is
#   mode collapse.
# * **carol**'s noise fails realism, and the Inception Score is near 1. Notice that the MNIST LeNet's
#   *confidence* on noise can be high: a classifier alone cannot tell noise from digits, which is why the
#   pixel-space realism check exists.
# * **dave** fails the layout (32x32 cells), so no other check ran: his row is empty after `layout`.
# * **erin** passes: the cells of a figure are found between its white margins and resized to 28x28.
#   (A figure drawn with `cmap="gray_r"` has cells as white as the page: no margins to find. Ask for
#   `cmap="gray"`, or better, `gankit.save_grid`.)
# * **frank** is unusable, with the reason in the message column.

# %% [markdown]
# ## 4. Where the pass marks come from, and how to change them
#
# The marks are the fields of `gankit.grading.Thresholds`; each dataset has its defaults in
# `gankit.grading.DEFAULT_THRESHOLDS` (Fashion-MNIST's are lower where its LeNet, 88 % accurate on real
# test images, is less sure: shirts, T-shirts, pullovers and coats look alike).

# %%
mnist_t = gankit.grading.DEFAULT_THRESHOLDS["mnist"]
fashion_t = gankit.grading.DEFAULT_THRESHOLDS["fashion_mnist"]
table = gankit.labs.show_table(["threshold", "mnist", "fashion_mnist"],
                               [[name, getattr(mnist_t, name), getattr(fashion_t, name)]
                                for name in mnist_t.__dataclass_fields__])

# %% [markdown]
# They were **calibrated**, not guessed: `python -m gankit.grading.calibration --grids 20` builds 20
# random 10x10 grids of the real test set of each dataset (which must pass) and 20 of each broken kind
# (noise, blank, one image repeated, one class only, rows labelled with the wrong class; which must
# fail), and prints the range of every check's value over them. `--styles figure` does the same with
# the grids saved as Matplotlib figures, `--rows 4 --cols 4` with small grids. Every default sits between
# the worst real grid and the best broken one; the measured ranges are in the `Thresholds` docstring
# (`help(gankit.grading.Thresholds)`). With the defaults every real grid passes and every broken one
# fails, except 1 in 20 real 4x4 conditional Fashion-MNIST grids.
#
# Here is a small calibration run on MNIST (5 grids per kind, a few seconds): `passed` is 1 for the real
# kinds and 0 for the broken ones. (A blank grid can even look "realistic" in pixel space when it is
# black, like MNIST's background: contrast and the classifier checks fail it.)

# %%
measured = calibration.measure("mnist", grids=CALIBRATION_GRIDS, seed=0)
keys = ["duplicate_fraction", "realistic_fraction", "confidence", "inception_score", "classes",
        "label_accuracy", "passed"]
table = gankit.labs.show_table(
    ["kind"] + keys,
    [[kind] + [f"{min(v[k]):.3g}–{max(v[k]):.3g}" if k in v else None for k in keys]
     for kind, v in measured.items()])

# %% [markdown]
# To be stricter or more lenient for one assignment, pass some fields of `Thresholds` in `expect`
# (flat beside the other keys, or as `thresholds=`); the others keep the dataset's defaults. Say you ask
# for a conditional grid and want 95 % label accuracy:

# %%
strict = dict(EXPECT, min_label_accuracy=0.95)
print(gankit.check_grid(f"{CLASS}/alice/grid.png", expect=strict)["label_accuracy"].message)
lenient = gankit.grading.Thresholds.for_dataset("mnist", max_duplicate_fraction=1.0, min_classes=1,
                                                min_inception_score=0.0)
print(gankit.check_grid(f"{CLASS}/bob.png", expect=dict(EXPECT, thresholds=lenient)).summary())

# %% [markdown]
# Alice's 99 % clears even 95 %. The second line shows why the marks come as a set: with diversity,
# coverage and the Inception Score switched off, bob's collapsed grid passes, because each of his cells
# is a real digit.

# %% [markdown]
# ## 5. The command line
#
# The same grading from a shell, e.g. in a course's CI or an LMS hook:
#
# ```bash
# gankit grade alice.png                               # exit 0 passed, 1 failed, 2 unusable file
# gankit grade class/ --csv grades.csv                 # a folder: one CSV row per submission
# gankit grade fashion.png --dataset fashion_mnist --rows 10 --cols 10
# gankit grade grid.png --conditional                  # unlabelled grid, one class per row
# gankit grade grid.png --ignore-labels --json         # unconditional, the full JSON report
# ```
#
# The exit code is what a script branches on. Below, `python -m gankit` is the same command.

# %%
for name in ["alice/grid.png", "bob.png", "frank.png"]:
    run = subprocess.run([sys.executable, "-m", "gankit", "grade", f"{CLASS}/{name}",
                          "--rows", "10", "--cols", "10"], capture_output=True, text=True)
    out = (run.stdout + run.stderr).strip().splitlines()
    print(f"exit {run.returncode}  {out[-1] if out else ''}")

# %% [markdown]
# ## 6. Hand-ins are hostile input
#
# A class folder is written by other people. gankit treats every file as hostile: it reads at most
# `Limits.max_bytes` (10 MiB), decides the format from the magic bytes (PNG or JPEG only; a GIF, a PDF,
# a pickle or a `.keras` zip renamed `.png` is named and refused), parses the width and height from the
# header and checks them against `Limits.max_pixels` *before* decoding (a "decompression bomb" whose
# header claims 100,000 x 100,000 pixels costs nothing), validates the layout embedded in a PNG (a
# hostile layout cannot make the reader loop or allocate without bound), never unpickles anything,
# and loads handed-in `.keras` models only in Keras' safe mode (`gankit.grading.load_submitted_model`).
# Every refusal is a `gankit.grading.SubmissionError` (a `ValueError`) with a one-line message naming
# the file; `grade_folder` turns it into an *unusable* row, the CLI into exit code 2.

# %%
def png_claiming(width, height):
    """A tiny PNG whose header claims width x height pixels (its data is junk)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", 0)
    return b"\x89PNG\r\n\x1a\n" + chunk + b"junk" * 10


hostile = {"bomb.png": png_claiming(100_000, 100_000), "animation.png": b"GIF89a" + bytes(100),
           "truncated.png": open(f"{CLASS}/bob.png", "rb").read()[:200], "empty.png": b""}
os.makedirs("lab07/hostile", exist_ok=True)
for name, payload in hostile.items():
    with open(f"lab07/hostile/{name}", "wb") as f:
        f.write(payload)
    try:
        gankit.check_grid(f"lab07/hostile/{name}", expect=EXPECT)
        print(f"{name}: graded?!")
    except gankit.grading.SubmissionError as err:
        print(f"SubmissionError: {err}")

# %% [markdown]
# ## 7. Check: the verdicts we expected
#
# An autograder-style check that the class folder was graded as the table in section 1 promised (it
# holds in quick and full mode: nothing here depends on training).

# %% tags=["autograde"]
status = {r["student"]: r["status"] for r in rows}
failed = {r["student"]: {c for c in checks if r[f"{c}_passed"] == "no"} for r in rows}
assert status == {"alice": "passed", "bob": "failed", "carol": "failed", "dave": "failed",
                  "erin": "passed", "frank": "unusable"}, status
assert "diversity" in failed["bob"] and "realism" not in failed["bob"], failed["bob"]
assert "realism" in failed["carol"], failed["carol"]
assert failed["dave"] == {"layout"}, failed["dave"]
assert result.summary == {"total": 6, "passed": 2, "failed": 3, "unusable": 1}, result.summary
print("all verdicts as expected")

# %% [markdown]
# ## Wrapping up
#
# * Ask students for `gankit.save_grid` / `SampleGrid` PNGs: the layout travels in the file. Figures and
#   other tools' grids are read too, but need the right margins or `rows`/`cols`.
# * Grade with the same `expect` you wrote in the assignment (dataset, rows, cols, conditional or not),
#   and change marks with `Thresholds` fields rather than by hand.
# * Read the failed checks together: realism + confidence + Inception Score judge quality, diversity +
#   coverage catch collapse, label accuracy checks conditioning.

# %%
lab.finish()
