"""SelfConditionedGAN: k-means clusters of the images steer an unconditional GAN (fast-dcgan)."""

import json

import keras
import numpy as np
import pytest
from conftest import make_images

import gankit
from gankit import data, training
from gankit.models import kmeans
from gankit.nets import compact_cgan_generator, projection_discriminator

K = 3


def tiny_model(k=K, seed=0):
    keras.utils.set_random_seed(seed)
    return gankit.SelfConditionedGAN(compact_cgan_generator(num_classes=k, filters=4),
                                     projection_discriminator(num_classes=k, filters=4), seed=seed)


def three_kinds(n_each=8):
    """Images of three clearly different kinds (dark, bright, left half bright)."""
    dark = np.full((n_each, 28, 28, 1), -0.9, "float32")
    bright = np.full((n_each, 28, 28, 1), 0.9, "float32")
    half = np.full((n_each, 28, 28, 1), -0.9, "float32")
    half[:, :, :14] = 0.9
    return np.concatenate([dark, bright, half])


def test_kmeans_finds_well_separated_groups():
    rng = np.random.default_rng(0)
    points = np.concatenate([rng.normal(c, 0.1, (50, 2)) for c in ((0, 0), (5, 5), (0, 5))])
    centers, assignment = kmeans(points, 3, seed=1)
    assert sorted(map(tuple, np.round(centers).astype(int))) == [(0, 0), (0, 5), (5, 5)]
    for group in range(3):  # each true group is one cluster
        assert len(set(assignment[group * 50:(group + 1) * 50])) == 1
    with pytest.raises(ValueError, match="2 <= k <= n"):
        kmeans(points[:2], 3)


def test_fit_needs_adapt_and_adapt_checks_the_images():
    model = tiny_model()
    model.compile(loss="hinge")
    with pytest.raises(ValueError, match="adapt"):
        model.fit(make_images(8), epochs=1, batch_size=4, verbose=0)
    with pytest.raises(ValueError, match="shape"):
        model.adapt(make_images(8, (32, 32, 1)))
    with pytest.raises(ValueError, match="at least 3 images"):
        model.adapt(make_images(2))
    with pytest.raises(ValueError, match="adapt"):
        model.generate(4)
    with pytest.raises(ValueError, match="conditional generator"):
        gankit.SelfConditionedGAN(gankit.nets.compact_generator(),
                                  gankit.nets.compact_discriminator())


def test_adapt_clusters_the_images_and_train_step_labels_real_batches_by_cluster():
    images = three_kinds()
    model = tiny_model().adapt(images)
    assert model.adapted and model.num_classes is None and model.num_clusters == K
    np.testing.assert_allclose(keras.ops.convert_to_numpy(model.cluster_frequencies), [1 / 3] * 3,
                               atol=1e-6)
    clusters = keras.ops.convert_to_numpy(model.clusters_of(images))
    assert [len(set(clusters[i * 8:(i + 1) * 8])) for i in range(3)] == [1, 1, 1]
    assert len(set(clusters)) == 3
    # labels in the data are ignored: the clusters label the batches
    runs = []
    for batches in (images, (images, np.zeros(len(images), "int64"))):
        model = tiny_model().adapt(images)
        model.compile(loss="hinge")
        centers = keras.ops.convert_to_numpy(model.cluster_centers).copy()
        g0 = [keras.ops.convert_to_numpy(v).copy() for v in model.generator.trainable_variables]
        d0 = [keras.ops.convert_to_numpy(v).copy() for v in model.discriminator.trainable_variables]
        ds = data.from_arrays(*batches if isinstance(batches, tuple) else (batches,),
                              batch_size=8, shuffle=False)
        history = model.fit(ds, epochs=1, verbose=0)
        assert all(np.isfinite(v[-1]) for v in history.history.values())
        assert any(not np.allclose(a, keras.ops.convert_to_numpy(b))
                   for a, b in zip(g0, model.generator.trainable_variables))
        assert any(not np.allclose(a, keras.ops.convert_to_numpy(b))
                   for a, b in zip(d0, model.discriminator.trainable_variables))
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(model.cluster_centers), centers)
        runs.append([keras.ops.convert_to_numpy(v) for v in model.generator.trainable_variables])
    for a, b in zip(*runs):
        np.testing.assert_array_equal(a, b)


def test_generate_draws_clusters_by_frequency_and_round_trips_through_keras_file(tmp_path):
    model = tiny_model().adapt(three_kinds())
    model.compile(loss="hinge")
    assert model.generate(6, seed=1).shape == (6, 28, 28, 1)
    np.testing.assert_array_equal(model.generate(6, seed=1), model.generate(6, seed=1))
    noise = np.random.default_rng(0).standard_normal((6, model.latent_dim)).astype("float32")
    model.cluster_frequencies.assign([0.0, 0.0, 1.0])  # only cluster 2 can be drawn
    np.testing.assert_allclose(model.generate(noise=noise, seed=3),
                               model.generate(noise=noise, clusters=np.full(6, 2)), atol=1e-6)
    assert not np.allclose(model.generate(noise=noise, clusters=np.full(6, 0)),
                           model.generate(noise=noise, clusters=np.full(6, 2)))
    with pytest.raises(ValueError, match="unconditional"):
        model.generate(np.arange(3))
    with pytest.raises(ValueError, match="clusters must be ints"):
        model.generate(clusters=np.array([0, 3]))
    path = tmp_path / "sc.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert type(loaded) is gankit.SelfConditionedGAN and loaded.adapted
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(loaded.cluster_centers),
                                  keras.ops.convert_to_numpy(model.cluster_centers))
    np.testing.assert_allclose(loaded.generate(noise=noise, seed=3),
                               model.generate(noise=noise, seed=3), atol=1e-6)


def test_fast_dcgan_trains_through_gankit_train_as_an_unconditional_run(tmp_path):
    out = tmp_path / "run"
    result = training.train("fast-dcgan", out, epochs=1, steps_per_epoch=3, limit=640,
                            evaluate_n=500, jit_compile=False, progress=lambda line: None)
    assert result["model"] == "fast-dcgan" and result["epochs"] == 1
    assert 1.0 <= result["inception_score"] <= 10.0 and "conditional_accuracy" not in result
    assert json.loads((out / "metrics.json").read_text())["model"] == "fast-dcgan"
    assert gankit.presets.get("fast-dcgan").epochs == 6
    # resuming keeps the clusters of the first run (they are in the checkpoint)
    checkpoint = sorted((out / "checkpoints").glob("*.keras"))[-1]
    first = keras.models.load_model(checkpoint)
    training.train("fast-dcgan", out, epochs=2, steps_per_epoch=3, limit=640, evaluate_n=0,
                   jit_compile=False, progress=lambda line: None)
    second = keras.models.load_model(sorted((out / "checkpoints").glob("*.keras"))[-1])
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(first.cluster_centers),
                                  keras.ops.convert_to_numpy(second.cluster_centers))
