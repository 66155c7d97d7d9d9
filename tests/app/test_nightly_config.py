"""The nightly configuration and horizon: every mistake named by its key at once, the days of a night
worked out from the week they belong to."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import DATA
from lean_social.app.nightly.config import read_config
from lean_social.app.nightly.horizon import NightPlan, horizon_days
from lean_social.errors import InvalidInputError


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "tiny").symlink_to(DATA / "tiny")
    path = tmp_path / "nightly.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_config_is_read_with_paths_relative_to_it(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
out = "plans"
horizon = "next-week"
time_limit = 20
reproducible = true
outputs = ["maps", "sheets"]
lang = "en"
workers = 2

[[centre]]
name = "tiny"
data = "tiny"
departments = ["D1"]
""",
    )
    config = read_config(path)
    assert config.out == tmp_path / "plans"
    assert config.horizon == "next-week" and config.time_limit == 20.0 and config.reproducible
    assert config.outputs == {"maps", "sheets"} and config.lang == "en" and config.workers == 2
    assert [(c.name, c.data, c.departments) for c in config.centres] == [("tiny", tmp_path / "tiny", ("D1",))]


def test_every_mistake_is_named_by_its_key_at_once(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
horizon = "someday"
time_limit = -1
outputs = ["maps", "pdf"]
lang = "de"
workers = 0
colour = "red"

[[centre]]
name = "tiny"
data = "nowhere"

[[centre]]
name = "tiny"
data = "tiny"
departments = "D1"
""",
    )
    with pytest.raises(InvalidInputError) as info:
        read_config(path)
    keys = sorted(p.column or "" for p in info.value.problems)
    assert keys == sorted(
        [
            "out",
            "horizon",
            "time_limit",
            "outputs",
            "lang",
            "workers",
            "colour",
            "centre[1].data",
            "centre[2].name",
            "centre[2].departments",
        ]
    )
    assert all(p.file == str(path) for p in info.value.problems)


def test_a_broken_file_is_one_clear_problem(tmp_path: Path) -> None:
    path = tmp_path / "nightly.toml"
    path.write_text("out = \n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="a TOML file"):
        read_config(path)
    with pytest.raises(InvalidInputError, match="a nightly configuration file"):
        read_config(tmp_path / "missing.toml")


def test_tomorrow_is_a_day_of_its_week() -> None:
    sunday = dt.date(2026, 12, 6)
    assert horizon_days("tomorrow", sunday) == [
        NightPlan(week=dt.date(2026, 12, 7), days=(dt.date(2026, 12, 7),), from_date=dt.date(2026, 12, 7))
    ]
    tuesday = dt.date(2026, 12, 8)
    wednesday = dt.date(2026, 12, 9)
    assert horizon_days("tomorrow", tuesday) == [
        NightPlan(week=dt.date(2026, 12, 7), days=(wednesday,), from_date=wednesday)
    ]


def test_next_week_and_explicit_days() -> None:
    thursday = dt.date(2026, 12, 10)
    assert horizon_days("next-week", thursday) == [
        NightPlan(week=dt.date(2026, 12, 14), days=(), from_date=dt.date(2026, 12, 14))
    ]
    days = (dt.date(2026, 12, 15), dt.date(2026, 12, 8), dt.date(2026, 12, 9))
    assert horizon_days(days, thursday) == [
        NightPlan(
            week=dt.date(2026, 12, 7), days=(dt.date(2026, 12, 8), dt.date(2026, 12, 9)), from_date=dt.date(2026, 12, 8)
        ),
        NightPlan(week=dt.date(2026, 12, 14), days=(dt.date(2026, 12, 15),), from_date=dt.date(2026, 12, 15)),
    ]


def test_the_bundled_example_reads() -> None:
    config = read_config(DATA.parent.parent / "data" / "nightly.toml")
    assert config.horizon == "tomorrow" and config.centres
    assert all(c.data.is_dir() for c in config.centres)


def test_paths_are_the_configurations_whatever_folder_runs_the_night(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, 'out = "plans"\nstore = "history.sqlite"\n[[centre]]\nname = "tiny"\ndata = "tiny"\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    config = read_config(Path("..") / path.name)
    assert config.out == tmp_path.resolve() / "plans"
    assert config.store == str(tmp_path.resolve() / "history.sqlite")
    assert config.centres[0].data == tmp_path.resolve() / "tiny"


@pytest.mark.parametrize(
    ("centres", "key"),
    [
        ('[[centre]]\nname = "a/b"\ndata = "tiny"\n[[centre]]\nname = "a_b"\ndata = "tiny"\n', "centre[2].name"),
        ('[[centre]]\nname = "logs"\ndata = "tiny"\n', "centre[1].name"),
        ('[[centre]]\nname = "x"\ndata = "tiny"\ndepartments = ["D1", "D1"]\n', "centre[1].departments"),
    ],
)
def test_two_plans_never_share_a_folder(tmp_path: Path, centres: str, key: str) -> None:
    path = _write(tmp_path, 'out = "plans"\n' + centres)
    with pytest.raises(InvalidInputError) as info:
        read_config(path)
    assert [p.column for p in info.value.problems] == [key]


def test_true_is_not_a_time_limit(tmp_path: Path) -> None:
    path = _write(tmp_path, 'out = "plans"\ntime_limit = true\n[[centre]]\nname = "tiny"\ndata = "tiny"\n')
    with pytest.raises(InvalidInputError) as info:
        read_config(path)
    assert [p.column for p in info.value.problems] == ["time_limit"]
