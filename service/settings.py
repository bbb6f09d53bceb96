"""Every POLICYKG_* setting in one table: its type, its default and what it does.

A setting is read from the environment where it is used (tests and
``serve --workers`` set them per process), through ``get``, and parsed
strictly, so a typo stops the server instead of quietly switching a feature
on or off:

- a switch is ``1``/``true``/``yes``/``on`` or ``0``/``false``/``no``/``off``
  (any case); ``POLICYKG_DEBUG=0`` is off;
- a number must read as one, and not be negative;
- a choice must be one of its values;
- unset or empty means the default.

``check`` reads them all at start-up (``policykg serve``, each worker) and
names the variable that does not parse. ``policykg settings`` and
``policykg serve --help`` print the table; README's "Settings" section is
tested against ``markdown``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off")


class SettingError(ValueError):
    """A POLICYKG_* variable holds a value its setting cannot take; the message names it."""


@dataclass(frozen=True)
class Setting:
    name: str
    type: type  # bool, int, float or str
    default: Any  # None: worked out where it is used (the help says how)
    help: str
    group: str
    choices: tuple[str, ...] = ()
    secret: bool = False  # printed as set or unset, never shown
    shown: str = ""  # the default as people write it (8 MiB), where the number alone is hard to read

    def parse(self, raw: str | None) -> Any:
        """The value of ``raw`` (the variable's text; None when unset) for this setting."""
        if raw is None or raw.strip() == "":
            return self.default
        text = raw.strip()
        if self.type is bool:
            if text.lower() in TRUE:
                return True
            if text.lower() in FALSE:
                return False
            raise SettingError(f"{self.name}={raw!r}: a switch is one of {'/'.join(TRUE)} (on) or "
                               f"{'/'.join(FALSE)} (off)")
        if self.type in (int, float):
            try:
                value = self.type(text)
            except ValueError:
                raise SettingError(f"{self.name}={raw!r}: not {'a whole number' if self.type is int else 'a number'}"
                                   ) from None
            if value < 0 or value != value:  # negative, or NaN
                raise SettingError(f"{self.name}={raw!r}: must be 0 or more")
            return value
        if self.choices:
            if text.lower() not in self.choices:
                raise SettingError(f"{self.name}={raw!r}: one of {', '.join(self.choices)}")
            return text.lower()
        return raw

    def shown_default(self) -> str:
        if self.shown:
            return self.shown
        if self.default is None:
            return "(computed)"
        if self.type is bool:
            return "1" if self.default else "0"
        if self.default == "":
            return "(unset)"
        return str(self.default)


def _s(name: str, type_: type, default: Any, group: str, help: str, **extra: Any) -> Setting:
    return Setting(f"POLICYKG_{name}", type_, default, " ".join(help.split()), group, **extra)


MiB = 1024 * 1024

SETTINGS: tuple[Setting, ...] = (
    # -- GraphQL --------------------------------------------------------------------------------
    _s("MAX_DEPTH", int, 12, "GraphQL", "Deepest selection nesting a query may have."),
    _s("MAX_ALIASES", int, 30, "GraphQL", "Most aliases in one query."),
    _s("MAX_TOKENS", int, 5000, "GraphQL", "Most tokens in one query text (introspection needs about 300)."),
    _s("MAX_STRING", int, 1000, "GraphQL", "Longest string argument, literal or variable, in characters."),
    _s("MAX_EXPANDED", int, 10_000, "GraphQL",
       "Most fields a query may hold once its fragments are spread, checked before any other validation."),
    _s("MAX_COST", int, 200_000, "GraphQL",
       "Most objects a query's answer is estimated to hold (a paged field counts its `first`)."),
    _s("LIST_FACTOR", int, 20, "GraphQL", "What an unpaged list counts for in the cost estimate."),
    _s("GRAPHQL_TIME_LIMIT", float, 10.0, "GraphQL", "Seconds a query may execute."),
    _s("GRAPHQL_THREADS", int, 4, "GraphQL",
       "Event loops (one thread each) that parse, validate and execute GraphQL, off the accepting loop."),
    _s("QUERY_CACHE_BYTES", int, 8 * MiB, "GraphQL",
       "Characters of query text each parse, validation and guard cache keeps.", shown="8 MiB"),
    _s("QUERY_CACHE_MAX_TEXT", int, 64 * 1024, "GraphQL", "Longest query text a cache keeps, in characters.",
       shown="64 KiB"),
    _s("PRODUCTION", bool, False, "GraphQL", "Switch off introspection and GraphiQL."),
    _s("DEBUG", bool, False, "GraphQL", "Add `extensions.roundTrips` (store round trips) to GraphQL answers."),
    _s("DIRECT_RESOLVERS", bool, True, "GraphQL",
       "graphql-core calls the resolvers directly, without strawberry's per-call wrapper."),
    # -- SPARQL ---------------------------------------------------------------------------------
    _s("SPARQL_MAX_ROWS", int, 10_000, "SPARQL", "Rows an answer is cut at (X-Result-Truncated-By: rows)."),
    _s("SPARQL_MAX_BYTES", int, 32 * MiB, "SPARQL", "Bytes an answer is cut at, between rows (…-By: bytes).",
       shown="32 MiB"),
    _s("SPARQL_TIME_LIMIT", float, 10.0, "SPARQL", "Seconds a query may run; its worker is killed past it."),
    _s("SPARQL_WORKERS", int, 2, "SPARQL", "Queries evaluated at once; one more is refused (503)."),
    _s("SPARQL_MEMORY_MB", int, 1024, "SPARQL", "Address space of a worker process, in MiB (0: no cap)."),
    _s("SPARQL_MAX_NESTING", int, 128, "SPARQL", "Deepest bracket nesting a query may have."),
    _s("SPARQL_ISOLATION", bool, True, "SPARQL",
       "Evaluate in killable worker processes; off: in threads of the server."),
    _s("SPARQL_NETWORK", str, "auto", "SPARQL",
       "How workers lose their network: auto (namespace, else seccomp, else none), namespace, seccomp, off.",
       choices=("auto", "namespace", "seccomp", "off")),
    # -- HTTP -------------------------------------------------------------------------------------
    _s("CORS_ORIGINS", str, "*", "HTTP", "Origins browsers may call from, comma-separated."),
    _s("MAX_BODY_BYTES", int, MiB, "HTTP", "Largest request body; a larger one gets a 413 (far above any real "
       "query: 100 kB strings still reach the GraphQL guards).", shown="1 MiB"),
    _s("HEADER_TIMEOUT", float, 10.0, "HTTP", "Seconds a request head may take to arrive (else 408)."),
    _s("KEEP_ALIVE_TIMEOUT", int, 5, "HTTP", "Seconds an idle kept-alive connection stays open."),
    _s("MAX_URL_BYTES", int, 64 * 1024, "HTTP", "Longest URL (else 414).", shown="64 KiB"),
    _s("MAX_HEADER_BYTES", int, 64 * 1024, "HTTP", "Largest request headers (else 431).", shown="64 KiB"),
    _s("MAX_CONNECTIONS", int, None, "HTTP",
       "Open connections at most (1000, or three quarters of the descriptor limit if lower)."),
    _s("SHUTDOWN_TIMEOUT", int, 10, "HTTP", "Seconds SIGTERM waits for running requests."),
    _s("SECURITY_HEADERS", bool, True, "HTTP",
       "Send CSP, nosniff, frame and referrer headers (off for a proxy that sets its own)."),
    # -- logs -----------------------------------------------------------------------------------
    _s("REQUEST_LOG", bool, True, "Logs", "One JSON line per request on stderr."),
    _s("ACCESS_LOG", bool, False, "Logs", "uvicorn's own access log as well."),
    _s("LOG_LEVEL", str, "info", "Logs", "uvicorn's log level.",
       choices=("critical", "error", "warning", "info", "debug", "trace")),
    # -- start-up and reload --------------------------------------------------------------------
    _s("CACHE", bool, True, "Start-up and reload",
       "Start from the per-dataset start-up cache (persistent store + index file)."),
    _s("INDEX_IN_MEMORY", bool, False, "Start-up and reload",
       "Read the cache's index file whole into each worker's memory (fastest lookups; memory grows with "
       "the corpus and the workers) instead of sharing it on disk through the page cache."),
    _s("CACHE_DIR", str, "", "Start-up and reload", "Where the start-up cache lives (unset: data/cache/)."),
    _s("ADMIN_TOKEN", str, "", "Start-up and reload",
       "Bearer token POST /admin/reload needs (unset: reloading over HTTP is off).", secret=True),
    _s("RELOAD_TIMEOUT", float, 300.0, "Start-up and reload", "Seconds a reload's build may take."),
    # -- remote store ---------------------------------------------------------------------------
    _s("STORE", str, "", "Remote store", "Query endpoint of a remote SPARQL engine to serve from "
       "(`serve --store URL` sets it for its workers)."),
    _s("STORE_UPDATE_URL", str, "", "Remote store", "The engine's SPARQL Update endpoint (unset: derived)."),
    _s("STORE_DATA_URL", str, "", "Remote store", "The engine's Graph Store endpoint (unset: derived)."),
    _s("STORE_UNION", str, "auto", "Remote store",
       "How queries read the union of the graphs: auto (ask the engine), native, oxigraph, graphs.",
       choices=("auto", "native", "oxigraph", "graphs")),
    _s("STORE_TOKEN", str, "", "Remote store", "Bearer token sent to the engine.", secret=True),
    _s("STORE_TIMEOUT", float, 300.0, "Remote store", "Seconds per socket operation with the engine."),
    # -- set by `policykg serve` for its workers ------------------------------------------------
    _s("DATA", str, "", "Set by serve for its workers", "`serve --data`: the folder or file each worker loads."),
    _s("WATCH", bool, False, "Set by serve for its workers", "`serve --watch`: each worker watches and reloads."),
    _s("RELOAD_SIGNAL", str, "", "Set by serve for its workers",
       "The file through which one worker's admin reload reaches the others."),
    # -- the test suite -------------------------------------------------------------------------
    _s("FUZZ", int, 1, "Tests", "Multiplies the property tests' example counts."),
)

BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


def get(name: str, environ: Mapping[str, str] | None = None) -> Any:
    """The value of setting ``name`` (``POLICYKG_…``) now; raises SettingError for a bad value."""
    setting = BY_NAME[name]
    return setting.parse((os.environ if environ is None else environ).get(name))


def check(environ: Mapping[str, str] | None = None) -> list[str]:
    """Read every setting once: raises SettingError naming the first bad one; returns the
    POLICYKG_* variables set that no setting has (misspelt, or from another version)."""
    env = os.environ if environ is None else environ
    for setting in SETTINGS:
        setting.parse(env.get(setting.name))
    return sorted(k for k in env if k.startswith("POLICYKG_") and k not in BY_NAME)


def describe(environ: Mapping[str, str] | None = None, compact: bool = False) -> str:
    """The table as plain text, by group, with the values set now (``policykg settings``);
    ``compact``: one ``NAME (default): help`` line each, for ``serve --help``."""
    env = os.environ if environ is None else environ
    width = max(len(s.name) for s in SETTINGS)
    lines: list[str] = []
    group = None
    for s in SETTINGS:
        if s.group != group:
            group = s.group
            lines += ["", f"{group}:"] if lines else [f"{group}:"]
        raw = env.get(s.name)
        now = "" if raw is None else f"  [set: {'***' if s.secret else raw}]"
        choices = f" ({', '.join(s.choices)})" if s.choices and s.choices[0] not in s.help else ""
        if compact:
            lines.append(f"  {s.name} ({s.shown_default()}): {s.help}{choices}{now}")
        else:
            lines.append(f"  {s.name:<{width}}  {s.shown_default():<10}  {s.help}{choices}{now}")
    return "\n".join(lines) + "\n"


def markdown() -> str:
    """The table as README's "Settings" section holds it."""
    out = ["| variable | default | what it does |", "|---|---|---|"]
    group = None
    for s in SETTINGS:
        if s.group != group:
            group = s.group
            out.append(f"| **{group}** | | |")
        out.append(f"| `{s.name}` | {s.shown_default()} | {s.help} |")
    return "\n".join(out) + "\n"
