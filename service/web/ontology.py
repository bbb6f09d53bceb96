"""GET /ontology: the ontology, SKOS schemes, institution registry and shapes (ontology/*.ttl)
as one Turtle document."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph.vocab import PREFIXES


def _ontology_files() -> list[tuple[str, bytes]]:
    """(name, bytes) of ontology/*.ttl, read through the package's resources."""
    try:
        root = resources.files("ontology")
        entries = list(root.iterdir())
    except (NotADirectoryError, FileNotFoundError, ModuleNotFoundError):
        # an editable install made before ontology/ had its __init__.py sees
        # a namespace package; its real folders are still on __path__
        import ontology

        entries = [p for d in ontology.__path__ if Path(d).is_dir() for p in Path(d).iterdir()]
    return sorted((e.name, e.read_bytes()) for e in entries if e.name.endswith(".ttl"))


def ontology_turtle() -> bytes:
    """All ontology files merged into one graph, serialized as Turtle.

    Parsed and re-serialized rather than concatenated: files may declare the
    same prefix differently or use @base, and the result must parse.
    """
    triples: list[Any] = []
    for name, data in _ontology_files():
        try:
            triples.extend(q.triple for q in ox.parse(data, format=ox.RdfFormat.TURTLE))
        except SyntaxError as exc:
            raise ValueError(f"ontology/{name} does not parse: {exc}") from None
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE,
                        prefixes={p: str(ns) for p, ns in PREFIXES.items()}) or b""
