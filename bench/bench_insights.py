"""Research analytics (issue 7) at 4, 30 and 300 cities, as ratios against a trivial baseline.

For N > 4 the graph is the bundled seeds plus N − 4 clones of the seed cities'
document graphs, each renamed to another real city of the gazetteer (codes,
names, provinces, IRIs, document names) with its issuing dates shifted by a
seeded random offset, so diffusion orders, province clustering and the
search index all have 300 cities' worth of data. ``--data`` benchmarks a
built dataset instead (for example one written by ``policykg synth``).

The baseline, measured in the same run on the same graph, is one pass over
every measure of the index counting measures per city: the least any
aggregate over measures must do. A second reference is a naive substring
scan of every measure text, which the FTS5 index replaces.

    python bench/bench_insights.py [--cities 4,30,300] [--repeat 7] [--out bench/results-insights.md]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.gazetteer import default_gazetteer  # noqa: E402
from service.gql.context import Context  # noqa: E402
from service.readmodel.state import GraphState  # noqa: E402
from service.readmodel.index import load_index  # noqa: E402
from service.insights import citations, dashboards, diffusion, matrix, search  # noqa: E402
from service.readmodel.lookups import Lookups  # noqa: E402
from service.lifecycle.loading import ensure_dataset  # noqa: E402
from service.readmodel.queries import Queries  # noqa: E402
from service.store.embedded import OxigraphStore  # noqa: E402

GRAPH = "https://w3id.org/policykg/id/graph/"
CITY = "https://w3id.org/policykg/id/city/"
SCHEMES = GRAPH + "schemes"
DATE = re.compile(r'"(\d{4}-\d{2}-\d{2})"\^\^<http://www.w3.org/2001/XMLSchema#date>')


# -- the synthetic graph -------------------------------------------------------------------------


def _seed_templates(trig: bytes) -> tuple[list[ox.Quad], dict[str, list[str]], dict[str, str]]:
    """(quads, seed city code → N-Quads text of each of its document graphs, slug → city code)."""
    quads = list(ox.parse(trig, format=ox.RdfFormat.TRIG))
    by_graph: dict[str, list[ox.Quad]] = {}
    for q in quads:
        by_graph.setdefault(q.graph_name.value, []).append(q)
    city_of: dict[str, str] = {}
    for q in quads:
        if q.predicate.value.endswith("ontology#city") and q.subject.value.startswith(
                "https://w3id.org/policykg/id/policy/") and q.graph_name.value.startswith(GRAPH):
            slug = q.graph_name.value[len(GRAPH):]
            if q.subject.value.endswith("/" + slug):
                city_of[slug] = q.object.value[len(CITY):]
    templates: dict[str, list[str]] = {}
    for g, qs in by_graph.items():
        slug = g[len(GRAPH):]
        if slug in city_of:
            text = ox.serialize(qs, format=ox.RdfFormat.N_QUADS).decode("utf-8")
            templates.setdefault(city_of[slug], []).append(text)
    return quads, templates, city_of


def synthetic_store(n_cities: int, seed: int = 7) -> OxigraphStore:
    trig = ensure_dataset().read_bytes()
    if n_cities <= 4:
        return OxigraphStore.from_bytes(trig)
    quads, templates, city_of = _seed_templates(trig)
    gaz = default_gazetteer()
    seed_cities = {code: gaz.get(code) for code in templates}
    others = [c for c in gaz.cities() if c.code not in seed_cities]
    rng = random.Random(seed)
    chosen = rng.sample(others, min(n_cities - len(seed_cities), len(others)))
    slugs = sorted(city_of, key=len, reverse=True)  # longest first: "…-plan-annex-tasks" before "…-plan"
    parts = [ox.serialize(quads, format=ox.RdfFormat.N_QUADS)]
    order = sorted(seed_cities)
    for i, city in enumerate(chosen):
        tcode = order[i % len(order)]
        t = seed_cities[tcode]
        shift = rng.randint(-700, 700)
        for text in templates[tcode]:
            out = text
            for slug in slugs:
                if city_of[slug] == tcode:
                    out = out.replace(slug, f"{slug}-c{city.code}")
            out = (out.replace(tcode, city.code).replace(t.name, city.name).replace(t.short, city.short)
                   .replace(t.name_en, city.name_en).replace(t.province, city.province))
            out = DATE.sub(lambda m, days=shift: f'"{_shift(m.group(1), days)}"^^<http://www.w3.org/2001/XMLSchema#date>',
                           out)
            parts.append(out.encode("utf-8"))
    return OxigraphStore.from_bytes(b"".join(parts), ox.RdfFormat.N_QUADS)


def _shift(iso: str, days: int) -> str:
    from datetime import date, timedelta

    return (date.fromisoformat(iso) + timedelta(days=days)).isoformat()


def graph_state(store: Any) -> GraphState:
    ix = load_index(store)
    return GraphState(store=store, index=ix, queries=Queries(ix), documents=ix.documents)


def fresh(g: GraphState) -> None:
    """Forget every derived structure of the insights package (a cold start)."""
    g._derived.clear()


# -- timing --------------------------------------------------------------------------------------


def timed(fn: Callable[[], Any], repeat: int) -> float:
    """Median seconds of ``repeat`` calls."""
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return statistics.median(out)


def cold(g: GraphState, fn: Callable[[], Any], repeat: int) -> float:
    """Median seconds of ``fn`` on a graph with nothing derived yet (setup excluded)."""
    out = []
    for _ in range(repeat):
        fresh(g)
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    fresh(g)
    return statistics.median(out)


def gql(g: GraphState, schema: Any, query: str) -> Callable[[], Any]:
    def run() -> Any:
        ctx = Context(request=None, response=None, graph=g, lookups=Lookups(g.queries))
        r = asyncio.run(schema.execute(query, context_value=ctx))
        if r.errors:
            raise RuntimeError(r.errors)
        return r.data
    return run


def measure(g: GraphState, repeat: int) -> dict[str, float]:
    from service.gql.schema import build_schema

    ix = g.index
    schema = build_schema()
    rows: dict[str, float] = {}
    rows["baseline: count measures per city (one pass)"] = timed(
        lambda: Counter(m.city_iri for m in ix.measures.values()), repeat)
    rows["reference: naive substring scan of all measure texts"] = timed(
        lambda: [m.iri for m in ix.measures.values() if "科技特派员" in m.text], repeat)
    cr = 3  # cold builds are slower: fewer repeats
    rows["diffusion: all measure types (cold)"] = cold(g, lambda: diffusion.all_diffusions(g), cr)
    diffusion.all_diffusions(g)
    rows["diffusion(揭榜挂帅) (warm)"] = timed(lambda: diffusion.diffusion(g, "揭榜挂帅"), repeat)
    rows["citation network (cold, 2 SPARQL)"] = cold(g, lambda: citations.citation_network(g), cr)
    rows["responsibility matrix, across cities (cold)"] = cold(
        g, lambda: matrix.responsibility_matrix(g, families=True), cr)
    matrix.responsibility_matrix(g)
    first_city = next(iter(ix.cities.values())).name
    rows["responsibility matrix, one city (uncached view, from the tallies)"] = timed(
        lambda: matrix._build(g, next(iter(ix.cities)), None, None), repeat)
    rows["responsibility leaders per city (family-finance)"] = timed(
        lambda: matrix.leaders(g, "family-finance"), repeat)
    rows["city × measure type matrix (cold)"] = cold(g, lambda: dashboards.city_measure_types(g), cr)
    rows["city × industry matrix (cold)"] = cold(g, lambda: dashboards.city_industries(g), cr)
    rows["targets by indicator, normalized (cold)"] = cold(g, lambda: dashboards.target_comparison(g), cr)
    dashboards.target_comparison(g)
    dashboards.workload(g)
    rows["workload ranking, all organizations (warm)"] = timed(lambda: dashboards.workload(g), repeat)
    rows["CSV: city × measure type (warm)"] = timed(lambda: dashboards.city_measure_types(g).to_csv(), repeat)
    rows["search index build (FTS5 trigram, cold)"] = cold(g, lambda: search.search_index(g), cr)
    search.search_index(g)
    rows["search 科技特派员 (fts5, bm25, first 20)"] = timed(lambda: search.search(g, "科技特派员"), repeat)
    rows["search 揭榜挂帅 city filter (fts5)"] = timed(lambda: search.search(g, "揭榜挂帅", city=first_city), repeat)
    rows["search 科技 企业 (2 chars: scan fallback)"] = timed(lambda: search.search(g, "科技 企业"), repeat)
    rows["search 高新技术企业 + measureType filter"] = timed(
        lambda: search.search(g, "高新技术企业", measure_type="family-enterprise"), repeat)
    rows["GraphQL search(text: 科技特派员) { hits { snippet } }"] = timed(gql(
        g, schema, '{ search(text: "科技特派员") { totalCount hits { snippet matches { start } } } }'), repeat)
    rows["GraphQL cityMeasureTypeMatrix { cells }"] = timed(gql(
        g, schema, "{ cityMeasureTypeMatrix { rows { id } columns { id } cells } }"), repeat)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cities", default="4,30,300")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--data", type=Path, help="a built dataset (.trig/.nq) instead of the synthetic clones")
    ap.add_argument("--out", type=Path, help="also write the table to this file")
    args = ap.parse_args()
    if not search.trigram_available():
        print("note: this sqlite3 has no FTS5 trigram tokenizer; search falls back to scans", file=sys.stderr)
    sizes = [int(x) for x in args.cities.split(",")] if args.data is None else [0]
    columns: list[tuple[str, dict[str, float], dict[str, Any]]] = []
    for n in sizes:
        t = time.perf_counter()
        store = OxigraphStore.from_file(args.data) if args.data else synthetic_store(n)
        t_store = time.perf_counter() - t
        t = time.perf_counter()
        g = graph_state(store)
        t_index = time.perf_counter() - t
        info = {"cities": len(g.index.cities), "documents": len(g.index.policies), "measures": len(g.index.measures),
                "responsibilities": len(g.index.responsibilities), "triples": g.index.triple_count,
                "load": t_store + t_index}
        print(f"N={info['cities']}: {info['documents']} documents, {info['measures']} measures, "
              f"{info['triples']} triples, loaded in {info['load']:.1f}s", file=sys.stderr)
        columns.append((str(info["cities"]), measure(g, args.repeat), info))
        del g, store
    lines = ["| measure | " + " | ".join(f"N={c} cities" for c, _, _ in columns) + " |",
             "|---|" + "---|" * len(columns)]
    for key in ("documents", "measures", "triples"):
        lines.append(f"| {key} | " + " | ".join(str(i[key]) for _, _, i in columns) + " |")
    lines.append("| load (store + index, context only) | " + " | ".join(f"{i['load']:.1f} s" for _, _, i in columns)
                 + " |")
    names = list(columns[0][1])
    for name in names:
        cells = []
        for _, rows, _ in columns:
            base = rows[names[0]]
            v = rows[name]
            cells.append(f"{_fmt(v)} ({_ratio(v / base)})" if name != names[0] else f"{_fmt(v)} (1x)")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    table = "\n".join(lines)
    print(table)
    if args.out:
        args.out.write_text("Ratios are to the baseline row of the same column (same graph, same run).\n\n"
                            + table + "\n", "utf-8")


def _ratio(r: float) -> str:
    return f"{r:.0f}x" if r >= 10 else f"{r:.2g}x"


def _fmt(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"


if __name__ == "__main__":
    main()
