"""Golden values of the loss contract table (test/losses.test.ts), computed independently.

Each loss is written here from its paper's formula in numpy float64, not from
gan-hacks' code. Inputs are first rounded to float32 (what the tensors hold),
then every operation runs in float64. BCE on probabilities clips to
[1e-7, 1 - 1e-7] as Keras does, with the bounds rounded to float32 as a
float32 tensor holds them.

    python3 bench/loss_reference.py

prints one TypeScript line per row; paste them into GOLDEN in test/losses.test.ts.
"""
import numpy as np


def f32(values):
    return np.asarray(values, dtype=np.float32).astype(np.float64)


LO = float(np.float32(1e-7))
HI = float(np.float32(1) - np.float32(1e-7))


def bce_prob(t, p):
    p = np.clip(p, LO, HI)
    return float(np.mean(-(t * np.log(p) + (1 - t) * np.log(1 - p))))


def softplus(x):
    return np.logaddexp(0.0, x)


def bce_logit(t, x):
    # -[t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))] = t softplus(-x) + (1 - t) softplus(x)
    return float(np.mean(t * softplus(-x) + (1 - t) * softplus(x)))


# Loss families: (real, fake, realTargets, fakeTargets, generatorTargets) -> (D real, D fake, G).
def minimax(real, fake, rt, ft, gt, logits=False, saturating=False):
    b = bce_logit if logits else bce_prob
    g = -b(1 - gt, fake) if saturating else b(gt, fake)
    return b(rt, real), b(ft, fake), g


def lsgan(real, fake, rt, ft, gt):
    return float(np.mean(0.5 * (real - rt) ** 2)), float(np.mean(0.5 * (fake - ft) ** 2)), float(np.mean(0.5 * (fake - gt) ** 2))


def hinge(real, fake, *_):
    return float(np.mean(np.maximum(0, 1 - real))), float(np.mean(np.maximum(0, 1 + fake))), float(-np.mean(fake))


def wasserstein(real, fake, *_):
    return float(-np.mean(real)), float(np.mean(fake)), float(-np.mean(fake))


INPUTS = {
    'P': ([0.9, 0.6, 0.3], [0.2, 0.7, 0.4]),
    'P_EXTREME': ([0, 1e-6, 0.999999, 1], [1, 0.999, 1e-3, 0]),
    'P_PATCH': ([0.1, 0.5, 0.9, 0.99, 0.3, 0.7, 0.05, 0.6], [0.8, 0.2, 0.01, 0.5, 0.95, 0.4, 0.6, 0.001]),
    'X': ([2.0, -0.5, 0.25], [-1.5, 0.75, 1.2]),
    'X_EXTREME': ([-5, 1.4, 12.5, 2.7], [-12.5, 100, -0.1, 5]),
    'X_PATCH': ([-3, -1, 0, 0.5, 1, 2, 4, 8], [0.3, -0.7, 1.9, -2.2, 5, -6, 0, 0.1]),
}

# Targets rows: smoothed real labels, one flipped fake label, smoothed generator labels.
TARGETS = {'realTargets': [0.9, 0.8, 1.1], 'fakeTargets': [1, 0, 0], 'targets': [0.9, 1.0, 0.8]}

ROWS = [
    ('MinimaxGAN (probabilities)', 'P', lambda r, f, *t: minimax(r, f, *t)),
    ('MinimaxGAN (probabilities near 0 and 1)', 'P_EXTREME', lambda r, f, *t: minimax(r, f, *t)),
    ('MinimaxGAN (probabilities, patch outputs)', 'P_PATCH', lambda r, f, *t: minimax(r, f, *t)),
    ('MinimaxGAN (saturating G)', 'P', lambda r, f, *t: minimax(r, f, *t, saturating=True)),
    ('MinimaxGAN (saturating G, probabilities near 0 and 1)', 'P_EXTREME', lambda r, f, *t: minimax(r, f, *t, saturating=True)),
    ('NonSaturatingGAN (logits)', 'X', lambda r, f, *t: minimax(r, f, *t, logits=True)),
    ('NonSaturatingGAN (extreme logits)', 'X_EXTREME', lambda r, f, *t: minimax(r, f, *t, logits=True)),
    ('NonSaturatingGAN (patch logits)', 'X_PATCH', lambda r, f, *t: minimax(r, f, *t, logits=True)),
    ('MinimaxGAN (logits, saturating)', 'X', lambda r, f, *t: minimax(r, f, *t, logits=True, saturating=True)),
    ('MinimaxGAN (extreme logits, saturating)', 'X_EXTREME', lambda r, f, *t: minimax(r, f, *t, logits=True, saturating=True)),
    ('LSGAN', 'X', lsgan),
    ('LSGAN (extreme scores)', 'X_EXTREME', lsgan),
    ('LSGAN (patch scores)', 'X_PATCH', lsgan),
    ('HingeGAN', 'X', hinge),
    ('HingeGAN (extreme scores)', 'X_EXTREME', hinge),
    ('HingeGAN (patch scores)', 'X_PATCH', hinge),
    ('WGAN', 'X', wasserstein),
    ('WGAN (extreme scores)', 'X_EXTREME', wasserstein),
    ('WGAN (patch scores)', 'X_PATCH', wasserstein),
    ('WGANGP (critic terms)', 'X', wasserstein),
    ('WGANGP (critic terms, extreme scores)', 'X_EXTREME', wasserstein),
]

# Default targets per family: BCE and LSGAN read real 1, fake 0, generator 1.
def default_targets(n):
    return np.ones(n), np.zeros(n), np.ones(n)


def fmt(v):
    return repr(float(v))


print('// Default targets: { real: D on real, fake: D on fake, g: G }')
for name, key, fn in ROWS:
    real, fake = (f32(v) for v in INPUTS[key])
    rt, ft, gt = default_targets(len(real))
    r, f, g = fn(real, fake, rt, ft, gt)
    print(f"  '{name}': {{ real: {fmt(r)}, fake: {fmt(f)}, g: {fmt(g)} }},")

print('// With TARGETS: realTargets, fakeTargets (one flipped), targets for G')
rt, ft, gt = (f32(TARGETS[k]) for k in ('realTargets', 'fakeTargets', 'targets'))
TARGET_ROWS = [
    ('MinimaxGAN (probabilities)', 'P', lambda r, f: minimax(r, f, rt, ft, gt)),
    ('MinimaxGAN (saturating G)', 'P', lambda r, f: minimax(r, f, rt, ft, gt, saturating=True)),
    ('NonSaturatingGAN (logits)', 'X', lambda r, f: minimax(r, f, rt, ft, gt, logits=True)),
    ('MinimaxGAN (logits, saturating)', 'X', lambda r, f: minimax(r, f, rt, ft, gt, logits=True, saturating=True)),
    ('LSGAN', 'X', lambda r, f: lsgan(r, f, rt, ft, gt)),
]
for name, key, fn in TARGET_ROWS:
    real, fake = (f32(v) for v in INPUTS[key])
    r, f, g = fn(real, fake)
    print(f"  '{name}': {{ real: {fmt(r)}, fake: {fmt(f)}, g: {fmt(g)} }},")

print('// MinimaxGAN() fed the extreme logits on both halves (a mismatch), and the loss it should give')
x = f32(INPUTS['X_EXTREME'][0])
one, zero, _ = default_targets(len(x))
print(f"  mismatch: {fmt(bce_prob(one, x) + bce_prob(zero, x))}, correct: {fmt(bce_logit(one, x) + bce_logit(zero, x))},")
