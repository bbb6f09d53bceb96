"""What a document declares about itself outside its text, read as header fields.

Portal pages publish the title, 文号, dates and source in <meta> tags and
info tables (SourceText.meta). The extractor prefers what the text states
and what the manifest says; these values fill the gaps left by both.
Dates come in many spellings (2020-04-24 10:00, 2020年04月24日,
2020/4/24); they are returned as ISO dates.
"""

from __future__ import annotations

import re

from ..model import SourceText
from ..normalize import normalize

# field -> the meta/info names that carry it, best first
_NAMES = {
    "title": ("ArticleTitle", "标题", "信息名称", "dc.title", "og:title"),
    "doc_number": ("发文字号", "文件编号", "文号"),
    "issued": ("成文日期", "PubDate", "发布日期", "firstpublishedtime", "dc.date"),
    "issuers": ("发文机关",),  # not 来源/ContentSource: the body that published the page, often not the issuer
    "url": ("Url", "og:url", "canonical"),
}
_DOC_NO = re.compile(r"([\u4e00-\u9fff]{1,10})\s*\[\s*((?:19|20)\d{2})\s*\]\s*(\d{1,4})\s*号")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def _value(source: SourceText, field: str) -> str | None:
    by_name = {}
    for k, v in source.meta:
        by_name.setdefault(k.lower(), v)
    for name in _NAMES[field]:
        v = by_name.get(name.lower())
        if v:
            return v
    return None


def meta_title(source: SourceText) -> str | None:
    return _value(source, "title")


def meta_doc_number(source: SourceText) -> str | None:
    """The 文号 a page declares, spelled canonically (许政〔2020〕18号)."""
    v = _value(source, "doc_number")
    m = _DOC_NO.search(normalize(v or ""))
    return f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号" if m else None


def meta_url(source: SourceText) -> str | None:
    v = _value(source, "url")
    return v if v and v.startswith(("http://", "https://")) else None


def meta_issued(source: SourceText) -> str | None:
    """The date of issue (成文日期), else the page's publication date, as YYYY-MM-DD."""
    v = _value(source, "issued")
    m = _DATE.search(v or "")
    if not m:
        return None
    y, mo, d = (int(g) for g in m.groups())
    return f"{y:04d}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 else None


def meta_issuers(source: SourceText) -> list[str]:
    """Issuing bodies named by the page's 发文机关 field, split on spaces and 、."""
    v = _value(source, "issuers")
    return [p for p in re.split(r"[\s、,，;；]+", v or "") if p]
