"""Score extracted facts against expert annotations of the same documents.

The annotations (tests/fixtures/annotations/*.toml) are keyed by document
file and a substring that occurs once in it, never by measure codes, so
they survive changes to the numbering parser:

* ``targets.toml``: every figure of the policy text, either a target (its
  indicator concept, kind, comparator, value, upper value, unit, due year,
  aspiration) or not a target (why: support rule, threshold, selection,
  achievement, repeat);
* ``measure_types.toml``: every measure with the measure-type concepts it
  has and the words that show each;
* ``citations.toml``: every 《…》 and named programme, with what it is.

``score_*`` take the facts of a build and return plain dicts of counts and
ratios (and the disagreements, for reading), used by tests/ and bench/.
Attributes the pipeline did not have yet (kind, comparator, concept) are read
with defaults, so the same scorer measures older code ("before" figures).
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .model import DocumentFacts, Measure

_OLD_COMPARATOR = {"at-least": "AT_LEAST", "about": "ABOUT", "at-most": "AT_MOST", "exact": "EXACT",
                   "aspirational": "EXACT"}


def _load(path: Path) -> dict[str, Any]:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 1.0


def _locate(text: str, at: str, where: str) -> int:
    i = text.find(at)
    if i < 0 or text.find(at, i + 1) >= 0:
        raise ValueError(f"{where}: {at!r} must occur exactly once in the document")
    return i


# -- targets ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Gold:
    doc: str
    anchor: int
    entry: dict[str, Any]


def _anchor(text: str, entry: dict[str, Any], where: str) -> int:
    at = entry["at"]
    i = _locate(text, at, where)
    fig = entry.get("figure")
    if fig:
        j = at.find(fig)
        if j < 0:
            raise ValueError(f"{where}: figure {fig!r} is not in {at!r}")
        return i + j
    m = re.search(r"\d", at)
    return i + (m.start() if m else 0)


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def target_anchor(t: Any) -> int:
    """Where an extracted target's figure starts: its figure span, else the value in its phrase."""
    fig = getattr(t, "figure", None)
    if fig is not None:
        m = re.search(r"\d", fig.quote)
        return fig.start + (m.start() if m else 0)
    k = t.span.quote.rfind(_num(t.value)) if t.value is not None else -1
    return t.span.start + max(k, 0)


def _comparator(t: Any) -> str:
    c = getattr(t, "comparator", None)
    if c is not None:
        return getattr(c, "value", c)
    return _OLD_COMPARATOR.get(getattr(t, "qualifier", ""), "EXACT")


def _kind(t: Any) -> str | None:
    k = getattr(t, "kind", None)
    return getattr(k, "value", k) if k is not None else None


def _aspiration(t: Any) -> bool:
    if hasattr(t, "aspiration"):
        return bool(t.aspiration)
    return getattr(t, "qualifier", "") == "aspirational"


def _concept(t: Any) -> str | None:
    c = getattr(t, "indicator_concept", None)
    return c.rsplit("/", 1)[-1] if c else None


def score_targets(facts: list[DocumentFacts], folder: Path) -> dict[str, Any]:
    """Found, precision, and how many matched targets have each attribute right."""
    ann = _load(folder / "targets.toml")
    texts = {f.source.name: f.source.text for f in facts}
    gold: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    not_targets: dict[tuple[str, int], str] = {}
    for e in ann.get("target", []):
        if e["doc"] in texts:
            gold[(e["doc"], _anchor(texts[e["doc"]], e, e["doc"]))].append(e)
    for e in ann.get("not_target", []):
        if e["doc"] in texts:
            not_targets[(e["doc"], _anchor(texts[e["doc"]], e, e["doc"]))] = e["why"]

    got: dict[tuple[str, int], list[Any]] = defaultdict(list)
    for f in facts:
        for t in f.targets:
            got[(f.source.name, target_anchor(t))].append(t)

    pairs: list[tuple[dict[str, Any], Any]] = []
    false_pos: list[dict[str, Any]] = []
    missed: list[dict[str, Any]] = []
    for key in set(gold) | set(got):
        g = list(gold.get(key, []))
        x = list(got.get(key, []))
        # pair like with like: the same concept (or label) first
        for e in list(g):
            hit = next((t for t in x if _concept(t) == e["indicator"]), None)
            if hit is not None:
                pairs.append((e, hit))
                g.remove(e)
                x.remove(hit)
        for e, t in zip(list(g), list(x)):
            pairs.append((e, t))
            g.remove(e)
            x.remove(t)
        missed += g
        for t in x:
            false_pos.append({"doc": key[0], "text": t.span.quote, "why": not_targets.get(key, "unannotated")})

    n_gold = sum(len(v) for v in gold.values())
    n_got = sum(len(v) for v in got.values())
    checks = Counter()
    wrong: list[dict[str, Any]] = []
    # "same statistic => same indicator" without a scheme: a label is right when it
    # is the usual label of its statistic and names no other statistic
    labels_of: dict[str, Counter] = defaultdict(Counter)
    concepts_of: dict[str, set[str]] = defaultdict(set)
    for e, t in pairs:
        labels_of[e["indicator"]][t.indicator] += 1
        concepts_of[t.indicator].add(e["indicator"])
    for e, t in pairs:
        v_ok = t.value is not None and abs(float(t.value) - float(e["value"])) < 1e-9
        vmax = getattr(t, "value_max", None)
        vmax_ok = (vmax is None and "value_max" not in e) or (
            vmax is not None and "value_max" in e and abs(float(vmax) - float(e["value_max"])) < 1e-9
        )
        ok = {
            "value": v_ok and vmax_ok,
            "unit": t.unit == e["unit"],
            "year": t.year == e["year"],
            "comparator": _comparator(t) == e["comparator"],
            "kind": _kind(t) == e["kind"],
            "aspiration": _aspiration(t) == bool(e.get("aspiration", False)),
            "concept": _concept(t) == e["indicator"],
            "label_consistent": labels_of[e["indicator"]].most_common(1)[0][0] == t.indicator
            and concepts_of[t.indicator] == {e["indicator"]},
        }
        ok["all"] = ok["value"] and ok["unit"] and ok["year"] and ok["comparator"]
        checks.update(k for k, v in ok.items() if v)
        bad = [k for k in ("value", "unit", "year", "comparator", "kind", "concept", "aspiration") if not ok[k]]
        if bad:
            wrong.append({
                "doc": e["doc"], "at": e["at"], "wrong": bad,
                "want": {k: e.get(k) for k in ("indicator", "kind", "comparator", "value", "value_max", "unit", "year")},
                "got": {"indicator": _concept(t) or t.indicator, "kind": _kind(t), "comparator": _comparator(t),
                        "value": t.value, "value_max": getattr(t, "value_max", None), "unit": t.unit, "year": t.year},
            })
    m = len(pairs)
    return {
        "annotated": n_gold,
        "extracted": n_got,
        "matched": m,
        "found": _ratio(m, n_gold),
        "precision": _ratio(m, n_got),
        "all_right": _ratio(checks["all"], m),
        "indicator_right": _ratio(checks["concept"], m),
        "indicator_consistent": _ratio(checks["label_consistent"], m),
        "kind_right": _ratio(checks["kind"], m),
        "aspiration_right": _ratio(checks["aspiration"], m),
        "counts": {k: checks[k] for k in ("all", "value", "unit", "year", "comparator", "kind", "concept",
                                          "label_consistent", "aspiration")},
        "missed": sorted(missed, key=lambda e: (e["doc"], e["at"])),
        "false_positives": sorted(false_pos, key=lambda e: (e["doc"], e["text"])),
        "wrong": sorted(wrong, key=lambda e: (e["doc"], e["at"])),
    }


# -- measure types ----------------------------------------------------------------------


def _owner(measures: list[Measure], pos: int) -> Measure | None:
    """The deepest measure whose span holds ``pos``: the one whose own text it is in."""
    best = None
    for m in measures:
        if m.span.start <= pos < m.span.end and (best is None or m.span.end - m.span.start < best.span.end - best.span.start):
            best = m
    return best


def score_measure_types(facts: list[DocumentFacts], folder: Path) -> dict[str, Any]:
    """Precision and recall of (measure, concept) pairs; strict also needs the evidence right."""
    ann = _load(folder / "measure_types.toml")
    by_doc = {f.source.name: f for f in facts}
    tp = fp = fn = strict_tp = 0
    errors: list[dict[str, Any]] = []
    annotated = 0
    for e in ann.get("measure", []):
        f = by_doc.get(e["doc"])
        if f is None:
            continue
        text = f.source.text
        pos = _locate(text, e["at"], e["doc"])
        m = _owner(f.measures, pos)
        if m is None:
            raise ValueError(f"{e['doc']}: {e['at']!r} is in no measure")
        annotated += 1
        gold = {c: (v if isinstance(v, list) else [v]) for c, v in e.get("types", {}).items()}
        hits = {h.concept.rsplit("/", 1)[-1]: h for h in f.measure_types if h.measure == m.code}
        for c, h in hits.items():
            if c not in gold:
                fp += 1
                errors.append({"doc": e["doc"], "measure": m.code, "concept": c, "error": "false",
                               "evidence": h.span.quote})
                continue
            tp += 1
            ok = False
            for word in gold[c]:
                i = text.find(word, m.span.start, m.span.end)
                while i >= 0:
                    if i < h.span.end and h.span.start < i + len(word) and _owner(f.measures, i) is m:
                        ok = True
                        break
                    i = text.find(word, i + 1, m.span.end)
                if ok:
                    break
            strict_tp += ok
            if not ok:
                errors.append({"doc": e["doc"], "measure": m.code, "concept": c, "error": "evidence",
                               "evidence": h.span.quote})
        for c in gold:
            if c not in hits:
                fn += 1
                errors.append({"doc": e["doc"], "measure": m.code, "concept": c, "error": "missed",
                               "evidence": gold[c][0]})
    return {
        "measures": annotated,
        "gold": tp + fn,
        "hits": tp + fp,
        "precision": _ratio(tp, tp + fp),
        "precision_strict": _ratio(strict_tp, tp + fp),
        "recall": _ratio(tp, tp + fn),
        "errors": errors,
    }


# -- citations ---------------------------------------------------------------------------


def _kind_of_citation(c: Any) -> str:
    k = getattr(c, "kind", None)
    return (getattr(k, "value", k) or "CITED").lower() if k is not None else "cited"


def score_citations(facts: list[DocumentFacts], folder: Path) -> dict[str, Any]:
    """Per kind (cited, planned, programme): precision, recall; and titles/文号 right."""
    ann = _load(folder / "citations.toml")
    by_doc = {f.source.name: f for f in facts}
    gold: list[tuple[str, int, int, dict[str, Any]]] = []
    for e in ann.get("ref", []):
        f = by_doc.get(e["doc"])
        if f is None:
            continue
        i = _locate(f.source.text, e["at"], e["doc"])
        gold.append((e["doc"], i, i + len(e["at"]), e))
    out: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    for kind in ("cited", "planned", "programme"):
        got = [(f.source.name, c) for f in facts for c in f.citations if _kind_of_citation(c) == kind]
        want = [g for g in gold if g[3]["class"] == kind]
        right = exact = 0
        matched: set[int] = set()
        for doc, c in got:
            g = next((k for k, (d, a, b, _) in enumerate(gold) if d == doc and a < c.span.end and c.span.start < b), None)
            if g is None or gold[g][3]["class"] != kind:
                errors.append({"doc": doc, "kind": kind, "error": "false",
                               "quote": c.span.quote, "is": gold[g][3]["class"] if g is not None else "unannotated"})
                continue
            right += 1
            matched.add(g)
            e = gold[g][3]
            if c.title == e.get("name") and (c.doc_number or None) == e.get("number"):
                exact += 1
            else:
                errors.append({"doc": doc, "kind": kind, "error": "title/number",
                               "quote": c.span.quote, "want": (e.get("name"), e.get("number")),
                               "got": (c.title, c.doc_number)})
        for k, (d, a, b, e) in enumerate(gold):
            if e["class"] == kind and k not in matched:
                errors.append({"doc": d, "kind": kind, "error": "missed", "quote": e["at"]})
        out[kind] = {
            "extracted": len(got),
            "annotated": len(want),
            "right": right,
            "precision": _ratio(right, len(got)),
            "recall": _ratio(len(matched), len(want)),
            "title_and_number_right": _ratio(exact, right),
        }
    out["errors"] = errors
    return out


def score_all(facts: list[DocumentFacts], folder: Path) -> dict[str, Any]:
    return {
        "targets": score_targets(facts, folder),
        "measure_types": score_measure_types(facts, folder),
        "citations": score_citations(facts, folder),
    }
