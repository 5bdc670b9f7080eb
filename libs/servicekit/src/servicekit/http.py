"""HTTP plumbing shared by all services: error bodies, body limit, request ids, metrics, tracing."""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from opentelemetry import trace
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contracts.api.errors import ErrorBody
from servicekit import metrics
from servicekit.errors import BodyTooLarge, DomainError
from servicekit.telemetry import context_from_traceparent, request_id_var, tracer

log = logging.getLogger(__name__)


MAX_OFFSET = 1_000_000_000  # a page offset beyond any table here; larger numbers are refused (422)
MAX_ID = 2**62  # ids are 64-bit: a larger cursor is refused (422), not passed to the database


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` for routes: every listed status answers with the shared error body."""
    return {code: {"model": ErrorBody} for code in codes}


def model_response(model: BaseModel, status_code: int = 200) -> Response:
    """A model as the JSON answer, serialised once: a route that returns its `response_model` as an object
    has FastAPI validate it again first (a fifth of a small answer's time on the hottest routes)."""
    return Response(model.__pydantic_serializer__.to_json(model), status_code, media_type="application/json")


_NAMED = re.compile(r"^(?:Value error, )?([a-z_][a-z0-9_]*): (.+)$", re.DOTALL)


def _field_of(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:] if len(parts) > 1 else parts
    return ".".join(parts)


def _error(
    status: int,
    code: str,
    message: str,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(
        {"error": code, "message": message, "errors": errors or []}, status_code=status, headers=headers
    )


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for e in exc.errors():
        field = _field_of(e.get("loc", ()))
        msg = str(e.get("msg", "invalid"))
        if e.get("type") == "json_invalid":
            field, msg = "body", f"malformed JSON: {e.get('ctx', {}).get('error', msg)}"
        elif field in ("", "body") and (named := _NAMED.match(msg)):
            field, msg = named.group(1), named.group(2)  # a check across fields names the one to fix
        errors.append({"field": field, "message": msg, "type": str(e.get("type", "value_error"))})
    summary = "; ".join(f"{x['field']}: {x['message']}" for x in errors[:5])
    return _error(422, "validation_failed", f"{len(errors)} invalid field(s): {summary}", errors)


async def _domain_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return domain_error_response(exc)


def domain_error_response(exc: DomainError) -> JSONResponse:
    """The error body of a domain error (also servicekit.fastlane's)."""
    errors = [{"field": f, "message": m, "type": exc.code} for f, m in exc.errors]
    if exc.field and not errors:
        errors = [{"field": exc.field, "message": exc.message, "type": exc.code}]
    return _error(exc.status_code, exc.code, exc.message, errors, exc.headers)


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized", 403: "forbidden"}.get(
        exc.status_code, "http_error"
    )
    return _error(exc.status_code, code, str(exc.detail))


async def _unhandled(_: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error: %s", exc)
    return _error(500, "internal_error", "internal error; the request was not applied")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unhandled)


_WANTED = {b"x-request-id": "x-request-id", b"content-length": "content-length", b"traceparent": "traceparent"}


def _wanted_headers(raw: Any) -> dict[str, str]:
    """The request headers the middleware reads (others are left undecoded: this runs on every request)."""
    found: dict[str, str] = {}
    for key, value in raw:
        name = _WANTED.get(key) or _WANTED.get(key.lower())
        if name is not None:
            found[name] = value.decode("latin-1")
    return found


class RequestMiddleware:
    """Request id, server span from `traceparent`, body-size limit and the duration histogram."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        service: str,
        max_body_bytes: int,
        max_upload_bytes: int,
        upload_paths: Sequence[str] = (),
    ) -> None:
        """`upload_paths`: path prefixes whose bodies are bulk data and get `max_upload_bytes`."""
        self.app = app
        self.service = service
        self.max_body_default = max_body_bytes
        self.max_upload = max_upload_bytes
        self.upload_paths = tuple(upload_paths)
        self._durations: dict[tuple[str, str, int], Any] = {}

    def _duration(self, method: str, route: str, status: int) -> Any:
        """The duration histogram's child for these labels (prometheus' `labels` locks and looks up per call)."""
        key = (method, route, status)
        child = self._durations.get(key)
        if child is None:
            child = self._durations[key] = metrics.HTTP_DURATION.labels(self.service, method, route, str(status))
        return child

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _wanted_headers(scope.get("headers", ()))
        max_body = self.max_upload if scope["path"].startswith(self.upload_paths) else self.max_body_default
        rid = headers.get("x-request-id") or os.urandom(16).hex()
        token = request_id_var.set(rid)
        status = {"code": 500}
        start = time.perf_counter()
        length = headers.get("content-length")
        too_large = length is not None and length.isdigit() and int(length) > max_body
        received = 0
        exceeded = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_body:
                    exceeded = True
                    raise BodyTooLarge(f"request body exceeds {max_body} bytes")
            return message

        async def raw_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                status["code"] = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            await send(message)

        async def send_wrapper(message: Message) -> None:
            # The framework answers a body that broke off with its own 400: say what happened instead.
            if exceeded:
                if message["type"] == "http.response.start" and not started:
                    await _too_large()
                return
            await raw_send(message)

        async def _too_large() -> None:
            await _error(413, "body_too_large", f"request body exceeds {max_body} bytes")(scope, receive, raw_send)

        span_name = f"{scope['method']} {scope['path']}"
        with tracer().start_as_current_span(
            span_name, context=context_from_traceparent(headers.get("traceparent")), kind=trace.SpanKind.SERVER
        ) as span:
            try:
                if too_large:
                    await _too_large()
                else:
                    try:
                        await self.app(scope, limited_receive, send_wrapper)
                    except BodyTooLarge:
                        if not started:
                            await _too_large()
            finally:
                route = scope.get("route")
                template = getattr(route, "path", None) or "unmatched"
                span.update_name(f"{scope['method']} {template}")
                span.set_attribute("http.response.status_code", status["code"])
                self._duration(scope["method"], template, status["code"]).observe(time.perf_counter() - start)
                request_id_var.reset(token)
