"""Database spans from SQLAlchemy cursor events (the contrib instrumentation lags SQLAlchemy 2.1)."""

from __future__ import annotations

from typing import Any

from opentelemetry import trace
from opentelemetry.trace import Status, StatusCode
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, ExceptionContext

from servicekit.telemetry import tracer

_SPAN = "_shuzhuan_span"


def instrument_engine(engine: Engine) -> None:
    """One CLIENT span per statement, child of whatever span is current (HTTP or consumer)."""
    system = engine.dialect.name
    name = engine.url.database or ""
    spans = tracer()  # looked up once: get_tracer per statement cost more than the span itself

    @event.listens_for(engine, "before_cursor_execute")
    def _start(conn: Connection, cursor: Any, statement: str, params: Any, context: Any, executemany: bool) -> None:
        operation = statement.lstrip().split(" ", 1)[0].upper()
        span = spans.start_span(
            f"{operation} {system}",
            kind=trace.SpanKind.CLIENT,
            attributes={
                "db.system": system,
                "db.namespace": name,
                "db.operation.name": operation,
                "db.query.text": statement[:1000],
            },
        )
        if context is not None:
            setattr(context, _SPAN, span)

    @event.listens_for(engine, "after_cursor_execute")
    def _end(conn: Connection, cursor: Any, statement: str, params: Any, context: Any, executemany: bool) -> None:
        span = getattr(context, _SPAN, None)
        if span is not None:
            span.end()

    @event.listens_for(engine, "handle_error")
    def _error(ctx: ExceptionContext) -> None:
        span = getattr(ctx.execution_context, _SPAN, None)
        if span is not None:
            span.record_exception(ctx.original_exception)
            span.set_status(Status(StatusCode.ERROR, type(ctx.original_exception).__name__))
            span.end()
