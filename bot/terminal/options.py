"""What every `journeybot` command shares: the user-error exception, the runtime in the click
context, and reading stage, type and language options."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.app.runtime import Runtime
from content_library import content_types
from content_library.languages import is_language_code, language_code
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
    """A --lang option as a code: "English" → "en", "繁體中文" → "zh-hant"; a name journeybot cannot read
    as a language ("klingon") is a user error, not a filter that silently matches nothing."""
    if not value:
        return None
    code = language_code(value)
    if not code or not is_language_code(code):
        raise Failure(f"--lang: {value!r} is not a language code or name journeybot knows; use a code such as "
                      "en, de, zh, zh-hant, ru, ja or a name such as English, Deutsch, 中文")
    return code


# --file for `recommend` and `classify`: a description of several lines (call notes) from a file.
description_file_option = click.option(
    "--file", "file", type=click.Path(dir_okay=False, path_type=Path),
    help="Read the description from this file (TEXT of - reads it from stdin).")


def description_text(text: str | None, file: Path | None) -> str | None:
    """The description from TEXT, from `-` (stdin: pasted call notes, a pipe) or from --file."""
    if file is not None:
        if text:
            raise Failure("give either TEXT or --file, not both")
        try:
            return file.read_text("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise Failure(f"{file} is not UTF-8 text; save it as UTF-8 and try again") from exc
        except OSError as exc:
            raise Failure(f"cannot read {file}: {exc.strerror or exc}") from exc
    if text == "-":
        return sys.stdin.read()
    return text
