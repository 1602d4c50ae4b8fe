"""A local stand-in for Slack: the Web API and response URLs on a free port, recording every call,
and a client that signs requests to journeybot the way Slack does.

Like bolt-python's own test suite: real HTTP both ways, no mocks inside journeybot.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from slack_sdk.signature import SignatureVerifier

BOT_USER = "UJOURNEYBOT"
TEAM = "T0TEAM"


@dataclass
class Call:
    path: str
    method: str
    headers: dict
    body: dict
    raw: bytes = b""
    at: float = field(default_factory=time.monotonic)

    @property
    def api_method(self) -> str | None:
        return self.path[len("/api/"):] if self.path.startswith("/api/") else None


class StandInHandler(BaseHTTPRequestHandler):
    """Records each request as a Call on its `standin`, then answers as Slack would (or with a
    queued failure)."""

    standin: SlackStandIn

    def log_message(self, *args):  # keep test output clean
        pass

    def _read(self) -> Call:
        parsed = urllib.parse.urlparse(self.path)
        data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            raw = data.decode("utf-8")
        except UnicodeDecodeError:  # an uploaded file
            raw = ""
        if "json" in (self.headers.get("Content-Type") or ""):
            body = json.loads(raw or "{}")
        elif parsed.path.startswith("/upload/"):
            body = {}
        else:
            body = {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}
        body.update({k: v[0] for k, v in urllib.parse.parse_qs(parsed.query).items()})
        return Call(parsed.path, self.command, dict(self.headers), body, data)

    def _send(self, status: int, headers: dict, data: bytes) -> None:
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _handle(self):
        call = self._read()
        standin = self.standin
        with standin.lock:
            queued = standin.failures.get(call.path)
            failure = queued.pop(0) if queued else None
            standin.calls.append(call)
            standin.lock.notify_all()
        if failure:
            status, headers, text = failure
            self._send(status, headers, text.encode())
            return
        answer = {"ok": True}
        if call.api_method is not None:
            answer.update(standin.answers.get(call.api_method, {}))
            if call.api_method == "chat.postMessage":
                answer.setdefault("channel", call.body.get("channel"))  # as Slack: the channel posted to
        self._send(200, {}, json.dumps(answer).encode())

    do_GET = _handle
    do_POST = _handle


class SlackStandIn:
    def __init__(self):
        self.calls: list[Call] = []
        self.lock = threading.Condition()
        # Queued failures per path: each request to that path pops one (status, headers, body).
        self.failures: dict[str, list[tuple[int, dict, str]]] = {}
        # Canned Web API answers per method, merged into {"ok": true}.
        self.answers: dict[str, dict] = {
            "auth.test": {"user_id": BOT_USER, "bot_id": "B0BOT", "team_id": TEAM, "team": "Freightline",
                          "user": "journeybot", "url": "https://freightline.slack.com/"},
            "chat.postMessage": {"ts": "1700000000.000100"},
            "views.publish": {"view": {"id": "V1"}},
            "conversations.replies": {"messages": []},
            "files.completeUploadExternal": {"files": [{"id": "F0CHART", "title": "chart"}]},
        }
        handler = type("Handler", (StandInHandler,), {"standin": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.answers["files.getUploadURLExternal"] = {"upload_url": f"http://127.0.0.1:{self.port}/upload/F0CHART",
                                                      "file_id": "F0CHART"}
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/respond/{name}"

    def fail(self, path: str, *failures: tuple[int, dict, str]) -> None:
        with self.lock:
            self.failures.setdefault(path, []).extend(failures)

    def clear(self) -> None:
        with self.lock:
            self.calls.clear()
            self.failures.clear()

    def calls_to(self, path: str) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.path == path]

    def wait_for(self, path: str, count: int = 1, timeout: float = 30.0) -> list[Call]:
        """Wait until `path` has had `count` calls; return them (fail the test on timeout)."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                found = [c for c in self.calls if c.path == path]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = sorted({c.path for c in self.calls})
                    raise AssertionError(f"{path}: {len(found)} call(s) after {timeout}s, wanted {count}; seen {seen}")
                self.lock.wait(remaining)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Reply:
    status: int
    body: str
    headers: dict
    elapsed: float

    def json(self):
        return json.loads(self.body)


class SlackSigner:
    """Sends requests to journeybot as Slack does: form or JSON bodies, signed with the signing secret."""

    def __init__(self, url: str, secret: str):
        self.url, self.secret = url, secret
        self.verifier = SignatureVerifier(secret)

    def post(self, body: str, content_type: str, *, timestamp: int | None = None, signature: str | None = None,
             headers: dict | None = None, sign: bool = True) -> Reply:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        all_headers = {"Content-Type": content_type, **(headers or {})}
        if sign:
            all_headers["X-Slack-Request-Timestamp"] = ts
            all_headers["X-Slack-Signature"] = signature or self.verifier.generate_signature(timestamp=ts, body=body)
        request = urllib.request.Request(self.url, data=body.encode("utf-8"), headers=all_headers, method="POST")
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return Reply(response.status, response.read().decode(), dict(response.headers),
                             time.monotonic() - started)
        except urllib.error.HTTPError as exc:
            return Reply(exc.code, exc.read().decode(), dict(exc.headers), time.monotonic() - started)

    def command(self, text: str, *, command: str = "/journey", user: str = "U0REP", channel: str = "C0SALES",
                response_url: str, fields: dict | None = None, **kw) -> Reply:
        """`fields` adds or replaces form fields (a channel name, a team domain)."""
        form = {"token": "legacy", "team_id": TEAM, "team_domain": "freightline", "channel_id": channel,
                "channel_name": "sales", "user_id": user, "user_name": "rep", "command": command, "text": text,
                "api_app_id": "A0APP", "response_url": response_url, "trigger_id": "1.2.3", **(fields or {})}
        return self.post(urllib.parse.urlencode(form), "application/x-www-form-urlencoded", **kw)

    def event(self, event: dict, *, event_id: str, **kw) -> Reply:
        body = {"token": "legacy", "team_id": TEAM, "api_app_id": "A0APP", "type": "event_callback",
                "event_id": event_id, "event_time": int(time.time()), "event": event,
                "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}]}
        return self.post(json.dumps(body), "application/json", **kw)

    def interaction(self, payload: dict, **kw) -> Reply:
        payload = {"team": {"id": TEAM, "domain": "freightline"}, "api_app_id": "A0APP", "token": "legacy",
                   **payload}
        body = urllib.parse.urlencode({"payload": json.dumps(payload)})
        return self.post(body, "application/x-www-form-urlencoded", **kw)
