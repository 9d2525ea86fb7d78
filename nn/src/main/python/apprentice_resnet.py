"""The CIFAR-style ResNets of apprentice-engine (dev.apprentice.nn.resnet) in PyTorch, with the same
parameter names, so a model.safetensors written by `apprentice-engine train` loads into PyTorch and a
PyTorch state dict loads into the engine (`eval --arch`, `train --teacher-model`):

    import torch
    from safetensors.torch import load_file          # or any safetensors reader
    from apprentice_resnet import ResNet
    model = ResNet(depth=20)                          # resnet8/20/32/44/56/110: depth 6n + 2
    model.load_state_dict(load_file("runs/r20/model.safetensors"), strict=False)  # no num_batches_tracked in our files
    model.eval()

Inputs are normalized images (N, C, H, W); the model file's metadata holds the mean and standard
deviation the engine used (norm_mean, norm_std). Depth 6n + 2: a 3×3 stem, three stages of n basic
blocks (16, 32, 64 channels × width), 1×1 projection shortcuts where the shape changes, global average
pooling and a linear classifier. Quantized (aXwY) models are this network with fake-quantized weights
and activations; their packed files (model.packed.safetensors) are read by the engine only.
"""
import torch, torch.nn as nn, torch.nn.functional as F


class Block(nn.Module):
    def __init__(s, cin, cout, stride):
        super().__init__()
        s.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False); s.b1 = nn.BatchNorm2d(cout)
        s.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False); s.b2 = nn.BatchNorm2d(cout)
        s.sc = None
        if stride != 1 or cin != cout:
            s.sc = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(s, x):
        o = F.relu(s.b1(s.c1(x))); o = s.b2(s.c2(o))
        return F.relu(o + (x if s.sc is None else s.sc(x)))


class ResNet(nn.Module):
    def __init__(s, depth=20, in_ch=1, classes=10, width=16):
        super().__init__()
        n = (depth - 2) // 6
        s.conv = nn.Conv2d(in_ch, width, 3, 1, 1, bias=False); s.bn = nn.BatchNorm2d(width)
        layers, cin = [], width
        for i, w in enumerate((width, 2 * width, 4 * width)):
            for j in range(n):
                layers.append(Block(cin, w, 2 if (i > 0 and j == 0) else 1)); cin = w
        s.layers = nn.Sequential(*layers); s.fc = nn.Linear(cin, classes)

    def forward(s, x):
        x = F.relu(s.bn(s.conv(x))); x = s.layers(x)
        return s.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))
