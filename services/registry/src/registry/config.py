"""Registry settings (env prefix SHUZHUAN_REGISTRY_)."""

from pydantic_settings import SettingsConfigDict

from servicekit.settings import ServiceSettings


class RegistrySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SHUZHUAN_REGISTRY_", extra="ignore")

    service_name: str = "registry"
    port: int = 8001
