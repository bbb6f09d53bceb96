"""When a policy is in force: the dates it states, and its status on a given day.

Four dates, each with where it was read (the text, the portal page's fields,
or the manifest) and, from the text, the words:

* issued (成文): the date of issue the header gives (PolicyMeta.issued);
* published (发布): the portal's 发布日期 / 公开日期;
* valid-from (施行): "自2023年1月1日起施行", or "自印发之日起施行" (= issued),
  "自发布之日起施行" (= published, else issued);
* valid-until (有效期至): "有效期至2025年12月31日", "有效期至2025年底", or
  "有效期5年" counted from valid-from (else issued): the day before the anniversary;
* repealed (废止): the portal's 废止日期.

A stated status comes from the page's 有效性 field or the manifest's
``status`` (the words of each status are in ontology/policykg.ttl, on the
pk:PolicyStatus individuals). The status itself depends on the day asked
about, so it is not stored: :func:`policy_status` computes it from what is.
The manifest wins over the page, the page over the text (as for the title).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass

from rdflib import RDF
from rdflib.namespace import RDFS, SKOS

from .model import DateStatement, ManifestEntry, PolicyMeta, SourceText, Span, Validity
from .normalize import normalize
from .vocab import PK

STATUSES = ("IN_FORCE", "EXPIRED", "REPEALED", "UNKNOWN")

_YMD = r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
_CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_FROM_DATE = re.compile(r"自\s*" + _YMD + r"\s*起\s*(?:施行|执行|实施|生效)")
_FROM_EVENT = re.compile(r"自\s*(印发|发布|公布|颁布|下发)\s*之\s*日\s*起\s*(?:施行|执行|实施|生效)")
_UNTIL_DATE = re.compile(r"有效期\s*(?:至|到|截至)\s*" + _YMD)
_UNTIL_YEAR_END = re.compile(r"有效期\s*(?:至|到|截至)\s*((?:19|20)\d{2})\s*年\s*(?:底|末|12\s*月\s*底)")
_YEARS = re.compile(r"有效期\s*(?:为|是)?\s*(\d{1,2}|[一二两三四五六七八九十])\s*年")

# portal fields (SourceText.meta names, as graph/formats/html.py labels them)
_META_DATES = {
    "published": ("发布日期", "公开日期", "PubDate"),
    "valid-from": ("施行日期", "实施日期", "生效日期"),
    "valid-until": ("有效期至", "失效日期", "截止日期"),
    "repealed": ("废止日期",),
}
_META_STATUS = ("有效性", "时效性", "效力状态", "效力")


@dataclass(frozen=True)
class ValidityDates:
    """What :func:`policy_status` needs: ISO dates (or None) and a stated status."""

    valid_from: str | None = None
    valid_until: str | None = None
    repealed: str | None = None
    stated_status: str | None = None  # IN_FORCE / EXPIRED / REPEALED


def _iso(y, m, d) -> str | None:
    try:
        return dt.date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def _date_in(value: str) -> str | None:
    m = re.search(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})", value or "")
    return _iso(*m.groups()) if m else None


def _plus_years(iso: str, years: int) -> str:
    """The last day of a validity of ``years`` years starting on ``iso``."""
    d = dt.date.fromisoformat(iso)
    try:
        end = d.replace(year=d.year + years)
    except ValueError:  # 29 February
        end = d.replace(year=d.year + years, day=28)
    return (end - dt.timedelta(days=1)).isoformat()


@functools.cache
def status_words() -> dict[str, str]:
    """Word (有效, 废止, in_force …) → status, from the pk:PolicyStatus individuals."""
    from .schemes import load_schemes

    g = load_schemes().graph
    words: dict[str, str] = {}
    for s in g.subjects(RDF.type, PK.PolicyStatus):
        name = str(s).rsplit("#", 1)[-1]
        words[name.replace("_", "").lower()] = name
        for o in list(g.objects(s, SKOS.altLabel)) + list(g.objects(s, RDFS.label)):
            words[re.sub(r"[\s_]+", "", str(o)).lower()] = name
    return words


def stated_status(word: str | None) -> str | None:
    if not word:
        return None
    key = re.sub(r"[\s_]+", "", word).lower()
    return status_words().get(key)


def read_validity(source: SourceText, meta: PolicyMeta, entry: ManifestEntry, body_start: int = 0,
                  header_issued: tuple[str, Span] | None = None) -> Validity:
    """The dates a document states about its own validity (see the module docstring).

    ``header_issued`` is the date of issue the text's header gives, with its words."""
    norm = normalize(source.text)
    found: dict[str, DateStatement] = {}

    def put(kind: str, date: str | None, origin: str, span: Span | None = None) -> None:
        if date:
            found[kind] = DateStatement(kind, date, origin, span)

    # the text (weakest); the date of issue as PolicyMeta resolved it, with the header's words
    if meta.issued:
        if entry.issued:
            put("issued", meta.issued, "manifest")
        elif header_issued and header_issued[0] == meta.issued:
            put("issued", meta.issued, "text", header_issued[1])
        else:
            put("issued", meta.issued, "meta", _meta_date_span(source, meta.issued))
    published_meta = _meta_date(source, "published")
    relative: tuple[str, Span] | None = None
    for m in _FROM_DATE.finditer(norm, body_start):
        put("valid-from", _iso(*m.groups()), "text", source.span(m.start(), m.end()))
        break
    else:
        for m in _FROM_EVENT.finditer(norm, body_start):
            event = m.group(1)
            base = (published_meta[0] if published_meta and event in ("发布", "公布", "颁布") else None) or meta.issued
            put("valid-from", base, "text", source.span(m.start(), m.end()))
            break
    for m in _UNTIL_DATE.finditer(norm, body_start):
        put("valid-until", _iso(*m.groups()[:3]), "text", source.span(m.start(), m.end()))
        break
    else:
        for m in _UNTIL_YEAR_END.finditer(norm, body_start):
            put("valid-until", _iso(m.group(1), 12, 31), "text", source.span(m.start(), m.end()))
            break
        else:
            for m in _YEARS.finditer(norm, body_start):
                n = m.group(1)
                relative = (n, source.span(m.start(), m.end()))
                break
    # the portal page's fields
    for kind in _META_DATES:
        got = _meta_date(source, kind)
        if got:
            put(kind, got[0], "meta", got[1])
    # the manifest (strongest)
    for kind, value in (("valid-from", entry.valid_from), ("valid-until", entry.valid_until)):
        if value:
            put(kind, _date_in(value), "manifest")
    if relative and "valid-until" not in found:
        years = int(relative[0]) if relative[0].isdigit() else _CN_NUM[relative[0]]
        start = found.get("valid-from") or found.get("issued")
        if start:
            put("valid-until", _plus_years(start.date, years), "text", relative[1])
    validity = Validity(sorted(found.values(), key=lambda d: ("issued", "published", "valid-from",
                                                              "valid-until", "repealed").index(d.kind)))
    word = entry.status
    if word:
        validity.stated_status, validity.status_origin = stated_status(word), "manifest"
    else:
        for name in _META_STATUS:
            value = _meta_value(source, name)
            if value and stated_status(value):
                validity.stated_status, validity.status_origin = stated_status(value), "meta"
                validity.status_span = _field_span(source, name, value)
                break
    return validity


def _meta_value(source: SourceText, name: str) -> str | None:
    for k, v in source.meta:
        if k.lower() == name.lower() and v.strip():
            return v.strip()
    return None


def _meta_date(source: SourceText, kind: str) -> tuple[str, Span | None] | None:
    for name in _META_DATES[kind]:
        value = _meta_value(source, name)
        date = _date_in(value or "")
        if date:
            return date, _field_span(source, name, value)
    return None


def _meta_date_span(source: SourceText, iso: str) -> Span | None:
    for k, v in source.meta:
        if _date_in(v) == iso:
            return _field_span(source, k, v)
    return None


def _field_span(source: SourceText, name: str, value: str) -> Span | None:
    """Where an info-table field is rendered in the text (``废止日期：2023-01-01``), when it is."""
    i = source.text.find(value)
    while i >= 0:
        before = source.text[max(0, i - len(name) - 3) : i]
        if name in before:
            return source.span(i, i + len(value))
        i = source.text.find(value, i + 1)
    return None


def _get(dates, key: str):
    if isinstance(dates, Mapping):
        return dates.get(key)
    if isinstance(dates, Validity):
        return {"valid_from": dates.date("valid-from"), "valid_until": dates.date("valid-until"),
                "repealed": dates.date("repealed"), "stated_status": dates.stated_status}[key]
    return getattr(dates, key, None)


def policy_status(dates, on: dt.date | str | None = None) -> str:
    """IN_FORCE, EXPIRED, REPEALED or UNKNOWN on the day ``on`` (today when None).

    ``dates`` is a :class:`Validity`, a :class:`ValidityDates`, or any mapping
    or object with ``valid_from``, ``valid_until``, ``repealed`` (ISO dates)
    and ``stated_status``. A policy repealed by then, or stated as repealed
    with no date, is REPEALED; one whose validity ended before ``on`` is
    EXPIRED; one stated in force, or with a validity that covers ``on``, is
    IN_FORCE. Nothing stated (or a validity that starts after ``on``): UNKNOWN.
    """
    day = (on if isinstance(on, dt.date) else dt.date.fromisoformat(on) if on else dt.date.today()).isoformat()
    stated = _get(dates, "stated_status")
    repealed, start, until = _get(dates, "repealed"), _get(dates, "valid_from"), _get(dates, "valid_until")
    if repealed and repealed <= day:
        return "REPEALED"
    if stated == "REPEALED" and not repealed:
        return "REPEALED"
    if until and until < day:
        return "EXPIRED"
    if start and start > day:
        return "UNKNOWN"  # not yet in force: the contract's enum has no word for it
    if start or until:
        return "IN_FORCE"
    if stated in ("IN_FORCE", "EXPIRED"):
        return stated
    return "UNKNOWN"


def validity_from_store(store) -> dict[str, ValidityDates]:
    """Policy IRI → its stated dates, from a built dataset loaded in a pyoxigraph Store."""
    from .vocab import SPARQL_PREFIXES

    out: dict[str, dict] = {}
    q = SPARQL_PREFIXES + """
        SELECT ?p ?prop ?v WHERE {
          ?p a pk:Policy ; ?prop ?v .
          VALUES ?prop { pk:validFrom pk:validUntil pk:repealed pk:statedStatus }
        }"""
    keys = {"validFrom": "valid_from", "validUntil": "valid_until", "repealed": "repealed", "statedStatus": "stated_status"}
    for row in store.query(q, use_default_graph_as_union=True):
        key = keys[row["prop"].value.rsplit("#", 1)[-1]]
        value = row["v"].value
        out.setdefault(row["p"].value, {})[key] = value.rsplit("#", 1)[-1] if key == "stated_status" else value
    return {p: ValidityDates(**v) for p, v in sorted(out.items())}


__all__ = ["STATUSES", "ValidityDates", "policy_status", "read_validity", "stated_status", "validity_from_store"]
