#!/usr/bin/python3
"""Writes the TorchScript golden cases of kiln's TorchScript importer.

    /usr/bin/python3 generate.py OUTDIR

For every case: OUTDIR/<case>.pt (torch.jit.save), the inputs as
<case>.<method>.in.<name>.npy and the outputs that torch.jit.load of that
very file computes, as <case>.<method>.out.<k>.npy, plus OUTDIR/manifest.json
that lists, per case and method, the input names and shapes. Random weights
with a fixed seed; nothing is downloaded. One process writes every case, so
that the build spends the interpreter start-up and the imports once.
"""
import json
import os
import sys
from typing import Dict, List, NamedTuple, Optional, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)
torch.manual_seed(1234)
manifest = {}


def flat_outputs(v):
    if isinstance(v, torch.Tensor):
        return [v]
    if isinstance(v, (tuple, list)):
        r = []
        for x in v:
            r += flat_outputs(x)
        return r
    if isinstance(v, (bool, int, float)):  # compile-time results become 0-d constants
        return [torch.tensor(v)]
    raise TypeError(type(v))


def save(case, module, calls):
    """calls: list of (method, {input name: tensor}) in parameter order."""
    path = os.path.join(OUT, case + ".pt")
    torch.jit.save(module, path)
    loaded = torch.jit.load(path)
    entry = []
    for method, inputs in calls:
        with torch.no_grad():
            # forward through Module.__call__, which runs the hooks.
            fn = loaded if method == "forward" else getattr(loaded, method)
            out = fn(*inputs.values())
        outs = flat_outputs(out)
        item = {"method": method, "inputs": [], "outputs": []}
        for n, t in inputs.items():
            f = "%s.%s.in.%s.npy" % (case, method, n)
            np.save(os.path.join(OUT, f), t.numpy())
            item["inputs"].append({"name": n, "shape": list(t.shape), "file": f,
                                   "dtype": str(t.dtype).replace("torch.", "")})
        for k, t in enumerate(outs):
            f = "%s.%s.out.%d.npy" % (case, method, k)
            np.save(os.path.join(OUT, f), t.detach().numpy())
            item["outputs"].append({"name": "output" if len(outs) == 1 else "output_%d" % k, "file": f})
        entry.append(item)
    manifest[case] = entry


# --- MLP, traced and scripted ---------------------------------------------------
class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(16, 32)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(32, 10)
        self.drop = nn.Dropout(0.2)

    def forward(self, x):
        h = self.drop(self.act(self.fc1(x)))
        return F.log_softmax(self.fc2(h) * 0.5 + 1, dim=1)


mlp = MLP().eval()
x = torch.randn(3, 16)
save("mlp_traced", torch.jit.trace(mlp, x), [("forward", {"x": x})])
save("mlp_scripted", torch.jit.script(mlp), [("forward", {"x": x})])


# --- integer inputs: token ids through an embedding -----------------------------
class Embed(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(50, 12)
        self.fc = nn.Linear(12, 4)

    def forward(self, ids):
        return self.fc(self.emb(ids).mean(dim=1))


embed = Embed().eval()
ids = torch.randint(0, 50, (3, 7), dtype=torch.int64)
save("embedding_traced", torch.jit.trace(embed, ids), [("forward", {"ids": ids})])
save("embedding_scripted", torch.jit.script(embed), [("forward", {"ids": ids})])


# --- scripted control flow: if on a tensor value, for, while ------------------
class Control(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(6, 6)
        self.steps = 3

    def forward(self, x: torch.Tensor, flag: bool = True) -> torch.Tensor:
        if x.mean() > 0:
            y = self.lin(x)
        else:
            y = torch.sigmoid(x) - 1
        for i in range(self.steps):
            y = y * 0.5 + float(i)
        k = 0
        acc = torch.zeros_like(y)
        while k < 3:
            acc = acc + y / (k + 1)
            k += 1
        if flag:
            acc = torch.tanh(acc)
        return acc


ctl = torch.jit.script(Control().eval())
xc = torch.randn(2, 6).abs()
save("control_scripted", ctl, [("forward", {"x": xc})])
save("control_scripted_neg", ctl, [("forward", {"x": -xc})])


# --- tensor control flow as kiln.if / kiln.loop --------------------------------
class ShapeIf(nn.Module):
    """if on a tensor value whose branches give different shapes."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = x + 1
        if x.sum() > 0:
            z = torch.cat([x, x], 0)
            y = y * 2
        else:
            z = x[:1] - 3
        return z.sum(0) + y.mean()


sif = torch.jit.script(ShapeIf().eval())
xs = torch.randn(3, 4).abs()
save("tensor_if_shapes", sif, [("forward", {"x": xs})])
save("tensor_if_shapes_neg", sif, [("forward", {"x": -xs})])


class TensorWhile(nn.Module):
    """while on a tensor value: the trip count depends on the input."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n = 0
        while bool(x.sum() < 100):
            x = x * 2
            n += 1
        return x + n


twl = torch.jit.script(TensorWhile().eval())
save("tensor_while", twl, [("forward", {"x": torch.rand(2, 3) + 0.1})])
save("tensor_while_none", twl, [("forward", {"x": torch.full((2, 3), 50.0)})])


# --- several exported methods -------------------------------------------------
class Multi(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.blocks = nn.ModuleList([nn.Linear(4, 4) for _ in range(2)])
        self.head_lin = nn.Linear(4, 2)
        self.register_buffer("offset", torch.arange(4, dtype=torch.float32))
        self.eps = 0.25

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        f = self.features(x)
        return f, self.head(f.mean(dim=[2, 3]), None)

    @torch.jit.export
    def features(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(self.bn(self.conv(x))) + self.offset.view(1, -1, 1, 1)

    @torch.jit.export
    def head(self, v: torch.Tensor, bias: Optional[torch.Tensor]) -> torch.Tensor:
        for b in self.blocks:
            v = torch.tanh(b(v))
        if bias is not None:
            v = v + bias
        return self.head_lin(v) * self.eps


mm = Multi().eval()
with torch.no_grad():
    mm.bn.running_mean.uniform_(-0.5, 0.5)
    mm.bn.running_var.uniform_(0.5, 2.0)
mms = torch.jit.script(mm)
xi = torch.randn(1, 3, 8, 8)
save("multimethod_scripted", mms,
     [("forward", {"x": xi}), ("features", {"x": xi}),
      ("head", {"v": torch.randn(2, 4), "bias": torch.randn(4)})])

# --- language features: hooks, interfaces, NamedTuple, free functions,
#     typed attributes, indexing, half and int64 buffers, versioned ops ------
class Result(NamedTuple):
    value: torch.Tensor
    scaled: torch.Tensor


@torch.jit.script
def shift(x: torch.Tensor, k: int = 3) -> torch.Tensor:
    return x * k - 1


@torch.jit.interface
class Stage(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pass


class Clamp(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.clamp(x, -1.0, 2.0)


class Features(nn.Module):
    stage: Stage
    weights: List[torch.Tensor]
    table: Dict[str, torch.Tensor]
    scales: List[float]
    extra: Optional[torch.Tensor]

    def __init__(self):
        super().__init__()
        self.stage = Clamp()
        self.weights = [torch.randn(4), torch.randn(4)]
        self.table = {"b": torch.randn(4)}
        self.scales = [0.5, 1.5, 2.5]
        self.extra = None
        self.half_w = nn.Parameter(torch.randn(4).half(), requires_grad=False)
        self.register_buffer("order", torch.tensor([3, 1, 0, 2]))
        self.register_buffer("keep", torch.tensor([True, False, True, True]))

    def forward(self, x: torch.Tensor) -> Result:
        y = shift(x) + self.weights[1] * self.table["b"]
        y = self.stage(y)
        e = self.extra
        if e is not None:
            y = y + e
        y = y[self.order] + self.half_w.float()
        y = torch.where(self.keep, y, torch.zeros_like(y))
        q = torch.div(y, 3)
        f = torch.full((4,), 2)
        r = torch.linspace(0.0, 1.0, steps=4)
        v = F.gelu(q, approximate="tanh") + f + r
        return Result(v, v * len(self.scales))


def double_input(mod: nn.Module, inp: Tuple[torch.Tensor]) -> Tuple[torch.Tensor]:
    return (inp[0] * 2,)


def add_one(mod: nn.Module, inp: Tuple[torch.Tensor], out: Result) -> Result:
    return Result(out.value + 1, out.scaled)


feat = Features().eval()
feat.register_forward_pre_hook(double_input)
feat.register_forward_hook(add_one)
save("features_scripted", torch.jit.script(feat), [("forward", {"x": torch.randn(4)})])

# --- torchvision CNNs ---------------------------------------------------------
import torchvision  # noqa: E402

xin = torch.randn(1, 3, 64, 64)
for name, ctor in [("resnet18", torchvision.models.resnet18),
                   ("mobilenet_v2", torchvision.models.mobilenet_v2)]:
    net = ctor(weights=None).eval()
    # Non-trivial batch norm statistics, so that folding them matters.
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
    traced = torch.jit.trace(net, xin)
    save(name + "_traced", traced, [("forward", {"x": xin})])
    save(name + "_traced_frozen", torch.jit.freeze(traced), [("forward", {"x": xin})])
    scripted = torch.jit.script(net)
    save(name + "_scripted", scripted, [("forward", {"x": xin})])
    save(name + "_scripted_frozen", torch.jit.freeze(torch.jit.script(net).eval()),
         [("forward", {"x": xin})])

# --- nn.TransformerEncoderLayer ---------------------------------------------------
enc = nn.TransformerEncoderLayer(d_model=16, nhead=4, dim_feedforward=32, dropout=0.1,
                                 batch_first=True).eval()
src = torch.randn(2, 5, 16)
save("transformer_scripted", torch.jit.script(enc), [("forward", {"src": src})])
# With autograd on, tracing records the decomposed attention; under no_grad,
# the fused aten::_transformer_encoder_layer_fwd.
save("transformer_traced", torch.jit.trace(enc, src, check_trace=False), [("forward", {"src": src})])
mha = nn.MultiheadAttention(16, 4, batch_first=True).eval()
kv = torch.randn(2, 7, 16)
save("attention_scripted", torch.jit.script(mha), [("forward", {"query": src, "key": kv, "value": kv})])
with torch.no_grad():
    save("transformer_traced_nograd", torch.jit.trace(enc, src, check_trace=False),
         [("forward", {"src": src})])

# --- the records PyTorch 2.x writes, on a 1.13 archive ----------------------------
# byteorder, .data/serialization_id, the version in .data/version, and
# traced_inputs.pkl with empty storage records; a different top folder
# ("archive/", as when saving to a buffer) and deflated code records.
import zipfile  # noqa: E402

src = zipfile.ZipFile(os.path.join(OUT, "mlp_traced.pt"))
with zipfile.ZipFile(os.path.join(OUT, "mlp_traced_v2records.pt"), "w") as dst:
    for info in src.infolist():
        rel = info.filename.split("/", 1)[1]
        data = src.read(info)
        if rel == "version":
            rel = ".data/version"
        method = zipfile.ZIP_DEFLATED if rel.endswith(".py") else zipfile.ZIP_STORED
        dst.writestr("archive/" + rel, data, compress_type=method)
    dst.writestr("archive/byteorder", "little")
    dst.writestr("archive/.data/serialization_id", "1234567890123456789012345678901234567890")
    dst.writestr("archive/traced_inputs.pkl", b"\x80\x02}q\x00.")
    dst.writestr("archive/traced_inputs/0", b"")
manifest["mlp_traced_v2records"] = [dict(c) for c in manifest["mlp_traced"]]

with open(os.path.join(OUT, "manifest.json"), "w") as f:
    json.dump(manifest, f, indent=1, sort_keys=True)
print("wrote %d TorchScript golden cases to %s" % (len(manifest), OUT))
