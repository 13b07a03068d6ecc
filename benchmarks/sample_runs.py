"""Train each GAN of the seed reports on real data and write a 10x10 sample grid per model.

Models (all on MNIST except the last):
  mlp_gan  report 000: MLP generator/discriminator (one hidden layer of 5000), BCE.
  dcgan    report 003: the 128/64/32/1 DCGAN, BCE, Adam(2e-4, beta_1=0.5), batch 100.
  cgan     report 003: CGAN with 2*num_filters and one-sided label smoothing 0.1.
  lsgan    report 000: the DCGAN nets trained with the least-squares loss.
  wgangp   report 002: conditional WGAN-GP MLP pair on Fashion-MNIST, 5 critic steps.

Grids go to benchmarks/out/<model>.png (layout embedded, see gankit.images.save_grid); the
script prints epochs, steps and wall minutes per model and writes benchmarks/out/summary.json.

Usage:
  python benchmarks/sample_runs.py                       # all models, 5 epochs each
  python benchmarks/sample_runs.py --models dcgan cgan --epochs 30
  python benchmarks/sample_runs.py --epochs 1 --steps 20 # a quick smoke run
"""

import argparse
import json
import os
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import gankit  # noqa: E402
from gankit import images as gankit_images  # noqa: E402
from gankit import nets  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "out")


def adam(lr=2e-4, beta_1=0.5, beta_2=0.999):
    return keras.optimizers.Adam(lr, beta_1=beta_1, beta_2=beta_2)


def mlp_gan(jit_compile):
    # Report 000 used Adam with lr 0.02; 2e-4 is used here because 0.02 is unstable with Adam.
    model = gankit.GAN(nets.mlp_generator(), nets.mlp_discriminator(), seed=0)
    model.compile(d_optimizer=adam(), g_optimizer=adam(), jit_compile=jit_compile)
    return model, "mnist", 64


def dcgan(jit_compile):
    model = gankit.GAN(
        nets.dcgan_generator(variant="003"), nets.dcgan_discriminator(variant="003"), seed=0
    )
    model.compile(d_optimizer=adam(), g_optimizer=adam(), jit_compile=jit_compile)
    return model, "mnist", 100


def cgan(jit_compile):
    model = gankit.ConditionalGAN(
        nets.cgan_generator(filters=128), nets.cgan_discriminator(filters=64), seed=0
    )
    model.compile(
        d_optimizer=adam(), g_optimizer=adam(), label_smoothing=0.1, jit_compile=jit_compile
    )
    return model, "mnist", 100


def lsgan(jit_compile):
    model = gankit.GAN(
        nets.dcgan_generator(variant="003"), nets.dcgan_discriminator(variant="003"), seed=0
    )
    model.compile(d_optimizer=adam(), g_optimizer=adam(), loss="lsgan", jit_compile=jit_compile)
    return model, "mnist", 64


def wgangp(jit_compile):
    model = gankit.WGANGP(
        nets.wgan_generator(conditional=True),
        nets.wgan_critic(conditional=True),
        critic_steps=5,
        gp_weight=10.0,
        seed=0,
    )
    model.compile(
        d_optimizer=adam(1e-4, 0.5, 0.9),
        g_optimizer=adam(1e-4, 0.5, 0.9),
        jit_compile=jit_compile,
    )
    return model, "fashion_mnist", 64


MODELS = {"mlp_gan": mlp_gan, "dcgan": dcgan, "cgan": cgan, "lsgan": lsgan, "wgangp": wgangp}


def run(name, epochs, steps, limit, jit_compile, out):
    keras.utils.set_random_seed(0)
    model, dataset, batch_size = MODELS[name](jit_compile)
    ds = gankit.data.load(
        dataset, batch_size=batch_size, seed=0, limit=limit, drop_remainder=True,
        repeat=steps is not None,
    )
    start = time.time()
    history = model.fit(ds, epochs=epochs, steps_per_epoch=steps, verbose=2, shuffle=False)
    minutes = (time.time() - start) / 60
    if model.num_classes is None:
        images, labels = model.generate(100, seed=0), None
    else:
        images = model.generate(np.repeat(np.arange(model.num_classes), 10), seed=0)
        labels = list(range(model.num_classes))
    path = os.path.join(out, f"{name}.png")
    gankit_images.save_grid(
        images, path, rows=10, cols=10, labels=labels, seed=0, model=model, epoch=epochs,
        dataset=dataset,
    )
    last = {k: round(float(v[-1]), 4) for k, v in history.history.items()}
    steps_done = int(model.g_optimizer.iterations.numpy())
    print(f"{name}: {epochs} epochs, {steps_done} steps, {minutes:.2f} wall minutes, "
          f"last epoch {last} -> {path}", flush=True)
    return {"model": name, "dataset": dataset, "epochs": epochs, "steps": steps_done,
            "wall_minutes": round(minutes, 3), "jit_compile": bool(jit_compile),
            "last_epoch": last, "grid": path}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", choices=sorted(MODELS), default=list(MODELS))
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--steps", type=int, default=None, help="steps per epoch (default: all)")
    parser.add_argument("--limit", type=int, default=None, help="use only N training images")
    parser.add_argument("--no-jit", action="store_true", help="disable XLA (on by default)")
    parser.add_argument("--out", default=OUT)
    args = parser.parse_args(argv)
    if args.epochs < 1 or (args.steps is not None and args.steps < 1):
        parser.error("--epochs and --steps must be >= 1")
    results = [
        run(name, args.epochs, args.steps, args.limit, not args.no_jit, args.out)
        for name in args.models
    ]
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(results, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
