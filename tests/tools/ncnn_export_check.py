"""tst_nn_vulkan's PyTorch side: a seeded network of every layer python/mnemo_ncnn.py exports, written to OUT/net.param
and OUT/net.bin, with a fixed input (OUT/input.f32, 3 x 10 x 13) and PyTorch's output for it (OUT/output.f32,
3 x 20 x 28), raw little-endian float32."""
import sys

import torch

import mnemo_ncnn

out = sys.argv[1]
torch.manual_seed(7)
nn = torch.nn
model = nn.Sequential(
    nn.Conv2d(3, 16, 3, padding=1), nn.GroupNorm(4, 16), nn.SiLU(),
    nn.Conv2d(16, 16, 3, padding=1), nn.InstanceNorm2d(16, affine=True), nn.LeakyReLU(0.1),
    nn.Conv2d(16, 20, 3, stride=2, padding=2, dilation=2), nn.InstanceNorm2d(20), nn.ReLU(),
    nn.Conv2d(20, 12, 1), nn.PReLU(12), nn.PixelShuffle(2),
    nn.Conv2d(3, 3, 3, padding=1, bias=False), nn.Upsample(scale_factor=2, mode="bilinear"), nn.Sigmoid(),
).eval()
with torch.no_grad():
    for module in model:  # norms' scales and shifts away from 1 and 0, so they matter
        if isinstance(module, (nn.GroupNorm, nn.InstanceNorm2d)) and module.affine:
            module.weight.uniform_(0.5, 1.5)
            module.bias.uniform_(-0.5, 0.5)
    x = torch.rand(1, 3, 10, 13)
    y = model(x)
mnemo_ncnn.export_sequential(model, out + "/net.param", out + "/net.bin")
x.numpy().astype("<f4").tofile(out + "/input.f32")
y.numpy().astype("<f4").tofile(out + "/output.f32")
print(tuple(y.shape))


class Skips(torch.nn.Module):
    """A small U-Net-like block: a skip connection added back, a product, a channel concatenation, functional
    activations; the input read three times (Splits)."""

    def __init__(self):
        super().__init__()
        self.a = torch.nn.Conv2d(3, 8, 3, padding=1)
        self.b = torch.nn.Conv2d(8, 8, 3, padding=1)
        self.norm = torch.nn.GroupNorm(2, 8)
        self.c = torch.nn.Conv2d(11, 4, 1)

    def forward(self, x):
        y = torch.nn.functional.silu(self.a(x))
        z = self.norm(self.b(y)) + y
        gate = torch.sigmoid(z) * z
        return torch.relu(self.c(torch.cat([gate, x], dim=1))) + self.c(torch.cat([z, x], dim=1))


torch.manual_seed(8)
skips = Skips().eval()
with torch.no_grad():
    skipped = skips(x)
mnemo_ncnn.export_module(skips, out + "/skips.param", out + "/skips.bin")
skipped.numpy().astype("<f4").tofile(out + "/skips.f32")
print(tuple(skipped.shape))
