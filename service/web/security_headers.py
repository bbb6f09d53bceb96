"""Security headers on every response: what a browser may load, frame and send along.

- ``/`` and ``/static/*`` (the network viewer) load only the server's own
  files (Cytoscape.js is vendored): scripts, styles, images and requests to
  the same origin, nothing inline, no framing.
- GraphiQL (``GET /graphql`` answered with HTML) is vendored too
  (React, ReactDOM and GraphiQL in static/vendor/, its boot script in
  static/graphiql.js): the same origin only, nothing inline; its stylesheet
  embeds its fonts and icons as ``data:`` URLs.
- Every other answer (JSON, CSV, Turtle, GraphML...) is data, never a page:
  ``default-src 'none'``.

All of them get ``X-Content-Type-Options: nosniff``, ``X-Frame-Options:
DENY`` and ``Referrer-Policy: no-referrer``. ``POLICYKG_SECURITY_HEADERS=0``
leaves them off (a proxy in front that sets its own).
"""

from __future__ import annotations

from typing import Any

from .. import settings

VIEWER_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
              "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
GRAPHIQL_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; font-src 'self' data:; "
                "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
                "form-action 'self'; frame-ancestors 'none'")
DATA_CSP = "default-src 'none'; frame-ancestors 'none'"
COMMON = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
          (b"referrer-policy", b"no-referrer")]


def policy_for(path: str, content_type: bytes) -> str:
    if path == "/" or path.startswith("/static/"):
        return VIEWER_CSP
    if path == "/graphql" and content_type.startswith(b"text/html"):
        return GRAPHIQL_CSP
    return DATA_CSP


class SecurityHeaders:
    """Pure ASGI middleware: adds the headers to ``http.response.start`` unless the app set them."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.enabled = settings.get("POLICYKG_SECURITY_HEADERS")

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not self.enabled:
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")

        async def with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                content_type = next((v for n, v in headers if n.lower() == b"content-type"), b"")
                extra = [*COMMON, (b"content-security-policy", policy_for(path, content_type).encode())]
                message["headers"] = headers + [(n, v) for n, v in extra if n not in present]
            await send(message)

        await self.app(scope, receive, with_headers)
