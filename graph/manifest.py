"""Read data/raw/sources.toml: one [[document]] table per source file."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .model import ManifestEntry, Span

MANIFEST_NAME = "sources.toml"
_FIELDS = {"file", "city", "title", "doc_number", "issued", "issuers", "url", "annex_of",
           "valid_from", "valid_until", "status"}  # the last three: graph.validity


class ManifestError(Exception):
    """The manifest as a whole cannot be read."""


@dataclass
class Manifest:
    entries: list[ManifestEntry]
    problems: list[str] = field(default_factory=list)  # per-entry, non-fatal


def _str(value: object, key: str, where: str, problems: list[str]) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, int) and key == "city":
        return str(value)
    if not isinstance(value, str):
        problems.append(f"{where}: '{key}' should be a string, got {type(value).__name__}")
        return None
    return value.strip() or None


def parse_manifest(text: str, source: str = MANIFEST_NAME) -> Manifest:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"{source}: not valid TOML ({exc})") from None
    tables = data.get("document", [])
    if not isinstance(tables, list):
        raise ManifestError(f"{source}: 'document' must be an array of tables ([[document]])")
    entries: list[ManifestEntry] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for i, table in enumerate(tables, 1):
        where = f"{source} [[document]] #{i}"
        if not isinstance(table, dict):
            problems.append(f"{where}: not a table")
            continue
        unknown = sorted(set(table) - _FIELDS)
        if unknown:
            problems.append(f"{where}: unknown keys {', '.join(unknown)} (ignored)")
        file = _str(table.get("file"), "file", where, problems)
        city = _str(table.get("city"), "city", where, problems)
        if not file:
            problems.append(f"{where}: 'file' is required")
            continue
        where = f"{source} entry for {file}"
        if not city:
            problems.append(f"{where}: 'city' is required")
            continue
        if file in seen:
            problems.append(f"{where}: duplicate entry (first at #{seen[file]}); the first one is used")
            continue
        seen[file] = i
        issuers = table.get("issuers")
        if isinstance(issuers, str):
            issuers = [issuers]
        if issuers is not None and not (
            isinstance(issuers, list) and all(isinstance(x, str) for x in issuers)
        ):
            problems.append(f"{where}: 'issuers' should be a list of names (ignored)")
            issuers = None
        names = [x.strip() for x in issuers if x.strip()] if issuers else None
        entries.append(
            ManifestEntry(
                file=file,
                city=city,
                title=_str(table.get("title"), "title", where, problems),
                doc_number=_str(table.get("doc_number"), "doc_number", where, problems),
                issued=_str(table.get("issued"), "issued", where, problems),
                issuers=names,
                issuer_spans=_issuer_spans(text, source, file, names) if names else None,
                url=_str(table.get("url"), "url", where, problems),
                annex_of=_str(table.get("annex_of"), "annex_of", where, problems),
                valid_from=_str(table.get("valid_from"), "valid_from", where, problems),
                valid_until=_str(table.get("valid_until"), "valid_until", where, problems),
                status=_str(table.get("status"), "status", where, problems),
            )
        )
    return Manifest(entries, problems)


_TABLE_START = "[[document]]"


def _issuer_spans(text: str, source: str, file: str, names: list[str]) -> list[Span]:
    """Where the manifest writes each issuer of ``file``: provenance for facts it supplies.

    The entry's table runs from its ``[[document]]`` line to the next; each
    name is found there as a quoted string.
    """
    at = 0
    for m in re.finditer(r'^\s*file\s*=\s*["\']' + re.escape(file) + r'["\']', text, re.M):
        at = m.start()
        break
    begin = text.rfind(_TABLE_START, 0, at)
    begin = 0 if begin < 0 else begin
    end = text.find(_TABLE_START, at)
    end = len(text) if end < 0 else end
    spans = []
    for name in names:
        i = text.find(name, begin, end)
        if i < 0:  # written with escapes: fall back to the file's own line
            i, j = at, text.find("\n", at)
            j = len(text) if j < 0 else j
        else:
            j = i + len(name)
        spans.append(Span(source, i, j, text[i:j]))
    return spans


def load_manifest(raw_dir: Path) -> Manifest:
    path = raw_dir / MANIFEST_NAME
    if not path.exists():
        raise ManifestError(f"{path}: no manifest; add one [[document]] table per file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ManifestError(f"{path}: the manifest must be UTF-8") from None
    return parse_manifest(text, MANIFEST_NAME)
