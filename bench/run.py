"""The national-scale benchmark, one command, tables out:

    python bench/run.py                 # N = 4 (the seeds), 30 and 300 cities × 3 documents
    python bench/run.py --sizes 4,30    # quicker
    python bench/run.py --skip-rdflib --skip-remote --duration 2

Measured side by side in one run (issue 5):

* build: documents per second and peak memory per N, and the 300/30 ratio
  (about 10 when the build is linear); for synthetic corpora also the
  pipeline's precision and recall of the planted responsibilities;
* start-up: seconds from ``policykg serve --data <built TriG>`` to a ready
  /health, and the server's peak memory after the load tests;
* GraphQL over HTTP: p50/p99 latency (one connection) and requests per second
  (four connections) for the responsibilities of one department, the first 50
  measures of a city with their responsibilities, ``sharedMeasures`` over all
  cities and an organization's neighbourhood export (``/export`` when the
  server has it, else the same neighbourhood as a GraphQL query);
* baselines: the framework floor (``{ __typename }`` on the same server), and
  the same four questions asked as SPARQL at request time of pyoxigraph and
  of rdflib's own engine (time-boxed: a query past ``--rdflib-timeout`` is
  reported as "> N s");
* the remote engine: the largest dataset loaded into ``oxigraph serve``
  (Graph Store Protocol), ``policykg serve --store URL --workers 2`` start-up
  and throughput;
* the issue's goals at 300 cities, met or missed.

Everything runs on loopback addresses; every loop is bounded in time. The
tables are printed and written to bench/results.md. The machine is shared
(2 cores): the load generator runs on the same cores as the server, so
absolute req/s are a floor; the ratios are what to compare.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results.md"
PK = "https://w3id.org/policykg/ontology#"
CITY = "https://w3id.org/policykg/id/city/"
GOAL_BUILD_S, GOAL_READY_S, GOAL_SHARED_MS, GOAL_FLOOR_SHARE, GOAL_MEM_MIB = 60, 5, 100, 0.8, 1024
EXPORT_FORMATS = ("json", "d3", "cytoscape", "graphml")

# -- child processes ---------------------------------------------------------------------


def _peak_rss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_build(raw: str, out: str, truth: str | None) -> None:
    """Build + serialize + write, as ``policykg build`` does; JSON on stdout."""
    from graph.build import build_corpus, serialize_trig
    from graph.gazetteer import default_gazetteer
    from graph.schemes import load_schemes

    t0 = time.perf_counter()
    load_schemes()
    default_gazetteer()
    t1 = time.perf_counter()
    result = build_corpus(Path(raw))
    text = serialize_trig(result)
    Path(out).write_text(text, "utf-8")
    t2 = time.perf_counter()
    report = {"seconds": t2 - t1, "startup": t1 - t0, "docs": len(result.facts), "triples": result.triple_count,
              "errors": len(result.errors), "peak_mib": _peak_rss_mib()}
    if truth:
        from graph.synth import evaluate

        report["score"] = evaluate(result.facts, json.loads(Path(truth).read_text("utf-8")))
    del result, text
    # then what `policykg build` does next: the start-up cache `serve` starts from
    from service.lifecycle import startup_cache

    t3 = time.perf_counter()
    report["cache_status"] = startup_cache.prime(Path(out))
    report["cache_s"] = time.perf_counter() - t3
    report["peak_with_cache_mib"] = _peak_rss_mib()
    print(json.dumps(report))


def sparql_queries(dept: str, city_code: str) -> dict[str, str]:
    """The four questions as SPARQL over the union of the named graphs."""
    prefixes = (f"PREFIX pk: <{PK}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
                "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX eli: <http://data.europa.eu/eli/ontology#> "
                "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> ")
    return {
        "department": prefixes + f"""SELECT DISTINCT ?r ?role ?basis ?code ?title WHERE {{
            ?org rdfs:label "{dept}"@zh . ?r pk:organization ?org ; pk:role ?role ; pk:basis ?basis ; pk:measure ?m .
            ?m pk:code ?code . OPTIONAL {{ ?m dcterms:title ?title }} }} LIMIT 50""",
        "city-measures": prefixes + f"""SELECT ?m ?code ?title ?role ?org WHERE {{
            {{ SELECT DISTINCT ?m ?doc ?order WHERE {{ ?m a pk:Measure ; pk:city <{CITY}{city_code}> ; pk:order ?order ;
                 eli:is_part_of ?p . ?p pk:sourceDocument ?doc }} ORDER BY ?doc ?order LIMIT 50 }}
            ?m pk:code ?code . OPTIONAL {{ ?m dcterms:title ?title }}
            OPTIONAL {{ ?r pk:measure ?m ; pk:role ?role ; pk:organization ?o . ?o rdfs:label ?org }} }}""",
        "sharedMeasures": prefixes + """SELECT ?t (COUNT(DISTINCT ?city) AS ?cities) (COUNT(DISTINCT ?m) AS ?measures)
            WHERE { ?m pk:measureType ?mt ; pk:city ?city . ?mt skos:broader* ?t }
            GROUP BY ?t HAVING (COUNT(DISTINCT ?city) >= 2)""",
        "neighbourhood": prefixes + f"""SELECT DISTINCT ?m ?code ?other ?role WHERE {{
            ?org rdfs:label "{dept}"@zh . ?r pk:organization ?org ; pk:measure ?m . ?m pk:code ?code .
            ?r2 pk:measure ?m ; pk:organization ?other ; pk:role ?role }}""",
    }


def child_sparql(engine: str, trig: str, dept: str, city_code: str, names: str) -> None:
    """Load the dataset into one engine, then time each query; one JSON line per step (flushed)."""
    t = time.perf_counter()
    if engine == "pyoxigraph":
        import pyoxigraph as ox

        store = ox.Store()
        store.bulk_load(path=trig, format=ox.RdfFormat.TRIG)

        def run(q: str) -> int:
            return sum(1 for _ in store.query(q, use_default_graph_as_union=True))
    else:
        import rdflib

        ds = rdflib.Dataset(default_union=True)
        ds.parse(trig, format="trig")

        def run(q: str) -> int:
            return sum(1 for _ in ds.query(q))
    print(json.dumps({"step": "load", "seconds": time.perf_counter() - t, "peak_mib": _peak_rss_mib()}), flush=True)
    queries = sparql_queries(dept, city_code)
    for name in names.split(","):
        times, rows = [], 0
        deadline = time.perf_counter() + 3
        while not times or (times[0] < 1 and time.perf_counter() < deadline and len(times) < 50):
            t = time.perf_counter()  # a query slower than 1 s is run once
            rows = run(queries[name])
            times.append(time.perf_counter() - t)
        print(json.dumps({"step": name, "p50_ms": statistics.median(times) * 1000, "runs": len(times),
                          "rows": rows}), flush=True)


# -- helpers ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def policykg() -> list[str]:
    """The ``policykg`` command: the script on PATH when it runs this checkout's entry point
    (service/cli.py), else the same CLI through this interpreter."""
    from importlib.metadata import entry_points

    exe = shutil.which("policykg")
    installed = {e.name: e.value for e in entry_points(group="console_scripts")}.get("policykg")
    if exe and installed == "service.cli:app":
        return [exe]
    return [sys.executable, "-c", "from service.cli import app; app()"]


def http_get(url: str, timeout: float = 5) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except OSError:
        return 0, b""


def http_post_json(url: str, doc: dict, timeout: float = 60) -> dict:
    req = urllib.request.Request(url, json.dumps(doc).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read())


def proc_mem_mib(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) of a process, MiB."""
    rss = hwm = 0.0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1]) / 1024
    except OSError:
        pass
    return rss, hwm


def children(pid: int) -> list[int]:
    try:
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, timeout=5).stdout
        return [int(x) for x in out.split()]
    except (OSError, subprocess.TimeoutExpired):
        return []


class Server:
    def __init__(self, args: list[str], log: Path, timeout: float = 300, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, POLICYKG_LOG_LEVEL="warning", POLICYKG_REQUEST_LOG="0", **(env or {}))
        started = time.perf_counter()
        self.process = subprocess.Popen([*policykg(), "serve", "--host", "127.0.0.1", "--port", str(self.port), *args],
                                        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                                        start_new_session=True)
        self.log = log
        deadline = started + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"policykg serve exited: {log.read_text(errors='replace')[-2000:]}")
            status, body = http_get(self.url + "/health", timeout=2)
            if status == 200 and b'"ready"' in body:
                self.ready_s = time.perf_counter() - started
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"policykg serve not ready in {timeout}s")

    def pids(self) -> list[int]:
        return [self.process.pid, *children(self.process.pid)]

    def memory(self) -> tuple[float, float]:
        """(RSS, peak RSS) MiB summed over the server and its worker processes."""
        pids = [self.process.pid, *children(self.process.pid)]
        mems = [proc_mem_mib(p) for p in pids]
        return sum(m[0] for m in mems), sum(m[1] for m in mems)

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)  # the server and its workers: our own process group
        except ProcessLookupError:
            pass
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


# -- the load generator: raw HTTP/1.1 keep-alive over asyncio ----------------------------------


async def _one_connection(port: int, request: bytes, deadline: float, max_requests: int,
                          latencies: list[float], errors: list[str]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < deadline and len(latencies) < max_requests:
            t = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            headers = {k.strip().lower(): v.strip() for k, _, v in
                       (line.partition(b":") for line in head.split(b"\r\n")[1:] if line)}
            if b"content-length" in headers:
                await reader.readexactly(int(headers[b"content-length"]))
            else:  # chunked
                while True:
                    size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
                    await reader.readexactly(size + 2)
                    if size == 0:
                        break
            latencies.append(time.perf_counter() - t)
            if status != 200:
                errors.append(str(status))
    finally:
        writer.close()


def load(port: int, request: bytes, seconds: float, connections: int, max_requests: int = 200_000) -> dict:
    async def run() -> tuple[list[float], list[str], float]:
        latencies: list[float] = []
        errors: list[str] = []
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(*(_one_connection(port, request, deadline, max_requests, latencies, errors)
                               for _ in range(connections)))
        return latencies, errors, time.perf_counter() - started

    try:
        import uvloop

        latencies, errors, elapsed = uvloop.run(run())
    except ImportError:
        latencies, errors, elapsed = asyncio.run(run())
    latencies.sort()
    n = len(latencies)
    return {
        "n": n, "errors": len(errors), "rps": n / elapsed if elapsed else 0.0,
        "p50_ms": latencies[n // 2] * 1000 if n else float("nan"),
        "p99_ms": latencies[min(n - 1, int(n * 0.99))] * 1000 if n else float("nan"),
    }


def graphql_request(port: int, query: str) -> bytes:
    body = json.dumps({"query": query}).encode()
    return (f"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def get_request(port: int, path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()


def cpu_seconds(pids: list[int]) -> float:
    """user + system CPU seconds of processes (from /proc; 0 where unreadable)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            pass
    return total


def measure(port: int, request: bytes, seconds: float, pids: list[int] | None = None) -> dict:
    lat = load(port, request, seconds / 2, 1)
    before = cpu_seconds(pids or [])
    thr = load(port, request, seconds / 2, 4)
    cpu = cpu_seconds(pids or []) - before
    return {"p50_ms": lat["p50_ms"], "p99_ms": lat["p99_ms"], "rps": thr["rps"],
            "cpu_ms": cpu * 1000 / thr["n"] if thr["n"] and pids else float("nan"),
            "n": lat["n"] + thr["n"], "errors": lat["errors"] + thr["errors"]}


# -- the benchmark ------------------------------------------------------------------------------


def gql_queries(dept_short: str, dept_full: str, city: str) -> dict[str, str]:
    return {
        "floor": "{ __typename }",
        "lookup": f'{{ organization(name: "{dept_short}", city: "{city}") {{ name kind '
                  "responsibilities(first: 1) { totalCount } } }",
        "department": f'{{ responsibilities(organization: "{dept_short}", city: "{city}", first: 50) {{ totalCount '
                      "edges { node { role basis measure { code title } } } } }",
        "city-measures": f'{{ measures(city: "{city}", first: 50) {{ totalCount edges {{ node {{ code title '
                         "responsibilities { role basis organization { name } } } } } }",
        "sharedMeasures": "{ sharedMeasures(minCities: 2) { measureType { id label } cityCount measureCount } }",
        "neighbourhood": f'{{ organization(name: "{dept_full}") {{ name measures {{ code '
                         "responsibilities { role organization { name } } } } }",
    }


def pick_department(truth: dict | None) -> tuple[str, str, str, str]:
    """(short name, full name, city name, city code) of a 科技局 with many planted responsibilities."""
    if truth is None:
        return "市科技局", "许昌市科学技术局", "许昌市", "411000"
    counts: dict[str, int] = {}
    for d in truth["documents"]:
        for r in d["responsibilities"]:
            if r["organization"].endswith("科学技术局"):
                counts[d["city"]] = counts.get(d["city"], 0) + 1
    code = max(sorted(counts), key=counts.__getitem__)
    name = next(c["name"] for c in truth["cities"] if c["code"] == code)
    return "市科技局", f"{name}科学技术局", name, code


def run_sparql_baseline(engine: str, trig: Path, dept: str, city_code: str, timeout: float,
                        load_timeout: float) -> dict[str, str]:
    """Each question's p50 in one engine, in a child process; a query past ``timeout`` is cut off."""
    out: dict[str, str] = {}
    todo = ["department", "city-measures", "neighbourhood", "sharedMeasures"]
    while todo:
        proc = subprocess.Popen([sys.executable, __file__, "_sparql", engine, str(trig), dept, city_code,
                                 ",".join(todo)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                text=True, start_new_session=True)
        limit = load_timeout
        step_started = time.perf_counter()
        current = "load"
        try:
            while todo:
                line = _readline(proc, step_started + limit)
                if line is None:  # past the limit (or the child died)
                    out[current if current != "load" else todo[0]] = (f"> {limit:.0f} s" if proc.poll() is None
                                                                      else "failed")
                    if current == "load":
                        for name in todo:
                            out.setdefault(name, f"load > {limit:.0f} s")
                        todo = []
                    else:
                        todo.remove(current)
                    break
                msg = json.loads(line)
                if msg["step"] == "load":
                    out["load"] = f"{msg['seconds']:.1f} s, {msg['peak_mib']:.0f} MiB"
                else:
                    out[msg["step"]] = fmt_ms(msg["p50_ms"])
                    todo.remove(msg["step"])
                current = todo[0] if todo else ""
                limit = timeout + 3  # one run past the time box is enough to know (a fast query repeats ≤ 3 s)
                step_started = time.perf_counter()
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return out


def _readline(proc: subprocess.Popen, deadline: float) -> str | None:
    import selectors

    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    try:
        while time.perf_counter() < deadline:
            if sel.select(timeout=min(1.0, max(0.0, deadline - time.perf_counter()))):
                line = proc.stdout.readline()
                return line or None
            if proc.poll() is not None:
                return None
        return None
    finally:
        sel.close()


def fmt_ms(ms: float) -> str:
    if ms != ms:  # NaN
        return "–"
    return f"{ms:.1f} ms" if ms < 100 else f"{ms:.0f} ms" if ms < 10_000 else f"{ms / 1000:.1f} s"


def prepare(work: Path, n: int, seed: int) -> tuple[Path, Path | None, dict | None]:
    """(raw folder, truth path, truth) of the corpus of size n (4 = the bundled seeds)."""
    if n == 4:
        return ROOT / "data" / "raw", None, None
    folder = work / f"synth-{n}"
    truth_path = folder / "truth.json"
    if not truth_path.exists():
        from graph.synth import synthesize

        synthesize(folder, n, 3, seed)
    return folder / "raw", truth_path, json.loads(truth_path.read_text("utf-8"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="4,30,300", help="cities per run; 4 = the bundled seeds")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--duration", type=float, default=4.0, help="seconds of load per query (half latency, half "
                                                                "throughput)")
    ap.add_argument("--rdflib-timeout", type=float, default=30.0)
    ap.add_argument("--rdflib-load-timeout", type=float, default=300.0)
    ap.add_argument("--skip-rdflib", action="store_true")
    ap.add_argument("--skip-remote", action="store_true")
    ap.add_argument("--skip-workers", action="store_true", help="skip `serve --workers 2` on the embedded store")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "policykg-bench")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    args.work.mkdir(parents=True, exist_ok=True)
    # start-up cache entries of the benchmark's datasets: beside them, not in the project's data/cache
    os.environ["POLICYKG_CACHE_DIR"] = str(args.work / "cache")
    rows: dict[int, dict] = {}
    notes: list[str] = []
    for n in sizes:
        print(f"== {n} cities", file=sys.stderr, flush=True)
        raw, truth_path, truth = prepare(args.work, n, args.seed)
        trig = args.work / f"build-{n}" / "policykg.trig"
        trig.parent.mkdir(exist_ok=True)
        done = subprocess.run([sys.executable, __file__, "_build", str(raw), str(trig), str(truth_path or "")],
                              cwd=ROOT, capture_output=True, text=True, timeout=1800)
        if done.returncode != 0:
            raise SystemExit(f"build of {n} cities failed:\n{done.stderr[-3000:]}")
        build = json.loads(done.stdout.strip().splitlines()[-1])
        row: dict = {"build": build}
        dept_short, dept_full, city, city_code = pick_department(truth)
        row["dept"] = (dept_full, city)
        print(f"   built {build['docs']} docs, {build['triples']} triples in {build['seconds']:.1f}s", file=sys.stderr)
        server = Server(["--data", str(trig)], args.work / f"serve-{n}.log")
        try:
            row["ready_s"] = server.ready_s
            row["mem_ready"] = server.memory()
            queries = gql_queries(dept_short, dept_full, city)
            for name, q in queries.items():
                answer = http_post_json(server.url + "/graphql", {"query": q})
                if answer.get("errors"):
                    raise SystemExit(f"{name} failed on {n} cities: {answer['errors']}")
            row["neighbourhood_via"] = "GraphQL"
            for fmt in EXPORT_FORMATS:
                path = "/export?" + urllib.parse.urlencode({"format": fmt, "organization": dept_short, "city": city,
                                                            "depth": 1})
                status, _ = http_get(server.url + path, timeout=60)
                if status == 200:
                    row["neighbourhood_via"] = f"/export?format={fmt}"
                    row["export_path"] = path
                    break
            results = {}
            for name, q in queries.items():
                if name == "neighbourhood" and "export_path" in row:
                    request = get_request(server.port, row["export_path"])
                else:
                    request = graphql_request(server.port, q)
                results[name] = measure(server.port, request, args.duration, server.pids())
                print(f"   {name}: {results[name]}", file=sys.stderr, flush=True)
            row["http"] = results
            row["mem_after"] = server.memory()
        finally:
            server.stop()
        # the same dataset with the start-up cache switched off: a full load, for comparison
        cold = Server(["--data", str(trig)], args.work / f"serve-{n}-nocache.log", env={"POLICYKG_CACHE": "0"})
        try:
            row["cold"] = {"ready_s": cold.ready_s, "mem": cold.memory()}
        finally:
            cold.stop()
        if n == max(sizes) and not args.skip_workers:
            row["workers"] = bench_workers(args, trig, gql_queries(dept_short, dept_full, city))
        row["pyoxigraph"] = run_sparql_baseline("pyoxigraph", trig, dept_full, city_code, 60, 600)
        print(f"   pyoxigraph: {row['pyoxigraph']}", file=sys.stderr, flush=True)
        if not args.skip_rdflib:
            row["rdflib"] = run_sparql_baseline("rdflib", trig, dept_full, city_code, args.rdflib_timeout,
                                                args.rdflib_load_timeout)
            print(f"   rdflib: {row['rdflib']}", file=sys.stderr, flush=True)
        rows[n] = row
    remote = None
    if not args.skip_remote:
        remote = bench_remote(args, max(sizes), rows[max(sizes)], notes)
    report = render(rows, remote, notes, args)
    print(report)
    args.out.write_text(report, "utf-8")
    print(f"(written to {args.out})", file=sys.stderr)


def bench_workers(args, trig: Path, queries: dict[str, str]) -> dict:
    """``serve --workers 2`` on the embedded store: both workers open the one on-disk store of the
    start-up cache read-only, so the graph is shared on disk and each worker holds only its index."""
    print("   serve --workers 2 (embedded store)", file=sys.stderr, flush=True)
    server = Server(["--data", str(trig), "--workers", "2"], args.work / "serve-workers.log")
    out: dict = {"ready_s": server.ready_s}
    try:
        for name in ("floor", "lookup", "department"):
            out[name] = measure(server.port, graphql_request(server.port, queries[name]), args.duration,
                                server.pids())
        out["mem"] = server.memory()
    finally:
        server.stop()
    return out


def bench_remote(args, n: int, row: dict, notes: list[str]) -> dict | None:
    exe = shutil.which("oxigraph")
    if exe is None:
        notes.append("remote engine not measured: the `oxigraph` binary (pip install oxigraph) is not installed")
        return None
    from service.store.remote import RemoteStore

    print(f"== remote: oxigraph serve, {n} cities, serve --workers 2", file=sys.stderr, flush=True)
    location = args.work / "oxigraph-db"
    shutil.rmtree(location, ignore_errors=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}/query"
    engine = subprocess.Popen([exe, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                              stdout=(args.work / "oxigraph.log").open("wb"), stderr=subprocess.STDOUT,
                              start_new_session=True)
    out: dict = {"n": n}
    try:
        deadline = time.perf_counter() + 30
        while http_get(url + "?query=ASK%7B%7D", timeout=1)[0] != 200:
            if time.perf_counter() > deadline or engine.poll() is not None:
                raise RuntimeError("oxigraph serve did not start")
            time.sleep(0.1)
        t = time.perf_counter()
        summary = RemoteStore(url).load_file(args.work / f"build-{n}" / "policykg.trig")
        out["load_s"] = time.perf_counter() - t
        out["graphs"] = summary["graphs"]
        server = Server(["--store", url, "--workers", "2"], args.work / "serve-remote.log")
        try:
            out["ready_s"] = server.ready_s
            dept_short, dept_full, city = "市科技局", row["dept"][0], row["dept"][1]
            q = gql_queries(dept_short, dept_full, city)
            for name in ("floor", "lookup", "department"):
                r = measure(server.port, graphql_request(server.port, q[name]), args.duration, server.pids())
                out[name] = r
                print(f"   {name}: {r}", file=sys.stderr, flush=True)
            out["mem"] = server.memory()
        finally:
            server.stop()
        out["engine_mem"] = proc_mem_mib(engine.pid)
    finally:
        os.killpg(engine.pid, signal.SIGTERM)
        try:
            engine.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(engine.pid, signal.SIGKILL)
            engine.wait()
    return out


def render(rows: dict[int, dict], remote: dict | None, notes: list[str], args) -> str:
    sizes = sorted(rows)
    label = {n: ("4 (seeds, 5 docs)" if n == 4 else f"{n} × 3 docs") for n in sizes}
    L: list[str] = []
    L.append("# policykg at national scale: benchmark")
    L.append("")
    L.append(f"`python bench/run.py --sizes {args.sizes}` on {platform.machine()}, {os.cpu_count()} cores, "
             f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}. Load generator on the same "
             f"cores (1 connection for latency, 4 for throughput, {args.duration:g} s per query).")
    L.append("")
    L.append("## Build")
    L.append("")
    L.append("`build` is parse + extract + RDF + TriG written; `start-up cache` is what `policykg build` does "
             "next by default (service/lifecycle/startup_cache.py: the persistent store and the pickled index that "
             "`policykg serve` starts from).")
    L.append("")
    L.append("| cities | documents | triples | build s | docs/s | peak memory | + start-up cache s | peak with it "
             "| responsibilities P / R |")
    L.append("|---|---|---|---|---|---|---|---|---|")
    for n in sizes:
        b = rows[n]["build"]
        s = b.get("score", {}).get("all")
        pr = f"{s['precision']:.4f} / {s['recall']:.4f}" if s else "(seeds: tests/graph/test_seeds.py)"
        L.append(f"| {label[n]} | {b['docs']} | {b['triples']} | {b['seconds']:.1f} | {b['docs'] / b['seconds']:.1f} "
                 f"| {b['peak_mib']:.0f} MiB | {b['cache_s']:.1f} | {b['peak_with_cache_mib']:.0f} MiB | {pr} |")
    if 30 in rows and 300 in rows:
        r = rows[300]["build"]["seconds"] / rows[30]["build"]["seconds"]
        rc = rows[300]["build"]["cache_s"] / rows[30]["build"]["cache_s"]
        L.append(f"| **300 / 30** | 10.0 | {rows[300]['build']['triples'] / rows[30]['build']['triples']:.1f} | "
                 f"**{r:.1f}** | | {rows[300]['build']['peak_mib'] / rows[30]['build']['peak_mib']:.1f} | {rc:.1f} | | |")
    L.append("")
    synth = [n for n in sizes if rows[n]["build"].get("score")]
    if synth:
        L.append("Recovery of the planted facts, per responsibility form (precision / recall):")
        L.append("")
        forms = sorted({f for n in synth for f in rows[n]["build"]["score"]["responsibilities"]})
        L.append("| cities | " + " | ".join(forms) + " | annex links | measure types | targets | issuer fallback |")
        L.append("|---|" + "---|" * (len(forms) + 4))
        for n in synth:
            sc = rows[n]["build"]["score"]
            cells = []
            for f in forms:
                s = sc["responsibilities"].get(f)
                cells.append("–" if not s or s["tp"] + s["fp"] + s["fn"] == 0 else
                             f"{s['precision']:.3f} / {s['recall']:.3f} ({s['tp'] + s['fn']})")
            L.append(f"| {n} | " + " | ".join(cells) + f" | {sc['annex_links']['accuracy']:.3f} | "
                     f"{sc['measure_types']['recall']:.3f} | {sc['targets']['recall']:.3f} | "
                     f"{sc['issuer_fallback']['recall']:.3f} |")
        L.append("")
        for n in synth:
            for form, examples in sorted(rows[n]["build"]["score"]["examples"].items()):
                for e in examples[:3]:
                    L.append(f"- {n} cities, {form}: {e}")
        L.append("")
    L.append("## Serving (GraphQL over HTTP; baselines in the same run)")
    L.append("")
    L.append("`ready` is from `policykg serve --data <built TriG>` to a ready /health, the dataset's start-up "
             "cache made by the build; `cache off` is the same start with POLICYKG_CACHE=0 (a full load).")
    L.append("")
    L.append("| cities | ready (cache off) | memory at ready (peak so far) / peak after the load; cache off: peak "
             "| question | p50 | p99 | req/s | vs floor | server CPU / req | pyoxigraph SPARQL p50 | rdflib SPARQL p50 |")
    L.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for n in sizes:
        row = rows[n]
        http = row["http"]
        floor = http["floor"]["rps"]
        first = True
        for name in ("floor", "lookup", "department", "city-measures", "sharedMeasures", "neighbourhood"):
            h = http[name]
            qname = {"neighbourhood": f"neighbourhood ({row['neighbourhood_via']})",
                     "lookup": "one-department lookup (name, kind, count)",
                     "department": "responsibilities of one department (50)",
                     "city-measures": "first 50 measures of a city + responsibilities",
                     "sharedMeasures": "sharedMeasures, all cities",
                     "floor": "floor: { __typename }"}[name]
            rd = row.get("rdflib", {})
            if name == "floor":
                ox_cell, rd_cell = f"load {row['pyoxigraph'].get('load', '')}", f"load {rd.get('load', '')}"
            elif name == "lookup":
                ox_cell = rd_cell = ""
            else:
                ox_cell, rd_cell = row["pyoxigraph"].get(name, ""), rd.get(name, "")
            rd_cell = rd_cell if rd else "not run"
            lead = (f"| {label[n]} | {row['ready_s']:.1f} s ({row['cold']['ready_s']:.1f} s) | "
                    f"{row['mem_ready'][0]:.0f} ({row['mem_ready'][1]:.0f}) / {row['mem_after'][1]:.0f} MiB; "
                    f"{row['cold']['mem'][1]:.0f} MiB |" if first else "| | | |")
            L.append(f"{lead} {qname} | {fmt_ms(h['p50_ms'])} | {fmt_ms(h['p99_ms'])} | {h['rps']:.0f} | "
                     f"{h['rps'] / floor:.2f} | {fmt_ms(h.get('cpu_ms', float('nan')))} | {ox_cell} | {rd_cell} |" + (f" {h['errors']} errors" if h['errors'] else ""))
            first = False
    L.append("")
    workers = rows[max(sizes)].get("workers")
    if workers:
        w, floor = workers, workers["floor"]["rps"]
        L.append(f"## `policykg serve --workers 2` on the embedded store ({label[max(sizes)]})")
        L.append("")
        L.append("Both workers open the start-up cache's on-disk store read-only: one store on disk, an index "
                 "per worker. The load generator's 4 keep-alive connections are spread over the workers by the "
                 "kernel, not always evenly, so these figures vary from run to run.")
        L.append("")
        L.append("| ready | memory (all processes, peak) | floor req/s | lookup req/s (vs floor) | "
                 "50 responsibilities req/s (vs floor) |")
        L.append("|---|---|---|---|---|")
        L.append(f"| {w['ready_s']:.1f} s | {w['mem'][1]:.0f} MiB | {floor:.0f} | {w['lookup']['rps']:.0f} "
                 f"({w['lookup']['rps'] / floor:.2f}) | {w['department']['rps']:.0f} "
                 f"({w['department']['rps'] / floor:.2f}) |")
        L.append("")
    if remote:
        L.append("## Remote engine (`oxigraph serve`, `policykg serve --store URL --workers 2`)")
        L.append("")
        L.append("| cities | load (Graph Store PUTs) | ready | floor req/s | lookup req/s | 50 responsibilities "
                 "req/s (p50) | service memory | engine memory |")
        L.append("|---|---|---|---|---|---|---|---|")
        L.append(f"| {remote['n']} | {remote['load_s']:.1f} s ({remote['graphs']} graphs) | {remote['ready_s']:.1f} s | "
                 f"{remote['floor']['rps']:.0f} | {remote['lookup']['rps']:.0f} | "
                 f"{remote['department']['rps']:.0f} ({fmt_ms(remote['department']['p50_ms'])}) | "
                 f"{remote['mem'][1]:.0f} MiB peak (2 workers) | {remote['engine_mem'][0]:.0f} MiB |")
        L.append("")
    big = max(sizes)
    L.append(f"## Goals at {big} cities" + ("" if big == 300 else " (the goals are stated for 300)"))
    L.append("")
    L.append("| goal | measured | |")
    L.append("|---|---|---|")
    row = rows[big]
    b = row["build"]["seconds"] + row["build"]["cache_s"]
    goals = [
        (f"build within {GOAL_BUILD_S} s (with its start-up cache)",
         f"{row['build']['seconds']:.1f} + {row['build']['cache_s']:.1f} = {b:.1f} s", b <= GOAL_BUILD_S),
        (f"ready within {GOAL_READY_S} s", f"{row['ready_s']:.1f} s", row["ready_s"] <= GOAL_READY_S),
        (f"sharedMeasures p50 within {GOAL_SHARED_MS} ms", fmt_ms(row["http"]["sharedMeasures"]["p50_ms"]),
         row["http"]["sharedMeasures"]["p50_ms"] <= GOAL_SHARED_MS),
        (f"one-department lookup ≥ {GOAL_FLOOR_SHARE:.0%} of the floor's req/s",
         f"{row['http']['lookup']['rps']:.0f} / {row['http']['floor']['rps']:.0f} = "
         f"{row['http']['lookup']['rps'] / row['http']['floor']['rps']:.0%}",
         row["http"]["lookup"]["rps"] >= GOAL_FLOOR_SHARE * row["http"]["floor"]["rps"]),
        (f"(same, for its 50 responsibilities ≥ {GOAL_FLOOR_SHARE:.0%} of the floor)",
         f"{row['http']['department']['rps']:.0f} / {row['http']['floor']['rps']:.0f} = "
         f"{row['http']['department']['rps'] / row['http']['floor']['rps']:.0%}",
         row["http"]["department"]["rps"] >= GOAL_FLOOR_SHARE * row["http"]["floor"]["rps"]),
        (f"served within {GOAL_MEM_MIB / 1024:.0f} GiB", f"{row['mem_after'][1]:.0f} MiB peak",
         row["mem_after"][1] <= GOAL_MEM_MIB),
    ]
    if 30 in rows and 300 in rows:
        r = rows[300]["build"]["seconds"] / rows[30]["build"]["seconds"]
        goals.append(("build linear: 300/30 time ratio about 10", f"{r:.1f}", r <= 12))
    for goal, value, ok in goals:
        L.append(f"| {goal} | {value} | {'met' if ok else '**missed**'} |")
    L.append(f"| (for comparison, not a goal: the start-up cache off) | ready in {row['cold']['ready_s']:.1f} s, "
             f"{row['cold']['mem'][1]:.0f} MiB peak | |")
    L.append("")
    for note in notes:
        L.append(f"- {note}")
    return "\n".join(L) + "\n"


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if len(sys.argv) > 1 and sys.argv[1] == "_build":
        child_build(sys.argv[2], sys.argv[3], sys.argv[4] or None)
    elif len(sys.argv) > 1 and sys.argv[1] == "_sparql":
        child_sparql(*sys.argv[2:7])
    else:
        main()
