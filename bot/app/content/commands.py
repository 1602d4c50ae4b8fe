"""`/content …`: the table of commands marketers and salespeople run on the library, in Slack and in
`journeybot chat`. Each row declares the command's name, its usage, its options, whether it
changes the library (marketers only) and its help line; the help text is generated from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.engine import Engine

from bot.app.content import reads, writes
from bot.app.content.reply import Reply
from bot.app.content.syntax import CommandSyntaxError, Parsed, parse
from bot.app.text import Code, Rich, shorten, strong
from content_library import content_types
from content_library.content_types import TypeDefinitionError
from content_library.editing import NotFound
from content_library.validation import ValidationError
from content_library.vocabulary import UnknownName

ASSET_OPTIONS = ("stage", "type", "tags", "lang", "desc")


@dataclass(frozen=True)
class Call:
    """One run of a command: the text after its name, that text parsed (None for free text), who
    runs it, where, and whether the front door can open a form."""

    rest: str
    parsed: Parsed | None
    user: str | None
    channel: str | None
    forms: bool


@dataclass(frozen=True)
class Command:
    name: str
    usage: str  # what follows `/content <name>`
    help: str
    handler: Callable[..., Reply]
    options: tuple[str, ...] | None = ()  # None: the rest is free text (search words)
    writes: bool = False
    arguments: bool = True  # False: nothing may follow the name


COMMANDS: tuple[Command, ...] = (
    Command("add", '<url> "<title>" stage=<stage>[,<stage>] type=<type> [tags=a,b] [lang=xx] [desc="…"]',
            "add in one line; `/content add` or `/content add <url>` opens a form, prefilled with suggestions",
            writes.add, ASSET_OPTIONS, writes=True),
    Command("edit", "<id|url>", "the form for an asset (or `edit <id|url> title=\"…\" desc=\"…\" …` in one line)",
            writes.edit, ("title", "url", *ASSET_OPTIONS), writes=True),
    Command("tag", "<id|url> tags=a,b", "add tags", writes.tag, ("tags",), writes=True),
    Command("untag", "<id|url> tags=a", "remove tags", writes.untag, ("tags",), writes=True),
    Command("stage", "<id|url> <stage>[,<stage>]", "set the stages", writes.stage, writes=True),
    Command("archive", "<id|url>", "stop recommending it", writes.archive, writes=True),
    Command("restore", "<id|url>", "recommend it again", writes.restore, writes=True),
    Command("verify", "<id|url>", "mark it reviewed today (the digest flags assets not reviewed for long)",
            writes.verify_asset, writes=True),
    Command("list", "[stage=…] [type=…] [tag=…]", "ten at a time", reads.list_command, ("stage", "type", "tag", "page")),
    Command("show", "<id|url>", "one asset", reads.show),
    Command("search", "<words>", "the best matches for some words", reads.search, None),
    Command("history", "<id|url>", "every change: who, when, before → after", reads.history_command),
    Command("stats", "", "the library per stage and language", reads.stats, arguments=False),
    Command("gaps", "", "this week's content-gap digest", reads.gaps, arguments=False),
    Command("types", "", "the content types and the names each is accepted under", reads.types, arguments=False),
    Command("types add", '"<name>" stages=<stage>[,<stage>] [names="a, b"]',
            "a content type of the team's own (its usual stages, main one first; other names it goes by)",
            writes.add_type, ("stages", "names"), writes=True),
    Command("types remove", "<key>", "remove a type of the team's own that no asset has", writes.remove_type,
            writes=True),
)
BY_NAME = {c.name: c for c in COMMANDS}
HELP_WORDS = ("", "help", "?")


def help_text() -> Rich:
    """The command list, from the table."""
    text: Rich = [strong("Managing the content library"), " (changes: marketers only)"]
    for c in COMMANDS:
        text += ["\n• ", Code(f"/content {c.name} {c.usage}".rstrip()), f" — {c.help}"]
    text.append("\n• " + "`/content help` — this list")
    text.append("\nStages in any framework's words or language (`interest` → consideration, `认知` → awareness); "
                "content types by their common names (`case study`, `ROI calculator`, `白皮书`).")
    return text


class Permissions(Protocol):
    def allows(self, user: str | None) -> bool: ...

    def who_can_help(self) -> Rich: ...


class Everyone:
    """The person at the console runs journeybot: they may change the library."""

    def allows(self, user: str | None) -> bool:
        return True

    def who_can_help(self) -> Rich:
        return []


class ContentCommands:
    def __init__(self, engine: Engine, recommender: Callable, permissions: Permissions, digests):
        """`recommender()` gives the loaded recommender (it may wait for it to load)."""
        self.engine = engine
        self.recommender = recommender
        self.permissions = permissions
        self.digests = digests

    def current_recommender(self):
        """The recommender after catching up with library changes (here or in another process)."""
        recommender = self.recommender()
        recommender.refresh_if_stale()
        return recommender

    def actor(self, user: str | None) -> str:
        return f"slack:{user}" if user else "console"

    def run(self, text: str, user: str | None, *, channel: str | None = None, forms: bool = True) -> Reply:
        """Run one `/content` command line. User mistakes come back as a Reply explaining them."""
        name, _, rest = (text or "").strip().partition(" ")
        name = name.lower()
        sub, _, after = rest.strip().partition(" ")
        if f"{name} {sub.lower()}" in BY_NAME:  # `/content types add …`
            name, rest = f"{name} {sub.lower()}", after
        content_types.refresh(self.engine)  # types another process defined since
        if name in HELP_WORDS:
            return Reply(help_text())
        command = BY_NAME.get(name)
        if command is None:
            return Reply(["Sorry, ", Code(shorten(name, 30)), " is not a ", Code("/content"), " command.\n\n",
                          *help_text()])
        if command.writes and not self.permissions.allows(user):
            return Reply(["Sorry, only marketers can change the content library; ", *self.permissions.who_can_help(),
                          ". You can still use ", Code("/content list"), ", ", Code("show"), " and ", Code("search"),
                          "."])
        rest = rest.strip()
        try:
            if not command.arguments and rest:
                raise CommandSyntaxError(f"`/content {name}` takes no options; it shows {command.help}")
            parsed = None if command.options is None else parse(rest, command.options)
            return command.handler(self, Call(rest, parsed, user, channel, forms))
        except (CommandSyntaxError, NotFound, ValidationError, UnknownName, TypeDefinitionError) as exc:
            about_types = getattr(exc, "kind", None) == "content type" or getattr(exc, "field", None) == "content_type"
            return Reply([f"Sorry, {sentence(str(exc))} Nothing was changed. ",
                          "(", Code("/content types" if about_types else "/content help"),
                          " lists the content types.)" if about_types else " shows the syntax.)"])

    # -- what the forms do (Slack's modals) -----------------------------------------------------------
    def save_record(self, record: dict, user: str | None) -> Reply:
        return writes.save_record(self, record, user)

    def edit_record(self, asset_id: int, record: dict, user: str | None) -> Reply:
        return writes.edit_record(self, asset_id, record, user)

    def suggest(self, values: dict) -> dict:
        return writes.suggest_values(self, values)

    def list_page(self, stage: str | None, content_type: str | None, tag: str | None, page: int) -> Reply:
        return reads.list_page(self, stage, content_type, tag, page)


def sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else text + "."
