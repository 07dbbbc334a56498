#!/usr/bin/env python3
"""Writes a minimal TorchScript archive around a code file, without PyTorch.

    make_ts_archive.py OUT.pt CODE.py            code/__torch__.py = CODE.py
    make_ts_archive.py OUT.pt --deep-nesting N   a forward nesting N calls

data.pkl holds one `__torch__.M` object whose only slot is `training`;
constants.pkl is empty. Used by the error tests of the TorchScript importer.
"""
import struct
import sys
import zipfile

out = sys.argv[1]
if sys.argv[2] == "--deep-nesting":
    n = int(sys.argv[3])
    code = ("class M(Module):\n  __parameters__ = []\n  __buffers__ = []\n  training : bool\n"
            "  def forward(self: __torch__.M,\n    x: Tensor) -> Tensor:\n    return "
            + "torch.neg(" * n + "x" + ")" * n + "\n")
else:
    with open(sys.argv[2]) as f:
        code = f.read()


def text(s):
    b = s.encode()
    return b"X" + struct.pack("<I", len(b)) + b


data = (b"\x80\x02" + b"c__torch__\nM\n" + b")\x81" + b"}(" + text("training") + b"\x89" + b"ub.")
with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
    z.writestr("m/data.pkl", data)
    z.writestr("m/code/__torch__.py", code)
    z.writestr("m/constants.pkl", b"\x80\x02).")
    z.writestr("m/version", "3\n")
