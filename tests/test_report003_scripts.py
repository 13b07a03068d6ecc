"""Report 003 reproduction scripts (Tables 1 and 3) in tiny settings, and their page writer."""

import csv
import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCHMARKS = os.path.join(ROOT, "benchmarks")
sys.path.insert(0, BENCHMARKS)

import results_page  # noqa: E402


def run_script(name, *args, expect=0):
    env = dict(os.environ, PYTHONPATH=ROOT, TF_CPP_MIN_LOG_LEVEL="3", GANKIT_OFFLINE="1")
    proc = subprocess.run([sys.executable, os.path.join(BENCHMARKS, name), *args],
                          capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == expect, proc.stdout[-2000:] + proc.stderr[-2000:]
    return proc.stdout + proc.stderr


def test_markdown_table_has_a_header_rule_and_one_line_per_row():
    table = results_page.markdown_table(["row", "ours", "report"], [["a", 1, "2"], ["b", 3.5, ""]])
    lines = table.splitlines()
    assert lines == ["| row | ours | report |", "| --- | ---: | ---: |", "| a | 1 | 2 |",
                     "| b | 3.5 |  |"]
    assert results_page.markdown_table(["x", "y"], [], align=["r", "l"]).splitlines()[1] == \
        "| ---: | --- |"


def test_write_page_says_title_command_cpu_minutes_and_shows_images(tmp_path):
    path = results_page.write_page("demo", "A title", "| a |\n| --- |", command="python x.py --n 1",
                                   minutes=2.25, images=["plot.png"], notes=["A note."],
                                   out_dir=str(tmp_path))
    assert path == str(tmp_path / "demo.md")
    text = (tmp_path / "demo.md").read_text()
    assert text.startswith("# A title\n")
    assert "Reproduce: `python x.py --n 1`" in text
    assert results_page.cpu_description() in text and "2.2 minutes" in text
    assert "| a |" in text and "A note." in text and "![plot](plot.png)" in text


@pytest.fixture(scope="module")
def tiny_cgan(tmp_path_factory):
    """A fast-cgan run folder trained for 2 steps on 640 digits (a stand-in generator)."""
    from gankit.training import train

    out = tmp_path_factory.mktemp("cgan")
    train("fast-cgan", out, epochs=1, steps_per_epoch=2, limit=640, evaluate_n=0,
          jit_compile=False, alarms=False, progress=lambda line: None)
    return out


def test_table3_writes_page_and_figure_and_resumes(tiny_cgan, tmp_path):
    args = ["--checkpoint", str(tiny_cgan), "--total", "200", "--fractions", "0", "0.01",
            "--strategies", "mixed", "--epochs", "1", "--validation", "100", "--limit-real", "400",
            "--limit-test", "200", "--evaluate-n", "100", "--out", str(tmp_path / "out"),
            "--results-dir", str(tmp_path / "results")]
    first = run_script("report003_table3.py", *args)
    assert first.count("[retraining_study]") == 2
    (csv_path,) = (tmp_path / "out").glob("*.csv")
    with open(csv_path) as f:
        ours = {float(r["fraction"]): float(r["accuracy"]) for r in csv.DictReader(f)}
    page = (tmp_path / "results" / "report003_table3.md").read_text()
    assert (tmp_path / "results" / "report003_figure3.png").stat().st_size > 1000
    # our accuracies next to the report's Table 3 values (0 %: 93.2, 1 %: 96.7) and the marks
    assert f"| 0 % (0) | {100 * ours[0.0]:.1f} | 93.2 |" in page
    assert f"| 1 % (2) | {100 * ours[0.01]:.1f} | 96.7 |" in page
    assert ">= 98.5 | not met |" in page and ">= 99.0 | not met |" in page
    assert "conditional accuracy" in page and "1 LeNet epochs per cell (report: 30)" in page
    again = run_script("report003_table3.py", *args)
    assert "[retraining_study]" not in again  # both cells read back from the CSV
    with open(csv_path) as f:
        assert len(list(csv.DictReader(f))) == 2


def test_table3_marks_score_each_generator_per_lenet_recipe_and_resume(tiny_cgan, tmp_path):
    checkpoint = next((tiny_cgan / "checkpoints").glob("*.keras"))
    args = ["--checkpoints", str(tiny_cgan), str(checkpoint), "--total", "200", "--epochs", "1",
            "--validation", "100", "--limit-real", "400", "--limit-test", "200",
            "--evaluate-n", "100", "--recipes", "plain", "handwriting",
            "--out", str(tmp_path / "out"), "--results-dir", str(tmp_path / "results")]
    first = run_script("report003_table3_marks.py", *args)
    # 2 generators x (plain, handwriting) x (0 %, 1 % real)
    assert first.count("[retraining_study]") == 8
    page = (tmp_path / "results" / "report003_table3_marks.md").read_text()
    rows = [line for line in page.splitlines() if line.startswith("| `")]
    assert len(rows) == 4 and sum("| handwriting |" in r for r in rows) == 2
    assert "LeNet recipe `handwriting`: random rotations (up to 15 degrees)" in page
    # the run folder (given twice: as a folder and by its checkpoint) is named once, with its recipe
    assert page.count("`gankit train --model fast-cgan`, 1 epochs, seed 0") == 1
    csvs = sorted(p.name for p in (tmp_path / "out").rglob("*.csv"))
    assert sum(name.endswith("_augment-handwriting_cosine.csv") for name in csvs) == 2
    assert all(r.count("(not met)") == 2 for r in rows)  # two training steps reach no mark
    assert "synthetic only (0 % real) 93.2 %" in page and "mark 98.5" in page
    again = run_script("report003_table3_marks.py", *args)
    assert "[retraining_study]" not in again  # every cell read back from its CSV
    bad = run_script("report003_table3_marks.py", "--checkpoints", str(tmp_path / "none.keras"),
                     "--results-dir", str(tmp_path), expect=1)
    assert "does not exist" in bad and "Traceback" not in bad


def test_table3_marks_measure_a_mixture_of_checkpoints_as_one_generator(tiny_cgan, tmp_path):
    import shutil

    first = next((tiny_cgan / "checkpoints").glob("*.keras"))
    second = tmp_path / "copy.keras"
    shutil.copy(first, second)
    args = ["--mixture", str(first), str(second), "--mixture", str(second),
            "--no-augment", "--total", "200",
            "--epochs", "1", "--validation", "100", "--limit-real", "400", "--limit-test", "200",
            "--evaluate-n", "100", "--out", str(tmp_path / "out"),
            "--results-dir", str(tmp_path / "results")]
    out = run_script("report003_table3_marks.py", *args)
    assert out.count("[retraining_study]") == 4  # two mixtures: plain LeNets at 0 % and 1 % real
    page = (tmp_path / "results" / "report003_table3_marks.md").read_text()
    rows = [line for line in page.splitlines() if line.startswith("| mixture 1 (2 checkpoints")]
    assert len(rows) == 1 and rows[0].count("(not met)") == 2
    assert sum(line.startswith("| mixture 2 (1 checkpoint,") for line in page.splitlines()) == 1
    assert "Mixture 1 (`gankit.studies.GeneratorMixture`): the synthetic images drawn in 2 " \
        "equal shares, one from each of" in page and "copy.keras" in page
    assert "[retraining_study]" not in run_script("report003_table3_marks.py", *args)
    none = run_script("report003_table3_marks.py", "--epochs", "1", expect=2)
    assert "give --checkpoints, --mixture or both" in none


def test_table3_marks_add_rows_for_generators_filtered_by_the_lenet(tiny_cgan, tmp_path,
                                                                     monkeypatch, capsys):
    import numpy as np
    import report003_table3_marks as marks

    from gankit import studies

    calls = []

    def first_rejected(self, images, labels, batch_size=500):
        """A stand-in judge: the 2-step generator draws noise that no LeNet recognises."""
        calls.append(len(labels))
        return (np.arange(len(labels)) > 0) | (len(labels) == 1)  # first image redrawn once

    monkeypatch.setattr(studies.FilteredGenerator, "recognised", first_rejected)
    args = ["--checkpoints", str(tiny_cgan), "--no-augment", "--filtered-recipes", "plain",
            "--total", "200", "--epochs", "1", "--validation", "100", "--limit-real", "400",
            "--limit-test", "200", "--evaluate-n", "100", "--out", str(tmp_path / "out"),
            "--results-dir", str(tmp_path / "results")]
    assert marks.main(args) == 0
    assert capsys.readouterr().out.count("[retraining_study]") == 4  # 0 % and 1 %, twice
    assert calls == [100, 1, 200, 1]  # scores, then the study set: each redraws 1 image alone
    page = (tmp_path / "results" / "report003_table3_marks.md").read_text()
    rows = [line for line in page.splitlines() if line.startswith("| `")]
    assert len(rows) == 2 and "filtered by the shipped LeNet" in rows[1]
    assert "filtered" not in rows[0] and all(r.count("(not met)") == 2 for r in rows)
    assert "not report 003's method" in page and "were kept)" in page
    assert [f.name for f in (tmp_path / "out").glob("*_filtered")] == [
        f"{marks._folder(marks.parse_args(args), str(tiny_cgan)).rsplit(os.sep, 1)[1]}_filtered"]

    calls.clear()  # wider noise: one more set of filtered rows, the others resumed
    assert marks.main([*args, "--filtered-noise-scales", "1", "2.5"]) == 0
    assert capsys.readouterr().out.count("[retraining_study]") == 2  # the 4 others read back
    assert calls == [100, 1, 200, 1]  # only the new σ=2.5 generator draws
    page = (tmp_path / "results" / "report003_table3_marks.md").read_text()
    rows = [line for line in page.splitlines() if line.startswith("| `")]
    assert len(rows) == 3 and "noise std 2.5, filtered by the shipped LeNet" in rows[2]
    assert "noise std" not in rows[1] and "% at noise std 2.5 were kept" in page
    assert len(list((tmp_path / "out").glob("*_filtered_noise2_5"))) == 1

    monkeypatch.setattr(studies.FilteredGenerator, "recognised",
                        lambda self, images, labels, batch_size=500: np.zeros(len(labels), bool))
    with pytest.raises(SystemExit, match="still not recognised after 50 draws"):
        marks.main([*args, "--out", str(tmp_path / "stuck")])


def test_table3_refuses_a_missing_checkpoint(tmp_path):
    out = run_script("report003_table3.py", "--checkpoint", str(tmp_path / "none.keras"),
                     "--results-dir", str(tmp_path), expect=1)
    assert "does not exist" in out and "Traceback" not in out


TABLE1_TINY = ["--epochs", "1", "--steps-per-epoch", "2", "--limit", "400", "--jit", "off",
               "--lenet-epochs", "1", "--lenet-total", "200", "--validation", "100",
               "--limit-real", "400", "--limit-test", "200", "--evaluate-n", "100"]


def test_table1_rows_are_trained_scored_cached_and_paged(tmp_path):
    args = [*TABLE1_TINY, "--rows", "real", "base", "--out", str(tmp_path / "out"),
            "--results-dir", str(tmp_path / "results")]
    first = run_script("report003_table1.py", *args)
    assert "training table1-base" in first
    assert (tmp_path / "out" / "base" / "checkpoints" / "latest.json").exists()
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    (rows,) = results.values()
    assert set(rows) == {"real", "base"}
    page = (tmp_path / "results" / "report003_table1.md").read_text()
    real, base = rows["real"], rows["base"]
    assert f"| MNIST test set (real) | — | — | {real['is']:.3f} ± {real['is_std']:.3f} | " \
           f"9.962 ± 0.044 | {100 * real['lenet_accuracy']:.1f} | 99.0 | — |" in page
    assert "| Base | 1 |" in page and f"{base['is']:.3f} ± {base['is_std']:.3f} | 9.982 ± 0.041 | " \
           f"{100 * base['lenet_accuracy']:.1f} | 98.7 | " \
           f"{100 * base['conditional_accuracy']:.1f} |" in page
    assert "trained for 1 epochs instead of 30" in page
    again = run_script("report003_table1.py", *args)
    assert "training" not in again and again.count("cached in") == 2  # nothing recomputed


def test_table1_lists_the_presets_for_an_unknown_one(tmp_path):
    out = run_script("report003_table1.py", "--presets", "no-such-preset", "--out", str(tmp_path),
                     "--results-dir", str(tmp_path), expect=2)
    assert "no-such-preset" in out and "fast-cgan" in out and "Traceback" not in out


def test_retraining_study_can_augment_the_lenets():
    from gankit import studies
    from gankit.data import load_arrays

    x, y = load_arrays("mnist", "train")
    xt, yt = load_arrays("mnist", "test")
    kwargs = {"total": 100, "fractions": (0.0,), "strategies": ("mixed",), "epochs": 1,
              "validation": 50, "verbose": 0}
    synthetic, real, test = (x[200:300], y[200:300]), (x[:200], y[:200]), (xt[:100], yt[:100])
    plain = studies.retraining_study(synthetic, real, test, **kwargs)[0]
    again = studies.retraining_study(synthetic, real, test, **kwargs)[0]
    augmented = studies.retraining_study(synthetic, real, test, augment=True, **kwargs)[0]
    assert plain["val_curve"] == again["val_curve"]  # seeded: only augmentation differs
    assert augmented["val_curve"] != plain["val_curve"]
