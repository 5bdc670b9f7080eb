"""Topic declarations: name, partitions and key of every topic on the bus, with its dead-letter topic."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    key: str
    owner: str
    description: str

    @property
    def dlq(self) -> str:
        return f"{self.name}.dlq"


ENTERPRISES = TopicSpec(
    name="registry.enterprises.v1",
    partitions=8,
    key="USCC (统一社会信用代码)",
    owner="registry",
    description="Enterprise lifecycle events owned by the registry.",
)

TOPICS: tuple[TopicSpec, ...] = (ENTERPRISES,)


def all_topic_names() -> list[tuple[str, int]]:
    """Every topic to create on a broker, dead-letter topics included, with its partition count."""
    out: list[tuple[str, int]] = []
    for t in TOPICS:
        out.append((t.name, t.partitions))
        out.append((t.dlq, 1))
    return out
