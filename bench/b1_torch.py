"""PyTorch peer of the gan-hacks B1 iteration (docs/experiments/failure-modes.md): identical models and step.

One iteration: D updated on 64 real images, then on 64 generated ones (separate batches),
then G updated on 128 samples through D (D's weights untouched). Adam(0.0002, 0.5), BCE.
Prints a JSON line: {"seconds_per_iteration": ..., "threads": ..., "torch": ..., "blas": [loaded BLAS libraries]}.
Usage: python3 bench/b1_torch.py [iterations] [threads]
"""
import json
import sys
import time

import torch
import torch.nn as nn


def generator(latent_dim=50):
    return nn.Sequential(
        nn.Linear(latent_dim, 128 * 7 * 7), nn.LeakyReLU(0.2), nn.Unflatten(1, (128, 7, 7)),
        nn.ConvTranspose2d(128, 128, 4, 2, 1), nn.LeakyReLU(0.2),
        nn.ConvTranspose2d(128, 128, 4, 2, 1), nn.LeakyReLU(0.2),
        nn.Conv2d(128, 1, 7, padding=3), nn.Tanh())


def discriminator():
    return nn.Sequential(
        nn.Conv2d(1, 64, 4, 2, 1), nn.LeakyReLU(0.2),
        nn.Conv2d(64, 64, 4, 2, 1), nn.LeakyReLU(0.2),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 1), nn.Sigmoid())


def loaded_blas():
    """The BLAS library this process actually loaded (Debian's torch links libblas.so.3, which
    update-alternatives points at OpenBLAS or the reference BLAS)."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
        return sorted(paths)
    except OSError:
        return []


def main():
    iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    g, d = generator(), discriminator()
    for m in list(g.modules()) + list(d.modules()):
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            nn.init.normal_(m.weight, 0.0, 0.02)
            nn.init.zeros_(m.bias)
    opt_d = torch.optim.Adam(d.parameters(), lr=0.0002, betas=(0.5, 0.999))
    opt_g = torch.optim.Adam(g.parameters(), lr=0.0002, betas=(0.5, 0.999))
    bce = nn.BCELoss()
    real = torch.rand(64, 1, 28, 28) * 2 - 1
    ones64, zeros64, ones128 = torch.ones(64, 1), torch.zeros(64, 1), torch.ones(128, 1)

    def step():
        opt_d.zero_grad()
        bce(d(real), ones64).backward()
        opt_d.step()
        with torch.no_grad():
            fake = g(torch.randn(64, 50))
        opt_d.zero_grad()
        bce(d(fake), zeros64).backward()
        opt_d.step()
        opt_g.zero_grad()
        for p in d.parameters():
            p.requires_grad_(False)
        bce(d(g(torch.randn(128, 50))), ones128).backward()
        for p in d.parameters():
            p.requires_grad_(True)
        opt_g.step()

    step()
    start = time.perf_counter()
    for _ in range(iterations):
        step()
    seconds = (time.perf_counter() - start) / iterations
    print(json.dumps({"seconds_per_iteration": seconds, "threads": threads, "torch": torch.__version__, "blas": loaded_blas()}))


if __name__ == "__main__":
    main()
