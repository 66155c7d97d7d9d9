from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import client, every_monday, problem, worker
from lean_social import day_map, plan_day
from lean_social.io.outputs import atomic_write_text, csv_text, safe_cell
from lean_social.privacy import pseudonymiser


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


def test_map_escapes_html_and_uses_no_tiles() -> None:
    evil = client("<script>alert(1)</script>", lat=47.515, lon=42.155)
    p = problem([evil], [worker("W1")], every_monday(evil.id, "FOOD"))
    monday = dt.date(2026, 12, 7)
    page = day_map(plan_day(p, monday, time_limit=0.2), p, monday).get_root().render()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert "tile.openstreetmap.org" not in page


def test_pseudonyms_are_stable_under_a_key_and_unlinkable_without() -> None:
    keyed = pseudonymiser("k")
    assert keyed("C1") == pseudonymiser("k")("C1") != keyed("C2")
    assert pseudonymiser()("C1") != pseudonymiser()("C1")
