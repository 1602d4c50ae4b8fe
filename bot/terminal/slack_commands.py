"""`journeybot start`, `serve`, `socket`, `digest` and `clock`: the Slack bot and the weekly digest."""

from __future__ import annotations

import re
from datetime import timedelta

import click

from bot.terminal.ask_commands import chat
from bot.terminal.options import Failure, runtime
from bot.terminal.render import render_digest


def _slack_app(ctx, socket_mode: bool):
    from slack_bolt.error import BoltError

    from bot.slack.app import create_app

    config = runtime(ctx).slack_config()
    missing = [name for name, value in (("SLACK_BOT_TOKEN", config.bot_token),
                                         ("SLACK_APP_TOKEN" if socket_mode else "SLACK_SIGNING_SECRET",
                                          config.app_token if socket_mode else config.signing_secret))
               if not value]
    if missing:
        raise Failure(f"set {' and '.join(missing)} (see README: Slack set-up)")
    try:
        return create_app(runtime(ctx), socket_mode=socket_mode)
    except BoltError as exc:
        raise Failure(f"Slack refused the bot token: {exc}") from exc


@click.command()
@click.option("--port", type=click.IntRange(1, 65535), help="Port to listen on (default: $PORT, else 3000).")
@click.option("--host", default="0.0.0.0", show_default=True, help="Interface to listen on.")
@click.pass_context
def serve(ctx, port: int | None, host: str) -> None:
    """HTTP mode: Slack sends commands, events and interactivity to POST /slack/events."""
    from bot.slack.server import EVENTS_PATH, create_server

    rt = runtime(ctx)
    config = rt.slack_config()
    app = _slack_app(ctx, socket_mode=False)
    server = create_server(app, rt, host, port or config.port, config.web_threads)
    rt.load_in_background()
    click.echo(f"journeybot listening on http://{host}:{server.effective_port}{EVENTS_PATH} "
               f"({config.web_threads} threads); GET /healthz says when it is ready.", err=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


@click.command()
@click.pass_context
def socket(ctx) -> None:
    """Socket Mode: no public URL needed (SLACK_APP_TOKEN, an xapp- token)."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    rt = runtime(ctx)
    app = _slack_app(ctx, socket_mode=True)
    rt.load_in_background()
    click.echo("journeybot connecting to Slack in Socket Mode…", err=True)
    SocketModeHandler(app, rt.slack_config().app_token).start()


@click.command()
@click.pass_context
def start(ctx) -> None:
    """The main job: Socket Mode when SLACK_BOT_TOKEN and SLACK_APP_TOKEN are set, HTTP when
    SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are, the local console otherwise."""
    config = runtime(ctx).slack_config()
    if config.bot_token and config.app_token:
        ctx.invoke(socket)
    elif config.bot_token and config.signing_secret:
        ctx.invoke(serve)
    else:
        if config.bot_token:
            click.echo("SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET "
                       "(HTTP); starting the local console.", err=True)
        ctx.invoke(chat)


# -- digest ---------------------------------------------------------------------------------------------
def _since(value: str) -> timedelta:
    match = re.fullmatch(r"\s*(\d{1,4})\s*([dw])\s*", value or "")
    if not match or int(match.group(1)) == 0:
        raise Failure(f"--since {value!r}: give a number of days or weeks, e.g. 7d or 2w")
    n = int(match.group(1))
    return timedelta(days=n * (7 if match.group(2) == "w" else 1))


@click.command()
@click.option("--since", "since", default="7d", show_default=True, help="The period: 7d, 14d, 2w, …")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text",
              show_default=True)
@click.option("--post", "channel", metavar="CHANNEL", help="Post it to this Slack channel (id or #name) instead.")
@click.option("--force", is_flag=True, help="With --post: post again even if this week's digest is there.")
@click.pass_context
def digest(ctx, since: str, fmt: str, channel: str | None, force: bool) -> None:
    """The content-gap digest: supply, demand and library health per journey stage."""
    from bot.app.digest import AlreadyPosted

    period = _since(since)
    rt = runtime(ctx)
    if not channel:
        click.echo(render_digest(rt.digests.make(period), fmt))
        return
    config = rt.slack_config()
    if not config.bot_token:
        raise Failure("set SLACK_BOT_TOKEN to post the digest (or leave out --post to print it)")
    from slack_sdk.errors import SlackApiError

    from bot.slack.delivery import web_client
    from bot.slack.digest import deliverer

    target = channel.lstrip("#")
    try:
        ts = rt.digests.post_once(target, deliverer(web_client(config.bot_token, config.api_url), target),
                                  force=force, since=period)
    except AlreadyPosted as exc:
        click.echo(f"Nothing posted: {exc}.")
        return
    except SlackApiError as exc:
        raise Failure(f"Slack refused the digest: {exc.response.get('error')}") from exc
    click.echo(f"Digest posted to {channel} (message {ts}).")


@click.command()
@click.pass_context
def clock(ctx) -> None:
    """Post the weekly digest on schedule: DIGEST_CRON in DIGEST_TIMEZONE to DIGEST_CHANNEL."""
    from bot.slack.clock import ScheduleError, run_clock, trigger
    from bot.slack.delivery import web_client

    rt = runtime(ctx)
    schedule, config = rt.digest_schedule(), rt.slack_config()
    if not schedule.channel or not config.bot_token:
        raise Failure("set DIGEST_CHANNEL and SLACK_BOT_TOKEN for the clock process")
    try:
        trigger(schedule.cron, schedule.timezone)
    except ScheduleError as exc:
        raise Failure(str(exc)) from exc
    run_clock(rt.digests, web_client(config.bot_token, config.api_url), schedule.channel.lstrip("#"),
              schedule.cron, schedule.timezone)
