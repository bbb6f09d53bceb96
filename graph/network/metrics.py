"""Centrality and communities of a weighted networkx graph.

Pure functions over any ``nx.Graph`` with a ``weight`` edge attribute, so the
exported views and the GraphQL analytics rank and group with one definition.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

# Louvain moves nodes in a random order: a fixed seed makes the communities,
# and so every export and answer, the same on every run.
LOUVAIN_SEED = 42


@dataclass(frozen=True, slots=True)
class Centrality:
    degree: float  # share of the other nodes it is tied to
    strength: float  # weighted degree: shared measures summed over its ties
    betweenness: float  # share of shortest paths through it (hops)
    rank: int  # 1 = most central: by strength, then degree, then betweenness


def _round(x: float) -> float:
    # a stable text form: exports are compared byte for byte
    return round(float(x), 6)


def centrality(g: nx.Graph, weight: str = "weight") -> dict[str, Centrality]:
    if g.number_of_nodes() == 0:
        return {}
    degree = nx.degree_centrality(g) if g.number_of_nodes() > 1 else {n: 0.0 for n in g}
    strength = dict(g.degree(weight=weight))
    betweenness = nx.betweenness_centrality(g)
    order = sorted(g, key=lambda n: (-strength[n], -degree[n], -betweenness[n], n))
    return {n: Centrality(_round(degree[n]), _round(strength[n]), _round(betweenness[n]), i + 1)
            for i, n in enumerate(order)}


def communities(g: nx.Graph, weight: str = "weight") -> list[list[str]]:
    """Louvain communities, largest first; members in the graph's node order."""
    if g.number_of_nodes() == 0:
        return []
    pos = {n: i for i, n in enumerate(g)}
    found = nx.community.louvain_communities(g, weight=weight, seed=LOUVAIN_SEED)
    groups = [sorted(c, key=pos.__getitem__) for c in found]
    return sorted(groups, key=lambda c: (-len(c), pos[c[0]]))
