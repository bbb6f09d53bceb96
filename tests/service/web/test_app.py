"""The app's routes in process: /health of a large corpus lists the first document names and counts them all."""

from __future__ import annotations

from dataclasses import replace

from starlette.testclient import TestClient

from service.lifecycle.loading import load_graph
from service.web.app import HEALTH_DOCUMENTS, create_app


def test_health_lists_the_first_documents_of_a_large_corpus_and_counts_them_all():
    g = load_graph()
    many = replace(g, documents=[f"doc-{i:05d}.txt" for i in range(3 * HEALTH_DOCUMENTS)])
    with TestClient(create_app(many)) as client:
        h = client.get("/health").json()
    assert h["documents"] == many.documents[:HEALTH_DOCUMENTS]
    assert h["document_count"] == 3 * HEALTH_DOCUMENTS and h["documents_truncated"] is True
    with TestClient(create_app(g)) as client:
        h = client.get("/health").json()
    assert h["documents"] == g.documents and h["document_count"] == len(g.documents)
    assert "documents_truncated" not in h
