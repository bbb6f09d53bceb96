"""The policykg ontology, SKOS schemes, institution registry and SHACL shapes (Turtle files)."""
