"""policykg service: the read side (GraphQL, SPARQL, exports) over the built graph.

    cli.py        the ``policykg`` command: the pipeline's commands, serve, settings
    server.py     ``policykg serve``: load the graph, hand the app to uvicorn
    prefork.py    ``serve --workers N``: workers forked from a parent that imported the code
    web/          the HTTP application: routes, middleware, SPARQL endpoint, viewer
    gql/          the GraphQL schema: types, root fields, limits and guards
    lifecycle/    which graph to serve, the start-up cache, reload and swap
    insights/     research analytics over a loaded graph: plain Python, no server
    readmodel/    the graph read once into records and indexes; the questions over them
    store/        where the triples are: the GraphStore protocol, embedded, remote
    settings.py   every POLICYKG_* setting: type, default, help, strict parsing
    errors.py     errors a client caused and may read (everything else is masked)

Each imports only what stands below it in this list (tests/test_house.py
checks it), and nothing in graph/ or ontology/ imports any of it. Each
package's __init__.py maps its modules the same way.
"""
