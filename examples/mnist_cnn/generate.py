#!/usr/bin/python3
"""Generate kiln's bundled example model: a small MNIST-style CNN.

Run with Debian's PyTorch (python3-torch 1.13) and python3-onnx:

    /usr/bin/python3 examples/mnist_cnn/generate.py

Nothing is downloaded.  All randomness is seeded, so the weights are random
but deterministic; the predicted class is therefore meaningless, but stable.

Files written next to this script:
    model.onnx           ONNX export (opset 13, input "input", output "logits",
                         dynamic batch dimension "batch")
    model.pt             torch.jit.trace of the model (not frozen)
    input.npy            one synthetic "7" digit, 1x1x28x28 float32, normalized
    expected_output.npy  PyTorch eval-mode output for input.npy, 1x10 float32
    labels.txt           class labels "0".."9", one per line

The ONNX graph deliberately keeps BatchNormalization and Dropout as separate
nodes (the exporter would normally fold Conv+BN and drop Dropout in eval mode)
so that kiln's own folding passes have something to do.  Node op types in the
exported graph, in order:

    Conv, BatchNormalization, Relu, MaxPool,
    Conv, BatchNormalization, Relu, MaxPool,
    Flatten, Gemm, Relu, Constant, Dropout, Gemm

(Constant is Dropout's scalar "ratio" input, 0.25; Dropout has no
training_mode input, i.e. it is in inference mode and is an identity.)
"""

import io
import os
import sys

import numpy as np
import onnx
import onnx.checker
import onnx.helper
import onnx.numpy_helper
import torch
import torch.nn as nn
from torch.onnx import symbolic_helper

HERE = os.path.dirname(os.path.abspath(__file__))
OPSET = 13
MNIST_MEAN = 0.1307
MNIST_STD = 0.3081

EXPECTED_OPS = [
    "Conv", "BatchNormalization", "Relu", "MaxPool",
    "Conv", "BatchNormalization", "Relu", "MaxPool",
    "Flatten", "Gemm", "Relu", "Constant", "Dropout", "Gemm",
]


class MnistCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, kernel_size=3, padding=1)
        self.bn1 = nn.BatchNorm2d(16)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(16, 32, kernel_size=3, padding=1)
        self.bn2 = nn.BatchNorm2d(32)
        self.relu2 = nn.ReLU()
        self.pool2 = nn.MaxPool2d(2)
        self.flatten = nn.Flatten(1)
        self.fc1 = nn.Linear(32 * 7 * 7, 64)
        self.relu3 = nn.ReLU()
        self.dropout = nn.Dropout(0.25)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = self.pool1(self.relu1(self.bn1(self.conv1(x))))
        x = self.pool2(self.relu2(self.bn2(self.conv2(x))))
        x = self.flatten(x)
        x = self.dropout(self.relu3(self.fc1(x)))
        return self.fc2(x)


def build_model():
    torch.manual_seed(0)
    model = MnistCnn()
    # Non-trivial BatchNorm parameters and statistics so BN folding matters.
    g = torch.Generator().manual_seed(1234)
    with torch.no_grad():
        for bn in (model.bn1, model.bn2):
            c = bn.num_features
            bn.weight.copy_(torch.empty(c).uniform_(0.5, 1.5, generator=g))
            bn.bias.copy_(torch.empty(c).uniform_(-0.5, 0.5, generator=g))
            bn.running_mean.copy_(torch.empty(c).uniform_(-0.5, 0.5, generator=g))
            bn.running_var.copy_(torch.empty(c).uniform_(0.25, 2.0, generator=g))
            bn.num_batches_tracked.fill_(100)
    model.eval()
    return model


def draw_seven():
    """A thick anti-aliased stroke shaped like a 7, in [0, 1], 28x28."""
    segments = [((6.0, 6.5), (21.0, 6.5)),    # top bar   (x, y) -> (x, y)
                ((21.0, 6.5), (12.0, 23.0))]  # diagonal
    ys, xs = np.mgrid[0:28, 0:28].astype(np.float64)
    dist = np.full((28, 28), np.inf)
    for (x0, y0), (x1, y1) in segments:
        dx, dy = x1 - x0, y1 - y0
        t = ((xs - x0) * dx + (ys - y0) * dy) / (dx * dx + dy * dy)
        t = np.clip(t, 0.0, 1.0)
        d = np.hypot(xs - (x0 + t * dx), ys - (y0 + t * dy))
        dist = np.minimum(dist, d)
    # Fully on within 1 px of the centre line, fading out to 0 at 2 px.
    img = np.clip(2.0 - dist, 0.0, 1.0)
    return img


def make_input():
    np.random.seed(0)  # not used for the digit itself; seeded for hygiene
    img = draw_seven()
    x = (img - MNIST_MEAN) / MNIST_STD
    return np.ascontiguousarray(x.reshape(1, 1, 28, 28).astype("<f4"))


# Keep Dropout visible in the exported graph.  torch's own symbolic for
# aten::dropout returns its input unchanged when train=False; this one emits an
# inference-mode ONNX Dropout (ratio given, training_mode omitted == false).
@symbolic_helper.parse_args("v", "f", "b")
def _dropout_symbolic(g, input, p, train):
    if train:
        raise RuntimeError("expected an eval-mode dropout")
    ratio = g.op("Constant", value_t=torch.tensor(p, dtype=torch.float32))
    return g.op("Dropout", input, ratio, outputs=1)


def export_onnx(model, example, path):
    torch.onnx.register_custom_op_symbolic("aten::dropout", _dropout_symbolic, OPSET)
    try:
        torch.onnx.export(
            model,
            (example,),
            path,
            export_params=True,
            opset_version=OPSET,
            # PRESERVE keeps the module's (eval) mode but skips the eval
            # peephole pass that fuses Conv+BatchNormalization.
            training=torch.onnx.TrainingMode.PRESERVE,
            do_constant_folding=False,
            input_names=["input"],
            output_names=["logits"],
            dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
        )
    finally:
        torch.onnx.unregister_custom_op_symbolic("aten::dropout", OPSET)

    m = onnx.load(path)
    # producer_name / producer_version are left as torch set them.
    m.doc_string = ("kiln example model 'mnist_cnn': MNIST-style CNN with RANDOM "
                    "weights (torch.manual_seed(0)); outputs are deterministic "
                    "but the predicted class is meaningless. Generated by "
                    "examples/mnist_cnn/generate.py.")
    m.model_version = 1
    del m.metadata_props[:]
    onnx.helper.set_model_props(m, {
        "kiln.example": "mnist_cnn",
        "kiln.weights": "random (torch.manual_seed(0)), not trained",
        "kiln.generator": "examples/mnist_cnn/generate.py",
        "kiln.input_normalization": f"(pixel - {MNIST_MEAN}) / {MNIST_STD}",
        "kiln.labels": "labels.txt",
    })
    onnx.checker.check_model(m, full_check=True)
    onnx.save(m, path)
    return m


# --- A tiny numpy interpreter for the ops in this graph, used only to check
# --- that the ONNX export computes the same thing as PyTorch (no onnxruntime).
def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _conv(x, w, b, a):
    n, c, h, wd = x.shape
    oc, _, kh, kw = w.shape
    assert a.get("group", 1) == 1 and list(a.get("dilations", [1, 1])) == [1, 1]
    pt, pl, pb, pr = a.get("pads", [0, 0, 0, 0])
    sh, sw = a.get("strides", [1, 1])
    xp = np.pad(x, ((0, 0), (0, 0), (pt, pb), (pl, pr)))
    oh = (h + pt + pb - kh) // sh + 1
    ow = (wd + pl + pr - kw) // sw + 1
    cols = np.empty((n, c, kh, kw, oh, ow), dtype=np.float64)
    for i in range(kh):
        for j in range(kw):
            cols[:, :, i, j] = xp[:, :, i:i + sh * oh:sh, j:j + sw * ow:sw]
    y = np.einsum("nckluv,ockl->nouv", cols, w)
    return y + b.reshape(1, -1, 1, 1)


def _maxpool(x, a):
    kh, kw = a["kernel_shape"]
    sh, sw = a.get("strides", [1, 1])
    assert not any(a.get("pads", [0, 0, 0, 0]))
    n, c, h, w = x.shape
    oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    out = np.full((n, c, oh, ow), -np.inf)
    for i in range(kh):
        for j in range(kw):
            out = np.maximum(out, x[:, :, i:i + sh * oh:sh, j:j + sw * ow:sw])
    return out


def run_onnx_numpy(m, x):
    env = {t.name: onnx.numpy_helper.to_array(t).astype(np.float64)
           for t in m.graph.initializer}
    env[m.graph.input[0].name] = x.astype(np.float64)
    for node in m.graph.node:
        a = _attrs(node)
        i = [env[n] if n else None for n in node.input]
        op = node.op_type
        if op == "Conv":
            y = _conv(i[0], i[1], i[2], a)
        elif op == "BatchNormalization":
            x_, s, bias, mean, var = i
            shp = (1, -1, 1, 1)
            y = ((x_ - mean.reshape(shp)) / np.sqrt(var.reshape(shp) + a["epsilon"])
                 * s.reshape(shp) + bias.reshape(shp))
        elif op == "Relu":
            y = np.maximum(i[0], 0.0)
        elif op == "MaxPool":
            y = _maxpool(i[0], a)
        elif op == "Flatten":
            ax = a.get("axis", 1)
            y = i[0].reshape(int(np.prod(i[0].shape[:ax])), -1)
        elif op == "Gemm":
            A, B, C = i
            if a.get("transA", 0):
                A = A.T
            if a.get("transB", 0):
                B = B.T
            y = a.get("alpha", 1.0) * A @ B + a.get("beta", 1.0) * C
        elif op == "Constant":
            y = onnx.numpy_helper.to_array(a["value"]).astype(np.float64)
        elif op == "Dropout":
            assert len(i) < 3 or not i[2]
            y = i[0]
        else:
            raise NotImplementedError(op)
        env[node.output[0]] = y
    return env[m.graph.output[0].name]


def describe(m):
    def shape(vi):
        return [d.dim_param or d.dim_value for d in vi.type.tensor_type.shape.dim]

    print(f"ir_version={m.ir_version} opset="
          f"{[(o.domain or 'ai.onnx', o.version) for o in m.opset_import]} "
          f"producer={m.producer_name} {m.producer_version}")
    for vi in m.graph.input:
        print(f"input  {vi.name} {shape(vi)}")
    for vi in m.graph.output:
        print(f"output {vi.name} {shape(vi)}")
    for t in m.graph.initializer:
        print(f"initializer {t.name} {list(t.dims)}")
    for n in m.graph.node:
        attrs = ", ".join(f"{k}={v if not isinstance(v, onnx.TensorProto) else onnx.numpy_helper.to_array(v).tolist()}"
                          for k, v in _attrs(n).items())
        print(f"node {n.op_type:<18} {list(n.input)} -> {list(n.output)}  {attrs}")


def save_torchscript(module, path):
    """torch.jit.save, minus the *.debug_pkl records.

    Those records hold the Python call stack seen while tracing, i.e. the
    absolute path of this script and its line numbers, which would make
    model.pt depend on where the repository is checked out.  They are
    optional: torch.jit.load works without them.  The archive is rewritten
    with torch's own zip writer so the container format is unchanged.
    """
    buf = io.BytesIO()
    torch.jit.save(module, buf)
    buf.seek(0)
    reader = torch._C.PyTorchFileReader(buf)
    version = int(reader.get_record("version").decode().strip())
    writer = torch._C.PyTorchFileWriter(path)  # archive name "model"
    writer.set_min_version(version)
    for name in reader.get_all_records():
        if name == "version" or name.endswith(".debug_pkl"):
            continue  # "version" is written by write_end_of_file()
        data = reader.get_record(name)
        writer.write_record(name, data, len(data))
    writer.write_end_of_file()
    del writer


def main():
    model = build_model()
    x_np = make_input()
    x = torch.from_numpy(x_np)

    with torch.no_grad():
        expected = model(x).numpy().astype("<f4")
        traced = torch.jit.trace(model, (x,))
        traced_out = traced(x).numpy()
    np.testing.assert_allclose(traced_out, expected, rtol=0, atol=1e-6)

    onnx_path = os.path.join(HERE, "model.onnx")
    m = export_onnx(model, x, onnx_path)
    pt_path = os.path.join(HERE, "model.pt")
    save_torchscript(traced, pt_path)
    with torch.no_grad():
        reloaded_out = torch.jit.load(pt_path)(x).numpy()
    np.testing.assert_array_equal(reloaded_out, expected)
    np.save(os.path.join(HERE, "input.npy"), x_np)
    np.save(os.path.join(HERE, "expected_output.npy"),
            np.ascontiguousarray(expected))
    with open(os.path.join(HERE, "labels.txt"), "w") as f:
        f.write("".join(f"{d}\n" for d in range(10)))

    ops = [n.op_type for n in m.graph.node]
    print("ONNX node op types:", ", ".join(ops))
    describe(m)
    if ops != EXPECTED_OPS:
        sys.exit(f"unexpected ONNX op list: {ops}")

    # Check the ONNX graph against PyTorch with the numpy interpreter, also
    # with a batch of 3 to exercise the dynamic batch dimension.
    ref = run_onnx_numpy(onnx.load(onnx_path), x_np)
    np.testing.assert_allclose(ref, expected, rtol=0, atol=1e-4)
    xb = np.concatenate([x_np, -x_np, np.flip(x_np, axis=3)]).astype(np.float32)
    with torch.no_grad():
        exp_b = model(torch.from_numpy(xb)).numpy()
    np.testing.assert_allclose(run_onnx_numpy(m, xb), exp_b, rtol=0, atol=1e-4)
    print(f"numpy ONNX interpreter matches torch (max abs diff "
          f"{np.abs(ref - expected).max():.2e})")

    np.set_printoptions(precision=6, suppress=True, linewidth=120)
    print("expected_output:", expected)
    print("argmax:", int(expected.argmax()))


if __name__ == "__main__":
    main()
