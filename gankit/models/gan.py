"""The unconditional GAN (reports 000, 002 and 003: noise -> image, real/fake discriminator)."""

import keras

from gankit.models.base import AdversarialModel


@keras.saving.register_keras_serializable(package="gankit")
class GAN(AdversarialModel):
    """An unconditional GAN trained with `fit`.

    Each batch: one discriminator update on the real batch and a generated batch, then one
    generator update on the same fake batch (no fresh noise), back-propagated through the
    freshly updated discriminator: the generator runs forward once per batch, as in the
    PyTorch DCGAN reference. Batches may be images or `(images, labels)` (labels are ignored).
    Logs `d_loss`, `g_loss`, `real_score`, `fake_score` (see `AdversarialModel.train_step`).

    Args:
        generator: `keras.Model` noise `(batch, latent_dim)` -> images in [-1, 1].
        discriminator: `keras.Model` images -> logits.
        latent_dim: noise size (None: read from the generator).
        seed: seed of the training noise stream.
        **kwargs: `ema_momentum` (keep a moving average of G's weights for `generate`),
            `mode_seeking_weight` (MSGAN's diversity term in G's loss; both described in
            `AdversarialModel`) and `keras.Model` arguments (`name`).

    Example:

    ```python
    import keras
    import gankit

    gan = gankit.GAN(gankit.nets.dcgan_generator(), gankit.nets.dcgan_discriminator())
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    gan.fit(gankit.data.load("mnist", batch_size=128), epochs=5)
    images = gan.generate(16, seed=0)
    ```
    """

    def __init__(self, generator, discriminator, latent_dim=None, seed=None, **kwargs):
        super().__init__(generator, discriminator, latent_dim=latent_dim, seed=seed, **kwargs)
