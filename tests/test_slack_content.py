"""Marketers manage the library from Slack: /content commands, modals, permissions, audit — over
signed HTTP against the local Web API stand-in."""

from __future__ import annotations

import pytest
from content_harness import (
    MARKETER,
    NEW_ADD,
    NEW_URL,
    PHARMA_ASK,
    REP,
    asset_by_url,
    bot_fixture,
    content,
    journey_assets,
    state,
    submit,
)
from slack_harness import start_harness
from slack_standin import SlackStandIn
from sqlmodel import Session, select

from bot.slack import ids
from content_library.models import AuditLog
from content_library.vocabulary import CONTENT_TYPES

bot = bot_fixture("content")


@pytest.fixture
def standin(bot):
    bot.standin.clear()
    return bot.standin



# -- permissions ---------------------------------------------------------------------------------------
def test_only_marketers_may_change_the_library(bot, standin):
    before = state(bot)
    note = content(bot, standin, NEW_ADD, user=REP)
    assert "only marketers can change the content library" in note["text"]
    assert f"<@{MARKETER}>" in note["text"] and "S0MKTG" in note["text"] or "@marketing" in note["text"]
    for command in ("archive 1", "tag 1 tags=x", "stage 1 decision", "verify 1", "edit 1 title=\"x\""):
        assert "only marketers" in content(bot, standin, command, user=REP)["text"]
    assert state(bot) == before


def test_everyone_may_read_the_library(bot, standin):
    assert "assets" in content(bot, standin, "list stage=awareness", user=REP)["text"]
    assert "#1 " in content(bot, standin, "show 1", user=REP)["text"]
    assert "ROI calculator" in content(bot, standin, "search ROI calculator", user=REP)["text"]
    assert "active assets" in content(bot, standin, "stats", user=REP)["text"]


def test_members_of_the_marketer_group_may_change_the_library(bot, standin):
    note = content(bot, standin, "verify 2", user="U0GROUPIE")
    assert "reviewed today" in note["text"]


# -- adding ---------------------------------------------------------------------------------------------
def test_quick_add_is_audited_and_recommended_by_the_next_journey(bot, standin):
    note = content(bot, standin, NEW_ADD)
    asset = asset_by_url(bot, NEW_URL)
    assert note["text"].startswith(f"Added #{asset.id}")
    assert asset.stages == ["consideration"] and asset.content_type == "comparison_guide"
    assert asset.tags == ["industry:pharma", "persona:qa"] and asset.language == "en"
    with Session(bot.runtime.engine) as session:
        audit = session.exec(select(AuditLog).where(AuditLog.asset_id == asset.id)).one()
    assert audit.action == "create" and audit.actor == f"slack:{MARKETER}" and audit.before is None
    assert journey_assets(bot, standin, PHARMA_ASK)[0] == asset.id


def test_the_same_url_again_updates_instead_of_duplicating(bot, standin):
    content(bot, standin, NEW_ADD)
    count = len(state(bot)[0])
    note = content(bot, standin, NEW_ADD.replace("stage=interest", "stage=interest,decision"))
    assert "already in the library: updated" in note["text"]
    assert len(state(bot)[0]) == count and asset_by_url(bot, NEW_URL).stages == ["consideration", "decision"]
    again = content(bot, standin, NEW_ADD.replace("stage=interest", "stage=interest,decision"))
    assert "nothing changed" in again["text"]


def test_adding_a_known_url_again_keeps_what_the_command_leaves_out(bot, standin):
    content(bot, standin, NEW_ADD)
    before = asset_by_url(bot, NEW_URL)
    assert before.description and before.tags
    note = content(bot, standin, f'add {NEW_URL} "A sharper title" stage=decision')
    after = asset_by_url(bot, NEW_URL)
    assert "already in the library: updated" in note["text"]
    assert after.title == "A sharper title" and after.stages == ["decision"]
    assert (after.description, after.tags, after.content_type) == (before.description, before.tags, before.content_type)
    refused = content(bot, standin, f'add {NEW_URL} "Another title" type=pricng')
    assert "unknown content type 'pricng'" in refused["text"]
    assert asset_by_url(bot, NEW_URL).title == "A sharper title"  # nothing half-written


def test_a_near_duplicate_under_another_url_gets_a_warning(bot, standin):
    note = content(bot, standin, 'add https://freightline.example/guides/empty-miles-again "How to cut empty miles '
                                 'on regional routes" type=how-to desc="Practical ways to reduce deadhead miles on '
                                 'regional routes: backhauls, load boards, lane planning."')
    assert "near-duplicate of #1" in note["text"] and "freightline.example/guides/cut-empty-miles|" in note["text"]


@pytest.mark.parametrize("command,expected", [
    ('add https://x.example/a "T" stage=intrest type=pricing', "unknown stage 'intrest'. Did you mean 'consideration'"),
    ('add https://x.example/a "T" stage=decision type=pricng', "unknown content type 'pricng'. Did you mean 'pricing'"),
    ('add https://x.example/a "T" type=pricng', "`/content types` lists the content types"),
    ('add https://x.example/a "T" type="training course"', "names more than one content type ('training', 'course')"),
    ('types please', "takes no options"),
    ('add ftp://x.example/a "T" type=pricing', "is not an http:// or https:// link"),
    ('add javascript:alert(1) "T" type=pricing', "http"),
    (f'add https://x.example/a "{"T" * 301}" type=pricing', "title"),
    (f'add https://x.example/a "T" type=pricing desc="{"d" * 5001}"', "description"),
    (f'add https://x.example/a "T" type=pricing tags={"t" * 51}', "tags"),
    ('add https://x.example/a "Unclosed title type=pricing', "never closed"),
    ('add https://x.example/a "T" type=pricing colour=blue', "unknown option `colour=`"),
    ('add https://x.example/a "T" stray words type=pricing', "put the title in double quotes"),
    ('stage 1 desire', "unknown stage 'desire'"),
    ('stage 1 n/a', "give at least one stage"),
    ('tag 1 tags=N/A', "give the tags"),  # a placeholder is no tag
    ('archive 999999', "no asset with id 999999"),
    ('show https://nowhere.example/x', "no asset with URL"),
    ('frobnicate', "is not a `/content` command"),
])
def test_bad_input_is_explained_and_nothing_is_written(bot, standin, command, expected):
    before = state(bot)
    note = content(bot, standin, command)
    assert expected in note["text"], note["text"]
    assert state(bot) == before


def test_content_types_are_listed_and_taken_by_longer_names(bot, standin):
    """`/content types` lists every type (anyone may read it); "Webinar recording" is a webinar."""
    listing = content(bot, standin, "types", user=REP)
    text = "".join(b["text"]["text"] for b in listing["blocks"] if b["type"] == "section")
    assert all(f"`{ct.key}`" in text for ct in CONTENT_TYPES)
    note = content(bot, standin, 'add https://x.example/webinars/q3 "Q3 product webinar" type="Webinar recording"')
    assert note["text"].startswith("Added"), note["text"]
    assert asset_by_url(bot, "https://x.example/webinars/q3").content_type == "webinar"


def test_stage_names_of_any_framework_and_language(bot, standin):
    note = content(bot, standin, 'add https://freightline.example/zh/guides/basics "运输管理入门" stage=认知 type=指南')
    asset = asset_by_url(bot, "https://freightline.example/zh/guides/basics")
    assert note["text"].startswith("Added") and asset.stages == ["awareness"] and asset.content_type == "how_to_guide"
    assert asset.language.startswith("zh")


def test_help_is_shown_for_an_empty_command(bot, standin):
    assert "/content add" in content(bot, standin, "")["text"]


# -- other writes --------------------------------------------------------------------------------------------
def test_tag_untag_stage_archive_restore_verify(bot, standin):
    url = "https://freightline.example/tools/roi-calculator"
    asset = asset_by_url(bot, url)
    assert "Updated" in content(bot, standin, f"tag {url} tags=persona:cfo,Budget")["text"]
    assert {"persona:cfo", "budget"} <= set(asset_by_url(bot, url).tags)
    assert "Updated" in content(bot, standin, f"untag {asset.id} tags=#budget")["text"]  # a hashtag names the tag
    assert "budget" not in asset_by_url(bot, url).tags
    assert "none of those tags" in content(bot, standin, f"untag {asset.id} tags=nope")["text"]
    assert "Updated" in content(bot, standin, f"stage {asset.id} decision,留存")["text"]
    assert asset_by_url(bot, url).stages == ["decision", "retention"]
    ask = "CFO wants an ROI calculator to estimate payback before signing"
    assert asset.id in journey_assets(bot, standin, ask)
    assert "Archived" in content(bot, standin, f"archive {asset.id}")["text"]
    assert asset.id not in journey_assets(bot, standin, ask)
    assert "already archived" in content(bot, standin, f"archive {asset.id}")["text"]
    assert "Restored" in content(bot, standin, f"restore {asset.id}")["text"]
    assert asset.id in journey_assets(bot, standin, ask)
    assert "reviewed today" in content(bot, standin, f"verify {asset.id}")["text"]
    assert asset_by_url(bot, url).last_reviewed_at is not None
    actions = [line.split(" · ")[1].split(" by")[0] for line in
               content(bot, standin, f"history {asset.id}")["text"].splitlines()[1:]]
    assert actions[:6] == ["verify", "restore", "archive", "update", "update", "update"]


def test_list_is_paginated_with_buttons(bot, standin):
    first = content(bot, standin, "list")
    assert "page 1/" in first["text"]
    nxt = next(e for b in first["blocks"] if b["type"] == "actions" for e in b["elements"])
    bot.slack.interaction({"type": "block_actions", "user": {"id": REP}, "channel": {"id": "C0SALES"},
                           "container": {"type": "message", "message_ts": "1.1", "channel_id": "C0SALES",
                                         "is_ephemeral": True}, "trigger_id": "1.2",
                           "response_url": standin.response_url("page2"),
                           "actions": [{"action_id": nxt["action_id"], "block_id": "b", "type": "button",
                                        "value": nxt["value"], "action_ts": "1"}]})
    page2 = standin.wait_for("/respond/page2")[0].body
    assert "page 2/" in page2["text"] and page2["replace_original"] is True
    assert page2["text"].splitlines()[1] != first["text"].splitlines()[1]


def test_a_change_is_seen_by_another_process_sharing_the_database(bot, standin, tmp_path, e5):
    other = start_harness(tmp_path, bot.runtime.settings.database_url, e5, marketer_user_ids=(MARKETER,))
    try:
        url = "https://freightline.example/compare/hazmat-vendors"
        assert "Added" in content(bot, standin, f'add {url} "Hazmat compliance: TMS vendor comparison for chemical '
                                                'carriers" type="comparison guide" stage=consideration tags=industry:chemicals')["text"]
        added = asset_by_url(bot, url)
        found = journey_assets(other, other.standin, "Chemical carrier comparing TMS vendors on hazmat compliance")
        assert found[0] == added.id
    finally:
        other.close()


def test_marketer_group_membership_is_looked_up_and_cached_briefly():
    from slack_sdk import WebClient

    from bot.slack.permissions import CACHE_SECONDS, Marketers

    standin = SlackStandIn()
    try:
        standin.answers["usergroups.list"] = {"usergroups": [{"id": "S0MKTG", "handle": "marketing"}]}
        standin.answers["usergroups.users.list"] = {"users": ["U0A"]}
        now = [1000.0]
        marketers = Marketers(("U0LISTED",), "marketing", WebClient(token="x", base_url=standin.api_url),
                              clock=lambda: now[0])
        assert marketers.allows("U0LISTED") and marketers.allows("U0A") and not marketers.allows("U0B")
        assert standin.calls_to("/api/usergroups.users.list")[0].body["usergroup"] == "S0MKTG"
        standin.answers["usergroups.users.list"] = {"users": ["U0B"]}
        assert not marketers.allows("U0B")  # cached
        now[0] += CACHE_SECONDS + 1
        assert marketers.allows("U0B") and not marketers.allows("U0A")
        assert len(standin.calls_to("/api/usergroups.list")) == 1  # the group id is remembered
        standin.fail("/api/usergroups.users.list", (200, {}, '{"ok": false, "error": "missing_scope"}'))
        now[0] += CACHE_SECONDS + 1
        assert marketers.allows("U0B")  # the last known members are kept when Slack refuses
        assert not marketers.allows(None)
    finally:
        standin.close()


def test_content_gaps_shows_the_digest(bot, standin):
    note = content(bot, standin, "gaps", user=REP)
    assert note["text"].startswith("*Content gaps") and "Library health" in note["text"]
    assert all(len(b["text"]["text"]) <= 3000 for b in note["blocks"])


# -- the word "payload" (slack-bolt took any form body holding it for an interaction) ------------------
PAYLOAD_URL = "https://freightline.example/guides/payload-utilisation"


def test_content_commands_and_forms_with_the_word_payload_are_answered(bot, standin):
    add = (f'add {PAYLOAD_URL} "What payload utilisation means for a carrier" stage=awareness '
           'type="how-to guide" tags=payload desc="Payload per trip, empty miles and how to read them."')
    assert content(bot, standin, add)["text"].startswith("Added #")
    asset = asset_by_url(bot, PAYLOAD_URL)
    assert asset.tags == ["payload"] and "Payload per trip" in asset.description
    assert f"#{asset.id} " in content(bot, standin, "search payload utilisation", user=REP)["text"]
    reply = submit(bot, ids.ADD_ASSET_VIEW, {"url": PAYLOAD_URL + "-2", "title": "Payload planning checklist",
                                             "content_type": "how_to_guide", "stages": ["awareness"],
                                             "tags": "payload"}, {"channel": "C0MKT"})
    assert reply.status == 200 and reply.body == ""
    assert "Added #" in standin.wait_for("/api/chat.postEphemeral")[0].body["text"]
    assert asset_by_url(bot, PAYLOAD_URL + "-2").title == "Payload planning checklist"
