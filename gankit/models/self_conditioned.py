"""`SelfConditionedGAN`: an unconditional GAN steered by clusters of its own training images.

Liu et al., "Diverse Image Generation via Self-Conditioned GANs" (CVPR 2020): cluster the
unlabeled training images, train a conditional G and D on the cluster of each real image, and
sample a cluster by its frequency when generating. No label is ever used, so the model is
unconditional for its users (`fit` on images, `generate(n)`), but every discriminator update
compares real and fake images of the same cluster, which teaches the generator to cover all the
clusters (modes) and to draw each one cleanly. gankit clusters the pixels with k-means once,
before training (`adapt`); the centres and the cluster frequencies are weights of the model, so
they are saved in `.keras` files and checkpoints.
"""

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from gankit.models.base import AdversarialModel, interpolate_latents, label_count

__all__ = ["SelfConditionedGAN", "kmeans"]


def kmeans(points, k, iterations=20, seed=0):
    """Lloyd's k-means with k-means++ seeding.

    Args:
        points: float array `(n, d)`.
        k: number of clusters, `2 <= k <= n`.
        iterations: Lloyd iterations after seeding.
        seed: seed of the k-means++ draws.

    Returns:
        `(centers, assignment)`: float32 `(k, d)` centres and the int cluster of each point.

    Example:

    ```python
    centers, clusters = kmeans(images.reshape(len(images), -1), k=20)
    ```
    """
    x = np.asarray(points, dtype="float32")
    if x.ndim != 2 or not 2 <= int(k) <= len(x):
        raise ValueError(f"kmeans needs points (n, d) and 2 <= k <= n; got {x.shape} and k={k}.")
    rng = np.random.default_rng(seed)
    squared = (x ** 2).sum(1)
    centers = [x[rng.integers(len(x))]]
    nearest = np.full(len(x), np.inf, dtype="float32")
    for _ in range(1, int(k)):
        c = centers[-1]
        nearest = np.minimum(nearest, (squared - 2 * x @ c + c @ c).clip(0))
        centers.append(x[rng.choice(len(x), p=nearest / nearest.sum())])
    centers = np.stack(centers)
    for _ in range(int(iterations)):
        assignment = _nearest(x, squared, centers)
        counts = np.bincount(assignment, minlength=len(centers))
        sums = np.zeros_like(centers)
        np.add.at(sums, assignment, x)
        centers = np.where(counts[:, None] > 0, sums / np.maximum(counts, 1)[:, None], centers)
    return centers.astype("float32"), _nearest(x, squared, centers)


def _nearest(x, squared, centers):
    return np.argmin(squared[:, None] - 2 * x @ centers.T + (centers ** 2).sum(1)[None], axis=1)


@keras.saving.register_keras_serializable(package="gankit")
class SelfConditionedGAN(AdversarialModel):
    """An unconditional GAN whose G and D are conditioned on k-means clusters of the images.

    Build it from a *conditional* pair whose label input has one unit per cluster (e.g.
    `gankit.nets.compact_cgan_generator(num_classes=k)` and
    `gankit.nets.projection_discriminator(num_classes=k)`), call `adapt(images)` once to
    cluster the training images, then `fit` on images alone, as a `GAN`. Each real batch is
    labelled with its nearest cluster centre inside `train_step`, and the fakes of the batch
    get the same clusters. `generate(n)` draws each image's cluster from the clusters'
    frequencies in the adapted images, so samples follow the data's mix of modes. Labels in
    the data, if any, are ignored. `num_classes` is None: for metrics, callbacks and grading
    the model is unconditional.

    Args:
        generator: conditional generator `[noise, one_hot_cluster] -> images`.
        discriminator: conditional discriminator `[images, one_hot_cluster] -> logits`.
        latent_dim: noise size (None: read from the generator).
        seed: seed of the training noise stream.
        **kwargs: `ema_momentum` (keep a moving average of G's weights for `generate`),
            `mode_seeking_weight` (MSGAN's diversity term in G's loss; both described in
            `AdversarialModel`) and `keras.Model` arguments (`name`).

    Example:

    ```python
    k = 50
    gan = gankit.SelfConditionedGAN(
        gankit.nets.compact_cgan_generator(num_classes=k),
        gankit.nets.projection_discriminator(num_classes=k))
    gan.adapt(mnist_images)  # k-means of the pixels, once
    gan.compile(loss="hinge")
    gan.fit(gankit.data.load("mnist", batch_size=64).map(lambda x, y: x), epochs=5)
    digits = gan.generate(100, seed=0)
    ```
    """

    def __init__(self, generator, discriminator, latent_dim=None, seed=None, **kwargs):
        clusters = label_count(generator)
        if clusters is None:
            raise ValueError(
                "SelfConditionedGAN needs a conditional generator taking [noise, one_hot] with "
                "one label unit per cluster, e.g. gankit.nets.compact_cgan_generator("
                "num_classes=50); got a generator with one input."
            )
        super().__init__(generator, discriminator, latent_dim=latent_dim, num_classes=None,
                         seed=seed, **kwargs)
        self.num_clusters = clusters
        pixels = int(np.prod(generator.output_shape[1:]))
        self.cluster_centers = self.add_weight(
            shape=(clusters, pixels), initializer="zeros", trainable=False,
            name="cluster_centers")
        self.cluster_frequencies = self.add_weight(
            shape=(clusters,), initializer="zeros", trainable=False, name="cluster_frequencies")

    def _condition_size(self):
        return label_count(self.generator)

    @property
    def adapted(self):
        """Whether `adapt` has set the clusters (or a saved model brought them)."""
        return float(ops.convert_to_numpy(ops.sum(self.cluster_frequencies))) > 0

    def adapt(self, images, iterations=20, seed=0, max_images=None):
        """Clusters `images` with k-means and keeps the centres and frequencies.

        Args:
            images: the training images: uint8 or float in [-1, 1], NHWC (or NHW), or a
                `tf.data.Dataset` of images or `(images, labels)` batches (labels ignored).
            iterations: k-means iterations.
            seed: seed of the k-means++ seeding.
            max_images: cluster at most this many images (the first ones; None: all).

        Returns:
            The model, adapted.

        Raises:
            ValueError: images of another shape than the generator's output, or fewer images
                than clusters.
        """
        from gankit.images import to_float

        if isinstance(images, tf.data.Dataset):
            batches = [b[0] if isinstance(b, (tuple, list)) else b for b in images]
            images = np.concatenate([ops.convert_to_numpy(b) for b in batches])
        images = np.asarray(images)
        if images.ndim == 3:
            images = images[..., None]
        images = images[:max_images]
        expected = tuple(self.generator.output_shape[1:])
        if images.shape[1:] != expected:
            raise ValueError(f"adapt expects images of shape {expected}, got {images.shape[1:]}.")
        if len(images) < self.num_clusters:
            raise ValueError(
                f"adapt needs at least {self.num_clusters} images (one per cluster), got "
                f"{len(images)}.")
        flat = to_float(images).reshape(len(images), -1)
        centers, assignment = kmeans(flat, self.num_clusters, iterations, seed)
        counts = np.bincount(assignment, minlength=self.num_clusters)
        self.cluster_centers.assign(centers)
        self.cluster_frequencies.assign((counts / counts.sum()).astype("float32"))
        return self

    def clusters_of(self, images):
        """The nearest cluster of each image (float images in [-1, 1]), as ints `(n,)`."""
        flat = ops.reshape(ops.cast(images, "float32"), (ops.shape(images)[0], -1))
        centers = ops.convert_to_tensor(self.cluster_centers)
        distances = (ops.sum(flat ** 2, axis=1, keepdims=True) - 2 * ops.matmul(
            flat, ops.transpose(centers)) + ops.sum(centers ** 2, axis=1)[None, :])
        return ops.argmin(distances, axis=1)

    def _unpack(self, data):
        images, _ = super()._unpack(keras.utils.unpack_x_y_sample_weight(data)[0])
        return images, ops.one_hot(self.clusters_of(images), self.num_clusters)

    def fit(self, *args, **kwargs):
        if not self.adapted:
            raise ValueError(
                "SelfConditionedGAN has no clusters yet: call model.adapt(training_images) "
                "once before fit (it clusters the images with k-means).")
        return super().fit(*args, **kwargs)

    def generate(self, n=None, seed=None, batch_size=256, noise=None, clusters=None,
                 noise_scale=1.0):
        """Generates images in inference mode, each from a cluster drawn by its frequency.

        Args:
            n: number of images (may be None when `noise` or `clusters` is given).
            seed: int: the same seed gives the same clusters and noise (the noise is that of
                `GAN.generate`); None: fresh draws. With `noise` given and no seed, the
                clusters are drawn with seed 0, so the same noise gives the same images.
            batch_size: images per generator call.
            noise: optional explicit noise `(n, latent_dim)`.
            clusters: optional int clusters `(n,)` to draw from instead of random ones.
            noise_scale: standard deviation of the drawn noise (see `GAN.generate`).

        Returns:
            float32 numpy array `(n, height, width, channels)` in [-1, 1].
        """
        if not self.adapted:
            raise ValueError("SelfConditionedGAN has no clusters yet: call adapt(images) first.")
        if n is not None and (not isinstance(n, (int, np.integer)) or isinstance(n, bool)):
            raise ValueError(f"SelfConditionedGAN is unconditional: pass the number of images, "
                             f"not {type(n).__name__}.")
        sizes = [len(a) for a in (noise, clusters) if a is not None]
        count = n if n is not None else (sizes[0] if sizes else None)
        if count is None or count < 0 or any(s != count for s in sizes):
            raise ValueError(f"Pass the number of images (>= 0), or noise/clusters of the same "
                             f"length; got n={n} and lengths {sizes}.")
        if clusters is None:
            if seed is not None:
                rng = np.random.default_rng([seed, 1])
            else:  # explicit noise alone: fixed clusters, so the same noise gives the same images
                rng = np.random.default_rng([0, 1] if noise is not None else None)
            p = ops.convert_to_numpy(self.cluster_frequencies).astype("float64")
            clusters = rng.choice(self.num_clusters, size=count, p=p / p.sum())
        clusters = np.asarray(clusters)
        if clusters.ndim != 1 or clusters.dtype.kind not in "iu" or (
                clusters.size and not 0 <= clusters.min() <= clusters.max() < self.num_clusters):
            raise ValueError(f"clusters must be ints in [0, {self.num_clusters}), shape (n,).")
        noise = self._draw_noise(count, seed, noise, noise_scale)
        one_hot = np.eye(self.num_clusters, dtype="float32")[clusters]
        return self._run_generator(noise, one_hot, batch_size)

    def interpolate(self, z0, z1, steps=10, method="linear", cluster=0, batch_size=256):
        """Images along a latent walk from `z0` to `z1` within one `cluster` (see `GAN`)."""
        noise = interpolate_latents(z0, z1, steps, method)
        clusters = np.full((steps,), int(cluster))
        return self.generate(noise=noise, clusters=clusters, batch_size=batch_size)
