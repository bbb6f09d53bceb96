"""Which graph is served, how it starts fast, and how it is replaced while serving.

    loading.py        the graph to serve: bundled TriG, a file, a folder built in memory, a remote store
    startup_cache.py  a persistent store and the index file per dataset file (data/cache/)
    by_graph.py       a dataset file read one named graph at a time, to make a start-up cache entry
    child.py          a job in a new interpreter (a cache entry made away from a forking parent's heap)
    reload.py         rebuild in a child process, swap whole or not at all; serve --watch, sibling workers
"""
