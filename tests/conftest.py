"""Shared fixtures: small named instances in tests/data, and a builder for problems made in code."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from lean_social import (
    Client,
    Location,
    Lunch,
    Problem,
    ProgrammeItem,
    Service,
    TimeWindow,
    WeeklyPattern,
    Worker,
    read_folder,
)
from lean_social.domain.timefmt import parse_hhmm
from postgres_server import PostgresServer, postgres_server

DATA = Path(__file__).parent / "data"
#: Units of search work per visit for planners in tests: a count, never a time, so that no test depends on
#: how fast or how busy the machine is; coverage comes from the construction, the search only polishes.
WORK = 10
DEMO = Path(__file__).parent.parent / "data" / "volgodonsk"


def window(text: str) -> TimeWindow:
    start, end = text.split("-")
    return TimeWindow(start=parse_hhmm(start), end=parse_hhmm(end))


def weekdays(text: str, days: Iterable[int] = range(5)) -> WeeklyPattern:
    return WeeklyPattern.every_weekday(window(text), days=days)


SERVICES = (
    Service(code="FOOD", name="groceries", norm_min=40, errand="shop"),
    Service(code="DISH", name="dishes", norm_min=10),
    Service(code="BP", name="blood pressure", norm_min=15, skill="nurse"),
)


def worker(
    ident: str,
    *,
    lat: float = 47.514,
    lon: float = 42.153,
    shift: str = "08:00-17:00",
    lunch: str | None = "12:00-14:00",
    lunch_min: int = 45,
    skills: Iterable[str] = (),
    mode: str = "foot",
    max_visits: int | None = None,
    department: str = "D1",
) -> Worker:
    return Worker(
        id=ident,
        name=ident,
        department=department,
        start=Location(lat=lat, lon=lon),
        shift=weekdays(shift),
        lunch=Lunch(window=window(lunch), duration_min=lunch_min) if lunch else None,
        skills=frozenset(skills),
        mode=mode,
        max_visits_per_day=max_visits,
    )  # type: ignore[arg-type]


def client(
    ident: str,
    *,
    lat: float,
    lon: float,
    available: str = "09:00-18:00",
    worker_id: str | None = None,
    department: str = "D1",
) -> Client:
    return Client(
        id=ident,
        name=f"name {ident}",
        address=f"street {ident}",
        location=Location(lat=lat, lon=lon),
        department=department,
        available=weekdays(available),
        worker_id=worker_id,
    )


def every_monday(client_id: str, *codes: str) -> list[ProgrammeItem]:
    return [ProgrammeItem(client_id=client_id, service_code=c, times=1, per="week", days=(0,)) for c in codes]


def problem(
    clients: Iterable[Client],
    workers: Iterable[Worker],
    programmes: Iterable[ProgrammeItem],
    **kwargs: object,
) -> Problem:
    return Problem(
        services=SERVICES,
        clients=tuple(clients),
        workers=tuple(workers),
        programmes=tuple(programmes),
        **kwargs,
    )  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def tiny() -> Problem:
    return read_folder(DATA / "tiny")


@pytest.fixture(scope="session")
def demo() -> Problem:
    return read_folder(DEMO)


# The benchmark's independent evaluator is imported by the engine's regression test.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The data folder's generators (generate_observations, generate_district, ...) are imported by name.
sys.path.insert(0, str(DEMO.parent))


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server on loopback for the session (``postgres_server``); a test takes a fresh
    database of it with ``postgres.create_database()``."""
    with postgres_server() as server:
        yield server
