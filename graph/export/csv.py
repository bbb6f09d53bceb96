"""CSV: a nodes table and an edges table (Gephi's spreadsheet import, Flourish,
Excel), zipped together when one file is wanted (over HTTP).

Columns: ``id,label,labelEn,kind,city,cityIri`` then the view's other node
attributes; ``source,target,relation,role`` (and ``key`` for the
responsibility view's parallel edges) then the other edge attributes,
each in the order the view first uses it. UTF-8 with a BOM so Excel reads the
Chinese; empty cells for attributes a row lacks (and so read back as absent).
"""

from __future__ import annotations

import csv
import io
import zipfile

import networkx as nx

MEDIA_TYPE = "application/zip"
EXTENSION = "zip"
NODE_COLUMNS = ("id", "label", "labelEn", "kind", "city", "cityIri")
EDGE_COLUMNS = ("source", "target", "relation", "role")
# a fixed timestamp inside the zip: the archive's bytes depend on the view only
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def _columns(first: tuple[str, ...], rows: list[dict]) -> list[str]:
    cols = list(first)
    for row in rows:
        cols.extend(k for k in row if k not in cols)
    return cols


def _table(first: tuple[str, ...], rows: list[dict]) -> str:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=_columns(first, rows), restval="", lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return "\ufeff" + out.getvalue()


def write_csv(g: nx.Graph) -> tuple[str, str]:
    """(nodes.csv, edges.csv) texts."""
    nodes = [{"id": n, **d} for n, d in g.nodes(data=True)]
    if g.is_multigraph():  # parallel edges: the key column tells them apart
        edges = [{"source": u, "target": v, "key": k, **d} for u, v, k, d in g.edges(keys=True, data=True)]
    else:
        edges = [{"source": u, "target": v, **d} for u, v, d in g.edges(data=True)]
    return _table(NODE_COLUMNS, nodes), _table(EDGE_COLUMNS, edges)


def write_csv_zip(g: nx.Graph) -> bytes:
    nodes, edges = write_csv(g)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (("nodes.csv", nodes), ("edges.csv", edges)):
            z.writestr(zipfile.ZipInfo(name, _ZIP_TIME), text.encode("utf-8"), zipfile.ZIP_DEFLATED)
    return out.getvalue()


# CSV has no types: these columns of the views come back as numbers, the rest
# as text (an admin code such as 130800 is text, though it looks numeric).
INTEGERS = frozenset({"weight", "lead", "responsible", "cooperating", "centralityRank", "community", "measureTypes",
                      "quoteStart", "quoteEnd"})
FLOATS = frozenset({"jaccard", "degreeCentrality", "strength", "betweenness"})


def _typed(column: str, value: str) -> object:
    if column in INTEGERS:
        return int(value)
    if column in FLOATS:
        return float(value)
    return value


def read_csv(nodes: str, edges: str) -> nx.Graph:
    edge_rows = csv.DictReader(io.StringIO(edges.lstrip("\ufeff")))
    multi = "key" in (edge_rows.fieldnames or ())
    g = nx.MultiGraph() if multi else nx.Graph()
    for row in csv.DictReader(io.StringIO(nodes.lstrip("\ufeff"))):
        n = row.pop("id")
        g.add_node(n, **{k: _typed(k, v) for k, v in row.items() if v != ""})
    for row in edge_rows:
        u, v = row.pop("source"), row.pop("target")
        key = {"key": row.pop("key")} if multi else {}
        g.add_edge(u, v, **key, **{k: _typed(k, x) for k, x in row.items() if x != ""})
    return g


def read_csv_zip(data: bytes) -> nx.Graph:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return read_csv(z.read("nodes.csv").decode("utf-8"), z.read("edges.csv").decode("utf-8"))
