"""Policy diffusion: which cities adopted a measure type, when, in what order.

A city adopts a measure type on the issuing date of its earliest policy that
carries a measure of that type (or of a narrower type: a family such as
``mt:family-enterprise`` diffuses through any of its members). An annex
without a date of its own takes the date of its main document. Cities whose
policies have no known date come last, with no lag.

Province clustering compares where the adopters are with where the corpus's
cities are: ``province_lift`` is the top province's share of adopters divided
by its share of all cities, so 2.0 means "twice as concentrated as chance".
``single_province`` flags a type every adopter of which (two or more) lies in
one province — 河南's 十百千 转型升级创新专项 (``mt:henan-transformation-projects``)
appears only in 河南 cities.

    from service.lifecycle.loading import load_graph
    from service.insights import diffusion
    g = load_graph()
    d = diffusion.diffusion(g, "揭榜挂帅")
    [(a.city_name, a.date, a.lag_days) for a in d.adoptions]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from ..readmodel.index import MEASURE_TYPE_SCHEME
from ..readmodel.records import Concept
from .common import concept_order, derived, policy_dates, resolve_concept, to_csv
from .databases import EntryMapping, KeptRows

DIFFUSION_FILE = "diffusion.sqlite"
RECENT = 8  # measure types whose adoptions a worker keeps decoded (a few thousand at national scale each)


@dataclass(frozen=True, slots=True)
class Adoption:
    rank: int  # 1 for the first adopter; cities adopting the same day share nothing but order
    city_iri: str
    city_name: str
    province: str
    date: str | None  # ISO date of the adopting policy
    lag_days: int | None  # days after the first adopter; 0 for it, None when undated
    policy_iri: str  # the adopting policy (earliest carrying the type)
    measure_type_iri: str
    measure_count: int  # measures of the type in this city

    def measure_iris(self, ix: Any) -> tuple[str, ...]:
        """Every measure of the type in this city, in document order, read from the index when asked:
        kept in every adoption, they were every typed measure's IRI again in each worker's diffusions."""
        return tuple(ix.type_city_measures.get(self.measure_type_iri, {}).get(self.city_iri, ()))


@dataclass(frozen=True, slots=True)
class ProvinceShare:
    province: str
    cities: int  # adopters in the province
    share: float  # of all adopters
    corpus_cities: int  # cities of the corpus in the province


@dataclass(frozen=True, slots=True)
class Diffusion:
    measure_type: Concept
    # in adoption order; kept with an entry, read from its file when first iterated (KeptAdoptions), so that
    # the list of every type's diffusion (``diffusions``) holds none of them
    adoptions: Sequence[Adoption]
    provinces: tuple[ProvinceShare, ...]  # most adopters first
    corpus_city_count: int
    city_count: int  # len(adoptions)
    first_adopter: Adoption | None
    span_days: int | None  # days from the first to the last dated adoption

    @classmethod
    def of(cls, measure_type: Concept, adoptions: tuple[Adoption, ...], provinces: tuple[ProvinceShare, ...],
           corpus_city_count: int) -> Diffusion:
        lags = [a.lag_days for a in adoptions if a.lag_days is not None]
        return cls(measure_type, adoptions, provinces, corpus_city_count, len(adoptions),
                   adoptions[0] if adoptions else None, max(lags) if lags else None)

    @property
    def top_province(self) -> str | None:
        return self.provinces[0].province if self.provinces else None

    @property
    def top_province_share(self) -> float | None:
        return self.provinces[0].share if self.provinces else None

    @property
    def single_province(self) -> bool:
        """Two or more adopters, all in one province."""
        return len(self.adoptions) >= 2 and len(self.provinces) == 1

    @property
    def province_lift(self) -> float | None:
        if not self.provinces or not self.corpus_city_count:
            return None
        top = self.provinces[0]
        base = top.corpus_cities / self.corpus_city_count
        return round(top.share / base, 4) if base else None


def _days(a: str, b: str) -> int | None:
    try:
        return (date.fromisoformat(b) - date.fromisoformat(a)).days
    except ValueError:
        return None


def _compute(g: Any) -> dict[str, Diffusion]:
    ix = g.index
    dates = policy_dates(g)
    province_of = {iri: c.province or "" for iri, c in ix.cities.items()}
    corpus_by_province = Counter(province_of.values())
    out: dict[str, Diffusion] = {}
    for concept_iri in concept_order(ix, ix.type_city_measures):
        by_city = ix.type_city_measures[concept_iri]
        rows = []
        for city_iri, measures in by_city.items():
            if city_iri not in ix.cities:
                continue
            # earliest dated policy carrying the type; undated ones only if nothing is dated
            best: tuple | None = None
            for m in measures:
                p = ix.measures[m].policy_iri
                d = dates.get(p)
                k = (d is None, d or "", ix.policies[p].document if p in ix.policies else p)
                if best is None or k < best[0]:
                    best = (k, p, d)
            assert best is not None
            rows.append((best[0][0], best[2] or "", ix.cities[city_iri].admin_code, city_iri, best[1], best[2],
                         len(measures)))
        rows.sort()
        first_date = next((r[5] for r in rows if r[5]), None)
        adoptions = []
        for rank, (_, _, _, city_iri, policy, d, count) in enumerate(rows, 1):
            city = ix.cities[city_iri]
            lag = _days(first_date, d) if (first_date and d) else None
            adoptions.append(Adoption(rank, city_iri, city.name, city.province or "", d, lag, policy, concept_iri,
                                      count))
        counts = Counter(a.province for a in adoptions)
        n = len(adoptions)
        provinces = tuple(
            ProvinceShare(p, c, round(c / n, 4), corpus_by_province.get(p, 0))
            for p, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        out[concept_iri] = Diffusion.of(ix.concepts[concept_iri], tuple(adoptions), provinces, len(ix.cities))
    return out


class KeptAdoptions(Sequence):
    """One measure type's adoptions, read from the entry's diffusion rows when first used. Compares
    equal to the same adoptions in a tuple."""

    def __init__(self, rows: EntryMapping, measure_type_iri: str, count: int) -> None:
        self._rows, self._type, self._count = rows, measure_type_iri, count

    def _all(self) -> tuple[Adoption, ...]:
        return self._rows[self._type]

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, i: Any) -> Any:
        return self._all()[i]

    def __iter__(self) -> Iterator[Adoption]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        return tuple(self) == tuple(other) if isinstance(other, Sequence) else NotImplemented

    def __hash__(self) -> int:
        return hash((self._type, self._count))

    def __repr__(self) -> str:
        return f"<KeptAdoptions {self._type}: {self._count}>"


class KeptDiffusions(KeptRows):
    """Every measure type's diffusion kept with an entry: the summaries in the pickle (a few KiB), each
    type's adoptions a row of ``diffusion.sqlite``. Kept whole, a worker's first ``diffusions`` request
    unpickled every adoption of every type (+13 MiB at 3,000 documents)."""

    FILE = DIFFUSION_FILE

    def __init__(self, g: Any, made: Mapping[str, Diffusion]) -> None:
        super().__init__(g, {"adoptions": {iri: tuple(d.adoptions) for iri, d in made.items()}})
        self.summaries = {iri: replace(d, adoptions=()) for iri, d in made.items()}

    def attach(self, g: Any) -> dict[str, Diffusion]:
        super().attach(g)
        rows = self.mapping("adoptions", RECENT)
        return {iri: replace(d, adoptions=KeptAdoptions(rows, iri, d.city_count)) for iri, d in self.summaries.items()}


def all_diffusions(g: Any) -> dict[str, Diffusion]:
    """Measure type IRI → its diffusion, for every type some measure carries."""
    return derived(g, "diffusion", _compute)


def diffusion(g: Any, measure_type: str) -> Diffusion | None:
    """The diffusion of one measure type (IRI, ``mt:id``, id or label); None when unknown.
    A known type no city has yields a diffusion with no adoptions."""
    c = resolve_concept(g, measure_type, MEASURE_TYPE_SCHEME)
    if c is None:
        return None
    return all_diffusions(g).get(c.iri) or Diffusion.of(c, (), (), len(g.index.cities))


def diffusions(g: Any, min_cities: int = 2, single_province: bool | None = None) -> list[Diffusion]:
    """Every measure type adopted by at least ``min_cities`` cities, most widely adopted first;
    ``single_province=True`` keeps only the province-bound ones."""
    out = [d for d in all_diffusions(g).values() if d.city_count >= min_cities]
    if single_province is not None:
        out = [d for d in out if d.single_province == single_province]
    out.sort(key=lambda d: (-d.city_count, d.measure_type.id))
    return out


def diffusion_csv(g: Any, measure_type: str | None = None) -> str:
    """One row per (measure type, adopting city), in adoption order."""
    if measure_type is not None:
        d = diffusion(g, measure_type)
        items = [d] if d is not None else []
    else:
        items = list(all_diffusions(g).values())
    ix = g.index
    rows = []
    for d in items:
        for a in d.adoptions:
            rows.append([
                d.measure_type.id, d.measure_type.label, a.rank, a.city_name, a.province, a.date, a.lag_days,
                ix.policies[a.policy_iri].title if a.policy_iri in ix.policies else a.policy_iri,
                a.measure_count, d.city_count, d.top_province, d.top_province_share, d.single_province,
            ])
    return to_csv(["measure_type", "measure_type_label", "rank", "city", "province", "date", "lag_days",
                   "policy", "measures", "adopters", "top_province", "top_province_share", "single_province"],
                  rows)
