"""GAN models: `keras.Model` subclasses trained with `fit`.

* `GAN(generator, discriminator, latent_dim=None)`
* `ConditionalGAN(generator, discriminator, latent_dim=None, num_classes=None)`
* `WGANGP(generator, critic, latent_dim=None, num_classes=None, critic_steps=5, gp_weight=10.0)`

All share `compile(d_optimizer=..., g_optimizer=..., loss=..., label_smoothing=...)`,
`generate(n_or_labels, seed=None)`, `interpolate(z0, z1, steps, method=...)` and saving to
`.keras` with both optimizers and the noise stream (see `gankit.models.base`).

Example:

```python
import gankit

gan = gankit.models.GAN(gankit.nets.mlp_generator(), gankit.nets.mlp_discriminator())
gan.compile(loss="lsgan")
```
"""

from gankit.models.base import AdversarialModel, interpolate_latents
from gankit.models.conditional_gan import ConditionalGAN
from gankit.models.cyclegan import CYCLEGAN_LOSSES, CycleGAN  # noqa: F401 (lead: add to __all__)
from gankit.models.gan import GAN
from gankit.models.image_pool import ImagePool
from gankit.models.wgan_gp import WGANGP

__all__ = [
    "GAN",
    "WGANGP",
    "AdversarialModel",
    "ConditionalGAN",
    "CycleGAN",
    "ImagePool",
    "interpolate_latents",
]
