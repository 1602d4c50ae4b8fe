"""Talking to Slack's Web API and to response URLs with retries, and logging what finally fails."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.webhook import WebhookClient

log = logging.getLogger(__name__)
TIMEOUT_S = 10


def retry_handlers() -> list[RetryHandler]:
    """Connection errors and 5xx: retried with exponential backoff; 429: after its Retry-After."""
    return [
        ConnectionErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=3),
        ServerErrorRetryHandler(max_retry_count=2),
    ]


def web_client(token: str | None, base_url: str) -> WebClient:
    return WebClient(token=token, base_url=base_url, timeout=TIMEOUT_S, retry_handlers=retry_handlers())


class UndeliveredError(RuntimeError):
    """A response URL refused a message even after retries (it was logged with the reason)."""


def respond(response_url: str, message: dict, *, response_type: str = "ephemeral",
            replace_original: bool | None = None) -> None:
    """Send a message to a response URL. Raises UndeliveredError (after logging why) when Slack
    will not take it, so the caller's error handling knows; never fails silently."""
    client = WebhookClient(response_url, timeout=TIMEOUT_S, retry_handlers=retry_handlers())
    body = {"response_type": response_type, **message}
    if replace_original is not None:
        body["replace_original"] = replace_original
    try:
        response = client.send_dict(body)
    except Exception as exc:  # network failure after the retries
        log.error("message not delivered to the response URL: %s: %s", type(exc).__name__, exc)
        raise UndeliveredError(f"{type(exc).__name__}: {exc}") from exc
    if response.status_code != 200:
        reason = f"HTTP {response.status_code}: {str(response.body)[:200]}"
        log.error("message not delivered to the response URL: %s", reason)
        raise UndeliveredError(reason)
