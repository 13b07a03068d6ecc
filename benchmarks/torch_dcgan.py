"""The DCGAN of report 002 written in plain PyTorch eager, as the common PyTorch references do.

Benchmark-only (``pip install torch==2.13.0``); never imported by gankit. Mirrors
``gankit.nets.dcgan_generator(variant="002")`` / ``dcgan_discriminator(variant="002")``
layer for layer (same kernel sizes, widths, BatchNorm and LeakyReLU 0.2), and the training step of
the PyTorch DCGAN tutorial: one generator forward per step, D updated on ``fake.detach()``, then G
updated through the freshly updated D on the same fake batch.
"""

import torch
from torch import nn


class Generator(nn.Module):
    def __init__(self, latent_dim=100, channels=1, filters=256):
        super().__init__()
        self.filters = filters
        self.project = nn.Linear(latent_dim, 7 * 7 * filters)
        self.body = nn.Sequential(
            nn.Conv2d(filters, filters, 3, padding=1, bias=False),
            nn.BatchNorm2d(filters, momentum=0.01, eps=1e-3),
            nn.LeakyReLU(0.2),
            nn.ConvTranspose2d(filters, filters // 2, 4, stride=2, padding=1, bias=False),
            nn.BatchNorm2d(filters // 2, momentum=0.01, eps=1e-3),
            nn.LeakyReLU(0.2),
            nn.ConvTranspose2d(filters // 2, channels, 4, stride=2, padding=1),
            nn.Tanh(),
        )

    def forward(self, z):
        return self.body(self.project(z).view(-1, self.filters, 7, 7))


class Discriminator(nn.Module):
    def __init__(self, channels=1, filters=64):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(channels, filters, 4, stride=2, padding=1),
            nn.LeakyReLU(0.2),
            nn.Conv2d(filters, 2 * filters, 4, stride=2, padding=1, bias=False),
            nn.BatchNorm2d(2 * filters, momentum=0.01, eps=1e-3),
            nn.LeakyReLU(0.2),
            nn.Flatten(),
            nn.Linear(2 * filters * 7 * 7, 1),
        )

    def forward(self, x):
        return self.body(x)


def make_step(latent_dim=100, seed=0):
    """Returns ``step(real) -> (d_loss, g_loss)`` and the parameter counts of G and D."""
    torch.manual_seed(seed)
    g, d = Generator(latent_dim), Discriminator()
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()

    def step(real):
        n = real.shape[0]
        ones, zeros = torch.ones(n, 1), torch.zeros(n, 1)
        fake = g(torch.randn(n, latent_dim))
        opt_d.zero_grad(set_to_none=True)
        d_loss = bce(d(real), ones) + bce(d(fake.detach()), zeros)
        d_loss.backward()
        opt_d.step()
        opt_g.zero_grad(set_to_none=True)
        g_loss = bce(d(fake), ones)
        g_loss.backward()
        opt_g.step()
        return d_loss, g_loss

    counts = (sum(p.numel() for p in g.parameters()), sum(p.numel() for p in d.parameters()))
    return step, counts


def main():
    """Times the step: prints ``{"images_per_second": ..., "torch": ...}`` as JSON."""
    import argparse
    import json
    import os
    import time

    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(os.cpu_count() or 1)
    step, counts = make_step()
    real = torch.rand(args.batch, 1, 28, 28) * 2 - 1
    for _ in range(3):
        step(real)
    best = float("inf")
    for _ in range(args.repeats):
        start = time.perf_counter()
        for _ in range(args.steps):
            step(real)
        best = min(best, time.perf_counter() - start)
    print(json.dumps({"images_per_second": args.batch * args.steps / best, "torch": torch.__version__,
                      "parameters": counts}))


if __name__ == "__main__":
    main()
