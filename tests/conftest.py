"""Shared pytest fixtures: offline environment, tiny seeded images and tiny GAN nets.

Fixtures here are generic; add new ones below rather than changing these.
"""

import os

os.environ.setdefault("GANKIT_OFFLINE", "1")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# Presets compile with jit_compile="auto", which times XLA on the first fit (tens of seconds on a
# loaded CPU) and caches the choice in the user's cache. Tests decide without timing (XLA off);
# tests/test_xla_auto.py removes this to test the timing itself.
os.environ.setdefault("GANKIT_JIT", "0")

import numpy as np  # noqa: E402
import pytest  # noqa: E402


def make_images(n=32, image_shape=(28, 28, 1), seed=0):
    """Random float32 images in [-1, 1]: smooth blobs, so they are not pure noise."""
    rng = np.random.default_rng(seed)
    height, width, channels = image_shape
    yy, xx = np.mgrid[0:height, 0:width] / max(height, width)
    centers = rng.uniform(0.2, 0.8, size=(n, 2, 1, 1))
    blob = np.exp(-((yy - centers[:, 0]) ** 2 + (xx - centers[:, 1]) ** 2) / 0.02)
    images = 2.0 * blob[..., None] - 1.0 + 0.1 * rng.standard_normal((n, height, width, channels))
    return np.clip(images, -1.0, 1.0).astype("float32")


def make_labels(n=32, num_classes=10):
    """Int64 labels 0, 1, ..., num_classes - 1, 0, 1, ... (every class present)."""
    return np.arange(n, dtype="int64") % num_classes


@pytest.fixture
def tiny_images():
    """32 float32 images 28x28x1 in [-1, 1], fixed seed."""
    return make_images()


@pytest.fixture
def tiny_labels():
    """32 int64 labels cycling through 10 classes."""
    return make_labels()


@pytest.fixture
def tiny_nets():
    """Factory for tiny seeded (generator, discriminator) pairs from gankit.nets.

    `tiny_nets(kind="dcgan", conditional=False, image_shape=(28, 28, 1), latent_dim=8, seed=0)`;
    kind: "dcgan" (report 003 layout: BatchNorm in G, Dropout in D), "dcgan002", "mlp",
    "cgan" (always conditional) or "wgan" (MLP generator and critic).
    """
    import keras

    from gankit import nets

    def build(kind="dcgan", conditional=False, image_shape=(28, 28, 1), latent_dim=8, seed=0):
        keras.utils.set_random_seed(seed)
        c = {"conditional": conditional, "num_classes": 10}
        if kind == "dcgan":
            g = nets.dcgan_generator(latent_dim, image_shape, filters=8, variant="003", **c)
            d = nets.dcgan_discriminator(image_shape, filters=4, variant="003", **c)
        elif kind == "dcgan002":
            g = nets.dcgan_generator(latent_dim, image_shape, filters=8, variant="002", **c)
            d = nets.dcgan_discriminator(image_shape, filters=4, variant="002", **c)
        elif kind == "mlp":
            g = nets.mlp_generator(latent_dim, image_shape, hidden_units=16, **c)
            d = nets.mlp_discriminator(image_shape, hidden_units=16, **c)
        elif kind == "cgan":
            g = nets.cgan_generator(latent_dim, image_shape, num_classes=10, filters=8)
            d = nets.cgan_discriminator(image_shape, num_classes=10, filters=4)
        elif kind == "wgan":
            g = nets.wgan_generator(latent_dim, image_shape, units=(16, 16), **c)
            d = nets.wgan_critic(image_shape, units=(16, 16), **c)
        else:
            raise ValueError(f"unknown tiny net kind {kind!r}")
        return g, d

    return build
