"""What the /content tests share: journeybot with the sample library and marketers set up (a user id
and a user group), once per database, and helpers to run commands and submit forms."""

from __future__ import annotations

import json
import time

import pytest
from conftest import postgres_url_or_skip
from slack_harness import start_harness
from sqlmodel import Session, func, select

from bot.slack import ids
from content_library.models import Asset, AuditLog

MARKETER = "U0MKT"
REP = "U0REP"
NEW_URL = "https://freightline.example/compare/cold-chain-pharma"
NEW_ADD = (f'add {NEW_URL} "Cold-chain temperature compliance: vendor comparison for pharma shippers" '
           'stage=interest type="comparison guide" tags=industry:pharma,persona:qa lang=en '
           'desc="How three TMS vendors handle reefer temperature logging, GDP audits and excursion alerts '
           'for pharmaceutical shippers."')
PHARMA_ASK = ("QA director at a pharma shipper evaluating vendors for cold chain temperature compliance, "
              "wants a comparison")


def bot_fixture(name: str):
    @pytest.fixture(scope="module", params=["sqlite", "postgres"])
    def bot(request, tmp_path_factory, e5, sample_records):
        data = tmp_path_factory.mktemp(name)
        url = f"sqlite:///{data / 'journeybot.db'}" if request.param == "sqlite" else postgres_url_or_skip()
        harness = start_harness(data, url, e5, sample_records, marketer_user_ids=(MARKETER,),
                                marketer_usergroup="marketing")
        harness.standin.answers["usergroups.list"] = {"usergroups": [{"id": "S0MKTG", "handle": "marketing",
                                                                      "name": "Marketing"}]}
        harness.standin.answers["usergroups.users.list"] = {"users": ["U0GROUPIE"]}
        yield harness
        harness.close()

    return bot


def state(bot):
    """Everything a failed command must leave untouched: assets and audit entries."""
    with Session(bot.runtime.engine) as session:
        assets = [a.public_dict() for a in session.exec(select(Asset).order_by(Asset.id))]
        audits = session.exec(select(func.count()).select_from(AuditLog)).one()
    return assets, audits


def asset_by_url(bot, url):
    with Session(bot.runtime.engine) as session:
        return session.exec(select(Asset).where(Asset.url == url)).first()


def content(bot, standin, text, user=MARKETER, name=None):
    """Run /content; return the text the user sees (the ack for add/edit, else the response URL)."""
    name = name or f"c{time.monotonic_ns()}"
    reply = bot.slack.command(text, command="/content", user=user, response_url=standin.response_url(name))
    assert reply.status == 200, reply.body
    if reply.body:
        return reply.json()
    return standin.wait_for(f"/respond/{name}")[0].body


def journey_assets(bot, standin, text):
    name = f"j{time.monotonic_ns()}"
    bot.slack.command(text, response_url=standin.response_url(name))
    answer = standin.wait_for(f"/respond/{name}")[0].body
    return [int(b["block_id"][len(ids.ASSET_BLOCK_PREFIX):]) for b in answer["blocks"]
            if b.get("block_id", "").startswith(ids.ASSET_BLOCK_PREFIX)]


def submit(bot, callback_id, values: dict, metadata: dict, user=MARKETER):
    state_values = {}
    for block, value in values.items():
        if block == "content_type":
            element = {"type": "static_select", "selected_option": {"value": value}}
        elif block == "stages":
            element = {"type": "multi_static_select", "selected_options": [{"value": v} for v in value]}
        else:
            element = {"type": "plain_text_input", "value": value}
        state_values[block] = {"value": element}
    payload = {"type": "view_submission", "user": {"id": user}, "trigger_id": "1.2",
               "view": {"id": "V1", "type": "modal", "callback_id": callback_id,
                        "private_metadata": json.dumps(metadata), "state": {"values": state_values}}}
    return bot.slack.interaction(payload)
