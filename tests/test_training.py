"""`gankit.training.train`: the `gankit train` run as a library call (no printing, no exits)."""

import json

import numpy as np
import pytest
from PIL import Image

from gankit import training
from gankit.callbacks import TrainingDivergedError

TINY = {"steps_per_epoch": 3, "limit": 640, "evaluate_n": 0, "jit_compile": False}


def test_train_writes_the_run_resumes_it_and_reports_through_progress(tmp_path, capsys):
    out = tmp_path / "run"
    lines = []
    result = training.train("fast-cgan", out, epochs=1, progress=lines.append, **TINY)
    assert capsys.readouterr().out == ""  # every line went to `progress`
    assert result == json.loads((out / "metrics.json").read_text())
    assert (result["model"], result["dataset"], result["epochs"], result["seed"]) == (
        "fast-cgan", "mnist", 1, 0)
    for name in ("samples/epoch_0001.png", "progress.gif", "losses.png",
                 "checkpoints/ckpt_epoch_0001.keras"):
        assert (out / name).exists(), name
    assert lines[0].startswith("training fast-cgan on mnist for epochs 1..1")
    assert lines[-1].startswith("epoch 1/1: d_loss=")

    lines.clear()
    training.train("fast-cgan", out, epochs=1, progress=lines.append, **TINY)
    assert lines == [f"resuming fast-cgan from {out / 'checkpoints'} at epoch 1",
                     f"{out} already holds 1 epochs; nothing to train"]

    with pytest.raises(ValueError, match="another model .* use another `out`"):
        training.train("gan", out, epochs=2, progress=lines.append, **TINY)

    written = (out / "metrics.json").read_text()
    with pytest.raises(TrainingDivergedError) as caught:
        training.train("fast-cgan", out, epochs=2, lr=1e6, progress=lines.append, **TINY)
    assert caught.value.epoch == 2
    assert caught.value.checkpoint == str(out / "checkpoints" / "ckpt_epoch_0001.keras")
    assert (out / "metrics.json").read_text() == written  # not rewritten from NaN weights


def test_train_refuses_bad_options_with_value_errors_before_training(tmp_path):
    out = tmp_path / "run"
    with pytest.raises(ValueError, match="unknown model preset 'nope'"):
        training.train("nope", out)
    with pytest.raises(ValueError, match="`lr` must be a positive number, got 0"):
        training.train("fast-cgan", out, lr=0)
    with pytest.raises(ValueError, match="`image_size` is for the CycleGAN presets"):
        training.train("fast-cgan", out, image_size=32)
    with pytest.raises(ValueError, match="not `dataset`"):
        training.train("cyclegan-folder", out, dataset="mnist")
    with pytest.raises(ValueError, match="--data-a DIR and --data-b DIR"):
        training.train("cyclegan-folder", out)
    assert not out.exists()


def test_train_cyclegan_preset_writes_panels(tmp_path):
    rng = np.random.default_rng(0)
    for domain in ("a", "b"):
        (tmp_path / domain).mkdir()
        for i in range(2):
            Image.fromarray(rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)).save(
                tmp_path / domain / f"{i}.png")
    lines = []
    result = training.train("cyclegan-folder", tmp_path / "run", epochs=1, data_a=tmp_path / "a",
                            data_b=tmp_path / "b", image_size=32, g_filters=4, d_filters=4,
                            residual_blocks=1, steps_per_epoch=1, batch_size=1,
                            jit_compile=False, progress=lines.append)
    assert result["panels"] == str(tmp_path / "run" / "panels")
    assert (tmp_path / "run" / "panels" / "panel_epoch_001.png").exists()
    assert lines[-1].startswith("epoch 1/1:")
