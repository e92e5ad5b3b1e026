"""Recomputes the gradient penalty of bench/gp-case.json (written by bench/gp-check.ts) in PyTorch.

Same critic (Conv 3x3 s1 same -> LayerNorm(channels) -> LeakyReLU(0.2) -> Conv 3x3 s2 same
-> LayerNorm -> LeakyReLU -> Conv 4x4 valid), same weights, inputs and interpolation weights.
Prints one JSON line with both values and their relative difference.
"""
import json
import pathlib

import torch
import torch.nn.functional as F

case = json.loads((pathlib.Path(__file__).parent / "gp-case.json").read_text())
torch.set_default_dtype(torch.float64)


def tensor(w):
    return torch.tensor(w["values"], dtype=torch.float64).reshape(w["shape"])


def same_pad(x, k, s):
    # TensorFlow 'same': total padding max((ceil(n/s)-1)*s + k - n, 0), the extra pixel at the end.
    h = x.shape[2]
    out = -(-h // s)
    total = max((out - 1) * s + k - h, 0)
    return F.pad(x, (total // 2, total - total // 2, total // 2, total - total // 2))


def critic(x):  # x: NCHW
    for layer in case["layers"]:
        cls, cfg, ws = layer["class"], layer["config"], layer["weights"]
        if cls == "Conv2D":
            kernel = tensor(ws[0]).permute(3, 2, 0, 1)  # HWIO -> OIHW
            k, s = cfg["kernelSize"][0], cfg["strides"][0]
            if cfg["padding"] == "same":
                x = same_pad(x, k, s)
            x = F.conv2d(x, kernel, tensor(ws[1]), stride=s)
        elif cls == "LayerNormalization":
            xc = x.permute(0, 2, 3, 1)
            xc = F.layer_norm(xc, xc.shape[-1:], tensor(ws[0]), tensor(ws[1]), eps=cfg["epsilon"])
            x = xc.permute(0, 3, 1, 2)
        elif cls == "LeakyReLU":
            x = F.leaky_relu(x, cfg["alpha"])
        elif cls == "Reshape":
            x = x.reshape(x.shape[0], -1)
        else:
            raise ValueError(cls)
    return x


real = torch.tensor(case["real"], dtype=torch.float64).permute(0, 3, 1, 2)
fake = torch.tensor(case["fake"], dtype=torch.float64).permute(0, 3, 1, 2)
alpha = torch.tensor(case["alpha"], dtype=torch.float64).reshape(-1, 1, 1, 1)
x_hat = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
grads = torch.autograd.grad(critic(x_hat).sum(), x_hat)[0]
norms = torch.sqrt((grads ** 2).flatten(1).sum(1) + 1e-10)
gp = ((norms - 1) ** 2).mean().item()
print(json.dumps({"torchGradientPenalty": gp, "ganHacksGradientPenalty": case["gp"], "relativeDifference": abs(gp - case["gp"]) / abs(gp)}))
