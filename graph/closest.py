"""The closest known names to a written one, for the errors that answer an unknown name.

Edit distance on the squashed written form, on its pinyin (许唱 and 许昌 both read xuchang)
and on English forms (their own pinyin), with traditional characters read as simplified
(許昌 → 许昌). The service's names (service/readmodel/names.py) and the export filters
(graph/network/filters.py) offer the same suggestions from here.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from threading import Lock

import zhconv
from pypinyin import lazy_pinyin
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

SUGGESTIONS = 3  # names offered in a message
_CUTOFF = 0.5  # normalized edit distance above which a name is not offered
_MARGIN = 0.2  # ... or one this much further than the closest


def squash(text: str) -> str:
    """Width-, case- and space-insensitive form of a name (NFKC makes （） ASCII too)."""
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


def simplified(text: str) -> str:
    """The name in simplified characters (許昌 → 许昌); others unchanged."""
    return zhconv.convert(text, "zh-cn")


def _pinyin(k: str) -> str:
    return "".join(lazy_pinyin(k)).lower()


class Suggester:
    """The closest known names to a written one: edit distance on the squashed written form,
    on its pinyin, and on English forms (which are their own pinyin). Built lazily: only a
    mistake pays for the pinyin of every known name."""

    def __init__(self, forms: Iterable[tuple[str, str]]) -> None:
        # (a written form, the name to offer for it)
        self._pairs = [(squash(f), shown) for f, shown in forms if f]
        self._ready: tuple[list[str], list[str], list[str]] | None = None
        self._lock = Lock()

    def _tables(self) -> tuple[list[str], list[str], list[str]]:
        with self._lock:
            if self._ready is None:
                ks = [k for k, _ in self._pairs]
                self._ready = (ks, [_pinyin(k) for k in ks], [s for _, s in self._pairs])
            return self._ready

    def closest(self, name: str, n: int = SUGGESTIONS) -> list[str]:
        keys, pinyins, shown = self._tables()
        best: dict[str, float] = {}
        for query in _forms(name):
            for choices, q in ((keys, query), (pinyins, _pinyin(query))):
                for _, score, i in process.extract(q, choices, scorer=Levenshtein.normalized_distance,
                                                   limit=n * 4, score_cutoff=_CUTOFF):
                    s = shown[i]
                    best[s] = min(score, best.get(s, 1.0))
        if not best:
            return []
        # only the near-best: 常洲 is 常州市, and 许昌市 is no better a guess than any other city
        top = min(best.values())
        return sorted((s for s in best if best[s] <= top + _MARGIN), key=lambda s: (best[s], len(s), s))[:n]




def _forms(name: str) -> list[str]:
    k, s = squash(name), squash(simplified(name))
    return [k] if s == k else [k, s]


def hint(close: list[str]) -> str:
    """"; did you mean 许昌市?" or nothing."""
    return f"; did you mean {', '.join(close)}?" if close else ""
