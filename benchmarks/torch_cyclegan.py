"""gankit's CycleGAN training step at 256 px written in plain PyTorch eager.

Benchmark-only (`pip install torch==2.13.0`); never imported by gankit. The networks are those of
the reference implementation (Zhu et al.), which `gankit.nets.resnet_generator` and
`gankit.nets.patch_discriminator` follow: ResNet-9 generator (reflection padding, instance norm
without affine parameters, biases on every convolution: 11,378,179 parameters at 256 px) and the
70x70 PatchGAN (2,764,737). The step is `gankit.CycleGAN.train_step` with its defaults (LSGAN,
`lambda_cycle=10`, `lambda_identity=0.5`, `pool_size=50`, `d_loss_factor=0.5`): the generators
first (adversarial + cycle + identity, through discriminators that get no gradients), then the
discriminators on real images and the pooled fakes of the same forward pass. One Adam
(2e-4, beta_1 0.5) for both generators, one for both discriminators.

Prints `{"seconds_per_step": [...], "parameters": [g, d], "torch": ..., "threads": ...}` as JSON.
"""

import itertools
import random

import torch
from torch import nn


def _norm(channels):
    return nn.InstanceNorm2d(channels, affine=False, eps=1e-5)


class ResidualBlock(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.body = nn.Sequential(
            nn.ReflectionPad2d(1), nn.Conv2d(width, width, 3), _norm(width), nn.ReLU(),
            nn.ReflectionPad2d(1), nn.Conv2d(width, width, 3), _norm(width))

    def forward(self, x):
        return x + self.body(x)


def resnet_generator(channels=3, filters=64, blocks=9):
    layers = [nn.ReflectionPad2d(3), nn.Conv2d(channels, filters, 7), _norm(filters), nn.ReLU()]
    width = filters
    for _ in range(2):
        layers += [nn.Conv2d(width, 2 * width, 3, stride=2, padding=1), _norm(2 * width),
                   nn.ReLU()]
        width *= 2
    layers += [ResidualBlock(width) for _ in range(blocks)]
    for _ in range(2):
        layers += [nn.ConvTranspose2d(width, width // 2, 3, stride=2, padding=1,
                                      output_padding=1), _norm(width // 2), nn.ReLU()]
        width //= 2
    layers += [nn.ReflectionPad2d(3), nn.Conv2d(width, channels, 7), nn.Tanh()]
    return nn.Sequential(*layers)


def patch_discriminator(channels=3, filters=64):
    layers = [nn.Conv2d(channels, filters, 4, stride=2, padding=1), nn.LeakyReLU(0.2)]
    width = filters
    for n in range(1, 4):
        out = filters * min(2**n, 8)
        layers += [nn.Conv2d(width, out, 4, stride=2 if n < 3 else 1, padding=1), _norm(out),
                   nn.LeakyReLU(0.2)]
        width = out
    layers.append(nn.Conv2d(width, 1, 4, stride=1, padding=1))
    return nn.Sequential(*layers)


class ImagePool:
    """History of generated images (the reference's: the first `size` pass through; later, each
    image is swapped for a stored one with probability 1/2)."""

    def __init__(self, size, seed=0):
        self.size, self.images, self.rng = size, [], random.Random(seed)

    def __call__(self, images):
        if self.size == 0:
            return images
        out = []
        for image in images.detach():
            image = image.unsqueeze(0)
            if len(self.images) < self.size:
                self.images.append(image)
                out.append(image)
            elif self.rng.random() < 0.5:
                i = self.rng.randrange(self.size)
                out.append(self.images[i].clone())
                self.images[i] = image
            else:
                out.append(image)
        return torch.cat(out)


def count(net):
    return sum(p.numel() for p in net.parameters())


def make_step(lambda_cycle=10.0, lambda_identity=0.5, pool_size=50, seed=0, blocks=9):
    """Returns `step(real_a, real_b) -> (g_objective, d_loss)` and `(g_params, d_params)`."""
    torch.manual_seed(seed)
    g_ab, g_ba = resnet_generator(blocks=blocks), resnet_generator(blocks=blocks)
    d_a, d_b = patch_discriminator(), patch_discriminator()
    opt_g = torch.optim.Adam(itertools.chain(g_ab.parameters(), g_ba.parameters()), lr=2e-4,
                             betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(itertools.chain(d_a.parameters(), d_b.parameters()), lr=2e-4,
                             betas=(0.5, 0.999))
    pool_a, pool_b = ImagePool(pool_size, seed), ImagePool(pool_size, seed + 1)
    mse, l1 = nn.MSELoss(), nn.L1Loss()

    def set_requires_grad(flag):
        for p in itertools.chain(d_a.parameters(), d_b.parameters()):
            p.requires_grad_(flag)

    def step(real_a, real_b):
        set_requires_grad(False)
        opt_g.zero_grad(set_to_none=True)
        fake_b, fake_a = g_ab(real_a), g_ba(real_b)
        logits_b, logits_a = d_b(fake_b), d_a(fake_a)
        adversarial = mse(logits_b, torch.ones_like(logits_b)) + mse(
            logits_a, torch.ones_like(logits_a))
        cycle = l1(g_ba(fake_b), real_a) + l1(g_ab(fake_a), real_b)
        identity = l1(g_ba(real_a), real_a) + l1(g_ab(real_b), real_b)
        g_objective = adversarial + lambda_cycle * cycle + lambda_cycle * lambda_identity * identity
        g_objective.backward()
        opt_g.step()

        set_requires_grad(True)
        opt_d.zero_grad(set_to_none=True)
        d_loss = 0.0
        for net, real, fake in ((d_a, real_a, pool_a(fake_a)), (d_b, real_b, pool_b(fake_b))):
            real_logits, fake_logits = net(real), net(fake)
            d_loss = d_loss + 0.5 * (mse(real_logits, torch.ones_like(real_logits))
                                     + mse(fake_logits, torch.zeros_like(fake_logits)))
        d_loss.backward()
        opt_d.step()
        return g_objective.detach(), d_loss.detach()

    return step, (count(g_ab), count(d_a))


def main():
    import argparse
    import json
    import os
    import time

    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--blocks", type=int, default=9)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    step, counts = make_step(blocks=args.blocks)
    gen = torch.Generator().manual_seed(0)
    real_a = torch.rand(1, 3, args.size, args.size, generator=gen) * 2 - 1
    real_b = torch.rand(1, 3, args.size, args.size, generator=gen) * 2 - 1
    for _ in range(args.warmup):
        step(real_a, real_b)
    times = []
    for _ in range(args.steps):
        start = time.perf_counter()
        step(real_a, real_b)
        times.append(time.perf_counter() - start)
    print(json.dumps({"seconds_per_step": times, "parameters": counts, "torch": torch.__version__,
                      "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
