"""The `/content` commands that read the library (anyone): list, show, search, stats, types,
history, gaps."""

from __future__ import annotations

from bot.app.content.reply import ListPage, Reply
from bot.app.content.syntax import CommandSyntaxError
from bot.app.content.writes import describe, one_ref
from bot.app.text import Code, Em, Link, Mention, Rich, shorten, strong
from content_library.db import session_scope
from content_library.editing import changed_fields, find_asset, history
from content_library.repository import library_stats, list_assets
from content_library.vocabulary import (
    STAGES,
    content_types,
    other_names,
    parse_content_type,
    parse_stage,
    type_label,
)
from recommender.stages import CANONICAL

PAGE_SIZE = 10


def list_command(lib, call) -> Reply:
    options = call.parsed.options
    stage = parse_stage(options["stage"]) if options.get("stage") else None
    content_type = parse_content_type(options["type"]) if options.get("type") else None
    page = options.get("page", "1")
    if not page.isdigit() or int(page) < 1:
        raise CommandSyntaxError("page= is a page number (1, 2, …)")
    return list_page(lib, stage, content_type, options.get("tag"), int(page))


def list_page(lib, stage: str | None, content_type: str | None, tag: str | None, page: int) -> Reply:
    with session_scope(lib.engine) as session:
        assets = list_assets(session, stage=stage, content_type=content_type, tag=tag.lower() if tag else None)
    pages = max(1, -(-len(assets) // PAGE_SIZE))
    page = min(page, pages)
    shown = assets[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    filters = ", ".join(f"{k}={v}" for k, v in (("stage", stage), ("type", content_type), ("tag", tag)) if v)
    head: Rich = [strong(f"{len(assets)} assets"), f" ({filters})" if filters else "", f" · page {page}/{pages}"]
    lines: Rich = []
    for n, a in enumerate(shown):
        lines += (["\n"] if n else []) + [f"#{a.id} ", Link(a.url, a.title, 90),
                                          f" · {type_label(a.content_type)} · {', '.join(a.stages)} · {a.language}"]
    lines = lines or ["Nothing matches."]
    listing = ListPage(head, lines, stage, content_type, tag[:50] if tag else None, page, pages)
    return Reply([*head, "\n", *lines], page=listing)


def show(lib, call) -> Reply:
    ref = one_ref(call.parsed.words)
    with session_scope(lib.engine) as session:
        a = find_asset(session, ref)
    reviewed = a.last_reviewed_at.strftime("%Y-%m-%d") if a.last_reviewed_at else "never"
    text: Rich = [f"#{a.id} ", strong(Link(a.url, a.title))]
    if a.archived:
        text += [" ", Em("(archived)")]
    text += [f"\n{describe(a, with_tags=False)}",  # the tags have their own line below
             f"\nTags: {', '.join(a.tags) or '—'} · owner: {a.owner or '—'} · last reviewed: {reviewed}"]
    if a.description:
        text.append("\n" + shorten(a.description, 1500))
    return Reply(text)


def search(lib, call) -> Reply:
    words = call.rest
    if not words.strip():
        raise CommandSyntaxError("give some words to search for, e.g. /content search ROI calculator")
    items = lib.current_recommender().search(words, k=PAGE_SIZE)
    if not items:
        return Reply(["The library is empty."])
    text: Rich = [strong(f"Best matches for “{shorten(words, 80)}”")]
    for i in items:
        text += [f"\n#{i.asset.id} ", Link(i.asset.url, i.asset.title, 90),
                 f" · {type_label(i.asset.content_type)} · {', '.join(i.asset.stages)}"]
    return Reply(text)


def stats(lib, call) -> Reply:
    with session_scope(lib.engine) as session:
        numbers = library_stats(session)
    per_stage = " · ".join(f"{CANONICAL[s].label} {numbers['per_stage'][s]}" for s in STAGES)
    languages = ", ".join(f"{k} {v}" for k, v in numbers["per_language"].items())
    return Reply([strong(f"{numbers['assets']} active assets"), f" ({numbers['archived']} archived)\n{per_stage}\n"
                  f"Languages: {languages or '—'}\nAsks logged: {numbers['queries']}"])


def types(lib, call) -> Reply:
    text: Rich = [strong("Content types"), " — usual stages — also accepted as (first few)"]
    for ct in content_types():
        names = other_names(ct)[:5]
        stages = ", ".join(CANONICAL[s].label.lower() for s in ct.stages)
        text += ["\n• ", Code(ct.key), f" {ct.label} — {stages}" + (f" — {', '.join(names)}" if names else "")]
        if ct.team:
            text += [" (", Em("the team's own"), ")"]
    text.append("\nA longer name that holds one of these is that type (“Webinar recording”, “API docs”). "
                "Marketers add the team's own types with ")
    text += [Code('/content types add "Podcast" stages=awareness,consideration'), "."]
    return Reply(text)


def gaps(lib, call) -> Reply:
    return Reply(lib.digests.outline(lib.digests.make()))


def history_command(lib, call) -> Reply:
    ref = one_ref(call.parsed.words)
    with session_scope(lib.engine) as session:
        asset = find_asset(session, ref)
        entries = history(session, asset.id)
    text: Rich = [strong("History of ", f"#{asset.id} ", Link(asset.url, asset.title, 80))]
    for e in entries:
        who = Mention(e.actor.removeprefix("slack:")) if e.actor.startswith("slack:") else e.actor
        changes = changed_fields(e) if e.action == "update" else {}
        detail = "; ".join(f"{k}: {shorten(str(b), 60)} → {shorten(str(a), 60)}" for k, (b, a) in changes.items())
        text += [f"\n• {e.created_at:%Y-%m-%d %H:%M} UTC · {e.action} by ", who] + ([f" — {detail}"] if detail else [])
    if not entries:
        text.append("\n—")
    return Reply(text)
