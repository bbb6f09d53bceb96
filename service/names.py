"""Resolve names the way people write them (the contract's header).

- city: "许昌", "许昌市", "Xuchang" (any case), "411000", its id or IRI;
- organization: the canonical name or any alias seen in a document or in the
  institution registry, optionally scoped by city. City bodies share short
  names across cities (every city has a 市科技局), so a name can resolve to
  several organizations;
- measure type / industry / indicator: the concept's IRI, local id, Chinese
  or English label (or an alternative label: 高新技术企业 for 高新技术企业数量).

Keys are squashed (full-width to half-width, whitespace dropped, lower case)
so "市科技局" and "市 科技局" and "ＸＵＣＨＡＮＧ" meet.
"""

from __future__ import annotations

import unicodedata

from .index import INDICATOR_SCHEME, INDUSTRY_SCHEME, MEASURE_TYPE_SCHEME, GraphIndex
from .records import City, Concept, Organization


def key(text: str) -> str:
    """Width-, case- and space-insensitive form of a name."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(text.split()).lower().replace("（", "(").replace("）", ")")


class Names:
    """Lookup tables built once from the index."""

    def __init__(self, ix: GraphIndex) -> None:
        self._ix = ix
        self._cities: dict[str, str] = {}
        for c in ix.cities.values():
            for name in (c.iri, c.id, c.admin_code, c.name, c.name_en, c.short):
                if name:
                    self._cities.setdefault(key(name), c.iri)
        self._orgs: dict[str, list[str]] = {}
        # the same per city: every city has a 市科技局, and filtering the 300 of them by city
        # made a one-department lookup cost 19 us at 300 cities instead of 1
        self._orgs_in_city: dict[tuple[str, str], list[str]] = {}
        for o in ix.organizations.values():
            cities = {o.city_iri, *o.city_iris} - {None}
            for name in {o.name, o.iri, o.id, *(o.lookup_names), *(o.aliases)} | ({o.name_en} if o.name_en else set()):
                k = key(name)
                bucket = self._orgs.setdefault(k, [])
                if o.iri not in bucket:
                    bucket.append(o.iri)
                for c in cities:
                    in_city = self._orgs_in_city.setdefault((k, c), [])
                    if o.iri not in in_city:
                        in_city.append(o.iri)
        self._concepts: dict[str, dict[str, str]] = {MEASURE_TYPE_SCHEME: {}, INDUSTRY_SCHEME: {}}
        for c in ix.concepts.values():
            table = self._concepts.setdefault(c.scheme, {})
            for name in (c.iri, c.id, c.label, c.label_en, *c.alt_labels):
                if name:
                    table.setdefault(key(name), c.iri)

    # -- cities --------------------------------------------------------------
    def city(self, name: str | None) -> City | None:
        if name is None:
            return None
        iri = self._cities.get(key(name))
        return self._ix.cities.get(iri) if iri else None

    # -- organizations -------------------------------------------------------
    def organizations(self, name: str, city: City | None = None) -> list[Organization]:
        """Every organization the name can mean, within ``city`` when given."""
        k = key(name)
        if k in self._orgs:
            iris = self._orgs[k] if city is None else self._orgs_in_city.get((k, city.iri), ())
        else:
            iris = self._with_city_prefix(k, city)
        return sorted((self._ix.organizations[i] for i in iris), key=self._preference)

    def organization(self, name: str, city: City | None = None) -> Organization | None:
        """One organization: a national body first, else the first by city code."""
        found = self.organizations(name, city)
        return found[0] if found else None

    def _preference(self, o: Organization) -> tuple:
        home = self._ix.cities.get(o.city_iri or "")
        return (home is not None, home.admin_code if home else "", o.iri in self._ix.registry_only, o.name)

    def _with_city_prefix(self, k: str, city: City | None) -> list[str]:
        """'许昌市科技局' when only '市科技局' was written: try the short form in that city."""
        candidates = [city] if city is not None else list(self._ix.cities.values())
        for c in candidates:
            for prefix in (c.name, c.short):
                pk = key(prefix)
                if k.startswith(pk) and len(k) > len(pk):
                    rest = k[len(pk):]
                    for form in ("市" + rest, rest):
                        hits = [i for i in self._orgs.get(form, ())
                                if self._ix.organizations[i].city_iri == c.iri]
                        if hits:
                            return hits
        return []

    # -- concepts ------------------------------------------------------------
    def measure_type(self, name: str | None) -> Concept | None:
        return self._concept(MEASURE_TYPE_SCHEME, name)

    def industry(self, name: str | None) -> Concept | None:
        return self._concept(INDUSTRY_SCHEME, name)

    def indicator(self, name: str | None) -> Concept | None:
        return self._concept(INDICATOR_SCHEME, name)

    def _concept(self, scheme: str, name: str | None) -> Concept | None:
        if name is None:
            return None
        iri = self._concepts.get(scheme, {}).get(key(name))
        return self._ix.concepts.get(iri) if iri else None
