"""The network analytics kept with the index file as rows, read one organization or city at a time.

``centralOrganizations``, ``organizationAnalytics`` and ``organizationCommunities``
read the analytics of graph/network (workload, centrality, communities,
similar cities) of one organization or one city. Kept whole, every worker
that answered one of them unpickled the whole corpus's (+18 MiB at 3,000
documents, for each of the two variants). Here each entry of the
structure's mappings is a row of an SQLite file of the start-up cache entry
(databases.py), and a worker decodes the rows its requests ask for, the
most recent ``RECENT`` of them kept. The similar cities, which make their
lists when asked from a small table of each city's measure types, stay one
row.
"""

from __future__ import annotations

from typing import Any

from graph.network import Analytics

from .databases import EntryMapping, KeptRows

__all__ = ["EntryMapping", "KeptAnalytics"]

ROWS = ("workload", "centrality", "ranking", "communities")  # Analytics' mappings kept a row per key
RECENT = 256  # decoded entries kept per mapping per process
SIMILAR = "similar"  # the similar cities: one row


class KeptAnalytics(KeptRows):
    """One variant of the analytics (EXPLICIT only, or with INHERITED) as rows; ``attach`` gives back an
    ``Analytics`` whose mappings read them."""

    def __init__(self, g: Any, analytics: Analytics, inherited: bool) -> None:
        rows_of = {name: getattr(analytics, name) for name in ROWS} | {SIMILAR: {"": analytics.similar}}
        super().__init__(g, rows_of, f"analytics-{'inherited' if inherited else 'explicit'}.sqlite")

    def attach(self, g: Any) -> Analytics:
        super().attach(g)
        return Analytics(**{name: self.mapping(name, RECENT) for name in ROWS},
                         similar=self.mapping(SIMILAR, 1)[""])
