"""`/content …`: marketers manage the library (Slack and `journeybot chat` share this code).

Each command returns a Reply (mrkdwn text, optional blocks, or a modal to open). Writes are for
marketers only, validated before anything is written, and audited.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from bot import ids
from bot.blocks import actions, button, decode, encode, section, type_label
from bot.command_line import CommandSyntaxError, parse
from bot.modals import FIELDS as MODAL_FIELDS
from bot.modals import asset_modal, block_ids, read_submission, revision
from bot.mrkdwn import escape, link, shorten
from bot.runtime import Runtime
from content_library.db import session_scope
from content_library.editing import (
    NotFound,
    changed_fields,
    find_asset,
    history,
    save,
    set_archived,
    update,
    verify,
)
from content_library.models import Asset
from content_library.repository import library_stats, list_assets
from content_library.validation import ValidationError, normalise_tag, validate_asset
from content_library.vocabulary import (
    CONTENT_TYPES,
    STAGES,
    UnknownName,
    other_names,
    parse_content_type,
    parse_stage,
    parse_stages,
)
from recommender.ranking import AssetView
from recommender.stages import CANONICAL
from recommender.suggest import suggest

PAGE_SIZE = 10
WRITES = {"add", "edit", "tag", "untag", "stage", "archive", "restore", "verify"}
ADD_OPTIONS = ("stage", "type", "tags", "lang", "desc")
EDIT_OPTIONS = ("title", "url", "stage", "type", "tags", "lang", "desc")
LIST_OPTIONS = ("stage", "type", "tag", "page")
OPTION_FIELDS = {"title": "title", "url": "url", "stage": "stages", "type": "content_type", "tags": "tags",
                 "lang": "language", "desc": "description"}

HELP = escape("""*Managing the content library* (changes: marketers only)
• `/content add <url> "<title>" stage=<stage>[,<stage>] type=<type> [tags=a,b] [lang=xx] [desc="…"]` — add in one line
• `/content add` or `/content add <url>` — a form, prefilled with suggestions
• `/content edit <id|url>` — the form for an asset (or `edit <id|url> title="…" desc="…" …`)
• `/content tag <id|url> tags=a,b` · `/content untag <id|url> tags=a`
• `/content stage <id|url> <stage>[,<stage>]` · `/content archive|restore|verify <id|url>`
• `/content list [stage=…] [type=…] [tag=…]` · `/content show <id|url>` · `/content search <words>`
• `/content history <id|url>` · `/content stats` · `/content gaps` (this week's gap digest) · `/content help`
• `/content types` — the content types and the names each is accepted under
Stages in any framework's words or language (`interest` → consideration, `认知` → awareness); \
content types by their common names (`case study`, `ROI calculator`, `白皮书`).""")


@dataclass
class Reply:
    text: str
    blocks: list[dict] = field(default_factory=list)
    modal: dict | None = None
    changed: bool = False

    def message(self) -> dict:
        """The reply as a message: its own blocks, or its text in sections of at most 3,000 characters."""
        if self.blocks:
            return {"text": self.text[:3000], "blocks": self.blocks}
        chunks, current = [], ""
        for line in self.text.splitlines():
            line = line[:3000]
            if len(current) + len(line) + 1 > 3000:
                chunks.append(current)
                current = ""
            current = f"{current}\n{line}" if current else line
        chunks.append(current or " ")
        return {"text": self.text[:3000], "blocks": [section({"type": "mrkdwn", "text": c}) for c in chunks[:45]]}


class ContentCommands:
    def __init__(self, runtime: Runtime, allows: Callable[[str | None], bool], who_can_help: Callable[[], str]):
        self.runtime = runtime
        self.allows = allows
        self.who_can_help = who_can_help

    # -- entry point ------------------------------------------------------------------------------------
    def run(self, text: str, user: str | None, *, channel: str | None = None, modals: bool = True) -> Reply:
        """Run one `/content` command line. User mistakes come back as a Reply explaining them."""
        name, _, rest = (text or "").strip().partition(" ")
        name = name.lower()
        if name in ("", "help", "?"):
            return Reply(HELP)
        handler = getattr(self, f"cmd_{name}", None)
        if handler is None:
            return Reply(f"Sorry, `{escape(shorten(name, 30))}` is not a `/content` command.\n\n{HELP}")
        if name in WRITES and not self.allows(user):
            return Reply(f"Sorry, only marketers can change the content library; {self.who_can_help()}. "
                         "You can still use `/content list`, `show` and `search`.")
        try:
            return handler(rest.strip(), user=user, channel=channel, modals=modals)
        except (CommandSyntaxError, NotFound, ValidationError, UnknownName) as exc:
            about_types = getattr(exc, "kind", None) == "content type" or getattr(exc, "field", None) == "content_type"
            return Reply(f"Sorry, {sentence(escape(str(exc)))} Nothing was changed. "
                         + ("(`/content types` lists the content types.)" if about_types else
                            "(`/content help` shows the syntax.)"))

    def actor(self, user: str | None) -> str:
        return f"slack:{user}" if user else "console"

    # -- writes -------------------------------------------------------------------------------------------
    def cmd_add(self, rest: str, user, channel, modals) -> Reply:
        parsed = parse(rest, ADD_OPTIONS)
        if len(parsed.words) > 2:
            raise CommandSyntaxError(f"after the URL and the title I found extra words "
                                     f"“{shorten(' '.join(parsed.words[2:]), 60)}”; put the title in double quotes")
        url = parsed.words[0] if parsed.words else None
        title = parsed.words[1] if len(parsed.words) > 1 else None
        if title is None:
            if not modals:
                raise CommandSyntaxError('give the title in double quotes: /content add <url> "<title>" type=…')
            return Reply("Opening the form…", modal=self.add_modal(url, parsed.options, channel))
        record = {"url": url, "title": title}
        record.update({OPTION_FIELDS[k]: v for k, v in parsed.options.items()})
        return self.save_record(record, user)

    def add_modal(self, url: str | None, options: dict, channel: str | None) -> dict:
        recommender = self.runtime.loaded_recommender()
        description = options.get("desc", "")
        known = {t for a in recommender.assets.values() for t in a.tags}
        hint = suggest("", description, url, recommender.classify, known)
        values = {"url": url, "description": description, "content_type": hint.content_type,
                  "stages": hint.stages, "language": hint.language or "", "tags": hint.tags}
        if "type" in options:
            values["content_type"] = parse_content_type(options["type"])
        if "stage" in options:
            values["stages"] = parse_stages(options["stage"])
        note = ("Suggested from the URL: check the type and stages." if url and hint.content_type else None)
        return asset_modal(ids.ADD_ASSET_VIEW, values, {"channel": channel}, heading="Add content", note=note,
                           suggest_on_enter=True)

    def suggest_view(self, view: dict) -> dict:
        """The add form again, with suggestions from the title and description typed so far filled
        into the fields the marketer has not set."""
        current = read_submission(view)
        recommender = self.runtime.loaded_recommender()
        known = {t for a in recommender.assets.values() for t in a.tags}
        hint = suggest(current.get("title", ""), current.get("description", ""), current.get("url"),
                       recommender.classify, known)
        values = dict(current)
        values.setdefault("content_type", hint.content_type)
        if not values.get("stages"):
            values["stages"] = hint.stages
        values.setdefault("language", hint.language or "")
        if not values.get("tags"):
            values["tags"] = hint.tags
        try:
            metadata = json.loads(view.get("private_metadata") or "{}")
        except ValueError:
            metadata = {}
        return asset_modal(ids.ADD_ASSET_VIEW, values, metadata if isinstance(metadata, dict) else {},
                           heading="Add content", note="Suggested from the title: check before saving.",
                           suggest_on_enter=True, revision=revision(view) + 1)

    def save_record(self, record: dict, user: str | None) -> Reply:
        """Validate and upsert by URL; warn about near-duplicates under other URLs."""
        asset_input = validate_asset(record)
        with session_scope(self.runtime.engine) as session:
            saved = save(session, asset_input, self.actor(user))
            asset = saved.asset
        name = f"#{asset.id} *{link(asset.url, asset.title)}*"
        if saved.created:
            text = f"Added {name} — {describe(asset)}."
        elif saved.changed:
            text = f"That URL was already in the library: updated {name} — {describe(asset)}."
        else:
            text = f"That URL is already in the library as {name}; nothing changed."
        text += self.duplicate_warning(asset)
        return Reply(text, changed=saved.changed)

    def duplicate_warning(self, asset: Asset) -> str:
        recommender = self.runtime.loaded_recommender()
        draft = AssetView(asset.id or 0, asset.title, asset.url, asset.description, asset.content_type,
                          tuple(asset.stages), tuple(asset.tags), asset.language)
        twins = recommender.near_duplicates(draft)
        if not twins:
            return ""
        others = ", ".join(f"#{v.id} {link(v.url, v.title, 80)}" for v, _ in twins[:3])
        return f"\n:warning: This looks like a near-duplicate of {others}. Archive one if they are the same."

    def cmd_edit(self, rest: str, user, channel, modals) -> Reply:
        parsed = parse(rest, EDIT_OPTIONS)
        ref = self._one_ref(parsed.words)
        with session_scope(self.runtime.engine) as session:
            asset = find_asset(session, ref)
            if not parsed.options:
                if not modals:
                    raise CommandSyntaxError("say what to change, e.g. edit 12 title=\"…\" desc=\"…\" type=…")
                values = {k: getattr(asset, k) for k in ("url", "title", "description", "content_type", "stages",
                                                        "language", "tags")}
                return Reply("Opening the form…", modal=asset_modal(
                    ids.EDIT_ASSET_VIEW, values, {"channel": channel, "asset_id": asset.id},
                    heading=f"Edit #{asset.id}"))
            changes = {OPTION_FIELDS[k]: v for k, v in parsed.options.items()}
            return self._changed(update(session, asset, self.actor(user), **changes).changed, asset)

    def edit_record(self, asset_id: int, record: dict, user: str | None) -> Reply:
        """Save the edit modal's values onto asset `asset_id` (fields left empty are cleared)."""
        record = {"description": "", "tags": [], "language": "", **record}
        with session_scope(self.runtime.engine) as session:
            asset = find_asset(session, str(asset_id))
            return self._changed(update(session, asset, self.actor(user), **record).changed, asset)

    def cmd_tag(self, rest: str, user, channel, modals, remove: bool = False) -> Reply:
        parsed = parse(rest, ("tags",))
        if not parsed.words:
            raise CommandSyntaxError("give the asset id or URL, then the tags, e.g. tag 12 tags=persona:cfo")
        ref, *words = parsed.words
        tags = [t for t in map(normalise_tag, ",".join([parsed.options.get("tags", ""), *words]).split(",")) if t]
        if not tags:
            raise CommandSyntaxError("give the tags, e.g. tags=persona:cfo,industry:retail")
        with session_scope(self.runtime.engine) as session:
            asset = find_asset(session, ref)
            current = list(asset.tags)
            if remove:
                missing = [t for t in tags if t not in current]
                if len(missing) == len(tags):
                    return Reply(f"#{asset.id} has none of those tags (its tags: "
                                 f"{escape(', '.join(current)) or 'none'}). Nothing was changed.")
                new = [t for t in current if t not in tags]
            else:
                new = current + [t for t in tags if t not in current]
            return self._changed(update(session, asset, self.actor(user), tags=new).changed, asset)

    def cmd_untag(self, rest: str, user, channel, modals) -> Reply:
        return self.cmd_tag(rest, user, channel, modals, remove=True)

    def cmd_stage(self, rest: str, user, channel, modals) -> Reply:
        parsed = parse(rest, ())
        if len(parsed.words) < 2:
            raise CommandSyntaxError("give the asset and its stages, e.g. /content stage 12 decision,retention")
        ref, *names = parsed.words
        stages = parse_stages(",".join(names))
        if not stages:
            raise CommandSyntaxError("give at least one stage (or `all`), e.g. /content stage 12 decision,retention")
        with session_scope(self.runtime.engine) as session:
            asset = find_asset(session, ref)
            return self._changed(update(session, asset, self.actor(user), stages=stages).changed, asset)

    def _archive(self, rest: str, user, archived: bool) -> Reply:
        ref = self._one_ref(parse(rest, ()).words)
        with session_scope(self.runtime.engine) as session:
            asset = find_asset(session, ref)
            changed = set_archived(session, asset, archived, self.actor(user))
        verb = "Archived" if archived else "Restored"
        if not changed:
            return Reply(f"#{asset.id} is already {'archived' if archived else 'active'}; nothing changed.")
        tail = " It is no longer recommended." if archived else " It is recommended again."
        return Reply(f"{verb} #{asset.id} *{link(asset.url, asset.title)}*.{tail}", changed=True)

    def cmd_archive(self, rest: str, user, channel, modals) -> Reply:
        return self._archive(rest, user, True)

    def cmd_restore(self, rest: str, user, channel, modals) -> Reply:
        return self._archive(rest, user, False)

    def cmd_verify(self, rest: str, user, channel, modals) -> Reply:
        ref = self._one_ref(parse(rest, ()).words)
        with session_scope(self.runtime.engine) as session:
            asset = find_asset(session, ref)
            verify(session, asset, self.actor(user))
        return Reply(f"Marked #{asset.id} *{link(asset.url, asset.title)}* as reviewed today.", changed=True)

    # -- reads --------------------------------------------------------------------------------------------
    def cmd_list(self, rest: str, user=None, channel=None, modals=True) -> Reply:
        options = parse(rest, LIST_OPTIONS).options
        stage = parse_stage(options["stage"]) if options.get("stage") else None
        content_type = parse_content_type(options["type"]) if options.get("type") else None
        page = options.get("page", "1")
        if not page.isdigit() or int(page) < 1:
            raise CommandSyntaxError("page= is a page number (1, 2, …)")
        return self.list_page(stage, content_type, options.get("tag"), int(page))

    def list_page(self, stage: str | None, content_type: str | None, tag: str | None, page: int) -> Reply:
        with session_scope(self.runtime.engine) as session:
            assets = list_assets(session, stage=stage, content_type=content_type, tag=tag.lower() if tag else None)
        pages = max(1, -(-len(assets) // PAGE_SIZE))
        page = min(page, pages)
        shown = assets[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
        filters = ", ".join(f"{k}={v}" for k, v in (("stage", stage), ("type", content_type), ("tag", tag)) if v)
        head = f"*{len(assets)} assets*" + (f" ({escape(filters)})" if filters else "") + f" · page {page}/{pages}"
        lines = [f"#{a.id} {link(a.url, a.title, 90)} · {escape(type_label(a.content_type))} · "
                 f"{', '.join(a.stages)} · {escape(a.language)}" for a in shown] or ["Nothing matches."]
        blocks = [section({"type": "mrkdwn", "text": head}), section({"type": "mrkdwn", "text": "\n".join(lines)})]
        buttons = []
        for label, target in (("◀ Previous", page - 1), ("Next ▶", page + 1)):
            if 1 <= target <= pages:
                value = encode(s=stage, t=content_type, g=tag[:50] if tag else None, p=target)
                buttons.append(button(label, f"{ids.CONTENT_PAGE}_{'prev' if target < page else 'next'}", value))
        if buttons:
            blocks.append(actions(buttons))
        return Reply(head + "\n" + "\n".join(lines), blocks)

    def page_from_button(self, value: str) -> Reply:
        v = decode(value)
        stage = v.get("s") if v.get("s") in STAGES else None
        content_type = v.get("t") if isinstance(v.get("t"), str) else None
        page = v.get("p") if isinstance(v.get("p"), int) else 1
        tag = v.get("g") if isinstance(v.get("g"), str) else None
        return self.list_page(stage, content_type, tag, page)

    def cmd_show(self, rest: str, user=None, channel=None, modals=True) -> Reply:
        ref = self._one_ref(parse(rest, ()).words)
        with session_scope(self.runtime.engine) as session:
            a = find_asset(session, ref)
        reviewed = a.last_reviewed_at.strftime("%Y-%m-%d") if a.last_reviewed_at else "never"
        lines = [
            f"#{a.id} *{link(a.url, a.title)}*" + (" _(archived)_" if a.archived else ""),
            f"{describe(a)}",
            f"Tags: {escape(', '.join(a.tags)) or '—'} · owner: {escape(a.owner or '—')} · last reviewed: {reviewed}",
        ]
        if a.description:
            lines.append(escape(shorten(a.description, 1500)))
        return Reply("\n".join(lines))

    def cmd_search(self, rest: str, user=None, channel=None, modals=True) -> Reply:
        if not rest.strip():
            raise CommandSyntaxError("give some words to search for, e.g. /content search ROI calculator")
        recommender = self.runtime.loaded_recommender()
        recommender.refresh_if_stale()  # an asset added a moment ago, here or by another process, is found
        items = recommender.search(rest, k=PAGE_SIZE)
        if not items:
            return Reply("The library is empty.")
        lines = [f"#{i.asset.id} {link(i.asset.url, i.asset.title, 90)} · {escape(type_label(i.asset.content_type))}"
                 f" · {', '.join(i.asset.stages)}" for i in items]
        return Reply(f"*Best matches for “{escape(shorten(rest, 80))}”*\n" + "\n".join(lines))

    def cmd_stats(self, rest: str = "", user=None, channel=None, modals=True) -> Reply:
        with session_scope(self.runtime.engine) as session:
            stats = library_stats(session)
        per_stage = " · ".join(f"{CANONICAL[s].label} {stats['per_stage'][s]}" for s in STAGES)
        languages = ", ".join(f"{k} {v}" for k, v in stats["per_language"].items())
        return Reply(f"*{stats['assets']} active assets* ({stats['archived']} archived)\n{per_stage}\n"
                     f"Languages: {escape(languages) or '—'}\nAsks logged: {stats['queries']}")

    def cmd_types(self, rest: str = "", user=None, channel=None, modals=True) -> Reply:
        if rest.strip():
            raise CommandSyntaxError("`/content types` takes no options; it lists every content type")
        lines = ["*Content types* — usual stages — also accepted as (first few)"]
        for ct in CONTENT_TYPES:
            names = other_names(ct)[:5]
            stages = ", ".join(CANONICAL[s].label.lower() for s in ct.stages)
            lines.append(f"• `{ct.key}` {escape(ct.label)} — {stages} — {escape(', '.join(names))}")
        lines.append("A longer name that holds one of these is that type (“Webinar recording”, “API docs”).")
        return Reply("\n".join(lines))

    def cmd_gaps(self, rest: str = "", user=None, channel=None, modals=True) -> Reply:
        from bot.digest import make_digest, mrkdwn

        if rest.strip():
            raise CommandSyntaxError("`/content gaps` takes no options; it shows this week's digest")
        return Reply(mrkdwn(make_digest(self.runtime)))

    def cmd_history(self, rest: str, user=None, channel=None, modals=True) -> Reply:
        ref = self._one_ref(parse(rest, ()).words)
        with session_scope(self.runtime.engine) as session:
            asset = find_asset(session, ref)
            entries = history(session, asset.id)
        lines = []
        for e in entries:
            who = e.actor.removeprefix("slack:")
            who = f"<@{who}>" if e.actor.startswith("slack:") else escape(who)
            changes = changed_fields(e) if e.action == "update" else {}
            detail = "; ".join(f"{k}: {escape(shorten(str(b), 60))} → {escape(shorten(str(a), 60))}"
                               for k, (b, a) in changes.items())
            lines.append(f"• {e.created_at:%Y-%m-%d %H:%M} UTC · {e.action} by {who}" + (f" — {detail}" if detail else ""))
        return Reply(f"*History of #{asset.id} {link(asset.url, asset.title, 80)}*\n" + "\n".join(lines or ["—"]))

    # -- helpers ------------------------------------------------------------------------------------------
    @staticmethod
    def _one_ref(words: list[str]) -> str:
        if len(words) != 1:
            raise CommandSyntaxError("give one asset id or URL (e.g. 12 or https://…)")
        return words[0]

    def _changed(self, changed: bool, asset: Asset) -> Reply:
        if not changed:
            return Reply(f"#{asset.id} already has those values; nothing changed.")
        return Reply(f"Updated #{asset.id} *{link(asset.url, asset.title)}* — {describe(asset)}.", changed=True)


def sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else text + "."


def describe(asset: Asset) -> str:
    stages = ", ".join(CANONICAL[s].label.lower() for s in asset.stages)
    tags = f" · tags {escape(', '.join(asset.tags))}" if asset.tags else ""
    return f"{escape(type_label(asset.content_type))} · {stages} · {escape(asset.language)}{tags}"


def validation_errors(exc: ValidationError, view: dict) -> dict[str, str]:
    """A validation error as the modal's inline errors (the field's block id in `view` → message)."""
    blocks = block_ids(view)
    field_name = exc.field if exc.field in MODAL_FIELDS else "title"
    return {blocks.get(field_name, field_name): shorten(exc.message, 150)}

