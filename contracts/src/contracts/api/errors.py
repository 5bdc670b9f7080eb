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


class FieldWarning(BaseModel):
    """Something odd about accepted input, said with the answer (nothing was refused)."""

    code: str
    field: str
    message: str
    message_zh: str
