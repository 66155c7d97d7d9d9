"""``norms_report.html`` (``outputs.norms_report``): a static offline page, every service and worker on it,
the verdict in words, Russian by default, and a hostile service name shown as text.

The calibration is made from observations drawn by ``data/generate_observations.py`` from its known true
times, with few resamples: the page's content is what is tested here, the intervals' honesty is
``tests/domain/test_calibration.py``'s.
"""

from __future__ import annotations

import base64
import dataclasses
import re
import struct

import generate_observations
import pytest

from lean_social import Problem
from lean_social.domain.calibration import Calibration, calibrate
from lean_social.domain.observed import ObservedVisit
from lean_social.outputs.norms_report import VERDICT_COLOURS, norms_report
from lean_social.outputs.plots import estimate_intervals, observed_against_fitted

HOSTILE = "<script>alert('x')</script> & \"Уборка\" <img src=http://example.com/x.png>"


@pytest.fixture(scope="module")
def observed(demo: Problem) -> tuple[ObservedVisit, ...]:
    visits: tuple[ObservedVisit, ...] = generate_observations.observe(demo, visits=600, seed=5)
    return visits


@pytest.fixture(scope="module")
def calibration(demo: Problem, observed: tuple[ObservedVisit, ...]) -> Calibration:
    return calibrate(observed, demo.services, seed=1, bootstrap=40)


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_the_page_runs_nothing_and_fetches_nothing(
    calibration: Calibration, observed: tuple[ObservedVisit, ...]
) -> None:
    page = norms_report(calibration, observed)
    assert "<script" not in page.lower()
    assert "href=" not in page.lower()
    sources = re.findall(r'src="([^"]*)"', page)
    assert len(sources) == 2  # the intervals and the fit
    assert all(s.startswith("data:image/png;base64,") for s in sources)
    for source in sources:  # real pictures, 1000 pixels wide
        assert _png_size(base64.b64decode(source.split(",", 1)[1]))[0] == 1000
    assert "default-src 'none'" in page and "img-src data:" in page


def test_every_service_and_worker_with_its_verdict_in_words(
    calibration: Calibration, observed: tuple[ObservedVisit, ...]
) -> None:
    page = norms_report(calibration, observed)
    rows = re.findall(r'<tr data-verdict="([^"]*)">(.*?)</tr>', page)
    assert [verdict for verdict, _ in rows] == [s.verdict for s in calibration.services]
    words = {"raise": "повысить норму", "lower": "снизить норму", "keep": "оставить норму"}
    words["not enough data"] = "мало данных"
    for (verdict, cells), estimate in zip(rows, calibration.services, strict=True):
        assert f"<td>{estimate.code}</td>" in cells
        assert words[verdict] in cells and VERDICT_COLOURS[estimate.verdict] in cells
        assert f'<td class="num">{estimate.proposed_min}</td>' in cells
    food = calibration.service("FOOD")  # truly 48 min against a norm of 40
    assert food.verdict == "raise" and food.low_min is not None and food.high_min is not None
    food_row = next(cells for verdict, cells in rows if "<td>FOOD</td>" in cells)
    shown = f"{food.low_min:.1f} – {food.high_min:.1f}".replace(".", ",")
    assert shown in food_row
    for worker in calibration.workers:
        assert f"<td>{worker.worker_id}</td>" in page
    slow = calibration.worker("W03").effect  # 10 % slower in the generator
    assert slow is not None and f"+{slow * 100:.1f} %".replace(".", ",") in page


def test_russian_by_default_english_on_request(calibration: Calibration, observed: tuple[ObservedVisit, ...]) -> None:
    ru = norms_report(calibration, observed)
    assert '<html lang="ru">' in ru and "Нормы времени по данным хронометража" in ru and "Норма, мин" in ru
    en = norms_report(calibration, observed, lang="en")
    assert '<html lang="en">' in en and "Time norms from the time study" in en and "raise the norm" in en
    assert "повысить норму" not in en and "Норма, мин" not in en


def test_a_hostile_service_name_is_shown_as_text(demo: Problem, observed: tuple[ObservedVisit, ...]) -> None:
    services = [dataclasses.replace(s, name=HOSTILE) if s.code == "FOOD" else s for s in demo.services]
    page = norms_report(calibrate(observed, services, bootstrap=0), observed)
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;Уборка&quot;" in page
    assert "&lt;img src=http://example.com/x.png&gt;" in page  # text, not an image
    assert len(re.findall(r"<img ", page)) == 2 and all(
        s.startswith("data:") for s in re.findall(r'src="([^"]*)"', page)
    )


def test_the_fitted_span_is_the_model_of_the_fit(calibration: Calibration, observed: tuple[ObservedVisit, ...]) -> None:
    visit = next(v for v in observed if v.worker_id == "W03" and len(v.services) > 1)
    effect = calibration.worker("W03").effect
    assert effect is not None
    times = sum(calibration.service(code).estimate_min or 0.0 for code in visit.services)
    assert calibration.fitted_minutes(visit) == pytest.approx((1 + effect) * times)
    stranger = dataclasses.replace(visit, worker_id="NEW")  # a worker the calibration never saw: typical
    assert calibration.fitted_minutes(stranger) == pytest.approx(times)
    with pytest.raises(ValueError, match="TALK"):  # never observed: no estimate to fit with
        calibration.fitted_minutes(dataclasses.replace(visit, services=("TALK",)))


def test_the_pictures_check_their_input() -> None:
    png = estimate_intervals(["A", "B"], [10.0, 20.0], [12.0, None], [(11.0, 13.0), None], ["#D55E00", "#999999"])
    assert _png_size(png) == (1000, 160 + 2 * 30)
    assert png == estimate_intervals(
        ["A", "B"], [10.0, 20.0], [12.0, None], [(11.0, 13.0), None], ["#D55E00", "#999999"]
    )
    with pytest.raises(ValueError, match="as long as"):
        estimate_intervals(["A"], [10.0, 20.0], [12.0], [None], ["#000000"])
    assert _png_size(observed_against_fitted([30.0, 45.0], [31.0, 44.0], lang="en")) == (1000, 600)
    with pytest.raises(ValueError, match="as long as"):
        observed_against_fitted([30.0], [31.0, 44.0])
