#!/usr/bin/python3
"""PyTorch side of kiln's CPU benchmark (bench/run.py runs it).

    /usr/bin/python3 bench/torch/run_torch.py --model NAME --cache DIR
        --input FILE.npy [--input ...] [--threads N] [--warmup N] [--warmup-ms MS]
        [--iterations N] [--output-dir DIR]

NAME is a model of bench/models/generate.py, which rebuilds the identical
module (same seeds).  The first call for a model traces and freezes it and
saves the result as DIR/NAME.frozen.pt; every call then times torch.jit.load
of that file followed by torch.jit.optimize_for_inference (the load time),
runs the warm-up and times each run.  Inputs are given in the
model's input order.  Prints one JSON object on stdout (same keys as
bench/ort/run_ort.js), including which BLAS library the process loaded.

BLAS: Debian's python3-torch links libblas.so.3, which by default is the
reference BLAS.  To run it on OpenBLAS as a user would, either install
libopenblas0-pthread (its alternative then takes over libblas.so.3), or,
without root, put the package's openblas-pthread directory first on
LD_LIBRARY_PATH (bench/run.py does that, see bench/README.md).  OpenBLAS
does not follow torch.set_num_threads: set OPENBLAS_NUM_THREADS too.
"""

import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "models"))

import numpy as np  # noqa: E402
import torch  # noqa: E402


def loaded_blas():
    """The BLAS/LAPACK shared objects mapped into this process."""
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            p = line.split()[-1] if len(line.split()) >= 6 else ""
            base = os.path.basename(p)
            if "blas" in base or "lapack" in base:
                libs.add(os.path.realpath(p))
    return sorted(libs)


def peak_rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return None


def frozen_path(cache, name):
    return os.path.join(cache, f"{name}.frozen.pt")


def prepare(name, cache, example):
    import generate
    model = generate.build(name)
    with torch.no_grad():
        traced = torch.jit.trace(model, tuple(example))
        frozen = torch.jit.freeze(traced.eval())
    os.makedirs(cache, exist_ok=True)
    tmp = frozen_path(cache, name) + f".tmp{os.getpid()}"
    torch.jit.save(frozen, tmp)
    os.replace(tmp, frozen_path(cache, name))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--cache", required=True, help="directory for the frozen TorchScript files")
    ap.add_argument("--input", action="append", default=[])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--warmup-ms", type=float, default=0.0, help="warm up for at least this long too")
    ap.add_argument("--iterations", type=int, default=50)
    ap.add_argument("--output-dir")
    a = ap.parse_args()
    if a.threads < 1 or a.iterations < 1 or a.warmup < 0:
        ap.error("bad --threads/--iterations/--warmup")
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    arrays = []
    for f in a.input:
        try:
            arrays.append(np.load(f))
        except Exception as e:  # noqa: BLE001
            sys.exit(f"run_torch.py: {f}: {e}")
    xs = [torch.from_numpy(x) for x in arrays]
    if not os.path.exists(frozen_path(a.cache, a.model)):
        prepare(a.model, a.cache, xs)

    t0 = time.perf_counter()
    # optimize_for_inference's prepacked (MKLDNN) convolutions do not survive
    # torch.jit.save/load in 1.13 ("required keyword attribute 'value' is
    # undefined"), so the frozen module is saved and optimized after loading,
    # which is counted in the load time.
    with torch.no_grad():
        module = torch.jit.optimize_for_inference(torch.jit.load(frozen_path(a.cache, a.model)))
    load_ms = (time.perf_counter() - t0) * 1e3
    runs = []
    with torch.no_grad():
        w0, k = time.perf_counter(), 0
        while k < a.warmup or (time.perf_counter() - w0) * 1e3 < a.warmup_ms:
            y = module(*xs)
            k += 1
        for _ in range(a.iterations):
            s = time.perf_counter()
            y = module(*xs)
            runs.append((time.perf_counter() - s) * 1e3)
    if a.output_dir:
        os.makedirs(a.output_dir, exist_ok=True)
        ys = y if isinstance(y, (tuple, list)) else [y]
        for i, t in enumerate(ys):
            np.save(os.path.join(a.output_dir, f"output{i}.npy"), t.numpy())
    s = sorted(runs)
    pick = lambda p: s[min(len(s) - 1, int(p * len(s)))]  # noqa: E731
    print(json.dumps({
        "runtime": "pytorch", "version": torch.__version__, "model": a.model,
        "threads": a.threads, "blas": loaded_blas(), "load_ms": load_ms,
        "warmup": a.warmup, "iterations": a.iterations, "runs_ms": runs,
        "median_ms": pick(0.5), "p90_ms": pick(0.9), "peak_rss_kib": peak_rss_kib(),
    }))


if __name__ == "__main__":
    main()
