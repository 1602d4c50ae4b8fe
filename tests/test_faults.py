"""Faults: the database going away and coming back, imports killed mid-way."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import PG_ADMIN_URL, postgres_url_or_skip
from slack_harness import start_harness
from slack_standin import BOT_USER
from sqlalchemy import create_engine, text

from content_library.db import make_engine, migrate, normalise_url

ASK = "CFO asked for pricing and an ROI model"


def set_connections(database: str, allowed: bool) -> None:
    admin = create_engine(normalise_url(PG_ADMIN_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS {"true" if allowed else "false"}'))
        if not allowed:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": database})
    admin.dispose()


def test_database_outage_gets_a_clear_answer_and_service_resumes(tmp_path, e5, sample_records):
    url = postgres_url_or_skip()
    database = url.rsplit("/", 1)[1]
    bot = start_harness(tmp_path, url, e5, sample_records)
    try:
        set_connections(database, False)
        reply = bot.slack.command(ASK, response_url=bot.standin.response_url("down"))
        assert reply.status == 200 and "Looking for content" in reply.body
        note = bot.standin.wait_for("/respond/down")[0].body["text"]
        assert note.startswith("The content library is unavailable right now; please try again shortly")
        event = {"type": "app_mention", "user": "U0REP", "channel": "C0SALES", "ts": "1700000200.000100",
                 "text": f"<@{BOT_USER}> {ASK}"}
        assert bot.slack.event(event, event_id="Ev0DOWN").status == 200
        told = bot.standin.wait_for("/api/chat.postMessage")[0].body
        assert "unavailable" in told["text"] and told["thread_ts"] == "1700000200.000100"
        set_connections(database, True)
        bot.slack.command(ASK, response_url=bot.standin.response_url("up"))
        answer = bot.standin.wait_for("/respond/up")[0].body
        assert "*Stage:* Decision" in json.dumps(answer["blocks"])
    finally:
        set_connections(database, True)
        bot.close()


def big_csv(path, rows: int) -> None:
    lines = ["title,url,description,content_type,stages,tags,language"]
    for i in range(rows):
        lines.append(f"Synthetic guide {i},https://bulk.example/{i},A long description of guide {i} "
                     f"{'about routing and dispatch ' * 8},how_to_guide,awareness,bulk;t{i % 7},en")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_an_import_killed_at_any_moment_leaves_all_or_nothing(tmp_path, backend):
    url = f"sqlite:///{tmp_path / 'j.db'}" if backend == "sqlite" else postgres_url_or_skip()
    engine = make_engine(url)
    migrate(engine)
    rows = 4000
    source = tmp_path / "bulk.csv"
    big_csv(source, rows)
    env = {**os.environ, "DATABASE_URL": url, "JOURNEYBOT_DATA_DIR": str(tmp_path / "data")}
    for delay in (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 6.0):
        process = subprocess.Popen([sys.executable, "-m", "bot", "library", "import", str(source)], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait()
        with engine.connect() as conn:
            count = conn.execute(text("select count(*) from assets")).scalar_one()
            versions = conn.execute(text("select count(*) from audit_log")).scalar_one()
        assert count in (0, rows), f"killed after {delay}s: {count} of {rows} rows"
        assert versions == count  # the audit entries went in (or not) with the rows
        if count == rows:
            break
    engine.dispose()
