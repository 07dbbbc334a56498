#!/usr/bin/env python3
"""Markdown table of a kiln-bench-micro JSON file (--benchmark_out=FILE
--benchmark_out_format=json, with --benchmark_repetitions=N): per case the
median GFLOP/s and percentage of the measured SGEMM peak at 1 and 2 threads,
and the kernel that ran it.

    bench/micro/table.py RESULTS.json [--only REGEX]
"""
import argparse
import json
import re
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("json")
    ap.add_argument("--only", help="rows whose case name matches this regex")
    args = ap.parse_args()
    try:
        with open(args.json) as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        sys.exit(f"table.py: {args.json}: {e}")
    rows, order, labels, errors = {}, [], {}, {}
    for b in data.get("benchmarks", []):
        name = b.get("run_name", b["name"]).removesuffix("/manual_time")
        m = re.fullmatch(r"(.*)/t(\d+)", name)
        if not m:
            continue
        case, threads = m.group(1), int(m.group(2))
        if args.only and not re.search(args.only, case):
            continue
        if case not in rows:
            rows[case] = {}
            order.append(case)
        if b.get("error_occurred"):
            errors[case] = b.get("error_message", "error")
        if b.get("run_type") == "iteration" and b.get("label"):
            labels.setdefault(case, set()).add(b["label"])
        if b.get("aggregate_name") == "median":
            rows[case][threads] = (b.get("GFLOPS"), b.get("pct_peak"))
        elif b.get("run_type") == "iteration" and threads not in rows[case]:
            rows[case].setdefault(("runs", threads), []).append((b.get("GFLOPS"), b.get("pct_peak")))

    def cell(case, t):
        v = rows[case].get(t)
        if v is None:  # no repetitions: the single run
            runs = rows[case].get(("runs", t))
            v = runs[0] if runs else None
        if v is None or v[0] is None:
            return "-", "-"
        return f"{v[0]:.1f}", ("-" if v[1] is None else f"{v[1]:.0f}%")

    print("| case | kernel | GFLOP/s 1 thr | % peak 1 thr | GFLOP/s 2 thr | % peak 2 thr |")
    print("| --- | --- | --- | --- | --- | --- |")
    for case in order:
        g1, p1 = cell(case, 1)
        g2, p2 = cell(case, 2)
        kernel = ", ".join(sorted(labels.get(case, []))) or ("ERROR: " + errors[case] if case in errors else "")
        kernel = kernel.replace("onednn:", "")
        print(f"| {case} | {kernel} | {g1} | {p1} | {g2} | {p2} |")
    ctx = data.get("context", {})
    print(f"\nHost: {ctx.get('host_name', '?')}, {ctx.get('num_cpus', '?')} CPUs at "
          f"{ctx.get('mhz_per_cpu', '?')} MHz, load average {ctx.get('load_avg', '?')}; {ctx.get('date', '')}")


if __name__ == "__main__":
    main()
