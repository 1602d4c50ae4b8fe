"""The bolt app factory: one App, its middleware, one global error handler, and the listeners."""

from __future__ import annotations

import logging
import uuid
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App, BoltResponse
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import OperationalError

from bot.app.asks import StaleAnswer
from bot.app.runtime import NotReady, Runtime
from bot.slack import listeners
from bot.slack.blocks import notice_blocks, to_dicts
from bot.slack.delivery import UndeliveredError, respond, web_client
from bot.slack.permissions import Marketers
from recommender.query import EmptyQuery

log = logging.getLogger(__name__)
NOT_A_MEMBER = ("not_in_channel", "channel_not_found", "is_archived")
# Listeners ack first, then work. Enough threads that a burst of asks never waits for a free thread
# to be acknowledged (the work itself is serialised by the recommender; waiting threads cost little).
LISTENER_THREADS = 48


class Services:
    """The use cases the listeners call, built once per process by the wiring."""

    def __init__(self, runtime: Runtime, marketers: Marketers):
        self.asks = runtime.asks
        self.marketers = marketers
        self.content = runtime.content(marketers)
        self.deliveries = runtime.deliveries
        self.framework = runtime.framework

    def claim(self, key: str) -> bool:
        """True for the first delivery of an event (or message) across every process."""
        return self.deliveries.first(key)


def create_app(runtime: Runtime, *, socket_mode: bool = False) -> App:
    config = runtime.slack_config()
    app = App(
        token=config.bot_token,
        signing_secret=config.signing_secret,
        client=web_client(config.bot_token, config.api_url),
        process_before_response=False,
        request_verification_enabled=not socket_mode,
        listener_executor=ThreadPoolExecutor(max_workers=LISTENER_THREADS,
                                             thread_name_prefix="journeybot-listener"),
        logger=logging.getLogger("journeybot.slack"),
    )

    services = Services(runtime, Marketers(config.marketer_user_ids, config.marketer_usergroup, app.client))

    @app.middleware
    def answer_each_event_once(body, next):
        """Slack re-sends an event it thinks failed (X-Slack-Retry-Num); the first taker answers it."""
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not services.claim(f"event:{event_id}"):
            log.info("event %s was already taken; this delivery is a retry", event_id)
            return BoltResponse(status=200, body="")
        return next()

    @app.error
    def tell_the_user(error, body, client):
        reference, text = user_message(error)
        tell(client, body, text)
        return BoltResponse(status=200, body="")

    listeners.register(app, services)
    return app


def user_message(error: Exception) -> tuple[str | None, str]:
    """What the user is told about an error (and the log), with a reference for unexpected ones."""
    if isinstance(error, EmptyQuery):
        return None, f"Please {error}."
    if isinstance(error, StaleAnswer):
        log.info("stale answer: %s", error)
        return None, f"Sorry, {error}. Ask again with `/journey` and a description of the prospect."
    if isinstance(error, NotReady):
        log.warning("asked before the model and library were loaded")
        return None, "journeybot is still starting up. Please try again in a minute."
    if isinstance(error, SlackApiError) and error.response.get("error") in NOT_A_MEMBER:
        log.info("cannot post: %s", error.response.get("error"))
        return None, "I can't post in this conversation yet. Invite me with `/invite @journeybot` and try again."
    reference = uuid.uuid4().hex[:8].upper()
    if isinstance(error, OperationalError):
        log.error("database unavailable [ref %s]", reference, exc_info=error)
        return reference, (f"The content library is unavailable right now; please try again shortly. "
                           f"(reference {reference})")
    log.error("unexpected error [ref %s]", reference, exc_info=error)
    return reference, (f"Sorry, something went wrong on my side (reference {reference}). Please try again; "
                       "if it keeps happening, give this reference to whoever runs journeybot.")


def tell(client, body: dict, text: str) -> None:
    """Tell the user who triggered `body`, wherever they are: the response URL of a command, button
    or shortcut; the thread of a mention or DM. Failing that, the log says who was not told."""
    message = {"text": text, "blocks": to_dicts(notice_blocks(text))}
    try:
        if body.get("response_url"):
            respond(body["response_url"], message, replace_original=False)
            return
        event = body.get("event") or {}
        if event.get("channel") and event.get("type") in ("app_mention", "message"):
            client.chat_postMessage(channel=event["channel"], thread_ts=event.get("thread_ts") or event.get("ts"),
                                    **message)
            return
    except (UndeliveredError, SlackApiError, OSError) as exc:
        log.error("could not tell the user about an error: %s", exc)
        return
    log.error("no way to tell the user about an error for a %s request", body.get("type") or "Slack")
