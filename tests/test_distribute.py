"""Training under tf.distribute: a distributed run on global batches of B makes the updates of a
single-device run on batches of B (gankit.models.replicas).

TensorFlow splits the CPU into logical devices only before it initialises them, so the runs
happen in subprocesses (`tests/distribute_runs.py`); this process is left untouched.
"""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gankit import training
from gankit.models import make_strategy

RUNS = Path(__file__).with_name("distribute_runs.py")
ROOT = RUNS.parent.parent
CASES = ("gan", "cgan", "cgan-ema", "wgangp", "cyclegan", "gan-bn")


def _env():
    env = dict(os.environ, GANKIT_OFFLINE="1", TF_CPP_MIN_LOG_LEVEL="2")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    env.pop("TF_CONFIG", None)
    return env


@pytest.fixture(scope="module")
def mirrored_runs(tmp_path_factory):
    """Every case trained 3 steps on one device and on two logical CPUs (one subprocess)."""
    out = tmp_path_factory.mktemp("distribute") / "runs.json"
    done = subprocess.run([sys.executable, str(RUNS), str(out), *CASES], env=_env(),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(out.read_text())


@pytest.mark.parametrize("case", ["gan", "cgan", "wgangp"])
def test_replicas_draw_different_noise_their_rows_of_the_global_batch(mirrored_runs, case):
    first, second = (np.asarray(rows) for rows in mirrored_runs[case]["noise"])
    assert first.shape == second.shape == (4, 4)
    assert not np.allclose(first, second)  # a SeedGenerator alone gives both the same noise


# WGANGP: Adam turns float noise in the gradient penalty's tiny gradients into ~1e-5 steps;
# gan-bn (BatchNorm in G, which gankit synchronizes under distribution): Adam and the
# synchronized moments' other summation order give ~3e-4 (per-replica statistics: 5e-2).
TOLERANCE = {"gan": 1e-5, "cgan": 1e-5, "cgan-ema": 1e-5, "wgangp": 1e-4, "cyclegan": 1e-5, "gan-bn": 1e-3}


@pytest.mark.parametrize("case", CASES)
def test_two_replicas_match_one_device_on_the_global_batch(mirrored_runs, case):
    run = mirrored_runs[case]
    if case == "cgan-ema":  # the average is among the compared weights: it moved too
        assert run["average_moved"] > 1e-3
    # all weights (optimizer steps moved them by ~1e-2 each) after 3 steps of batch 8
    assert run["difference"] < TOLERANCE[case]
    # the logs are global-batch means, as on one device
    for name, value in run["reference_logs"].items():
        assert run["logs"][name] == pytest.approx(value, rel=1e-4, abs=1e-5), name


def _free_ports(n):
    sockets = [socket.socket() for _ in range(n)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def test_two_workers_on_loopback_end_identical_and_equal_to_one_process(tmp_path):
    """MultiWorkerMirroredStrategy, two worker processes on 127.0.0.1, 3 steps of batch 8."""
    ports = ",".join(str(p) for p in _free_ports(2))
    outs = [tmp_path / f"worker{i}.json" for i in range(2)]
    workers = [subprocess.Popen(
        [sys.executable, str(RUNS), str(outs[i]), "gan", "--workers", "2", "--index", str(i),
         "--ports", ports], env=_env(), stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True) for i in range(2)]
    try:
        errors = [w.communicate(timeout=120)[1] for w in workers]
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
                w.wait()
    assert [w.returncode for w in workers] == [0, 0], [e[-2000:] for e in errors]
    first, second = (json.loads(out.read_text()) for out in outs)
    for a, b in zip(first["weights"], second["weights"]):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    assert first["difference"] < 1e-5  # worker 0 also trained the single-process reference


def test_make_strategy_names_and_errors(monkeypatch):
    assert make_strategy(None) is None and make_strategy("none") is None
    with pytest.raises(ValueError, match="mirrored"):
        make_strategy("tpu")
    monkeypatch.delenv("TF_CONFIG", raising=False)
    with pytest.raises(ValueError, match="TF_CONFIG"):
        make_strategy("multiworker")


def test_train_with_distribute_mirrored_trains_and_resumes(tmp_path):
    tiny = {"steps_per_epoch": 2, "limit": 640, "evaluate_n": 0, "jit_compile": True}
    lines = []
    training.train("fast-cgan", tmp_path, epochs=1, distribute="mirrored",
                   progress=lines.append, **tiny)
    training.train("fast-cgan", tmp_path, epochs=2, distribute="mirrored",
                   progress=lines.append, **tiny)
    assert sum("MirroredStrategy" in line for line in lines) == 2
    assert any("resuming fast-cgan" in line for line in lines)
    assert any(line.startswith("epoch 2/2") for line in lines)
    with pytest.raises(ValueError, match="distribute"):
        training.train("fast-cgan", tmp_path / "x", distribute="ring", **tiny)


@pytest.mark.parametrize("option, expected", [(None, None), ("mirrored", "mirrored"),
                                              ("multiworker", "multiworker")])
def test_cli_distribute_option_reaches_training(monkeypatch, tmp_path, option, expected):
    from gankit import cli

    seen = {}

    def fake_train(preset, out, **kwargs):
        seen.update(kwargs)
        return {"model": preset, "dataset": "mnist", "epochs": 1}

    monkeypatch.setattr(training, "train", fake_train)
    argv = ["train", "--model", "fast-cgan", "--out", str(tmp_path), "--epochs", "1"]
    assert cli.main(argv + (["--distribute", option] if option else []), quiet=False) == 0
    assert seen["distribute"] == expected


def test_stray_tf_config_only_warns(monkeypatch, tmp_path):
    monkeypatch.setenv("TF_CONFIG", '{"cluster": {"worker": ["127.0.0.1:1"]}}')
    lines = []
    with pytest.raises(ValueError, match="image_size"):  # stops before any training
        training.train("fast-cgan", tmp_path, image_size=32, progress=lines.append)
    assert "TF_CONFIG" in lines[0] and "--distribute multiworker" in lines[0]
