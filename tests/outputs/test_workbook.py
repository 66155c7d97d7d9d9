"""The planners' workbook, read back with openpyxl: text stays text, times are times, figures are the plan's.

Most tests read the hand-made plan of ``plan_by_hand`` (its figures worked out in its docstring); one
reads a plan the day planner made, to hold the workbook to real planner output.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import zipfile

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from plan_by_hand import (
    ERROR_NAME,
    FORMULA_NAME,
    MINUS_ADDRESS,
    MONDAY,
    PHONE_ADDRESS,
    TUESDAY,
    hand_problem,
    hand_schedule,
    hm,
)

from conftest import WORK, client, every_monday, problem, worker
from lean_social import plan_day
from lean_social.outputs.workbook import plan_workbook


def _read(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def _table(sheet: Worksheet) -> list[dict[str, object]]:
    """The sheet's rows under its header, by header."""
    rows = list(sheet.iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def _time(seconds: int) -> dt.time:
    return dt.time(seconds // 3600, seconds // 60 % 60, seconds % 60)


def test_text_that_looks_like_a_formula_stays_text() -> None:
    data = plan_workbook(hand_schedule(), hand_problem())
    book = _read(data)
    cells = {cell.value: cell for sheet in book for row in sheet.iter_rows() for cell in row if cell.value}
    for text in (FORMULA_NAME, PHONE_ADDRESS, MINUS_ADDRESS, ERROR_NAME):
        assert cells[text].data_type == "s", text
    for text in (FORMULA_NAME, PHONE_ADDRESS, MINUS_ADDRESS):  # Excel keeps them text when edited, too
        assert cells[text].quotePrefix, text
    assert not cells[ERROR_NAME].quotePrefix  # "#N/A" is only an error code as a value, not when typed
    assert all(cell.data_type != "f" for sheet in book for row in sheet.iter_rows() for cell in row)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert sheets
    assert not any("<f>" in xml or "<f " in xml for xml in sheets)


def test_the_figures_may_look_like_formulas_too() -> None:
    book = _read(plan_workbook(hand_schedule(), hand_problem(), figures={"=1+1": "-2", "Дорога, мин": 9.75}))
    values = {row[0].value: row[1] for row in book["Сводка"].iter_rows() if row[0].value in ("=1+1", "Дорога, мин")}
    assert values["=1+1"].value == "-2"
    assert values["=1+1"].data_type == "s"
    assert values["Дорога, мин"].value == 9.75
    assert values["Дорога, мин"].data_type == "n"


def test_a_control_character_xlsx_cannot_hold_is_replaced_not_fatal() -> None:
    problem = hand_problem()
    bell = problem.client("C3").name + "\x07"  # a bell: openpyxl refuses to write it
    problem = dataclasses.replace(
        problem, clients=tuple(dataclasses.replace(c, name=bell) if c.id == "C3" else c for c in problem.clients)
    )
    rows = _table(_read(plan_workbook(hand_schedule(), problem))["вт 08.12"])
    assert rows[0]["Получатель услуг"] == "Кузнецова Мария\ufffd"


def test_a_sheet_per_day_lists_every_stop_in_route_order_with_typed_values() -> None:
    schedule = hand_schedule()
    book = _read(plan_workbook(schedule, hand_problem()))
    assert book.sheetnames == ["Сводка", "пн 07.12", "вт 08.12", "Не назначено"]

    monday = _table(book["пн 07.12"])
    assert len(monday) == 2 + 1  # two visits and the lunch
    assert [r["№"] for r in monday] == [1, None, 2]
    assert [r["Получатель услуг"] for r in monday] == [FORMULA_NAME, "Обед", ERROR_NAME]
    assert [r["Код получателя"] for r in monday] == ["C1", None, "C2"]
    assert [r["Адрес"] for r in monday] == [PHONE_ADDRESS, None, MINUS_ADDRESS]
    assert [r["Услуги"] for r in monday] == ["groceries", None, "dishes"]  # names, not codes
    assert {(r["Код работника"], r["Работник"], r["Отделение"]) for r in monday} == {("W1", "Иванова Анна", "D1")}
    assert all(isinstance(r["Дата"], dt.datetime) and r["Дата"].date() == MONDAY for r in monday)
    assert [r["Прибытие"] for r in monday] == [_time(hm("11:10")), None, _time(hm("12:55"))]
    assert [r["Начало"] for r in monday] == [_time(hm("11:10")), _time(hm("12:00")), _time(hm("13:05"))]
    assert [r["Окончание"] for r in monday] == [_time(hm("11:50")), _time(hm("12:45")), _time(hm("13:15"))]
    assert [r["Дорога, мин"] for r in monday] == [10, None, 10]
    assert [r["Путь, км"] for r in monday] == [pytest.approx(0.708), None, pytest.approx(0.708)]
    assert [r["Ожидание, мин"] for r in monday] == [0, None, 10]
    assert [r["Замещает"] for r in monday] == [None, None, None]

    tuesday = _table(book["вт 08.12"])
    assert len(tuesday) == 1  # one visit, no lunch
    assert tuesday[0]["Замещает"] == "W1"
    assert tuesday[0]["Услуги"] == "blood pressure"
    assert tuesday[0]["Дата"].date() == TUESDAY  # type: ignore[union-attr]

    sheet = book["пн 07.12"]
    header = [c.value for c in sheet[1]]
    date, start = sheet.cell(2, header.index("Дата") + 1), sheet.cell(2, header.index("Начало") + 1)
    assert date.is_date
    assert date.number_format == "DD.MM.YYYY"
    assert start.is_date
    assert start.number_format == "HH:MM"


def test_the_unassigned_sheet_says_what_was_not_made_and_why() -> None:
    rows = _table(_read(plan_workbook(hand_schedule(), hand_problem()))["Не назначено"])
    assert rows == [
        {
            "Дата": dt.datetime.combine(MONDAY, dt.time.min),
            "Отделение": "D2",
            "Код получателя": "C3",
            "Получатель услуг": "Кузнецова Мария",
            "Услуги": "groceries",
            "Длительность, мин": 40,
            "Причина": "праздничный день (День примера)",  # the reason in Russian,
        }
    ]


def test_the_summary_has_the_departments_and_the_total_worked_out_by_hand() -> None:
    rows = _table(_read(plan_workbook(hand_schedule(), hand_problem()))["Сводка"])
    by_department = {r["Отделение"]: r for r in rows}
    assert list(by_department) == ["D1", "D2", "Итого"]
    # Figures from plan_by_hand's docstring: D1 is W1's Monday, D2 W2's Tuesday, a shift is 540 min.
    expected = {
        "D1": (1, 1, 2, 0, 9.0, 50 / 60, 39 / 60, 2.833, 20 / 60, 50 / 540),
        "D2": (1, 1, 1, 1, 9.0, 15 / 60, 10 / 60, 0.708, 0.0, 15 / 540),
        "Итого": (2, 2, 3, 1, 18.0, 65 / 60, 49 / 60, 3.541, 20 / 60, 65 / 1080),
    }
    for department, figures in expected.items():
        row = list(by_department[department].values())[1:]
        assert row == pytest.approx(list(figures)), department


def test_lean_figures_are_listed_under_the_summary() -> None:
    figures = {"Дорога на посещение, мин": 16.3, "Было → стало": "158 → 30"}
    sheet = _read(plan_workbook(hand_schedule(), hand_problem(), figures=figures))["Сводка"]
    pairs = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0] is not None}
    assert pairs["Показатели"] == "Значение"
    assert {name: pairs[name] for name in figures} == figures


def test_every_sheet_is_ready_to_filter_and_print() -> None:
    book = _read(plan_workbook(hand_schedule(), hand_problem()))
    for sheet in book:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref is not None
        assert sheet.auto_filter.ref.startswith("A1:"), sheet.title
        assert sheet.print_title_rows == "$1:$1", sheet.title
        assert sheet.page_setup.orientation == "landscape"
        assert int(sheet.page_setup.paperSize or 0) == int(sheet.PAPERSIZE_A4)  # paper code 9
        assert sheet.page_setup.fitToWidth == 1
        assert sheet.sheet_properties.pageSetUpPr is not None
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert all(cell.font.bold for cell in sheet[1] if cell.value is not None)
    monday = book["пн 07.12"]
    header = [c.value for c in monday[1]]
    assert monday.auto_filter.ref == "A1:P4"  # 16 columns, the header and three rows
    assert book["Сводка"].auto_filter.ref == "A1:K3"  # the two departments, not the total under them
    widths = {h: monday.column_dimensions[chr(ord("A") + i)].width for i, h in enumerate(header)}
    assert widths["Получатель услуг"] >= len(FORMULA_NAME)  # as wide as the longest name
    assert widths["Код работника"] >= len("Код работника")  # and never narrower than its header
    assert widths["Начало"] < widths["Получатель услуг"]


def test_text_wider_than_a_column_may_be_wraps() -> None:
    problem = hand_problem()
    long = "Кузнецова Мария " * 6  # 96 characters
    problem = dataclasses.replace(
        problem, clients=tuple(dataclasses.replace(c, name=long) if c.id == "C3" else c for c in problem.clients)
    )
    sheet = _read(plan_workbook(hand_schedule(), problem))["вт 08.12"]
    header = [c.value for c in sheet[1]]
    column = header.index("Получатель услуг") + 1
    assert sheet.column_dimensions[chr(ord("A") + column - 1)].width == 60
    assert sheet.cell(2, column).value == long
    assert sheet.cell(2, column).alignment.wrap_text
    assert not sheet.cell(2, header.index("Адрес") + 1).alignment.wrap_text


def test_english_on_request() -> None:
    book = _read(plan_workbook(hand_schedule(), hand_problem(), lang="en"))
    assert book.sheetnames == ["Summary", "Mon 12-07", "Tue 12-08", "Unassigned"]
    monday = book["Mon 12-07"]
    assert [c.value for c in monday[1]][:5] == ["Date", "Department", "Worker id", "Worker", "No."]
    assert monday["A2"].number_format == "YYYY-MM-DD"
    assert [r["Client"] for r in _table(monday)] == [FORMULA_NAME, "Lunch", ERROR_NAME]
    assert [r["Department"] for r in _table(book["Summary"])] == ["D1", "D2", "Total"]


def test_a_client_label_hides_names_and_addresses() -> None:
    labels = {"C1": "P-1", "C2": "P-2", "C3": "P-3"}
    book = _read(plan_workbook(hand_schedule(), hand_problem(), client_label=labels.__getitem__))
    monday = _table(book["пн 07.12"])
    assert [r["Получатель услуг"] for r in monday] == ["P-1", "Обед", "P-2"]
    assert "Адрес" not in monday[0]
    assert "Код получателя" not in monday[0]
    assert [r["Получатель услуг"] for r in _table(book["Не назначено"])] == ["P-3"]
    shown = {cell.value for sheet in book for row in sheet.iter_rows() for cell in row}
    for personal in (FORMULA_NAME, ERROR_NAME, "Кузнецова Мария", PHONE_ADDRESS, MINUS_ADDRESS, "ул. Ленина, 5"):
        assert personal not in shown
    assert not shown & set(labels)  # nor the clients' ids


def test_the_same_plan_gives_the_same_bytes() -> None:
    first = plan_workbook(hand_schedule(), hand_problem(), figures={"a": 1.0})
    assert first == plan_workbook(hand_schedule(), hand_problem(), figures={"a": 1.0})
    properties = _read(first).properties
    assert properties.created == dt.datetime.combine(MONDAY, dt.time.min)  # the plan's first day
    assert properties.modified == properties.created


def test_a_planned_day_has_a_row_per_stop_and_lunch_with_the_plans_numbers() -> None:
    clients = [client(f"C{i}", lat=47.514 + 0.002 * i, lon=42.153 + 0.001 * (i % 3)) for i in range(1, 6)]
    p = problem(
        clients,
        [worker("W1"), worker("W2")],
        [item for c in clients for item in every_monday(c.id, "FOOD" if c.id in {"C1", "C4"} else "DISH")],
    )
    schedule = plan_day(p, MONDAY, work_per_visit=WORK)
    assert schedule.served == 5
    rows = _table(_read(plan_workbook(schedule, p))["пн 07.12"])
    lunches = sum(route.lunch is not None for route in schedule.routes)
    assert len(rows) == schedule.served + lunches
    visits = [r for r in rows if r["№"] is not None]
    planned = sorted(
        ((route.worker_id, n, stop) for route in schedule.routes for n, stop in enumerate(route.stops, start=1)),
        key=lambda t: (t[0], t[1]),
    )
    assert [(r["Код работника"], r["№"], r["Код получателя"]) for r in visits] == [
        (w, n, s.client_id) for w, n, s in planned
    ]
    for row, (_, _, stop) in zip(visits, planned, strict=True):
        assert row["Начало"] == _time(stop.start)
        assert row["Окончание"] == _time(stop.end)
        assert row["Прибытие"] == _time(stop.arrival)
        assert row["Дорога, мин"] == pytest.approx(stop.travel_s / 60)
        assert row["Путь, км"] == pytest.approx(stop.travel_m / 1000)
        assert row["Ожидание, мин"] == pytest.approx(stop.wait_s / 60)
