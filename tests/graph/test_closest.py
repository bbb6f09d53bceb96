"""graph/closest.py: the closest names by characters, pinyin and English; traditional characters
read as simplified."""

from __future__ import annotations

import pytest

from graph.closest import Suggester, simplified

CITIES = Suggester([(f, shown) for shown, forms in {
    "许昌市": ("许昌市", "许昌", "Xuchang"), "常州市": ("常州市", "常州", "Changzhou"),
    "承德市": ("承德市", "承德", "Chengde"), "漯河市": ("漯河市", "漯河", "Luohe")}.items() for f in forms])


@pytest.mark.parametrize("written,meant", [
    ("许唱", "许昌市"),  # same pinyin, another character
    ("常洲", "常州市"),
    ("承得", "承德市"),
    ("chengte", "承德市"),  # a romanization typo
    ("Luohe City", "漯河市"),
    ("許唱", "许昌市"),  # traditional and a typo
])
def test_the_closest_city_and_only_it(written, meant):
    assert CITIES.closest(written) == [meant]


def test_nothing_close_offers_nothing():
    assert CITIES.closest("Atlantis") == []


def test_traditional_to_simplified():
    assert simplified("許昌 揭榜掛帥 科學技術局") == "许昌 揭榜挂帅 科学技术局"
