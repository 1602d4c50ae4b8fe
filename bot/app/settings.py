"""Settings, read once from the environment into one object that is passed to whatever needs it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from content_library.db import default_sqlite_url
from recommender.embedder import DEFAULT_EMBEDDER
from recommender.stages import FRAMEWORKS

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_PORT = 3000


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
    slack_api_url: str = DEFAULT_SLACK_API_URL
    port: int = DEFAULT_PORT
    web_threads: int = 8
    marketer_user_ids: tuple[str, ...] = ()
    marketer_usergroup: str | None = None
    review_interval_days: int = 90
    digest_cron: str = "0 9 * * 1"
    digest_timezone: str = "UTC"
    digest_channel: str | None = None

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
        port_text = (env.get("PORT") or str(DEFAULT_PORT)).strip()
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise SettingsError(f"PORT={port_text!r} is not a port number (1-65535)")
        threads_text = (env.get("JOURNEYBOT_WEB_THREADS") or "8").strip()
        if not threads_text.isdigit() or not 1 <= int(threads_text) <= 64:
            raise SettingsError(f"JOURNEYBOT_WEB_THREADS={threads_text!r} is not a number from 1 to 64")
        api_url = (env.get("SLACK_API_URL") or DEFAULT_SLACK_API_URL).strip()
        if not api_url.startswith(("http://", "https://")):
            raise SettingsError(f"SLACK_API_URL={api_url!r} is not an http(s) URL")
        review_text = (env.get("REVIEW_INTERVAL_DAYS") or "90").strip()
        if not review_text.isdigit() or not 1 <= int(review_text) <= 3650:
            raise SettingsError(f"REVIEW_INTERVAL_DAYS={review_text!r} is not a number of days (1-3650)")
        return cls(
            data_dir=data_dir,
            database_url=(env.get("DATABASE_URL") or "").strip() or default_sqlite_url(data_dir),
            embedder=(env.get("JOURNEYBOT_EMBEDDER") or DEFAULT_EMBEDDER).strip(),
            framework=framework,
            slack_bot_token=env.get("SLACK_BOT_TOKEN") or None,
            slack_signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
            slack_app_token=env.get("SLACK_APP_TOKEN") or None,
            slack_api_url=api_url.rstrip("/") + "/",
            port=int(port_text),
            web_threads=int(threads_text),
            marketer_user_ids=tuple(u.strip() for u in (env.get("MARKETER_USER_IDS") or "").split(",") if u.strip()),
            marketer_usergroup=(env.get("MARKETER_USERGROUP") or "").strip().lstrip("@") or None,
            review_interval_days=int(review_text),
            digest_cron=(env.get("DIGEST_CRON") or "0 9 * * 1").strip(),
            digest_timezone=(env.get("DIGEST_TIMEZONE") or "UTC").strip(),
            digest_channel=(env.get("DIGEST_CHANNEL") or "").strip() or None,
        )
