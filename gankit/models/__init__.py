"""GAN models: `keras.Model` subclasses trained with `fit`.

* `GAN(generator, discriminator, latent_dim=None)`
* `ConditionalGAN(generator, discriminator, latent_dim=None, num_classes=None)`
* `SelfConditionedGAN(generator, discriminator)`: unconditional, steered by k-means clusters of
  the training images (`adapt(images)` first)
* `WGANGP(generator, critic, latent_dim=None, num_classes=None, critic_steps=5, gp_weight=10.0)`
* `CycleGAN(generator_ab, generator_ba, discriminator_a, discriminator_b, lambda_cycle=10.0, ...)`

All are `TwoPlayerModel`s (`gankit.models.two_player`) and share the keyword-only
`compile(d_optimizer=..., g_optimizer=..., loss=..., label_smoothing=...)` with `gankit.losses`'
adversarial losses, and saving to `.keras` with both optimizers and every random stream. The GANs
(`AdversarialModel`, `gankit.models.base`) add `generate(n_or_labels, seed=None)` and
`interpolate(z0, z1, steps, method=...)`, and take `ema_momentum=` (sample from a moving
average of G's weights) and `mode_seeking_weight=` (MSGAN's diversity term in G's loss, logged
as `diversity`); CycleGAN adds `translate(images, direction)`.
`compile(jit_compile="auto")` uses XLA when it is faster on this machine, timed at the first
`fit` and cached (`gankit.models.xla_choice`, `XLAChoice`).

Every model trains under `tf.distribute.MirroredStrategy` and `MultiWorkerMirroredStrategy`
(create and compile it in `strategy.scope()`, or get the strategy from `make_strategy`): a
distributed run on global batches of `B` makes the updates of a single-device run on batches of
`B` (`gankit.models.replicas`).

Example:

```python
import gankit

gan = gankit.models.GAN(gankit.nets.mlp_generator(), gankit.nets.mlp_discriminator())
gan.compile(loss="lsgan")
```
"""

import gankit.nets.layers  # noqa: F401  (registers gankit's layers, so load_model finds them)
from gankit.models.base import AdversarialModel, interpolate_latents
from gankit.models.conditional_gan import ConditionalGAN
from gankit.models.cyclegan import CYCLEGAN_LOSSES, CycleGAN
from gankit.models.gan import GAN
from gankit.models.image_pool import ImagePool
from gankit.models.replicas import Shard, make_strategy, synchronize_batch_norm
from gankit.models.self_conditioned import SelfConditionedGAN, kmeans
from gankit.models.two_player import TwoPlayerModel
from gankit.models.wgan_gp import WGANGP
from gankit.models.xla_choice import XLAChoice, choose_jit_compile

__all__ = [
    "AdversarialModel",
    "CYCLEGAN_LOSSES",
    "ConditionalGAN",
    "CycleGAN",
    "GAN",
    "ImagePool",
    "SelfConditionedGAN",
    "Shard",
    "TwoPlayerModel",
    "WGANGP",
    "XLAChoice",
    "choose_jit_compile",
    "interpolate_latents",
    "kmeans",
    "make_strategy",
    "synchronize_batch_norm",
]
