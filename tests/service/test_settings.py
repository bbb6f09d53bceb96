"""service/settings.py: one table of every POLICYKG_* setting, strict parsing, printed and documented.

Switches that once turned on for any non-empty value (POLICYKG_DEBUG, POLICYKG_WATCH, the access
log) are off at 0; a value that does not parse stops the server at start-up, the variable named.
"""

from __future__ import annotations

from graph.paths import PROJECT_ROOT

import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from service import settings
from service.cli import app as cli
from service.settings import SETTINGS, SettingError

ROOT = PROJECT_ROOT
NAME = re.compile(r"POLICYKG_[A-Z0-9_]+")
SWITCHES = [s.name for s in SETTINGS if s.type is bool]


@pytest.mark.parametrize("raw", ["0", "false", "FALSE", "no", "Off", " off "])
def test_every_switch_reads_0_false_no_off_as_off(raw):
    for name in SWITCHES:
        assert settings.get(name, {name: raw}) is False, name


@pytest.mark.parametrize("raw", ["1", "true", "True", "yes", "ON"])
def test_every_switch_reads_1_true_yes_on_as_on(raw):
    for name in SWITCHES:
        assert settings.get(name, {name: raw}) is True, name


def test_unset_or_empty_is_the_default():
    for s in SETTINGS:
        assert settings.get(s.name, {}) == s.default
        assert settings.get(s.name, {s.name: ""}) == s.default


@pytest.mark.parametrize("name, raw", [("POLICYKG_DEBUG", "maybe"), ("POLICYKG_CACHE", "2"),
                                       ("POLICYKG_MAX_DEPTH", "twelve"), ("POLICYKG_MAX_DEPTH", "1.5"),
                                       ("POLICYKG_SPARQL_TIME_LIMIT", "-1"), ("POLICYKG_MAX_COST", "nan"),
                                       ("POLICYKG_SPARQL_NETWORK", "tor"), ("POLICYKG_STORE_UNION", "all")])
def test_a_value_that_does_not_parse_is_an_error_naming_the_variable(name, raw):
    with pytest.raises(SettingError, match=name):
        settings.get(name, {name: raw})
    with pytest.raises(SettingError, match=name):
        settings.check({name: raw})


def test_numbers_and_choices_parse_to_their_type():
    assert settings.get("POLICYKG_MAX_DEPTH", {"POLICYKG_MAX_DEPTH": " 7 "}) == 7
    assert settings.get("POLICYKG_SPARQL_TIME_LIMIT", {"POLICYKG_SPARQL_TIME_LIMIT": "0.5"}) == 0.5
    assert settings.get("POLICYKG_SPARQL_NETWORK", {"POLICYKG_SPARQL_NETWORK": "SECCOMP"}) == "seccomp"
    assert settings.get("POLICYKG_CORS_ORIGINS", {"POLICYKG_CORS_ORIGINS": "https://a, https://b"}) == \
        "https://a, https://b"


def test_check_names_variables_no_setting_has():
    assert settings.check({"POLICYKG_DEBG": "1", "POLICYKG_DEBUG": "1", "HOME": "/"}) == ["POLICYKG_DEBG"]


def _code_files() -> list[Path]:
    return [p for d in ("graph", "ontology", "service", "bench", "tests") for p in (ROOT / d).rglob("*.py")]


def test_every_variable_the_code_or_the_readme_names_is_in_the_table():
    named: dict[str, str] = {}
    for path in [*_code_files(), ROOT / "README.md", ROOT / ".ci" / "run"]:
        if path.is_file() and path.name != "test_settings.py":
            for name in NAME.findall(path.read_text("utf-8")):
                named.setdefault(name, str(path.relative_to(ROOT)))
    missing = {n: where for n, where in named.items() if n not in settings.BY_NAME}
    assert missing == {}


def test_the_service_reads_settings_only_through_the_table():
    reads = re.compile(r"environ(?:\.get)?\(\s*[\"']POLICYKG_|environ\[[\"']POLICYKG_[A-Z_]+[\"']\](?!\s*=)")
    wrong = [f"{p.relative_to(ROOT)}:{i}" for p in (ROOT / "service").rglob("*.py") if p.name != "settings.py"
             for i, line in enumerate(p.read_text("utf-8").splitlines(), 1) if reads.search(line)]
    assert wrong == []


def test_the_readme_lists_the_table():
    readme = (ROOT / "README.md").read_text("utf-8")
    block = readme.split("<!-- settings: tests/service/test_settings.py -->\n", 1)[1]
    assert block.startswith(settings.markdown()), ("README's Settings table is stale; write in what "
                                                  "settings.markdown() returns:\n" + settings.markdown())


def test_policykg_settings_and_serve_help_print_every_setting():
    shown = CliRunner().invoke(cli, ["settings"], env={"POLICYKG_MAX_DEPTH": "9", "POLICYKG_ADMIN_TOKEN": "s3cret"})
    assert shown.exit_code == 0, shown.output
    helped = CliRunner().invoke(cli, ["serve", "--help"], terminal_width=200)
    assert helped.exit_code == 0
    for s in SETTINGS:
        assert s.name in shown.output and s.name in helped.output, s.name
    assert "[set: 9]" in shown.output
    assert "s3cret" not in shown.output  # a secret is shown as set, never as its value


def test_serve_stops_at_start_up_on_a_bad_value_naming_it():
    done = CliRunner().invoke(cli, ["serve", "--port", "1"], env={"POLICYKG_WATCH": "sometimes"})
    assert done.exit_code == 2
    assert "POLICYKG_WATCH" in done.output


def test_the_dataclass_defaults_are_the_table_s():
    from service.gql.limits import Limits
    from service.web.sparql.endpoint import SparqlLimits

    assert Limits().max_depth == settings.get("POLICYKG_MAX_DEPTH", {})
    assert Limits().max_aliases == settings.get("POLICYKG_MAX_ALIASES", {})
    assert Limits().max_tokens == settings.get("POLICYKG_MAX_TOKENS", {})
    assert Limits().time_limit_s == settings.get("POLICYKG_GRAPHQL_TIME_LIMIT", {})
    assert SparqlLimits() == SparqlLimits(settings.get("POLICYKG_SPARQL_MAX_ROWS", {}),
                                          settings.get("POLICYKG_SPARQL_MAX_BYTES", {}),
                                          settings.get("POLICYKG_SPARQL_TIME_LIMIT", {}),
                                          settings.get("POLICYKG_SPARQL_WORKERS", {}))


# -- the switches that once meant on for any value ----------------------------------------------

_QUERY = {"query": "{ cities { name } }"}


@pytest.fixture(scope="module")
def graph():
    from service.lifecycle.loading import ensure_dataset, load_graph

    return load_graph(ensure_dataset())


@pytest.mark.parametrize("raw, on", [("0", False), ("off", False), ("1", True), ("yes", True)])
def test_policykg_debug(graph, monkeypatch, raw, on):
    from service.web.app import create_app

    monkeypatch.setenv("POLICYKG_DEBUG", raw)
    with TestClient(create_app(graph)) as client:
        answer = client.post("/graphql", json=_QUERY).json()
    assert answer["data"]["cities"]
    assert ("roundTrips" in (answer.get("extensions") or {})) is on


@pytest.mark.parametrize("raw, on", [("0", False), ("false", False), ("1", True)])
def test_policykg_watch_in_each_worker(graph, monkeypatch, raw, on):
    import service.lifecycle.loading
    import service.web.app as web

    made = {}
    monkeypatch.setenv("POLICYKG_WATCH", raw)
    monkeypatch.setattr(service.lifecycle.loading, "load_graph", lambda path: graph)
    monkeypatch.setattr(web, "create_app", lambda g, data=None, watch=False: made.update(watch=watch))
    web.app_from_env()
    assert made["watch"] is on


@pytest.mark.parametrize("raw, on", [("0", False), ("no", False), ("", False), ("1", True)])
def test_the_access_log_switch(graph, raw, on, monkeypatch):
    import uvicorn

    import service.server as server

    seen = {}
    monkeypatch.setenv("POLICYKG_ACCESS_LOG", raw)
    monkeypatch.setattr(server, "load_graph", lambda data: graph)
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: seen.update(options))
    monkeypatch.setattr("service.web.app.create_app", lambda graph, data=None, watch=False: None)
    server.run(port=1)
    assert seen["access_log"] is on
