"""Serving memory at scale: the index shared on disk against the index in each worker's memory.

For each corpus size (synthetic, `policykg synth`: cities × 3 documents) the
dataset is built once (`policykg build`, which makes the start-up cache), then
served four ways in the same run: the index file read through the page cache
(the default) and read whole into memory (`POLICYKG_INDEX_IN_MEMORY=1`, the
baseline: what every worker held before), each with one worker and with four.

Memory is read from /proc: RSS per process, and PSS (proportional set size:
a page shared by k processes counts 1/k in each), whose sum over the server's
processes is what they cost the machine together. The page cache pages of the
index file show in RSS of every process that touched them, so RSS summed over
four workers counts the one file four times; PSS does not.

Latency and throughput (one connection for p50, four for req/s) of the floor
`{ __typename }`, the one-department lookup and `sharedMeasures`, as
bench/run.py measures them, are quoted for one worker; the same load runs on
the four workers before their memory is read. Then each analysis a dashboard
asks (``analyses``: workload ranking, responsibility matrix and leaders, the
reverse view, diffusion, the count and policy-tool matrices, targets,
centrality, search) is asked once, and memory is read again: what a worker
holds once it has answered them all.

    python bench/bench_serving.py --sizes 30,300        # writes bench/results-serving.md
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import run as serving  # noqa: E402 - bench/run.py: its server, load generator and queries

RESULTS = HERE / "results-serving.md"
MODES = {"disk": "0", "memory": "1"}  # POLICYKG_INDEX_IN_MEMORY


def pss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def memory(server: "serving.Server") -> dict:
    pids = server.pids()
    rss = {p: serving.proc_mem_mib(p)[0] for p in pids}
    workers = [p for p in pids if p != server.process.pid] or pids
    return {"rss_sum": sum(rss.values()), "pss_sum": sum(pss_mib(p) for p in pids),
            "rss_worker": max(rss[p] for p in workers), "processes": len(pids)}


def build(raw: Path, trig: Path) -> dict:
    trig.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    done = subprocess.run([*serving.policykg(), "build", "--raw", str(raw), "-o", str(trig)],
                          cwd=serving.ROOT, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise SystemExit(f"build of {raw} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return {"seconds": time.perf_counter() - started, "bytes": trig.stat().st_size}


def analyses(city: str) -> dict[str, str]:
    """One query per analysis a dashboard asks (the structures made with the index file, read after)."""
    return {
        "centralOrganizations": f'{{ centralOrganizations(city: "{city}") {{ workload {{ lead }} }} }}',
        "workloadRanking": '{ workloadRanking(kind: GOVERNMENT_DEPARTMENT, first: 20) { organization { name } } }',
        "workloadRankingCity": f'{{ workloadRanking(city: "{city}", first: 20) {{ lead }} }}',
        "responsibilityMatrix": f'{{ responsibilityMatrix(city: "{city}") {{ total }} }}',
        "responsibilityMatrixAll": '{ responsibilityMatrix(includeInherited: true) { total } }',
        "responsibilityLeaders": '{ responsibilityLeaders(measureType: "揭榜挂帅") { sameEverywhere } }',
        "departmentProfile": '{ departmentProfile(departmentType: "财政局") { organizations { name } } }',
        "diffusions": '{ diffusions(minCities: 2) { measureType { id } cityCount } }',
        "diffusion": '{ diffusion(measureType: "揭榜挂帅") { adoptions { measureCount } } }',
        "cityMeasureTypeMatrix": '{ cityMeasureTypeMatrix { cells } }',
        "cityIndustryMatrix": '{ cityIndustryMatrix { cells } }',
        "policyToolMatrix": '{ policyToolMatrix { cells } }',
        "policyToolFamilies": '{ policyToolMatrix(by: MEASURE_TYPE_FAMILY) { cells } }',
        "targetComparison": '{ targetComparison { __typename } }',
        "search": '{ search(text: "科技特派员") { totalCount } }',
        "citationNetwork": f'{{ citationNetwork(city: "{city}") {{ __typename }} }}',
        "citedPolicies": '{ citedPolicies(search: "科技") { __typename } }',
    }


def serve(trig: Path | str, mode: str, workers: int, log: Path, queries: dict[str, str] | None,
          duration: float, asked: dict[str, str] | None = None) -> dict:
    source = ["--store", trig] if isinstance(trig, str) else ["--data", str(trig)]
    args = source + (["--workers", str(workers)] if workers > 1 else [])
    server = serving.Server(args, log, env={"POLICYKG_INDEX_IN_MEMORY": MODES[mode]})
    try:
        out: dict = {"ready_s": server.ready_s, "ready": memory(server)}
        if queries:
            for name, q in queries.items():
                answer = serving.http_post_json(server.url + "/graphql", {"query": q})
                if answer.get("errors"):
                    raise SystemExit(f"{name} failed: {answer['errors']}")
                out.setdefault("answers", {})[name] = answer
            for name, q in queries.items():
                out[name] = serving.measure(server.port, serving.graphql_request(server.port, q), duration,
                                            server.pids())
                print(f"   {mode} ×{workers} {name}: {out[name]}", file=sys.stderr, flush=True)
        out["after"] = memory(server)
        if asked:
            out["analysis_s"] = {}
            for name, q in asked.items():
                started = time.perf_counter()
                answer = serving.http_post_json(server.url + "/graphql", {"query": q})
                if answer.get("errors"):
                    raise SystemExit(f"{name} failed: {answer['errors']}")
                out["analysis_s"][name] = round(time.perf_counter() - started, 3)
            out["analyses"] = memory(server)
        return out
    finally:
        server.stop()


class Engine:
    """``oxigraph serve`` on a loopback port, loaded with one dataset (as `policykg build --store URL` does)."""

    def __init__(self, work: Path, trig: Path) -> None:
        import shutil

        from service.store.remote import RemoteStore

        location = work / f"oxigraph-{trig.parent.name}"
        shutil.rmtree(location, ignore_errors=True)
        self.port = serving.free_port()
        self.url = f"http://127.0.0.1:{self.port}/query"
        self.process = subprocess.Popen([shutil.which("oxigraph") or "oxigraph", "serve", "--location", str(location),
                                         "--bind", f"127.0.0.1:{self.port}"],
                                        stdout=(work / "oxigraph.log").open("wb"), stderr=subprocess.STDOUT,
                                        start_new_session=True)
        deadline = time.perf_counter() + 30
        while serving.http_get(self.url + "?query=ASK%7B%7D", timeout=1)[0] != 200:
            if time.perf_counter() > deadline or self.process.poll() is not None:
                raise RuntimeError("oxigraph serve did not start")
            time.sleep(0.1)
        started = time.perf_counter()
        RemoteStore(self.url).load_file(trig)
        self.load_s = time.perf_counter() - started

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="30,300", help="cities (× 3 documents)")
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--duration", type=float, default=4.0, help="seconds of load per query")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "policykg-bench-serving")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--remote", action="store_true", help="also serve --store from a real `oxigraph serve`")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    os.environ["POLICYKG_CACHE_DIR"] = str(args.work / "cache")
    sizes = [int(x) for x in args.sizes.split(",")]
    rows: dict[int, dict] = {}
    for n in sizes:
        raw, _truth_path, truth = serving.prepare(args.work, n, args.seed)
        trig = args.work / f"build-{n}" / "policykg.trig"
        print(f"== {n} cities: build", file=sys.stderr, flush=True)
        row: dict = {"build": build(raw, trig)}
        short, _full, city, _code = serving.pick_department(truth)
        every = serving.gql_queries(short, _full, city)
        queries = {k: every[k] for k in ("floor", "lookup", "sharedMeasures")}
        asked = analyses(city)
        for mode in MODES:
            row[mode] = {1: serve(trig, mode, 1, args.work / f"serve-{n}-{mode}-1.log", queries, args.duration,
                                  asked),
                         args.workers: serve(trig, mode, args.workers,
                                             args.work / f"serve-{n}-{mode}-{args.workers}.log", queries,
                                             args.duration)}
        if args.remote:
            print(f"== {n} cities: oxigraph serve + serve --store", file=sys.stderr, flush=True)
            engine = Engine(args.work, trig)
            try:
                row["remote"] = {1: serve(engine.url, "disk", 1, args.work / f"serve-{n}-remote.log", queries,
                                          args.duration), "load_s": engine.load_s}
            finally:
                engine.stop()
        same = row["disk"][1]["answers"] == row["memory"][1]["answers"]
        if "remote" in row:
            same = same and row["remote"][1]["answers"] == row["disk"][1]["answers"]
        row["same_answers"] = same
        rows[n] = row
    report = render(rows, sizes, args)
    print(report)
    args.out.write_text(report, "utf-8")
    (args.work / "results.json").write_text(json.dumps({str(k): v for k, v in rows.items()}, default=str), "utf-8")


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "–"


def _analyses(run: dict) -> str:
    if "analyses" not in run:
        return "–"
    name, s = max(run["analysis_s"].items(), key=lambda kv: kv[1])
    return f"{run['analyses']['rss_sum']:.0f} ({name} {s:.2f})"


def render(rows: dict[int, dict], sizes: list[int], args) -> str:
    w = args.workers
    out = ["# Serving memory at scale: the index shared on disk (bench/bench_serving.py)", "",
           f"One run, {time.strftime('%Y-%m-%d')}, this machine (2 shared cores); `{' '.join(sys.argv)}`. "
           "`disk`: the index file read through the page cache (default); `memory`: "
           "`POLICYKG_INDEX_IN_MEMORY=1`, the index read whole into each worker (the baseline, as before). "
           "RSS and PSS in MiB from /proc, at ready and after the load; PSS summed over the server's processes "
           "is what they cost the machine together.", "",
           f"| cities | index | ready s | 1 worker RSS ready / after | {w} workers: RSS of one worker | "
           f"{w} workers: PSS sum | {w} workers PSS ÷ 1 worker PSS | floor req/s | lookup req/s (÷ floor) | "
           "lookup p50 | sharedMeasures p50 | 1 worker RSS after the analyses (slowest s) | same answers |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for n in sizes:
        row = rows[n]
        for mode in MODES:
            one, many = row[mode][1], row[mode][w]
            out.append(
                f"| {n} × 3 | {mode} | {one['ready_s']:.1f} | {one['ready']['rss_sum']:.0f} / "
                f"{one['after']['rss_sum']:.0f} | {many['after']['rss_worker']:.0f} | {many['after']['pss_sum']:.0f} | "
                f"{_ratio(many['after']['pss_sum'], one['after']['pss_sum'])} | {one['floor']['rps']:.0f} | "
                f"{one['lookup']['rps']:.0f} ({_ratio(one['lookup']['rps'], one['floor']['rps'])}) | "
                f"{one['lookup']['p50_ms']:.2f} ms | {one['sharedMeasures']['p50_ms']:.2f} ms | "
                f"{_analyses(one)} | {'yes' if row['same_answers'] else 'NO'} |")
    if any("remote" in rows[n] for n in sizes):
        out += ["", "`serve --store URL` (one worker) over a real `oxigraph serve` holding the dataset: the "
                "index read from the engine goes to a file of the worker's own, read as the start-up cache's is.", "",
                "| cities | engine load s | ready s | RSS ready / after | lookup p50 (÷ embedded disk) | "
                "sharedMeasures p50 (÷ embedded disk) |", "|---|---|---|---|---|---|"]
        for n in sizes:
            if "remote" not in rows[n]:
                continue
            r, e = rows[n]["remote"][1], rows[n]["disk"][1]
            out.append(f"| {n} × 3 | {rows[n]['remote']['load_s']:.1f} | {r['ready_s']:.1f} | "
                       f"{r['ready']['rss_sum']:.0f} / {r['after']['rss_sum']:.0f} | "
                       f"{r['lookup']['p50_ms']:.2f} ms ({_ratio(r['lookup']['p50_ms'], e['lookup']['p50_ms'])}) | "
                       f"{r['sharedMeasures']['p50_ms']:.2f} ms "
                       f"({_ratio(r['sharedMeasures']['p50_ms'], e['sharedMeasures']['p50_ms'])}) |")
    if len(sizes) >= 2:
        lo, hi = rows[sizes[0]], rows[sizes[-1]]
        out += ["", f"| ratio {sizes[-1]} ÷ {sizes[0]} cities | disk | memory | goal (issue 18) |", "|---|---|---|---|"]
        for label, pick, goal in (
                ("RSS of one worker, after the load", lambda r: r[1]["after"]["rss_sum"], "≤ 1.5"),
                ("RSS of one worker, at ready", lambda r: r[1]["ready"]["rss_sum"], "≤ 1.5"),
                ("RSS of one worker, after the analyses", lambda r: r[1].get("analyses", {}).get("rss_sum", 0),
                 "≤ 1.5"),
                (f"PSS of {w} workers together", lambda r: r[w]["after"]["pss_sum"], ""),
                ("sharedMeasures p50", lambda r: r[1]["sharedMeasures"]["p50_ms"], "≤ 5 ms at 300"),
        ):
            out.append(f"| {label} | {_ratio(pick(hi['disk']), pick(lo['disk']))} | "
                       f"{_ratio(pick(hi['memory']), pick(lo['memory']))} | {goal} |")
        if "remote" in lo and "remote" in hi:
            pick = lambda r: r[1]["after"]["rss_sum"]  # noqa: E731
            out.append(f"| `--store` worker RSS after the load | {_ratio(pick(hi['remote']), pick(lo['remote']))} "
                       "| | ≤ 1.2 |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
