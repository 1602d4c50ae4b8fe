"""The local console (`journeybot chat`): the bot's answers in a terminal, for teams without Slack."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from bot.content_commands import ContentCommands
from bot.runtime import Runtime
from bot.terminal import EXAMPLE, mrkdwn_to_text, render_recommendation
from content_library.vocabulary import UnknownName, parse_stage
from recommender.service import EmptyQuery, Filters

HELP = f"""Describe a prospect in plain words (English, 中文 or русский), e.g.
  {EXAMPLE}
Commands:
  :more          next results for the last description
  :stage NAME    the stage is NAME: re-rank the last answer (and teach the classifier)
  /content …     manage the library, as in Slack (/content help lists the commands)
  :help          this help
  :quit          leave (quit, exit and Ctrl-D work too)"""

PAGE = 5


def run_console(rt: Runtime, stdin: TextIO, echo: Callable[..., None]) -> None:
    """Read descriptions and commands from stdin until EOF or :quit; echo is click.echo-compatible."""
    interactive = stdin.isatty()
    echo("journeybot console — loading the model and the library…")
    recommender = rt.recommender
    echo(f"{len(recommender.assets)} assets in the library. Type :help for help, :quit to leave.\n")
    last_text: str | None = None
    last_predicted: str | None = None
    filters = Filters()
    offset = 0
    while True:
        if interactive:
            echo("prospect> ", nl=False)
        line = stdin.readline()
        if not line:
            break
        line = line.strip()
        if not line:
            continue
        # Bare "quit" and "exit" too: typed out of habit, and as a description they would say nothing.
        if line.lower() in (":quit", ":q", ":exit", "quit", "exit", "выход", "退出"):
            break
        if line == ":help":
            echo(HELP)
            continue
        if line.split(" ", 1)[0] == "/content":
            # The person at the console runs journeybot: they may change the library.
            commands = ContentCommands(rt, lambda _user: True, lambda: "")
            reply = commands.run(line[len("/content"):], None, modals=False)
            echo(mrkdwn_to_text(reply.text) + "\n")
            continue
        if line.startswith(":") and not line.startswith((":more", ":stage")):
            echo(f"Unknown command {line.split()[0]!r}. Type :help for the commands.")
            continue
        if line.startswith((":more", ":stage")) and last_text is None:
            echo("Describe a prospect first; then :more and :stage work on that description.")
            continue
        if line == ":more":
            offset += PAGE
        elif line.startswith(":stage"):
            name = line[len(":stage"):].strip()
            try:
                filters = Filters(stage=parse_stage(name))
            except UnknownName as exc:
                echo(f"Sorry, {exc}")
                continue
            offset = 0
            if recommender.record_pick(last_text, filters.stage, predicted=last_predicted, source="console"):
                echo(f"Noted: this is {filters.stage}. The classifier learns from it at its next retrain.")
        else:
            last_text, filters, offset = line, Filters(), 0
        recommender.refresh_if_stale()
        try:
            rec = recommender.recommend(last_text, k=PAGE, filters=filters, offset=offset)
        except EmptyQuery as exc:
            echo(f"Sorry, {exc}")
            continue
        recommender.log_ask(rec, "console")
        if not rec.stage.overridden:
            last_predicted = None if rec.stage.no_signal else rec.stage.stage
        if not rec.items and offset:
            echo("No more results for this description.")
            continue
        echo(render_recommendation(rec, rt.settings.framework, offset=offset, pick=":stage NAME",
                                   library_empty=not recommender.assets) + "\n")
    echo("Bye.")

