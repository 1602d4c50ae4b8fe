"""journeybot's Slack app running in-process behind its real WSGI server, wired to the stand-in."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from slack_standin import SlackSigner, SlackStandIn

from bot.app.runtime import Runtime
from bot.app.settings import Settings
from bot.slack.app import create_app
from bot.slack.server import EVENTS_PATH, create_server
from content_library.files import import_records

SECRET = "test-signing-secret"


@dataclass
class Harness:
    standin: SlackStandIn
    slack: SlackSigner
    runtime: Runtime
    base_url: str
    server: object
    stopping: threading.Event

    def close(self) -> None:
        self.stopping.set()
        self.server.close()
        self.standin.close()
        self.runtime.engine.dispose()


def start_harness(data_dir: Path, database_url: str, embedder, records=None, load: bool = True,
                  **settings_overrides) -> Harness:
    standin = SlackStandIn()
    settings = Settings(data_dir=data_dir, database_url=database_url, slack_bot_token="xoxb-test",
                        slack_signing_secret=SECRET, slack_api_url=standin.api_url, web_threads=4,
                        **settings_overrides)
    runtime = Runtime(settings)
    runtime.__dict__["embedder"] = embedder  # share the session's loaded model
    if records:
        import_records(runtime.engine, records, "test")
    app = create_app(runtime)
    server = create_server(app, runtime, "127.0.0.1", 0, settings.web_threads)
    stopping = threading.Event()
    threading.Thread(target=_serve, args=(server, stopping), daemon=True).start()
    if load:
        _ = runtime.recommender
    base = f"http://127.0.0.1:{server.effective_port}"
    return Harness(standin, SlackSigner(base + EVENTS_PATH, SECRET), runtime, base, server, stopping)


def _serve(server, stopping: threading.Event) -> None:
    """waitress's loop, closed from the test's thread: a select() already waiting on the closed
    socket fails with EBADF then, which is the shutdown, not an error; before it, it is."""
    try:
        server.run()
    except OSError:
        if not stopping.is_set():
            raise


def wait_until(predicate, timeout: float = 10.0, interval: float = 0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met in time")
