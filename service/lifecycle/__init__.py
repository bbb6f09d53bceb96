"""Which graph is served, how it starts fast, and how it is replaced while serving.

    loading.py        the graph to serve: bundled TriG, a file, a folder built in memory, a remote store
    startup_cache.py  a persistent store and the index file per dataset file (data/cache/)
    reload.py         rebuild in a child process, swap whole or not at all; serve --watch, sibling workers
"""
