"""The HTTP application (Starlette): every route, the middleware, and what bounds a connection.

    app.py               create_app: every route and middleware in one place
    middleware.py        pins each request's graph, caps bodies, feeds metrics, one JSON log line
    security_headers.py  CSP, nosniff, frame and referrer headers on every response
    http_limits.py       request-head deadline and size, connection cap (uvicorn's protocol)
    metrics.py           /metrics: Prometheus text format
    graphql_view.py      /graphql: strawberry's view, hardened decoding, off the accepting loop
    sparql/              /sparql: the read-only SPARQL 1.1 Protocol endpoint
    ontology.py          /ontology: ontology/*.ttl as one Turtle document
    admin.py             /admin/reload: rebuild and swap on demand (bearer token)
    exports.py           /export: a network view in a graph or RDF format
    dashboards.py        /dashboards: research aggregates as CSV
    documents.py         /documents/<file>: the text the spans index
    viewer.py            /: the network viewer page and its static files (static/)
"""
