"""Limits on connections and request heads, enforced in uvicorn's HTTP protocol before the app
sees a request.

uvicorn's httptools protocol holds a connection that never finishes its
request head for ever (1,100 silent sockets used up 1,024 descriptors and
/health stopped answering), and takes a head of any size (a 64 MiB header
was accepted; six of 96 MiB took the server from 271 to 884 MiB). So:

- a request head (request line and headers) must be complete within
  ``POLICYKG_HEADER_TIMEOUT`` seconds (10) of the connection opening, or of
  its first byte on a kept-alive connection; else 408 and close. An idle
  kept-alive connection is closed after ``POLICYKG_KEEP_ALIVE_TIMEOUT`` (5).
- the URL may hold ``POLICYKG_MAX_URL_BYTES`` (65536; else 414) and the
  headers ``POLICYKG_MAX_HEADER_BYTES`` (65536; else 431), counted as the
  bytes arrive, so a huge head is refused before it is buffered;
- at most ``POLICYKG_MAX_CONNECTIONS`` connections are open (1000, or three
  quarters of the descriptor limit if that is lower): one more closes the
  connection that has waited longest without a request in progress (a
  silent or half-sent one, or an idle kept-alive one), so a flood of silent
  sockets cannot lock out real clients; if every connection has a request
  in progress, the new one gets a 503.

These need uvicorn's httptools protocol (``uvicorn[standard]``). Over h11
only the head size is bounded (h11's own limit, answered 400).
"""

from __future__ import annotations

import asyncio
import resource
from dataclasses import dataclass
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .. import settings

DEFAULT_HEADER_TIMEOUT_S = 10.0
DEFAULT_KEEP_ALIVE_S = 5
DEFAULT_MAX_URL = 64 * 1024
DEFAULT_MAX_HEADERS = 64 * 1024
DEFAULT_MAX_CONNECTIONS = 1000


@dataclass(frozen=True)
class HttpLimits:
    header_timeout_s: float = DEFAULT_HEADER_TIMEOUT_S
    keep_alive_s: int = DEFAULT_KEEP_ALIVE_S
    max_url: int = DEFAULT_MAX_URL
    max_headers: int = DEFAULT_MAX_HEADERS
    max_connections: int = DEFAULT_MAX_CONNECTIONS

    @classmethod
    def from_env(cls) -> "HttpLimits":
        descriptors = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        fitting = DEFAULT_MAX_CONNECTIONS if descriptors == resource.RLIM_INFINITY else max(
            16, min(DEFAULT_MAX_CONNECTIONS, descriptors * 3 // 4))  # the rest: files, pipes, workers
        chosen = settings.get("POLICYKG_MAX_CONNECTIONS")
        return cls(
            header_timeout_s=settings.get("POLICYKG_HEADER_TIMEOUT"),
            keep_alive_s=settings.get("POLICYKG_KEEP_ALIVE_TIMEOUT"),
            max_url=settings.get("POLICYKG_MAX_URL_BYTES"),
            max_headers=settings.get("POLICYKG_MAX_HEADER_BYTES"),
            max_connections=fitting if chosen is None else chosen,
        )


def uvicorn_options(limits: HttpLimits, http: str) -> dict[str, Any]:
    """What ``uvicorn.run`` needs for these limits, given the protocol it would use."""
    options: dict[str, Any] = {
        "timeout_keep_alive": limits.keep_alive_s,
        # SIGTERM stops the server within this even with requests still running
        "timeout_graceful_shutdown": settings.get("POLICYKG_SHUTDOWN_TIMEOUT"),
    }
    if http == "httptools":
        options["http"] = GuardedHttpToolsProtocol
    else:
        options["http"] = http
        options["h11_max_incomplete_event_size"] = limits.max_url + limits.max_headers
    return options


_limits: HttpLimits | None = None


def _current() -> HttpLimits:
    global _limits
    if _limits is None:
        _limits = HttpLimits.from_env()  # read in the process serving (each worker of --workers N)
    return _limits


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline and a size limit on each request head."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self.limits = _current()
        self._head_bytes = 0
        self._head_timer: asyncio.TimerHandle | None = None
        self._waiting_since = self.loop.time()  # since when it has had no request in progress
        super().connection_made(transport)
        self._start_head()
        if len(self.connections) > self.limits.max_connections:
            self._make_room()

    # -- the head deadline ----------------------------------------------------------------------
    def _start_head(self) -> None:
        self._head_bytes = 0
        self._in_head = True
        self._cancel_head_timer()
        self._head_timer = self.loop.call_later(self.limits.header_timeout_s, self._head_too_slow)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if self._in_head and not self.transport.is_closing():
            if self._head_bytes:
                self._refuse(408, f"The request head was not complete within {self.limits.header_timeout_s:g} s "
                                  "(POLICYKG_HEADER_TIMEOUT).")
            else:
                self.transport.close()  # nothing was sent: nothing to answer

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if not self._in_head:  # the next request on a kept-alive connection
            self._start_head()
            self._head_bytes = 1  # its first bytes are in the buffer being parsed

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._cancel_head_timer()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        self._waiting_since = self.loop.time()
        super().on_response_complete()

    # -- the head size ---------------------------------------------------------------------------
    def data_received(self, data: bytes) -> None:
        if self._in_head:
            self._head_bytes += len(data)
        super().data_received(data)
        if self._in_head and not self.transport.is_closing():
            url = len(getattr(self, "url", b"") or b"")
            if url > self.limits.max_url:
                self._refuse(414, f"The URL is over {self.limits.max_url} bytes (POLICYKG_MAX_URL_BYTES); send a "
                                  "long query in a POST body instead.")
            elif self._head_bytes - url > self.limits.max_headers + 1024:  # +1024: the request line's rest
                self._refuse(431, f"The request headers are over {self.limits.max_headers} bytes "
                                  "(POLICYKG_MAX_HEADER_BYTES).")

    def _refuse(self, status: int, message: str) -> None:
        reason = {408: b"Request Timeout", 414: b"URI Too Long", 431: b"Request Header Fields Too Large",
                  503: b"Service Unavailable"}[status]
        body = message.encode("utf-8")
        self.transport.write(b"HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: %d\r\n"
                             b"connection: close\r\n\r\n%s" % (status, reason, len(body), body))
        self._in_head = False
        self._cancel_head_timer()
        self.transport.close()

    # -- the connection cap --------------------------------------------------------------------
    def _idle(self) -> bool:
        return getattr(self, "_in_head", False) or self.cycle is None or self.cycle.response_complete

    def _make_room(self) -> None:
        """Close the connection that has waited longest with no request in progress; or refuse this one."""
        waiting = [c for c in self.connections if c is not self and isinstance(c, GuardedHttpToolsProtocol)
                   and c._idle() and not c.transport.is_closing()]
        if waiting:
            victim = min(waiting, key=lambda c: c._waiting_since)
            victim._cancel_head_timer()
            victim.transport.close()
        else:
            self._refuse(503, f"The server has {self.limits.max_connections} connections open, all busy "
                              "(POLICYKG_MAX_CONNECTIONS); retry shortly.")

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)
