"""The words people read on every output, in Russian by default and in English on request.

Planners and workers of a Russian social service centre read the maps, route sheets, workbooks,
calendars and the run's summary; a foreign reviewer or a developer may ask for English (``--lang en``).
Each shared word is stated here once, with both languages side by side, so that the outputs cannot call
the same thing by two names (a route sheet's "Работник" and the workbook's "Сотрудник"). Words used by
one output alone live in that output's module, in the same ``{key: (ru, en)}`` form.

Machine files (``schedule.csv``, ``schedule.json``, ``run.json``) keep their English column names and
codes: programs read them, and a column renamed by a language switch would break them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Literal, get_args

from lean_social.domain.model import Problem
from lean_social.domain.timefmt import format_hhmm

__all__ = [
    "DEFAULT_LANG",
    "LANGS",
    "Lang",
    "Words",
    "check_lang",
    "date_text",
    "day_text",
    "km_text",
    "minutes_text",
    "number_text",
    "service_names",
    "time_text",
    "word",
]

Lang = Literal["ru", "en"]
LANGS: tuple[Lang, ...] = get_args(Lang)
DEFAULT_LANG: Lang = "ru"

#: key → (Russian, English): the form every output's own table of words takes too.
Words = Mapping[str, tuple[str, str]]

_WORDS: Words = {
    "worker": ("Работник", "Worker"),
    "client": ("Получатель услуг", "Client"),
    "address": ("Адрес", "Address"),
    "department": ("Отделение", "Department"),
    "date": ("Дата", "Date"),
    "day": ("День", "Day"),
    "time": ("Время", "Time"),
    "arrival": ("Прибытие", "Arrival"),
    "start": ("Начало", "Start"),
    "end": ("Окончание", "End"),
    "services": ("Услуги", "Services"),
    "norm": ("Норма, мин", "Norm, min"),
    "notes": ("Примечания", "Notes"),
    "travel": ("Дорога", "Travel"),
    "travel_min": ("Дорога, мин", "Travel, min"),
    "travel_km": ("Путь, км", "Distance, km"),
    "wait_min": ("Ожидание, мин", "Waiting, min"),
    "service_min": ("Услуги, мин", "Services, min"),
    "lunch": ("Обед", "Lunch"),
    "visits": ("Посещения", "Visits"),
    "visit_no": ("№", "No."),
    "unassigned": ("Не назначено", "Unassigned"),
    "reason": ("Причина", "Reason"),
    "substitute_for": ("Замещает", "Stands in for"),
    "leaves": ("Выход", "Leaves"),
    "back": ("Возвращение", "Back"),
    "total": ("Итого", "Total"),
    "signature": ("Подпись получателя", "Client's signature"),
    "route_sheet": ("Маршрутный лист", "Route sheet"),
    "routes_on": ("Маршруты на", "Routes on"),
    "week_of": ("Неделя с", "Week of"),
    "min": ("мин", "min"),
    "km": ("км", "km"),
    "h": ("ч", "h"),
}

_WEEKDAYS: Mapping[Lang, tuple[str, ...]] = {
    "ru": ("пн", "вт", "ср", "чт", "пт", "сб", "вс"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
_WEEKDAYS_LONG: Mapping[Lang, tuple[str, ...]] = {
    "ru": ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}


def check_lang(value: str) -> Lang:
    """A language code the outputs speak, or ValueError naming the ones they do."""
    for lang in LANGS:
        if value == lang:
            return lang
    msg = f"language must be one of {', '.join(LANGS)}, got {value!r}"
    raise ValueError(msg)


def word(key: str, lang: Lang, table: Words = _WORDS) -> str:
    """The word for ``key`` in ``lang``; a missing key is a bug, so it raises KeyError."""
    ru, en = table[key]
    return ru if lang == "ru" else en


def date_text(day: dt.date, lang: Lang) -> str:
    """``07.12.2026`` in Russian (ГОСТ Р 7.0.97: day, month, year), ISO ``2026-12-07`` in English."""
    return day.strftime("%d.%m.%Y") if lang == "ru" else day.isoformat()


def day_text(day: dt.date, lang: Lang, *, long: bool = False) -> str:
    """``пн 07.12.2026`` or ``Mon 2026-12-07``; with ``long`` the weekday in full."""
    names = _WEEKDAYS_LONG if long else _WEEKDAYS
    return f"{names[lang][day.weekday()]} {date_text(day, lang)}"


def number_text(value: float, lang: Lang, digits: int = 1) -> str:
    """A decimal with the comma Russian writes (``1,5``) or the English point."""
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if lang == "ru" else text


def minutes_text(minutes: float, lang: Lang) -> str:
    """``45 мин``, ``7 ч 30 мин``: durations as a person says them, whole minutes."""
    whole = round(minutes)
    hours, rest = divmod(whole, 60)
    if hours == 0:
        return f"{rest} {word('min', lang)}"
    return f"{hours} {word('h', lang)} {rest:02d} {word('min', lang)}"


def km_text(metres: float, lang: Lang) -> str:
    """``1,2 км``: a walk or a ride in kilometres with one decimal."""
    return f"{number_text(metres / 1000, lang)} {word('km', lang)}"


def time_text(seconds: int) -> str:
    """``09:05``: the clock reads the same in both languages."""
    return format_hhmm(seconds)


def service_names(problem: Problem, codes: Iterable[str]) -> list[str]:
    """The services' names from ``services.csv``, which is what a worker knows them by; a code the data
    does not know (a published plan's, say) stays as it is."""
    known = {s.code: s.name for s in problem.services}
    return [known.get(code) or code for code in codes]
