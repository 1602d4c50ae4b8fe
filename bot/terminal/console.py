"""The local console (`journeybot chat`): the bot's answers in a terminal, for teams without Slack.
It reads a line, turns it into a use-case call (ask, more, choose a stage, /content) and prints
the answer; the use cases log the asks and store the corrections, as for Slack."""

from __future__ import annotations

import os
import select
from collections.abc import Callable, Iterator
from typing import TextIO

from bot.app.asks import PAGE, Asks, Origin
from bot.app.content.commands import ContentCommands
from bot.app.text import plain
from bot.app.wording import EXAMPLE, LEARNS
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
  :quit          leave (quit, exit and Ctrl-D work too)
Call notes pasted in one go, several lines, are read as one description."""
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
            self.echo(f"Noted: this is {stage}. {LEARNS}")
        self.query_id, self.stage, self.offset = rec.query_id, stage, 0
        self.show(rec)

    def show(self, rec) -> None:
        self.echo(render_recommendation(rec, self.framework, offset=self.offset, pick=":stage NAME") + "\n")


# Lines that arrive within this many seconds of each other came in one paste, not typed one by one.
PASTE_GAP = 0.05


def pasted_entries(fd: int, gap: float = PASTE_GAP) -> Iterator[str]:
    """What a person enters at a terminal, one entry at a time: a typed line, or everything pasted in
    one go (call notes copied from the CRM, several lines) as one entry. Read from the descriptor
    itself, unbuffered, so that a pause in the input can tell the two apart."""
    pending = b""
    while True:
        chunk = _read(fd)
        if not chunk:
            if pending.strip():
                yield pending.decode("utf-8", "replace")
            return
        pending += chunk
        # More arriving at once is the rest of a paste (a terminal hands it over line by line).
        while select.select([fd], [], [], gap)[0]:
            more = _read(fd)
            if not more:
                break
            pending += more
        if pending.endswith(b"\n"):
            yield pending.decode("utf-8", "replace")
            pending = b""


def _read(fd: int) -> bytes:
    """What the terminal has for us; nothing once it is gone (a closed terminal reads as EIO)."""
    try:
        return os.read(fd, 65536)
    except OSError:
        return b""


def _entries(stdin: TextIO, interactive: bool) -> Iterator[str]:
    """A terminal's entries (pastes kept whole); from a pipe or file, one line each."""
    if interactive:
        yield from pasted_entries(stdin.fileno())
    else:
        yield from iter(stdin.readline, "")


def run_console(asks: Asks, content: ContentCommands, framework: str, stdin: TextIO, echo: Callable[..., None]) -> None:
    """Read descriptions and commands from stdin until EOF or :quit; echo is click.echo-compatible."""
    interactive = stdin.isatty()
    echo("journeybot console — loading the model and the library…")
    echo(f"{asks.library_size} assets in the library. Type :help for help, :quit to leave.\n")
    console = Console(asks, content, framework, echo)
    if interactive:
        echo("prospect> ", nl=False)
    for entry in _entries(stdin, interactive):
        lines = [line.strip() for line in entry.splitlines() if line.strip()]
        if len(lines) == 1:
            if lines[0].lower() in QUIT:
                break
            console.handle(lines[0])
        elif lines:  # a paste: one description, its lines kept (the latest event may be the last line)
            console.ask("\n".join(lines))
        if interactive:
            echo("prospect> ", nl=False)
    echo("Bye.")
