"""The ``policykg`` command (service/cli.py) is the pipeline's commands (graph/cli.py) and the service's."""

from __future__ import annotations

import typer.main

from graph import cli as pipeline
from service import cli


def _commands(app) -> dict:
    return {c.name or c.callback.__name__: c.callback for c in app.registered_commands}


def _options(app, name: str) -> set[str]:
    command = typer.main.get_command(app).commands[name]
    return {opt for p in command.params for opt in p.opts + p.secondary_opts}


def test_the_entry_point_offers_every_pipeline_command_as_it_is_and_the_service_s():
    ours, theirs = _commands(cli.app), _commands(pipeline.app)
    assert set(ours) == set(theirs) | {"serve", "settings"}
    for name, callback in theirs.items():
        if name != "build":
            assert ours[name] is callback, name  # the same function: same options, same exit codes
    assert list(ours) == ["build", "validate", "stats", "review", "serve", "synth", "export", "settings"]


def test_build_is_the_pipeline_s_with_the_service_s_steps():
    assert _options(cli.app, "build") == _options(pipeline.app, "build") | {"--store", "--serve-cache",
                                                                            "--no-serve-cache"}


def test_the_pipeline_has_no_service_command():
    assert not {"serve", "settings"} & set(_commands(pipeline.app))
