"""Text reuse across builds (graph/reuse.py's Overlaps): a rebuild that looks up the pairs an
earlier build intersected gives exactly the pairs, scores and order of one from scratch, when a
document is added, changed or removed, and intersects only the pairs it had not seen."""

from __future__ import annotations

import copy

import pytest

from graph import reuse
from graph.reuse import Overlaps, compared, compared_table, measure_texts


@pytest.fixture(scope="module")
def documents(toolkit_corpus):
    """Each document's measure texts: the seeds, the toolkit's copier of 承德, and 12 copies of one
    plan on other dates and cities (boilerplate past the bucket cap, and exact copies)."""
    facts = list(toolkit_corpus.facts)
    base = next(f for f in facts if f.measures and not f.meta.annex_of)
    for i in range(12):
        f = copy.deepcopy(base)
        f.source = type(base.source)(f"copy-{i:02d}.txt", base.source.text, "utf-8")
        f.meta.issued = f"2021-02-{1 + i:02d}"
        f.meta.city_code = f"{130100 + i * 100:06d}"
        facts.append(f)
    names = {code: (c.name, c.short, c.province) for code, c in toolkit_corpus.cities.items()}
    by_doc: dict[str, list] = {}
    for t, n in measure_texts(facts, names):
        by_doc.setdefault(t.document, []).append((t, n))
    return by_doc


def _table(docs: dict[str, list], known: Overlaps | None = None):
    return compared_table([compared(docs[d]) for d in sorted(docs)], known=known)


def _counting(monkeypatch) -> list[int]:
    seen = [0]
    real = reuse._intersections

    def counted(arrays, us, vs):
        seen[0] += len(us)
        return real(arrays, us, vs)

    monkeypatch.setattr(reuse, "_intersections", counted)
    return seen


def test_added_changed_removed_give_the_pairs_of_a_build_from_scratch(documents, monkeypatch):
    copier = "zhangjiakou-2022-plan.txt"  # copies three 承德 measures with small edits
    full = _table(documents)
    assert len(full) > 20 and any(s.score < 1.0 for s in full.all())  # near-copies, not only copies
    without = {d: t for d, t in documents.items() if d != copier}
    before = _table(without)
    seen = _counting(monkeypatch)

    added = _table(documents, before.overlaps)  # the document added
    assert added.all() == full.all() and seen[0] < len(full.overlaps)
    assert sorted(added.overlaps.pairs.tolist()) == sorted(full.overlaps.pairs.tolist())

    changed_docs = dict(documents)  # one measure of a document with more words
    mt, text = changed_docs[copier][0]
    changed_docs[copier] = [(mt, text + "加强科技成果转化平台建设")] + changed_docs[copier][1:]
    changed = _table(changed_docs, added.overlaps)
    assert changed.all() == _table(changed_docs).all()

    removed = _table(without, changed.overlaps)  # and removed again
    assert removed.all() == before.all()
    seen[0] = 0
    again = _table(without, removed.overlaps)  # nothing changed: nothing intersected
    assert again.all() == before.all() and seen[0] == 0


def test_overlaps_are_used_only_for_the_same_two_texts(documents):
    full = _table(documents)
    wrong = Overlaps(full.overlaps.pairs, full.overlaps.shared + 1)
    assert _table(documents, wrong).all() != full.all()  # what is found is used as it is…
    copies = {d: t for d, t in documents.items() if d.startswith("copy-")}
    seeds = {d: t for d, t in documents.items() if not d.startswith("copy-")}
    foreign = _table(copies).overlaps  # …and only for the pair of texts it was counted for
    assert _table(seeds, foreign).all() == _table(seeds).all()


class _Runs:
    """Known overlaps in sorted runs of ``size`` pairs, as the build cache gives them a part at a time."""

    def __init__(self, overlaps: Overlaps, size: int) -> None:
        self.overlaps, self.size, self.read = overlaps, size, 0

    def __len__(self) -> int:
        return len(self.overlaps)

    def parts(self):
        for i in range(0, len(self.overlaps), self.size):
            self.read += 1
            yield self.overlaps.pairs[i : i + self.size], self.overlaps.shared[i : i + self.size]


@pytest.mark.parametrize("size", [1, 7, 1 << 20])
def test_known_overlaps_read_in_runs_are_looked_up_as_if_whole(documents, monkeypatch, size):
    """Every pair an earlier build intersected is found in whichever run holds it, the first and the last
    of a run included: with nothing changed, nothing is intersected again."""
    full = _table(documents)
    runs = _Runs(full.overlaps, size)
    seen = _counting(monkeypatch)
    again = _table(documents, runs)
    assert again.all() == full.all() and seen[0] == 0
    assert runs.read == -(-len(full.overlaps) // size)
