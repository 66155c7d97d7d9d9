"""Hostile text in every field a person types (names, addresses, notes, service names, absence reasons)
through a whole week's run with every output: no HTML page runs it or links anything, no spreadsheet
cell is a formula, every calendar parses, and the text is still there for a person to read.

Each output has tests of its own with hand-built plans; this one is the planner's way in, the CLI on a
data folder, so an output added later and wired into ``lean-social plan`` is covered without a word here.
"""

from __future__ import annotations

import csv
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from conftest import DATA
from lean_social.app.cli import main

EVIL = "\"'><img src=x onerror=alert(1)></script><script>alert(2)</script>${alert(3)}"
FORMULA = '=HYPERLINK("http://x","y")'


class _Elements(HTMLParser):
    """Every element with its attributes, and the text outside script and style."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if not self._in:
            self.text.append(data)


def _hostile_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DATA / "tiny", folder)
    for name, columns in {
        "clients.csv": ("name", "address", "notes"),
        "workers.csv": ("name",),
        "services.csv": ("name",),
        "absences.csv": ("reason",),
    }.items():
        with (folder / name).open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        for i, row in enumerate(rows):
            for column in columns:
                row[column] = (FORMULA if i == 0 and name == "clients.csv" and column == "name" else "") + (
                    f"{row[column]}{EVIL}"
                )
        with (folder / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return folder


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("hostile")
    target = tmp / "out"
    args = ["-q", "plan", str(_hostile_folder(tmp)), "--week", "2026-12-07", "--out", str(target)]
    assert main([*args, "--reproducible"]) == 0
    return target


def test_every_output_was_written(out: Path) -> None:
    assert {p.name for p in out.iterdir()} >= {"maps", "sheets", "plan.xlsx", "calendars", "figures"}


def test_no_html_page_runs_or_links_the_text(out: Path) -> None:
    pages = sorted(out.rglob("*.html"))
    assert len(pages) >= 8  # maps of the days and the week, route sheets, their index
    for page in pages:
        parsed = _Elements()
        parsed.feed(page.read_text(encoding="utf-8"))
        for tag, attrs in parsed.tags:
            assert tag not in ("img", "iframe", "object", "embed"), (page.name, tag)
            assert not any(name.startswith("on") for name in attrs), (page.name, tag, attrs)
            assert not (tag in ("script", "link") and (attrs.get("src") or attrs.get("href"))), (page.name, attrs)
        scripts = [attrs for tag, attrs in parsed.tags if tag == "script"]
        # a map has Leaflet, its data block and its code; a route sheet has none
        assert len(scripts) <= 4, page.name
        if page.parent.name == "sheets" and page.name != "index.html":
            assert scripts == []
            assert "alert(1)>" in "".join(parsed.text)  # the hostile text is shown, as text


def test_no_spreadsheet_cell_is_a_formula(out: Path) -> None:
    book = load_workbook(out / "plan.xlsx")
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    assert any(t.startswith(FORMULA) for t in texts)  # the name is there, as text
    with (out / "schedule.csv").open(encoding="utf-8-sig") as handle:
        for row in csv.reader(handle):
            assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), row


def test_every_calendar_parses_with_the_text_as_text(out: Path) -> None:
    files = sorted((out / "calendars").glob("*.ics"))
    assert files
    for path in files:
        calendar = Calendar.from_ical(path.read_bytes())
        events = list(calendar.walk("VEVENT"))
        assert events
        assert any(EVIL in str(event.get("SUMMARY")) for event in events if "№" in str(event.get("SUMMARY")))
