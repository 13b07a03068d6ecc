"""An interrupted run resumed from its .keras checkpoint ends where an uninterrupted run ends.

With a fixed data order, and with gankit's shuffled pipelines (each built anew, as a new process
would): their order depends only on the seed and the epoch.
"""

import shutil

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import make_images, make_labels

import gankit
from gankit.callbacks import GANCheckpoint
from gankit.cli import main
from gankit.models import GAN, WGANGP, ConditionalGAN, CycleGAN
from gankit.nets.cyclegan import digit_patch_discriminator, digit_resnet_generator


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


def assert_identical(a, b):
    """Bit for bit (the same ops on the same batches in the same order)."""
    assert len(a) == len(b)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


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


# ----------------------------------------------------------------------------- shuffled data


def shuffled_data(kind):
    """64 images (and labels), shuffled with seed 0; a new pipeline per call, as in a new process."""
    images, labels = make_images(64), make_labels(64)
    if kind == "gan":
        return gankit.data.from_arrays(images, batch_size=16, seed=0)
    return gankit.data.from_arrays(images, labels, batch_size=16, seed=0, one_hot=True)


@pytest.mark.parametrize("kind", ["gan", "cgan", "wgangp"])
def test_resume_with_shuffled_data_matches_uninterrupted_run(tmp_path, tiny_nets, kind):
    straight = build(kind, tiny_nets)
    straight.fit(shuffled_data(kind), epochs=2, verbose=0)

    first = build(kind, tiny_nets)
    first.fit(shuffled_data(kind), epochs=1, verbose=0)
    path = tmp_path / "epoch1.keras"
    first.save(path)
    resumed = keras.models.load_model(path)  # plain Keras: no extra call for the data order
    resumed.fit(shuffled_data(kind), epochs=2, initial_epoch=1, verbose=0)
    assert_identical(state(resumed), state(straight))

    # Control, so the comparison above can fail: the second epoch in the first epoch's order
    # (what a restarted tf.data reshuffle gives) ends elsewhere.
    replayed = keras.models.load_model(path)
    replayed.fit(shuffled_data(kind), epochs=1, verbose=0)
    assert not np.allclose(
        np.array(replayed.generator.weights[0]), np.array(straight.generator.weights[0])
    )


CYCLE_SIZE = 16


def tiny_cyclegan():
    keras.utils.set_random_seed(0)

    def generator(c_in, c_out):
        return digit_resnet_generator((CYCLE_SIZE, CYCLE_SIZE, c_in), output_channels=c_out,
                                      filters=4, num_residual_blocks=1)

    model = CycleGAN(
        generator(1, 3), generator(3, 1),
        digit_patch_discriminator((CYCLE_SIZE, CYCLE_SIZE, 1), filters=4),
        digit_patch_discriminator((CYCLE_SIZE, CYCLE_SIZE, 3), filters=4),
        lambda_identity=0.0, pool_size=4, seed=0,
    )
    model.compile(  # eager steps: tracing would dominate these few steps
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        run_eagerly=True,
    )
    return model


def unpaired_data():
    """6 A and 10 B images: the smaller domain A is repeated; both domains shuffle twice
    (their own seeded pipeline, then `unpaired`'s per-domain shuffle)."""
    rng = np.random.default_rng(0)
    a = rng.integers(0, 256, (6, CYCLE_SIZE, CYCLE_SIZE, 1), dtype=np.uint8)
    b = rng.integers(0, 256, (10, CYCLE_SIZE, CYCLE_SIZE, 3), dtype=np.uint8)
    return gankit.data.unpaired(
        gankit.data.from_arrays(a, batch_size=None, seed=1),
        gankit.data.from_arrays(b, batch_size=None, seed=2),
        batch_size=5, seed=0,
    )


def test_cyclegan_resume_with_unpaired_shuffled_data_matches_uninterrupted_run(tmp_path):
    straight = tiny_cyclegan()
    straight.fit(unpaired_data(), epochs=2, verbose=0)

    first = tiny_cyclegan()
    first.fit(unpaired_data(), epochs=1, verbose=0)
    first.save(tmp_path / "epoch1.keras")
    resumed = keras.models.load_model(tmp_path / "epoch1.keras")
    resumed.fit(unpaired_data(), epochs=2, initial_epoch=1, verbose=0)
    assert resumed.g_optimizer.iterations.numpy() == straight.g_optimizer.iterations.numpy() == 4
    for w1, w2 in zip(resumed.weights, straight.weights):
        np.testing.assert_array_equal(np.asarray(w1), np.asarray(w2), err_msg=w1.path)

    replayed = keras.models.load_model(tmp_path / "epoch1.keras")  # control: epoch 0's order
    replayed.fit(unpaired_data(), epochs=1, verbose=0)
    assert not np.allclose(
        np.asarray(replayed.generator_ab.weights[0]), np.asarray(straight.generator_ab.weights[0])
    )


@pytest.mark.parametrize("steps_per_epoch", [None, 2])
def test_cli_train_resumed_ends_where_uninterrupted_run_ends(tmp_path, steps_per_epoch):
    """`gankit train` stopped after epoch 1 and run again == run for 2 epochs at once.

    96 images in batches of 32: a pass is 3 batches. With `--steps-per-epoch 2` (and the
    preset's `steps_per_execution=10`), epochs run across passes of the endless stream. The
    stopped run is what a run of 2 epochs killed after its first leaves behind: its folder
    without the epoch-2 checkpoint (fast-cgan's learning rates decay over the planned epochs,
    so a run *asked* for 1 epoch is another plan, see tests/test_cli.py).
    """
    args = ["train", "--model", "fast-cgan", "--limit", "96", "--batch-size", "32",
            "--no-jit", "--evaluate-n", "0"]
    if steps_per_epoch:
        args += ["--steps-per-epoch", str(steps_per_epoch)]

    def final_weights(out):
        path, epoch = GANCheckpoint.latest(out / "checkpoints")
        assert epoch == 2
        return [np.asarray(w) for w in keras.models.load_model(path).weights]

    assert main([*args, "--epochs", "2", "--out", str(tmp_path / "straight")]) == 0
    shutil.copytree(tmp_path / "straight", tmp_path / "resumed")
    for name in ("ckpt_epoch_0002.keras", "latest.json"):
        (tmp_path / "resumed" / "checkpoints" / name).unlink()
    assert GANCheckpoint.latest(tmp_path / "resumed" / "checkpoints")[1] == 1
    assert main([*args, "--epochs", "2", "--out", str(tmp_path / "resumed")]) == 0
    assert_identical(final_weights(tmp_path / "resumed"), final_weights(tmp_path / "straight"))


def test_plain_keras_model_resumes_exactly_with_the_set_epoch_callback(tmp_path):
    def data():
        images = np.random.default_rng(0).integers(0, 256, (32, 4, 4, 1), dtype=np.uint8)
        return gankit.data.from_arrays(images, np.arange(32) % 3, batch_size=4, seed=0)

    def model():
        keras.utils.set_random_seed(0)
        m = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
        m.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
        return m

    def fit(m, ds, **kwargs):
        m.fit(ds, verbose=0, shuffle=False, callbacks=[gankit.data.SetEpoch(ds)], **kwargs)

    straight = model()
    fit(straight, data(), epochs=2)
    first = model()
    fit(first, data(), epochs=1)
    first.save(tmp_path / "plain.keras")
    resumed = keras.models.load_model(tmp_path / "plain.keras")
    fit(resumed, data(), epochs=2, initial_epoch=1)
    assert_identical([np.asarray(w) for w in resumed.weights],
                     [np.asarray(w) for w in straight.weights])
    unaware = keras.models.load_model(tmp_path / "plain.keras")  # control: no callback
    unaware.fit(data(), epochs=2, initial_epoch=1, verbose=0, shuffle=False)
    assert not np.allclose(np.asarray(unaware.weights[0]), np.asarray(straight.weights[0]))
