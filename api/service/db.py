"""The database: tables (SQLAlchemy 2), engines with SQLite's WAL mode, and `upgrade` to the newest schema."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, ClassVar

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    make_url,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"


def utcnow() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC)


def as_utc(instant: datetime | None) -> datetime | None:
    """An instant read back from the database, marked UTC (SQLite drops the offset). An instant given
    with an offset that has no UTC form in the calendar (`9999-12-31T23:59:59-23:59`) is returned as
    given: it equals no stored instant, and compares with them without overflow."""
    if instant is None:
        return None
    if instant.tzinfo is None:
        return instant.replace(tzinfo=UTC)
    try:
        return instant.astimezone(UTC)
    except OverflowError:
        return instant


class Base(DeclarativeBase):
    """Base of every table."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON,
        list[Any]: JSON,
        datetime: DateTime(timezone=True),
    }


class TokenRow(Base):
    """An access token: only the SHA-256 of its secret is kept."""

    __tablename__ = "tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    teams: Mapped[list[Any]]
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class TeamRow(Base):
    """A team's settings (the team mapping without its agents)."""

    __tablename__ = "teams"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    settings: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class AgentRow(Base):
    """One agent of a team (its mapping as in the team file)."""

    __tablename__ = "agents"
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    agent_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    spec: Mapped[dict[str, Any]]


class AvailabilityRow(Base):
    """One availability row of an agent; `natural_key` makes a re-import harmless."""

    __tablename__ = "availability"
    __table_args__ = (UniqueConstraint("team_id", "natural_key", name="uq_availability_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    agent_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    on_date: Mapped[date | None] = mapped_column(Date)
    weekday: Mapped[int | None] = mapped_column(Integer)
    start_minute: Mapped[int] = mapped_column(Integer)
    end_minute: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    natural_key: Mapped[str] = mapped_column(String(400))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("availability_imports.id", ondelete="SET NULL"))


class ImportRow(Base):
    """One stored availability import and what it changed."""

    __tablename__ = "availability_imports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    mode: Mapped[str] = mapped_column(String(16))
    rows: Mapped[int] = mapped_column(Integer)
    added: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)
    removed: Mapped[int] = mapped_column(Integer)
    token_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
    # the rows it added and removed, as the availability is listed (the first `storage.MAX_ROWS_LOGGED`
    # of each): once removed they are nowhere else
    added_rows: Mapped[list[Any]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    removed_rows: Mapped[list[Any]] = mapped_column(JSON, default=list, server_default=text("'[]'"))


class DatasetRow(Base):
    """A stored frame of a team: contact history, a forecast or requirements (gzip CSV)."""

    __tablename__ = "datasets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[int | None] = mapped_column(Integer)
    meta: Mapped[dict[str, Any]]
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]


class JobRow(Base):
    """A roster solve: its request, state and progress."""

    __tablename__ = "jobs"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), index=True)
    params: Mapped[dict[str, Any]]
    objective: Mapped[float | None] = mapped_column(Float)
    bound: Mapped[float | None] = mapped_column(Float)
    elapsed_s: Mapped[float | None] = mapped_column(Float)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    version_id: Mapped[int | None] = mapped_column(Integer)
    scenario_id: Mapped[int | None] = mapped_column(Integer)
    progress: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # what an import job stored: its report, or the id of the stored frame
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    token_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class UploadRow(Base):
    """The file of an import job, kept until the job ends (and, if the service stopped under it, for a retry)."""

    __tablename__ = "job_uploads"
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class RosterVersionRow(Base):
    """A finished roster, numbered per team, with everything its report and exports need."""

    __tablename__ = "roster_versions"
    __table_args__ = (UniqueConstraint("team_id", "number", name="uq_roster_version_number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    first_day: Mapped[date] = mapped_column(Date)
    job_id: Mapped[str | None] = mapped_column(String(32))
    based_on: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    objective: Mapped[float | None] = mapped_column(Float)
    bound: Mapped[float | None] = mapped_column(Float)
    elapsed_s: Mapped[float | None] = mapped_column(Float)
    penalties: Mapped[dict[str, Any]]
    summary: Mapped[dict[str, Any]]
    team_snapshot: Mapped[dict[str, Any]]
    availability_snapshot: Mapped[list[Any]]
    requirements_id: Mapped[int] = mapped_column(Integer)
    shifts: Mapped[list[Any]]
    coverage: Mapped[list[Any]]
    pins: Mapped[list[Any]]
    # a re-roster: the agent-days changed from the base version (scheduler.roster.report.roster_changes)
    changes: Mapped[list[Any]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    # the lead's report as `wfm roster` gives it (api.lead_report): summary lines, Markdown, the
    # stretches where service suffers with who could cover them, queue stretches per shift
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    created_at: Mapped[datetime]
    published_at: Mapped[datetime | None]
    published_by: Mapped[int | None] = mapped_column(Integer)


class ScenarioRow(Base):
    """A what-if comparison: the request and its table (base first), made at once or by a job."""

    __tablename__ = "scenario_results"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    job_id: Mapped[str | None] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(200))
    depth: Mapped[str] = mapped_column(String(16))
    request: Mapped[dict[str, Any]]
    rows: Mapped[list[Any]]
    token_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]


# SQLAlchemy's own pool defaults, for the command line and the job workers (one request at a time)
POOL_SIZE = 5
POOL_OVERFLOW = 10
POOL_TIMEOUT_S = 30.0


def make_engine(
    database_url: str,
    *,
    pool_size: int = POOL_SIZE,
    pool_overflow: int = POOL_OVERFLOW,
    pool_timeout_s: float = POOL_TIMEOUT_S,
) -> Engine:
    """An engine; on SQLite with WAL, a busy timeout and foreign keys, usable from many processes. Its
    pool keeps `pool_size` connections, opens up to `pool_overflow` more while they are all in use, and
    past that a checkout waits `pool_timeout_s` before `sqlalchemy.exc.TimeoutError`."""
    is_sqlite = database_url.startswith("sqlite")
    # an in-memory SQLite database lives in one connection: its pool is not a queue to size
    in_memory = is_sqlite and make_url(database_url).database in (None, "", ":memory:")
    pooling: dict[str, Any] = (
        {}
        if in_memory
        else {"pool_size": pool_size, "max_overflow": pool_overflow, "pool_timeout": pool_timeout_s}
    )
    engine = create_engine(
        database_url,
        connect_args={"check_same_thread": False, "timeout": 30} if is_sqlite else {},
        pool_pre_ping=not is_sqlite,
        **pooling,
    )
    if is_sqlite:

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to `engine`; objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work is committed as one transaction, or rolled back whole on any error."""
    with factory() as session, session.begin():
        yield session


def alembic_config() -> Config:
    """The Alembic configuration of the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine) -> None:
    """Bring the database's schema to the newest migration (`alembic upgrade head`)."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
