"""What every `journeybot` command shares: the user-error exception, the runtime in the click
context, and reading stage, type and language options."""

from __future__ import annotations

import click

from bot.app.runtime import Runtime
from content_library import content_types
from content_library.languages import language_code
from content_library.vocabulary import UnknownName, parse_content_type, parse_stage


class Failure(click.ClickException):
    """A user error: printed as one line on stderr, exit code 2."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"journeybot: error: {self.format_message()}", err=True)


def runtime(ctx: click.Context) -> Runtime:
    return ctx.ensure_object(dict)["runtime"]


def _vocabulary_option(value: str | None, parse, name: str) -> str | None:
    """Parse a stage or content-type option; an unknown name is a user error with suggestions."""
    if value is None:
        return None
    try:
        return parse(value)
    except UnknownName as exc:
        raise Failure(f"{name}: {exc}") from exc


def stage_option(value: str | None, name: str = "--stage") -> str | None:
    return _vocabulary_option(value, parse_stage, name)


def type_option(value: str | None, ctx: click.Context) -> str | None:
    """A --type option, the team's own types included (opening the database loads them)."""
    if value is not None:
        content_types.refresh(runtime(ctx).engine)
    return _vocabulary_option(value, parse_content_type, "--type")


def language_option(value: str | None) -> str | None:
    return language_code(value) if value else None
