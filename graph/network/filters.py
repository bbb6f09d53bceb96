"""What a user asks for (view + filters) → the measures a view is built from.

Filters name things (许昌, 市科技局, 揭榜挂帅) and combine with AND: each
chooses the measures that concern it, and a view is made of the chosen
measures. ``depth`` instead cuts a neighbourhood: the named node becomes the
centre, its own filter no longer narrows the measures, and the view keeps
what lies within ``depth`` hops of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

from ..closest import hint
from .names import Names
from .records import Corpus

VIEWS = ("responsibility", "co-responsibility", "city-measure-type", "city-institution", "city-similarity")

# Which filters name a node of each view (a possible centre), in priority order.
CENTRES = {
    "responsibility": ("organization", "institution"),
    "co-responsibility": ("organization", "institution"),
    "city-measure-type": ("measure_type", "city"),
    "city-institution": ("institution", "city"),
    "city-similarity": ("city",),
}


class FilterError(ValueError):
    """A filter that names nothing, or a view or depth that does not exist."""


@dataclass(frozen=True)
class Filters:
    view: str = "responsibility"
    city: str | None = None
    organization: str | None = None
    measure_type: str | None = None
    industry: str | None = None
    institution: str | None = None
    depth: int | None = None
    inherited: bool = False  # count INHERITED responsibilities too (EXPLICIT only by default)

    def describe(self) -> str:
        """'view=co-responsibility; city=许昌; basis=EXPLICIT': written into every export."""
        named = [f"{f.name}={getattr(self, f.name)}" for f in fields(self)
                 if f.name != "inherited" and getattr(self, f.name) not in (None, "")]
        return "; ".join([*named, "basis=EXPLICIT+INHERITED" if self.inherited else "basis=EXPLICIT"])


@dataclass(frozen=True)
class Selection:
    measures: Sequence[str]  # in corpus order
    centre: str | None  # IRI of the node a neighbourhood is cut around
    depth: int | None


def check(filters: Filters) -> None:
    if filters.view not in VIEWS:
        raise FilterError(f"unknown view {filters.view!r}: one of {', '.join(VIEWS)}")
    if filters.depth is not None and filters.depth < 0:
        raise FilterError(f"depth must be 0 or more, not {filters.depth}")


def select(corpus: Corpus, names: Names, filters: Filters) -> Selection:
    check(filters)
    city = None
    if filters.city:
        city = names.city(filters.city)
        if city is None:
            raise FilterError(f"no city {filters.city!r}{hint(names.closest_cities(filters.city))}")

    # The centre: the first filter naming a node of this view. City
    # similarity always centres on its city: keeping only that city's
    # measures would leave nothing to compare it with.
    centre_filter = None
    depth = filters.depth
    if depth is not None or (filters.view == "city-similarity" and city):
        centre_filter = next((f for f in CENTRES[filters.view] if getattr(filters, f)), None)
        if centre_filter is None:
            wanted = " or ".join(CENTRES[filters.view])
            raise FilterError(f"depth needs a centre: give {wanted} for the {filters.view} view")
        if depth is None:
            depth = 1

    chosen: list[set[str]] = []
    centre = None
    for name in ("city", "organization", "institution", "measure_type", "industry"):
        value = getattr(filters, name)
        if not value:
            continue
        iris = _resolve(corpus, names, name, value, city)
        if name == centre_filter:
            if len(iris) > 1:
                raise FilterError(f"{name} {value!r} names {len(iris)} nodes: add a city")
            centre = next(iter(iris))
            continue
        chosen.append(_measures_of(corpus, name, iris))
    return Selection(corpus.in_order(chosen), centre, depth if centre else None)


def _resolve(corpus: Corpus, names: Names, name: str, value: str, city: str | None) -> set[str]:
    if name == "city":
        assert city is not None
        return {city}
    if name in ("organization", "institution"):
        orgs = names.organizations(value, city)
        if name == "institution":
            orgs = [o for o in orgs if corpus.organizations[o].is_institution]
        if not orgs:
            raise FilterError(f"no {name} {value!r}" + (f" in {corpus.cities[city].short}" if city else "")
                              + hint(names.closest_organizations(value, city)))
        homes = sorted({corpus.organizations[o].city_iri for o in orgs} - {None}, key=corpus.city_code)
        if city is None and len(orgs) > 1 and len(homes) > 1:
            # 市科技局 is every city's: as GraphQL's organization(name:), say so rather than merge them
            cities = ", ".join(corpus.cities[c].name for c in homes if c in corpus.cities)
            raise FilterError(f"{name} {value!r} names {len(orgs)} organizations: give city: {cities}")
        return set(orgs)
    scheme = "measureType" if name == "measure_type" else "industry"
    concept = names.concept(scheme, value)
    if concept is None:
        raise FilterError(f"no {'measure type' if scheme == 'measureType' else 'industry'} {value!r}"
                          + hint(names.closest_concepts(scheme, value)))
    return {concept}


def _measures_of(corpus: Corpus, name: str, iris: set[str]) -> set[str]:
    if name == "city":
        return corpus.measures_in_cities(iris)
    if name in ("organization", "institution"):
        return corpus.measures_of_organizations(iris)
    return corpus.measures_classed("measure_types" if name == "measure_type" else "industries", iris)
