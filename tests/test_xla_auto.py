"""`compile(jit_compile="auto")`: XLA chosen by timing on the first fit, cached, exact."""

import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from gankit import models
from gankit.models import xla_choice


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("GANKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("GANKIT_JIT", raising=False)
    return tmp_path / "cache"


def tiny_gan(tiny_nets, jit_compile):
    g, d = tiny_nets("mlp")
    model = models.GAN(g, d, latent_dim=8, seed=0)
    model.compile(d_optimizer=keras.optimizers.Adam(1e-3), g_optimizer=keras.optimizers.Adam(1e-3),
                  jit_compile=jit_compile)
    return model


def dataset(tiny_images):
    return tf.data.Dataset.from_tensor_slices(tiny_images).batch(8)  # batch size not static


def force_faster(monkeypatch, model, xla_faster):
    """A clock under which the step of the wanted setting takes 1 ms and the other 3 ms."""
    now = [0.0]

    def clock():
        now[0] += 0.001 if bool(model.jit_compile) == xla_faster else 0.003
        return now[0]

    monkeypatch.setattr(xla_choice, "clock", clock)


def cached_choices(cache_dir):
    return json.loads((cache_dir / "xla_choice.json").read_text())["choices"]


def refuse_timing(monkeypatch):
    def measure(*args):
        raise AssertionError("timed although the choice was known")

    monkeypatch.setattr(xla_choice, "measure", measure)


def fake_timing(monkeypatch, xla_faster):
    """Replaces the timing by fixed times (1 ms for the faster setting, 3 ms for the other)."""
    calls = []

    def measure(model, fit_arguments):
        calls.append(fit_arguments)
        return (0.001, 0.003) if xla_faster else (0.003, 0.001)

    monkeypatch.setattr(xla_choice, "measure", measure)
    return calls


@pytest.mark.parametrize("xla_faster", [True, False])
def test_auto_keeps_the_faster_setting_caches_it_and_reports_it(
        tiny_nets, tiny_images, cache_dir, monkeypatch, capsys, xla_faster):
    model = tiny_gan(tiny_nets, "auto")
    assert model.jit_compile is False  # nothing chosen before the first fit
    calls = fake_timing(monkeypatch, xla_faster)
    model.fit(dataset(tiny_images), epochs=1, steps_per_epoch=1, verbose=1)
    assert model.jit_compile is xla_faster and len(calls) == 1
    assert model.xla_choice.reason == "measured"
    line = capsys.readouterr().out.splitlines()[0]
    assert line.startswith(f"XLA {'on' if xla_faster else 'off'} (jit_compile={xla_faster}): ")
    assert "1 ms/step with" in line and "3 ms/step with" in line and "measured now" in line
    (entry,) = cached_choices(cache_dir).values()
    assert entry["jit_compile"] is xla_faster

    # the same architecture again (another instance, other layer names): read, not timed
    refuse_timing(monkeypatch)
    again = tiny_gan(tiny_nets, "auto")
    choice = again.choose_jit_compile(dataset(tiny_images))
    assert again.jit_compile is xla_faster and choice.reason == "cache"
    assert not again.jit_compile_pending
    assert capsys.readouterr().out == ""  # no report asked for
    # another batch size is another fingerprint
    calls = fake_timing(monkeypatch, xla_faster)
    other = tiny_gan(tiny_nets, "auto")
    other.choose_jit_compile(tf.data.Dataset.from_tensor_slices(tiny_images).batch(4))
    assert len(calls) == 1 and len(cached_choices(cache_dir)) == 2


def test_broken_cache_is_ignored_and_rewritten(tiny_nets, tiny_images, cache_dir, monkeypatch):
    cache_dir.mkdir()
    calls = fake_timing(monkeypatch, True)
    for broken in ("{not json", '{"choices": [1, 2]}', '{"choices": {"k": {"jit_compile": 3}}}'):
        (cache_dir / "xla_choice.json").write_text(broken)
        model = tiny_gan(tiny_nets, "auto")
        assert model.choose_jit_compile(dataset(tiny_images)).reason == "measured"
        assert [e["jit_compile"] for e in cached_choices(cache_dir).values()] == [True]
    assert len(calls) == 3
    assert [p.name for p in cache_dir.iterdir()] == ["xla_choice.json"]  # no temporary left


@pytest.mark.parametrize("setting", [True, False])
def test_explicit_settings_and_the_environment_skip_timing(
        tiny_nets, tiny_images, cache_dir, monkeypatch, setting):
    refuse_timing(monkeypatch)
    model = tiny_gan(tiny_nets, setting)
    model.fit(dataset(tiny_images), epochs=1, steps_per_epoch=1, verbose=0)
    assert model.jit_compile is setting
    monkeypatch.setenv("GANKIT_JIT", str(int(setting)))
    model = tiny_gan(tiny_nets, "auto")
    assert model.choose_jit_compile(dataset(tiny_images)).reason == "environment"
    assert model.jit_compile is setting and model.train_function is None  # nothing timed
    assert not cache_dir.exists()
    monkeypatch.setenv("GANKIT_JIT", "maybe")
    with pytest.raises(ValueError, match="GANKIT_JIT must be 1 or 0"):
        tiny_gan(tiny_nets, "auto").fit(dataset(tiny_images), epochs=1, verbose=0)


def state(model):
    parts = [model, model.d_optimizer, model.g_optimizer]
    return [np.asarray(v) for part in parts for v in part.variables]


@pytest.mark.parametrize("xla_faster", [True, False])
def test_timing_leaves_no_trace_in_the_training(tiny_nets, tiny_images, monkeypatch, xla_faster):
    chosen = tiny_gan(tiny_nets, xla_faster)
    chosen.fit(dataset(tiny_images), epochs=2, verbose=0)
    auto = tiny_gan(tiny_nets, "auto")
    force_faster(monkeypatch, auto, xla_faster)
    auto.fit(dataset(tiny_images), epochs=2, verbose=0)
    assert auto.jit_compile is xla_faster and auto.xla_choice.reason == "measured"
    assert int(auto.g_optimizer.iterations) == 8
    for a, b in zip(state(auto), state(chosen), strict=True):
        np.testing.assert_array_equal(a, b)


def test_array_input_is_timed_with_its_batch_size(tiny_nets, tiny_images, monkeypatch):
    model = tiny_gan(tiny_nets, "auto")
    force_faster(monkeypatch, model, False)
    model.fit(tiny_images, batch_size=8, epochs=1, verbose=0)
    assert model.jit_compile is False and model.xla_choice.reason == "measured"
    assert int(model.g_optimizer.iterations) == 4


def test_a_mode_seeking_step_is_timed_apart_from_the_plain_step(tiny_nets, tiny_images):
    spec = tf.data.Dataset.from_tensor_slices(tiny_images).batch(8).element_spec
    plain = models.GAN(*tiny_nets("dcgan"), seed=0)
    seeking = models.GAN(*tiny_nets("dcgan"), seed=0, mode_seeking_weight=1.0)
    for model in (plain, seeking):
        model.compile(jit_compile=False)
    before = xla_choice.model_fingerprint(plain, spec)
    after = xla_choice.model_fingerprint(seeking, spec)
    assert "mode_seeking" not in before  # plain models keep the keys cached before it existed
    assert after == {**before, "mode_seeking": True}
