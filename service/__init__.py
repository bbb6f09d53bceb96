"""policykg service: GraphQL, SPARQL and exports over the built graph."""
