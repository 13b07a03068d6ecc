"""Measures candidate MNIST <-> colored MNIST CycleGAN recipes: label preservation vs CPU time.

Usage:
    GANKIT_OFFLINE=1 nice -n 5 python benchmarks/tune_cyclegan_digits.py --images 4000 \
        --epochs 4 --tile --max-minutes 6

After every epoch it translates 1,000 test digits each way and prints the share whose label the
target domain's shipped LeNet recognises (`gankit.metrics.translation.label_preservation`), so
the `cyclegan-digits` preset is chosen on measurements. Networks: report 001's
(`report001_generator`, `report001_discriminator`).

What it measured (AMD EPYC, 2 cores shared with two other benchmark processes, so the minutes
are 2-4x a quiet machine's; label kept MNIST -> colored / colored -> MNIST, 1,000 test digits):

| run | images | batch | B-cycle weight | steps | minutes | kept M->C | kept C->M |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
| `--tile` (identity 0.5) | 4000 | 16 | 10 | 250 / 500 | 1.8 / 3.9 | 95.3 / 94.1 | 48.1 / 51.1 |
| `--tile --cycle-b 0.1` | 4000 | 16 | 1 | 250 / 500 | 1.9 / 3.6 | 93.9 / 92.2 | 58.7 / 66.5 |
| `--tile --cycle-b 0 --batch-size 4` | 4000 | 4 | 0 | 1000 | 2.7 | 93.6 | 71.5 |
| `--tile --cycle-b 0.1 --batch-size 4` | 2000 | 4 | 1 | 500 / 1000 | 3.2 / 5.5 | 95.9 / 77.8 | 59.9 / 60.1 |
| `--tile --cycle-b 0 --batch-size 4` | 5000 | 4 | 0 | 10000 | 33.4 | 89.5 | 87.4 |

The last run is the `cyclegan-digits` recipe (8 epochs) without the B cycle; the preset keeps it
at weight 1 and ends at 92.6 / 83.3. Per epoch: 95.0/73.3, 95.5/76.2, 95.1/80.7, 95.6/81.9,
97.2/83.9, 98.3/84.2, 94.2/86.4, 89.5/87.4: colored -> MNIST gains 4 points, MNIST -> colored
loses 3, and no epoch reaches 97 % both ways (quiet machine for epochs 1-4, shared after).
The preset with 64-filter generators (`--g-filters 64 --cycle-b 0.1`, about 3x the time per step)
was stopped after 4 of 8 epochs (18 min): 91.4/68.3, 95.2/73.7, 83.9/74.2, 91.5/77.4, behind
the 32-filter runs at the same epoch.

Two more ideas, each against the runs above (5,000 images, batch 4, 8 epochs planned):
`--invert-cycle 1` (the preset plus a second A cycle through the colour-inverted fake) was
stopped after 2 epochs at 95.0/49.4 and 88.6/56.8: inverting `G_AB`'s dark backgrounds does not
make the light blue ones `G_BA` fails on. `--cycle-b 0 --noise-channels 8` (`G_AB` fed 8 planes
of per-image noise, so one digit can get many backgrounds) ran all 8 epochs (16 min, 2 cores
shared with one other job): 96.7/74.1, 97.2/77.1, 94.0/78.1, 95.9/81.8, 98.1/83.8, 96.2/84.1,
93.8/85.6, 95.5/85.9. Its panels show some dark digits on light backgrounds, still no blue one;
against the run without the B cycle and without noise it ends 6 points higher MNIST -> colored
and 1.5 points lower colored -> MNIST, so neither idea is in the preset.

Two more, stopped after 3 epochs (5,000 images, batch 4, 2 cores shared with one GAN run):
`--generator fullres` (report 001's width and 2 residual blocks at 28x28, no resampling; with
the B cycle at full weight, `--cycle-b 1`, so against the first row's recipe) kept 97.1/52.5,
90.1/50.4, 95.6/51.7: its panels show `G_BA` turning every digit drawn on a light photo crop
into an almost black image (the B cycle hides the photo in it), the failure the bottleneck
generator has too. `--cycle-b 0.1 --invert-consistency 1` (the preset plus
`10 * |G_BA(-b) - G_BA(b)|`, inversion maps colored MNIST onto itself) did translate light
backgrounds in its panels, but scored 94.7/53.1, 90.2/59.3, 86.7/62.2, behind the preset
(72.8 % and 77.1 % colored -> MNIST after epochs 1 and 3): the consistency pulls the dark
background translations towards the weaker light ones as much as the other way.

One more, stopped after 4 epochs (5,000 images, batch 4, the machine to itself: 1.4 min per
epoch once gankit's pipelines stopped waiting for tf.data's tuning thread): `--cycle-b 1
--cycle-noise 0.15` (the full B cycle through `G_BA(b) + noise`, so no photo can hide in the
MNIST digit at low amplitude) kept 96.1/52.4, 92.9/52.7, 89.6/54.7, 91.8/56.4. Its panels show
the photo gone from the reconstructions (they blur), and `G_BA` still drawing noise for digits on
light crops: with the photo unrecoverable, the B cycle mostly asks `G_AB` to guess backgrounds,
and tells `G_BA` little about the digit's shape.

(`benchmarks/cyclegan_digits.py`, other nets without identity: 81.4 / 51.4 after 625 steps.)
The panels showed where colored -> MNIST fails: digits drawn dark on a light (blue or skin)
photo crop. `G_AB` rarely produces that mode, so the A cycle never teaches `G_BA` to invert
it, while a full-weight B cycle makes `G_BA` hide the photo background in its MNIST digit.
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import gankit  # noqa: E402
from gankit import nets  # noqa: E402
from gankit.callbacks.panels import translation_panel  # noqa: E402
from gankit.callbacks.schedule import LinearDecay  # noqa: E402
from gankit.metrics.translation import label_preservation  # noqa: E402


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--images", type=int, default=2000)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--g-filters", type=int, default=32)
    p.add_argument("--d-filters", type=int, default=64)
    p.add_argument("--tile", action="store_true",
                   help="MNIST repeated to 3 channels, so the identity term can be on")
    p.add_argument("--identity", type=float, default=0.5, help="with --tile")
    p.add_argument("--lambda-cycle", type=float, default=10.0)
    p.add_argument("--cycle-b", type=float, default=1.0,
                   help="weight of the B -> A -> B cycle relative to lambda_cycle")
    p.add_argument("--invert-cycle", type=float, default=0.0,
                   help="weight (relative to lambda_cycle) of a second A cycle through the "
                        "colour-inverted fake, |G_BA(-G_AB(a)) - a|: colored MNIST is closed "
                        "under inversion (the digit's label does not change)")
    p.add_argument("--invert-consistency", type=float, default=0.0,
                   help="weight (relative to lambda_cycle) of |G_BA(-b) - G_BA(b)|: a colored "
                        "digit and its colour inverse (also a colored digit: the photo crop "
                        "inverted, the same digit) must translate to the same MNIST digit")
    p.add_argument("--noise-channels", type=int, default=0,
                   help="feed G_AB this many channels of per-image Gaussian noise (constant over "
                        "the image), so one digit can get many backgrounds")
    p.add_argument("--cycle-noise", type=float, default=0.0,
                   help="standard deviation of Gaussian noise added to G_BA's translation before "
                        "G_AB reconstructs it in the B cycle, |G_AB(G_BA(b) + noise) - b|: a "
                        "photo hidden in the MNIST digit at low amplitude (CycleGAN's "
                        "steganography, Chu et al. 2017) no longer survives, so the B cycle "
                        "can only be met through the digit's shape")
    p.add_argument("--generator", choices=["report001", "fullres"], default="report001",
                   help="report001: report 001's generators (down to 7x7 and back); fullres: "
                        "the same width and residual blocks at full resolution, no down- or "
                        "up-sampling (about the same multiply-adds per image)")
    p.add_argument("--residual-blocks", type=int, default=2)
    p.add_argument("--pool", type=int, default=50)
    p.add_argument("--lr", type=float, default=2e-4)
    p.add_argument("--no-decay", action="store_true")
    p.add_argument("--crop", type=int, default=None)
    p.add_argument("--max-minutes", type=float, default=6.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--panels", default=None, help="write a translation panel per epoch here")
    return p.parse_args(argv)


class Probe(keras.callbacks.Callback):
    def __init__(self, test, seconds, panels=None):
        super().__init__()
        self.test, self.seconds, self.panels = test, seconds, panels
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        elapsed = time.perf_counter() - self.start
        ta_x, ta_y, tb_x, tb_y = self.test
        ab = label_preservation(self.model, ta_x, ta_y, "ab", "colored_mnist")["accuracy"]
        ba = label_preservation(self.model, tb_x, tb_y, "ba", "mnist")["accuracy"]
        logs = logs or {}
        losses = " ".join(f"{k}={float(logs[k]):.3f}" for k in
                          ("d_a_loss", "d_b_loss", "g_ab_adv", "g_ba_adv", "cycle_a", "cycle_b",
                           "identity_a") if k in logs)
        print(f"epoch {epoch + 1} step {int(self.model.g_optimizer.iterations)} "
              f"{elapsed / 60:.2f} min (cpu {time.process_time() / 60:.2f} min): "
              f"mnist->colored {ab:.3f} colored->mnist {ba:.3f} "
              f"[{losses}]", flush=True)
        if self.panels:
            translation_panel(self.model, ta_x[:12], tb_x[:12],
                              os.path.join(self.panels, f"epoch_{epoch + 1}.png"))
        if elapsed > self.seconds:
            self.model.stop_training = True


class NoiseChannels(keras.layers.Layer):
    """Appends `channels` planes of per-image standard normal noise to the images."""

    def __init__(self, channels, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.channels = int(channels)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, images):
        shape = keras.ops.shape(images)
        noise = keras.random.normal((shape[0], 1, 1, self.channels), seed=self.seed_generator)
        noise = keras.ops.broadcast_to(noise, (shape[0], shape[1], shape[2], self.channels))
        return keras.ops.concatenate([images, keras.ops.cast(noise, images.dtype)], axis=-1)


def noisy_generator(shape, output_channels, filters, channels, seed):
    """`report001_generator` fed the images plus `channels` noise planes."""
    inputs = keras.Input(shape)
    x = NoiseChannels(channels, seed=seed)(inputs)
    g = nets.report001_generator((*shape[:2], shape[-1] + channels),
                                 output_channels=output_channels, filters=filters)
    return keras.Model(inputs, g(x), name="noisy_generator")


def fullres_generator(shape, output_channels, filters, blocks):
    """Reflection pad 3, 7x7 conv (`filters`), `blocks` residual blocks, 7x7 conv, tanh: no
    resampling, so every output pixel is computed from a neighbourhood of the same pixel."""
    from gankit.nets.layers import ReflectionPadding2D

    def norm():
        return keras.layers.GroupNormalization(groups=-1, epsilon=1e-5, center=False, scale=False)

    def conv(x, width, size):
        init = keras.initializers.RandomNormal(stddev=0.02)
        x = ReflectionPadding2D(size // 2)(x)
        return keras.layers.Conv2D(width, size, kernel_initializer=init)(x)

    inputs = keras.Input(shape)
    x = keras.layers.ReLU()(norm()(conv(inputs, filters, 7)))
    for _ in range(blocks):
        y = keras.layers.ReLU()(norm()(conv(x, filters, 3)))
        x = keras.layers.Add()([x, norm()(conv(y, filters, 3))])
    outputs = keras.layers.Activation("tanh")(conv(x, output_channels, 7))
    return keras.Model(inputs, outputs, name="fullres_generator")


def make_generator(args, shape, output_channels):
    if args.generator == "fullres":
        return fullres_generator(shape, output_channels, args.g_filters, args.residual_blocks)
    return nets.report001_generator(shape, output_channels=output_channels,
                                    filters=args.g_filters,
                                    num_residual_blocks=args.residual_blocks)


class AsymmetricCycleGAN(gankit.models.CycleGAN):
    """CycleGAN whose B -> A -> B cycle term weighs `cycle_b_weight * lambda_cycle`.

    With `invert_weight > 0`, the A cycle is also run through the colour-inverted fake:
    `invert_weight * lambda_cycle * |G_BA(-G_AB(a)) - a|`. With `consistency_weight > 0`,
    `G_BA` must give a colored digit and its colour inverse the same translation:
    `consistency_weight * lambda_cycle * |G_BA(-b) - G_BA(b)|` (a transformation-consistency
    term in the manner of GcGAN, Fu et al. 2019, with colour inversion, which maps colored
    MNIST onto itself, as the transformation).
    """

    cycle_b_weight = 1.0
    invert_weight = 0.0
    consistency_weight = 0.0
    cycle_noise = 0.0
    noise_seed = None

    def _generator_losses(self, real_a, real_b, training):
        parts, objective, fake_a, fake_b = super()._generator_losses(real_a, real_b, training)
        objective = objective - (1 - self.cycle_b_weight) * self.lambda_cycle * parts["cycle_b"]
        if self.cycle_noise:  # the B cycle through a noisy translation instead
            noise = keras.random.normal(keras.ops.shape(fake_a), seed=self.noise_seed)
            back = self.generator_ab(fake_a + self.cycle_noise * noise, training=training)
            noisy_cycle = keras.ops.mean(keras.ops.abs(back - real_b))
            objective = objective + self.cycle_b_weight * self.lambda_cycle * (
                noisy_cycle - parts["cycle_b"])
        if self.invert_weight:
            back = self.generator_ba(-fake_b, training=training)
            objective = objective + self.invert_weight * self.lambda_cycle * keras.ops.mean(
                keras.ops.abs(back - real_a))
        if self.consistency_weight:
            inverse = self.generator_ba(-real_b, training=training)
            consistency = keras.ops.mean(keras.ops.abs(inverse - fake_a))
            objective = objective + self.consistency_weight * self.lambda_cycle * consistency
        return parts, objective, fake_a, fake_b


def main(argv=None):
    args = parse_args(argv)
    print(vars(args), flush=True)
    keras.utils.set_random_seed(args.seed)
    n = args.images
    mnist_x, _ = gankit.data.load_arrays("mnist", "train")
    color_x, _ = gankit.data.load_arrays("colored_mnist", "train")
    train_a, train_b = mnist_x[:n], color_x[n:2 * n]
    if args.tile:
        train_a = np.repeat(train_a, 3, axis=-1)
    k = 1000
    tm_x, tm_y = gankit.data.load_arrays("mnist", "test")
    tc_x, tc_y = gankit.data.load_arrays("colored_mnist", "test")
    ta_x = np.repeat(tm_x[:k], 3, axis=-1) if args.tile else tm_x[:k]
    test = (ta_x, tm_y[:k], tc_x[k:2 * k], tc_y[k:2 * k])
    ds_a = gankit.data.from_arrays(train_a, batch_size=None, shuffle=False)
    ds_b = gankit.data.from_arrays(train_b, batch_size=None, shuffle=False)
    pairs = gankit.data.unpaired(ds_a, ds_b, batch_size=args.batch_size, seed=args.seed)
    sa, sb = train_a.shape[1:], train_b.shape[1:]
    model = AsymmetricCycleGAN(
        (noisy_generator(sa, sb[-1], args.g_filters, args.noise_channels, args.seed)
         if args.noise_channels else make_generator(args, sa, sb[-1])),
        make_generator(args, sb, sa[-1]),
        nets.report001_discriminator(sa, filters=args.d_filters, crop_size=args.crop, crop_seed=0),
        nets.report001_discriminator(sb, filters=args.d_filters, crop_size=args.crop, crop_seed=1),
        lambda_cycle=args.lambda_cycle, lambda_identity=args.identity if args.tile else 0.0,
        pool_size=args.pool, seed=args.seed)
    model.cycle_b_weight, model.invert_weight = args.cycle_b, args.invert_cycle
    model.consistency_weight = args.invert_consistency
    model.cycle_noise = args.cycle_noise
    model.noise_seed = keras.random.SeedGenerator(args.seed + 7)
    adam = keras.optimizers.Adam
    model.compile(g_optimizer=adam(args.lr, beta_1=0.5), d_optimizer=adam(args.lr, beta_1=0.5),
                  loss="lsgan")
    hold = max(1, args.epochs // 2)
    callbacks = [] if args.no_decay else [LinearDecay(hold, args.epochs - hold)]
    model.fit(pairs, epochs=args.epochs, verbose=0,
              callbacks=[*callbacks, Probe(test, args.max_minutes * 60, args.panels)])


if __name__ == "__main__":
    main()
