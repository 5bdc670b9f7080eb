"""Assessment settings (env prefix SHUZHUAN_ASSESSMENT_)."""

from pydantic_settings import SettingsConfigDict

from servicekit.settings import ServiceSettings


class AssessmentSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SHUZHUAN_ASSESSMENT_", extra="ignore")

    service_name: str = "assessment"
    port: int = 8003
