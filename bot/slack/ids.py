"""Every Slack identifier the code and manifest.json share: commands, action ids, callback ids."""

JOURNEY_COMMAND = "/journey"
CONTENT_COMMAND = "/content"

# Message shortcut (manifest: shortcuts[].callback_id).
RECOMMEND_SHORTCUT = "recommend_content"

# Buttons and menus on an answer.
SHARE = "share_asset"
FEEDBACK_UP = "feedback_up"
FEEDBACK_DOWN = "feedback_down"
OVERRIDE_STAGE = "override_stage"
MORE = "more_results"
# When the classifier is unsure: one button per likely stage (ids must differ within a block); when
# the text said nothing about the stage, one per stage.
PICK_STAGE_PREFIX = "pick_stage_"
PICK_STAGE_IDS = tuple(f"{PICK_STAGE_PREFIX}{n}" for n in range(1, 6))

# Block ids.
ASSET_BLOCK_PREFIX = "asset_"

# Events the app subscribes to (manifest: settings.event_subscriptions.bot_events).
BOT_EVENTS = ("app_mention", "app_home_opened", "message.im")
# Bot token scopes the code needs (manifest: oauth_config.scopes.bot), each with what uses it.
BOT_SCOPES = {
    "commands": "/journey and /content",
    "chat:write": "answers to mentions and DMs, Share in threads, error notes",
    "app_mentions:read": "@journeybot in channels",
    "im:history": "DMs to the bot and follow-ups in DM threads",
    "channels:history": "earlier messages of a public-channel thread (follow-ups)",
    "groups:history": "earlier messages of a private-channel thread (follow-ups)",
    "mpim:history": "earlier messages of a group-DM thread (follow-ups)",
    "usergroups:read": "members of MARKETER_USERGROUP",
    "files:write": "the weekly digest's chart",
    "chat:write.public": "the weekly digest in a public channel the bot was not invited to",
}

# /content: modals (view callback ids) and the list's page buttons.
ADD_ASSET_VIEW = "content_add"
EDIT_ASSET_VIEW = "content_edit"
CONTENT_PAGE = "content_page"
# Enter in the add form's title field: suggest type, stages, language and tags from what is typed.
SUGGEST_FROM_TITLE = "suggest_from_title"
