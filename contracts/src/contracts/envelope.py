"""Event base class and the CloudEvents 1.0 binary-mode attribute names shared by every event."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from contracts.topics import TopicSpec

SPEC_VERSION = "1.0"
# CloudEvents binary mode over Kafka: attributes in ce_* headers, the payload as the value.
CE_HEADERS = ("ce_id", "ce_type", "ce_source", "ce_time", "ce_subject", "ce_specversion", "ce_dataschema")
TRACEPARENT = "traceparent"


class Event(BaseModel):
    """An integration event: an explicit type string, a major version, its topic and its key."""

    # Consumers tolerate fields added by a newer minor revision of the same major version.
    model_config = ConfigDict(extra="ignore", frozen=True)

    TYPE: ClassVar[str]
    VERSION: ClassVar[int]
    TOPIC: ClassVar[TopicSpec]
    KEY_FIELD: ClassVar[str]

    def key(self) -> str:
        """The aggregate id this event is about (the Kafka key)."""
        return str(getattr(self, self.KEY_FIELD))

    @classmethod
    def dataschema(cls) -> str:
        """The URI of this event's committed JSON Schema (the ce_dataschema attribute)."""
        return f"urn:shuzhuan:schema:{cls.TYPE}:v{cls.VERSION}"
