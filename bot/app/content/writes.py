"""The `/content` commands that change the library (marketers only): add, edit, tag, untag, stage,
archive, restore, verify. Each validates before it writes; every write is audited."""

from __future__ import annotations

from bot.app.content.reply import AssetForm, Reply
from bot.app.content.syntax import CommandSyntaxError
from bot.app.text import Code, Link, Rich, shorten, strong
from content_library import content_types
from content_library.db import session_scope
from content_library.editing import asset_at, find_asset, save, set_archived, update, verify
from content_library.models import Asset
from content_library.validation import normalise_tag, validate_asset
from content_library.vocabulary import parse_content_type, parse_stages, type_label
from recommender.ranking import AssetView
from recommender.stages import CANONICAL
from recommender.suggest import suggest

OPTION_FIELDS = {"title": "title", "url": "url", "stage": "stages", "type": "content_type", "tags": "tags",
                 "lang": "language", "desc": "description"}


def describe(asset: Asset, with_tags: bool = True) -> str:
    """“Case study · consideration · en · tags a, b”: one line of what an asset is."""
    stages = ", ".join(CANONICAL[s].label.lower() for s in asset.stages)
    tags = f" · tags {', '.join(asset.tags)}" if asset.tags and with_tags else ""
    return f"{type_label(asset.content_type)} · {stages} · {asset.language}{tags}"


def named(asset: Asset) -> Rich:
    """“#12 *Title*” with the title linked."""
    return [f"#{asset.id} ", strong(Link(asset.url, asset.title))]


def one_word(words: list[str], hint: str) -> str:
    """The one word a command takes; `hint` says what it is when there are none or several."""
    if len(words) != 1:
        raise CommandSyntaxError(hint)
    return words[0]


def one_ref(words: list[str]) -> str:
    return one_word(words, "give one asset id or URL (e.g. 12 or https://…)")


def changed_reply(changed: bool, asset: Asset) -> Reply:
    if not changed:
        return Reply([f"#{asset.id} already has those values; nothing changed."])
    return Reply(["Updated ", *named(asset), f" — {describe(asset)}."], changed=True)


# -- add ------------------------------------------------------------------------------------------------
def add(lib, call) -> Reply:
    parsed = call.parsed
    if len(parsed.words) > 2:
        raise CommandSyntaxError(f"after the URL and the title I found extra words "
                                 f"“{shorten(' '.join(parsed.words[2:]), 60)}”; put the title in double quotes")
    url = parsed.words[0] if parsed.words else None
    title = parsed.words[1] if len(parsed.words) > 1 else None
    if title is None:
        if not call.forms:
            raise CommandSyntaxError('give the title in double quotes: /content add <url> "<title>" type=…')
        return Reply(["Opening the form…"], form=add_form(lib, url, parsed.options, call.channel))
    record = {"url": url, "title": title}
    record.update({OPTION_FIELDS[k]: v for k, v in parsed.options.items()})
    return save_record(lib, record, call.user, merge=True)


def add_form(lib, url: str | None, options: dict, channel: str | None) -> AssetForm:
    recommender = lib.recommender()
    description = options.get("desc", "")
    hint = suggest("", description, url, recommender.classify, recommender.index.known_tags())
    values = {"url": url, "description": description, "content_type": hint.content_type,
              "stages": hint.stages, "language": hint.language or "", "tags": hint.tags}
    if "type" in options:
        values["content_type"] = parse_content_type(options["type"])
    if "stage" in options:
        values["stages"] = parse_stages(options["stage"])
    note = "Suggested from the URL: check the type and stages." if url and hint.content_type else None
    return AssetForm("add", values, channel, note=note)


def suggest_values(lib, current: dict) -> dict:
    """The add form's values with suggestions from the title and description typed so far filled
    into the fields the marketer has not set."""
    recommender = lib.recommender()
    hint = suggest(current.get("title", ""), current.get("description", ""), current.get("url"),
                   recommender.classify, recommender.index.known_tags())
    values = dict(current)
    values.setdefault("content_type", hint.content_type)
    if not values.get("stages"):
        values["stages"] = hint.stages
    values.setdefault("language", hint.language or "")
    if not values.get("tags"):
        values["tags"] = hint.tags
    return values


def save_record(lib, record: dict, user: str | None, merge: bool = False) -> Reply:
    """Validate and upsert by URL; warn about near-duplicates under other URLs. With `merge` (a quick
    add), an asset already at the URL changes what the record names and keeps the rest: a
    description, tags or stages left out of the command are not wiped. Read and write are one
    transaction, the row locked where the database can (PostgreSQL), so no edit in between is lost."""
    with session_scope(lib.engine) as session:
        existing = asset_at(session, record.get("url")) if merge else None
        if existing is not None:
            saved = update(session, existing, lib.actor(user), **record)
        else:
            saved = save(session, validate_asset(record), lib.actor(user))
        asset = saved.asset
    if saved.created:
        text = ["Added ", *named(asset), f" — {describe(asset)}."]
    elif saved.changed:
        text = ["That URL was already in the library: updated ", *named(asset), f" — {describe(asset)}."]
    else:
        text = ["That URL is already in the library as ", *named(asset), "; nothing changed."]
    return Reply(text + duplicate_warning(lib, asset), changed=saved.changed)


def duplicate_warning(lib, asset: Asset) -> Rich:
    twins = lib.recommender().pipeline.near_duplicates(AssetView.of(asset))
    if not twins:
        return []
    out: Rich = ["\n:warning: This looks like a near-duplicate of "]
    for n, (view, _) in enumerate(twins[:3]):
        out += ([", "] if n else []) + [f"#{view.id} ", Link(view.url, view.title, 80)]
    return out + [". Archive one if they are the same."]


# -- edit -----------------------------------------------------------------------------------------------
def edit(lib, call) -> Reply:
    parsed = call.parsed
    ref = one_ref(parsed.words)
    with session_scope(lib.engine) as session:
        asset = find_asset(session, ref)
        if not parsed.options:
            if not call.forms:
                raise CommandSyntaxError("say what to change, e.g. edit 12 title=\"…\" desc=\"…\" type=…")
            values = {k: getattr(asset, k) for k in ("url", "title", "description", "content_type", "stages",
                                                    "language", "tags")}
            return Reply(["Opening the form…"], form=AssetForm("edit", values, call.channel, asset_id=asset.id))
        changes = {OPTION_FIELDS[k]: v for k, v in parsed.options.items()}
        return changed_reply(update(session, asset, lib.actor(call.user), **changes).changed, asset)


def edit_record(lib, asset_id: int, record: dict, user: str | None) -> Reply:
    """Save the edit form's values onto asset `asset_id` (fields left empty are cleared)."""
    record = {"description": "", "tags": [], "language": "", **record}
    with session_scope(lib.engine) as session:
        asset = find_asset(session, str(asset_id))
        return changed_reply(update(session, asset, lib.actor(user), **record).changed, asset)


# -- tags, stages, archive, verify ---------------------------------------------------------------------
def tag(lib, call, remove: bool = False) -> Reply:
    parsed = call.parsed
    if not parsed.words:
        raise CommandSyntaxError("give the asset id or URL, then the tags, e.g. tag 12 tags=persona:cfo")
    ref, *words = parsed.words
    tags = [t for t in map(normalise_tag, ",".join([parsed.options.get("tags", ""), *words]).split(",")) if t]
    if not tags:
        raise CommandSyntaxError("give the tags, e.g. tags=persona:cfo,industry:retail")
    with session_scope(lib.engine) as session:
        asset = find_asset(session, ref)
        current = list(asset.tags)
        if remove:
            missing = [t for t in tags if t not in current]
            if len(missing) == len(tags):
                return Reply([f"#{asset.id} has none of those tags (its tags: "
                              f"{', '.join(current) or 'none'}). Nothing was changed."])
            new = [t for t in current if t not in tags]
        else:
            new = current + [t for t in tags if t not in current]
        return changed_reply(update(session, asset, lib.actor(call.user), tags=new).changed, asset)


def untag(lib, call) -> Reply:
    return tag(lib, call, remove=True)


def stage(lib, call) -> Reply:
    words = call.parsed.words
    if len(words) < 2:
        raise CommandSyntaxError("give the asset and its stages, e.g. /content stage 12 decision,retention")
    ref, *names = words
    stages = parse_stages(",".join(names))
    if not stages:
        raise CommandSyntaxError("give at least one stage (or `all`), e.g. /content stage 12 decision,retention")
    with session_scope(lib.engine) as session:
        asset = find_asset(session, ref)
        return changed_reply(update(session, asset, lib.actor(call.user), stages=stages).changed, asset)


def _archive(lib, call, archived: bool) -> Reply:
    ref = one_ref(call.parsed.words)
    with session_scope(lib.engine) as session:
        asset = find_asset(session, ref)
        changed = set_archived(session, asset, archived, lib.actor(call.user))
    if not changed:
        return Reply([f"#{asset.id} is already {'archived' if archived else 'active'}; nothing changed."])
    verb = "Archived" if archived else "Restored"
    tail = " It is no longer recommended." if archived else " It is recommended again."
    return Reply([f"{verb} ", *named(asset), f".{tail}"], changed=True)


def archive(lib, call) -> Reply:
    return _archive(lib, call, True)


def restore(lib, call) -> Reply:
    return _archive(lib, call, False)


def verify_asset(lib, call) -> Reply:
    ref = one_ref(call.parsed.words)
    with session_scope(lib.engine) as session:
        asset = find_asset(session, ref)
        verify(session, asset, lib.actor(call.user))
    return Reply(["Marked ", *named(asset), " as reviewed today."], changed=True)


# -- the team's own content types -------------------------------------------------------------------
def add_type(lib, call) -> Reply:
    name = one_word(call.parsed.words, 'give the type\'s name once, and put a name or a value with spaces in double '
                                       'quotes: /content types add "Slide deck" stages=consideration,decision '
                                       'names="deck, pitch deck"')
    names = call.parsed.options.get("names", "").split(",")
    ct = content_types.create(lib.engine, name, call.parsed.options.get("stages", ""), names, lib.actor(call.user))
    stages = ", ".join(CANONICAL[s].label.lower() for s in ct.stages)
    also = f"; also accepted as {', '.join(ct.aliases)}" if ct.aliases else ""
    return Reply(["Added the content type ", strong(ct.label), " (", Code(ct.key), f") — usually {stages}{also}. "
                  "Assets of it can be added and imported now."], changed=True)


def remove_type(lib, call) -> Reply:
    key = one_word(call.parsed.words, "give the key of the team's type to remove (e.g. slide_deck)")
    ct = content_types.delete(lib.engine, key, lib.actor(call.user))
    return Reply(["Removed the content type ", strong(ct.label), " (", Code(ct.key), ")."], changed=True)
