"""The error body every service returns for a 4xx."""

from __future__ import annotations

from pydantic import BaseModel


class FieldError(BaseModel):
    field: str
    message: str
    type: str


class ErrorBody(BaseModel):
    error: str
    message: str
    errors: list[FieldError] = []
