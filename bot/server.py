"""HTTP mode: one WSGI application (POST /slack/events, GET /healthz) served by waitress.

The server listens at once; /healthz answers 503 until the model and the index are loaded, 200
after. Requests that arrive earlier are acknowledged and answered once loading is done.
"""

from __future__ import annotations

import json
import logging

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.runtime import Runtime

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


def wsgi_app(app: App, runtime: Runtime):
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ, start_response):
        path = environ.get("PATH_INFO") or "/"
        if path == HEALTH_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            if runtime.ready.is_set():
                status, body = "200 OK", {"status": "ok", "assets": len(runtime.recommender.assets)}
            else:
                status, body = "503 Service Unavailable", {"status": "loading"}
            data = json.dumps(body).encode()
            start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
            return [data]
        return slack(environ, start_response)

    return application


def create_server(app: App, runtime: Runtime, host: str, port: int):
    """A waitress server (not yet running); `.effective_port` tells the port when `port` is 0."""
    from waitress import create_server as waitress_server

    return waitress_server(wsgi_app(app, runtime), host=host, port=port, threads=runtime.settings.web_threads,
                           ident="journeybot", clear_untrusted_proxy_headers=True)
