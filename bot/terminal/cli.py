"""The `journeybot` command line. Bad input exits with code 2 and a one-line reason on stderr.

Each command turns its arguments into a use-case call (bot.app) and prints the result; the
commands live by kind in ask_commands, library_commands and slack_commands."""

from __future__ import annotations

import logging
import sys

import click
from sqlalchemy.exc import OperationalError

from bot.app.runtime import Runtime
from bot.app.settings import Settings, SettingsError
from bot.terminal import ask_commands, library_commands, slack_commands
from bot.terminal.options import Failure
from content_library.db import DatabaseURLError
from recommender.embedder import EmbedderError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log what journeybot does (index rebuilds, migrations).")
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    """journeybot: classify a prospect's journey stage and recommend stage-fit content.

    Settings come from the environment: DATABASE_URL (default: SQLite in JOURNEYBOT_DATA_DIR,
    itself ./.journeybot by default), JOURNEYBOT_EMBEDDER (e5, minilm, use or st:<model path>),
    JOURNEYBOT_FRAMEWORK (stage names to show: canonical, loyalty, aisas, apa, b2b3, purchase5).
    """
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        raise Failure(str(exc)) from exc
    ctx.ensure_object(dict)["runtime"] = Runtime(settings)


for command in (ask_commands.recommend, ask_commands.classify, ask_commands.classifier, ask_commands.chat,
                slack_commands.start, slack_commands.serve, slack_commands.socket, slack_commands.digest,
                slack_commands.clock, library_commands.library, library_commands.index, library_commands.db):
    cli.add_command(command)


def main() -> None:
    try:
        cli(standalone_mode=True)
    except (DatabaseURLError, EmbedderError) as exc:  # settings that cannot work: say which, no traceback
        click.echo(f"journeybot: error: {exc}", err=True)
        sys.exit(2)
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        click.echo(f"journeybot: error: the database cannot be reached ({reason}); check DATABASE_URL", err=True)
        sys.exit(1)
