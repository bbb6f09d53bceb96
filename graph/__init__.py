"""policykg pipeline: policy text → document model → facts → RDF graph."""
