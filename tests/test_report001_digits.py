"""`benchmarks/report001_digits.py` in a tiny setting: two configurations of report 001's
comparison train, are scored and written as a page with panels; a rerun skips them; the SVHN
setting runs end to end on generated SVHN files."""

import json
import os
import sys

import numpy as np
import pytest
from scipy.io import savemat

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))

import report001_digits  # noqa: E402

TINY = ["--epochs", "1", "--images", "8", "--test-images", "12", "--g-filters", "4",
        "--d-filters", "4", "--batch-size", "4", "--no-jit"]


def _run(tmp_path, *extra):
    out, results = tmp_path / "out", tmp_path / "results"
    code = report001_digits.main([*TINY, "--out", str(out), "--results-dir", str(results), *extra])
    assert code == 0
    return out, results


def test_two_configurations_write_the_page_and_panels_and_a_rerun_skips_them(tmp_path,
                                                                              monkeypatch):
    out, results = _run(tmp_path, "--configs", "res6-patch", "res2-crop")
    page = (results / "report001_digits.md").read_text()
    for name in ("res6-patch", "res2-crop"):
        assert f"`{name}`" in page
        assert f"![report001_digits_{name}](report001_digits_{name}.png)" in page
        assert (results / f"report001_digits_{name}.png").stat().st_size > 0
        result = json.loads((out / "colored" / name / "result.json").read_text())
        assert 0.0 <= result["label_ab"] <= 1.0 and 0.0 <= result["label_ba"] <= 1.0
        assert np.isfinite(result["fd_ab"]) and len(result["d_a_loss"]) == 1
    assert "res9-patch" not in page and "report 001" in page and "Sec. 5.3" in page
    six = json.loads((out / "colored" / "res6-patch" / "result.json").read_text())
    two = json.loads((out / "colored" / "res2-crop" / "result.json").read_text())
    assert six["params_g"] > two["params_g"]  # 6 residual blocks against 2
    assert two["params_d"] == six["params_d"]  # the same D, judging an 8x8 crop

    def no_training(*args, **kwargs):
        raise AssertionError("a finished configuration was trained again")

    monkeypatch.setattr("gankit.training.train", no_training)
    (results / "report001_digits.md").unlink()
    _run(tmp_path, "--configs", "res6-patch", "res2-crop")
    assert (results / "report001_digits.md").read_text() == page


def _write_fake_svhn(directory, n):
    directory.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for split in ("train", "test"):
        x = rng.integers(0, 256, (32, 32, 3, n), dtype=np.uint8)
        y = (np.arange(n) % 10 + 1).reshape(-1, 1)  # SVHN stores digit 0 as 10
        savemat(directory / f"{split}_32x32.mat", {"X": x, "y": y})


def test_svhn_setting_runs_end_to_end_on_generated_files(tmp_path, monkeypatch):
    monkeypatch.setenv("GANKIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GANKIT_CACHE_DIR", str(tmp_path / "cache"))
    _write_fake_svhn(tmp_path / "data" / "svhn", 24)
    out, results = _run(tmp_path, "--setting", "svhn", "--configs", "res2-whole",
                        "--steps-per-epoch", "2")
    result = json.loads((out / "svhn" / "res2-whole" / "result.json").read_text())
    assert result["label_ab"] is None  # no SVHN LeNet is shipped
    assert 0.0 <= result["label_ba"] <= 1.0  # SVHN -> MNIST, scored by the MNIST LeNet
    page = (results / "report001_svhn.md").read_text()
    assert "`res2-whole`" in page and "n/a" in page
    assert (results / "report001_svhn_res2-whole.png").exists()


def test_unknown_configuration_is_refused(tmp_path):
    with pytest.raises(SystemExit):
        report001_digits.main(["--configs", "res3-patch", "--out", str(tmp_path)])


def test_preset_epochs_limit_and_lr_decay_drive_a_training_run(tmp_path):
    import dataclasses

    import keras

    from gankit import presets, training
    from gankit.callbacks import resume

    digits = presets.get("cyclegan-digits")
    assert digits.lr_decay and digits.epochs and digits.limit  # the tuned recipe's budget
    short = dataclasses.replace(digits, epochs=2, limit=8)
    metrics = training.train(short, tmp_path / "run", steps_per_epoch=1, batch_size=4,
                             g_filters=4, d_filters=4, jit_compile=False,
                             progress=lambda line: None)
    assert metrics["epochs"] == 2 and "8 images each" in metrics["dataset"]
    assert (tmp_path / "run/panels/panel_epoch_002.png").exists()
    model, epoch = resume(tmp_path / "run/checkpoints")
    assert epoch == 2 and model.lambda_cycle_b == presets.DIGITS_LAMBDA_CYCLE_B
    assert model.image_shape_a == (28, 28, 3)  # MNIST as RGB: the identity loss is on
    # LinearDecay(hold 1, decay 1): the second epoch ran at half the preset's 2e-4
    rate = float(keras.ops.convert_to_numpy(model.g_optimizer.learning_rate))
    assert rate == pytest.approx(1e-4)
