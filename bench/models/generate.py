#!/usr/bin/python3
"""Write kiln's CPU benchmark models as ONNX, with inputs and PyTorch outputs.

    /usr/bin/python3 bench/models/generate.py --out DIR [--only a,b] [--batch N]

Uses Debian's PyTorch 1.13, torchvision and python3-onnx.  Nothing is
downloaded: every model has random weights from a fixed seed, so the files are
the same on every run (and the predictions are meaningless, but stable).
See bench/models/README.md for the models, their inputs and the file names.

Other scripts (bench/torch/run_torch.py) import this file to rebuild exactly
the same PyTorch modules: use `build(name)` and `make_inputs(name, batch)`.
"""

import argparse
import importlib.util
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OPSET = 17  # LayerNormalization is an ONNX op from 17 on.

# The BERT-like encoder's shape.
ENC_LAYERS, ENC_DMODEL, ENC_HEADS, ENC_SEQ, ENC_FF, ENC_VOCAB = 4, 256, 4, 128, 1024, 30522


class Mlp(nn.Module):
    """784-256-256-10 with ReLU."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 256)
        self.fc2 = nn.Linear(256, 256)
        self.fc3 = nn.Linear(256, 10)

    def forward(self, x):
        return self.fc3(torch.relu(self.fc2(torch.relu(self.fc1(x)))))


class SelfAttention(nn.Module):
    """Multi-head self-attention written out (the exporter then emits plain
    MatMul/Reshape/Transpose/Softmax, as BERT exports do)."""

    def __init__(self, d, heads):
        super().__init__()
        self.heads, self.dh = heads, d // heads
        self.q = nn.Linear(d, d)
        self.k = nn.Linear(d, d)
        self.v = nn.Linear(d, d)
        self.o = nn.Linear(d, d)

    def forward(self, x, mask_add):
        b, s, d = x.shape
        split = lambda t: t.reshape(b, s, self.heads, self.dh).transpose(1, 2)
        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        scores = torch.matmul(q, k.transpose(2, 3)) / float(np.sqrt(self.dh)) + mask_add
        ctx = torch.matmul(torch.softmax(scores, dim=-1), v)
        return self.o(ctx.transpose(1, 2).reshape(b, s, d))


class EncoderLayer(nn.Module):
    """Post-LayerNorm transformer layer (BERT): attention, add & norm, GELU
    feed-forward, add & norm."""

    def __init__(self, d, heads, ff):
        super().__init__()
        self.attn = SelfAttention(d, heads)
        self.ln1 = nn.LayerNorm(d, eps=1e-12)
        self.ff1 = nn.Linear(d, ff)
        self.ff2 = nn.Linear(ff, d)
        self.ln2 = nn.LayerNorm(d, eps=1e-12)

    def forward(self, x, mask_add):
        x = self.ln1(x + self.attn(x, mask_add))
        return self.ln2(x + self.ff2(nn.functional.gelu(self.ff1(x))))


class BertLikeEncoder(nn.Module):
    """Token + position embeddings, LayerNorm, 4 encoder layers; returns the
    last hidden state [batch, seq, d_model]."""

    def __init__(self):
        super().__init__()
        self.tok = nn.Embedding(ENC_VOCAB, ENC_DMODEL)
        self.pos = nn.Embedding(ENC_SEQ, ENC_DMODEL)
        self.ln = nn.LayerNorm(ENC_DMODEL, eps=1e-12)
        self.layers = nn.ModuleList(
            [EncoderLayer(ENC_DMODEL, ENC_HEADS, ENC_FF) for _ in range(ENC_LAYERS)])

    def forward(self, input_ids, attention_mask):
        positions = torch.arange(input_ids.shape[1], dtype=torch.int64).unsqueeze(0)
        x = self.ln(self.tok(input_ids) + self.pos(positions))
        # 1 = attend, 0 = padding; padding gets -10000 added to its scores.
        mask_add = (1.0 - attention_mask.to(torch.float32)).unsqueeze(1).unsqueeze(2) * -10000.0
        for layer in self.layers:
            x = layer(x, mask_add)
        return x


def _mnist_cnn():
    path = os.path.join(ROOT, "examples", "mnist_cnn", "generate.py")
    spec = importlib.util.spec_from_file_location("kiln_mnist_generate", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.build_model()  # seeded, eval mode, non-trivial BN statistics


def _randomize_batchnorm(model, seed):
    """Random BN statistics so normalization (and its folding) is not an
    identity; scaled so activations stay O(1) through deep nets."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                c = m.num_features
                m.weight.copy_(torch.empty(c).uniform_(0.2, 0.6, generator=g))
                m.bias.copy_(torch.empty(c).uniform_(-0.2, 0.2, generator=g))
                m.running_mean.copy_(torch.empty(c).uniform_(-0.2, 0.2, generator=g))
                m.running_var.copy_(torch.empty(c).uniform_(0.5, 1.5, generator=g))
                m.num_batches_tracked.fill_(100)


def _torchvision(name):
    import torchvision.models as tvm
    model = getattr(tvm, name)(weights=None)
    _randomize_batchnorm(model, 4321)
    return model


# name -> (builder, default batches, input names, output names)
MODELS = {
    "resnet18": (lambda: _torchvision("resnet18"), [1, 16], ["input"], ["logits"]),
    "mobilenet_v2": (lambda: _torchvision("mobilenet_v2"), [1, 16], ["input"], ["logits"]),
    "squeezenet1_1": (lambda: _torchvision("squeezenet1_1"), [1, 16], ["input"], ["logits"]),
    "bert_encoder": (BertLikeEncoder, [1, 8], ["input_ids", "attention_mask"], ["last_hidden_state"]),
    "mlp": (Mlp, [1, 16], ["input"], ["logits"]),
    "mnist_cnn": (_mnist_cnn, [1, 16], ["input"], ["logits"]),
}


def build(name):
    """The eval-mode PyTorch module for `name`, weights from fixed seeds."""
    torch.manual_seed(0)
    model = MODELS[name][0]()
    model.eval()
    return model


def make_inputs(name, batch):
    """The benchmark inputs for `name` at `batch`: a list of numpy arrays in
    the order of MODELS[name][2]."""
    rng = np.random.RandomState(1000 + batch)
    if name in ("resnet18", "mobilenet_v2", "squeezenet1_1"):
        return [rng.standard_normal((batch, 3, 224, 224)).astype(np.float32)]
    if name == "mlp":
        return [rng.standard_normal((batch, 784)).astype(np.float32)]
    if name == "mnist_cnn":
        return [rng.standard_normal((batch, 1, 28, 28)).astype(np.float32)]
    if name == "bert_encoder":
        ids = rng.randint(0, ENC_VOCAB, size=(batch, ENC_SEQ)).astype(np.int64)
        mask = np.ones((batch, ENC_SEQ), dtype=np.int64)
        for i in range(batch):  # sample i has 16*i padding tokens at the end
            pad = min(16 * i, ENC_SEQ - 16)
            if pad:
                mask[i, ENC_SEQ - pad:] = 0
        return [ids, mask]
    raise KeyError(name)


def file_names(name, batch):
    """{"onnx": ..., "inputs": {input: file}, "outputs": {output: file}},
    relative to the output directory."""
    _, _, ins, outs = MODELS[name]
    return {
        "onnx": f"{name}.onnx",
        "inputs": {n: f"{name}.b{batch}.{n}.npy" for n in ins},
        "outputs": {n: f"{name}.b{batch}.{n}.expected.npy" for n in outs},
    }


def export(name, model, out_dir):
    _, batches, ins, outs = MODELS[name]
    example = tuple(torch.from_numpy(a) for a in make_inputs(name, 1))
    dyn = {n: {0: "batch"} for n in ins + outs}
    path = os.path.join(out_dir, file_names(name, 1)["onnx"])
    torch.onnx.export(model, example, path, export_params=True, opset_version=OPSET,
                      do_constant_folding=True, input_names=ins, output_names=outs,
                      dynamic_axes=dyn)
    import onnx
    m = onnx.load(path)
    m.doc_string = (f"kiln benchmark model '{name}', RANDOM weights from fixed seeds; "
                    "written by bench/models/generate.py")
    onnx.checker.check_model(m)
    onnx.save(m, path)
    return path


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="output directory (created)")
    ap.add_argument("--only", default="", help="comma-separated subset of: " + ", ".join(MODELS))
    ap.add_argument("--batch", type=int, action="append",
                    help="batch size for inputs/references (repeatable); default: 1 and 16 "
                         "(1 and 8 for bert_encoder)")
    args = ap.parse_args(argv)
    names = [n for n in args.only.split(",") if n] or list(MODELS)
    for n in names:
        if n not in MODELS:
            ap.error(f"unknown model '{n}' (known: {', '.join(MODELS)})")
    if args.batch and any(b < 1 for b in args.batch):
        ap.error("--batch must be at least 1")
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    manifest_path = os.path.join(args.out, "manifest.json")
    manifest = {}
    if os.path.exists(manifest_path):
        with open(manifest_path) as f:
            manifest = json.load(f)
    for name in names:
        model = build(name)
        export(name, model, args.out)
        _, default_batches, ins, outs = MODELS[name]
        entry = {"onnx": file_names(name, 1)["onnx"], "inputs": ins, "outputs": outs,
                 "batches": {}}
        for b in (args.batch or default_batches):
            arrays = make_inputs(name, b)
            with torch.no_grad():
                y = model(*[torch.from_numpy(a) for a in arrays])
            ys = y if isinstance(y, (tuple, list)) else [y]
            files = file_names(name, b)
            for n, a in zip(ins, arrays):
                np.save(os.path.join(args.out, files["inputs"][n]), np.ascontiguousarray(a))
            for n, t in zip(outs, ys):
                np.save(os.path.join(args.out, files["outputs"][n]),
                        np.ascontiguousarray(t.numpy().astype(np.float32)))
            entry["batches"][str(b)] = {"inputs": files["inputs"], "outputs": files["outputs"]}
            print(f"{name} b{b}: output {tuple(ys[0].shape)}, |max| "
                  f"{float(ys[0].abs().max()):.3g}, mean|y| {float(ys[0].abs().mean()):.3g}")
        manifest[name] = entry
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
    print(f"wrote {len(names)} model(s) to {args.out}")


if __name__ == "__main__":
    sys.exit(main())
