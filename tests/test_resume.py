"""An interrupted run resumed from its .keras checkpoint ends where an uninterrupted run ends."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from gankit.models import GAN, WGANGP, ConditionalGAN


def build(kind, tiny_nets):
    # same seeds -> same initial weights, same Dropout seeds, same noise stream
    if kind == "gan":  # BatchNorm in G, Dropout in D
        model = GAN(*tiny_nets("dcgan", seed=0), seed=1)
    elif kind == "cgan":
        model = ConditionalGAN(*tiny_nets("mlp", conditional=True, seed=0), seed=1)  # Dropout in D
    else:
        model = WGANGP(*tiny_nets("wgan", conditional=True, seed=0), critic_steps=2, seed=1)
    model.compile(
        d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
    )
    return model


def data_for(kind, images, labels):
    data = images if kind == "gan" else (images, labels)
    return tf.data.Dataset.from_tensor_slices(data).batch(16)  # unshuffled


def state(model):
    """Everything that decides the future of a run."""
    return (
        [np.array(v) for v in model.generator.weights]
        + [np.array(v) for v in model.discriminator.weights]
        + [np.array(v) for v in model.d_optimizer.variables]
        + [np.array(v) for v in model.g_optimizer.variables]
        + [np.array(v) for v in model._seed_states()]
    )


def assert_same(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        np.testing.assert_allclose(x, y, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind", ["gan", "cgan", "wgangp"])
def test_resume_from_keras_file_matches_uninterrupted_run(
    tmp_path, tiny_nets, tiny_images, tiny_labels, kind
):
    data = data_for(kind, tiny_images, tiny_labels)
    straight = build(kind, tiny_nets)
    straight.fit(data, epochs=2, verbose=0, shuffle=False)

    first = build(kind, tiny_nets)
    first.fit(data, epochs=1, verbose=0, shuffle=False)
    path = tmp_path / "epoch1.keras"
    first.save(path)
    resumed = keras.models.load_model(path)

    # the checkpoint holds both optimizers' moments, not freshly built zeros
    for before, after in (
        (first.d_optimizer, resumed.d_optimizer),
        (first.g_optimizer, resumed.g_optimizer),
    ):
        assert len(after.variables) == len(before.variables) > 2
        assert any(np.abs(np.array(v)).max() > 0 for v in after.variables[1:])
        assert_same([np.array(v) for v in after.variables], [np.array(v) for v in before.variables])

    history = resumed.fit(data, epochs=2, initial_epoch=1, verbose=0, shuffle=False)
    assert history.epoch == [1]
    assert resumed.d_optimizer.iterations.numpy() == straight.d_optimizer.iterations.numpy()
    assert_same(state(resumed), state(straight))
    what = 10 if kind == "gan" else np.arange(10)
    np.testing.assert_allclose(
        resumed.generate(what, seed=0), straight.generate(what, seed=0), atol=1e-5
    )

    if kind == "gan":
        # Control, so the comparison above can fail: restarting the noise stream (what Keras
        # alone would do) changes the resumed run.
        restarted = keras.models.load_model(path)
        restarted.seed_generator.state.assign(np.array([1, 0]))  # the stream's start (seed=1)
        restarted.fit(data, epochs=2, initial_epoch=1, verbose=0, shuffle=False)
        assert not np.allclose(
            np.array(restarted.generator.weights[0]), np.array(straight.generator.weights[0])
        )
