"""policykg service: the read side (GraphQL, SPARQL, exports) over the built graph.

    cli.py        the ``policykg`` command: the pipeline's commands, serve, settings
    server.py     ``policykg serve``: load the graph, hand the app to uvicorn
    settings.py   every POLICYKG_* setting: type, default, help, strict parsing
    errors.py     errors a client caused and may read (everything else is masked)
    store/        where the triples are: the GraphStore protocol, embedded, remote
    readmodel/    the graph read once into records and indexes; the questions over them
    insights/     research analytics over a loaded graph: plain Python, no server
    lifecycle/    which graph to serve, the start-up cache, reload and swap
    gql/          the GraphQL schema: types, root fields, limits and guards
    web/          the HTTP application: routes, middleware, SPARQL endpoint, viewer

Imports run down that list, never up (tests/test_imports.py checks it); a
package's own __init__.py maps its modules the same way.
"""
