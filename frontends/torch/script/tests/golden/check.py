#!/usr/bin/env python3
"""One TorchScript golden test: compile a case with kiln for one plugin, run
it on the inputs generate.py stored and compare with PyTorch's outputs
(rtol 1e-4, atol 1e-5).

    check.py KILN GOLDEN_DIR CASE PLUGIN WORK_DIR

Exit codes: 0 match, 1 mismatch or failure, 77 skipped (no golden data,
i.e. PyTorch was not available at build time).
"""
import json
import os
import subprocess
import sys

kiln, golden, case, plugin, work = sys.argv[1:6]
manifest_path = os.path.join(golden, "manifest.json")
if not os.path.exists(manifest_path):
    print("SKIP: no TorchScript golden data in %s (PyTorch/torchvision not found at build time)" % golden)
    sys.exit(77)
with open(manifest_path) as f:
    manifest = json.load(f)
if case not in manifest:
    print("FAIL: case %s is not in %s" % (case, manifest_path))
    sys.exit(1)
os.makedirs(work, exist_ok=True)
ok = True
for call in manifest[case]:
    method = call["method"]
    artifact = os.path.join(work, "%s.%s.%s.kiln" % (case, method, plugin))
    # The cpu plugin runs what it supports; the reference plugin the rest.
    targets = plugin if plugin == "reference" else plugin + ",reference"
    cmd = [kiln, "compile", os.path.join(golden, case + ".pt"), "--method", method,
           "--target", targets, "-o", artifact]
    kiln_types = {"int64": "i64", "int32": "i32", "int16": "i16", "int8": "i8", "uint8": "u8",
                  "bool": "bool", "float16": "f16", "bfloat16": "bf16", "float64": "f64"}
    for i in call["inputs"]:
        cmd += ["--input-shape", "%s=%s" % (i["name"], "x".join(str(d) for d in i["shape"]))]
        if i.get("dtype", "float32") in kiln_types:
            cmd += ["--input-type", "%s=%s" % (i["name"], kiln_types[i["dtype"]])]
    print("$ " + " ".join(cmd), flush=True)
    r = subprocess.run(cmd)
    if r.returncode != 0:
        print("FAIL: compile %s.%s exited with %d" % (case, method, r.returncode))
        ok = False
        continue
    cmd = [kiln, "run", artifact, "--rtol", "1e-4", "--atol", "1e-5"]
    for i in call["inputs"]:
        cmd += ["--input", "%s=%s" % (i["name"], os.path.join(golden, i["file"]))]
    for o in call["outputs"]:
        cmd += ["--expect", "%s=%s" % (o["name"], os.path.join(golden, o["file"]))]
    print("$ " + " ".join(cmd), flush=True)
    r = subprocess.run(cmd, stdout=subprocess.PIPE, universal_newlines=True)
    print(r.stdout, end="")
    matched = sum(1 for line in r.stdout.splitlines() if line.strip().startswith("expect ") and ": match" in line)
    if r.returncode != 0 or matched != len(call["outputs"]):
        print("FAIL: %s.%s on %s does not match PyTorch (%d of %d outputs match)"
              % (case, method, plugin, matched, len(call["outputs"])))
        ok = False
sys.exit(0 if ok else 1)
