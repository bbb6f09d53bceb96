"""The GraphQL schema over the read model (strawberry), and what bounds a query.

    context.py           what every resolver receives: the pinned graph and this request's lookups
    connections.py       opaque cursors, ``first`` checks, generic Connection / Edge / PageInfo
    text_cache.py        per-query-text caches, bounded by the bytes they keep
    guards.py            string size, expanded size, estimated cost, production mode
    limits.py            depth, aliases, tokens, time; cached parse and validation; error masking
    offload.py           analyses off the event loop until built
    types.py             the contract's object types over the records
    citations.py         the citation network's types
    network.py           root fields over the network analytics (graph/network)
    insights.py          root fields over the research analytics (service/insights)
    schema.py            the Query assembled from the parts, and the schema built with its extensions
    descriptions.py      what every root argument means, in one table (city is explained once)
    direct_resolvers.py  graphql-core calls the resolvers without strawberry's per-call wrapper
"""
