"""A data file with some cells replaced and every other byte as it was (io.csv_cells), whatever the
encoding, separator, quoting and line endings Excel or a planner left in it."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from lean_social.errors import InvalidInputError
from lean_social.io.csv_cells import read_csv_cells


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "clients.csv"
    path.write_bytes(data)
    return path


def test_only_the_cells_given_change_in_a_windows_1251_file_with_semicolons_and_crlf(tmp_path: Path) -> None:
    text = (
        "id;name;address;lat;lon;notes\r\n"
        'C1;Иванова;"ул. Королёва; д. 12";;;"звонить ""заранее"""\r\n'
        "\r\n"
        "C2;Петров;ул. Гончарова, 4;55,1;37,2;\r\n"
    )
    path = _write(tmp_path, text.encode("cp1251"))
    table = read_csv_cells(path)
    assert table.delimiter == ";" and table.encoding == "cp1251"
    assert [number for number, _ in table.rows()] == [2, 4]
    out = table.with_cells({2: {"lat": "55,822890", "lon": "37,606250"}})
    assert out == text.replace(";;;", ";55,822890;37,606250;").encode("cp1251")


def test_a_quoted_cell_is_replaced_whole_and_a_cell_holding_a_line_break_kept(tmp_path: Path) -> None:
    text = 'id,address,lat,lon\n"C1","ул. Руставели,\n3","",""\nC2,x,1,2'
    table = read_csv_cells(_write(tmp_path, codecs.BOM_UTF8 + text.encode("utf-8")))
    assert table.rows()[0] == (2, {"id": "C1", "address": "ул. Руставели,\n3", "lat": "", "lon": ""})
    out = table.with_cells({2: {"lat": "55.1", "lon": "37.2"}, 3: {"lon": "9"}})
    assert out == codecs.BOM_UTF8 + 'id,address,lat,lon\n"C1","ул. Руставели,\n3",55.1,37.2\nC2,x,1,9'.encode()


def test_missing_coordinate_columns_are_added_at_the_end_and_short_rows_padded(tmp_path: Path) -> None:
    text = "id,address,notes\r\nC1,a,note\r\nC2,b\r\n"
    table = read_csv_cells(_write(tmp_path, text.encode("utf-8")))
    out = table.with_cells({2: {"lon": "37.2", "lat": "55.1"}, 3: {"lat": "55.3", "lon": "37.4"}})
    assert out.decode("utf-8") == "id,address,notes,lat,lon\r\nC1,a,note,55.1,37.2\r\nC2,b,,55.3,37.4\r\n"


def test_a_utf16_file_keeps_its_byte_order_mark_and_order(tmp_path: Path) -> None:
    text = "id\taddress\tlat\tlon\r\nC1\tул. Руставели, 3\t\t\r\n"
    path = _write(tmp_path, codecs.BOM_UTF16_BE + text.encode("utf-16-be"))
    out = read_csv_cells(path).with_cells({2: {"lat": "55.1", "lon": "37.2"}})
    expected = "id\taddress\tlat\tlon\r\nC1\tул. Руставели, 3\t55.1\t37.2\r\n"
    assert out == codecs.BOM_UTF16_BE + expected.encode("utf-16-be")


def test_no_change_gives_the_file_back_byte_for_byte(tmp_path: Path) -> None:
    raw = b'id,address,lat,lon\n C1 ,"a ""b""",1,2\n\n\nC2,c,3,4\n'
    assert read_csv_cells(_write(tmp_path, raw)).with_cells({}) == raw


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "empty"),  # nothing in it
        (b"\x00\x01\x02", "NUL"),  # a binary file
        (b"\xff\xfe\x00\xd8", "UTF-16-LE"),  # a byte order mark over bytes that are not UTF-16
    ],
)
def test_a_file_that_is_not_a_table_is_refused_naming_it(tmp_path: Path, data: bytes, expected: str) -> None:
    with pytest.raises(InvalidInputError, match=expected) as caught:
        read_csv_cells(_write(tmp_path, data))
    assert caught.value.problems[0].file == "clients.csv"


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="to exist"):
        read_csv_cells(tmp_path / "clients.csv")
