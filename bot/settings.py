"""Settings, read once from the environment into one object that is passed to whatever needs it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from content_library.db import default_sqlite_url
from recommender.stages import FRAMEWORKS

DEFAULT_EMBEDDER = "e5"


class SettingsError(ValueError):
    pass


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    embedder: str = DEFAULT_EMBEDDER
    framework: str = "canonical"
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        data_dir = Path(env.get("JOURNEYBOT_DATA_DIR") or ".journeybot").expanduser()
        framework = env.get("JOURNEYBOT_FRAMEWORK", "canonical").strip().lower() or "canonical"
        if framework not in FRAMEWORKS:
            raise SettingsError(f"JOURNEYBOT_FRAMEWORK={framework!r} is not one of {', '.join(FRAMEWORKS)}")
        return cls(
            data_dir=data_dir,
            database_url=(env.get("DATABASE_URL") or "").strip() or default_sqlite_url(data_dir),
            embedder=(env.get("JOURNEYBOT_EMBEDDER") or DEFAULT_EMBEDDER).strip(),
            framework=framework,
            slack_bot_token=env.get("SLACK_BOT_TOKEN") or None,
            slack_signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
            slack_app_token=env.get("SLACK_APP_TOKEN") or None,
        )
