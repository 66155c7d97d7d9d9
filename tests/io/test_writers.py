"""Writers: a spreadsheet never runs a cell as a formula, and a crash never leaves half a file."""

from __future__ import annotations

from pathlib import Path

import pytest

from lean_social.io.writers import atomic_write_text, csv_text, safe_cell


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
