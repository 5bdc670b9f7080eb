"""Finance settings (env prefix SHUZHUAN_FINANCE_)."""

from pydantic_settings import SettingsConfigDict

from servicekit.settings import ServiceSettings


class FinanceSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SHUZHUAN_FINANCE_", extra="ignore")

    service_name: str = "finance"
    port: int = 8004
    eligibility_queries_per_minute: float = 6000  # per bank (0: no limit); bursts of eligibility_burst
    eligibility_burst: int = 200
