"""What the Slack bot tests share: the bot behind real HTTP (on SQLite and PostgreSQL) and helpers to
ask, click and read its answers."""

from __future__ import annotations

import time

import pytest
from conftest import postgres_url_or_skip
from slack_harness import start_harness
from sqlmodel import Session, select

from bot.slack import ids

ASK = "VP Ops at a 200-person carrier, comparing us with two vendors, asked for case studies"


def bot_fixture(name: str):
    """A module-scoped `bot` fixture: journeybot with the sample library, once per database."""

    @pytest.fixture(scope="module", params=["sqlite", "postgres"])
    def bot(request, tmp_path_factory, e5, sample_records):
        data = tmp_path_factory.mktemp(name)
        url = f"sqlite:///{data / 'journeybot.db'}" if request.param == "sqlite" else postgres_url_or_skip()
        harness = start_harness(data, url, e5, sample_records)
        yield harness
        harness.close()

    return bot


def clear(bot):
    bot.standin.clear()
    return bot.standin


def rows(bot, model, *where):
    with Session(bot.runtime.engine) as session:
        return list(session.exec(select(model).where(*where)))


def ask(bot, standin, text=ASK, name="r1", user="U0REP"):
    reply = bot.slack.command(text, response_url=standin.response_url(name), user=user)
    assert reply.status == 200, reply.body
    call = standin.wait_for(f"/respond/{name}")[0]
    return reply, call.body


def actions_of(message: dict) -> list[dict]:
    return [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]


def assets_of(message: dict) -> list[str]:
    return [b["block_id"] for b in message["blocks"] if b.get("block_id", "").startswith(ids.ASSET_BLOCK_PREFIX)]


def click(bot, action: dict, *, response_url: str, user: str = "U0REP", container: dict | None = None,
          selected: dict | None = None):
    element = {"action_id": action["action_id"], "block_id": "b", "type": action["type"],
               "action_ts": str(time.time())}
    if "value" in action:
        element["value"] = action["value"]
    if selected is not None:
        element["selected_option"] = selected
    payload = {"type": "block_actions", "user": {"id": user, "name": "rep"}, "channel": {"id": "C0SALES"},
               "container": container or {"type": "message", "message_ts": "1.1", "channel_id": "C0SALES",
                                          "is_ephemeral": True},
               "trigger_id": "1.2.3", "response_url": response_url, "actions": [element]}
    reply = bot.slack.interaction(payload)
    assert reply.status == 200, reply.body
    return reply


def mention(text, ts="1700000001.000100", thread_ts=None, channel="C0SALES", type_="app_mention", **extra):
    event = {"type": type_, "user": "U0REP", "text": text, "ts": ts, "channel": channel, "event_ts": ts, **extra}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event
