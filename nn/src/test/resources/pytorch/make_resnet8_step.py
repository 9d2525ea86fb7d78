"""Writes the fixture of ResNetPyTorchStepTest: one whole training step of a ResNet-8 in PyTorch 1.13
(nn/src/main/python/apprentice_resnet.py): the initial weights and batch-norm statistics, a batch, the
loss, every parameter's gradient, and the weights and batch-norm running statistics after one SGD step
(learning rate 0.1, Nesterov momentum 0.9, weight decay 5e-4, as the trainer's recipe). Run with
Debian's python3-torch from the repository root:
    /usr/bin/python3 nn/src/test/resources/pytorch/make_resnet8_step.py
"""
import json, os, struct, sys
import torch, torch.nn.functional as F

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "../../../main/python"))
from apprentice_resnet import ResNet

def save(path, tensors, metadata):
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, t in tensors.items():
        data = t.detach().to(torch.float32).contiguous().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data); offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text))); f.write(text)
        for b in blobs: f.write(b)

torch.manual_seed(3)
model = ResNet(8)
# batch-norm affine parameters away from their 1 / 0 start, so their gradients and updates are not special cases
with torch.no_grad():
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.weight.uniform_(0.5, 1.5); m.bias.uniform_(-0.2, 0.2)
            m.running_mean.uniform_(-0.1, 0.1); m.running_var.uniform_(0.8, 1.2)
state0 = {k: v.clone() for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}
x, y = torch.randn(16, 1, 28, 28), torch.randint(0, 10, (16,))
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4)
model.train()
opt.zero_grad()
loss = F.cross_entropy(model(x), y)
loss.backward()
grads = {"grad." + n: p.grad for n, p in model.named_parameters()}
opt.step()
state1 = {"after." + k: v for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}
tensors = {"input": x, "labels": y.to(torch.float32), "loss": loss.reshape(1)}
tensors.update({"before." + k: v for k, v in state0.items()})
tensors.update(grads)
tensors.update(state1)
save(os.path.join(here, "resnet8-step.safetensors"), tensors, {"format": "pt", "torch": torch.__version__})
print("torch", torch.__version__, "loss", loss.item())
