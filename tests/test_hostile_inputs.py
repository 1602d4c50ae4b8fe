"""Every user-facing entry point against hostile input: a clear error or a normal answer, never a
traceback, and the library unchanged where nothing should be written."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import pytest
from click.testing import CliRunner
from conftest import postgres_url_or_skip
from slack_harness import start_harness
from sqlalchemy import text

from bot.terminal.cli import cli as main_cli

HOSTILE = {
    "empty": "",
    "whitespace": " \t \u3000 ",
    "huge": "compared vendors " * 6_000,  # ~100k characters
    "control": "CFO\x00 asked\x01 for\x1b[31m pricing\x7f",
    "mrkdwn": "<!channel> <!here|here> <@U0ADMIN> *bold* _it_ ~x~ `code` <https://evil.example|click me>",
    "html": "<script>alert('x')</script><img src=x onerror=alert(1)>&amp;&lt;",
    "sql": "'; DROP TABLE assets; -- \" OR 1=1; DELETE FROM query_log WHERE ''='",
    "emoji": "🚚" * 2_000,
    "bidi": "\u202eecirp rof deksa OFC\u202c",
    "json-ish": '{"stage": "decision", "items": [1, 2]}',
}
# Inputs without a letter or a digit: asked to describe the prospect, nothing is ranked.
WORDLESS = ("empty", "whitespace", "emoji")


def fingerprint(engine) -> str:
    with engine.connect() as conn:
        rows = conn.execute(text("select id, title, url, description, content_type, archived from assets "
                                 "order by id")).all()
        audits = conn.execute(text("select count(*) from audit_log")).scalar_one()
    return hashlib.sha1(repr((rows, audits)).encode()).hexdigest()


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def bot(request, tmp_path_factory, e5, sample_records):
    data = tmp_path_factory.mktemp("hostile")
    url = f"sqlite:///{data / 'journeybot.db'}" if request.param == "sqlite" else postgres_url_or_skip()
    harness = start_harness(data, url, e5, sample_records, marketer_user_ids=("U0MKT",))
    yield harness
    harness.close()


@pytest.mark.parametrize("name", list(HOSTILE))
def test_journey_command(bot, name):
    before = fingerprint(bot.runtime.engine)
    value = HOSTILE[name][:4000]  # Slack caps slash command text
    reply = bot.slack.command(value, response_url=bot.standin.response_url(f"j-{name}"))
    assert reply.status == 200
    if name in WORDLESS:
        assert "Describe your prospect" in reply.body
    else:
        answer = bot.standin.wait_for(f"/respond/j-{name}")[0].body
        rendered = json.dumps(answer)
        assert "*Stage:*" in rendered and "<!channel>" not in rendered and "<script>" not in rendered
    assert fingerprint(bot.runtime.engine) == before


@pytest.mark.parametrize("name", list(HOSTILE))
def test_direct_message(bot, name):
    event = {"type": "message", "channel_type": "im", "user": "U0REP", "channel": "D0H",
             "ts": f"1700000300.{abs(hash(name)) % 10**6:06d}", "text": HOSTILE[name]}
    assert bot.slack.event(event, event_id=f"Ev0H{abs(hash(name))}").status == 200
    posted = [c.body for c in bot.standin.wait_for("/api/chat.postMessage", count=1)
              if c.body.get("thread_ts") == event["ts"]]
    if not posted:  # other DMs' replies came first; wait for this one
        posted = [c.body for c in bot.standin.wait_for("/api/chat.postMessage", count=len(bot.standin.calls_to(
            "/api/chat.postMessage")) + 1) if c.body.get("thread_ts") == event["ts"]]
    rendered = json.dumps(posted[0], ensure_ascii=False)
    assert "<!channel>" not in rendered and "<script>" not in rendered
    if name in WORDLESS:
        assert "Describe your prospect" in rendered and "*Stage:*" not in rendered
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in posted[0]["blocks"])


@pytest.mark.parametrize("command", ["add {v}", 'add https://x.example/h "{v}" type=ebook', "show {v}", "search {v}",
                                     "edit {v}", "tag 1 tags={v}", "stage 1 {v}", "list stage={v}", "{v}"])
@pytest.mark.parametrize("name", ["control", "mrkdwn", "html", "sql", "huge", "bidi"])
def test_content_command(bot, name, command):
    before = fingerprint(bot.runtime.engine)
    value = command.format(v=HOSTILE[name])[:4000]
    where = f"c-{name}-{hashlib.sha1(command.encode()).hexdigest()[:8]}"
    reply = bot.slack.command(value, command="/content", user="U0MKT", response_url=bot.standin.response_url(where))
    assert reply.status == 200
    body = reply.json() if reply.body else bot.standin.wait_for(f"/respond/{where}")[0].body
    rendered = json.dumps(body)
    assert "<!channel>" not in rendered and "<script>" not in rendered and "Traceback" not in rendered
    if command.startswith("add https") and name in ("mrkdwn", "html", "sql", "bidi"):
        return  # a title with odd characters is still a title: it may be added (escaped when shown)
    assert fingerprint(bot.runtime.engine) == before or body.get("text", "").startswith(("Updated", "Added"))


def test_modal_submission_with_hostile_values(bot):
    from bot.slack import ids

    before = fingerprint(bot.runtime.engine)
    for name, value in HOSTILE.items():
        values = {"url": {"value": {"type": "plain_text_input", "value": value or None}},
                  "title": {"value": {"type": "plain_text_input", "value": value[:400] or None}},
                  "content_type": {"value": {"type": "static_select", "selected_option": {"value": value[:50]}}},
                  "stages": {"value": {"type": "multi_static_select", "selected_options": [{"value": value[:50]}]}}}
        reply = bot.slack.interaction({"type": "view_submission", "user": {"id": "U0MKT"},
                                       "view": {"id": "V1", "type": "modal", "callback_id": ids.ADD_ASSET_VIEW,
                                                "private_metadata": "not json", "state": {"values": values}}})
        assert reply.status == 200 and reply.json()["response_action"] == "errors", name
    assert fingerprint(bot.runtime.engine) == before


def test_malformed_interaction_payloads_are_answered(bot):
    for payload in ({"type": "block_actions", "actions": [{"action_id": "more_results", "value": "{]"}],
                     "user": {"id": "U0REP"}, "response_url": bot.standin.response_url("bad1")},
                    {"type": "block_actions", "actions": [{"action_id": "share_asset", "value": '{"a": "DROP"}'}],
                     "user": {"id": "U0REP"}, "response_url": bot.standin.response_url("bad2")}):
        assert bot.slack.interaction(payload).status == 200
    for name in ("bad1", "bad2"):
        assert "no longer read" in bot.standin.wait_for(f"/respond/{name}")[0].body["text"]


# -- files and the command line ------------------------------------------------------------------------
FILES = {
    "invalid-utf8.csv": b"title,url,content_type\n\xff\xfe bad,https://x.example/1,ebook\n",
    "binary.json": bytes(range(256)) * 4,
    "empty.csv": b"",
    "wrong-types.json": json.dumps([{"title": {"x": 1}, "url": "https://x.example/2", "content_type": "ebook"},
                                    {"title": "ok", "url": 5, "content_type": ["ebook"], "stages": 7}]).encode(),
    "not-a-list.json": b'{"title": "x"}',
    "huge-field.csv": b"title,url,content_type,description\nT,https://x.example/3,ebook," + b"d" * 1_000_000 + b"\n",
    "sql.yaml": b"- title: \"'); DROP TABLE assets; --\"\n  url: \"javascript:alert(1)\"\n  content_type: ebook\n",
    "control.jsonl": b'{"title": "a\\u0000b", "url": "https://x.example/4", "content_type": "ebook"}\n{bad json\n',
}


@dataclass
class Result:
    returncode: int
    stdout: bytes
    stderr: bytes


@pytest.fixture
def cli(cli_env):
    """The command line in-process (click's runner), as `journeybot` runs it, with bytes out."""
    runner = CliRunner()

    def run(*args, stdin=None):
        result = runner.invoke(main_cli, list(args), input=stdin)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Result(result.exit_code, result.stdout_bytes, result.stderr_bytes)
    assert run("library", "seed").returncode == 0
    return run


def test_hostile_files_are_refused_and_nothing_is_written(cli, tmp_path):
    before = cli("library", "list", "--json").stdout
    for name, data in FILES.items():
        path = tmp_path / name
        path.write_bytes(data)
        result = cli("library", "import", str(path))
        stderr = result.stderr.decode()
        assert result.returncode == 2, (name, stderr)
        assert "Traceback" not in stderr and stderr.count("\n") <= 3 and stderr.strip(), name
    assert cli("library", "list", "--json").stdout == before


def test_hostile_text_on_the_command_line(cli):
    for name, value in HOSTILE.items():
        if "\x00" in value:
            value = value.replace("\x00", "")  # a process argument cannot carry NUL
        for command in (["recommend", value], ["classify", value], ["recommend", "--json", value]):
            result = cli(*command)
            stderr = result.stderr.decode()
            assert result.returncode in (0, 2) and "Traceback" not in stderr, (name, command[0], stderr)
            if result.returncode == 2:
                assert stderr.strip() and name in WORDLESS
    lines = "\n".join(json.dumps({"id": n, "text": v}) for n, v in HOSTILE.items()) + "\n[1,2]\nnot json\n"
    result = cli("recommend", "--jsonl", stdin=lines.encode())
    out = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert result.returncode == 2 and len(out) == len(HOSTILE) + 2
    assert all(("error" in o) == (o.get("id") in (*WORDLESS, None)) for o in out)
