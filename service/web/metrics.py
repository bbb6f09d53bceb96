"""Prometheus metrics, written by hand in the text exposition format (0.0.4).

No client library: the service needs a handful of counters, one histogram
and two gauges, all in one process (each ``--workers`` process exposes its
own, as Prometheus expects of multi-process servers without a shared dir).

Label values clients choose (GraphQL operation names) are cleaned and
capped: an unbounded label set is a memory leak an attacker can drive.
"""

from __future__ import annotations

import re
import threading
import time
from collections import defaultdict

# seconds; dashboards poll small queries (ms), reloads and SPARQL take longer
BUCKETS: tuple[float, ...] = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
MAX_OPERATION_NAMES = 200
_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]{0,63}$")

Labels = tuple[tuple[str, str], ...]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(labels: Labels, extra: tuple[tuple[str, str], ...] = ()) -> str:
    pairs = labels + extra
    if not pairs:
        return ""
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in pairs) + "}"


def _num(x: float) -> str:
    if x == float("inf"):
        return "+Inf"
    return repr(float(x)) if not float(x).is_integer() else str(int(x))


class Metrics:
    """The service's metrics; every method is thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: dict[Labels, int] = defaultdict(int)
        self._durations: dict[Labels, list[float]] = {}  # bucket counts + [sum, count]
        self._operations: dict[str, int] = defaultdict(int)
        self._reloads: dict[str, int] = defaultdict(int)
        self._triples = 0
        self._last_reload = 0.0
        self.started = time.time()

    # -- recording ----------------------------------------------------------------
    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        key: Labels = (("route", route), ("method", method), ("status", str(status)))
        with self._lock:
            self._requests[key] += 1
            h = self._durations.setdefault((("route", route),), [0.0] * (len(BUCKETS) + 2))
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    h[i] += 1
            h[-2] += seconds
            h[-1] += 1

    def observe_operation(self, name: str | None) -> None:
        label = operation_label(name)
        with self._lock:
            # the reserved "_…" labels are few and always kept; client-chosen names are capped
            if label not in self._operations and not label.startswith("_") \
                    and len(self._operations) >= MAX_OPERATION_NAMES:
                label = "_other"
            self._operations[label] += 1

    def observe_reload(self, ok: bool, triples: int | None = None) -> None:
        with self._lock:
            self._reloads["success" if ok else "failure"] += 1
            if ok and triples is not None:
                self._triples = triples
                self._last_reload = time.time()

    def set_triples(self, triples: int) -> None:
        with self._lock:
            self._triples = triples

    # -- exposition ---------------------------------------------------------------
    def render(self) -> str:
        with self._lock:
            out: list[str] = []
            out += ["# HELP policykg_http_requests_total HTTP requests answered, by route, method and status.",
                    "# TYPE policykg_http_requests_total counter"]
            for key, n in sorted(self._requests.items()):
                out.append(f"policykg_http_requests_total{_labels(key)} {n}")
            out += ["# HELP policykg_http_request_duration_seconds Time to answer a request, by route.",
                    "# TYPE policykg_http_request_duration_seconds histogram"]
            for key, h in sorted(self._durations.items()):
                for bound, count in zip((*BUCKETS, float("inf")), (*h[: len(BUCKETS)], h[-1])):
                    out.append(f"policykg_http_request_duration_seconds_bucket"
                               f"{_labels(key, (('le', _num(bound)),))} {_num(count)}")
                out.append(f"policykg_http_request_duration_seconds_sum{_labels(key)} {h[-2]!r}")
                out.append(f"policykg_http_request_duration_seconds_count{_labels(key)} {_num(h[-1])}")
            out += ["# HELP policykg_graphql_operations_total GraphQL requests by operation name.",
                    "# TYPE policykg_graphql_operations_total counter"]
            for name, n in sorted(self._operations.items()):
                out.append(f"policykg_graphql_operations_total{_labels((('operation', name),))} {n}")
            out += ["# HELP policykg_graph_reloads_total Graph reloads, by outcome.",
                    "# TYPE policykg_graph_reloads_total counter"]
            for outcome in ("success", "failure"):
                out.append(f'policykg_graph_reloads_total{{outcome="{outcome}"}} {self._reloads[outcome]}')
            out += ["# HELP policykg_graph_triples Triples in the graph being served.",
                    "# TYPE policykg_graph_triples gauge",
                    f"policykg_graph_triples {self._triples}",
                    ("# HELP policykg_graph_last_reload_timestamp_seconds When the served graph was swapped in "
                    "(0: never reloaded)."),
                    "# TYPE policykg_graph_last_reload_timestamp_seconds gauge",
                    f"policykg_graph_last_reload_timestamp_seconds {self._last_reload!r}",
                    ("# HELP policykg_query_cache_bytes Characters of GraphQL query text the parse, validation "
                     "and guard caches hold (bounded by POLICYKG_QUERY_CACHE_BYTES each)."),
                    "# TYPE policykg_query_cache_bytes gauge",
                    *(f'policykg_query_cache_bytes{{cache="{name}"}} {n}' for name, n in sorted(_caches().items())),
                    "# HELP policykg_process_start_time_seconds When the server started.",
                    "# TYPE policykg_process_start_time_seconds gauge",
                    f"policykg_process_start_time_seconds {self.started!r}"]
            return "\n".join(out) + "\n"


def _caches() -> dict[str, int]:
    from ..gql.text_cache import cache_occupancy

    return cache_occupancy()


def operation_label(name: str | None) -> str:
    """A GraphQL operation name fit for a label: anonymous and junk names are grouped."""
    if not name:
        return "_anonymous"
    return name if _NAME.match(name) else "_invalid"


CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
