"""Security headers on the viewer, its files, GraphiQL and the data routes of a live server."""

from __future__ import annotations

import pytest

COMMON = {"x-content-type-options": "nosniff", "x-frame-options": "DENY", "referrer-policy": "no-referrer"}


def _csp(r) -> dict[str, list[str]]:
    out = {}
    for part in r.headers["content-security-policy"].split(";"):
        name, *values = part.split()
        out[name] = values
    return out


@pytest.mark.parametrize("path", ["/", "/static/viewer.js", "/static/viewer.css", "/static/vendor/cytoscape.min.js"])
def test_the_viewer_and_its_files_load_only_from_the_server(client, path):
    r = client.get(path)
    assert r.status_code == 200
    assert {k: r.headers.get(k) for k in COMMON} == COMMON
    csp = _csp(r)
    assert csp["default-src"] == ["'self'"] and csp["script-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert not any("unsafe" in v or v.startswith("http") for values in csp.values() for v in values)


def test_the_viewer_page_needs_nothing_its_policy_forbids(client):
    page = client.get("/").text
    assert "<script>" not in page and "<style" not in page and " style=" not in page  # no inline code
    assert "http://" not in page and "https://" not in page


def test_graphiql_is_same_origin_only(client):
    r = client.get("/graphql", headers={"Accept": "text/html"})
    assert r.status_code == 200 and "graphiql" in r.text.lower()
    assert {k: r.headers.get(k) for k in COMMON} == COMMON
    csp = _csp(r)
    # vendored (static/vendor/) and booted from static/graphiql.js: no host, nothing inline
    assert "<script>" not in r.text and "<style" not in r.text and " style=" not in r.text
    assert "http://" not in r.text and "https://" not in r.text
    assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
    assert csp["connect-src"] == ["'self'"] and csp["frame-ancestors"] == ["'none'"]
    assert not any("unsafe" in v or v.startswith("http") for values in csp.values() for v in values)
    for src in ("/static/vendor/react.production.min.js", "/static/vendor/graphiql.min.js",
                "/static/vendor/graphiql.min.css", "/static/graphiql.js"):
        assert src in r.text and client.get(src).status_code == 200


@pytest.mark.parametrize("path", ["/health", "/graphql?query=%7Bcities%7Bname%7D%7D", "/sparql?query=ASK%7B%7D",
                                  "/ontology", "/metrics", "/no-such-page"])
def test_data_routes_are_never_pages(client, path):
    r = client.get(path)
    assert {k: r.headers.get(k) for k in COMMON} == COMMON
    assert _csp(r)["default-src"] == ["'none'"]
