"""Domain errors a use case raises and the HTTP answers they become: a clear 4xx, or 503 with Retry-After when
what the request needs stays taken by others' work too long (Busy)."""

from __future__ import annotations


class DomainError(Exception):
    status_code = 400
    code = "bad_request"
    headers: dict[str, str] | None = None

    def __init__(self, message: str, *, field: str | None = None, errors: list[tuple[str, str]] | None = None) -> None:
        """`errors`: (field, message) pairs when several fields are wrong at once."""
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors = errors or []


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class InvalidInput(DomainError):
    """A value the schema could not catch (it depends on data): 422 like a schema error."""

    status_code = 422
    code = "validation_failed"


class BodyTooLarge(DomainError):
    status_code = 413
    code = "body_too_large"


class LimitExceeded(DomainError):
    """More than a configured limit allows (rows, cells, memory, time of one import): the message names it."""

    status_code = 413
    code = "limit_exceeded"


class UnsupportedMediaType(DomainError):
    status_code = 415
    code = "unsupported_media_type"


class Unauthorized(DomainError):
    status_code = 401
    code = "unauthorized"
    headers = {"WWW-Authenticate": "Bearer"}  # noqa: RUF012


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"


class Busy(DomainError):
    """The resource the request needs stays taken by others' work: try again after `retry_after_s`."""

    status_code = 503
    code = "busy"

    def __init__(self, message: str, *, retry_after_s: int, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.headers = {"Retry-After": str(max(1, retry_after_s))}
