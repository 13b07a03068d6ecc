"""The gankit command line end to end, on tiny settings."""

import json
import subprocess
import sys

import numpy as np
import pytest

from gankit import data
from gankit.cli import main
from gankit.images import save_grid


def run_cli(*args, timeout=300):
    """Runs ``python -m gankit ARGS`` in a fresh process; returns (code, stdout, stderr)."""
    proc = subprocess.run([sys.executable, "-m", "gankit", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, env=_env())
    return proc.returncode, proc.stdout, proc.stderr


def _env():
    import os

    env = dict(os.environ)
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)  # the CLI must be quiet on its own
    env["GANKIT_OFFLINE"] = "1"
    return env


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory):
    """A fast-cgan run of 1 epoch x 3 steps on 640 digits, made through the CLI in-process."""
    out = tmp_path_factory.mktemp("run")
    code = main(["train", "--model", "fast-cgan", "--epochs", "1", "--steps-per-epoch", "3",
                 "--limit", "640", "--out", str(out), "--evaluate-n", "200", "--no-jit"],
                quiet=False)
    assert code == 0
    return out


def test_help_for_every_command():
    code, out, _ = run_cli("--help")
    assert code == 0
    for command in ("train", "sample", "evaluate", "grade", "study", "data", "demo"):
        assert command in out
    for command in ("train", "sample", "evaluate", "grade", "study", "data", "demo"):
        with pytest.raises(SystemExit) as exit_:
            main([command, "--help"], quiet=False)
        assert exit_.value.code == 0


def test_train_writes_everything_and_resumes(trained_run, capsys):
    out = trained_run
    for name in ("samples/epoch_0001.png", "samples/epoch_0001.json", "progress.gif",
                 "losses.png", "checkpoints/latest.json", "metrics.json"):
        assert (out / name).exists(), name
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["model"] == "fast-cgan" and 0 <= metrics["conditional_accuracy"] <= 1
    assert metrics["inception_score"] >= 1.0
    code = main(["train", "--model", "fast-cgan", "--epochs", "2", "--steps-per-epoch", "3",
                 "--limit", "640", "--out", str(out), "--evaluate-n", "0"], quiet=False)
    assert code == 0
    printed = capsys.readouterr().out
    assert "resuming fast-cgan" in printed and "at epoch 1" in printed
    assert "epoch 2/2" in printed and "epoch 1/2" not in printed
    assert (out / "samples/epoch_0002.png").exists()
    # fast-cgan's rates fell linearly to 0 over the first run's 3 steps; asked for 2 epochs,
    # the resumed run decays as a 6-step run would instead of training on at rate 0
    assert "decay to 0 at epoch 2" in printed
    import keras

    from gankit.schedules import schedule_of

    first = keras.models.load_model(out / "checkpoints" / "ckpt_epoch_0001.keras")
    second = keras.models.load_model(out / "checkpoints" / "ckpt_epoch_0002.keras")
    assert schedule_of(first.g_optimizer).decay_steps == 3
    for optimizer in (second.g_optimizer, second.d_optimizer):
        assert int(optimizer.iterations) == 6 and schedule_of(optimizer).decay_steps == 6
    moved = [not np.array_equal(a, b) for a, b in zip(first.generator.get_weights(),
                                                        second.generator.get_weights())]
    assert any(moved)


def test_sample_and_evaluate_a_run(trained_run, tmp_path, capsys):
    grid = tmp_path / "grid.png"
    assert main(["sample", str(trained_run), "--out", str(grid), "--rows", "3", "--cols", "4"],
                quiet=False) == 0
    from gankit.images import read_grid

    cells, layout = read_grid(grid)
    assert cells.shape == (12, 28, 28, 1) and layout["labels"] == [0, 1, 2]
    assert main(["evaluate", str(trained_run), "--n", "100", "--json", str(tmp_path / "e.json")],
                quiet=False) == 0
    assert "conditional_accuracy" in capsys.readouterr().out
    assert json.loads((tmp_path / "e.json").read_text())["n"] == 100


def test_evaluate_an_image_folder(tmp_path, capsys):
    from PIL import Image

    x, _ = data.load_arrays("mnist", "test")
    for i in range(30):
        Image.fromarray(x[i, ..., 0]).save(tmp_path / f"{i}.png")
    assert main(["evaluate", str(tmp_path)], quiet=False) == 0
    printed = capsys.readouterr().out
    assert "inception_score" in printed and "frechet_distance" in printed


@pytest.fixture(scope="module")
def grids(tmp_path_factory):
    root = tmp_path_factory.mktemp("grids")
    x, y = data.load_arrays("mnist", "test")
    picks = np.random.default_rng(0).permutation(len(x))[:100]
    save_grid(x[picks], root / "real.png", rows=10, cols=10)
    noise = np.random.default_rng(1).integers(0, 256, (100, 28, 28, 1), dtype=np.uint8)
    save_grid(noise, root / "noise.png", rows=10, cols=10)
    (root / "empty.png").write_bytes(b"")
    return root


def test_grade_exit_codes_and_one_line_errors(grids):
    code, out, err = run_cli("grade", grids / "real.png")
    assert code == 0, err
    assert "PASSED" in out
    code, out, err = run_cli("grade", grids / "noise.png")
    assert code == 1 and "FAILED" in out and "realism" in out
    code, out, err = run_cli("grade", grids / "empty.png")
    assert code == 2
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    for noise in ("cuda", "oneDNN", "absl", "cpu_feature_guard"):
        assert noise not in out + err


def test_grade_a_folder_writes_a_csv(grids, tmp_path, capsys):
    csv = tmp_path / "grades.csv"
    code = main(["grade", str(grids), "--csv", str(csv)], quiet=False)
    assert code == 1  # one noise grid fails, one file is unusable
    text = csv.read_text()
    assert text.count("\n") == 4  # header + 3 submissions
    assert "3 submissions: 1 passed, 1 failed, 1 unusable" in capsys.readouterr().out


def test_study_on_tiny_settings(trained_run, tmp_path, capsys):
    code = main(["study", "--generator", str(trained_run), "--out", str(tmp_path), "--total", "200",
                 "--epochs", "1", "--fractions", "0", "1", "--strategies", "mixed"], quiet=False)
    assert code == 0
    rows = (tmp_path / "study.csv").read_text().strip().splitlines()
    assert len(rows) == 3  # header + two fractions
    assert rows[0].endswith(",recipe") and all(r.endswith(",plain") for r in rows[1:])
    assert (tmp_path / "study.png").exists()
    # another LeNet recipe in the same folder is refused, not answered with the plain cells
    code = main(["study", "--generator", str(trained_run), "--out", str(tmp_path), "--total",
                 "200", "--epochs", "1", "--fractions", "0", "1", "--strategies", "mixed",
                 "--augment", "handwriting", "--cosine-decay"], quiet=False)
    assert code == 2
    assert "recipe 'plain', not 'augment=handwriting,cosine_decay'" in capsys.readouterr().err


def test_study_filter_redraws_unrecognised_samples_and_keeps_its_own_csv(trained_run, tmp_path,
                                                                        capsys, monkeypatch):
    import numpy as np

    from gankit import studies

    judged = []

    def every_other(self, images, labels, batch_size=500):
        """A stand-in for the LeNet (the 3-step GAN draws noise): rejects the even images once."""
        judged.append(len(labels))
        return (np.arange(len(labels)) % 2 == 1) | (len(judged) > 1)

    monkeypatch.setattr(studies.FilteredGenerator, "recognised", every_other)
    args = ["study", "--generator", str(trained_run), "--out", str(tmp_path), "--total", "200",
            "--epochs", "1", "--fractions", "0", "--strategies", "mixed"]
    assert main([*args, "--filter"], quiet=False) == 0
    assert judged == [200, 100]  # half redrawn once
    rows = (tmp_path / "study.csv").read_text().strip().splitlines()
    assert len(rows) == 2 and rows[1].endswith(",filtered")
    assert "LeNet recipe filtered" in capsys.readouterr().out
    assert main(args, quiet=False) == 2  # unfiltered samples: not the same study
    assert "recipe 'filtered', not 'plain'" in capsys.readouterr().err
    assert main([*args, "--noise-scale", "2"], quiet=False) == 2  # wider noise needs the filter
    assert "--noise-scale needs --filter" in capsys.readouterr().err
    assert main([*args, "--filter", "--noise-scale", "-1"], quiet=False) == 2
    assert "noise_scale must be a positive number" in capsys.readouterr().err
    wide = tmp_path / "wide"
    assert main([*args[:4], str(wide), *args[5:], "--filter", "--noise-scale", "2"],
                quiet=False) == 0
    assert (wide / "study.csv").read_text().strip().endswith(',"filtered,noise_scale=2"')
    assert "LeNet recipe filtered,noise_scale=2" in capsys.readouterr().out


def test_data_command_lists_sources(capsys):
    assert main(["data"], quiet=False) == 0
    printed = capsys.readouterr().out
    assert "mnist" in printed and "fashion_mnist" in printed and "svhn" in printed


def test_bad_input_is_one_line_not_a_traceback(tmp_path):
    code, out, err = run_cli("sample", tmp_path / "missing.keras", "--out", tmp_path / "g.png")
    assert code == 2
    assert "does not exist" in err and "Traceback" not in err
    code, _, err = run_cli("train", "--model", "nope", "--out", tmp_path)
    assert code == 2 and "invalid choice" in err


def _options_without_help(parser, path="gankit"):
    """`(command, option)` for every option (of every subcommand) that has no help text."""
    import argparse

    missing = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                missing += _options_without_help(sub, f"{path} {name}")
        elif isinstance(action, argparse._HelpAction):
            continue
        elif not action.help or action.help == argparse.SUPPRESS:
            missing.append((path, "/".join(action.option_strings) or action.dest))
    return missing


def test_every_option_of_every_command_has_help():
    from gankit.cli import build_parser

    parser = build_parser()
    assert _options_without_help(parser) == []
    commands = {a for a in parser._actions if a.dest == "command"}.pop().choices
    assert {"train", "sample", "evaluate", "grade", "study", "data", "demo"} <= set(commands)


def test_grade_checks_embedded_labels_unless_told_to_ignore_them(tmp_path, capsys):
    x, y = data.load_arrays("mnist", "test")
    picks = np.concatenate([np.flatnonzero(y == c)[:10] for c in range(10)])
    path = save_grid(x[picks], tmp_path / "cgan.png", rows=10, cols=10,
                     labels=[(c + 1) % 10 for c in range(10)])  # every row labelled wrongly
    assert main(["grade", str(path)], quiet=False) == 1
    assert "label_accuracy" in capsys.readouterr().out
    assert main(["grade", str(path), "--ignore-labels"], quiet=False) == 0
    assert "PASSED" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["grade", str(path), "--ignore-labels", "--conditional"], quiet=False)


def test_grade_a_matplotlib_figure_of_samples(tmp_path, capsys):
    from gankit.grading import calibration

    x, y = data.load_arrays("mnist", "test")
    writer = calibration.FigureWriter()
    rng = np.random.default_rng(0)
    for kind in ("real", "noise", "repeated"):
        cells, _ = calibration.make_cells(kind, x, y, rng, 4, 4)
        writer.save(cells, tmp_path / f"{kind}.png", 4, 4, tight=True)
    assert main(["grade", str(tmp_path / "real.png"), "--rows", "4", "--cols", "4"],
                quiet=False) == 0
    assert "PASSED" in capsys.readouterr().out
    assert main(["grade", str(tmp_path / "real.png"), "--json"], quiet=False) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["layout"]["style"] == "figure" and report["layout"]["cell_height"] == 28
    assert "found between its margins, resized to 28x28" in report["checks"][0]["message"]
    assert main(["grade", str(tmp_path / "noise.png"), "--rows", "4", "--cols", "4"],
                quiet=False) == 1
    assert "realism" in capsys.readouterr().out
    assert main(["grade", str(tmp_path / "repeated.png")], quiet=False) == 1
    assert "mode collapse" in capsys.readouterr().out
