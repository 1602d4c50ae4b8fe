"""The clock process: posts the weekly digest at DIGEST_CRON in DIGEST_TIMEZONE to DIGEST_CHANNEL.

`journeybot clock` runs it (the Procfile's `clock:` entry); cron or a platform scheduler can run
`journeybot digest --post CHANNEL` instead. Several clock processes are safe: the digest-runs table
lets one post per channel and week.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

log = logging.getLogger(__name__)


class ScheduleError(ValueError):
    pass


CRON_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


def cron_weekdays(field: str) -> str:
    """A crontab day-of-week field (0 or 7 = Sunday) in weekday names: APScheduler 3 reads numbers
    as 0 = Monday, so `0 9 * * 1` would otherwise run on Tuesdays (agronholm/apscheduler#286)."""
    return re.sub(r"(?<![/\w])([0-7])(?!\w)", lambda m: CRON_WEEKDAYS[int(m.group(1))], field)


def trigger(cron: str, timezone: str) -> CronTrigger:
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ScheduleError(f"DIGEST_TIMEZONE={timezone!r} is not a time zone such as Europe/Berlin or UTC") from exc
    fields = cron.split()
    if len(fields) == 5:
        fields[4] = cron_weekdays(fields[4])
    try:
        return CronTrigger.from_crontab(" ".join(fields), timezone=zone)
    except ValueError as exc:
        raise ScheduleError(f"DIGEST_CRON={cron!r} is not a crontab line such as '0 9 * * 1' "
                            f"(minute hour day month weekday): {exc}") from exc


def next_run(cron: str, timezone: str, now: datetime) -> datetime:
    """When the digest is posted next after `now` (an aware datetime)."""
    return trigger(cron, timezone).get_next_fire_time(None, now)


def run_clock(digests, client, channel: str, cron: str, timezone: str) -> None:
    """Post `digests` to `channel` at `cron` in `timezone`, forever."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    from bot.app.digest import AlreadyPosted
    from bot.slack.digest import deliverer

    def job() -> None:
        try:
            digests.post_once(channel, deliverer(client, channel))
        except AlreadyPosted as exc:
            log.info("%s", exc)
        except Exception:
            log.exception("the weekly digest could not be posted to %s; the next run tries again", channel)

    scheduler = BlockingScheduler()
    scheduler.add_job(job, trigger(cron, timezone), id="weekly-digest", misfire_grace_time=3600, coalesce=True)
    log.warning("clock: the digest goes to %s at %r (%s); next: %s", channel, cron, timezone,
                next_run(cron, timezone, datetime.now(ZoneInfo(timezone))))
    scheduler.start()
