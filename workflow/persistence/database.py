"""Engine and session creation. Nothing connects at import time."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def normalise_url(url: str) -> str:
    """Plain ``postgresql://`` means psycopg 3 here (the only driver installed)."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling defers BEGIN; take control so that a
        # unit of work is one real transaction (BEGIN IMMEDIATE serialises writers).
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        return engine
    kwargs.setdefault("pool_size", 10)
    # No JIT compilation: it pays off for long analytical queries, but the app's queries
    # are short, and the planner's estimate for a filtered caseload over a million cases
    # crossed jit_above_cost: 200 of its 430 ms went to compiling it (bench/web.py).
    connect_args = dict(kwargs.pop("connect_args", {}))
    connect_args.setdefault("options", "-c jit=off")
    kwargs["connect_args"] = connect_args
    # Connections older than this are replaced, so none outlives a server-side timeout.
    kwargs.setdefault("pool_recycle", 1800)
    engine = create_engine(url, **kwargs)
    # Instead of a pre-ping on every checkout (a round trip per transaction), ping only a
    # connection that sat idle in the pool for a while, when a restart of the server may
    # have broken it unnoticed. A connection that breaks in use is invalidated by
    # SQLAlchemy and the caller sees the error once: the web answers an error page,
    # a worker hands the message back (workflow.delivery.DeliveryNotRecorded).
    event.listen(engine, "checkin", _note_checkin)
    event.listen(engine, "checkout", _ping_if_idle)
    return engine


#: A pooled connection idle longer than this is pinged before use.
IDLE_PING_SECONDS = 10.0


def _note_checkin(_dbapi_connection: Any, record: Any) -> None:
    record.info["checked_in_at"] = time.monotonic()


def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    checked_in = record.info.get("checked_in_at")
    if checked_in is None or time.monotonic() - checked_in < IDLE_PING_SECONDS:
        return
    try:
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
        dbapi_connection.rollback()  # leave no transaction open behind the pool's back
    except Exception as error:  # noqa: BLE001 - any failure means: get a fresh connection
        # The pool discards this connection and retries the checkout with a new one.
        raise exc.DisconnectionError(f"idle connection is gone: {error}") from error


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)
