"""Documents per second per format, against .txt in the same run.

The 承德 plan and the 许昌 annex are converted (tests/graph/formats/make.py: a portal
page, a python-docx Word file, a PDF printed by headless Chromium, and a .doc
saved by LibreOffice when it is installed) and each format is measured two
ways: decoding alone (bytes → extracted text with its grids) and the whole
build of the two documents (decode + extract + RDF). Ratios are to the .txt
seeds measured in the same run. Run:

    python bench/bench_formats.py [--repeat N] [--out bench/results-formats.md]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "graph"))  # tests/graph/formats/make.py

from formats.make import chromium, portal_page, printed_pdf, word_file  # noqa: E402
from formats.seeds import ANNEX, CHENGDE  # noqa: E402

from graph.build import build_corpus  # noqa: E402
from graph.formats import decode_document, legacy  # noqa: E402
from graph.paths import RAW_DIR  # noqa: E402

SEEDS = (CHENGDE, ANNEX)
CITY = {CHENGDE: "承德", ANNEX: "许昌"}


def make(fmt: str, seed: str, folder: Path) -> Path:
    out = folder / seed.replace(".txt", f".{fmt}")
    if fmt == "txt":
        shutil.copy(RAW_DIR / seed, out)
    elif fmt == "html":
        out.write_bytes(portal_page(seed).encode("utf-8"))
    elif fmt == "docx":
        word_file(seed, out)
    elif fmt == "pdf":
        printed_pdf(seed, out)
    elif fmt == "doc":
        import subprocess

        docx = word_file(seed, folder / f"{seed}.src.docx")
        subprocess.run([legacy.soffice(), f"-env:UserInstallation={(folder / 'lo').as_uri()}", "--headless",
                        "--convert-to", "doc", "--outdir", str(folder), str(docx)], check=True, capture_output=True)
        docx.with_suffix(".doc").rename(out)
    return out


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results-formats.md")
    args = ap.parse_args()
    formats = ["txt", "html", "docx"]
    if chromium():
        formats.append("pdf")
    if legacy.soffice():
        formats.append("doc")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in formats:
            folder = Path(tmp) / fmt
            raw = folder / "raw"
            raw.mkdir(parents=True)
            files = [make(fmt, seed, raw) for seed in SEEDS]
            (raw / "sources.toml").write_text("".join(
                f'[[document]]\nfile = "{f.name}"\ncity = "{CITY[seed]}"\n' for f, seed in zip(files, SEEDS)), "utf-8")
            data = [(f.name, f.read_bytes()) for f in files]
            build_corpus(raw)  # warm: schemes, gazetteer, imports
            decode = timed(lambda: [decode_document(n, d) for n, d in data], args.repeat)
            build = timed(lambda: build_corpus(raw), args.repeat)
            size = sum(len(d) for _, d in data)
            rows.append((fmt, size, decode, build))
    base_decode, base_build = rows[0][2], rows[0][3]
    lines = [
        "# Formats: documents per second, against .txt in the same run",
        "",
        "The 承德 plan and the 许昌 annex (2 documents) in each format, made by tests/graph/formats/make.py; "
        f"median of {args.repeat} runs on this machine (`python bench/bench_formats.py`). "
        "`decode` is bytes → extracted text with grids; `build` adds extraction and RDF "
        "(`build_corpus` on a folder of the two).",
        "",
        "| format | bytes | decode (ms) | docs/s decoded | × .txt | build (ms) | docs/s built | × .txt |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for fmt, size, decode, build in rows:
        lines.append(f"| {fmt} | {size:,} | {decode * 1000:.1f} | {2 / decode:.1f} | {decode / base_decode:.1f} | "
                     f"{build * 1000:.1f} | {2 / build:.1f} | {build / base_build:.2f} |")
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.write_text(text, "utf-8")


if __name__ == "__main__":
    main()
