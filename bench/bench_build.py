"""Build speed of the bundled corpus, as ratios against a floor measured in the same run.

The floor reads, decodes, normalizes and line-splits the same documents: the
work no extractor can avoid. Run:  python bench/bench_build.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from pathlib import Path

from graph.build import build_corpus, serialize_trig
from graph.gazetteer import default_gazetteer
from graph.lines import split_lines
from graph.manifest import load_manifest
from graph.normalize import normalize
from graph.paths import RAW_DIR
from graph.schemes import load_schemes
from graph.textio import read_document


def floor(raw: Path) -> None:
    for entry in load_manifest(raw).entries:
        src = read_document(raw / entry.file)
        split_lines(normalize(src.text))


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", type=Path, default=RAW_DIR)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    t = time.perf_counter()
    load_schemes()
    default_gazetteer()
    startup = time.perf_counter() - t
    docs = len(load_manifest(args.raw).entries)
    base = statistics.median(timed(lambda: floor(args.raw), args.repeat))
    build = statistics.median(timed(lambda: build_corpus(args.raw), args.repeat))
    result = build_corpus(args.raw)
    trig = statistics.median(timed(lambda: serialize_trig(result), args.repeat))
    tracemalloc.start()
    build_corpus(args.raw)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print("| measure | value | ratio to floor |")
    print("|---|---|---|")
    print(f"| documents | {docs} | |")
    print(f"| triples | {result.triple_count} | |")
    print(f"| floor: read+decode+normalize (median) | {base * 1000:.1f} ms | 1.0 |")
    print(f"| build: extract + RDF (median) | {build * 1000:.1f} ms | {build / base:.0f}x |")
    print(f"| serialize TriG (median) | {trig * 1000:.1f} ms | {trig / base:.0f}x |")
    print(f"| documents per second (build) | {docs / build:.1f} | |")
    print(f"| one-time start-up (schemes, gazetteer) | {startup * 1000:.0f} ms | |")
    print(f"| peak traced memory of a build | {peak / 2**20:.1f} MiB | |")


if __name__ == "__main__":
    main()
