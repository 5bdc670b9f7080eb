"""Catalog settings (env prefix SHUZHUAN_CATALOG_)."""

from pydantic_settings import SettingsConfigDict

from servicekit.settings import ServiceSettings


class CatalogSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SHUZHUAN_CATALOG_", extra="ignore")

    service_name: str = "catalog"
    port: int = 8002
