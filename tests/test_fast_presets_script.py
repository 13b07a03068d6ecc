"""benchmarks/fast_presets.py and tune_fast_presets.py in tiny settings (a few steps each)."""

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCHMARKS = os.path.join(ROOT, "benchmarks")


def run_script(name, *args, expect=0):
    env = dict(os.environ, PYTHONPATH=ROOT, TF_CPP_MIN_LOG_LEVEL="3", GANKIT_OFFLINE="1")
    proc = subprocess.run([sys.executable, os.path.join(BENCHMARKS, name), *args],
                          capture_output=True, text=True, env=env, timeout=600, cwd=ROOT)
    assert proc.returncode == expect, proc.stdout[-2000:] + proc.stderr[-2000:]
    return proc.stdout + proc.stderr


def test_fast_presets_page_scores_both_presets_and_tables_the_tuning_log(tmp_path):
    log = tmp_path / "tune.jsonl"
    log.write_text("\n".join(json.dumps(r) for r in [
        {"candidate": "u32_hinge_1e-3", "epoch": 1, "train_minutes": 1.0, "inception_score": 6.1,
         "conditional_accuracy": float("nan")},
        {"candidate": "u32_hinge_1e-3", "epoch": 2, "train_minutes": 2.0, "inception_score": 6.9,
         "conditional_accuracy": float("nan")},
        # the same candidate run again, with a moving average: a line of its own
        {"candidate": "u32_hinge_1e-3", "epoch": 1, "train_minutes": 1.1, "inception_score": 6.2,
         "conditional_accuracy": float("nan"), "ema_inception_score": 6.4, "ema_is_std": 0.1,
         "ema_conditional_accuracy": float("nan")}]) + "\n")
    results = tmp_path / "results"
    args = ["--epochs", "1", "--steps-per-epoch", "2", "--limit", "640", "--evaluate-n", "300",
            "--out", str(tmp_path / "runs"), "--results-dir", str(results), "--tuning-log", str(log)]
    run_script("fast_presets.py", *args)
    page = (results / "fast_presets.md").read_text()
    assert "`fast-dcgan`" in page and "`fast-cgan`" in page and "9.026" in page
    assert "not met" in page  # two training steps reach no mark
    assert "6.10 → 6.90 |" in page  # the tuning candidate's curve
    assert "| 6.20 | — | 6.40; — |" in page  # its second run, with the average's curve
    assert (results / "fast-dcgan.png").exists() and (results / "fast-cgan.png").exists()
    metrics = json.loads((tmp_path / "runs" / "fast-dcgan" / "metrics.json").read_text())
    assert "conditional_accuracy" not in metrics and metrics["n"] == 300
    # a rerun resumes the finished runs: nothing is trained again
    out = run_script("fast_presets.py", *args)
    assert "already holds 1 epochs" in out
    bad = run_script("fast_presets.py", "--presets", "nope", "--results-dir", str(results),
                     expect=1)
    assert "unknown presets" in bad


def test_tuning_script_scores_a_self_conditioned_candidate_each_epoch(tmp_path):
    log = tmp_path / "tune.jsonl"
    run_script("tune_fast_presets.py", "--epochs", "1", "--candidates", "s8_hinge_1e-3_k3",
               "--log", str(log), "--steps-per-epoch", "2", "--limit", "300", "--n", "200")
    row = json.loads(log.read_text().splitlines()[-1])
    assert row["candidate"] == "s8_hinge_1e-3_k3" and row["epoch"] == 1
    assert 1.0 <= row["inception_score"] <= 10.0
    # a conditional candidate with a moving average: both its average and its weights scored
    run_script("tune_fast_presets.py", "--epochs", "1", "--candidates", "c8_hinge_1e-3_ema0.9",
               "--log", str(log), "--steps-per-epoch", "2", "--limit", "300", "--n", "200")
    row = json.loads(log.read_text().splitlines()[-1])
    for prefix in ("", "ema_"):
        assert 0.0 <= row[f"{prefix}conditional_accuracy"] <= 1.0
        assert 1.0 <= row[f"{prefix}inception_score"] <= 10.0 and row[f"{prefix}is_std"] >= 0
