"""places.csv: the shops, pharmacies and post offices for errands on the way (``domain.errands``);
optional, and checked like every other file, every problem at once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import DATA
from lean_social import InvalidInputError, Location, read_folder
from lean_social.domain.model import ErrandPlace
from lean_social.io.folder import FILES


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA / "tiny", target)
    return target


def test_places_are_read_with_their_kinds(folder: Path) -> None:
    assert read_folder(folder).places == ()  # the file is optional
    (folder / "places.csv").write_text(
        "id,name,kind,lat,lon\n"
        "S1,Магнит,shop,47.5130,42.1510\n"
        'P1,"Аптека ""Здоровье""",pharmacy,47.5150,42.1550\n'
        "O1,,post,47.5140,42.1520\n",
        encoding="utf-8",
    )
    problem = read_folder(folder)
    assert problem.places == (
        ErrandPlace(id="S1", name="Магнит", kind="shop", location=Location(lat=47.513, lon=42.151)),
        ErrandPlace(id="P1", name='Аптека "Здоровье"', kind="pharmacy", location=Location(lat=47.515, lon=42.155)),
        ErrandPlace(id="O1", name="", kind="post", location=Location(lat=47.514, lon=42.152)),
    )
    assert tuple(problem.frames()["places"].columns) == FILES["places.csv"]


def test_every_bad_place_is_reported_at_once(folder: Path) -> None:
    (folder / "places.csv").write_text(
        "id,name,kind,lat,lon\n"
        "S1,shop,bakery,47.5130,42.1510\n"
        "S2,shop,shop,north,42.1510\n"
        ",shop,shop,47.5130,42.1510\n"
        "S4,shop,,47.5130,42.1510\n"
        "S2,shop again,shop,47.5130,42.1510\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInputError) as info:
        read_folder(folder)
    problems = [str(p) for p in info.value.problems]
    expected = [
        ("places.csv, row 2, column 'kind'", "one of shop, pharmacy, post"),
        ("places.csv, row 3, column 'lat'", "a number"),
        ("places.csv, row 4, column 'id'", "must not be empty"),
        ("places.csv, row 5, column 'kind'", "one of shop, pharmacy, post"),
    ]
    for where, words in expected:
        assert any(p.startswith(where) and words in p for p in problems), (where, problems)
