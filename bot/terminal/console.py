"""The local console (`journeybot chat`): the bot's answers in a terminal, for teams without Slack.
It reads a line, turns it into a use-case call (ask, more, choose a stage, /content) and prints
the answer; the use cases log the asks and store the corrections, as for Slack."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from bot.app.asks import PAGE, Asks, Origin
from bot.app.content.commands import ContentCommands
from bot.app.text import plain
from bot.app.wording import EXAMPLE
from bot.terminal.render import render_recommendation
from content_library.vocabulary import UnknownName, parse_stage
from recommender.query import EmptyQuery

HELP = f"""Describe a prospect in plain words (English, 中文, русский, Deutsch and more), e.g.
  {EXAMPLE}
Commands:
  :more          next results for the last description
  :stage NAME    the stage is NAME: re-rank the last answer (and teach the classifier)
  /content …     manage the library, as in Slack (/content help lists the commands)
  :help          this help
  :quit          leave (quit, exit and Ctrl-D work too)"""
# Bare "quit" and "exit" too: typed out of habit, and as a description they would say nothing.
QUIT = (":quit", ":q", ":exit", "quit", "exit", "выход", "退出")
ORIGIN = Origin("console")


class Console:
    def __init__(self, asks: Asks, content: ContentCommands, framework: str, echo: Callable[..., None]):
        self.asks, self.content, self.framework, self.echo = asks, content, framework, echo
        self.query_id: int | None = None  # the last answer's, for :more and :stage
        self.stage: str | None = None  # the stage chosen for it, if any
        self.offset = 0

    def handle(self, line: str) -> None:
        """One line typed at the prompt (not empty, not a quit word)."""
        if line == ":help":
            self.echo(HELP)
        elif line.split(" ", 1)[0] == "/content":
            self.echo(plain(self.content.run(line[len("/content"):], None, forms=False).text) + "\n")
        elif line.startswith(":") and not line.startswith((":more", ":stage")):
            self.echo(f"Unknown command {line.split()[0]!r}. Type :help for the commands.")
        elif line.startswith((":more", ":stage")) and self.query_id is None:
            self.echo("Describe a prospect first; then :more and :stage work on that description.")
        elif line == ":more":
            self.more()
        elif line.startswith(":stage"):
            self.choose_stage(line[len(":stage"):].strip())
        else:
            self.ask(line)

    def ask(self, text: str) -> None:
        try:
            rec = self.asks.ask(text, ORIGIN)
        except EmptyQuery as exc:
            self.echo(f"Sorry, {exc}")
            return
        self.query_id, self.stage, self.offset = rec.query_id, None, 0
        self.show(rec)

    def more(self) -> None:
        self.offset += PAGE
        rec = self.asks.more(self.query_id, self.offset, self.stage)
        if not rec.items:
            self.echo("No more results for this description.")
            return
        self.show(rec)

    def choose_stage(self, name: str) -> None:
        if not name:
            self.echo("Name the stage after :stage, e.g. :stage retention (awareness, consideration, decision, "
                      "retention or advocacy).")
            return
        try:
            stage = parse_stage(name)
        except UnknownName as exc:
            self.echo(f"Sorry, {exc}")
            return
        rec, stored = self.asks.choose_stage(self.query_id, stage, ORIGIN)
        if stored:
            self.echo(f"Noted: this is {stage}. The classifier learns from it at its next retrain.")
        self.query_id, self.stage, self.offset = rec.query_id, stage, 0
        self.show(rec)

    def show(self, rec) -> None:
        self.echo(render_recommendation(rec, self.framework, offset=self.offset, pick=":stage NAME") + "\n")


def run_console(asks: Asks, content: ContentCommands, framework: str, stdin: TextIO, echo: Callable[..., None]) -> None:
    """Read descriptions and commands from stdin until EOF or :quit; echo is click.echo-compatible."""
    interactive = stdin.isatty()
    echo("journeybot console — loading the model and the library…")
    echo(f"{asks.library_size} assets in the library. Type :help for help, :quit to leave.\n")
    console = Console(asks, content, framework, echo)
    while True:
        if interactive:
            echo("prospect> ", nl=False)
        line = stdin.readline()
        if not line:
            break
        line = line.strip()
        if not line:
            continue
        if line.lower() in QUIT:
            break
        console.handle(line)
    echo("Bye.")
