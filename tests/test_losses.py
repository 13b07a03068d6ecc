"""Adversarial losses and the gradient penalty against hand computations."""

import math

import numpy as np
import pytest
import tensorflow as tf

from gankit import losses

REAL = np.array([[2.0], [-1.0], [0.5]], dtype="float32")
FAKE = np.array([[0.5], [-3.0], [1.5]], dtype="float32")


def log_sigmoid(x):
    return -math.log1p(math.exp(-x))


def hand_mean(values):
    return sum(values) / len(values)


def test_bce_discriminator_with_one_sided_smoothing():
    s = 0.1
    real_part = hand_mean(
        [-((1 - s) * log_sigmoid(x) + s * log_sigmoid(-x)) for x in REAL.ravel()]
    )
    fake_part = hand_mean([-log_sigmoid(-x) for x in FAKE.ravel()])
    got = float(losses.bce_discriminator_loss(REAL, FAKE, label_smoothing=s))
    assert got == pytest.approx(real_part + fake_part, rel=1e-6)
    # smoothing only touches the real target
    no_smooth = float(losses.bce_discriminator_loss(REAL, FAKE))
    assert no_smooth == pytest.approx(
        hand_mean([-log_sigmoid(x) for x in REAL.ravel()]) + fake_part, rel=1e-6
    )


def test_bce_generator_is_non_saturating():
    expected = hand_mean([-log_sigmoid(x) for x in FAKE.ravel()])
    assert float(losses.bce_generator_loss(FAKE)) == pytest.approx(expected, rel=1e-6)
    assert float(losses.get("bce").generator_loss(FAKE)) == pytest.approx(expected, rel=1e-6)


def test_minimax_generator_is_log_one_minus_d():
    expected = hand_mean([math.log(1 - 1 / (1 + math.exp(-x))) for x in FAKE.ravel()])
    got = float(losses.get("minimax").generator_loss(FAKE))
    assert got == pytest.approx(expected, rel=1e-6)
    assert got < 0


def test_bce_is_stable_for_huge_logits():
    big = np.array([[100.0], [-100.0]], dtype="float32")
    assert float(losses.bce(big, 1.0)) == pytest.approx(50.0, rel=1e-5)
    assert np.isfinite(float(losses.minimax_generator_loss(big)))


def test_lsgan_with_targets_and_smoothing():
    a, b, c, s = -1.0, 1.0, 0.0, 0.2
    loss = losses.get("lsgan", a=a, b=b, c=c)
    b_smoothed = b - s * (b - a)  # 0.6
    expected_d = 0.5 * hand_mean([(x - b_smoothed) ** 2 for x in REAL.ravel()]) + 0.5 * hand_mean(
        [(x - a) ** 2 for x in FAKE.ravel()]
    )
    expected_g = 0.5 * hand_mean([(x - c) ** 2 for x in FAKE.ravel()])
    assert float(loss.discriminator_loss(REAL, FAKE, s)) == pytest.approx(expected_d, rel=1e-6)
    assert float(loss.generator_loss(FAKE)) == pytest.approx(expected_g, rel=1e-6)
    # defaults a=0, b=1, c=1
    default = losses.get("lsgan")
    assert float(default.generator_loss(FAKE)) == pytest.approx(
        0.5 * hand_mean([(x - 1) ** 2 for x in FAKE.ravel()]), rel=1e-6
    )


def test_wasserstein_and_hinge():
    w = losses.get("wasserstein")
    assert float(w.discriminator_loss(REAL, FAKE)) == pytest.approx(FAKE.mean() - REAL.mean())
    assert float(w.generator_loss(FAKE)) == pytest.approx(-FAKE.mean())
    h = losses.get("hinge")
    expected = hand_mean([max(0, 1 - x) for x in REAL.ravel()]) + hand_mean(
        [max(0, 1 + x) for x in FAKE.ravel()]
    )
    assert float(h.discriminator_loss(REAL, FAKE)) == pytest.approx(expected, rel=1e-6)
    assert float(h.generator_loss(FAKE)) == pytest.approx(-FAKE.mean())


def test_losses_average_over_patch_maps():
    patch = np.stack([np.full((4, 4, 1), v, "float32") for v in REAL.ravel()])
    assert float(losses.get("lsgan").generator_loss(patch)) == pytest.approx(
        float(losses.get("lsgan").generator_loss(REAL)), rel=1e-6
    )


def test_scores_sigmoid_or_raw():
    assert float(losses.get("bce").score(REAL)) == pytest.approx(
        hand_mean([1 / (1 + math.exp(-x)) for x in REAL.ravel()]), rel=1e-6
    )
    for name in ("lsgan", "hinge", "wasserstein"):
        assert float(losses.get(name).score(REAL)) == pytest.approx(REAL.mean())


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="no meaning"):
        losses.get("wasserstein").discriminator_loss(REAL, FAKE, label_smoothing=0.1)
    with pytest.raises(ValueError, match="no meaning"):
        losses.get("hinge").discriminator_loss(REAL, FAKE, label_smoothing=0.1)
    with pytest.raises(ValueError, match="label_smoothing"):
        losses.bce_discriminator_loss(REAL, FAKE, label_smoothing=1.0)
    with pytest.raises(ValueError, match="Unknown adversarial loss"):
        losses.get("nonsense")
    with pytest.raises(ValueError, match="only apply to 'lsgan'"):
        losses.get("bce", a=-1.0)
    with pytest.raises(ValueError, match="must differ"):
        losses.get("lsgan", a=1.0, b=1.0)
    with pytest.raises(ValueError):
        losses.get(3)


def test_registry_round_trip_and_aliases():
    for name in losses.available():
        loss = losses.get(name)
        assert losses.get(loss.get_config()) == loss
        assert losses.get(loss) is loss
    lsgan = losses.get("lsgan", a=-1.0, b=1.0, c=0.0)
    assert losses.get(lsgan.get_config()) == lsgan
    assert losses.get("non_saturating").name == "bce"
    assert losses.get("least_squares").name == "lsgan"


def test_interpolates_use_one_alpha_per_sample():
    real = np.ones((2, 2, 2, 1), "float32")
    fake = -np.ones((2, 2, 2, 1), "float32")
    out = np.asarray(losses.interpolates(real, fake, np.array([0.25, 1.0], "float32")))
    np.testing.assert_allclose(out[0], -0.5)  # 0.25 * 1 + 0.75 * -1
    np.testing.assert_allclose(out[1], 1.0)


def test_gradient_penalty_of_linear_critic_by_hand():
    # critic(x) = sum(w * x): its gradient is w for every sample.
    w = np.array([[[0.3], [0.4]], [[1.2], [0.0]]], "float32")  # |w|^2 = 0.09+0.16+1.44 = 1.69
    real = np.zeros((3, 2, 2, 1), "float32")
    fake = np.ones((3, 2, 2, 1), "float32")
    alpha = np.array([0.1, 0.5, 0.9], "float32")
    gp = losses.gradient_penalty(
        lambda x: tf.ones_like(x) * w, real, fake, alpha, epsilon=1e-12
    )
    assert float(gp) == pytest.approx((math.sqrt(1.69 + 1e-12) - 1) ** 2, rel=1e-5)


def test_gradient_penalty_with_a_tape_on_a_quadratic_critic():
    # critic(x) = sum(x^2): gradient 2x at the interpolate x = alpha*real + (1-alpha)*fake.
    rng = np.random.default_rng(0)
    real = rng.standard_normal((4, 3, 3, 1)).astype("float32")
    fake = rng.standard_normal((4, 3, 3, 1)).astype("float32")
    alpha = rng.uniform(size=4).astype("float32")

    def gradient_fn(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            scores = tf.reduce_sum(tf.square(x), axis=[1, 2, 3])
        return tape.gradient(scores, x)

    x = alpha[:, None, None, None] * real + (1 - alpha[:, None, None, None]) * fake
    norms = np.sqrt(((2 * x) ** 2).reshape(4, -1).sum(axis=1) + 1e-12)
    expected = np.mean((norms - 1) ** 2)
    got = float(losses.gradient_penalty(gradient_fn, real, fake, alpha))
    assert got == pytest.approx(expected, rel=1e-5)


def test_epsilon_inside_sqrt_keeps_zero_gradients_differentiable():
    zeros = tf.zeros((2, 3))
    with tf.GradientTape() as tape:
        tape.watch(zeros)
        gp = losses.penalty_from_gradients(zeros, epsilon=1e-12)
    grad = tape.gradient(gp, zeros)
    assert float(gp) == pytest.approx((math.sqrt(1e-12) - 1) ** 2)
    assert np.all(np.isfinite(grad.numpy()))
