"""Use-case results as Slack sees them: rich text as escaped mrkdwn, a `/content` reply as a
message (with the list's page buttons), the asset form as a modal."""

from __future__ import annotations

from bot.app.content.reply import AssetForm, ListPage, Reply
from bot.app.text import Code, Em, Link, Mention, Rich, Strong
from bot.slack import ids
from bot.slack.blocks import actions, button, section
from bot.slack.buttons import ListPageValue
from bot.slack.modals import asset_modal
from bot.slack.mrkdwn import escape, link

SECTION_LIMIT = 3000


def mrkdwn(rich: Rich) -> str:
    out = []
    for span in rich:
        if isinstance(span, str):
            out.append(escape(span))
        elif isinstance(span, Strong):
            out.append(f"*{mrkdwn(list(span.parts))}*")
        elif isinstance(span, Em):
            out.append(f"_{escape(span.text)}_")
        elif isinstance(span, Code):
            out.append(f"`{escape(span.text)}`")
        elif isinstance(span, Link):
            out.append(link(span.url, span.label, span.limit))
        elif isinstance(span, Mention):
            out.append(f"<!subteam^{span.id}>" if span.group else f"<@{span.id}>")
    return "".join(out)


def reply_message(reply: Reply) -> dict:
    """The reply as a message: a list page with its buttons, else its text in sections of at most
    3,000 characters."""
    text = mrkdwn(reply.text)
    if reply.page:
        return {"text": text[:SECTION_LIMIT], "blocks": list_blocks(reply.page)}
    chunks, current = [], ""
    for line in text.splitlines():
        line = line[:SECTION_LIMIT]
        if len(current) + len(line) + 1 > SECTION_LIMIT:
            chunks.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    chunks.append(current or " ")
    return {"text": text[:SECTION_LIMIT], "blocks": [section({"type": "mrkdwn", "text": c}) for c in chunks[:45]]}


def list_blocks(page: ListPage) -> list[dict]:
    blocks = [section({"type": "mrkdwn", "text": mrkdwn(page.head)}),
              section({"type": "mrkdwn", "text": mrkdwn(page.lines)})]
    buttons = []
    for label, target in (("◀ Previous", page.page - 1), ("Next ▶", page.page + 1)):
        if 1 <= target <= page.pages:
            value = ListPageValue(page.stage, page.content_type, page.tag, target).encode()
            buttons.append(button(label, f"{ids.CONTENT_PAGE}_{'prev' if target < page.page else 'next'}", value))
    if buttons:
        blocks.append(actions(buttons))
    return blocks


def form_modal(form: AssetForm) -> dict:
    if form.kind == "edit":
        return asset_modal(ids.EDIT_ASSET_VIEW, form.values, {"channel": form.channel, "asset_id": form.asset_id},
                           heading=f"Edit #{form.asset_id}")
    return asset_modal(ids.ADD_ASSET_VIEW, form.values, {"channel": form.channel}, heading="Add content",
                       note=form.note, suggest_on_enter=True, revision=form.revision)
