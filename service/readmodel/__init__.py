"""The graph read once into typed records and indexes, and the questions asked of it.

    records.py    the typed records the index holds (field names are the schema's)
    index.py      the whole graph in a fixed number of SELECTs → records + dict indexes
    names.py      names as people write them → cities, organizations, concepts
    queries.py    the API's questions as plain functions (no GraphQL): notebook-callable
    lookups.py    per-request hops between nodes, each checking the request's deadline
    state.py      one loaded graph (store, index, queries, derived structures) and its version
    network.py    the served graph's network views and recent exports (graph/network, graph/export)

Nothing here knows HTTP or GraphQL.
"""
