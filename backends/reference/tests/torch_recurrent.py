#!/usr/bin/env python3
"""End-to-end check of kiln.rnn / kiln.gru / kiln.lstm against PyTorch 1.13:
exports torch.nn.LSTM (bidirectional), GRU (bidirectional, batch_first,
which ONNX spells linear_before_reset=1 and layout via transposes) and RNN
(relu) to ONNX, compiles with kiln and compares every output with torch's
(rtol 1e-4, atol 1e-5). Exits 77 (ctest SKIP) when torch is not available.

  torch_recurrent.py KILN PLUGIN_DIR WORK_DIR
"""
import os, subprocess, sys

try:
    import numpy as np
    import torch
except ImportError:
    # Debian's interpreter has torch; the build's may not.
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3") and \
            not os.environ.get("KILN_TORCH_REEXEC"):
        os.environ["KILN_TORCH_REEXEC"] = "1"
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    print("SKIP: PyTorch is not available")
    sys.exit(77)


class Layers(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(3, 4, bidirectional=True)
        self.gru = torch.nn.GRU(3, 5, bidirectional=True, batch_first=True)
        self.rnn = torch.nn.RNN(3, 2, nonlinearity="relu")

    def forward(self, x, xb):
        y1, (h1, c1) = self.lstm(x)
        y2, h2 = self.gru(xb)
        y3, h3 = self.rnn(x)
        return y1, h1, c1, y2, h2, y3, h3


def main():
    kiln, plugins, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    torch.manual_seed(0)
    m = Layers().eval()
    x, xb = torch.randn(6, 2, 3), torch.randn(2, 6, 3)
    names = ["y1", "h1", "c1", "y2", "h2", "y3", "h3"]
    with torch.no_grad():
        outs = m(x, xb)
    onnx_path = os.path.join(work, "recurrent.onnx")
    torch.onnx.export(m, (x, xb), onnx_path, opset_version=14, input_names=["x", "xb"],
                      output_names=names)
    np.save(os.path.join(work, "x.npy"), x.numpy())
    np.save(os.path.join(work, "xb.npy"), xb.numpy())
    expect = []
    for n, o in zip(names, outs):
        np.save(os.path.join(work, n + ".npy"), o.numpy())
        expect += ["--expect", f"{n}={os.path.join(work, n + '.npy')}"]
    art = os.path.join(work, "recurrent.kiln")
    for cmd in ([kiln, "compile", onnx_path, "-o", art, "--plugin-path", plugins],
                [kiln, "run", art, "--plugin-path", plugins, "--input", f"x={os.path.join(work, 'x.npy')}",
                 "--input", f"xb={os.path.join(work, 'xb.npy')}", "--rtol", "1e-4", "--atol", "1e-5"] + expect):
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        print(p.stdout)
        if p.returncode != 0:
            print("FAIL:", " ".join(cmd))
            return 1
    matched = p.stdout.count(": match,")
    if matched != len(names):
        print(f"FAIL: {matched} of {len(names)} outputs matched")
        return 1
    print(f"ok: {matched} outputs match PyTorch")
    return 0


if __name__ == "__main__":
    sys.exit(main())
