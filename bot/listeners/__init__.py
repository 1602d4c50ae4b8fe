"""Slack listeners, split by kind; each module has a `register(app, services)`."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners import actions, commands, events, shortcuts, views


def register(app: App, services) -> None:
    for module in (commands, events, actions, shortcuts, views):
        module.register(app, services)
