"""Resolve names the way people write them (the contract's header), or say why not.

- city: "许昌", "许昌市", "Xuchang" (any case), "411000", its id or IRI;
- organization: the canonical name or any alias seen in a document or in the
  institution registry, optionally scoped by city. City bodies share short
  names across cities (every city has a 市科技局), so a name can resolve to
  several organizations;
- measure type / industry / indicator: the concept's IRI, local id (also as
  ``mt:id`` / ``ind:id`` / ``kpi:id``), Chinese or English label, or an
  alternative label (高新技术企业 for 高新技术企业数量).

Keys are squashed (full-width to half-width, whitespace dropped, lower case)
so "市科技局" and "市 科技局" and "ＸＵＣＨＡＮＧ" meet; a name written in
traditional characters (許昌, 揭榜掛帥) is read as its simplified form.

A name that resolves to nothing raises :class:`UnknownName` (a client error,
answered as a GraphQL error on the field) naming the argument and the closest
known names (graph/closest.py, shared with the export filters): by edit
distance on the written form, on its pinyin (许唱 → 许昌市: both read
xuchang) and on English labels. A name that means several
things where one is needed raises :class:`AmbiguousName` with what it could mean.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from threading import Lock

from graph.closest import Suggester, simplified

from ..errors import QueryError
from .index import INDICATOR_SCHEME, INDUSTRY_SCHEME, MEASURE_TYPE_SCHEME, GraphIndex, in_city_key
from .name_keys import key  # noqa: F401 - callers import it from here
from .records import City, Concept, Organization

_GLOSS = re.compile(r"(.+?)\s*\((.+)\)")  # an English label with its pinyin in brackets
_PREFIXES = {MEASURE_TYPE_SCHEME: "mt:", INDUSTRY_SCHEME: "ind:", INDICATOR_SCHEME: "kpi:"}


def _keys(text: str) -> Iterator[str]:
    """The keys to try for a written name: as written, then (only if that missed) in simplified
    characters, so a known name pays nothing for the conversion."""
    k = key(text)
    yield k
    s = key(simplified(text))
    if s != k:
        yield s


def _english_forms(label: str) -> list[str]:
    """"Open challenge calls (jiebang guashuai)" is also written without its gloss, or as the gloss."""
    m = _GLOSS.fullmatch(label or "")
    return [label, m.group(1), m.group(2)] if m else [label]


class UnknownName(QueryError):
    """A name that matches nothing known: the message names the argument and the closest names."""

    def __init__(self, argument: str, message: str, suggestions: list[str]) -> None:
        super().__init__(message)
        self.argument = argument
        self.suggestions = suggestions


class AmbiguousName(UnknownName):
    """A name that means several things where one is needed (市科技局 without a city)."""


def _quote(name: str) -> str:
    return "'" + name.replace("'", "\\'") + "'"


def unknown(what: str, name: str, argument: str, suggester: Suggester | None, where: str = "") -> UnknownName:
    """``no city '许唱' (argument `city`); did you mean 许昌市?`` (``where``: " in 许昌市")."""
    close = suggester.closest(name) if suggester is not None else []
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return UnknownName(argument, f"no {what} {_quote(name)}{where} (argument `{argument}`){hint}", close)


def require(value, what: str, name: str, argument: str, suggester: Suggester | None):
    """``value`` unless it is None, else the error for an unknown ``name``."""
    if value is None:
        raise unknown(what, name, argument, suggester)
    return value


class Names:
    """Lookup tables built once from the index."""

    def __init__(self, ix: GraphIndex) -> None:
        self._ix = ix
        self._cities: dict[str, str] = {}
        for c in ix.cities.values():
            for name in (c.iri, c.id, c.admin_code, c.name, c.name_en, c.short):
                if name:
                    self._cities.setdefault(key(name), c.iri)
        # name key → organizations, and the same per city (index._org_names): tables of the index,
        # so that an index on disk keeps them on disk too
        self._orgs = ix.org_names
        self._orgs_in_city = ix.org_names_in_city
        self._concepts: dict[str, dict[str, str]] = {MEASURE_TYPE_SCHEME: {}, INDUSTRY_SCHEME: {}}
        for c in ix.concepts.values():
            table = self._concepts.setdefault(c.scheme, {})
            prefixed = _PREFIXES[c.scheme] + c.id if c.scheme in _PREFIXES else None
            for name in (c.iri, c.id, c.label, *_english_forms(c.label_en), *c.alt_labels, prefixed):
                if name:
                    table.setdefault(key(name), c.iri)
        self._suggesters: dict[object, Suggester] = {}
        self._suggest_lock = Lock()

    # -- cities --------------------------------------------------------------
    def city(self, name: str | None) -> City | None:
        if name is None:
            return None
        for k in _keys(name):
            iri = self._cities.get(k)
            if iri:
                return self._ix.cities.get(iri)
        return None

    def require_city(self, name: str | None, argument: str = "city") -> City | None:
        """The city a name means; None for None; an error naming the argument for an unknown name."""
        if name is None:
            return None
        return require(self.city(name), "city", name, argument, self._city_suggester())

    def require_cities(self, names: list[str] | None, argument: str = "cities") -> list[City] | None:
        """Every city of a list, or one error that lists every unknown element."""
        if names is None:
            return None
        found = [(n, self.city(n)) for n in names]
        missing = [n for n, c in found if c is None]
        if missing:
            sug = self._city_suggester()
            parts, offered = [], []
            for n in missing:
                close = sug.closest(n)
                offered += close
                parts.append(f"{_quote(n)} (did you mean {', '.join(close)}?)" if close else _quote(n))
            noun = "city" if len(missing) == 1 else "cities"
            raise UnknownName(argument, f"no {noun} {', '.join(parts)} (argument `{argument}`)", offered)
        return [c for _, c in found if c is not None]

    def _city_suggester(self) -> Suggester:
        def forms() -> Iterable[tuple[str, str]]:
            for c in self._ix.cities.values():
                for f in (c.name, c.short, c.name_en, c.admin_code):
                    yield f, c.name
        return self._suggester("city", forms)

    # -- organizations -------------------------------------------------------
    def organizations(self, name: str, city: City | None = None) -> list[Organization]:
        """Every organization the name can mean, within ``city`` when given."""
        for k in _keys(name):
            if k in self._orgs:
                iris = self._orgs[k] if city is None else self._orgs_in_city.get(in_city_key(k, city.iri), ())
            else:
                iris = self._with_city_prefix(k, city)
            if iris:
                return sorted((self._ix.organizations[i] for i in iris), key=self._preference)
        return []

    def organization(self, name: str, city: City | None = None) -> Organization | None:
        """One organization: a national body first, else the first by city code."""
        found = self.organizations(name, city)
        return found[0] if found else None

    def require_organizations(self, name: str | None, city: City | None = None,
                              argument: str = "organization") -> list[Organization] | None:
        """Every organization a name can mean (a filter takes them all), or the error for an unknown name."""
        if name is None:
            return None
        found = self.organizations(name, city)
        if not found:
            raise self._unknown_organization(name, city, argument)
        return found

    def require_organization(self, name: str, city: City | None = None,
                             argument: str = "name") -> Organization:
        """The one organization a name means. A name several cities' bodies share (市科技局) is
        ambiguous without a city: the error lists the cities to choose from. A national body
        holding the name is the one meant."""
        found = self.require_organizations(name, city, argument)
        national = [o for o in found if o.city_iri is None]
        if len(found) == 1 or len(national) == 1:
            return national[0] if len(national) == 1 else found[0]
        cities = [self._ix.cities[o.city_iri].name for o in found if o.city_iri in self._ix.cities]
        if city is None and len(set(cities)) == len(found):
            shown = ", ".join(cities)
            raise AmbiguousName(argument, f"{name} names {len(found)} organizations (argument `{argument}`): "
                                          f"give city: {shown}", cities)
        names = [o.name for o in found]
        raise AmbiguousName(argument, f"{name} names {len(found)} organizations (argument `{argument}`): "
                                      f"give one of {', '.join(names)}", names)

    def _unknown_organization(self, name: str, city: City | None, argument: str) -> UnknownName:
        where = f" in {city.name}" if city is not None else ""
        elsewhere = self.organizations(name) if city is not None else []
        if elsewhere:  # known, but another city's
            homes = sorted({self._ix.cities[o.city_iri].name for o in elsewhere if o.city_iri in self._ix.cities})
            return UnknownName(argument, f"no organization {_quote(name)}{where} (argument `{argument}`); "
                                         f"it is named in {', '.join(homes)}", homes)
        return unknown("organization", name, argument, self._org_suggester(city), where)

    def _org_suggester(self, city: City | None) -> Suggester:
        ix = self._ix

        def forms() -> Iterable[tuple[str, str]]:
            # bodies the documents name first: a registry-only institution is rarely what was meant
            orgs = [ix.organizations[i] for i in (ix.orgs_by_city.get(city.iri, []) if city else ix.listed_orgs)]
            for o in orgs:
                for f in (o.name, *o.aliases):
                    yield f, o.name
        return self._suggester(("organization", city.iri if city else None), forms)

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

    def require_measure_type(self, name: str | None, argument: str = "measureType") -> Concept | None:
        return self._require_concept(MEASURE_TYPE_SCHEME, "measure type", name, argument)

    def require_industry(self, name: str | None, argument: str = "industry") -> Concept | None:
        return self._require_concept(INDUSTRY_SCHEME, "industry", name, argument)

    def require_indicator(self, name: str | None, argument: str = "indicator") -> Concept | None:
        return self._require_concept(INDICATOR_SCHEME, "indicator", name, argument)

    def _concept(self, scheme: str, name: str | None) -> Concept | None:
        if name is None:
            return None
        table = self._concepts.get(scheme, {})
        for k in _keys(name):
            iri = table.get(k)
            if iri:
                return self._ix.concepts.get(iri)
        return None

    def _require_concept(self, scheme: str, what: str, name: str | None, argument: str) -> Concept | None:
        if name is None:
            return None
        return require(self._concept(scheme, name), what, name, argument, self.concept_suggester(scheme))

    def concept_suggester(self, scheme: str) -> Suggester:
        def forms() -> Iterable[tuple[str, str]]:
            for c in self._ix.concepts.values():
                if c.scheme == scheme:
                    for f in (c.label, *_english_forms(c.label_en), *c.alt_labels):
                        yield f, c.label
        return self._suggester(("concept", scheme), forms)

    # -- suggesters, made on the first mistake ----------------------------------
    def _suggester(self, which: object, forms) -> Suggester:
        with self._suggest_lock:
            s = self._suggesters.get(which)
            if s is None:
                if len(self._suggesters) > 1024:  # city-scoped ones come from clients' city names
                    self._suggesters.clear()
                s = self._suggesters[which] = Suggester(forms())
            return s
