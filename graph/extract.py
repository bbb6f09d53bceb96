"""From one decoded document to its facts (document model → facts stage)."""

from __future__ import annotations

import re

from .citations import find_citations
from .concepts import concept_hits
from .formats.meta import meta_doc_number, meta_issued, meta_issuers, meta_title, meta_url
from .gazetteer import City
from .document import parse_document
from .header import doc_number_of
from .report import unexplained_passages
from .responsibilities import ResponsibilityReader
from .roles import RoleWords, load_role_words
from .model import (
    DocumentFacts,
    ManifestEntry,
    OrgMention,
    ParsedDocument,
    PolicyMeta,
    SourceText,
)
from .normalize import StrippedText, normalize, squash
from .orgs import OrgResolver
from .policy_tools import code_measures
from .validity import read_validity
from .schemes import Schemes
from .structure import own_ranges
from .targets import first_year, horizon, measure_targets, plan_start


class Extractor:
    def __init__(self, schemes: Schemes, resolver: OrgResolver, words: RoleWords | None = None):
        self.schemes = schemes
        self.resolver = resolver
        self.words = words or load_role_words()
        self.reader = ResponsibilityReader(resolver, self.words)

    # -- metadata -------------------------------------------------------------

    def _meta(self, doc: ParsedDocument, entry: ManifestEntry, city: City) -> PolicyMeta:
        h = doc.header
        src = doc.source  # its .meta (a portal page's <meta> and info-table fields) fills what is left
        conflicts: list[str] = []

        def pick(field: str, from_text: str | None, from_manifest: str | None) -> str | None:
            if from_text and from_manifest and squash(from_text) != squash(from_manifest):
                conflicts.append(
                    f"{doc.source.name}: {field} in the text is {from_text!r} but the manifest says "
                    f"{from_manifest!r}; the manifest wins"
                )
            return from_manifest or from_text

        title = pick("title", h.title.quote.strip() if h.title else None, entry.title) or meta_title(src)
        if not title:
            title = doc.source.name.rsplit(".", 1)[0]
            conflicts.append(f"{doc.source.name}: no title in the text or the manifest; using the file name")
        doc_number = pick("doc_number", doc_number_of(h.doc_number), entry.doc_number) or meta_doc_number(src)
        issued = pick("issued", h.issued[0] if h.issued else None, entry.issued) or meta_issued(src)
        if issued and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", issued):
            conflicts.append(f"{doc.source.name}: issued {issued!r} is not a YYYY-MM-DD date (ignored)")
            issued = None

        issuers: list[OrgMention] = []
        if entry.issuers:
            text_names = {squash(s.quote) for s in h.issuers}
            if h.issuers and text_names != {squash(n) for n in entry.issuers}:
                conflicts.append(
                    f"{doc.source.name}: issuers in the text are "
                    f"{[s.quote for s in h.issuers]} but the manifest says {entry.issuers}; the manifest wins"
                )
            # an issuer the text names is quoted there; otherwise the manifest's words are
            manifest_spans = entry.issuer_spans or []
            for k, name in enumerate(entry.issuers):
                span = next((s for s in h.issuers if squash(s.quote) == squash(name)), None)
                if span is None and k < len(manifest_spans):
                    span = manifest_spans[k]
                issuers.append(OrgMention(self.resolver.resolve(name, city), name, span or doc.measures[0].span))
        elif h.issuers:
            for s in h.issuers:
                issuers.append(OrgMention(self.resolver.resolve(s.quote, city), s.quote, s))
        elif h.doc_number is not None:
            # the 发文机关代字 of the 文号 names the issuer: 许政 = the government, 许政办 its office
            quote = normalize(h.doc_number.quote)
            prefix = re.search(r"[\u4e00-\u9fff]+(?=\s*\[)", quote)
            code = prefix.group(0) if prefix else ""
            if code.endswith("政办"):
                name = f"{city.name}人民政府办公{'厅' if city.level == 'PROVINCE' and not city.is_municipality else '室'}"
            elif code.endswith("政"):
                name = f"{city.name}人民政府"
            else:
                name = None
            if name and prefix:
                at = h.doc_number.start + prefix.start()
                span = doc.source.span(at, at + len(code))
                issuers.append(OrgMention(self.resolver.resolve(name, city), name, span))
        elif meta_issuers(src):
            anchor = h.title or doc.measures[0].span
            issuers.extend(OrgMention(self.resolver.resolve(n, city), n, anchor) for n in meta_issuers(src))
        return PolicyMeta(
            title=title,
            doc_number=doc_number,
            issued=issued,
            issuers=issuers,
            city_code=city.code,
            annex_of=entry.annex_of,
            url=entry.url or meta_url(src),
            conflicts=conflicts,
        )

    # -- facts ----------------------------------------------------------------

    def extract(self, source: SourceText, entry: ManifestEntry, city: City) -> DocumentFacts:
        doc = parse_document(source, self.words)
        meta = self._meta(doc, entry, city)
        norm = normalize(source.text)
        measures = doc.measures
        ranges = own_ranges([m for m in measures if m.table_row is None])
        ranges.update({m.code: (m.span.start, m.span.end) for m in measures if m.table_row is not None})

        assigned = self.reader.explicit(source, norm, measures, ranges, city)
        clause_ranges = assigned.clause_ranges
        responsibilities = assigned.responsibilities
        responsibilities += self.reader.inherited(measures, responsibilities, meta.issuers)

        by_code = {m.code: m for m in measures}
        involvements, inv_measures = self._institutions(source, norm, measures, ranges, clause_ranges, city)
        # background sections tell what was done before: not this policy's measures
        typed = {c: r for c, r in ranges.items() if by_code[c].section_kind != "background"}
        stripped = StrippedText(norm)
        mt_hits = concept_hits(
            source, stripped, measures, typed, self.schemes.measure_types, clause_ranges,
            self.schemes.measure_type_not_evidence, frozenset({"principles"}),
        )
        # an institution's name (智能制造 in 华为(许昌)人工智能与智能制造创新中心) is not the measure's industry
        named = clause_ranges + [(m.span.start, m.span.end) for m in involvements]
        ind_hits = concept_hits(source, stripped, measures, typed, self.schemes.industries, named)
        goals = [m for m in measures if m.section_kind == "goals"]
        plan_horizon = horizon(meta.title) or first_year(
            " ".join(m.span.quote for m in goals) if goals else norm[doc.body_start :]
        )
        # the extractor's own schemes: without them the target reader parses the ontology again (~2 s,
        # most of adding one document to a built corpus)
        targets = measure_targets(
            source, norm, measures, ranges, plan_horizon, since=plan_start(meta.title, meta.issued),
            schemes=self.schemes,
        )
        citations = find_citations(source, norm, 0, meta.title)
        facts = DocumentFacts(
            source=source,
            meta=meta,
            measures=measures,
            responsibilities=responsibilities,
            involvements=involvements,
            involvement_measures=inv_measures,
            measure_types=mt_hits,
            industries=ind_hits,
            targets=targets,
            citations=citations,
            notes=list(doc.problems) + assigned.notes + meta.conflicts,
        )
        covered = clause_ranges + [(t.grid.start, t.grid.end) for t in doc.tables]
        facts.policy_tools = code_measures(source, stripped, measures, typed, clause_ranges, mt_hits, self.schemes)
        facts.validity = read_validity(source, meta, entry, doc.body_start, doc.header.issued)
        facts.unexplained = unexplained_passages(source, norm, facts, covered, self.words, doc.body_start)
        return facts

    def _institutions(self, source, norm, measures, ranges, clause_ranges, city: City):
        mentions: list[OrgMention] = []
        codes: list[str] = []
        aliases = self.resolver.institution_aliases(city)
        for m in measures:
            s, e = ranges[m.code]
            taken: list[tuple[int, int]] = [r for r in clause_ranges if s <= r[0] < e]
            seen: set[str] = set()
            for alias, inst in aliases:
                start = s
                while True:
                    i = norm.find(alias, start, e)
                    if i < 0:
                        break
                    j = i + len(alias)
                    start = j
                    if any(a < j and i < b for a, b in taken):
                        continue
                    taken.append((i, j))
                    if inst.iri in seen:
                        continue
                    seen.add(inst.iri)
                    mentions.append(
                        OrgMention(self.resolver.institution_ref(inst), source.text[i:j], source.span(i, j))
                    )
                    codes.append(m.code)
            self._unregistered(source, norm, m, s, e, taken, seen, mentions, codes)
        return mentions, codes

    # A university named in a list or after 与/和/依托 ("深化与华中科技大学、武汉大学合作")
    # even when the registry does not know it. Generic phrases are excluded.
    _UNIVERSITY = re.compile(
        r"(?<=[、,与和及同托持合])((?:(?![和与及同的在为对级设作])[\u4e00-\u9fff]){2,8}?大学)(?!科技园|科技城|城|生|园)"
    )
    _NOT_A_NAME = re.compile(r"^(高水平|一流|双一流|本科|地方|在[\u4e00-\u9fff]|各|有关|相关|重点|知名|国内|国外|海外|省内|省外|其他|部分|高等|应用型)")

    def _unregistered(self, source, norm, m, s, e, taken, seen, mentions, codes):
        for um in self._UNIVERSITY.finditer(norm, s, e):
            i, j = um.start(1), um.end(1)
            name = um.group(1)
            if self._NOT_A_NAME.match(name) or any(a < j and i < b for a, b in taken):
                continue
            ref = self.resolver.unregistered_university(name)
            taken.append((i, j))
            if ref.key in seen:
                continue
            seen.add(ref.key)
            mentions.append(OrgMention(ref, source.text[i:j], source.span(i, j)))
            codes.append(m.code)
