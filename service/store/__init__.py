"""Where the triples are: one protocol, an embedded store and a remote one.

    protocol.py   GraphStore: query, triple_count, graph_names; round trips counted
    embedded.py   OxigraphStore: pyoxigraph in memory or on disk; rdflib terms handed over
    remote.py     RemoteStore: a SPARQL 1.1 engine over Query, Update and Graph Store protocols
"""
