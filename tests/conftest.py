"""Shared fixtures. Database tests run on SQLite and, when a server answers, on PostgreSQL.

The Postgres half uses the server named by JOURNEYBOT_TEST_PG, else by DATABASE_URL when that is a
postgresql:// URL, else postgresql://127.0.0.1:5432/postgres (trust auth); each test gets a fresh
database there (the role needs CREATEDB). Without a server the Postgres tests are skipped with a warning, except
under CI (CI=true), where that is an error.
"""

from __future__ import annotations

import os
import uuid
import warnings
import zlib
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import create_engine, make_url, text

from content_library.db import make_engine, migrate, normalise_url
from content_library.files import SAMPLE_LIBRARY, import_records, read_file
from content_library.vocabulary import install_team_types
from recommender.embedder import load_embedder

_given = os.environ.get("DATABASE_URL", "")
PG_ADMIN_URL = os.environ.get("JOURNEYBOT_TEST_PG") or (
    _given if _given.startswith(("postgresql", "postgres:")) else "postgresql://127.0.0.1:5432/postgres")
_pg_state: dict[str, object] = {}


def _postgres_admin():
    if "engine" not in _pg_state:
        engine = create_engine(normalise_url(PG_ADMIN_URL), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text("select 1"))
            _pg_state["engine"] = engine
        except Exception as exc:  # any failure to connect means "no server here"
            _pg_state["engine"] = None
            _pg_state["reason"] = f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}"
    return _pg_state["engine"]


def postgres_url_or_skip() -> str:
    admin = _postgres_admin()
    if admin is None:
        message = f"PostgreSQL not reachable at {PG_ADMIN_URL} ({_pg_state['reason']})"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; CI must run the Postgres tests")
        warnings.warn(message + "; skipping the Postgres tests", stacklevel=2)
        pytest.skip(message)
    name = f"jb_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    _pg_state.setdefault("databases", []).append(name)
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def pytest_sessionfinish(session, exitstatus):
    admin = _pg_state.get("engine")
    for name in _pg_state.get("databases", []):
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'journeybot.db'}"
    return postgres_url_or_skip()


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def sample_records():
    return read_file(SAMPLE_LIBRARY)


@pytest.fixture
def seeded_engine(engine, sample_records):
    import_records(engine, sample_records, "test")
    return engine


class FakeEmbedder:
    """Deterministic stand-in for tests that exercise the index, not the model: hashed character
    trigrams into a fixed-size vector, so similar texts get similar vectors."""

    def __init__(self, dim: int = 64, model_id: str = "fake:trigram-64"):
        self.dim, self.model_id = dim, model_id
        self.calls = 0

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        t = f"  {text.lower()}  "
        for i in range(len(t) - 2):
            v[zlib.crc32(t[i:i + 3].encode()) % self.dim] += 1.0
        n = np.linalg.norm(v)
        return v / n if n else v

    def embed_queries(self, texts):
        self.calls += len(texts)
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    embed_documents = embed_queries


@pytest.fixture
def fake_embedder():
    return FakeEmbedder()


@pytest.fixture(scope="session")
def e5():
    return load_embedder("e5")


@pytest.fixture(params=["sqlite", "postgres"])
def cli_env(request, tmp_path, monkeypatch) -> Path:
    """Point the CLI at a fresh data directory and a fresh database (SQLite, then PostgreSQL)."""
    data = tmp_path / "data"
    monkeypatch.setenv("JOURNEYBOT_DATA_DIR", str(data))
    if request.param == "postgres":
        monkeypatch.setenv("DATABASE_URL", postgres_url_or_skip())
    else:
        monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    return data


@pytest.fixture(autouse=True)
def _shipped_vocabulary_only():
    """Team content types live in the database; a test that defined some leaves the process's
    vocabulary as shipped (the next reader of a database loads its own)."""
    yield
    install_team_types(())
