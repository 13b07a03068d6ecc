"""Learning-rate schedules in the optimizers (`gankit.schedules`) and the presets that use them."""

import keras
import numpy as np
import pytest

from gankit import presets
from gankit.schedules import (
    linear_decay_to_zero,
    schedule_of,
    set_learning_rate,
    stretch_linear_decay,
)


def _rate(optimizer, step):
    return float(np.asarray(schedule_of(optimizer)(step)))


def _advance(optimizer, steps):
    optimizer.iterations.assign(steps)


def test_linear_decay_to_zero_keeps_the_optimizer_and_reaches_zero():
    adam = keras.optimizers.Adam(1e-3, beta_1=0.5)
    decayed = linear_decay_to_zero(adam, 100)
    assert type(decayed) is keras.optimizers.Adam and decayed.beta_1 == 0.5
    assert [_rate(decayed, s) for s in (0, 50, 100, 150)] == pytest.approx(
        [1e-3, 5e-4, 0.0, 0.0], abs=1e-9)
    assert schedule_of(adam) is None  # the original is untouched
    with pytest.raises(ValueError, match="already has a learning-rate schedule"):
        linear_decay_to_zero(decayed, 10)
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="steps"):
            linear_decay_to_zero(adam, bad)


def test_set_learning_rate_restarts_a_schedule_and_sets_a_constant():
    adam = keras.optimizers.Adam(1e-3)
    set_learning_rate(adam, 5e-4)
    assert float(np.asarray(adam.learning_rate)) == pytest.approx(5e-4)
    exponential = keras.optimizers.Adam(keras.optimizers.schedules.ExponentialDecay(
        2e-4, decay_steps=500, decay_rate=0.95, staircase=True))
    set_learning_rate(exponential, 1e-3)
    schedule = schedule_of(exponential)
    assert isinstance(schedule, keras.optimizers.schedules.ExponentialDecay)
    assert (schedule.decay_steps, schedule.decay_rate) == (500, 0.95)
    assert _rate(exponential, 1000) == pytest.approx(1e-3 * 0.95 ** 2)
    piecewise = keras.optimizers.Adam(
        keras.optimizers.schedules.PiecewiseConstantDecay([10], [1e-3, 1e-4]))
    with pytest.raises(ValueError, match="no initial rate"):
        set_learning_rate(piecewise, 1e-3)
    with pytest.raises(ValueError, match="> 0"):
        set_learning_rate(adam, 0.0)


def test_stretch_makes_the_decay_of_a_run_planned_for_the_new_length():
    adam = linear_decay_to_zero(keras.optimizers.Adam(1e-3), 100)
    _advance(adam, 100)  # the first run ended at rate 0
    assert stretch_linear_decay(adam, 100) is False  # already ends there
    assert stretch_linear_decay(adam, 200) is True
    assert [_rate(adam, s) for s in (0, 100, 150, 200, 250)] == pytest.approx(
        [1e-3, 5e-4, 2.5e-4, 0.0, 0.0], abs=1e-9)
    assert stretch_linear_decay(keras.optimizers.Adam(1e-3), 50) is False  # constant rate
    exponential = keras.optimizers.Adam(keras.optimizers.schedules.ExponentialDecay(1e-3, 10, 0.9))
    assert stretch_linear_decay(exponential, 50) is False
    # the stretched schedule is the one applied: a finished decay trains again
    var = keras.Variable(np.zeros(2, "float32"))
    sgd = linear_decay_to_zero(keras.optimizers.SGD(1.0), 2)
    sgd.build([var])
    for _ in range(3):  # rates 1.0, 0.5, then 0 at step 2
        sgd.apply([np.ones(2, "float32")], [var])
    np.testing.assert_allclose(np.asarray(var), [-1.5, -1.5])
    stretch_linear_decay(sgd, 4)
    sgd.apply([np.ones(2, "float32")], [var])  # step 3 of 4: rate 0.25
    np.testing.assert_allclose(np.asarray(var), [-1.75, -1.75], atol=1e-6)


def test_decaying_presets_compile_their_decay_and_others_ignore_it():
    preset = presets.get("fast-cgan")
    assert preset.decay_to_zero
    model = preset.compile(preset.build(seed=0), jit_compile=False, decay_steps=120)
    for optimizer in (model.g_optimizer, model.d_optimizer):
        assert schedule_of(optimizer).decay_steps == 120
        assert _rate(optimizer, 60) == pytest.approx(presets.FAST_CGAN_LEARNING_RATE / 2)
    plain = presets.get("dcgan")
    assert not plain.decay_to_zero
    model = plain.compile(plain.build(seed=0), jit_compile=False, decay_steps=120)
    assert schedule_of(model.g_optimizer) is None
    assert presets.discriminator_updates(presets.get("wgan-gp").build(
        (28, 28, 1), 10, seed=0)) == presets.WGAN_GP_CRITIC_STEPS
