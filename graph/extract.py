"""From one decoded document to its facts (document model → facts stage)."""

from __future__ import annotations

import re

from .citations import find_citations
from .concepts import concept_hits
from .clauses import find_clauses, split_units
from .gazetteer import City
from .header import body_start_line, doc_number_of, parse_header
from .lines import split_lines
from .model import (
    Basis,
    DocumentFacts,
    ManifestEntry,
    Measure,
    OrgMention,
    ParsedDocument,
    PolicyMeta,
    Responsibility,
    Role,
    SourceText,
    Span,
)
from .normalize import StrippedText, normalize, squash
from .orgs import OrgResolver
from .schemes import Schemes
from .structure import own_ranges, parse_numbered
from .table import COLUMN_TO_ROLE, find_table, table_measures
from .targets import first_year, horizon, measure_targets, plan_start
from .textio import DocumentError


def parse_document(source: SourceText) -> ParsedDocument:
    """Text → document model: header and measures (numbered items and/or table rows).

    A plan may carry its task table at the end: items before the table are
    read as numbered measures, the table rows as measures coded ``表.<n>``.
    """
    lines = split_lines(source.text)
    table = find_table(source, lines)
    body_line = body_start_line(source, lines)
    measures: list[Measure] = []
    if table is None:
        measures = parse_numbered(source, lines, body_line)
    else:
        if body_line < table.header_line:
            measures = parse_numbered(source, lines[: table.header_line], body_line)
        rows = table_measures(source, table)
        if measures:
            for row in rows:
                row.code = f"表.{row.code}"
                row.order += len(measures)
        measures += rows
        body_line = min(body_line, table.header_line)
    if not measures:
        raise DocumentError(
            source.name,
            "no recognizable structure: no numbered items (一、 (一) 1. (1)) and no task table",
        )
    header = parse_header(source, lines, body_line)
    body_start = lines[body_line].start if body_line < len(lines) else len(source.text)
    problems = list(table.problems) if table is not None else []
    return ParsedDocument(source, header, measures, body_start, table is not None, problems)


class Extractor:
    def __init__(self, schemes: Schemes, resolver: OrgResolver):
        self.schemes = schemes
        self.resolver = resolver

    # -- metadata -------------------------------------------------------------

    def _meta(self, doc: ParsedDocument, entry: ManifestEntry, city: City) -> PolicyMeta:
        h = doc.header
        conflicts: list[str] = []

        def pick(field: str, from_text: str | None, from_manifest: str | None) -> str | None:
            if from_text and from_manifest and squash(from_text) != squash(from_manifest):
                conflicts.append(
                    f"{doc.source.name}: {field} in the text is {from_text!r} but the manifest says "
                    f"{from_manifest!r}; the manifest wins"
                )
            return from_manifest or from_text

        title = pick("title", h.title.quote.strip() if h.title else None, entry.title)
        if not title:
            title = doc.source.name.rsplit(".", 1)[0]
            conflicts.append(f"{doc.source.name}: no title in the text or the manifest; using the file name")
        doc_number = pick("doc_number", doc_number_of(h.doc_number), entry.doc_number)
        issued = pick("issued", h.issued[0] if h.issued else None, entry.issued)
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
            anchor = h.title or doc.measures[0].span
            for name in entry.issuers:
                span = next((s for s in h.issuers if squash(s.quote) == squash(name)), anchor)
                issuers.append(OrgMention(self.resolver.resolve(name, city), name, span))
        elif h.issuers:
            for s in h.issuers:
                issuers.append(OrgMention(self.resolver.resolve(s.quote, city), s.quote, s))
        elif h.doc_number is not None:
            # the 发文机关代字 of the 文号 names the issuer: 许政 = the city government
            prefix = re.match(r"[^\[〔﹝［(（\s]+", normalize(h.doc_number.quote).split(":")[-1].strip())
            code = prefix.group(0) if prefix else ""
            if code.endswith("政办"):
                name = f"{city.name}人民政府办公室"
            elif code.endswith("政"):
                name = f"{city.name}人民政府"
            else:
                name = None
            if name:
                issuers.append(OrgMention(self.resolver.resolve(name, city), name, h.doc_number))
        return PolicyMeta(
            title=title,
            doc_number=doc_number,
            issued=issued,
            issuers=issuers,
            city_code=city.code,
            annex_of=entry.annex_of,
            url=entry.url,
            conflicts=conflicts,
        )

    # -- facts ----------------------------------------------------------------

    def extract(self, source: SourceText, entry: ManifestEntry, city: City) -> DocumentFacts:
        doc = parse_document(source)
        meta = self._meta(doc, entry, city)
        norm = normalize(source.text)
        measures = doc.measures
        ranges = own_ranges([m for m in measures if m.table_row is None])
        ranges.update({m.code: (m.span.start, m.span.end) for m in measures if m.table_row is not None})

        responsibilities: list[Responsibility] = []
        clause_ranges: list[tuple[int, int]] = []
        notes: list[str] = list(doc.problems)
        for m in measures:
            if m.table_row is not None:
                for column, role in COLUMN_TO_ROLE.items():
                    cell = m.table_row.get(column)
                    if cell is None:
                        continue
                    for unit in split_units(norm, cell.start, cell.end):
                        responsibilities.append(self._assign(source, city, m, unit, role, cell))
            else:
                s, e = ranges[m.code]
                for clause in find_clauses(norm, s, e):
                    clause_ranges.append((clause.start, clause.end))
                    span = source.span(clause.start, clause.end)
                    for a in clause.assignments:
                        for unit in a.units:
                            responsibilities.append(self._assign(source, city, m, unit, a.role, span))
                    for skipped in clause.skipped:
                        notes.append(f"{source.name} {m.code}: not a responsibility, left out: {skipped}")
        responsibilities += self._inherited(measures, responsibilities, meta)

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
        targets = measure_targets(
            source, norm, measures, ranges, plan_horizon, since=plan_start(meta.title, meta.issued)
        )
        citations = find_citations(source, norm, 0, meta.title)
        return DocumentFacts(
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
            notes=notes + meta.conflicts,
        )

    def _assign(self, source: SourceText, city: City, m: Measure, unit, role: Role, span: Span) -> Responsibility:
        surface = source.text[unit.start : unit.end]
        mention = OrgMention(
            self.resolver.resolve(surface, city), surface, source.span(unit.start, unit.end), unit.open_ended
        )
        return Responsibility(m.code, mention, role, Basis.EXPLICIT, span)

    def _inherited(
        self, measures: list[Measure], explicit: list[Responsibility], meta: PolicyMeta
    ) -> list[Responsibility]:
        """Measures with no clause of their own inherit one.

        From the nearest ancestor that has explicit assignments; failing that,
        when no descendant has any either, from the issuing bodies (RESPONSIBLE).
        """
        by_measure: dict[str, list[Responsibility]] = {}
        for r in explicit:
            by_measure.setdefault(r.measure, []).append(r)
        parent = {m.code: m.parent for m in measures}
        has_explicit_below: set[str] = set()
        for code in by_measure:
            p = parent.get(code)
            while p is not None:
                has_explicit_below.add(p)
                p = parent.get(p)
        out: list[Responsibility] = []
        for m in measures:
            if m.code in by_measure:
                continue
            p = m.parent
            while p is not None and p not in by_measure:
                p = parent.get(p)
            if p is not None:
                for r in by_measure[p]:
                    out.append(Responsibility(m.code, r.mention, r.role, Basis.INHERITED, r.span))
            elif m.code not in has_explicit_below:
                for issuer in meta.issuers:
                    out.append(Responsibility(m.code, issuer, Role.RESPONSIBLE, Basis.INHERITED, issuer.span))
        return out

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
