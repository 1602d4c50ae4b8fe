"""HTTP mode: one WSGI application (POST /slack/events, GET /healthz) served by waitress.

The server listens at once; /healthz answers 503 until the model and the index are loaded, 200
after. Requests that arrive earlier are acknowledged and answered once loading is done.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import parse_qsl

from slack_bolt import App, BoltContext, BoltRequest
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.request.internals import build_context

from bot.app.runtime import Runtime

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


class FormSafeRequest(BoltRequest):
    """A BoltRequest whose form body is read by its fields.

    slack-bolt takes any form body that holds the letters "payload" anywhere for an interactivity
    form and, finding no `payload=` field, reads it as empty: `/journey … what payload utilisation
    means` (or a channel named #payload-ops) got a 404 and no answer. Here a form body is parsed
    as fields; the `payload` field, when there is one, is the JSON of an interaction.
    """

    def __init__(self, *, body: str, query=None, headers=None, context=None):
        super().__init__(body=body, query=query, headers=headers, context=context)
        if self.content_type == "application/json" or self.raw_body.startswith("{") or not self.raw_body:
            return
        fields = dict(parse_qsl(self.raw_body, keep_blank_values=True))
        parsed = json.loads(fields["payload"]) if "payload" in fields else fields
        if parsed != self.body:
            self.body = parsed
            self.context = build_context(BoltContext(context or {}), parsed)

    def to_copyable(self) -> FormSafeRequest:
        return FormSafeRequest(body=self.raw_body, query=self.query, headers=self.headers,
                               context=self.context.to_copyable())


class FormSafeHandler(SlackRequestHandler):
    """slack-bolt's WSGI adapter, building FormSafeRequests."""

    def dispatch(self, request) -> object:
        return self.app.dispatch(FormSafeRequest(body=request.get_body(), query=request.query_string,
                                                 headers=request.get_headers()))


def wsgi_app(app: App, runtime: Runtime):
    slack = FormSafeHandler(app, path=EVENTS_PATH)

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


def create_server(app: App, runtime: Runtime, host: str, port: int, threads: int):
    """A waitress server (not yet running); `.effective_port` tells the port when `port` is 0."""
    from waitress import create_server as waitress_server

    return waitress_server(wsgi_app(app, runtime), host=host, port=port, threads=threads,
                           ident="journeybot", clear_untrusted_proxy_headers=True)
