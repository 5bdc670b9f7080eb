"""Registry settings (env prefix SHUZHUAN_REGISTRY_)."""

from pathlib import Path
from typing import Annotated

from fastapi import Depends
from pydantic import Field
from pydantic_settings import SettingsConfigDict

from servicekit.app import get_settings
from servicekit.settings import ServiceSettings


class RegistrySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SHUZHUAN_REGISTRY_", extra="ignore")

    service_name: str = "registry"
    port: int = 8001
    auth_private_key_file: Path | None = None  # default var/keys/token-signing.pem
    # The indexer's dashboard (local default port) signs in at the token endpoint from the browser.
    cors_origins: list[str] = Field(default_factory=lambda: ["http://127.0.0.1:8005", "http://localhost:8005"])
    token_ttl_s: int = 900
    push_timely_days: int = 7  # a pushed record counts as timely if received within this many days
    push_batches_per_minute: float = 600  # per provider (0: no limit); bursts of push_burst
    push_burst: int = 60
    # Pushed batches applied in this many writer processes of their own (servicekit.writerpool), beside the one
    # serving HTTP: a provider's batches then use more than one core. 0: in the serving process.
    push_workers: int = Field(default=0, ge=0, le=16)
    token_max_failures: int = 5  # wrong secrets per client id within the window before a lockout
    token_max_failures_per_address: int = 20  # per source address
    token_failure_window_s: float = 900
    token_lockout_s: float = 900
    import_memory_mb: int = 384  # per uploaded file, in the child process that reads it
    import_seconds: float = 120  # wall time to read one uploaded file
    import_concurrency: int = 2  # files read at once; more wait

    @property
    def private_key_path(self) -> Path:
        return self.auth_private_key_file or self.var_dir / "keys" / "token-signing.pem"


Settings = Annotated[RegistrySettings, Depends(get_settings)]
"""The registry's settings, as a route dependency."""
