"""Settings base: one env prefix per service, read when constructed (never at import)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "change-me-local-only"


def project_root() -> Path:
    """The checkout root (where var/ lives), found from the current directory upwards."""
    here = Path.cwd().resolve()
    for p in (here, *here.parents):
        if (p / "uv.lock").exists():
            return p
    return here


class ServiceSettings(BaseSettings):
    """Settings every service has.  Subclasses set `model_config` with their own env prefix."""

    model_config = SettingsConfigDict(env_prefix="SHUZHUAN_", extra="ignore")

    service_name: str = "service"
    environment: Literal["local", "test", "production"] = "local"
    host: str = "127.0.0.1"
    port: int = 8000
    database_url: str = ""  # empty: SQLite file var/<service>.db
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    # "tansu": the local in-memory broker (no idempotent producer); "kafka": a real cluster.
    kafka_profile: Literal["tansu", "kafka"] = "tansu"
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: str | None = None
    kafka_sasl_username: str | None = None
    kafka_sasl_password: str | None = None
    # Prepended to every topic name on the broker (e.g. "staging."): namespaces on a shared cluster,
    # and isolation between tests. Contracts and the outbox keep the logical names.
    topic_prefix: str = ""
    kafka_create_topics: bool = True  # create declared topics at start (Tansu; a dev Kafka)
    kafka_replication_factor: int = 1
    consumer_group: str = ""  # empty: the service name
    consumer_session_timeout_ms: int = 6000
    consumer_heartbeat_interval_ms: int = 1000
    consumer_max_records: int = 5000  # records per poll, applied in one transaction
    consumer_max_retries: int = 3
    # SQLite page cache of each connection of the consumers and the relay (servicekit.app.background_engine), MiB;
    # 0: SQLite's own 2 MiB. The requests' pooled connections keep SQLite's.
    sqlite_cache_mib: int = Field(default=32, ge=0, le=4096)
    # SQLite: bulk writes (a pushed batch, a list imported, a repayment file) share one connection of their own with a
    # page cache of this many MiB (servicekit.app.bulk_engine; 0: SQLite's 2 MiB); one waits up to bulk_wait_s for it,
    # then is answered 503 with Retry-After. PostgreSQL: they use the requests' pool.
    sqlite_bulk_cache_mib: int = Field(default=64, ge=0, le=4096)
    bulk_wait_s: float = Field(default=120, gt=0)
    relay_batch_size: int = 5000  # outbox rows per publishing round
    relay_poll_interval_s: float = 0.5  # between rounds when idle; a commit in the same process wakes the relay at once
    # False where the relay runs as a process of its own (`python -m <service> relay`, servicekit.relayapp): one per
    # database beside any number of API replicas (production), and the registry's under `make run`.
    relay_embedded: bool = True
    relay_port: int = 0  # the relay process's /healthz, /readyz and /metrics; 0: the service's port + 100
    # A relay in its own process is not woken by commits: it looks again this soon after a round that published,
    # then twice as long after each empty look, up to relay_poll_interval_s.
    relay_alone_poll_s: float = 0.05
    gc_threshold: int = 50_000  # allocations between cyclic-GC passes (0: Python's default, 700)
    max_body_bytes: int = 1_048_576
    # Idle keep-alive connections are closed after this: longer than clients keep theirs (httpx 5 s, browsers
    # and load balancers up to 60 s), so a client never sends on a connection the server is closing.
    keep_alive_s: float = 75
    max_upload_bytes: int = 67_108_864  # bulk paths a service declares (ServiceSpec.upload_paths)
    cors_origins: list[str] = Field(
        default_factory=list
    )  # browser origins allowed to call this service (e.g. the dashboard's)
    log_level: str = "INFO"
    log_json: bool = True
    otlp_endpoint: str | None = None
    secret_key: str = DEFAULT_SECRET
    auth_public_key_file: Path | None = None  # default var/keys/token-signing.pub.pem
    var_dir: Path = Field(default_factory=lambda: project_root() / "var")

    @model_validator(mode="after")
    def _refuse_default_secrets_in_production(self) -> ServiceSettings:
        if self.environment == "production" and self.secret_key == DEFAULT_SECRET:
            raise ValueError("refusing to start in production with the default secret_key; set one")
        if self.environment == "production" and self.kafka_profile == "tansu":
            raise ValueError("production runs on Apache Kafka: set kafka_profile=kafka")
        return self

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.var_dir / (self.service_name + '.db')}"

    @property
    def public_key_path(self) -> Path:
        return self.auth_public_key_file or self.var_dir / "keys" / "token-signing.pub.pem"

    def topic(self, name: str) -> str:
        """The broker-side name of a logical topic."""
        return f"{self.topic_prefix}{name}"

    @property
    def effective_relay_port(self) -> int:
        return self.relay_port or self.port + 100

    @property
    def group_id(self) -> str:
        return self.consumer_group or self.service_name
