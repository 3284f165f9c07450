"""Service configuration from the environment (prefix ``TRIAGE_``), with the contract's limits."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from triage.limits import MAX_TOP_K


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TRIAGE_", extra="ignore")

    models_dir: Path = Path("models")
    model_path: Path | None = Field(
        default=None, description="a specific models/<version> folder; default: the newest"
    )
    default_top_k: int = Field(default=3, ge=1, le=MAX_TOP_K)
    max_body_bytes: int = 64 * 1024
    log_level: str = "INFO"
