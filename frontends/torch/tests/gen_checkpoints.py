#!/usr/bin/python3
"""Writes torch.save files for kiln's checkpoint tests, plus a manifest of
what PyTorch loads from each of them.

    /usr/bin/python3 gen_checkpoints.py OUTDIR

Files (all small, random contents with a fixed seed):
  state_dict.pt / state_dict_legacy.pt      a model's state_dict (conv, bn, linear, embedding)
  checkpoint.pt / checkpoint_legacy.pt      model + Adam state after a step + epoch + metadata
  dtypes.pt / dtypes_legacy.pt              every dtype torch.save writes with a storage class
  views.pt / views_legacy.pt                views sharing one storage (transpose, slices,
                                            expand with stride 0, narrow), Parameters, 0-d, empty
  ts_scripted.pt / ts_traced.pt             TorchScript archives (manifest: their state_dict)
  big_state.pt                              > 1000 entries (SETITEMS batches, LONG_BINPUT memo)
  v2_style.pt                               PyTorch-2.x records 1.13 does not write: byteorder,
                                            .data/serialization_id, .format_version,
                                            .storage_alignment, _rebuild_tensor_v3 with
                                            UntypedStorage, _rebuild_parameter_with_state,
                                            _rebuild_from_type_v2, a 7-argument _rebuild_tensor_v2
  v2_bigendian.pt                           the same with byteorder "big" and swapped bytes
  state_dict.safetensors, sharded/...       safetensors files written by hand (format spec)

manifest.tsv: one line per tensor:  file, key, dtype, shape, sha256 of the
contiguous little-endian bytes, number of bytes. Keys are paths of dict keys
and list indices joined with '.'. For files torch 1.13 can read, the values
come from torch.load of the written file; for the 2.x-style files (which
1.13 cannot read) from the tensors they were built from.

Without torch, writes manifest.tsv with a single "SKIP <reason>" line.
"""
import hashlib
import io
import json
import os
import pickle
import struct
import sys
import zlib
from collections import OrderedDict

OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)
MANIFEST = os.path.join(OUT, "manifest.tsv")

try:
    import torch
    import torch.nn as nn
except Exception as e:  # noqa: BLE001
    with open(MANIFEST, "w") as f:
        f.write("SKIP python torch is not available: %s\n" % e)
    sys.exit(0)

torch.manual_seed(1234)
lines = []


def p(name):
    return os.path.join(OUT, name)


def tensor_bytes(t):
    c = t.detach().clone().contiguous().reshape(-1)
    return c.view(torch.uint8).numpy().tobytes()


def dtype_name(dt):
    return str(dt).replace("torch.", "")


def walk(obj, key, out):
    if isinstance(obj, torch.Tensor):
        out.append((key, obj))
    elif isinstance(obj, dict):
        for k, v in obj.items():
            walk(v, k if not key else "%s.%s" % (key, k), out)
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            walk(v, str(i) if not key else "%s.%d" % (key, i), out)


def record(fname, obj):
    items = []
    walk(obj, "", items)
    for key, t in items:
        b = tensor_bytes(t)
        lines.append("\t".join([fname, key, dtype_name(t.dtype),
                                ",".join(str(d) for d in t.shape),
                                hashlib.sha256(b).hexdigest(), str(len(b))]))


def save_both(name, obj):
    torch.save(obj, p(name + ".pt"))
    record(name + ".pt", torch.load(p(name + ".pt")))
    torch.save(obj, p(name + "_legacy.pt"), _use_new_zipfile_serialization=False)
    record(name + "_legacy.pt", torch.load(p(name + "_legacy.pt")))


# --- state_dict and full checkpoint -------------------------------------------------
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.bn = nn.BatchNorm2d(4)
        self.emb = nn.Embedding(10, 4)
        self.fc = nn.Linear(16, 5)
        self.head = nn.Sequential(nn.Linear(5, 3), nn.ReLU(), nn.Linear(3, 2))

    def forward(self, x):
        return self.head(self.fc(self.bn(self.conv(x)).flatten(1)[:, :16]))


net = Net()
net(torch.randn(2, 3, 6, 6))  # bn running stats move
save_both("state_dict", net.state_dict())

opt = torch.optim.Adam(net.parameters(), lr=1e-3)
loss = net(torch.randn(2, 3, 6, 6)).sum()
loss.backward()
opt.step()
ckpt = {
    "epoch": 3,
    "model": net.state_dict(),
    "optimizer": opt.state_dict(),
    "metadata": {"name": "net", "lr": 1e-3, "tags": ["a", "b"], "shape": (1, 2)},
    "best": torch.tensor(0.25),
}
save_both("checkpoint", ckpt)

# --- every dtype -------------------------------------------------------------------
dt = OrderedDict()
dt["f32"] = torch.randn(3, 2)
dt["f64"] = torch.randn(4, dtype=torch.float64)
dt["f16"] = torch.randn(5).half()
dt["bf16"] = torch.randn(5).bfloat16()
dt["c64"] = torch.randn(3, dtype=torch.complex64)
dt["c128"] = torch.randn(2, dtype=torch.complex128)
dt["i8"] = torch.tensor([-128, -1, 0, 127], dtype=torch.int8)
dt["u8"] = torch.tensor([0, 1, 200, 255], dtype=torch.uint8)
dt["i16"] = torch.tensor([-32768, 5, 32767], dtype=torch.int16)
dt["i32"] = torch.tensor([-2**31, 7, 2**31 - 1], dtype=torch.int32)
dt["i64"] = torch.tensor([-2**63, 9, 2**63 - 1], dtype=torch.int64)
dt["bool"] = torch.tensor([True, False, True])
dt["f32_nan_inf"] = torch.tensor([float("nan"), float("inf"), -0.0])
save_both("dtypes", dt)

# --- views sharing storage ------------------------------------------------------------
base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
views = OrderedDict()
views["base"] = base
views["t"] = base.t()
views["row"] = base[2]
views["col"] = base[:, 3]
views["slice"] = base[1:3, 2:6]
views["step"] = base[::2, ::3]
views["expand"] = torch.arange(3.0).reshape(3, 1).expand(3, 4)
views["narrow"] = base.view(-1).narrow(0, 5, 7)
views["param"] = nn.Parameter(torch.randn(2, 2))
views["frozen_param"] = nn.Parameter(torch.randn(3), requires_grad=False)
views["scalar"] = torch.tensor(3.5)
views["empty"] = torch.zeros(0, 3)
views["list"] = [base[0], base[3]]
save_both("views", views)

# --- many entries ----------------------------------------------------------------------
big = OrderedDict(("layer%04d.w" % i, torch.full((2,), float(i))) for i in range(1100))
torch.save(big, p("big_state.pt"))
record("big_state.pt", torch.load(p("big_state.pt")))

# --- TorchScript archives (read in TorchScript mode: modules stay inert) -------------
class TsNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 4)
        self.blocks = nn.ModuleList([nn.Linear(4, 4), nn.Linear(4, 4)])
        base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
        self.register_buffer("base", base)
        self.register_buffer("base_t", base.t())
        self.register_buffer("steps", torch.tensor([3], dtype=torch.int64))
        self.half_w = nn.Parameter(torch.randn(3).half(), requires_grad=False)

    def forward(self, x):
        y = self.fc(x)
        for b in self.blocks:
            y = torch.relu(b(y))
        return y


ts = TsNet().eval()
torch.jit.save(torch.jit.script(ts), p("ts_scripted.pt"))
record("ts_scripted.pt", dict(torch.jit.load(p("ts_scripted.pt")).state_dict()))
torch.jit.save(torch.jit.trace(ts, torch.randn(2, 6)), p("ts_traced.pt"))
record("ts_traced.pt", dict(torch.jit.load(p("ts_traced.pt")).state_dict()))

# --- PyTorch 2.x-style archive written by hand -----------------------------------------


def zip_bytes(records):
    """A zip laid out like PyTorch's writer: 64-byte aligned stored records with
    an 'FB' padding extra, zero sizes in local headers, data descriptors, and
    ZIP64 end records."""
    out = bytearray()
    central = []
    for name, data in records:
        nb = name.encode()
        off = len(out)
        pad = (64 - (off + 30 + len(nb) + 4) % 64) % 64
        crc = zlib.crc32(data) & 0xffffffff
        out += struct.pack("<IHHHHHIIIHH", 0x04034b50, 20, 0x0808, 0, 0, 0, 0, 0, 0,
                           len(nb), 4 + pad)
        out += nb + struct.pack("<HH", 0x4246, pad) + b"Z" * pad
        out += data
        out += struct.pack("<IIII", 0x08074b50, crc, len(data), len(data))
        central.append((nb, crc, len(data), off))
    cd = len(out)
    for nb, crc, size, off in central:
        out += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 45, 45, 0x0808, 0, 0, 0,
                           crc, size, size, len(nb), 0, 0, 0, 0, 0, off)
        out += nb
    cd_size = len(out) - cd
    e64 = len(out)
    out += struct.pack("<IQHHIIQQQQ", 0x06064b50, 44, 45, 45, 0, 0,
                       len(central), len(central), cd_size, cd)
    out += struct.pack("<IIQI", 0x07064b50, 0, e64, 1)
    out += struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, len(central), len(central),
                       cd_size, cd, 0)
    return bytes(out)


def fake_global(module, name):
    """A stand-in function that pickles as GLOBAL module.name (for rebuild
    functions torch 1.13 lacks); it is only ever pickled, never called."""
    import importlib
    mod = importlib.import_module(module)

    def f(*args):
        raise RuntimeError("not callable")
    f.__module__ = module
    f.__name__ = f.__qualname__ = name
    if not hasattr(mod, name):
        setattr(mod, name, f)
    return getattr(mod, name)


class Reduce:
    def __init__(self, fn, args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return (self.fn, self.args)


class StorageRef:
    def __init__(self, key, cls, numel):
        self.key, self.cls, self.numel = key, cls, numel


class V2Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, StorageRef):
            return ("storage", obj.cls, obj.key, "cpu", obj.numel)
        return None


def build_v2_style(fname, big_endian):
    v3 = fake_global("torch._utils", "_rebuild_tensor_v3")
    pws = fake_global("torch._utils", "_rebuild_parameter_with_state")
    v2 = torch._utils._rebuild_tensor_v2
    from_type = torch._tensor._rebuild_from_type_v2
    src = OrderedDict()
    src["bf16_v3"] = torch.randn(2, 3).bfloat16()
    src["f32_v3"] = torch.randn(4)
    src["i64_v3"] = torch.tensor([1, -2, 3], dtype=torch.int64)
    src["param_state"] = torch.randn(3)
    src["v2_meta"] = torch.randn(2, 2)
    src["from_type"] = torch.randn(5)
    src["c64_v2"] = torch.randn(2, dtype=torch.complex64)
    # complex32 (ComplexHalf): torch 1.13 cannot torch.save it, the format can.
    src["c32_v2"] = torch.randn(3, dtype=torch.complex64).to(torch.complex32)
    storages = {}
    obj = OrderedDict()

    def raw(t, key):
        b = tensor_bytes(t)
        if big_endian and t.element_size() > 1:
            unit = t.element_size() // (2 if t.is_complex() else 1)
            b = b"".join(b[i:i + unit][::-1] for i in range(0, len(b), unit))
        storages[key] = b
        return b

    def stride(t):
        return tuple(t.contiguous().stride())

    t = src["bf16_v3"]
    raw(t, "0")
    obj["bf16_v3"] = Reduce(v3, (StorageRef("0", torch.UntypedStorage, t.numel() * 2), 0,
                                 tuple(t.shape), stride(t), False, OrderedDict(), torch.bfloat16))
    t = src["f32_v3"]
    raw(t, "1")
    obj["f32_v3"] = Reduce(v3, (StorageRef("1", torch.UntypedStorage, t.numel() * 4), 0,
                                tuple(t.shape), stride(t), False, OrderedDict(), torch.float32))
    t = src["i64_v3"]
    raw(t, "2")
    obj["i64_v3"] = Reduce(v3, (StorageRef("2", torch.UntypedStorage, t.numel() * 8), 0,
                                tuple(t.shape), stride(t), False, OrderedDict(), torch.int64))
    t = src["param_state"]
    raw(t, "3")
    inner = Reduce(v2, (StorageRef("3", torch.FloatStorage, t.numel()), 0, tuple(t.shape),
                        stride(t), True, OrderedDict()))
    obj["param_state"] = Reduce(pws, (inner, True, OrderedDict(), {"note": "hi"}))
    t = src["v2_meta"]
    raw(t, "4")
    obj["v2_meta"] = Reduce(v2, (StorageRef("4", torch.FloatStorage, t.numel()), 0, tuple(t.shape),
                                 stride(t), False, OrderedDict(), {"conj": False}))
    t = src["from_type"]
    raw(t, "5")
    obj["from_type"] = Reduce(from_type, (v2, nn.Parameter, (
        StorageRef("5", torch.FloatStorage, t.numel()), 0, tuple(t.shape), stride(t), False,
        OrderedDict()), {}))
    t = src["c64_v2"]
    raw(t, "6")
    obj["c64_v2"] = Reduce(v2, (StorageRef("6", torch.ComplexFloatStorage, t.numel()), 0,
                                tuple(t.shape), stride(t), False, OrderedDict()))
    t = src["c32_v2"]
    raw(t, "7")
    obj["c32_v2"] = Reduce(v2, (StorageRef("7", fake_global("torch", "ComplexHalfStorage"), t.numel()), 0,
                                tuple(t.shape), stride(t), False, OrderedDict()))
    buf = io.BytesIO()
    V2Pickler(buf, protocol=2).dump(obj)
    prefix = "archive/"
    records = [(prefix + "data.pkl", buf.getvalue()),
               (prefix + ".format_version", b"1"),
               (prefix + ".storage_alignment", b"64"),
               (prefix + "byteorder", b"big" if big_endian else b"little")]
    records += [(prefix + "data/" + k, storages[k]) for k in sorted(storages, key=int)]
    records += [(prefix + "version", b"3\n"),
                (prefix + ".data/serialization_id", b"1234567890123456789012345678901234567890")]
    with open(p(fname), "wb") as f:
        f.write(zip_bytes(records))
    record(fname, src)


build_v2_style("v2_style.pt", False)
build_v2_style("v2_bigendian.pt", True)

# --- safetensors (format spec: u64 header length, JSON header, raw data) ----------------
ST_NAMES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
            torch.int64: "I64", torch.int32: "I32", torch.int8: "I8", torch.uint8: "U8",
            torch.bool: "BOOL", torch.float64: "F64", torch.int16: "I16"}


def write_safetensors(fname, tensors, metadata=None):
    header = OrderedDict()
    if metadata:
        header["__metadata__"] = metadata
    data = bytearray()
    for k, t in tensors.items():
        b = tensor_bytes(t)
        header[k] = {"dtype": ST_NAMES[t.dtype], "shape": list(t.shape),
                     "data_offsets": [len(data), len(data) + len(b)]}
        data += b
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(p(fname), "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + data)
    record(fname, tensors)


st = OrderedDict()
st["emb.weight"] = torch.randn(10, 4)
st["ln.bias"] = torch.randn(4).half()
st["ln.weight"] = torch.randn(4).bfloat16()
st["ids"] = torch.tensor([1, 2, 3], dtype=torch.int64)
st["mask"] = torch.tensor([True, False])
st["scalar"] = torch.tensor(2.0, dtype=torch.float64)
st["empty"] = torch.zeros(0, 2)
write_safetensors("model.safetensors", st, {"format": "pt", "note": "kiln test"})

os.makedirs(p("sharded"), exist_ok=True)
shard1 = OrderedDict([("a.weight", torch.randn(3, 3)), ("a.bias", torch.randn(3))])
shard2 = OrderedDict([("b.weight", torch.randn(2, 3).half()), ("b.steps", torch.tensor([5], dtype=torch.int32))])
write_safetensors("sharded/model-00001-of-00002.safetensors", shard1)
write_safetensors("sharded/model-00002-of-00002.safetensors", shard2)
index = {"metadata": {"total_size": sum(t.numel() * t.element_size() for d in (shard1, shard2) for t in d.values())},
         "weight_map": {}}
for k in shard1:
    index["weight_map"][k] = "model-00001-of-00002.safetensors"
for k in shard2:
    index["weight_map"][k] = "model-00002-of-00002.safetensors"
with open(p("sharded/model.safetensors.index.json"), "w") as f:
    json.dump(index, f, indent=2)
# The index's tensors, keyed by the index file for the test.
record("sharded/model.safetensors.index.json", OrderedDict(list(shard1.items()) + list(shard2.items())))

with open(MANIFEST + ".tmp", "w") as f:
    f.write("\n".join(lines) + "\n")
os.replace(MANIFEST + ".tmp", MANIFEST)
print("wrote %d tensors to %s" % (len(lines), MANIFEST))
