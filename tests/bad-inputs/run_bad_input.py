#!/usr/bin/env python3
"""Feeds one file of the bad-input catalogue to the kiln subcommand that reads
its format and checks that kiln refuses it cleanly:

  * a non-zero exit status, and not death by a signal;
  * no sanitizer report (ASan, UBSan, LSan, TSan) on stderr;
  * stderr contains every non-empty line of <file>.expect;
  * it finishes within --timeout seconds;
  * memory stays bounded: the address space is capped (RLIMIT_AS, ordinary
    builds) or ASan's allocation and RSS limits are set (sanitizer builds),
    and the child's peak RSS must stay under --max-rss-mb.

Dispatch by extension: .onnx -> `kiln compile`; .npy / .pb -> `kiln run MODEL
--input FILE`; everything else (.kiln, .pkl, .pt, .zip, .safetensors, ...)
-> `kiln inspect` (.kiln with --verify, so weight checksums are checked too).
"""
import argparse, os, re, resource, subprocess, sys, tempfile

SANITIZER_REPORT = re.compile(
    r"ERROR: (Address|Leak|Memory|Thread)Sanitizer|WARNING: ThreadSanitizer|"
    r"runtime error: |SUMMARY: (Address|UndefinedBehavior|Leak|Thread)Sanitizer")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kiln", required=True)
    ap.add_argument("--model", help="a valid .kiln for `kiln run` (npy / pb inputs)")
    ap.add_argument("--sanitized", action="store_true", help="kiln is built with ASan")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--max-rss-mb", type=int, default=2048)
    ap.add_argument("--address-space-mb", type=int, default=8192)
    ap.add_argument("file")
    a = ap.parse_args()
    a.file = os.path.abspath(a.file)

    with open(a.file + ".expect", encoding="utf-8") as fh:
        expect = [l.rstrip("\n") for l in fh if l.strip()]
    if not expect:
        print(f"FAIL: {a.file}.expect is empty")
        return 1

    ext = os.path.splitext(a.file)[1].lower()
    work = tempfile.mkdtemp(prefix="kiln-bad-input-")
    if ext == ".onnx":
        cmd = [a.kiln, "compile", a.file, "-o", os.path.join(work, "out.kiln")]
    elif ext in (".npy", ".pb"):
        if not a.model:
            print("FAIL: --model is needed for", ext)
            return 1
        cmd = [a.kiln, "run", a.model, "--input", a.file]
    elif ext == ".kiln":
        cmd = [a.kiln, "inspect", "--verify", a.file]
    else:
        cmd = [a.kiln, "inspect", a.file]

    env = dict(os.environ)
    if a.sanitized:
        # ASan reserves terabytes of address space: cap allocations instead.
        extra = (f"hard_rss_limit_mb={a.max_rss_mb}:max_allocation_size_mb={a.max_rss_mb}:"
                 "allocator_may_return_null=0")
        env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") + ":" + extra).lstrip(":")

    def limit():
        if not a.sanitized:
            cap = a.address_space_mb << 20
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    print("$", " ".join(cmd))
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                           preexec_fn=limit, timeout=a.timeout, cwd=work)
    except subprocess.TimeoutExpired:
        print(f"FAIL: no answer within {a.timeout:g} s (hang?)")
        return 1
    err = p.stderr.decode("utf-8", "replace")
    rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    sys.stdout.write(err[-4000:])
    failures = []
    if p.returncode < 0:
        failures.append(f"killed by signal {-p.returncode}")
    elif p.returncode == 0:
        failures.append("exit status 0: the file was accepted")
    if SANITIZER_REPORT.search(err):
        failures.append("sanitizer report on stderr")
    for e in expect:
        if e not in err:
            failures.append(f"stderr lacks the expected {e!r}")
    if rss_mb > a.max_rss_mb:
        failures.append(f"peak RSS {rss_mb} MiB > {a.max_rss_mb} MiB")
    if failures:
        print("FAIL:", "; ".join(failures))
        return 1
    print(f"ok: exit {p.returncode}, peak RSS {rss_mb} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
