"""Wasserstein GAN with gradient penalty (report 002's CWGAN), conditional or not."""

import keras
import tensorflow as tf
from keras import ops

from gankit import losses
from gankit.models.base import AdversarialModel, label_count
from gankit.models.replicas import Shard


@keras.saving.register_keras_serializable(package="gankit")
class WGANGP(AdversarialModel):
    """WGAN-GP (Gulrajani et al., 2017) trained with `fit`.

    One `train_step` is one iteration of the paper's Algorithm 1: `critic_steps` critic
    updates, each on its own real images, then one generator update. `fit`'s batch is cut into
    `critic_steps` consecutive parts (sizes differ by at most one) and critic update `i` sees
    part `i` only, so the real images of one generator step are never shown to the critic
    twice. Build the dataset with `batch_size = critic_steps * m` for critic batches of `m`
    (report 002: `m = 128`, so `5 * 128 = 640`; the `wgan-gp` preset does this). An epoch is
    then one pass over the data in which every real image is seen by exactly one critic
    update, as in the paper, and it has `critic_steps` times fewer generator updates than
    batches of `m` would give. A final batch smaller than `critic_steps` (without
    `drop_remainder=True`) reuses some of its images.

    Each critic update draws fresh noise and fresh interpolation weights; the critic
    minimises `mean(fake) - mean(real) + gp_weight * gp` with
    `gp = mean((sqrt(sum(grad^2) + 1e-12) - 1)^2)`, the gradient of the critic taken at
    `alpha * real + (1 - alpha) * fake`, `alpha ~ U[0, 1]` per sample
    (`gankit.losses.gradient_penalty`). For a conditional critic the gradient is with respect to
    the image input only. The generator update then draws fresh noise (one part's worth,
    with the labels of the last part for a conditional model) and minimises `-mean(critic(G(z)))`
    through the updated critic.

    Why split the batch rather than update the generator every `critic_steps`-th batch: the
    step stays stateless (no counter to save, so a run resumed from a `.keras` checkpoint is
    exact), every `train_step` does the same work (XLA compiles one program, `jit_compile=True`
    works) and the logs have one `g_loss` per step.

    Logs: `d_loss` (the critic's full loss, penalty included), `g_loss`, `real_score` and
    `fake_score` (mean raw critic scores), `gp` (the unweighted penalty); the critic's values
    are means over its `critic_steps` updates.

    Args:
        generator: generator (conditional if it takes `[noise, one_hot_labels]`).
        critic: critic returning raw scores; avoid batch norm in it (the penalty is per sample).
        latent_dim: noise size (None: read from the generator).
        num_classes: None: conditional exactly when the generator has two inputs.
        critic_steps: critic updates per generator update (each on `1 / critic_steps` of the
            batch).
        gp_weight: weight of the gradient penalty (lambda).
        seed: seed of the training noise stream (noise and interpolation weights).
        **kwargs: `ema_momentum` (keep a moving average of G's weights for `generate`),
            `mode_seeking_weight` (MSGAN's diversity term in G's loss; both described in
            `AdversarialModel`) and `keras.Model` arguments (`name`).

    Example:

    ```python
    wgan = gankit.WGANGP(gankit.nets.wgan_generator(conditional=True),
                         gankit.nets.wgan_critic(conditional=True), critic_steps=5)
    wgan.compile()  # Adam(1e-4, beta_1=0, beta_2=0.9) for both by default (Algorithm 1)
    # critic batches of 128 (report 002): fit batches of 5 * 128
    wgan.fit(gankit.data.load("fashion_mnist", batch_size=5 * 128, one_hot=True), epochs=10)
    ```
    """

    default_loss = "wasserstein"
    log_names = AdversarialModel.log_names + ("gp",)
    net_arguments = ("generator", "critic")

    def __init__(
        self,
        generator,
        critic,
        latent_dim=None,
        num_classes=None,
        critic_steps=5,
        gp_weight=10.0,
        seed=None,
        **kwargs,
    ):
        if num_classes is None:  # conditional exactly when the generator takes labels
            num_classes = label_count(generator)
        if not isinstance(critic_steps, int) or isinstance(critic_steps, bool) or critic_steps < 1:
            raise ValueError(f"critic_steps must be an int >= 1, got {critic_steps!r}.")
        if float(gp_weight) < 0:
            raise ValueError(f"gp_weight must be >= 0, got {gp_weight!r}.")
        super().__init__(
            generator, critic, latent_dim=latent_dim, num_classes=num_classes, seed=seed, **kwargs
        )
        self.critic_steps = critic_steps
        self.gp_weight = float(gp_weight)

    @property
    def critic(self):
        """The critic (the same object as `discriminator`)."""
        return self.discriminator

    def default_optimizers(self):
        """Adam(1e-4, beta_1=0, beta_2=0.9) for critic and generator (the paper's Algorithm 1)."""
        return (
            keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9, name="d_adam"),
            keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9, name="g_adam"),
        )

    def critic_batches(self, real, one_hot):
        """Cuts a batch into `critic_steps` consecutive parts, one per critic update.

        Part `i` holds images `i * n // k` to `(i + 1) * n // k` (`n` images, `k` critic
        steps): disjoint parts whose sizes differ by at most one. Only a batch with fewer
        than `k` images gives parts that share an image (each part keeps at least one).

        Args:
            real: real images `(n, ...)`.
            one_hot: their one-hot labels, or None.

        Returns:
            A list of `critic_steps` pairs `(real_part, one_hot_part)`.
        """
        n = ops.shape(real)[0]
        k = self.critic_steps
        parts = []
        for i in range(k):
            start = (i * n) // k
            stop = ops.maximum(((i + 1) * n) // k, start + 1)
            labels = None if one_hot is None else one_hot[start:stop]
            parts.append((real[start:stop], labels))
        return parts

    def train_step(self, data):
        """One iteration of Algorithm 1: a critic update per part of the batch, then G's update."""
        self.require_compiled("fit")
        real, one_hot = self._unpack(data)
        for part, part_one_hot in self.critic_batches(real, one_hot):
            fake = self._fake(part_one_hot, ops.shape(part)[0])
            self._discriminator_step(part, part_one_hot, fake)
        shard = Shard(ops.shape(part)[0])
        with tf.GradientTape() as tape:
            noise = self._noise(ops.shape(part)[0])  # fresh noise
            fake = self._fake(part_one_hot, ops.shape(part)[0], noise)
            g_loss, scaled = self._generator_objective(fake, part_one_hot, shard, noise)
        return self._apply_generator_update(tape, g_loss, scaled, shard)

    def discriminator_penalty(self, real, fake, one_hot):
        """`gp_weight * gp` on uniform interpolates; logs the unweighted `gp`."""
        shard = Shard(ops.shape(real)[0])
        alpha = shard.draw(lambda n: keras.random.uniform((n,), seed=self.seed_generator))

        def gradient_fn(images):
            with tf.GradientTape() as tape:
                tape.watch(images)
                scores = self.discriminator(
                    self._discriminator_inputs(images, one_hot), training=True
                )
            return tape.gradient(scores, images)

        gp = losses.gradient_penalty(gradient_fn, real, fake, alpha)
        self.update_trackers({"gp": gp}, shard.tracker_weight)
        return self.gp_weight * gp, {"gp": gp}

    def get_config(self):
        config = super().get_config()
        config.update(
            num_classes=self.num_classes, critic_steps=self.critic_steps, gp_weight=self.gp_weight
        )
        return config
