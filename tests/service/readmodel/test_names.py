"""The names service's errors (service/readmodel/names.py); over HTTP in tests/e2e/test_names_http.py."""

from __future__ import annotations

from service.readmodel.names import AmbiguousName, UnknownName


def test_ambiguous_is_an_unknown_name_for_callers():
    assert issubclass(AmbiguousName, UnknownName)
    err = AmbiguousName("name", "市科技局 names 2 organizations", ["承德市", "许昌市"])
    assert err.argument == "name" and err.suggestions == ["承德市", "许昌市"]
