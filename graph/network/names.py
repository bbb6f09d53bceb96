"""Names as people write them → nodes of the corpus, for the export filters.

The same forms the GraphQL API accepts: a city as 许昌 / 许昌市 / Xuchang /
411000 / its IRI; an organization by canonical name, alias (市科技局) or IRI,
scoped by city because every city has its own 市科技局; a concept by label,
English label, local id or IRI. Keys ignore width, case and spaces; traditional
characters are read as simplified (許昌). ``closest_*`` offer the names an unknown
one was probably meant as (graph/closest.py, as the GraphQL errors do).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping

from ..closest import Suggester, simplified
from .records import Corpus, Organization


def key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return "".join(text.split()).lower()


def organization_keys(organizations: Iterable[Organization]) -> dict[str, list[str]]:
    """Each key of an organization's IRI, names and aliases → the organizations it names."""
    found: dict[str, list[str]] = {}
    for o in organizations:
        for n in {o.iri, o.name, o.name_en, *o.aliases}:
            found.setdefault(key(n), []).append(o.iri)
    return found


class Names:
    def __init__(self, corpus: Corpus, org_keys: Mapping[str, list[str]] | None = None) -> None:
        """``org_keys``: ``organization_keys`` of the corpus's organizations, when already made (a corpus
        kept as rows keeps them as rows too)."""
        self.corpus = corpus
        self._cities: dict[str, str] = {}
        for c in corpus.cities.values():
            for n in (c.iri, c.code, c.name, c.name_en, c.short, c.iri.rsplit("/", 1)[-1]):
                self._cities.setdefault(key(n), c.iri)
        self._orgs = org_keys if org_keys is not None else organization_keys(corpus.organizations.values())
        self._city_suggester: Suggester | None = None  # made on the first unknown city
        self._concepts: dict[tuple[str, str], str] = {}
        for c in corpus.concepts.values():
            for n in (c.iri, c.label, c.label_en, c.iri.rstrip("/").rsplit("/", 1)[-1]):
                self._concepts.setdefault((c.scheme, key(n)), c.iri)

    def city(self, name: str) -> str | None:
        return self._cities.get(key(name)) or self._cities.get(key(simplified(name)))

    def closest_cities(self, name: str) -> list[str]:
        if self._city_suggester is None:
            self._city_suggester = Suggester((f, c.name) for c in self.corpus.cities.values()
                                             for f in (c.name, c.short, c.name_en, c.code))
        return self._city_suggester.closest(name)

    def closest_organizations(self, name: str, city_iri: str | None = None) -> list[str]:
        orgs = self.corpus.organizations_in(city_iri)
        return Suggester((f, o.name) for o in orgs for f in {o.name, *o.aliases}).closest(name)

    def closest_concepts(self, scheme: str, name: str) -> list[str]:
        return Suggester((f, c.label) for c in self.corpus.concepts.values() if c.scheme == scheme
                         for f in (c.label, c.label_en)).closest(name)

    def organizations(self, name: str, city_iri: str | None = None) -> list[str]:
        """Every organization the name can mean (within the city when given)."""
        found = self._orgs.get(key(name)) or self._orgs.get(key(simplified(name)), [])
        if not found and city_iri:
            # 许昌市科技局 written for the alias 市科技局
            city = self.corpus.cities[city_iri]
            for prefix in (key(city.name), key(city.short)):
                rest = key(name)[len(prefix):]
                if key(name).startswith(prefix) and rest:
                    found = self._orgs.get("市" + rest) or self._orgs.get(rest) or []
                    if found:
                        break
        if city_iri:
            found = [o for o in found if self.corpus.organizations[o].city_iri in (city_iri, None)]
        return sorted(found)

    def concept(self, scheme: str, name: str) -> str | None:
        return self._concepts.get((scheme, key(name))) or self._concepts.get((scheme, key(simplified(name))))
