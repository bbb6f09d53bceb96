"""The streaming build's memory per document (issue 18): before and after, in one run.

For each corpus and each checkout (``--before-root``: an export of the code to compare with; the
checkout this file is in), a child process builds the corpus from an empty cache with
``jobs`` extracting processes, the way ``policykg build`` does (graph.stream.write_trig), and
reports its own RSS when it starts building, when pass 1 (extraction) is done (the moment the
corpus-level links start: graph.stream._link is wrapped), and its peak (ru_maxrss). Per document:
(RSS after pass 1 - RSS at the start) / documents, and the slope between two corpus sizes
(what each further document costs, the fixed costs, ontology and gazetteer, left out); then a
rebuild with nothing changed (its wall and peak, and that it writes the same bytes). A thread
samples RSS every 10 ms for each phase's highest: extraction, linking (text reuse), writing.

    python bench/bench_memory.py --before-root /tmp/before --raw A --raw B [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, resource, sys, threading, time
from pathlib import Path
def rss():
    return int(open("/proc/self/statm").read().split()[1]) * 4096 / 2**20
from graph import stream
seen = {}
phase = ["extract"]
def sample():  # each phase's highest RSS, every 10 ms
    while True:
        seen[phase[0]] = max(seen.get(phase[0], 0), rss())
        time.sleep(0.01)
threading.Thread(target=sample, daemon=True).start()
real = stream._link
def link(*args, **kwargs):
    seen["pass1"] = rss()
    phase[0] = "link"
    try:
        return real(*args, **kwargs)
    finally:
        phase[0] = "write"
stream._link = link
raw, out, jobs = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
start = rss()
t = time.perf_counter()
result = stream.write_trig(raw, out, jobs=jobs, texts=False)
print(json.dumps({"documents": result.documents, "start": start, "pass1": seen["pass1"],
                  "phases": {k: seen.get(k) for k in ("extract", "link", "write")},
                  "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "wall": time.perf_counter() - t, "triples": result.triple_count}))
"""


def _child(root: Path, raw: Path, out: Path, jobs: int) -> dict:
    env = dict(os.environ, PYTHONPATH=str(root))
    proc = subprocess.run([sys.executable, "-c", CHILD, str(raw), str(out), str(jobs)], env=env, cwd=root,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{root}: {proc.stderr[-2000:]}")
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    got["sha"] = subprocess.run(["sha256sum", str(out)], capture_output=True, text=True).stdout.split()[0]
    return got


def measure(root: Path, raw: Path, jobs: int) -> dict:
    """A build from an empty cache, then a rebuild with nothing changed (``warm``: its peak and wall)."""
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as work:
        out = Path(work) / "policykg.trig"
        got = _child(root, raw, out, jobs)
        got["warm"] = _child(root, raw, out, jobs)
        return got


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before-root", type=Path, required=True)
    ap.add_argument("--raw", type=Path, action="append", required=True)
    ap.add_argument("--after-root", type=Path, default=ROOT, help="the code measured as after (default: this checkout)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json", type=Path, help="append each measurement here as a JSON line")
    args = ap.parse_args()
    rows = []
    for raw in args.raw:
        for name, root in (("before", args.before_root), ("after", args.after_root)):
            got = measure(root, raw, args.jobs)
            got.update(code=name, raw=str(raw), at=time.strftime("%H:%M"))
            per = (got["pass1"] - got["start"]) * 1024 / got["documents"]
            print(f"{name:6} {got['documents']:6} docs: start {got['start']:.0f} MiB, after pass 1 {got['pass1']:.0f}"
                  f" ({per:.1f} KiB/doc), peak {got['peak']:.0f} MiB (by phase {got['phases']}), {got['wall']:.0f} s,"
                  f" {got['sha'][:12]}; nothing changed: {got['warm']['wall']:.1f} s, peak {got['warm']['peak']:.0f} MiB,"
                  f" {'same bytes' if got['warm']['sha'] == got['sha'] else 'DIFFERENT BYTES'}",
                  flush=True)
            rows.append(got)
            if args.json:
                with open(args.json, "a") as f:
                    f.write(json.dumps(got) + "\n")
    for name in ("before", "after"):
        mine = sorted((r for r in rows if r["code"] == name), key=lambda r: r["documents"])
        if len(mine) >= 2:
            a, b = mine[0], mine[-1]
            slope = (b["pass1"] - a["pass1"]) * 1024 / (b["documents"] - a["documents"])
            peak = (b["peak"] - a["peak"]) * 1024 / (b["documents"] - a["documents"])
            print(f"{name}: {slope:.1f} KiB per further document after pass 1, {peak:.1f} KiB of peak")


if __name__ == "__main__":
    main()
