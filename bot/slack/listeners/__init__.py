"""Slack listeners, split by kind; each module has a `register(app, services)`. A listener only
turns Slack's input into a use-case call (bot.app) and renders the result for Slack."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.listeners import actions, commands, events, shortcuts, views


def register(app: App, services) -> None:
    for module in (commands, events, actions, shortcuts, views):
        module.register(app, services)
