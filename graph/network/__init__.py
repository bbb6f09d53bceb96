"""Network views of the policy graph (networkx) and their analytics.

    records.py    typed slice of the RDF graph the views are made of (Corpus)
    source.py     SPARQL → Corpus; the RDF quads behind a view
    names.py      names as people write them → IRIs
    filters.py    view + filters → the measures a view is built from
    views.py      the five views as networkx graphs
    metrics.py    centrality, Louvain communities
    analytics.py  workload, centrality and communities per city, similar cities

Data flows down that list; nothing here knows HTTP or GraphQL.
"""

from .analytics import Analytics, analyze
from .filters import VIEWS, FilterError, Filters
from .names import Names
from .records import Corpus
from .source import DatasetStore, quads_about, read_corpus
from .views import View, build_view, view_size

__all__ = ["VIEWS", "Analytics", "Corpus", "DatasetStore", "FilterError", "Filters", "Names", "View", "analyze",
           "build_view", "quads_about", "read_corpus", "view_size"]
