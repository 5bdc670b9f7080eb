import pytest
from pydantic import ValidationError

from registry.config import RegistrySettings
from servicekit.kafka import consumer_config, producer_config
from servicekit.settings import ServiceSettings


def test_refuses_production_with_the_default_secret() -> None:
    with pytest.raises(ValidationError, match="default secret_key"):
        ServiceSettings(environment="production", kafka_profile="kafka")


def test_refuses_production_on_the_local_broker() -> None:
    with pytest.raises(ValidationError, match="Apache Kafka"):
        ServiceSettings(environment="production", secret_key="s3cret-from-vault")


def test_local_broker_profile_turns_idempotence_off_but_keeps_acks_all() -> None:
    cfg = producer_config(ServiceSettings(kafka_profile="tansu"))
    assert cfg["enable_idempotence"] is False
    assert cfg["acks"] == "all"
    assert cfg["compression_type"] == "zstd"  # as on Apache Kafka: the broker keeps and serves a fraction of the bytes


def test_kafka_profile_keeps_the_production_guarantees() -> None:
    cfg = producer_config(ServiceSettings(kafka_profile="kafka"))
    assert cfg["enable_idempotence"] is True
    assert cfg["acks"] == "all"


def test_consumers_commit_manually_from_earliest() -> None:
    cfg = consumer_config(ServiceSettings(), "g")
    assert cfg["enable_auto_commit"] is False
    assert cfg["auto_offset_reset"] == "earliest"


def test_each_service_reads_its_own_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUZHUAN_REGISTRY_PORT", "9101")
    monkeypatch.setenv("SHUZHUAN_REGISTRY_DATABASE_URL", "postgresql://postgres@127.0.0.1/registry")
    monkeypatch.setenv("SHUZHUAN_INDEXER_PORT", "9999")
    s = RegistrySettings()
    assert s.port == 9101
    assert s.effective_database_url == "postgresql://postgres@127.0.0.1/registry"


def test_default_database_is_a_sqlite_file_under_var(tmp_path: object) -> None:
    s = RegistrySettings(var_dir=tmp_path)
    assert s.effective_database_url == f"sqlite+aiosqlite:///{tmp_path}/registry.db"


def test_topic_prefix_maps_logical_names() -> None:
    assert (
        ServiceSettings(topic_prefix="staging.").topic("registry.enterprises.v1") == "staging.registry.enterprises.v1"
    )
