"""Research analytics over the loaded graph: plain Python, no server needed.

Every function takes a ``GraphState`` and computes its structures once per
loaded graph (``GraphState.derived``)::

    from service.lifecycle.loading import load_graph
    from service.insights import citations, dashboards, diffusion, matrix, search

    g = load_graph()
    diffusion.diffusion(g, "揭榜挂帅").adoptions        # cities in adoption order, with lags
    citations.citation_network(g).cites("policy/xuchang-2020-plan")
    matrix.responsibility_matrix(g, city="许昌", families=True)
    dashboards.city_measure_types(g).cells
    search.search(g, "科技特派员").hits

    common.py          what the analyses share: concept and department-type lookups, dates, CSV
    diffusion.py       per measure type: adopters, dates, first adopter, lags, province clustering
    citations.py       the citation network between policies, stubs included, with levels
    matrix.py          department type × measure type responsibility counts, leaders, reverse view
    dashboards.py      compact count matrices, normalized targets, workload rankings (+ CSV)
    tallies.py         counts per city in SQLite: the workload ranking's, the matrices' and the policy tools' rows
    databases.py       an SQLite database per loaded graph: a file of its cache entry, or in memory
    kept_analytics.py  the network analytics kept as rows of a file of the entry, read a key at a time
    kept_corpus.py     the exports' network corpus kept as rows of a file of the entry, read a city at a time
    precompute.py      the analyses made once with a dataset's index file, read instead of made
    search.py          SQLite FTS5 trigram full-text search with bm25 ranking and highlights
"""

from typing import Any

from . import citations, dashboards, diffusion, matrix, search


def warm(g: Any) -> None:
    """Build every structure of the package now (a few seconds at 300 cities, mostly
    the search index) instead of on the first request that needs it."""
    diffusion.all_diffusions(g)
    citations.citation_network(g)
    matrix.responsibility_matrix(g)
    dashboards.city_measure_types(g)
    dashboards.city_industries(g)
    dashboards.target_comparison(g)
    dashboards.workload(g, first=1)
    dashboards.city_policy_tools(g)
    search.search_index(g)


__all__ = ["citations", "dashboards", "diffusion", "matrix", "search", "warm"]
