"""Spans are recorded only once something collects them; unrecorded spans still carry trace and span ids."""

from __future__ import annotations

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from servicekit.telemetry import _UntilCollected


def test_spans_are_not_recorded_until_collected_and_keep_their_ids() -> None:
    sampler = _UntilCollected()
    provider = TracerProvider(sampler=sampler)
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span("unrecorded") as span:
        assert not span.is_recording()
        assert span.get_span_context().is_valid  # ids still made: logs and traceparents stay connected
        with tracer.start_as_current_span("child") as child:
            assert child.get_span_context().trace_id == span.get_span_context().trace_id
    sampler.on = True
    with tracer.start_as_current_span("recorded") as span:
        assert span.is_recording()
    assert [s.name for s in exporter.get_finished_spans()] == ["recorded"]
