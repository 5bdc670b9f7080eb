"""Indexer settings (env prefix SHUZHUAN_INDEXER_)."""

from pydantic_settings import SettingsConfigDict

from servicekit.settings import ServiceSettings


class IndexerSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SHUZHUAN_INDEXER_", extra="ignore")

    service_name: str = "indexer"
    port: int = 8005
