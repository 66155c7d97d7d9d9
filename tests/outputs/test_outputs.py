from __future__ import annotations

import datetime as dt
import fnmatch
import json
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import pytest

import lean_social
from conftest import WORK, client, every_monday, problem, worker
from lean_social import day_map, plan_day
from lean_social.io.writers import atomic_write_text, csv_text, safe_cell
from lean_social.outputs.maps import LEAFLET_VERSION, safe_json
from lean_social.outputs.privacy import pseudonymiser


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),  # formula
        ("+7 900", "'+7 900"),  # looks like arithmetic
        ("-1", "'-1"),  # text that starts with minus
        ("@SUM(A1)", "'@SUM(A1)"),  # Lotus-style formula
        ("Иванова", "Иванова"),  # plain text untouched
        (-1.5, -1.5),  # numbers stay numbers
    ],
)
def test_formula_injection_is_neutralised(value: object, expected: object) -> None:
    assert safe_cell(value) == expected


def test_csv_text_applies_safe_cells() -> None:
    text = csv_text([{"a": "=1+1", "b": 2}], ["a", "b"])
    assert text == "a,b\n'=1+1,2\n"


def test_atomic_write_keeps_old_file_on_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "plan.csv"
    atomic_write_text(target, "old")

    def boom(self: Path, other: Path) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(Path, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_text(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.csv"]


def _map_page(ident: str = "C1", *, tiles: str | None = None) -> str:
    evil = client(ident, lat=47.515, lon=42.155)
    p = problem([evil], [worker("W1")], every_monday(evil.id, "FOOD"))
    monday = dt.date(2026, 12, 7)
    return day_map(plan_day(p, monday, work_per_visit=WORK), p, monday, tiles=tiles).get_root().render()


def test_map_data_cannot_end_its_script_element() -> None:
    page = _map_page("</script><script>alert(1)</script>")
    assert "<script>alert(1)" not in page
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)" in page  # in the JSON data block, escaped


@pytest.mark.parametrize(
    ("value", "json_text"),
    [
        ("</script>", '"\\u003c/script\\u003e"'),  # would end the script element
        ("<!--", '"\\u003c!--"'),  # would start an HTML comment inside it
        ("a&b", '"a\\u0026b"'),  # an entity once in an HTML attribute (Jupyter's srcdoc)
        ("\u2028\u2029", '"\\u2028\\u2029"'),  # line ends to older JavaScript
        ("${x}`'\"", '"${x}`\'\\""'),  # harmless in JSON data: it is never code
    ],
)
def test_safe_json(value: str, json_text: str) -> None:
    assert safe_json(value) == json_text
    assert json.loads(safe_json(value)) == value


class _Links(HTMLParser):
    """Every script, stylesheet and image the page itself asks the browser to fetch."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("script", "img", "iframe") and found.get("src"):
            self.urls.append(str(found["src"]))
        if tag == "link" and found.get("href"):
            self.urls.append(str(found["href"]))


def test_map_fetches_nothing_and_draws_no_tiles() -> None:
    page = _map_page()
    links = _Links()
    links.feed(page)
    assert links.urls == []
    assert "<script>" in page and "L.map(" in page  # Leaflet and the map are in the page itself
    assert "@import" not in page and "cdn" not in page.lower()
    assert "L.tileLayer(" not in page.split("</head>", 1)[1]  # no tiles unless asked for


def test_map_tiles_only_when_asked() -> None:
    page = _map_page(tiles="OpenStreetMap")
    links = _Links()
    links.feed(page)
    assert links.urls == []  # tiles are loaded by Leaflet, not linked by the page
    assert "L.tileLayer(" in page.split("</head>", 1)[1]
    assert "tile.openstreetmap.org" in page


def test_leaflet_assets_ship_in_the_package() -> None:
    """pyproject's package-data lists the assets the maps inline, so a wheel has them too."""
    folder = Path(lean_social.__file__).parent / "assets" / f"leaflet-{LEAFLET_VERSION}"
    names = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert {"leaflet.js", "leaflet.css", "LICENSE"} <= names
    data = tomllib.loads((Path(__file__).parent.parent.parent / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = data["tool"]["setuptools"]["package-data"]["lean_social"]
    shipped = {n for n in names if any(fnmatch.fnmatch(f"assets/leaflet-{LEAFLET_VERSION}/{n}", g) for g in patterns)}
    assert shipped == names


def test_pseudonyms_are_stable_under_a_key_and_unlinkable_without() -> None:
    keyed = pseudonymiser("k")
    assert keyed("C1") == pseudonymiser("k")("C1") != keyed("C2")
    assert pseudonymiser()("C1") != pseudonymiser()("C1")
