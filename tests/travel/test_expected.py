"""The expected travel per visit: route decomposition worked by hand on a model of given minutes, and
the geodesic model's answers going the right way (bikes quicker, denser visits shorter)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from lean_social import Location
from lean_social.domain.model import TravelMode
from lean_social.travel import GeodesicTravel, TravelMatrices
from lean_social.travel.expected import TravelEstimate, expected_travel


class GivenMinutes:
    """A travel model whose minutes between the places (keyed by latitude) are given by hand."""

    def __init__(self, minutes: dict[tuple[float, float], int]) -> None:
        self.minutes = minutes

    def matrices(self, places: Sequence[Location], mode: TravelMode) -> TravelMatrices:
        n = len(places)
        seconds = np.zeros((n, n), dtype=np.int64)
        for i, a in enumerate(places):
            for j, b in enumerate(places):
                if i != j:
                    key = (min(a.lat, b.lat), max(a.lat, b.lat))
                    seconds[i, j] = 60 * self.minutes[key]
        return TravelMatrices(duration_s=seconds, distance_m=seconds)


def _at(lat: float) -> Location:
    return Location(lat=lat, lon=0.0)


S, S2, A, B, C = _at(0.0), _at(0.5), _at(1.0), _at(2.0), _at(3.0)
MINUTES = {
    (0.0, 1.0): 10,
    (0.0, 2.0): 20,
    (0.0, 3.0): 30,
    (1.0, 2.0): 5,
    (1.0, 3.0): 8,
    (2.0, 3.0): 6,
    (0.0, 0.5): 1,
    (0.5, 1.0): 2,
    (0.5, 2.0): 40,
    (0.5, 3.0): 40,
}


def test_a_day_with_every_client_visited_by_hand() -> None:
    """Each client visited daily (p = 1): the nearest other is the nearest: A 5 (B), B 5 (A), C 6 (B);
    one start, legs 10, 20, 30; three visits a day: ((3 - 1) x 16/3 + 2 x 20) / 3."""
    estimate = expected_travel(
        GivenMinutes(MINUTES), "foot", starts=[S], places=[A, B, C], visits_per_week=[5, 5, 5], days=5, visits_per_day=3
    )
    assert estimate.inner_min == pytest.approx(16 / 3)
    assert estimate.out_min == pytest.approx(20)
    assert estimate.per_visit_min == pytest.approx((2 * 16 / 3 + 40) / 3)  # 16.89


def test_the_nearest_client_visited_the_same_day_by_hand() -> None:
    """Each client visited on half the days: from A, B (5 min) is the nearest visited with chance 1/2, C
    (8 min) with 1/4, neither with 1/4; given one is: (0.5 x 5 + 0.25 x 8) / 0.75 = 6. From B: A 5 or C 6,
    (2.5 + 1.5) / 0.75 = 16/3. From C: B 6 or A 8, (3 + 2) / 0.75 = 20/3."""
    estimate = expected_travel(
        GivenMinutes(MINUTES),
        "foot",
        starts=[S],
        places=[A, B, C],
        visits_per_week=[2.5, 2.5, 2.5],
        days=5,
        visits_per_day=1.5,
    )
    assert estimate.inner_min == pytest.approx((6 + 16 / 3 + 20 / 3) / 3)


def test_each_workers_start_makes_its_share_of_the_visits_nearest_first() -> None:
    """Two workers, at S and S2 (2 min from A, 40 from B and C), each make half of the 3 visits, the
    nearest pairs first: S2-A (2 min, A's whole visit), S-B (20, B's), S-C (30, half of C's: S is then
    full), S2-C (40, the other half). So A 2, B 20, C 35; with S alone, 10, 20, 30."""
    estimate = expected_travel(
        GivenMinutes(MINUTES),
        "foot",
        starts=[S, S2],
        places=[A, B, C],
        visits_per_week=[1, 1, 1],
        days=5,
        visits_per_day=1,
    )
    assert estimate.out_min == pytest.approx((2 + 20 + 35) / 3)
    alone = expected_travel(
        GivenMinutes(MINUTES), "foot", starts=[S], places=[A, B, C], visits_per_week=[1, 1, 1], days=5, visits_per_day=1
    )
    assert alone.out_min == pytest.approx(20)


def test_a_lone_client_and_an_empty_department() -> None:
    lone = expected_travel(
        GivenMinutes(MINUTES), "foot", starts=[S], places=[A], visits_per_week=[2], days=5, visits_per_day=0.4
    )
    assert lone == TravelEstimate(inner_min=0.0, out_min=10.0, visits_per_day=1.0)
    assert lone.per_visit_min == 20  # there and back for one visit
    empty = expected_travel(
        GivenMinutes(MINUTES), "foot", starts=[S], places=[], visits_per_week=[], days=5, visits_per_day=0
    )
    assert empty.per_visit_min == 0


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="visit counts"):
        expected_travel(
            GivenMinutes(MINUTES), "foot", starts=[S], places=[A], visits_per_week=[], days=5, visits_per_day=1
        )
    with pytest.raises(ValueError, match="working day"):
        expected_travel(
            GivenMinutes(MINUTES), "foot", starts=[S], places=[A], visits_per_week=[1], days=0, visits_per_day=1
        )


def _town(n: int = 40) -> list[Location]:
    rng = np.random.default_rng(3)
    return [Location(lat=47.52 + 0.01 * x, lon=42.17 + 0.015 * y) for x, y in rng.normal(size=(n, 2))]


def test_with_the_geodesic_model_bikes_are_quicker_and_denser_visits_shorter() -> None:
    places = _town()
    office = [Location(lat=47.52, lon=42.17)] * 4
    model = GeodesicTravel()

    def per_visit(mode: TravelMode, visits: float) -> float:
        return expected_travel(
            model,
            mode,
            starts=office,
            places=places,
            visits_per_week=[visits] * len(places),
            days=5,
            visits_per_day=visits * len(places) / 20,
        ).per_visit_min

    assert per_visit("bike", 2) < per_visit("foot", 2)
    assert per_visit("foot", 2.2) < per_visit("foot", 2)  # 10 % more visits in the same streets
