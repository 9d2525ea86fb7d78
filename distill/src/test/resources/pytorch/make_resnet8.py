"""Writes the PyTorch fixtures of PyTorchImportTest: a ResNet-8 of nn/src/main/python/apprentice_resnet.py,
trained for a few SGD steps on random data (so its batchnorm statistics are not the defaults), saved as
a safetensors state dict the way safetensors.torch.save_file writes it (num_batches_tracked included,
no architecture metadata), and its eval-mode logits for a fixed input batch.

Run with Debian's python3-torch, from the repository root:
    /usr/bin/python3 distill/src/test/resources/pytorch/make_resnet8.py
"""
import json, os, struct, sys
import torch, torch.nn.functional as F

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "../../../../../nn/src/main/python"))
from apprentice_resnet import ResNet

DTYPES = {torch.float32: "F32", torch.int64: "I64"}

def save(path, tensors, metadata):
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, t in tensors.items():
        data = t.detach().contiguous().numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data); offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text))); f.write(text)
        for b in blobs: f.write(b)

torch.manual_seed(0)
model = ResNet(8)
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
for _ in range(5):
    x, y = torch.randn(32, 1, 28, 28), torch.randint(0, 10, (32,))
    opt.zero_grad(); F.cross_entropy(model(x), y).backward(); opt.step()
model.eval()
x = torch.randn(4, 1, 28, 28)
with torch.no_grad():
    logits = model(x)
save(os.path.join(here, "resnet8-torch.safetensors"), model.state_dict(), {"format": "pt"})
save(os.path.join(here, "resnet8-torch-io.safetensors"), {"input": x, "logits": logits}, {"format": "pt"})
print("torch", torch.__version__, "logits[0]", logits[0].tolist())
