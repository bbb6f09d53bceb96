"""SHACL validation of the built dataset against ontology/shapes.ttl."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from rdflib import Dataset, Graph


@dataclass
class ValidationResult:
    conforms: bool
    report: str
    violations: int


def shapes_graph() -> Graph:
    g = Graph()
    g.parse(data=resources.files("ontology").joinpath("shapes.ttl").read_text("utf-8"), format="turtle")
    return g


def validate_dataset(ds: Dataset) -> ValidationResult:
    import pyshacl

    # Shapes look at the union of all document graphs plus the schemes.
    union = Graph()
    for g in ds.graphs():
        for t in g:
            union.add(t)
    conforms, report_graph, text = pyshacl.validate(
        union, shacl_graph=shapes_graph(), inference="none", advanced=True, allow_warnings=True
    )
    from rdflib.namespace import SH

    violations = len(list(report_graph.subjects(predicate=SH.resultSeverity)))
    return ValidationResult(bool(conforms), text, violations)
