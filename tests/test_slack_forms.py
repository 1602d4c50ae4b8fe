"""Marketers' forms in Slack: /content add and edit open modals (prefilled with suggestions, Enter in
the title suggests more), and their submissions are validated inline and audited."""

from __future__ import annotations

import json

import pytest
from content_harness import (
    MARKETER,
    REP,
    asset_by_url,
    bot_fixture,
    content,
    state,
    submit,
)

from bot.slack import ids

bot = bot_fixture("forms")


@pytest.fixture
def standin(bot):
    bot.standin.clear()
    return bot.standin


def test_add_with_only_a_url_opens_a_prefilled_modal(bot, standin):
    reply = bot.slack.command("add https://freightline.example/customers/acme-case-study", command="/content",
                              user=MARKETER, response_url=standin.response_url("m"))
    assert reply.status == 200
    call = standin.wait_for("/api/views.open")[0].body
    view = call["view"] if isinstance(call["view"], dict) else json.loads(call["view"])
    assert call["trigger_id"] == "1.2.3" and view["callback_id"] == ids.ADD_ASSET_VIEW
    blocks = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert blocks["url"]["element"]["initial_value"] == "https://freightline.example/customers/acme-case-study"
    assert blocks["content_type"]["element"]["initial_option"]["value"] == "case_study"
    assert [o["value"] for o in blocks["stages"]["element"]["initial_options"]] == ["consideration", "decision"]


def test_add_alone_opens_an_empty_modal_for_anyone_allowed(bot, standin):
    bot.slack.command("add", command="/content", user=MARKETER, response_url=standin.response_url("m0"))
    view = standin.wait_for("/api/views.open")[0].body["view"]
    view = view if isinstance(view, dict) else json.loads(view)
    assert view["type"] == "modal" and "initial_value" not in view["blocks"][0]["element"]


def test_modal_submission_with_errors_shows_them_inline(bot, standin):
    before = state(bot)
    reply = submit(bot, ids.ADD_ASSET_VIEW, {"url": "ftp://files.example/x", "title": "A file",
                                             "content_type": "ebook", "stages": ["awareness"]}, {"channel": "C1"})
    assert reply.status == 200
    body = reply.json()
    assert body["response_action"] == "errors" and "http" in body["errors"]["url"]
    reply = submit(bot, ids.ADD_ASSET_VIEW, {"url": "https://files.example/x", "title": "A file",
                                             "content_type": "ebook", "stages": ["awareness"],
                                             "tags": "ok, " + "t" * 60}, {"channel": "C1"})
    assert "tags" in reply.json()["errors"]
    assert state(bot) == before


def test_modal_submission_by_a_non_marketer_is_refused_inline(bot, standin):
    before = state(bot)
    reply = submit(bot, ids.ADD_ASSET_VIEW, {"url": "https://files.example/y", "title": "Y", "content_type": "ebook",
                                             "stages": ["awareness"]}, {"channel": "C1"}, user=REP)
    assert "Only marketers" in reply.json()["errors"]["url"]
    assert state(bot) == before


def test_modal_submission_adds_and_confirms_in_the_channel(bot, standin):
    reply = submit(bot, ids.ADD_ASSET_VIEW, {"url": "https://freightline.example/ebooks/reefer-basics",
                                             "title": "Reefer basics for new shippers", "content_type": "ebook",
                                             "stages": ["awareness"], "tags": "Industry:Food, persona:ops"},
                   {"channel": "C0MKT"})
    assert reply.status == 200 and reply.body == ""
    note = standin.wait_for("/api/chat.postEphemeral")[0].body
    assert note["channel"] == "C0MKT" and note["user"] == MARKETER and "Added #" in note["text"]
    asset = asset_by_url(bot, "https://freightline.example/ebooks/reefer-basics")
    assert asset.tags == ["industry:food", "persona:ops"] and asset.language == "en"


def test_edit_modal_is_prefilled_and_its_submission_is_audited(bot, standin):
    asset = asset_by_url(bot, "https://freightline.example/guides/cut-empty-miles")
    bot.slack.command(f"edit {asset.id}", command="/content", user=MARKETER, response_url=standin.response_url("e"))
    view = standin.wait_for("/api/views.open")[0].body["view"]
    view = view if isinstance(view, dict) else json.loads(view)
    assert view["callback_id"] == ids.EDIT_ASSET_VIEW
    blocks = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert blocks["title"]["element"]["initial_value"] == asset.title
    reply = submit(bot, ids.EDIT_ASSET_VIEW, {"url": asset.url, "title": "Cutting empty miles: a field guide",
                                              "content_type": "how_to_guide", "stages": ["awareness"],
                                              "description": asset.description, "tags": ", ".join(asset.tags)},
                   json.loads(view["private_metadata"]))
    assert reply.status == 200
    standin.wait_for("/api/chat.postEphemeral")
    history = content(bot, standin, f"history {asset.url}", user=REP)["text"]
    assert f"update by <@{MARKETER}>" in history
    assert "title: How to cut empty miles on regional routes → Cutting empty miles: a field guide" in history


def test_enter_in_the_title_fills_in_suggestions(bot, standin):
    bot.slack.command("add https://freightline.example/x", command="/content", user=MARKETER,
                      response_url=standin.response_url("s"))
    view = standin.wait_for("/api/views.open")[0].body["view"]
    view = view if isinstance(view, dict) else json.loads(view)
    title_block = next(b for b in view["blocks"] if b.get("block_id") == "title")
    assert title_block["dispatch_action"] is True
    state = {"values": {"url": {"value": {"type": "plain_text_input", "value": "https://freightline.example/x"}},
                        "title": {ids.SUGGEST_FROM_TITLE: {"type": "plain_text_input",
                                                           "value": "Freightline ROI calculator for 3PL finance teams"}},
                        "tags": {"value": {"type": "plain_text_input", "value": None}}}}
    payload = {"type": "block_actions", "user": {"id": MARKETER}, "trigger_id": "1.2",
               "view": {**view, "id": "V0ADD", "hash": "h1", "state": state},
               "actions": [{"action_id": ids.SUGGEST_FROM_TITLE, "block_id": "title", "type": "plain_text_input",
                            "value": "Freightline ROI calculator for 3PL finance teams", "action_ts": "1"}]}
    assert bot.slack.interaction(payload).status == 200
    update = standin.wait_for("/api/views.update")[0].body
    assert update["view_id"] == "V0ADD" and update["hash"] == "h1"
    new = update["view"] if isinstance(update["view"], dict) else json.loads(update["view"])
    blocks = {b["block_id"].split(".")[0]: b for b in new["blocks"] if b.get("block_id")}
    assert blocks["content_type"]["block_id"] == "content_type.1"  # a new id, so Slack shows the suggestion
    assert blocks["content_type"]["element"]["initial_option"]["value"] == "roi_calculator"
    assert [o["value"] for o in blocks["stages"]["element"]["initial_options"]] == ["consideration", "decision"]
    assert blocks["language"]["element"]["initial_value"] == "en"
    assert "industry:3pl" in blocks["tags"]["element"]["initial_value"]
    assert blocks["title"]["element"]["initial_value"].startswith("Freightline ROI")
    # Submitting the updated form reads the renamed blocks.
    values = {"url": {"value": {"type": "plain_text_input", "value": "https://freightline.example/roi-3pl"}},
              "title": {ids.SUGGEST_FROM_TITLE: {"type": "plain_text_input", "value": "ROI calculator for 3PLs"}},
              "content_type.1": {"value": {"type": "static_select", "selected_option": {"value": "roi_calculator"}}},
              "stages.1": {"value": {"type": "multi_static_select", "selected_options": [{"value": "decision"}]}},
              "language.1": {"value": {"type": "plain_text_input", "value": "en"}},
              "tags.1": {"value": {"type": "plain_text_input", "value": "x" * 60}}}
    reply = bot.slack.interaction({"type": "view_submission", "user": {"id": MARKETER},
                                   "view": {**new, "id": "V0ADD", "state": {"values": values}}})
    assert "tags.1" in reply.json()["errors"]
    values["tags.1"]["value"]["value"] = "industry:3pl"
    reply = bot.slack.interaction({"type": "view_submission", "user": {"id": MARKETER},
                                   "view": {**new, "id": "V0ADD", "state": {"values": values}}})
    assert reply.status == 200 and asset_by_url(bot, "https://freightline.example/roi-3pl").tags == ["industry:3pl"]


