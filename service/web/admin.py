"""POST /admin/reload: rebuild and swap the served graph on demand (lifecycle/reload.py does it).

Needs ``Authorization: Bearer $POLICYKG_ADMIN_TOKEN``; refused (401) without
it, and always when the variable is unset.
"""

from __future__ import annotations

import hmac
from dataclasses import asdict

from starlette.requests import Request
from starlette.responses import JSONResponse

from ..lifecycle.reload import Reloader

from .. import settings


def admin_reload_endpoint(reloader: Reloader):
    """The route handler: needs ``Authorization: Bearer $POLICYKG_ADMIN_TOKEN``."""

    async def admin_reload(request: Request) -> JSONResponse:
        expected = settings.get("POLICYKG_ADMIN_TOKEN")
        given = request.headers.get("authorization", "")
        scheme, _, token = given.partition(" ")
        if not expected:
            return JSONResponse({"error": "reloading over HTTP is disabled: start the server with "
                                          "POLICYKG_ADMIN_TOKEN set"}, status_code=401,
                                headers={"WWW-Authenticate": "Bearer"})
        # constant-time comparison: the token must not leak through timing
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), expected.encode()):
            return JSONResponse({"error": "missing or wrong admin token: send Authorization: Bearer <token>"},
                                status_code=401, headers={"WWW-Authenticate": "Bearer"})
        result = await reloader.reload("admin")
        body = asdict(result)
        return JSONResponse(body, status_code=200 if result.status == "ok" else 422)

    return admin_reload
