"""The level of a policy's issuing government, and who implements whom.

A policy's level is NATIONAL when one of its issuers is a national body
(国务院, a ministry: the names pk:NATIONAL's patterns match in
ontology/policykg.ttl), else the level of the jurisdiction the manifest puts
it in (graph/gazetteer.py: a province, a prefecture, a county). No national
pseudo-jurisdiction is added: a national policy still names the manifest's
jurisdiction as its city.

Implementation (贯彻落实) links a citing policy to a cited corpus policy when
the citing jurisdiction is the cited one's or lies within it (承德 within
河北), and either the citing title is an implementing one (贯彻 / 落实 /
实施: pk:titlePattern on pk:implements) or the sentence that cites says it
carries the cited policy out (贯彻落实…精神, 根据…要求: pk:pattern). Chained, the
links run national → province → prefecture → county.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from rdflib import URIRef

from .gazetteer import City, Gazetteer
from .model import Citation, DocumentFacts
from .normalize import normalize
from .vocab import PK

NATIONAL = "NATIONAL"


@functools.cache
def _words() -> tuple[tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...]]:
    """(national issuer patterns, implementing-title patterns, implementing-sentence patterns)."""
    from .schemes import load_schemes

    g = load_schemes().graph

    def pats(s, p):
        return tuple(re.compile(str(o)) for o in sorted(g.objects(s, p), key=str))

    return (pats(URIRef(PK.NATIONAL), PK.pattern), pats(URIRef(PK.implements), PK.titlePattern),
            pats(URIRef(PK.implements), PK.pattern))


def is_national_body(name: str) -> bool:
    national, _, _ = _words()
    name = re.sub(r"\s+", "", name)
    return any(p.search(name) for p in national)


def policy_level(facts: DocumentFacts, city: City) -> str:
    """NATIONAL when an issuer is a national body, else the city's level."""
    # by name: the resolver scopes even 国务院 to the manifest's jurisdiction
    for issuer in facts.meta.issuers:
        if is_national_body(issuer.org.name) or is_national_body(issuer.surface):
            return NATIONAL
    return city.level


@dataclass(frozen=True)
class Implementation:
    citing: str  # file of the implementing policy
    cited: str  # file of the implemented policy
    citation: Citation  # the citation it rests on


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around [start, end): from the last 。；\\n before to the first after."""
    a = max(text.rfind(c, 0, start) for c in "。;；\n") + 1
    bs = [i for i in (text.find(c, end) for c in "。;；\n") if i >= 0]
    return text[a : min(bs) if bs else len(text)]


@dataclass(frozen=True)
class CitingPolicy:
    """What implementation needs of one document: kept per document by the streaming build
    (graph/stream.py) instead of the document's facts."""

    file: str
    city_code: str
    title: str
    doc_number: str | None
    national: bool  # an issuer is a national body
    citations: tuple[tuple[Citation, bool], ...]  # each citation, and whether its sentence says it implements


def citing_policy(facts: DocumentFacts) -> CitingPolicy:
    """The document's implementation inputs: its sentences are read here, once."""
    _, title_words, sentence_words = _words()
    title_says = any(p.search(facts.meta.title) for p in title_words)
    norm = normalize(facts.source.text) if facts.citations and not title_says else ""
    cites = tuple(
        (c, title_says or any(p.search(_sentence(norm, c.span.start, c.span.end)) for p in sentence_words))
        for c in facts.citations
    )
    national = any(is_national_body(i.org.name) for i in facts.meta.issuers)
    return CitingPolicy(facts.source.name, facts.meta.city_code, facts.meta.title, facts.meta.doc_number,
                        national, cites)


def implementations(facts: list[DocumentFacts], gazetteer: Gazetteer) -> list[Implementation]:
    """Each citing → cited pair of corpus policies that is an implementation (module docstring)."""
    return implementations_of([citing_policy(f) for f in facts], gazetteer)


def implementations_of(policies: list[CitingPolicy], gazetteer: Gazetteer) -> list[Implementation]:
    """:func:`implementations` over the documents' :class:`CitingPolicy` (in corpus order)."""
    by_number = {f.doc_number: f for f in policies if f.doc_number}
    by_title = {re.sub(r"\s+", "", f.title): f for f in policies}
    out: list[Implementation] = []
    seen: set[tuple[str, str]] = set()
    for f in policies:
        citing_city = gazetteer.get(f.city_code)
        enclosing = {f.city_code} | {c.code for c in gazetteer.ancestors(citing_city)}
        for c, says in f.citations:
            cited = by_number.get(c.doc_number or "") or by_title.get(re.sub(r"\s+", "", c.title))
            if cited is None or cited.file == f.file or (f.file, cited.file) in seen:
                continue
            if not cited.national and cited.city_code not in enclosing:
                continue
            if not says:
                continue
            seen.add((f.file, cited.file))
            out.append(Implementation(f.file, cited.file, c))
    return out
