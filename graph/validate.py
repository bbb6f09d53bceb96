"""SHACL validation of the built dataset against ontology/shapes.ttl."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from rdflib import Graph


@dataclass
class ValidationResult:
    conforms: bool
    report: str
    violations: int


def shapes_graph() -> Graph:
    g = Graph()
    g.parse(data=resources.files("ontology").joinpath("shapes.ttl").read_text("utf-8"), format="turtle")
    return g


def validate_quads(quads) -> ValidationResult:
    import pyshacl

    # Shapes look at the union of all document graphs plus the schemes.
    union = Graph()
    union.addN((s, p, o, union) for s, p, o, _g in quads)
    conforms, report_graph, text = pyshacl.validate(
        union, shacl_graph=shapes_graph(), inference="none", advanced=True, allow_warnings=True
    )
    from rdflib.namespace import SH

    violations = len(list(report_graph.subjects(predicate=SH.resultSeverity)))
    return ValidationResult(bool(conforms), text, violations)
