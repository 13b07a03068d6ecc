"""Smoke tests of the throughput benchmarks: tiny settings, no PyTorch, a small peak matmul."""

import os
import re
import subprocess
import sys

import keras
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCHMARKS = os.path.join(ROOT, "benchmarks")
sys.path.insert(0, BENCHMARKS)

import step_flops  # noqa: E402


def run_script(name, *args):
    env = dict(os.environ, PYTHONPATH=ROOT, TF_CPP_MIN_LOG_LEVEL="3")
    proc = subprocess.run([sys.executable, os.path.join(BENCHMARKS, name), *args],
                          capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def test_forward_flops_count_dense_conv_and_transposed_conv():
    inputs = keras.Input((8, 8, 3))
    x = keras.layers.Conv2D(4, 3, strides=2, padding="same")(inputs)  # 4x4x4 out
    x = keras.layers.Conv2DTranspose(2, 4, strides=2, padding="same")(x)  # from 4x4x4
    x = keras.layers.ReLU()(x)
    outputs = keras.layers.Dense(5)(keras.layers.Flatten()(x))  # 8*8*2 inputs
    model = keras.Model(inputs, outputs)
    expected = 2 * (4 * 4 * 4 * 3 * 3 * 3) + 2 * (4 * 4 * 4 * 4 * 4 * 2) + 2 * (128 * 5)
    assert step_flops.model_forward_flops(model) == expected
    # a nested model counts through its layers
    outer = keras.Sequential([keras.Input((8, 8, 3)), model])
    assert step_flops.model_forward_flops(outer) == expected


def test_gan_step_counts_one_generator_and_three_discriminator_passes():
    g = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
    d = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    assert step_flops.gan_step_flops(g, d, batch=4) == 4 * (3 * 12 + 9 * 6)


def test_matmul_peak_is_a_positive_rate_and_cpu_is_named():
    import matmul_peak

    assert matmul_peak.matmul_peak_flops(size=64, matmuls=2, repeats=1) > 0
    assert "cores" in matmul_peak.cpu_description()


def test_train_throughput_prints_a_markdown_row_per_model():
    out = run_script("train_throughput.py", "--batch", "4", "--steps", "1", "--repeats", "1",
                     "--models", "mlp_gan", "--modes", "off", "--no-torch", "--peak-size", "64")
    assert "CPU: " in out and "GFLOP/s" in out
    assert "| model | XLA off | best / PyTorch eager | % of matmul peak |" in out
    assert re.search(r"^\| mlp_gan \| [\d,]+ \|  \| \d+\.\d% \|$", out, re.M), out


def test_cyclegan_step_prints_seconds_per_step():
    out = run_script("cyclegan_256_step.py", "--size", "32", "--warmup", "1", "--steps", "1",
                     "--xla", "off", "--no-torch", "--peak-size", "64",
                     "--residual-blocks", "1")
    assert re.search(r"^\| gankit \| off \| \d+\.\d\d \| \d+\.\d\d \| [\d.]+% \| n/a \|$", out,
                     re.M), out


def test_torch_cyclegan_has_gankit_parameter_counts():
    pytest.importorskip("torch")
    import torch_cyclegan

    _, counts = torch_cyclegan.make_step()
    assert counts == (11_378_179, 2_764_737)


def test_sample_runs_summary_keeps_other_presets_and_orders_them_as_the_presets(tmp_path):
    import json

    import sample_runs

    path = tmp_path / "summary.json"
    sample_runs.write_summary(path, [{"model": "wgan-gp", "minutes": 1.5},
                                     {"model": "gan", "minutes": 1.5}])
    sample_runs.write_summary(path, [{"model": "fast-cgan", "minutes": 2.0},
                                     {"model": "gan", "minutes": 3.0}])
    summary = json.loads(path.read_text())
    assert [r["model"] for r in summary] == ["gan", "fast-cgan", "wgan-gp"]
    assert [r["minutes"] for r in summary] == [3.0, 2.0, 1.5]
