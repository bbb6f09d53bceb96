"""The committed dataset: current, deterministic, conforming to the shapes."""

from __future__ import annotations

from graph.build import serialize_trig
from graph.paths import DATASET_PATH
from graph.validate import validate_quads


def test_committed_dataset_is_current(corpus):
    assert DATASET_PATH.exists(), "run `policykg build` and commit data/policykg.trig"
    assert DATASET_PATH.read_text("utf-8") == serialize_trig(corpus), (
        "data/policykg.trig is stale: run `policykg build` and commit it"
    )


def test_dataset_parses_back_with_one_graph_per_document_and_the_report(corpus):
    import pyoxigraph

    store = pyoxigraph.Store()
    store.load(path=str(DATASET_PATH), format=pyoxigraph.RdfFormat.TRIG)
    graphs = {str(g.value) for g in store.named_graphs()}
    assert len(graphs) == len(corpus.facts) + 2
    assert {"https://w3id.org/policykg/id/graph/schemes", "https://w3id.org/policykg/id/graph/report"} <= graphs
    assert len(store) == corpus.triple_count


def test_bundled_graph_conforms_to_the_shapes(corpus):
    result = validate_quads(corpus.quads)
    assert result.conforms, result.report[:3000]


def test_every_quote_in_the_file_is_the_document_text():
    import pyoxigraph

    from graph.paths import RAW_DIR

    store = pyoxigraph.Store()
    store.load(path=str(DATASET_PATH), format=pyoxigraph.RdfFormat.TRIG)
    rows = store.query(
        "PREFIX pk: <https://w3id.org/policykg/ontology#> PREFIX oa: <http://www.w3.org/ns/oa#> "
        "SELECT DISTINCT ?d ?s ?e ?q WHERE { GRAPH ?g { ?x pk:document ?d ; oa:start ?s ; oa:end ?e ; oa:exact ?q } }"
    )
    texts: dict[str, str] = {}
    n = 0
    for row in rows:
        doc = row["d"].value
        text = texts.setdefault(doc, (RAW_DIR / doc).read_text("utf-8"))
        assert text[int(row["s"].value) : int(row["e"].value)] == row["q"].value
        n += 1
    assert n > 1000
