#!/usr/bin/python3
"""kiln's CPU benchmark: kiln against ONNX Runtime and PyTorch, side by side.

    /usr/bin/python3 bench/run.py [--build build] [--work DIR] [--only a,b]
        [--threads 1,2] [--reps 5] [--iterations 30] [--write-results]
    /usr/bin/python3 bench/run.py --smoke --build build     # what ctest runs

One process tree: this script generates the models (bench/models/generate.py,
PyTorch references included), compiles them with `kiln compile -O3 --target
cpu,reference`, then for every repetition runs each (model, batch, threads)
case on kiln (build/bin/kiln-bench-model, which first checks its outputs
against PyTorch's, rtol 1e-3 / atol 1e-4), ONNX Runtime (bench/ort/run_ort.js,
onnxruntime-node) and PyTorch (bench/torch/run_torch.py, with Debian's
default BLAS and with OpenBLAS), alternating the runners within each
repetition.  Each runner is a fresh process: it loads the model (the load
time), warms up and times `--iterations` runs.  The table pools the timed
runs of all repetitions: median and p90 latency in ms, kiln/ORT and
kiln/PyTorch ratios of the medians, load time, peak resident memory.
`--write-results` rewrites the generated part of bench/RESULTS.md (the
sections above its marker are kept).  See bench/README.md.
"""

import argparse
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MARKER = "<!-- bench/run.py writes everything below this line -->"
SKIP = 77  # ctest SKIP_RETURN_CODE

ALL_MODELS = ["resnet18", "mobilenet_v2", "squeezenet1_1", "bert_encoder", "mlp", "mnist_cnn"]
BIG_BATCH = {"bert_encoder": 8}
OPENBLAS_DIRS = [
    "/usr/lib/x86_64-linux-gnu/openblas-pthread",  # libopenblas0-pthread installed
    # `apt-get download libopenblas0-pthread && dpkg -x *.deb root` in BUILD/openblas
    "{build}/openblas/root/usr/lib/x86_64-linux-gnu/openblas-pthread",
]


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run_json(cmd, env=None, timeout=900):
    """Runs a runner; its JSON object, or raises with its stderr."""
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       env=env, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError(f"{shlex.join(cmd)} failed ({p.returncode}):\n{p.stderr.strip()}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def machine_line():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kib = int(f.readline().split()[1])
            mem = f", {kib / 2**20:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    osname = ""
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    osname = ", " + line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores{mem}{osname}"


def pooled(results):
    runs = sorted(x for r in results for x in r["runs_ms"])
    pick = lambda p: runs[min(len(runs) - 1, int(p * len(runs)))]  # noqa: E731
    return {
        "median": pick(0.5), "p90": pick(0.9),
        "load": statistics.median(r["load_ms"] for r in results),
        "open": statistics.median(r.get("plugin_open_ms", 0.0) for r in results),
        "rss_mib": max(r["peak_rss_kib"] for r in results) / 1024.0,
        "n": len(runs),
    }


def fmt(x, digits=None):
    if x is None:
        return "—"
    if digits is None:
        digits = 3 if x < 1 else 2 if x < 10 else 1
    return f"{x:.{digits}f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"), help="kiln build directory")
    ap.add_argument("--work", help="directory for models and artifacts (default BUILD/bench-work)")
    ap.add_argument("--only", default="", help="models, comma-separated (default: all six)")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--batches", default="", help="e.g. 1,16 (default: 1 and 16, 8 for bert_encoder)")
    ap.add_argument("--reps", type=int, default=5, help="interleaved repetitions")
    ap.add_argument("--iterations", type=int, default=30, help="most timed runs per process")
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--warmup-ms", type=float, default=300.0,
                    help="every runner also warms up for at least this long (a second core "
                         "that was idle runs slowly for about 100 ms on this machine)")
    ap.add_argument("--budget-ms", type=float, default=3000,
                    help="aim for about this much timed work per process after the first repetition")
    ap.add_argument("--no-ort", action="store_true")
    ap.add_argument("--no-torch", action="store_true")
    ap.add_argument("--per-op", action="store_true", help="add kiln's per-op profile per case")
    ap.add_argument("--smoke", action="store_true",
                    help="tiny run for CI: mlp and mnist_cnn, batch 1, 1 thread, 1 repetition")
    ap.add_argument("--write-results", action="store_true", help="update bench/RESULTS.md")
    ap.add_argument("--results", default=os.path.join(HERE, "RESULTS.md"))
    a = ap.parse_args()
    if a.smoke:
        a.only, a.threads, a.batches = a.only or "mlp,mnist_cnn", "1", "1"
        a.reps, a.iterations, a.warmup, a.warmup_ms = 1, 20, 3, 0.0
        a.budget_ms = 100
        a.no_torch = True
    started = time.time()
    build = os.path.abspath(a.build)
    work = os.path.abspath(a.work or os.path.join(build, "bench-work"))
    models = [m for m in a.only.split(",") if m] or ALL_MODELS
    for m in models:
        if m not in ALL_MODELS:
            ap.error(f"unknown model {m}")
    threads = [int(t) for t in a.threads.split(",") if t]
    kiln = os.path.join(build, "bin", "kiln")
    kbench = os.path.join(build, "bin", "kiln-bench-model")
    for exe in (kiln, kbench):
        if not os.access(exe, os.X_OK):
            log(f"run.py: {exe} is missing: build the kiln and kiln-bench-model targets")
            return 2

    # PyTorch is needed for the models and their references.
    try:
        import torch  # noqa: F401
        import torchvision  # noqa: F401
        import onnx  # noqa: F401
    except ImportError as e:
        log(f"run.py: SKIP: PyTorch, torchvision and onnx are needed to generate the models ({e})")
        return SKIP

    ort_dir = os.path.join(HERE, "ort")
    have_ort = (not a.no_ort and shutil.which("node") and
                os.path.isdir(os.path.join(ort_dir, "node_modules", "onnxruntime-node")))
    if not have_ort and not a.no_ort:
        log("run.py: ONNX Runtime is absent (cd bench/ort && npm install --ignore-scripts): kiln only")
    openblas = None
    for d in OPENBLAS_DIRS:
        d = d.format(build=build)
        if os.path.exists(os.path.join(d, "libblas.so.3")):
            openblas = d
            break

    # 1. Models, inputs, references.
    models_dir = os.path.join(work, "models")
    manifest_path = os.path.join(models_dir, "manifest.json")
    manifest = {}
    if os.path.exists(manifest_path):
        with open(manifest_path) as f:
            manifest = json.load(f)

    def batches_of(m):
        if a.batches:
            return [int(b) for b in a.batches.split(",")]
        return [1, BIG_BATCH.get(m, 16)]

    missing = [m for m in models
               if m not in manifest or any(str(b) not in manifest[m]["batches"] for b in batches_of(m))]
    if missing:
        log(f"run.py: generating {', '.join(missing)}")
        need = sorted({b for m in missing for b in batches_of(m)})
        cmd = [sys.executable, os.path.join(HERE, "models", "generate.py"), "--out", models_dir,
               "--only", ",".join(missing)]
        for b in need:
            cmd += ["--batch", str(b)]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        with open(manifest_path) as f:
            manifest = json.load(f)

    # 2. Compile with kiln.
    art_dir = os.path.join(work, "kiln")
    os.makedirs(art_dir, exist_ok=True)
    fallbacks = {}
    for m in models:
        art = os.path.join(art_dir, f"{m}.kiln")
        p = subprocess.run([kiln, "compile", os.path.join(models_dir, manifest[m]["onnx"]), "-O3",
                            "--target", "cpu,reference", "--report", "-o", art],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if p.returncode != 0:
            log(f"run.py: kiln compile {m} failed:\n{p.stdout}")
            return 1
        fallbacks[m] = sum(1 for line in p.stdout.splitlines() if "fell back" in line)

    def files(m, b):
        e = manifest[m]["batches"][str(b)]
        ins = [(n, os.path.join(models_dir, e["inputs"][n])) for n in manifest[m]["inputs"]]
        outs = [(n, os.path.join(models_dir, e["outputs"][n])) for n in manifest[m]["outputs"]]
        return ins, outs

    # Timed runs per process: the first repetition probes with a few, later
    # ones aim at about --budget-ms per process (between 5 and --iterations).
    its = {}

    def iterations(m, b, t):
        return its.get((m, b, t), min(a.iterations, 5))

    def kiln_cmd(m, b, t, per_op=False):
        ins, outs = files(m, b)
        cmd = [kbench, os.path.join(art_dir, f"{m}.kiln"), "--threads", str(t),
               "--warmup", str(a.warmup), "--warmup-ms", str(a.warmup_ms), "--iterations", str(iterations(m, b, t)),
               "--plugin-path", os.path.join(build, "lib")]
        for n, f in ins:
            cmd += ["--input", f"{n}={f}"]
        for n, f in outs:
            cmd += ["--expect", f"{n}={f}"]
        return cmd + (["--per-op"] if per_op else [])

    def ort_cmd(m, b, t):
        ins, _ = files(m, b)
        cmd = ["node", os.path.join(ort_dir, "run_ort.js"), "--model",
               os.path.join(models_dir, manifest[m]["onnx"]), "--threads", str(t),
               "--warmup", str(a.warmup), "--warmup-ms", str(a.warmup_ms), "--iterations", str(iterations(m, b, t))]
        for n, f in ins:
            cmd += ["--input", f"{n}={f}"]
        return cmd

    def torch_cmd(m, b, t):
        ins, _ = files(m, b)
        cmd = [sys.executable, os.path.join(HERE, "torch", "run_torch.py"), "--model", m,
               "--cache", os.path.join(work, "torch"), "--threads", str(t),
               "--warmup", str(a.warmup), "--warmup-ms", str(a.warmup_ms), "--iterations", str(iterations(m, b, t))]
        for _, f in ins:
            cmd += ["--input", f]
        return cmd

    env_default = dict(os.environ)
    env_default.pop("LD_LIBRARY_PATH", None)
    runners = [("kiln", kiln_cmd, None)]
    if have_ort:
        runners.append(("ort", ort_cmd, None))
    if not a.no_torch:
        runners.append(("torch", torch_cmd, env_default))
        if openblas:
            runners.append(("torch_openblas", torch_cmd, "openblas"))
        else:
            log("run.py: no OpenBLAS found (see bench/README.md): PyTorch with its default BLAS only")

    cases = [(m, b, t) for m in models for b in batches_of(m) for t in threads]
    results = {}  # (runner, m, b, t) -> [json]
    for rep in range(a.reps):
        log(f"run.py: repetition {rep + 1}/{a.reps}")
        for (m, b, t) in cases:
            for name, make, env in runners:
                if env == "openblas":
                    env = dict(env_default, LD_LIBRARY_PATH=openblas, OPENBLAS_NUM_THREADS=str(t),
                               OMP_NUM_THREADS=str(t))
                elif name.startswith("torch"):
                    env = dict(env_default, OMP_NUM_THREADS=str(t))
                try:
                    r = run_json(make(m, b, t), env=env)
                except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError) as e:
                    log(f"run.py: {name} {m} b{b} t{t}: {e}")
                    return 1
                results.setdefault((name, m, b, t), []).append(r)
        if rep == 0:
            for (m, b, t) in cases:
                slowest = max(results[(n, m, b, t)][0]["median_ms"] for n, _, _ in runners)
                its[(m, b, t)] = max(5, min(a.iterations, int(a.budget_ms / max(slowest, 1e-3))))

    floors = {}
    if have_ort:
        for t in threads:
            floors[t] = run_json(["node", os.path.join(ort_dir, "run_ort.js"), "--floor",
                                  "--threads", str(t), "--iterations", "2000"])["median_ms"]
    ort_version = None
    if have_ort:
        ort_version = results[("ort",) + cases[0]][0].get("version")
    blas = {}
    for name in ("torch", "torch_openblas"):
        key = (name,) + cases[0]
        if key in results:
            libs = results[key][0].get("blas", [])
            blas[name] = ", ".join(os.path.basename(x) for x in libs if "blas" in os.path.basename(x))

    per_op = {}
    if a.per_op:
        for (m, b, t) in cases:
            per_op[(m, b, t)] = run_json(kiln_cmd(m, b, t, per_op=True))

    # 3. The table.
    cols = ["kiln", "ort", "torch", "torch_openblas"]
    present = [c for c in cols if any((c,) + k in results for k in cases)]
    head = ["model", "batch", "thr", "kiln med", "kiln p90"]
    if "ort" in present:
        head += ["ORT med", "ORT p90", "kiln/ORT"]
    if "torch" in present:
        head += ["PT med"]
    if "torch_openblas" in present:
        head += ["PT+OpenBLAS med"]
    if "torch" in present:
        head += ["kiln/PT"]
    head += ["load ms kiln" + ("/ORT" if "ort" in present else "") + ("/PT" if "torch" in present else ""),
             "peak RSS MiB kiln" + ("/ORT" if "ort" in present else "") + ("/PT" if "torch" in present else "")]
    rows = []
    summary = {}
    for (m, b, t) in cases:
        s = {c: pooled(results[(c, m, b, t)]) for c in present if (c, m, b, t) in results}
        summary[(m, b, t)] = s
        k = s["kiln"]
        row = [m, str(b), str(t), fmt(k["median"]), fmt(k["p90"])]
        if "ort" in s:
            row += [fmt(s["ort"]["median"]), fmt(s["ort"]["p90"]),
                    f"{k['median'] / s['ort']['median']:.2f}"]
        best_pt = None
        if "torch" in s:
            row += [fmt(s["torch"]["median"])]
            best_pt = s["torch"]["median"]
        if "torch_openblas" in s:
            row += [fmt(s["torch_openblas"]["median"])]
            best_pt = min(best_pt, s["torch_openblas"]["median"])
        if best_pt is not None:
            row += [f"{k['median'] / best_pt:.2f}"]
        loads = [fmt(k["load"])] + ([fmt(s["ort"]["load"])] if "ort" in s else []) + \
                ([fmt(s["torch"]["load"])] if "torch" in s else [])
        rss = [f"{k['rss_mib']:.0f}"] + ([f"{s['ort']['rss_mib']:.0f}"] if "ort" in s else []) + \
              ([f"{s['torch']['rss_mib']:.0f}"] if "torch" in s else [])
        row += [" / ".join(loads), " / ".join(rss)]
        rows.append(row)
    table = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    table += ["| " + " | ".join(r) + " |" for r in rows]

    cmdline = "/usr/bin/python3 bench/run.py " + " ".join(shlex.quote(x) for x in sys.argv[1:])
    load_avg = os.getloadavg()
    notes = [
        f"Machine: {machine_line()} (load average at the end {load_avg[0]:.1f}, "
        f"{load_avg[1]:.1f}, {load_avg[2]:.1f}).",
        f"Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. "
        f"Wall time {time.time() - started:.0f} s.",
        "Command:", "", "    " + cmdline, "",
        f"{a.reps} interleaved repetitions, each a fresh process per runner with {a.warmup} warm-up "
        f"runs (and at least {a.warmup_ms:g} ms of them: a second core that was idle runs slowly for about 100 ms), then 5 timed runs (first repetition) or up to {a.iterations} (about "
        f"{a.budget_ms / 1000:g} s of work) per process; medians and p90 of the pooled runs, ms. Ratios are of medians (below 1: kiln "
        "is faster); kiln/PT uses the faster PyTorch column. Load: kiln `Runtime::load` of the "
        "compiled artifact, ORT session creation, PyTorch `torch.jit.load` of the frozen module plus `optimize_for_inference`. "
        "Peak RSS is each runner process's VmHWM (Node and Python add their own interpreters). "
        "kiln's outputs matched PyTorch's (rtol 1e-3, atol 1e-4) in every process before timing.",
    ]
    if have_ort:
        notes.append(f"ONNX Runtime {ort_version} (onnxruntime-node, all graph optimizations, "
                     "intra-op threads = thr, inter-op 1). Node's per-call floor (a one-op model): " +
                     ", ".join(f"{fmt(v, 4)} ms at {t} thread(s)" for t, v in floors.items()) +
                     "; it is included in ORT's figures.")
    if blas:
        notes.append("PyTorch " + (results[("torch",) + cases[0]][0]["version"]) + ", TorchScript "
                     "frozen + optimize_for_inference; BLAS: " +
                     "; ".join(f"{'PT' if n == 'torch' else 'PT+OpenBLAS'} = {v}" for n, v in blas.items()) +
                     ".")
    opens = sorted(summary[c]["kiln"]["open"] for c in cases)
    notes.append(f"kiln opens its plugins (cpu and reference: dlopen of oneDNN) before the timed load, "
                 f"once per process: median {fmt(opens[len(opens) // 2])} ms "
                 f"({fmt(opens[0])} to {fmt(opens[-1])}) over the cases, not in the load column; "
                 "ONNX Runtime's library is loaded at require() and torch at import, outside their "
                 "load columns too.")
    fb = {m: n for m, n in fallbacks.items() if n}
    notes.append("kiln compile -O3 --target cpu,reference: nodes on the reference plugin: " +
                 (", ".join(f"{m} {n}" for m, n in fb.items()) if fb else "none") + ".")

    text = "\n".join(table) + "\n\n" + "\n".join(notes) + "\n"
    if per_op:
        text += "\nkiln per-op (`kiln-bench-model --per-op`), the five slowest kernels per case, ms per run:\n\n"
        for (m, b, t), r in per_op.items():
            agg = {}
            for e in r["per_op"]:
                if e["kernel"] == "(partition)":
                    continue
                key = f"{e['op'] or '-'} {e['kernel']}" + (" (reference plugin)" if e["plugin"] == "reference" else "")
                agg[key] = agg.get(key, 0.0) + e["per_run_ms"]
            ref_parts = sum(e["per_run_ms"] for e in r["per_op"]
                            if e["kernel"] == "(partition)" and e["plugin"] == "reference")
            top = sorted(agg.items(), key=lambda kv: -kv[1])[:5]
            text += (f"- {m} b{b} t{t}: " + "; ".join(f"{k} {v:.3f}" for k, v in top) +
                     (f"; reference-plugin partitions {ref_parts:.3f}" if ref_parts else "") +
                     f"; reorders/run {r['reorders_per_run']}\n")
    print(text)

    if a.write_results:
        with open(a.results) as f:
            old = f.read()
        keep = old.split(MARKER)[0].rstrip() + "\n\n" if MARKER in old else old.rstrip() + "\n\n"
        with open(a.results, "w") as f:
            f.write(keep + MARKER + "\n\n## kiln vs ONNX Runtime vs PyTorch (bench/run.py)\n\n" + text)
        log(f"run.py: wrote {a.results}")
    if a.smoke and time.time() - started > 60:
        log(f"run.py: the smoke run took {time.time() - started:.0f} s (> 60 s)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
