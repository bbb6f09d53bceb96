"""The analyses made once when a dataset's index file is made, so that serving never makes them.

Each of these is built on first use from every record of the index (the
workload ranking, the responsibility matrix, diffusion, citations, the
dashboards' matrices, the search index, the network analytics behind
centralOrganizations):
seconds at 300 cities, far more at national scale, and slower still on an
index read from disk (every record decoded). ``precompute`` makes them over
the in-memory index the start-up cache has just read
(service/lifecycle/startup_cache.py) and returns them by derived key; the
index file keeps them (index_file.py, table ``derived``) and
``GraphState.derived`` / this package's memo read them instead of making them.

A structure that cannot be kept alone (it holds the index, the store or the
graph, or cannot be pickled) is left out and made on first use as before. The
search index, the tallies and the network analytics are database files of
the entry (databases.py: ``search.sqlite``, ``tallies.sqlite``,
``analytics-*.sqlite``, ``diffusion.sqlite``, ``citations.sqlite``, which
workers open read-only and share); what is kept here is their names (and the
diffusions' summaries).
"""

from __future__ import annotations

import io
import logging
import pickle
from typing import Any

from ..readmodel.index import GraphIndex
from ..readmodel.network import KEPT_CORPUS, analytics_key, analytics_of, network_of
from ..readmodel.state import GraphState
from . import citations, diffusion, warm
from .common import KEY, _Memo
from .kept_analytics import KeptAnalytics
from .kept_corpus import KeptCorpus

# structures kept as rows of a file of the entry, read a part at a time, when there is an entry
AS_ROWS = {KEY + "diffusion": diffusion.KeptDiffusions, KEY + "citations": citations.KeptCitations}

log = logging.getLogger("policykg.service")


class _Alone(pickle.Pickler):
    """Pickles a structure only if it stands alone: no index, graph or store inside it."""

    def persistent_id(self, obj: Any) -> None:
        if isinstance(obj, (GraphIndex, GraphState)) or type(obj).__name__.endswith("Store"):
            raise TypeError(f"holds a {type(obj).__name__}")
        return None


def _pickled(value: Any) -> bytes | None:
    """The structure's pickle, or None when it does not stand alone (made on first use instead)."""
    out = io.BytesIO()
    try:
        _Alone(out, pickle.HIGHEST_PROTOCOL).dump(value)
    except Exception as exc:  # noqa: BLE001 - not kept: made on first use instead
        log.info("precompute: %s not kept (%s: %s)", type(value).__name__, type(exc).__name__, exc)
        return None
    return out.getvalue()


def precompute(g: GraphState) -> dict[str, bytes]:
    """The package's structures over ``g`` (``warm``) and the network analytics (centrality and
    communities, counting EXPLICIT responsibilities as by default, and with inherited ones too),
    pickled, by the derived key they are read by (pickled once: the check that a structure stands
    alone is its pickling)."""
    made: dict[str, Any] = {}
    try:
        warm(g)
    except Exception as exc:  # noqa: BLE001 - what failed here fails the same way when asked; keep the rest
        log.warning("precompute: stopped at %s: %s", type(exc).__name__, exc)
    memo: _Memo = g.derived(KEY + "memo", lambda _g: _Memo())
    made.update((KEY + k, v) for k, v in memo.values.items())
    for key, kept in AS_ROWS.items():
        if key in made and g.cache_entry is not None:
            try:
                made[key] = kept(g, made[key])
            except Exception as exc:  # noqa: BLE001 - kept whole instead
                log.warning("precompute: %s not kept as rows (%s: %s)", key, type(exc).__name__, exc)
    for inherited in (False, True):  # as the GraphQL analytics count, by default and with includeInherited
        try:
            analytics = analytics_of(g, inherited)
            # as rows of a file of the entry when there is one (read a city or organization at a time)
            made[analytics_key(inherited)] = (KeptAnalytics(g, analytics, inherited) if g.cache_entry is not None
                                              else analytics)
        except Exception as exc:  # noqa: BLE001
            log.warning("precompute: network analytics (inherited %s) failed (%s: %s)", inherited,
                        type(exc).__name__, exc)
    if g.cache_entry is not None:  # the exports' corpus, as rows (without an entry: read from the store)
        try:
            made[KEPT_CORPUS] = KeptCorpus(g, network_of(g).corpus)
        except Exception as exc:  # noqa: BLE001 - read from the store on first export instead
            log.warning("precompute: the network corpus not kept (%s: %s)", type(exc).__name__, exc)
    pickled = {k: _pickled(v) for k, v in made.items()}
    return {k: b for k, b in pickled.items() if b is not None}
