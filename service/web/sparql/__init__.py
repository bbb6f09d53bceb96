"""``/sparql``: read-only SPARQL 1.1 Protocol over the served graph, bounded in every way.

    guard.py           what a query may ask: no update, no SERVICE, nesting bounded
    formats.py         result serializations, content negotiation, row and byte caps
    evaluate.py        one query evaluated and its answer written
    worker_network.py  the workers' network taken away (namespace or seccomp)
    sandbox.py         evaluation in killable, memory-capped worker processes
    endpoint.py        the HTTP handler: request, fair slots, time limit, streamed answer
"""
