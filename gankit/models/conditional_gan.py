"""The conditional GAN (report 003's CGAN, report 002's conditioning): labels steer G and D."""

import keras

from gankit.models.base import AdversarialModel, label_count


@keras.saving.register_keras_serializable(package="gankit")
class ConditionalGAN(AdversarialModel):
    """A class-conditional GAN trained with `fit` on `(images, labels)` batches.

    G takes `[noise, one_hot_labels]`, D takes `[images, one_hot_labels]`. Labels may be ints
    `(batch,)` or one-hot `(batch, num_classes)`. The generated batch of each update uses the
    labels of the real batch, so D compares real and fake images of the same classes.

    Args:
        generator: conditional generator.
        discriminator: conditional discriminator (logits).
        latent_dim: noise size (None: read from the generator).
        num_classes: number of classes (None: read from the generator's label input).
        seed: seed of the training noise stream.
        **kwargs: `ema_momentum` (keep a moving average of G's weights for `generate`),
            `mode_seeking_weight` (MSGAN's diversity term in G's loss; both described in
            `AdversarialModel`) and `keras.Model` arguments (`name`).

    Example:

    ```python
    cgan = gankit.ConditionalGAN(gankit.nets.cgan_generator(filters=128),
                                 gankit.nets.cgan_discriminator(filters=64))
    cgan.compile(label_smoothing=0.1)  # Adam(2e-4, beta_1=0.5) for both by default
    cgan.fit(gankit.data.load("mnist", batch_size=100), epochs=30)
    digits = cgan.generate(np.repeat(np.arange(10), 10), seed=0)
    ```
    """

    def __init__(
        self, generator, discriminator, latent_dim=None, num_classes=None, seed=None, **kwargs
    ):
        if num_classes is None:
            num_classes = label_count(generator)
        if num_classes is None:
            raise ValueError(
                "A conditional model needs a generator taking [noise, one_hot_labels] (e.g. "
                "gankit.nets.dcgan_generator(conditional=True)) or an explicit num_classes."
            )
        super().__init__(
            generator,
            discriminator,
            latent_dim=latent_dim,
            num_classes=num_classes,
            seed=seed,
            **kwargs,
        )

    def get_config(self):
        config = super().get_config()
        config["num_classes"] = self.num_classes
        return config
