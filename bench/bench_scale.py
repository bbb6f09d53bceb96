"""National scale (issue 18): build memory against corpus size, and one document added to a large corpus.

    python bench/bench_scale.py                          # 30 and 300 cities × 3, then 3,000 documents
    python bench/bench_scale.py --sizes 30,300 --large 0 # the memory ratio only
    python bench/bench_scale.py --sizes "" --national    # 30,225 documents, one cold build with --jobs
                                                         # (outside CI: about 1 h here), then rebuild and add one
    python bench/bench_scale.py --sizes "" --verify --before-root /work/main --out X.md
                                                         # 3,000 documents only, against the previous code

Every figure is one child process measured from outside (wall seconds, and
its own peak RSS from wait4), each command as a user runs it:

* ``before``: the in-memory build (graph.build.build_corpus + serialize_trig,
  what ``policykg build`` did until the streaming build), up to
  ``--baseline-max`` documents;
* ``cold``: ``policykg build`` (the pipeline's, no start-up cache) with an
  empty build cache (the large corpus: ``--jobs 1``, then again from empty
  with ``--jobs N``); ``warm``: again, nothing changed;
* ``add one``: one document (a synthetic plan of a city not in the corpus)
  added to the manifest, then ``policykg build``; ``--verify`` also builds the
  same folder from scratch (``--no-cache``) and compares the bytes.

Ratios are taken within one run: 300 ÷ 30 cities, after ÷ before. The
machine is shared (2 cores): wall seconds are a ceiling, memory is exact.
Results go to bench/results-scale.md.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results-scale.md"
BEFORE = ("import sys; from pathlib import Path; from graph.build import build_corpus, serialize_trig; "
          "Path(sys.argv[2]).write_text(serialize_trig(build_corpus(Path(sys.argv[1]))), 'utf-8')")


def run(args: list[str], timeout: float, root: Path = ROOT) -> tuple[float, float, str]:
    """(wall s, peak RSS MiB, stderr) of one child, running the code of the checkout ``root``."""
    env = dict(os.environ, PYTHONPATH=str(root) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    started = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=root)
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                raise SystemExit(f"timed out after {timeout:.0f} s: {' '.join(args)}")
            time.sleep(0.05)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    if proc.returncode not in (0, 1):  # 1: some document refused, still a build
        raise SystemExit(f"{' '.join(args)} exited {proc.returncode}:\n{text[-2000:]}")
    return wall, usage.ru_maxrss / 1024, text


# `policykg build` with N extracting processes: what its --jobs option will call (graph.cli.write_dataset)
BUILD_JOBS = ("import sys; from pathlib import Path; from graph.cli import write_dataset; "
              "write_dataset(Path(sys.argv[1]), Path(sys.argv[2]), False, True, int(sys.argv[3]))")


def build_jobs(raw: Path, out: Path, jobs: int, timeout: float) -> tuple[float, float, str]:
    return run([sys.executable, "-c", BUILD_JOBS, str(raw), str(out), str(jobs)], timeout)


def build(raw: Path, out: Path, *flags: str, timeout: float, root: Path = ROOT) -> tuple[float, float, str]:
    return run([sys.executable, "-m", "graph.cli", "build", "--raw", str(raw), "--out", str(out), *flags], timeout,
               root)


def synth(work: Path, cities: int, docs: int, counties: int, seed: int) -> Path:
    folder = work / f"synth-{cities}x{docs}-c{counties}-s{seed}"
    if not (folder / "raw" / "sources.toml").exists():
        run([sys.executable, "-m", "graph.cli", "synth", "--cities", str(cities), "--docs-per-city", str(docs),
             "--counties", str(counties), "--seed", str(seed), "-o", str(folder)], 1800)
    return folder / "raw"


def documents(raw: Path) -> int:
    return (raw / "sources.toml").read_text("utf-8").count("[[document]]")


def add_one(raw: Path, work: Path) -> str:
    """A plan of a city the corpus lacks, from a one-city synthetic corpus, added to ``raw``."""
    import tomllib

    listed = {d["city"] for d in tomllib.loads((raw / "sources.toml").read_text("utf-8"))["document"]}
    for seed in range(1000, 1100):
        donor = synth(work, 1, 1, 0, seed)
        entry = tomllib.loads((donor / "sources.toml").read_text("utf-8"))["document"][0]
        if entry["city"] not in listed:
            break
    name = f"added-{entry['file']}"
    shutil.copyfile(donor / entry["file"], raw / name)
    with (raw / "sources.toml").open("a", encoding="utf-8") as f:
        f.write(f'\n[[document]]\nfile = "{name}"\ncity = "{entry["city"]}"\n')
    return name


def memory_rows(work: Path, sizes: list[int], baseline_max: int, timeout: float) -> list[dict]:
    rows = []
    for cities in sizes:
        raw = synth(work, cities, 3, 0, 0)
        n = documents(raw)
        out = raw.parent / "out"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        row = {"label": f"{cities} cities × 3", "docs": n}
        if n <= baseline_max:
            row["before"] = run([sys.executable, "-c", BEFORE, str(raw), str(out / "before.trig")], timeout)[:2]
        row["cold"] = build(raw, out / "policykg.trig", timeout=timeout)[:2]
        row["warm"] = build(raw, out / "policykg.trig", timeout=timeout)[:2]
        if "before" in row:
            row["same"] = filecmp.cmp(out / "before.trig", out / "policykg.trig", shallow=False)
        rows.append(row)
        print(row, flush=True)
    return rows


def large_row(work: Path, cities: int, docs: int, counties: int, verify: bool, baseline_max: int,
              timeout: float, jobs: int, before_root: Path | None, single: bool = True) -> dict:
    """The large corpus: cold builds with one (unless not ``single``) and ``jobs`` extracting
    processes, a warm rebuild, one document added; with ``before_root``, the cold build and the
    added document with that checkout's code too (the same corpus, the same machine, the same run)."""
    base = synth(work, cities, docs, counties, 0)
    raw = work / f"large-{cities}x{docs}-c{counties}" / "raw"  # a copy: the added document changes it
    shutil.rmtree(raw.parent, ignore_errors=True)
    shutil.copytree(base, raw)
    out = raw.parent / "out"
    out.mkdir()
    n = documents(raw)
    row = {"label": f"{n:,} documents", "docs": n, "jobs": jobs}
    if n <= baseline_max:
        row["before"] = run([sys.executable, "-c", BEFORE, str(raw), str(out / "before.trig")], timeout)[:2]
    if before_root is not None:  # the previous code: cold, then one added, in its own folder
        old = raw.parent / "before-code"
        shutil.copytree(raw, old / "raw")
        row["old_cold"] = build(old / "raw", old / "out" / "policykg.trig", timeout=timeout, root=before_root)[:2]
        add_one(old / "raw", work)
        row["old_add"] = build(old / "raw", old / "out" / "policykg.trig", timeout=timeout, root=before_root)[:2]
        shutil.rmtree(old)
        print(row, flush=True)
    if single:
        row["cold_1"] = build_jobs(raw, out / "policykg.trig", 1, timeout)[:2]
        print(row, flush=True)
        shutil.rmtree(out)
        out.mkdir()
    row["cold"] = build_jobs(raw, out / "policykg.trig", jobs, timeout)[:2]
    print(row, flush=True)
    row["warm"] = build(raw, out / "policykg.trig", timeout=timeout)[:2]
    add_one(raw, work)
    wall, peak, text = build(raw, out / "policykg.trig", timeout=timeout)
    row["add"] = (wall, peak)
    row["add_log"] = " ".join(line.strip() for line in text.splitlines() if "built" in line or "extracted" in line)
    if verify:
        fresh = raw.parent / "fresh"
        fresh.mkdir()
        build(raw, fresh / "policykg.trig", "--no-cache", timeout=timeout)
        row["same"] = filecmp.cmp(fresh / "policykg.trig", out / "policykg.trig", shallow=False)
        shutil.rmtree(fresh)
    row["trig_mib"] = (out / "policykg.trig").stat().st_size / 2**20
    print(row, flush=True)
    return row


def render(rows: list[dict], notes: list[str]) -> str:
    L = ["# National scale: build memory and incremental builds (bench/bench_scale.py)", "",
         f"One run, {time.strftime('%Y-%m-%d')}, this machine (2 shared cores). Peak: the child's own RSS "
         "(wait4). Seconds are wall: a ceiling on a shared machine.", "",
         "| corpus | documents | before: in-memory build | after: streaming, empty cache | after ÷ before (peak) "
         "| rebuild, nothing changed | one document added | byte-identical |",
         "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        before = f"{r['before'][0]:.0f} s, {r['before'][1]:.0f} MiB" if "before" in r else "not run"
        ratio = f"{r['cold'][1] / r['before'][1]:.2f}" if "before" in r else ""
        add = f"{r['add'][0]:.1f} s, {r['add'][1]:.0f} MiB" if "add" in r else ""
        same = {True: "yes", False: "**no**"}.get(r.get("same"), "not checked")
        L.append(f"| {r['label']} | {r['docs']:,} | {before} | {r['cold'][0]:.0f} s, {r['cold'][1]:.0f} MiB | "
                 f"{ratio} | {r['warm'][0]:.1f} s | {add} | {same} |")
    by = {r["label"]: r for r in rows}
    small, big = by.get("30 cities × 3"), by.get("300 cities × 3")
    if small and big:
        L += ["", "| ratio 300 ÷ 30 cities | before | after | goal |", "|---|---|---|---|"]
        if "before" in small and "before" in big:
            L.append(f"| build peak RSS | {big['before'][1] / small['before'][1]:.2f} | "
                     f"{big['cold'][1] / small['cold'][1]:.2f} | ≤ 1.5 |")
        else:
            L.append(f"| build peak RSS | | {big['cold'][1] / small['cold'][1]:.2f} | ≤ 1.5 |")
    for r in rows:
        if "cold_1" in r:
            n = r["docs"]
            L += ["", f"{r['label']}, empty cache: documents/s by extracting processes "
                      "(the pipeline's `build`, wall seconds and peak RSS of the parent)", "",
                  "| | wall | documents/s | peak RSS | ratio to 1 process |", "|---|---|---|---|---|"]
            if "old_cold" in r:
                L.append(f"| before (previous code, 1 process) | {r['old_cold'][0]:.0f} s | {n / r['old_cold'][0]:.1f} | "
                         f"{r['old_cold'][1]:.0f} MiB | {r['cold_1'][0] / r['old_cold'][0]:.2f} × the time |")
            L.append(f"| `--jobs 1` | {r['cold_1'][0]:.0f} s | {n / r['cold_1'][0]:.1f} | {r['cold_1'][1]:.0f} MiB | 1 |")
            L.append(f"| `--jobs {r['jobs']}` | {r['cold'][0]:.0f} s | {n / r['cold'][0]:.1f} | {r['cold'][1]:.0f} MiB | "
                     f"{r['cold_1'][0] / r['cold'][0]:.2f} × the documents/s |")
        if "old_add" in r:
            L += ["", f"| {r['label']}: one document added | before (previous code) | after | after ÷ before |",
                  "|---|---|---|---|",
                  f"| wall | {r['old_add'][0]:.1f} s | {r['add'][0]:.1f} s | {r['add'][0] / r['old_add'][0]:.2f} |",
                  f"| peak RSS | {r['old_add'][1]:.0f} MiB | {r['add'][1]:.0f} MiB | {r['add'][1] / r['old_add'][1]:.2f} |"]
        if "add_log" in r:
            L += ["", f"{r['label']}, one added: `{r['add_log']}`; TriG {r['trig_mib']:.0f} MiB"]
    L += [""] + [f"- {n}" for n in notes]
    return "\n".join(L) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="30,300", help="cities (× 3 documents) for the memory ratio")
    ap.add_argument("--large", type=int, default=300, help="cities of the large corpus (× --large-docs); 0: none")
    ap.add_argument("--large-docs", type=int, default=10)
    ap.add_argument("--counties", type=int, default=0, help="counties per city in the large corpus")
    ap.add_argument("--national", action="store_true", help="the large corpus is 300 cities and 9 counties each "
                                                               "(2,325 jurisdictions) × 13: 30,225 documents; its "
                                                               "cold build only with --jobs")
    ap.add_argument("--verify", action="store_true", help="also build the large corpus from scratch and compare")
    ap.add_argument("--baseline-max", type=int, default=900, help="the in-memory build only up to this many documents")
    ap.add_argument("--timeout", type=float, default=3600)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="extracting processes of the large "
                                                                         "corpus's second cold build")
    ap.add_argument("--before-root", type=Path, help="a checkout of the previous code (e.g. /work/main): its "
                                                     "cold build and one added document, in the same run")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "policykg-bench-scale")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    if args.national:
        args.large, args.large_docs, args.counties = 300, 13, 9
    args.work.mkdir(parents=True, exist_ok=True)
    rows = memory_rows(args.work, [int(x) for x in args.sizes.split(",") if x], args.baseline_max, args.timeout)
    if args.large:
        rows.append(large_row(args.work, args.large, args.large_docs, args.counties, args.verify,
                              args.baseline_max, args.timeout, args.jobs, args.before_root,
                              single=not args.national))
    text = render(rows, [f"command: {' '.join(sys.argv)}"])
    args.out.write_text(text, "utf-8")
    print(text)


if __name__ == "__main__":
    main()
