"""Prometheus metrics every service exposes at /metrics."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

HTTP_DURATION = Histogram(
    "http_request_duration_seconds",
    "HTTP request duration by route template and status",
    ["service", "method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
EVENTS_PRODUCED = Counter("events_produced_total", "Events published to the broker", ["service", "type"])
EVENTS_CONSUMED = Counter("events_consumed_total", "Events applied by a consumer", ["service", "type"])
EVENTS_DUPLICATE = Counter("events_duplicate_total", "Events skipped as already processed", ["service", "type"])
EVENTS_FAILED = Counter("events_failed_total", "Handler attempts that raised", ["service", "type"])
EVENTS_DEAD_LETTERED = Counter("events_dead_lettered_total", "Events sent to a .dlq topic", ["service", "type"])
WRITER_RESTARTS = Counter(
    "writer_restarts_total", "Writer pools started again after a writer died (servicekit.writerpool)", ["service"]
)
OUTBOX_BACKLOG = Gauge("outbox_backlog", "Outbox rows not yet published", ["service"])
OUTBOX_PUBLISH_ERRORS = Counter("outbox_publish_errors_total", "Failed outbox publish rounds", ["service"])
CONSUMER_LAG = Gauge("consumer_lag", "Records behind the partition's high watermark", ["service", "topic", "partition"])
EVENT_AGE = Histogram(
    "event_age_seconds",
    "From an event's time (its commit at the producer) to its application by this consumer",
    ["service", "type"],
    buckets=(0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30, 60, 300),
)
SERVICE_READY = Gauge(
    "service_ready", "1 when the last /readyz found the database and the broker reachable", ["service"]
)
