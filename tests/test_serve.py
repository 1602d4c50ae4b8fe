"""`journeybot serve` / `socket` / `start` as a user runs them: real processes, real HTTP."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from conftest import postgres_url_or_skip
from slack_standin import SlackSigner, SlackStandIn

SECRET = "serve-secret"
JOURNEYBOT = [sys.executable, "-m", "bot"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def standin():
    s = SlackStandIn()
    yield s
    s.close()


@pytest.fixture
def env(tmp_path, standin):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "PORT"))}
    environment.update(JOURNEYBOT_DATA_DIR=str(tmp_path / "data"), SLACK_API_URL=standin.api_url,
                       SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SECRET)
    return environment


def run(env, *args, timeout=120):
    return subprocess.run([*JOURNEYBOT, *args], env=env, capture_output=True, text=True, timeout=timeout)


def health(port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def start_server(env, port: int) -> tuple[subprocess.Popen, list[int]]:
    """`journeybot serve` on `port`, once /healthz says it is ready; also every status seen before."""
    server = subprocess.Popen([*JOURNEYBOT, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 120
    statuses = []
    while time.monotonic() < deadline:
        statuses.append(health(port))
        if statuses[-1] == 200:
            return server, statuses
        if server.poll() is not None:
            raise AssertionError(server.stdout.read())
        time.sleep(0.1)
    server.kill()
    raise AssertionError(f"journeybot serve was not ready in 120 s: {statuses[-5:]}")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


def test_serve_answers_journey_over_http(env, standin):
    assert run(env, "library", "seed").returncode == 0
    port = free_port()
    server, statuses = start_server(env, port)
    try:
        assert set(statuses) <= {0, 503, 200}
        slack = SlackSigner(f"http://127.0.0.1:{port}/slack/events", SECRET)
        reply = slack.command("CFO asked for pricing and an ROI model", response_url=standin.response_url("cli"))
        assert reply.status == 200
        answer = standin.wait_for("/respond/cli")[0].body
        assert "*Stage:* Decision" in json.dumps(answer["blocks"])
        assert slack.command("x", response_url=standin.response_url("f"), signature="v0=bad").status == 401
    finally:
        stop(server)


def test_two_workers_and_two_clocks_share_one_postgres_database(env, standin, tmp_path):
    """Two `serve` processes (each with its own data directory and index, as on two machines) and two
    digest posters on one PostgreSQL database: a library change made through either worker is in the
    other's very next `/journey` answer (no polling interval to wait out; how long that answer takes is
    measured in benchmarks/slack_latency.py, not here, where the CI machine's load sets it), and the
    week's digest is posted once."""
    env.update(DATABASE_URL=postgres_url_or_skip(), MARKETER_USER_IDS="U0MKT")
    assert run(env, "library", "seed").returncode == 0
    workers, signers = [], []
    try:
        for name in ("a", "b"):
            port = free_port()
            workers.append(start_server({**env, "JOURNEYBOT_DATA_DIR": str(tmp_path / name)}, port)[0])
            signers.append(SlackSigner(f"http://127.0.0.1:{port}/slack/events", SECRET))
        a, b = signers
        url = "https://freightline.example/tools/reefer-fuel-roi"
        ask = "Cold-chain carrier's CFO wants an ROI calculator for reefer fuel savings before signing"

        def answer(signer, text, user="U0REP", command="/journey"):
            name = f"r{time.monotonic_ns()}"
            reply = signer.command(text, command=command, user=user, response_url=standin.response_url(name))
            assert reply.status == 200
            if command == "/content" and reply.body:  # quick adds answer in the acknowledgement
                return reply.body
            return json.dumps(standin.wait_for(f"/respond/{name}", timeout=60)[0].body, ensure_ascii=False)

        assert url not in answer(b, ask)
        added = answer(a, f'add {url} "Reefer fuel ROI calculator for cold-chain carriers" stage=decision '
                          'type="roi calculator" tags=industry:cold-chain', user="U0MKT", command="/content")
        assert "Added" in added
        assert url in answer(b, ask)
        assert "Archived" in answer(b, f"archive {url}", user="U0MKT", command="/content")
        assert url not in answer(a, ask)

        clocks = [subprocess.Popen([*JOURNEYBOT, "digest", "--post", "#marketing"], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True,
                                   env={**env, "JOURNEYBOT_DATA_DIR": str(tmp_path / f"clock{i}")}) for i in (1, 2)]
        outputs = [clock.communicate(timeout=180) for clock in clocks]
        assert [clock.returncode for clock in clocks] == [0, 0], outputs
        assert sorted("Digest posted" in out for out, _ in outputs) == [False, True]
        assert len(standin.calls_to("/api/chat.postMessage")) == 1
    finally:
        for worker in workers:
            stop(worker)


@pytest.mark.parametrize("command,missing,drop", [
    ("serve", "SLACK_SIGNING_SECRET", "SLACK_SIGNING_SECRET"),
    ("serve", "SLACK_BOT_TOKEN", "SLACK_BOT_TOKEN"),
    ("socket", "SLACK_APP_TOKEN", None),
])
def test_missing_slack_settings_are_named(env, command, missing, drop):
    if drop:
        env.pop(drop)
    result = run(env, command)
    assert result.returncode == 2 and missing in result.stderr and "Traceback" not in result.stderr


def test_a_rejected_bot_token_is_reported(env, standin):
    standin.answers["auth.test"] = {"ok": False, "error": "invalid_auth"}
    result = run(env, "serve", "--port", str(free_port()))
    assert result.returncode == 2 and "Slack refused the bot token" in result.stderr


@pytest.mark.parametrize("name,value", [("PORT", "http"), ("SLACK_API_URL", "slack.com/api"),
                                        ("JOURNEYBOT_WEB_THREADS", "0")])
def test_bad_server_settings_are_refused(env, name, value):
    env[name] = value
    result = run(env, "serve")
    assert result.returncode == 2 and name in result.stderr


def test_start_without_slack_tokens_is_the_console(env):
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"):
        env.pop(name)
    result = subprocess.run([*JOURNEYBOT, "start"], env=env, input=":quit\n", capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0 and "journeybot console" in result.stdout


# -- the digest and the clock from the command line -------------------------------------------------------
def test_digest_prints_and_posts_once_a_week(env, standin):
    assert run(env, "library", "seed").returncode == 0
    printed = run(env, "digest")
    assert printed.returncode == 0 and printed.stdout.startswith("Content gaps")
    data = json.loads(run(env, "digest", "--format", "json", "--since", "2w").stdout)
    assert len(data["stages"]) == 5 and "topics" in data
    first = run(env, "digest", "--post", "#marketing")
    assert first.returncode == 0 and "Digest posted to #marketing" in first.stdout, first.stderr
    assert standin.calls_to("/api/chat.postMessage")[0].body["channel"] == "marketing"
    assert standin.calls_to("/upload/F0CHART")[0].raw.startswith(b"\x89PNG")
    again = run(env, "digest", "--post", "#marketing")
    assert again.returncode == 0 and "Nothing posted" in again.stdout and "--force" in again.stdout
    assert len(standin.calls_to("/api/chat.postMessage")) == 1
    assert run(env, "digest", "--post", "#marketing", "--force").returncode == 0
    assert len(standin.calls_to("/api/chat.postMessage")) == 2


@pytest.mark.parametrize("args,extra,message", [
    (["digest", "--since", "yesterday"], {}, "--since"),
    (["digest", "--format", "pdf"], {}, "pdf"),
    (["clock"], {}, "DIGEST_CHANNEL"),
    (["clock"], {"DIGEST_CHANNEL": "C1", "DIGEST_CRON": "every monday"}, "DIGEST_CRON"),
    (["clock"], {"DIGEST_CHANNEL": "C1", "DIGEST_TIMEZONE": "Moon/Base"}, "DIGEST_TIMEZONE"),
    (["digest"], {"REVIEW_INTERVAL_DAYS": "soon"}, "REVIEW_INTERVAL_DAYS"),
])
def test_bad_digest_and_clock_settings_are_refused(env, args, extra, message):
    env.update(extra)
    result = run(env, *args)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_digest_post_refused_by_slack_is_reported(env, standin):
    standin.answers["chat.postMessage"] = {"ok": False, "error": "not_in_channel"}
    result = run(env, "digest", "--post", "C0PRIVATE")
    assert result.returncode == 2 and "not_in_channel" in result.stderr


def test_socket_mode_answers_commands_and_events(env, standin):
    from socket_standin import SocketModeStandIn

    assert run(env, "library", "seed").returncode == 0
    ws = SocketModeStandIn()
    standin.answers["apps.connections.open"] = {"url": ws.url}
    env.pop("SLACK_SIGNING_SECRET")  # Socket Mode needs no signing secret
    env["SLACK_APP_TOKEN"] = "xapp-test"
    bot = subprocess.Popen([*JOURNEYBOT, "start"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True)
    try:
        assert ws.connected.wait(120), "journeybot did not connect"
        opened = standin.calls_to("/api/apps.connections.open")[0]
        assert opened.headers.get("Authorization") == "Bearer xapp-test"
        ws.send({"envelope_id": "env-1", "type": "slash_commands", "accepts_response_payload": True,
                 "payload": {"command": "/journey", "text": "CFO asked for pricing and an ROI model",
                             "user_id": "U0REP", "channel_id": "C0SALES", "team_id": "T0TEAM",
                             "response_url": standin.response_url("sock"), "trigger_id": "1.2"}})
        ack, acked = ws.wait_for_ack("env-1")
        assert "Looking for content" in json.dumps(ack.get("payload", {}))
        answer = standin.wait_for("/respond/sock", timeout=60)[0]
        assert acked < answer.at  # acknowledged before the answer was worked out, not with it
        assert "*Stage:* Decision" in json.dumps(answer.body["blocks"])
        ws.send({"envelope_id": "env-2", "type": "events_api", "accepts_response_payload": False,
                 "payload": {"type": "event_callback", "event_id": "Ev0SOCK", "team_id": "T0TEAM",
                             "event": {"type": "app_mention", "user": "U0REP", "channel": "C0SALES",
                                       "ts": "1700000100.000100", "text": "<@UJOURNEYBOT> legal is redlining our MSA"},
                             "authorizations": [{"team_id": "T0TEAM", "user_id": "UJOURNEYBOT", "is_bot": True}]}})
        ws.wait_for_ack("env-2")
        posted = standin.wait_for("/api/chat.postMessage", timeout=60)[0].body
        assert posted["thread_ts"] == "1700000100.000100"
    finally:
        bot.terminate()
        try:
            bot.wait(timeout=20)
        except subprocess.TimeoutExpired:
            bot.kill()
        ws.close()
