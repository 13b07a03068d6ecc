"""Wasserstein GAN with gradient penalty (report 002's CWGAN), conditional or not."""

import keras
import tensorflow as tf

from gankit import losses
from gankit.models.base import AdversarialModel
from gankit.models.conditional_gan import _infer_num_classes


@keras.saving.register_keras_serializable(package="gankit")
class WGANGP(AdversarialModel):
    """WGAN-GP (Gulrajani et al., 2017) trained with `fit`.

    Each batch: `critic_steps` critic updates (all on the same real batch, each with fresh
    noise and fresh interpolation weights), then one generator update. The critic minimises
    `mean(fake) - mean(real) + gp_weight * gp` with
    `gp = mean((sqrt(sum(grad^2) + 1e-12) - 1)^2)`, the gradient of the critic taken at
    `alpha * real + (1 - alpha) * fake`, `alpha ~ U[0, 1]` per sample
    (`gankit.losses.gradient_penalty`). For a conditional critic the gradient is with respect to
    the image input only.

    Logs: `d_loss` (the critic's full loss, penalty included), `g_loss`, `real_score` and
    `fake_score` (mean raw critic scores), `gp` (the unweighted penalty); the critic's values
    are means over its `critic_steps` updates.

    Args:
        generator: generator (conditional if it takes `[noise, one_hot_labels]`).
        critic: critic returning raw scores; avoid batch norm in it (the penalty is per sample).
        latent_dim: noise size (None: read from the generator).
        num_classes: None: conditional exactly when the generator has two inputs.
        critic_steps: critic updates per generator update.
        gp_weight: weight of the gradient penalty (lambda).
        seed: seed of the training noise stream (noise and interpolation weights).
        **kwargs: `keras.Model` arguments (`name`).

    Example:

    ```python
    wgan = gankit.WGANGP(gankit.nets.wgan_generator(conditional=True),
                         gankit.nets.wgan_critic(conditional=True))
    wgan.compile()  # Adam(1e-4, beta_1=0.5, beta_2=0.9) for both by default
    wgan.fit(gankit.data.load("fashion_mnist", batch_size=64), epochs=10)
    ```
    """

    default_loss = "wasserstein"
    _discriminator_arg = "critic"

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
        inputs = getattr(generator, "inputs", None)
        if num_classes is None and inputs and len(inputs) == 2:
            num_classes = _infer_num_classes(generator, None)
        if not isinstance(critic_steps, int) or isinstance(critic_steps, bool) or critic_steps < 1:
            raise ValueError(f"critic_steps must be an int >= 1, got {critic_steps!r}.")
        if float(gp_weight) < 0:
            raise ValueError(f"gp_weight must be >= 0, got {gp_weight!r}.")
        super().__init__(
            generator, critic, latent_dim=latent_dim, num_classes=num_classes, seed=seed, **kwargs
        )
        self.critic_steps = critic_steps
        self.d_steps = critic_steps
        self.gp_weight = float(gp_weight)
        self.gp_tracker = keras.metrics.Mean(name="gp")

    @property
    def critic(self):
        """The critic (the same object as `discriminator`)."""
        return self.discriminator

    @property
    def metrics(self):
        return super().metrics + [self.gp_tracker]

    def default_optimizers(self):
        """Adam(1e-4, beta_1=0.5, beta_2=0.9) for critic and generator (the WGAN-GP setting)."""
        return (
            keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.9, name="d_adam"),
            keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.9, name="g_adam"),
        )

    def discriminator_penalty(self, real, fake, one_hot):
        """`gp_weight * gp` on uniform interpolates; logs the unweighted `gp`."""
        alpha = keras.random.uniform((keras.ops.shape(real)[0],), seed=self.seed_generator)

        def gradient_fn(images):
            with tf.GradientTape() as tape:
                tape.watch(images)
                scores = self.discriminator(
                    self._discriminator_inputs(images, one_hot), training=True
                )
            return tape.gradient(scores, images)

        gp = losses.gradient_penalty(gradient_fn, real, fake, alpha)
        self.gp_tracker.update_state(gp)
        return self.gp_weight * gp, {"gp": gp}

    def get_config(self):
        config = super().get_config()
        config.update(
            num_classes=self.num_classes, critic_steps=self.critic_steps, gp_weight=self.gp_weight
        )
        return config
