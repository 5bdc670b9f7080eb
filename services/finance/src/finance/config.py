"""Finance settings (env prefix SHUZHUAN_FINANCE_)."""

from typing import Annotated

from fastapi import Depends
from pydantic_settings import SettingsConfigDict

from servicekit.app import get_settings
from servicekit.settings import ServiceSettings


class FinanceSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SHUZHUAN_FINANCE_", extra="ignore")

    service_name: str = "finance"
    port: int = 8004
    eligibility_queries_per_minute: float = 6000  # per bank (0: no limit); bursts of eligibility_burst
    eligibility_burst: int = 200
    file_memory_mb: int = 256  # per repayment workbook, in the child process that reads it
    file_seconds: float = 60  # wall time to read one repayment workbook


Settings = Annotated[FinanceSettings, Depends(get_settings)]
