#!/usr/bin/env python3
"""Writes the small valid seed files of tests/fuzz/corpus (run once; the
output is committed). Needs Debian's python3-onnx and python3-numpy.

  tests/fuzz/make_seeds.py            # rewrites corpus/fuzz_{onnx_graph,onnx_tensor,npy}
The .kiln seeds come from `kiln compile` of some of these models (see
tests/fuzz/README.md)."""
import os, sys
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto as TP

here = os.path.dirname(os.path.abspath(__file__))
corpus = os.path.join(here, "corpus")

def model(name, nodes, inputs, outputs, inits=(), opset=17, vinfo=()):
    g = helper.make_graph(nodes, name, inputs, outputs, initializer=list(inits), value_info=list(vinfo))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], producer_name="kiln-seed")
    m.ir_version = 8
    return m

def vi(name, shape, t=TP.FLOAT):
    return helper.make_tensor_value_info(name, t, shape)

def init(name, arr):
    return numpy_helper.from_array(np.asarray(arr), name)

f = np.float32
models = {
  "relu": model("relu", [helper.make_node("Relu", ["x"], ["y"])], [vi("x", [1, 4])], [vi("y", [1, 4])]),
  "add_bcast": model("add", [helper.make_node("Add", ["x", "b"], ["y"])], [vi("x", ["N", 3])], [vi("y", ["N", 3])],
                     [init("b", np.arange(3, dtype=f))]),
  "matmul_gemm": model("mm", [helper.make_node("MatMul", ["x", "w"], ["h"]),
                              helper.make_node("Gemm", ["h", "w2", "c"], ["y"], transB=1, alpha=0.5)],
                       [vi("x", [2, 3])], [vi("y", [2, 2])],
                       [init("w", np.ones((3, 4), f)), init("w2", np.ones((2, 4), f)), init("c", np.zeros(2, f))]),
  "conv_pool": model("conv", [helper.make_node("Conv", ["x", "w", "b"], ["c"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1]),
                              helper.make_node("Relu", ["c"], ["r"]),
                              helper.make_node("MaxPool", ["r"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
                              helper.make_node("GlobalAveragePool", ["p"], ["y"])],
                     [vi("x", [1, 1, 8, 8])], [vi("y", [1, 2, 1, 1])],
                     [init("w", np.ones((2, 1, 3, 3), f)), init("b", np.zeros(2, f))]),
  "reshape_transpose": model("rt", [helper.make_node("Reshape", ["x", "s"], ["r"]),
                                    helper.make_node("Transpose", ["r"], ["t"], perm=[1, 0]),
                                    helper.make_node("Flatten", ["t"], ["y"], axis=1)],
                             [vi("x", [2, 3, 4])], [vi("y", [12, 2])], [init("s", np.array([2, 12], np.int64))]),
  "slice_concat_split": model("scs", [helper.make_node("Slice", ["x", "st", "en", "ax"], ["s"]),
                                      helper.make_node("Concat", ["s", "s"], ["c"], axis=1),
                                      helper.make_node("Split", ["c", "sp"], ["a", "b"], axis=1)],
                              [vi("x", [2, 6])], [vi("a", [2, 2]), vi("b", [2, 2])],
                              [init("st", np.array([1], np.int64)), init("en", np.array([3], np.int64)),
                               init("ax", np.array([1], np.int64)), init("sp", np.array([2, 2], np.int64))]),
  "softmax_reduce": model("sr", [helper.make_node("Softmax", ["x"], ["s"], axis=-1),
                                 helper.make_node("ReduceSum", ["s", "ax"], ["y"], keepdims=0)],
                          [vi("x", [3, 5])], [vi("y", [3])], [init("ax", np.array([1], np.int64))]),
  "gather_where_cast": model("gwc", [helper.make_node("Gather", ["x", "i"], ["g"], axis=0),
                                     helper.make_node("Greater", ["g", "z"], ["m"]),
                                     helper.make_node("Where", ["m", "g", "z"], ["w"]),
                                     helper.make_node("Cast", ["w"], ["y"], to=TP.INT64)],
                             [vi("x", [4, 3])], [vi("y", [2, 3], TP.INT64)],
                             [init("i", np.array([0, 3], np.int64)), init("z", np.zeros(1, f))]),
  "norms": model("norms", [helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["bn"]),
                           helper.make_node("LayerNormalization", ["bn", "ls", "lb"], ["y"], axis=-1, epsilon=1e-5)],
                 [vi("x", [1, 2, 3])], [vi("y", [1, 2, 3])],
                 [init("s", np.ones(2, f)), init("b", np.zeros(2, f)), init("m", np.zeros(2, f)),
                  init("v", np.ones(2, f)), init("ls", np.ones(3, f)), init("lb", np.zeros(3, f))]),
  "constant_shape_expand": model("cse", [helper.make_node("Constant", [], ["k"], value=helper.make_tensor("k", TP.INT64, [2], [2, 3])),
                                         helper.make_node("Shape", ["x"], ["sh"]),
                                         helper.make_node("ConstantOfShape", ["k"], ["c"], value=helper.make_tensor("v", TP.FLOAT, [1], [1.5])),
                                         helper.make_node("Expand", ["x", "k"], ["e"]),
                                         helper.make_node("Mul", ["e", "c"], ["y"])],
                                 [vi("x", [1, 3])], [vi("y", [2, 3]), vi("sh", [2], TP.INT64)]),
  "pad_resize_clip": model("prc", [helper.make_node("Pad", ["x", "p"], ["pd"], mode="constant"),
                                   helper.make_node("Resize", ["pd", "", "sc"], ["rs"], mode="nearest"),
                                   helper.make_node("Clip", ["rs", "lo", "hi"], ["y"])],
                           [vi("x", [1, 1, 2, 2])], [vi("y", [1, 1, 8, 8])],
                           [init("p", np.array([0, 0, 1, 1, 0, 0, 1, 1], np.int64)), init("sc", np.array([1, 1, 2, 2], f)),
                            init("lo", np.array(0, f)), init("hi", np.array(6, f))]),
  "unsqueeze_squeeze_opset11": model("uss", [helper.make_node("Unsqueeze", ["x"], ["u"], axes=[0]),
                                             helper.make_node("Squeeze", ["u"], ["y"], axes=[0])],
                                     [vi("x", [3])], [vi("y", [3])], opset=11),
  "custom_domain": None,
}
m = model("custom", [helper.make_node("MyOp", ["x"], ["y"], domain="com.example", alpha=2.0)],
          [vi("x", [2])], [vi("y", [2])])
m.opset_import.append(helper.make_opsetid("com.example", 1))
models["custom_domain"] = m

def write(dirname, name, data):
    d = os.path.join(corpus, dirname)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as fh:
        fh.write(data)

for name, m in models.items():
    write("fuzz_onnx_graph", name + ".onnx", m.SerializeToString())

tensors = {
  "float_raw": numpy_helper.from_array(np.arange(6, dtype=f).reshape(2, 3), "t"),
  "int64_raw": numpy_helper.from_array(np.array([1, -2, 3], np.int64), "t"),
  "float_data": helper.make_tensor("t", TP.FLOAT, [2], [1.0, 2.0]),
  "int32_data_int8": helper.make_tensor("t", TP.INT8, [3], [1, -1, 7]),
  "double_data": helper.make_tensor("t", TP.DOUBLE, [1], [3.5]),
  "string_data": helper.make_tensor("t", TP.STRING, [2], [b"a", b"bc"]),
  "bool": numpy_helper.from_array(np.array([True, False]), "t"),
  "float16": numpy_helper.from_array(np.array([1, 2], np.float16), "t"),
  "scalar": numpy_helper.from_array(np.array(5, np.int32), "t"),
  "empty": numpy_helper.from_array(np.zeros((0, 3), f), "t"),
}
ext = helper.make_tensor("t", TP.FLOAT, [4], [0.0] * 4)
ext.ClearField("float_data")
ext.data_location = TP.EXTERNAL
for k, v in (("location", "weights.bin"), ("offset", "64"), ("length", "16")):
    e = ext.external_data.add(); e.key = k; e.value = v
tensors["external"] = ext
for name, t in tensors.items():
    write("fuzz_onnx_tensor", name + ".pb", t.SerializeToString())

import io
arrays = {
  "f32_2x3": np.arange(6, dtype=f).reshape(2, 3), "i64": np.array([1, 2, 3], np.int64),
  "u8_scalar": np.array(7, np.uint8), "bool": np.array([True, False]), "f16": np.ones(3, np.float16),
  "f64_empty": np.zeros((0,), np.float64), "i32_3d": np.ones((2, 1, 2), np.int32),
}
for name, a in arrays.items():
    b = io.BytesIO(); np.save(b, a); write("fuzz_npy", name + ".npy", b.getvalue())
# format 2.0 and 3.0 headers
b = io.BytesIO(); np.lib.format.write_array(b, np.ones(2, f), version=(2, 0)); write("fuzz_npy", "v2.npy", b.getvalue())
b = io.BytesIO(); np.lib.format.write_array(b, np.ones(2, f), version=(3, 0)); write("fuzz_npy", "v3.npy", b.getvalue())
print("seeds written under", corpus)

# --- PyTorch formats (Debian's python3-torch) -----------------------------------
try:
    import torch
except ImportError:
    torch = None
if torch is not None:
    import json, pickle, struct, zipfile
    torch.manual_seed(0)
    sd = {"w": torch.arange(6, dtype=torch.float32).reshape(2, 3), "b": torch.tensor([1, 2], dtype=torch.int64),
          "h": torch.ones(3, dtype=torch.float16)}
    b = io.BytesIO(); torch.save(sd, b); write("fuzz_zip", "state_dict.pt", b.getvalue())
    b = io.BytesIO(); torch.save(sd, b, _use_new_zipfile_serialization=False)
    write("fuzz_checkpoint", "legacy_state_dict.pt", b.getvalue())
    b = io.BytesIO(); torch.save({"epoch": 3, "opt": {"lr": 0.1, "betas": (0.9, 0.99)}, "t": torch.zeros(2, 2)}, b)
    write("fuzz_checkpoint", "nested.pt", b.getvalue())

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = torch.nn.Linear(4, 2)

        def forward(self, x):
            y = self.fc(x)
            if y.sum() > 0:
                y = torch.relu(y)
            for i in range(2):
                y = y * 2.0 + float(i)
            return torch.softmax(y, dim=-1)

    scripted = torch.jit.script(Net())
    b = io.BytesIO(); torch.jit.save(scripted, b); archive = b.getvalue()
    write("fuzz_checkpoint", "scripted.pt", archive)
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        for n in z.namelist():
            if "/code/" in n and n.endswith(".py"):
                write("fuzz_torchscript", n.split("/code/")[1].replace("/", "_"), z.read(n))
            if n.endswith("data.pkl") or n.endswith("constants.pkl"):
                write("fuzz_pickle", "torchscript_" + n.rsplit("/", 1)[1], z.read(n))
    # The pickle inside a state_dict archive, and plain protocol-2 pickles.
    with zipfile.ZipFile(io.BytesIO(b.getvalue() if False else open(os.path.join(corpus, "fuzz_zip", "state_dict.pt"), "rb").read())) as z:
        for n in z.namelist():
            if n.endswith("data.pkl"):
                write("fuzz_pickle", "state_dict_data.pkl", z.read(n))
    write("fuzz_pickle", "plain_dict.pkl", pickle.dumps({"a": [1, 2.5, "x", None, True], "b": (1, (2, 3)), "c": b"\x00\x01"}, protocol=2))
    write("fuzz_pickle", "memo_shared.pkl", pickle.dumps([[1, 2]] * 3, protocol=2))

    def safetensors(tensors, meta=None):
        header, data = {}, b""
        if meta:
            header["__metadata__"] = meta
        for name, (dt, shape, raw) in tensors.items():
            header[name] = {"dtype": dt, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
            data += raw
        h = json.dumps(header).encode()
        h += b" " * (-len(h) % 8)
        return struct.pack("<Q", len(h)) + h + data

    write("fuzz_safetensors", "two.safetensors", safetensors(
        {"w": ("F32", [2, 2], np.arange(4, dtype=f).tobytes()), "i": ("I64", [1], np.array([7], np.int64).tobytes())},
        {"format": "pt"}))
    write("fuzz_safetensors", "scalar_bf16.safetensors", safetensors({"s": ("BF16", [], b"\x80\x3f")}))
    write("fuzz_safetensors", "empty.safetensors", safetensors({}))
