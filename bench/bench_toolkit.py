"""The researchers' toolkit (issue 19): policy-tool precision/recall and text-reuse timings.

1. Policy tools: precision and recall of the coding (graph/policy_tools.py)
   against the measures coded by hand in tests/fixtures/annotations/policy-tools.json,
   overall and per tool.
2. Text reuse at 30 and 300 cities of a ``policykg synth`` corpus (3 documents
   per city, seed 1): the build (extraction + RDF) with the reuse pass against
   the same build without it, in the same run, and the pass's own stages.
   Synthetic documents are written from the same templates, so they are full
   of near-copies: the worst case for the pass's output, which the per-measure
   cap (graph.reuse.KEEP) keeps linear.
3. For the record, datasketch (if installed) on the same shingle sets:
   ``MinHash.bulk`` and ``MinHashLSH`` insert + query, against our numpy
   signatures and sorted bands: why graph/reuse.py does not use it.

    python bench/bench_toolkit.py [--cities 30,300] [--out bench/results-toolkit.md]
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph import reuse  # noqa: E402
from graph.build import build_corpus, extract_corpus  # noqa: E402
from graph.paths import RAW_DIR  # noqa: E402
from graph.policy_tools import score_codings  # noqa: E402

ANNOTATIONS = ROOT / "tests" / "fixtures" / "annotations" / "policy-tools.json"


def _timed(fn, *args, **kw):
    gc.collect()
    t = time.perf_counter()
    out = fn(*args, **kw)
    return out, time.perf_counter() - t


def policy_tools_section() -> list[str]:
    corpus = extract_corpus(RAW_DIR)
    entries = json.loads(ANNOTATIONS.read_text("utf-8"))["measures"]
    s = score_codings(corpus.facts, entries)
    lines = [
        "## Policy tools: coding against the hand-coded seed measures",
        "",
        f"{s.measures} measures of the 4 seed cities, {s.true_pos + s.false_neg} (measure, tool) pairs coded by hand.",
        f"Precision **{s.precision:.3f}**, recall **{s.recall:.3f}** "
        f"(true {s.true_pos}, spurious {s.false_pos}, missed {s.false_neg}).",
        "The patterns were written and tuned on this same set (there is no held-out set yet): read these",
        "figures as an upper bound for unseen documents.",
        "",
        "| tool | true | spurious | missed | precision | recall |",
        "|---|---|---|---|---|---|",
    ]
    for tool, (tp, fp, fn) in sorted(s.per_tool.items(), key=lambda kv: -sum(kv[1])):
        p = f"{tp / (tp + fp):.2f}" if tp + fp else "–"
        r = f"{tp / (tp + fn):.2f}" if tp + fn else "–"
        lines.append(f"| {tool} | {tp} | {fp} | {fn} | {p} | {r} |")
    return lines + [""]


def _synth(n: int, folder: Path) -> Path:
    out = folder / f"synth-{n}"
    subprocess.run([sys.executable, "-m", "graph.cli", "synth", "--cities", str(n), "--docs-per-city", "3",
                    "--seed", "1", "-o", str(out)], check=True, capture_output=True, cwd=ROOT)
    return out / "raw"


def _datasketch(sets: list[set[int]]) -> tuple[float, float] | None:
    try:
        from datasketch import MinHash, MinHashLSH
    except ImportError:
        return None
    data = [[x.to_bytes(4, "little") for x in s] for s in sets]
    n = reuse.BANDS * reuse.ROWS
    mhs, t_sig = _timed(MinHash.bulk, data, num_perm=n)

    def lsh():
        index = MinHashLSH(num_perm=n, params=(reuse.BANDS, reuse.ROWS))
        with index.insertion_session() as session:
            for i, m in enumerate(mhs):
                session.insert(i, m)
        return sum(len(index.query(m)) for m in mhs)

    _, t_lsh = _timed(lsh)
    return t_sig, t_lsh


def reuse_section(cities: list[int]) -> list[str]:
    lines = [
        "## Text reuse: build time with and without the reuse pass",
        "",
        "`policykg synth --cities N --docs-per-city 3 --seed 1`; each build once, in this run, on this machine",
        "(2 cores shared with other work: read ratios, not seconds).",
        "",
        "| N cities | measures | build without reuse | build with reuse | ratio | reuse pass alone | pairs stored "
        "| pairs ≥ 0.8 | candidates | exact Jaccards |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    stage_lines = ["", "Stages of the pass (our numpy MinHash + sorted bands) and datasketch on the same sets:", "",
                   "| N cities | unique texts | our signatures | our bands + candidates | datasketch MinHash.bulk "
                   "| datasketch LSH insert + query |", "|---|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        for n in cities:
            raw = _synth(n, Path(tmp))
            base, t_base = _timed(build_corpus, raw, reuse=False)
            full, t_full = _timed(build_corpus, raw)
            del base
            facts = full.facts
            names = {code: (c.name, c.short, c.province) for code, c in full.cities.items()}
            del full
            pairs, t_pass = _timed(reuse.find_reuse, facts, names)
            measures = sum(len(f.measures) for f in facts)
            # the stages, measured on the same input
            items = [(t, x) for t, x in reuse.measure_texts(facts, names)
                     if len(x) - reuse.SHINGLE + 1 >= reuse.MIN_SHINGLES]
            texts = sorted({x for _, x in items})
            sets = [reuse.shingles(x) for x in texts]
            sig, t_sig = _timed(reuse.signatures, sets)
            import numpy as np

            (us, vs), t_cand = _timed(reuse._candidates, sig, np.arange(len(texts), dtype=np.int64))
            est = (sig[us] == sig[vs]).mean(axis=1) if len(us) else np.zeros(0)
            exact = int((est >= reuse.MIN_SCORE - reuse.ESTIMATE_MARGIN).sum())
            ds = _datasketch(sets)
            hi = sum(1 for p in pairs if p.score >= 0.8)
            lines.append(f"| {n} | {measures} | {t_base:.1f} s | {t_full:.1f} s | {t_full / t_base:.2f}× | "
                         f"{t_pass:.2f} s ({t_pass / t_base:.2f}×) | {len(pairs)} | {hi} | {len(us)} | {exact} |")
            ds_cells = (f"{ds[0]:.2f} s ({ds[0] / t_sig:.1f}×) | {ds[1]:.2f} s ({ds[1] / t_cand:.1f}×)" if ds
                        else "not installed | not installed")
            stage_lines.append(f"| {n} | {len(texts)} | {t_sig:.2f} s (1×) | {t_cand:.2f} s (1×) | {ds_cells} |")
            print(lines[-1], flush=True)
    return lines + stage_lines + [""]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cities", default="30,300")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results-toolkit.md")
    args = ap.parse_args()
    cities = [int(x) for x in args.cities.split(",") if x]
    lines = ["# Researchers' toolkit (issue 19)", "", "`python bench/bench_toolkit.py`", ""]
    lines += policy_tools_section()
    lines += reuse_section(cities)
    text = "\n".join(lines) + "\n"
    args.out.write_text(text, "utf-8")
    print(text)


if __name__ == "__main__":
    main()
