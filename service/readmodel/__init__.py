"""The graph read once into typed records and indexes, and the questions asked of it.

    records.py     the typed records the index holds (field names are the schema's)
    index.py       the whole graph in a fixed number of SELECTs → records + dict indexes
    index_file.py  the index in one SQLite file workers open read-only (start-up cache)
    staged.py      record tables written to a staging file as an entry reads the graphs
    names.py       names as people write them → cities, organizations, concepts
    name_keys.py   the width-, case- and space-insensitive key names are looked up by
    queries.py     the API's questions as plain functions (no GraphQL): notebook-callable
    lookups.py     per-request hops between nodes, each checking the request's deadline
    state.py       one loaded graph (store, index, queries, derived structures) and its version
    network.py     the served graph's network views and recent exports (graph/network, graph/export)

Nothing here knows HTTP or GraphQL.
"""
