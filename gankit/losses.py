"""Adversarial losses on logits, the WGAN-GP gradient penalty and the mode-seeking term, in pure
`keras.ops`.

Every loss takes the discriminator's raw outputs (logits, any shape with the batch first: a
single score per image or a patch map) and averages over all elements.

* `"bce"` (default): the non-saturating GAN of Goodfellow et al. D minimises
  `BCE(real, 1 - smoothing) + BCE(fake, 0)`, G minimises `BCE(fake, 1)`.
* `"minimax"`: the same D; G minimises the original `mean(log(1 - D(G(z))))`.
* `"lsgan"`: least squares (Mao et al.; report 000) with targets `a` (fake), `b` (real) and `c`
  (what G wants D to say): D minimises `0.5 mean((real - b)^2) + 0.5 mean((fake - a)^2)`, G minimises
  `0.5 mean((fake - c)^2)`.
* `"wasserstein"`: D (the critic) minimises `mean(fake) - mean(real)`, G minimises `-mean(fake)`.
* `"hinge"`: D minimises `mean(relu(1 - real)) + mean(relu(1 + fake))`, G minimises `-mean(fake)`.

Scale: each loss is written as above and every gankit model logs it unscaled, so `g_loss` of a
`GAN` and `g_ab_adv` of a `CycleGAN` are the same number for the same logits. The LSGAN losses
keep Mao et al.'s 1/2 on both players; the CycleGAN paper writes them without it (G:
`mean((fake - 1)^2)`, D: `mean((real - 1)^2) + mean(fake^2)`, which it then halves), so
`CycleGAN` weighs its adversarial terms by 2 in what it minimises (see `gankit.models.cyclegan`).

Mixed precision: every loss, `score`, `interpolates` and the gradient penalty cast their inputs
to float32 and return float32, so under `keras.mixed_precision.set_dtype_policy("mixed_bfloat16")`
(or `"mixed_float16"`) the networks compute in 16 bits while the losses and the logged values do
not.

The mode-seeking term (`mode_seeking`, Mao et al. 2019, "Mode Seeking Generative Adversarial
Networks for Diverse Image Synthesis") is a generator regularizer, not an adversarial loss:
G minimises `1 / (ratio + eps)`, where `ratio = mean|G(z1, y) - G(z2, y)| / mean|z1 - z2|`, so
two noise vectors of one label must give different images (see `AdversarialModel`'s
`mode_seeking_weight`).

One-sided label smoothing (report 003: real targets 0.9 instead of 1) moves only the real
target towards the fake one: `1 - s` for the sigmoid losses, `b - s (b - a)` for LSGAN. It has no
meaning for the Wasserstein and hinge losses, which refuse it.

Example:

```python
from gankit import losses

loss = losses.get("lsgan")
d_loss = loss.discriminator_loss(real_logits, fake_logits, label_smoothing=0.1)
g_loss = loss.generator_loss(fake_logits)
```
"""

from keras import ops

__all__ = [
    "AdversarialLoss",
    "available",
    "bce",
    "bce_discriminator_loss",
    "bce_generator_loss",
    "get",
    "gradient_penalty",
    "hinge_discriminator_loss",
    "hinge_generator_loss",
    "interpolates",
    "lsgan_discriminator_loss",
    "lsgan_generator_loss",
    "minimax_generator_loss",
    "mode_seeking",
    "penalty_from_gradients",
    "wasserstein_discriminator_loss",
    "wasserstein_generator_loss",
]


def _float32(x):
    """`x` as a float32 tensor (bfloat16/float16 logits of a mixed-precision net are cast)."""
    return ops.cast(x, "float32")


def _check_smoothing(label_smoothing):
    if not 0.0 <= float(label_smoothing) < 1.0:
        raise ValueError(
            f"label_smoothing must be in [0, 1), got {label_smoothing!r} "
            "(0.1 makes the real targets 0.9)."
        )


def bce(logits, target):
    """Binary cross-entropy of logits against a constant target, averaged over all elements.

    Computed stably as `target * softplus(-x) + (1 - target) * softplus(x)`.

    Args:
        logits: tensor of raw scores.
        target: float in [0, 1], the target probability for every element.

    Returns:
        Scalar tensor.

    Example:

    >>> float(bce(np.zeros((4, 1), "float32"), 1.0))  # -log(0.5)
    0.6931...
    """
    logits = _float32(logits)
    return ops.mean(target * ops.softplus(-logits) + (1.0 - target) * ops.softplus(logits))


def bce_discriminator_loss(real_logits, fake_logits, label_smoothing=0.0):
    """Discriminator loss of the sigmoid GAN: `BCE(real, 1 - label_smoothing) + BCE(fake, 0)`.

    Args:
        real_logits: D's logits on real images.
        fake_logits: D's logits on generated images.
        label_smoothing: one-sided smoothing of the real target (0.1 -> target 0.9).

    Returns:
        Scalar tensor.

    Example:

    >>> d = bce_discriminator_loss(real_logits, fake_logits, label_smoothing=0.1)
    """
    _check_smoothing(label_smoothing)
    return bce(real_logits, 1.0 - label_smoothing) + bce(fake_logits, 0.0)


def bce_generator_loss(fake_logits):
    """Non-saturating generator loss `BCE(fake, 1) = -mean(log D(G(z)))`.

    Args:
        fake_logits: D's logits on generated images.

    Returns:
        Scalar tensor.

    Example:

    >>> g = bce_generator_loss(fake_logits)
    """
    return bce(fake_logits, 1.0)


def minimax_generator_loss(fake_logits):
    """Original minimax generator loss `mean(log(1 - D(G(z)))) = -mean(softplus(fake))`.

    It saturates (vanishing gradient) when D confidently rejects the fakes, which is why
    `"bce"` is the default.

    Args:
        fake_logits: D's logits on generated images.

    Returns:
        Scalar tensor (negative: it is minimised towards -inf).

    Example:

    >>> g = minimax_generator_loss(fake_logits)
    """
    return -bce(fake_logits, 0.0)


def lsgan_discriminator_loss(real_logits, fake_logits, label_smoothing=0.0, a=0.0, b=1.0):
    """Least-squares discriminator loss `0.5 mean((real - b')^2) + 0.5 mean((fake - a)^2)`.

    `b' = b - label_smoothing * (b - a)` (one-sided smoothing of the real target).

    Args:
        real_logits: D's raw outputs on real images.
        fake_logits: D's raw outputs on generated images.
        label_smoothing: one-sided smoothing of the real target.
        a: target for fakes.
        b: target for reals.

    Returns:
        Scalar tensor.

    Example:

    >>> d = lsgan_discriminator_loss(real_logits, fake_logits)
    """
    _check_smoothing(label_smoothing)
    real_target = b - label_smoothing * (b - a)
    real_logits = _float32(real_logits)
    fake_logits = _float32(fake_logits)
    return 0.5 * ops.mean(ops.square(real_logits - real_target)) + 0.5 * ops.mean(
        ops.square(fake_logits - a)
    )


def lsgan_generator_loss(fake_logits, c=1.0):
    """Least-squares generator loss `0.5 mean((fake - c)^2)`.

    Args:
        fake_logits: D's raw outputs on generated images.
        c: the value G wants D to output for fakes.

    Returns:
        Scalar tensor.

    Example:

    >>> g = lsgan_generator_loss(fake_logits)
    """
    fake_logits = _float32(fake_logits)
    return 0.5 * ops.mean(ops.square(fake_logits - c))


def wasserstein_discriminator_loss(real_logits, fake_logits):
    """Critic loss `mean(fake) - mean(real)` (the negative Wasserstein estimate).

    Args:
        real_logits: critic scores on real images.
        fake_logits: critic scores on generated images.

    Returns:
        Scalar tensor.

    Example:

    >>> d = wasserstein_discriminator_loss(real_scores, fake_scores)
    """
    return ops.mean(_float32(fake_logits)) - ops.mean(_float32(real_logits))


def wasserstein_generator_loss(fake_logits):
    """Generator loss `-mean(fake)` of the Wasserstein GAN.

    Args:
        fake_logits: critic scores on generated images.

    Returns:
        Scalar tensor.

    Example:

    >>> g = wasserstein_generator_loss(fake_scores)
    """
    return -ops.mean(_float32(fake_logits))


def hinge_discriminator_loss(real_logits, fake_logits):
    """Hinge discriminator loss `mean(relu(1 - real)) + mean(relu(1 + fake))`.

    Args:
        real_logits: D's raw outputs on real images.
        fake_logits: D's raw outputs on generated images.

    Returns:
        Scalar tensor.

    Example:

    >>> d = hinge_discriminator_loss(real_logits, fake_logits)
    """
    real_logits = _float32(real_logits)
    fake_logits = _float32(fake_logits)
    return ops.mean(ops.relu(1.0 - real_logits)) + ops.mean(ops.relu(1.0 + fake_logits))


def hinge_generator_loss(fake_logits):
    """Hinge generator loss `-mean(fake)`.

    Args:
        fake_logits: D's raw outputs on generated images.

    Returns:
        Scalar tensor.

    Example:

    >>> g = hinge_generator_loss(fake_logits)
    """
    return wasserstein_generator_loss(fake_logits)


class AdversarialLoss:
    """A named pair of discriminator and generator losses on logits.

    Use `get(name)` rather than building one yourself.

    Args:
        name: one of `available()`.
        a, b, c: LSGAN targets (fake, real, generator's wish); only for `"lsgan"`.

    Attributes:
        name: the loss name.
        sigmoid_scores: True for `"bce"`/`"minimax"`: `score()` then reports D's mean sigmoid
            probability; otherwise it reports the mean raw output.

    Example:

    ```python
    loss = AdversarialLoss("lsgan", a=-1.0, b=1.0, c=0.0)
    d = loss.discriminator_loss(real_logits, fake_logits)
    ```
    """

    def __init__(self, name="bce", a=0.0, b=1.0, c=1.0):
        name = _ALIASES.get(name, name)
        if name not in _NAMES:
            raise ValueError(f"Unknown adversarial loss {name!r}; choose one of {available()}.")
        if name != "lsgan" and (a, b, c) != (0.0, 1.0, 1.0):
            raise ValueError(f"Targets a, b, c only apply to 'lsgan', not {name!r}.")
        if name == "lsgan" and a == b:
            raise ValueError(f"LSGAN targets a (fake) and b (real) must differ, got a=b={a}.")
        self.name = name
        self.a, self.b, self.c = float(a), float(b), float(c)
        self.sigmoid_scores = name in ("bce", "minimax")

    def discriminator_loss(self, real_logits, fake_logits, label_smoothing=0.0):
        """D's loss on real and fake logits.

        Args:
            real_logits: D's raw outputs on real images.
            fake_logits: D's raw outputs on generated images.
            label_smoothing: one-sided smoothing of the real target (sigmoid and LSGAN only).

        Returns:
            Scalar tensor.
        """
        if self.name in ("bce", "minimax"):
            return bce_discriminator_loss(real_logits, fake_logits, label_smoothing)
        if self.name == "lsgan":
            return lsgan_discriminator_loss(
                real_logits, fake_logits, label_smoothing, a=self.a, b=self.b
            )
        if label_smoothing:
            raise ValueError(
                f"label_smoothing={label_smoothing} has no meaning for the {self.name!r} loss; "
                "use 0."
            )
        if self.name == "wasserstein":
            return wasserstein_discriminator_loss(real_logits, fake_logits)
        return hinge_discriminator_loss(real_logits, fake_logits)

    def generator_loss(self, fake_logits):
        """G's loss on D's logits for generated images.

        Args:
            fake_logits: D's raw outputs on generated images.

        Returns:
            Scalar tensor.
        """
        if self.name == "bce":
            return bce_generator_loss(fake_logits)
        if self.name == "minimax":
            return minimax_generator_loss(fake_logits)
        if self.name == "lsgan":
            return lsgan_generator_loss(fake_logits, c=self.c)
        if self.name == "wasserstein":
            return wasserstein_generator_loss(fake_logits)
        return hinge_generator_loss(fake_logits)

    def score(self, logits):
        """D's mean score: mean sigmoid probability (sigmoid losses) or mean raw output.

        Args:
            logits: D's raw outputs.

        Returns:
            Scalar tensor.
        """
        logits = _float32(logits)
        if self.sigmoid_scores:
            return ops.mean(ops.sigmoid(logits))
        return ops.mean(logits)

    def get_config(self):
        """Returns a JSON-able dict; `get(config)` rebuilds the loss."""
        config = {"name": self.name}
        if self.name == "lsgan":
            config.update(a=self.a, b=self.b, c=self.c)
        return config

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"AdversarialLoss({args})"

    def __eq__(self, other):
        return isinstance(other, AdversarialLoss) and self.get_config() == other.get_config()

    def __hash__(self):
        return hash(tuple(sorted(self.get_config().items())))


_NAMES = ("bce", "minimax", "lsgan", "wasserstein", "hinge")
_ALIASES = {"non_saturating": "bce", "ls": "lsgan", "least_squares": "lsgan", "wgan": "wasserstein"}


def available():
    """Names accepted by `get`.

    Returns:
        Tuple of loss names.

    Example:

    >>> available()
    ('bce', 'minimax', 'lsgan', 'wasserstein', 'hinge')
    """
    return _NAMES


def get(identifier="bce", **kwargs):
    """Returns an `AdversarialLoss` from a name, a config dict or an instance.

    Args:
        identifier: a name from `available()` (aliases: `"non_saturating"`, `"least_squares"`,
            `"wgan"`), a dict from `AdversarialLoss.get_config()`, or an `AdversarialLoss`.
        **kwargs: LSGAN targets `a`, `b`, `c`.

    Returns:
        `AdversarialLoss`.

    Example:

    >>> get("lsgan", a=-1.0, b=1.0, c=0.0)
    AdversarialLoss(name='lsgan', a=-1.0, b=1.0, c=0.0)
    """
    if isinstance(identifier, AdversarialLoss):
        if kwargs:
            raise ValueError("Pass LSGAN targets when building the loss, not with an instance.")
        return identifier
    if isinstance(identifier, dict):
        return AdversarialLoss(**{**identifier, **kwargs})
    if isinstance(identifier, str):
        return AdversarialLoss(identifier, **kwargs)
    raise ValueError(
        f"Cannot interpret {identifier!r} as an adversarial loss; pass one of {available()}."
    )


def interpolates(real, fake, alpha):
    """Points on the lines between real and fake images: `alpha * real + (1 - alpha) * fake`.

    Args:
        real: real images, shape `(batch, ...)`.
        fake: generated images, same shape.
        alpha: per-sample mixing weights, shape `(batch,)` or broadcastable (uniform in [0, 1]
            for WGAN-GP).

    Returns:
        Tensor shaped like `real`.

    Example:

    >>> x = interpolates(real, fake, keras.random.uniform((batch,), seed=seed_generator))
    """
    real = _float32(real)
    fake = _float32(fake)
    alpha = _float32(alpha)
    if len(alpha.shape) == 1:
        alpha = ops.reshape(alpha, (-1,) + (1,) * (len(real.shape) - 1))
    return alpha * real + (1.0 - alpha) * fake


def penalty_from_gradients(gradients, epsilon=1e-12):
    """Gradient penalty `mean((sqrt(sum(grad^2) + epsilon) - 1)^2)` from per-sample gradients.

    The epsilon sits inside the square root so the penalty stays differentiable where the
    gradient is zero.

    Args:
        gradients: gradient of the critic's output with respect to its image input,
            shape `(batch, ...)`.
        epsilon: small constant inside the square root.

    Returns:
        Scalar tensor.

    Example:

    >>> gp = penalty_from_gradients(tape.gradient(critic(x), x))
    """
    gradients = _float32(gradients)
    axes = tuple(range(1, len(gradients.shape)))
    norms = ops.sqrt(ops.sum(ops.square(gradients), axis=axes) + epsilon)
    return ops.mean(ops.square(norms - 1.0))


def gradient_penalty(gradient_fn, real, fake, alpha, epsilon=1e-12):
    """WGAN-GP penalty on uniform interpolates between real and fake images.

    The gradient needs a backend tape, so it is passed in as a function: `gradient_fn(x)`
    returns the gradient of the summed critic output with respect to `x`. The models build it
    with `tf.GradientTape` in their `train_step`.

    Args:
        gradient_fn: callable mapping images `(batch, ...)` to d critic / d images.
        real: real images.
        fake: generated images.
        alpha: per-sample weights `(batch,)`, uniform in [0, 1].
        epsilon: constant inside the square root.

    Returns:
        Scalar tensor.

    Example:

    ```python
    def gradient_fn(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            scores = critic(x, training=True)
        return tape.gradient(scores, x)

    gp = gradient_penalty(gradient_fn, real, fake, alpha)
    ```
    """
    return penalty_from_gradients(gradient_fn(interpolates(real, fake, alpha)), epsilon)


def mode_seeking(fake_a, fake_b, noise_a, noise_b, epsilon=1e-5):
    """The mode-seeking regularizer of MSGAN (Mao et al., CVPR 2019), for the generator.

    Two batches generated from the same labels (or none) and different noise should differ
    in proportion to their noise: the ratio of the mean absolute image difference to the mean
    absolute noise difference is maximised by minimising its inverse. It counters mode
    collapse, trading some fidelity for variety (as in the paper's official code, the means
    are over the whole batch).

    Args:
        fake_a: generated images `(batch, ...)` from `noise_a`.
        fake_b: generated images from `noise_b` (same labels, same shape as `fake_a`).
        noise_a: the noise of `fake_a`, `(batch, ...)`.
        noise_b: the noise of `fake_b`.
        epsilon: added to the ratio before inverting it.

    Returns:
        `(loss, ratio)`: the float32 scalar `1 / (ratio + epsilon)` that G minimises, and the
        ratio itself (larger: more varied images).

    Example:

    ```python
    loss, ratio = losses.mode_seeking(g([z1, y]), g([z2, y]), z1, z2)
    ```
    """
    images = ops.mean(ops.abs(_float32(fake_a) - _float32(fake_b)))
    noise = ops.mean(ops.abs(_float32(noise_a) - _float32(noise_b)))
    ratio = images / noise
    return 1.0 / (ratio + epsilon), ratio
