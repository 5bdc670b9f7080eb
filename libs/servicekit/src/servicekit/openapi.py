"""Every status a route can answer, in its OpenAPI document: what the shared machinery answers for any
protected route (401, 403), any route with parameters (422) and any route with a body (400, 413, 422)
is added to each operation, and every error is documented as the JSON error body (also where the success
is HTML or a file), so clients and the fuzz tests see the answers the service really gives."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from contracts.api.errors import ErrorBody

REF = "#/components/schemas/ErrorBody"
WHY = {
    400: "Bad Request: the body cannot be read as the declared content type",
    401: "Unauthorized: no, an expired, a revoked or an invalid access token",
    403: "Forbidden: the caller's role or scope does not allow this",
    413: "Payload Too Large: the body or the file exceeds a limit (the message names it)",
    422: "Unprocessable Entity: a field is invalid (each named in `errors`)",
}


def _answers(operation: dict[str, Any]) -> list[int]:
    codes = []
    if operation.get("security"):
        codes += [401, 403]
    if operation.get("requestBody"):
        codes += [400, 413, 422]
    if operation.get("parameters"):
        codes.append(422)
    return codes


def add_standard_answers(schema: dict[str, Any]) -> dict[str, Any]:
    """The document with the shared answers added to every operation (those it documents already kept)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("ErrorBody", ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}"))
    for name, definition in (
        ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}").get("$defs", {}).items()
    ):
        components.setdefault(name, definition)
    components["ErrorBody"].pop("$defs", None)
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code in _answers(operation):
                responses.setdefault(str(code), {"description": WHY[code]})
            for code, response in responses.items():
                if code[0] in "45":  # errors are JSON, also on a route whose success is HTML or a file
                    response["content"] = {"application/json": {"schema": {"$ref": REF}}}
    return schema


def document_standard_answers(app: FastAPI) -> None:
    """Make `app.openapi()` include the shared answers (built once, like FastAPI's own)."""
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = add_standard_answers(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
