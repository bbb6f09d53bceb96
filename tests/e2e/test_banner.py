"""What `policykg serve` says when it starts: where the viewer and GraphQL are."""

from __future__ import annotations


def test_the_banner_names_the_viewer_and_graphql(server):
    banner = next(line for line in server.log_path.read_text("utf-8").splitlines() if "serving" in line and "triples" in line)
    assert f"network viewer {server.url}/ " in banner
    assert f"GraphQL {server.url}/graphql" in banner
