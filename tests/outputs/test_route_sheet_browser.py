"""The route sheet printed by a real browser: Debian's ``chromium`` prints the demo's sheets to PDF.

A worker carries one A4 page a day, so the test counts the PDF's pages (``/Type /Page`` objects; the one
``/Type /Pages`` is their parent), for the demo's first worker-day and for a day of ten of the demo's real
visits, the most a normal day holds. The page fetches nothing (the proxy points nowhere and the page's own
Content-Security-Policy forbids it); a screenshot of the first sheet goes to ``docs/route_sheet.png`` for
the README when the tests run in the repository's checkout. ``.ci/run`` installs chromium, and with it the
Liberation fonts (Arial's metrics) it recommends; without chromium these tests fail, they do not skip.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from browser import chromium
from conftest import WORK
from lean_social import Problem, Schedule, plan_day
from lean_social.outputs.route_sheet import route_sheet, route_sheets

MONDAY = dt.date(2026, 12, 7)
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "docs" / "route_sheet.png"
#: A page object of a PDF, not the ``/Pages`` tree above them.
PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def _pages(html: str, folder: Path) -> int:
    """How many pages the browser prints ``html`` on, A4 as the page's own CSS asks."""
    page, pdf = folder / "sheet.html", folder / "sheet.pdf"
    page.write_text(html, encoding="utf-8")
    chromium(page, folder / "profile", "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    return len(PAGE.findall(pdf.read_bytes()))


def _fonts() -> str:
    """What the page's first font resolves to, for a failure's message: without the Liberation fonts a
    wider fallback may need a second page."""
    found = shutil.which("fc-match")
    if not found:
        return "fc-match not found"
    return subprocess.run([found, "Arial"], capture_output=True, text=True, check=False).stdout.strip()


@pytest.fixture(scope="module")
def demo_day(demo: Problem) -> Schedule:
    return plan_day(demo, MONDAY, work_per_visit=WORK, departments=["D1"])


def test_the_demo_sheet_prints_on_one_page(demo: Problem, demo_day: Schedule, tmp_path: Path) -> None:
    (worker_id, day), html = next(iter(route_sheets(demo_day, demo).items()))
    route = demo_day.route(worker_id, day)
    assert route is not None and route.stops
    assert _pages(html, tmp_path) == 1, _fonts()
    shot = tmp_path / "route_sheet.png"
    chromium(tmp_path / "sheet.html", tmp_path / "profile", "--window-size=900,1200", f"--screenshot={shot}")
    image = shot.read_bytes()
    assert image.startswith(b"\x89PNG\r\n\x1a\n")
    assert int.from_bytes(image[16:20], "big") == 900  # the IHDR's width
    if (ROOT / ".git").exists():  # the repository's checkout, not an installed copy: the README shows it
        SCREENSHOT.write_bytes(image)


def test_ten_visits_print_on_one_page(demo: Problem, demo_day: Schedule, tmp_path: Path) -> None:
    """Ten of the day's real visits (their services, clients, addresses and notes) on one worker's sheet:
    the layout is what is tested, so their times need not make a day."""
    visits = tuple(stop for route in demo_day.routes for stop in route.stops)[:10]
    assert len(visits) == 10
    first = demo_day.routes[0]
    lunch = first.lunch and dataclasses.replace(first.lunch, after=5)
    ten = Schedule(routes=(dataclasses.replace(first, stops=visits, lunch=lunch),))
    html = route_sheet(ten, demo, first.worker_id, first.date)
    assert html.count('<tr class="visit">') == 10
    assert _pages(html, tmp_path) == 1, _fonts()
