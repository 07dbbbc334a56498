#!/usr/bin/env python3
"""Update some lines of a conformance expectations file from a runner log.

  kiln-conformance DIR --filter attention > run.txt
  tests/conformance/update_expectations.py EXPECTATIONS.tsv run.txt [--only GLOB ...]

Reads the runner's per-test lines (PASS / FAIL / UNSUPPORTED NAME...) and
rewrites the status of those tests in EXPECTATIONS.tsv, keeping every other
line as it is (unlike --write-expectations, which writes the whole run). With
--only, only tests whose names match one of the globs are touched, so work on
one op family cannot rewrite another family's lines."""
import fnmatch
import sys

STATUS = {"PASS": "pass", "FAIL": "fail", "UNSUPPORTED": "unsupported"}


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    exp_path, log_path = argv[1], argv[2]
    globs = []
    rest = argv[3:]
    if rest:
        if rest[0] != "--only" or len(rest) < 2:
            sys.exit(__doc__)
        globs = rest[1:]
    results = {}
    with open(log_path) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and parts[0] in STATUS:
                name = parts[1].rstrip(":")
                if not globs or any(fnmatch.fnmatch(name, g) for g in globs):
                    results[name] = STATUS[parts[0]]
    lines = open(exp_path).read().splitlines()
    out, seen, changed = [], set(), 0
    for line in lines:
        if line.startswith("#") or "\t" not in line:
            out.append(line)
            continue
        name, status = line.split("\t", 1)
        if name in results:
            seen.add(name)
            if results[name] != status:
                changed += 1
                line = name + "\t" + results[name]
        out.append(line)
    for name in sorted(set(results) - seen):
        out.append(name + "\t" + results[name])
        changed += 1
    open(exp_path, "w").write("\n".join(out) + "\n")
    print(f"{exp_path}: {changed} lines changed from {len(results)} results")


if __name__ == "__main__":
    main(sys.argv)
