"""Why a visit is unassigned, and what re-planning changed, in the language of the person reading it.

The planners write their reasons as English sentences with ids, dates and names in them
(``domain/reasons.py`` and a few sentences of their own), and the machine files (``unassigned.csv``,
``schedule.json``, ``changes.csv``) keep them so: a published plan is read back from them, and
``reasons.kind_of`` counts kinds by their phrases. A Russian planner reads the same sentence translated
here, at the last step, shape by shape: each English shape is a regular expression with named groups,
beside the Russian it becomes, so a reader sees both at once and a new sentence is one more row. The
groups keep their values (ids, names, numbers, an absence's own words); dates become ``09.12.2026``,
weekdays take the case the Russian needs ("по субботам", "в среду"), and a group that holds another
reason (``the fixed day is closed: ...``) is translated in turn. A sentence of no known shape (a plan
written by an older version, say) comes back as it is, in English, rather than failing the output.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping

from lean_social.domain.timefmt import WEEKDAYS
from lean_social.outputs.labels import Lang, Words, date_text, word

__all__ = ["change_text", "kind_text", "reason_text"]

_DATE = r"\d{4}-\d{2}-\d{2}"
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")  # strftime('%A')
_WEEKDAY = rf"(?P<weekday>{'|'.join(_DAY_NAMES)})"  # "Thursday"
_WEEKDAYS_PLURAL = rf"(?P<weekdays>{'|'.join(f'{d}s' for d in _DAY_NAMES)})"  # "Saturdays"
_ON_WEEKDAY = rf"(?P<on_wd>{'|'.join(WEEKDAYS)})"  # "sat", as timefmt.WEEKDAYS writes it
_PAREN = r"(?P<paren> \(.*\))?"  # a holiday's name or an absence's own words, kept as written
#: The worker a sentence is about: the client's own, a substitute standing in for them, or a bare id.
_WHO = r"(?P<who>assigned worker \S+|substitute \S+ \(for \S+\)|\S+)"
_HOURS = "within the client's hours"

# Russian weekdays in the three cases the sentences need.
_RU_NAMES = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье")
_RU_ON = ("в понедельник", "во вторник", "в среду", "в четверг", "в пятницу", "в субботу", "в воскресенье")
_RU_EVERY = (
    "по понедельникам",
    "по вторникам",
    "по средам",
    "по четвергам",
    "по пятницам",
    "по субботам",
    "по воскресеньям",
)


def _shape(english: str, russian: str) -> tuple[re.Pattern[str], str]:
    return re.compile(english), russian


#: (English shape, Russian template), the first whole match wins; ``{name}`` is the group ``name`` as
#: ``_FILLS`` renders it (as written when it has no entry there), "" when an optional group is absent.
_SHAPES: tuple[tuple[re.Pattern[str], str], ...] = (
    # The calendar: holidays, the client's absences and hours at home (reasons.py).
    _shape(rf"public holiday{_PAREN}", "праздничный день{paren}"),
    _shape(rf"{_WEEKDAY} (?P<date>{_DATE}) is a public holiday{_PAREN}", "{weekday} {date} — праздничный день{paren}"),
    _shape(
        rf"client is away (?P<start>{_DATE})\.\.(?P<end>{_DATE}){_PAREN}", "получатель отсутствует {start}–{end}{paren}"
    ),
    _shape(rf"client is not at home on {_WEEKDAYS_PLURAL}", "получателя нет дома {weekdays}"),
    _shape(r"the fixed day is closed: (?P<reason>.+)", "фиксированный день закрыт: {reason}"),  # demand
    _shape(
        r"not enough days at home this week for every visit",  # demand
        "на этой неделе у получателя меньше дней дома, чем нужно посещений",
    ),
    # The week's days: how many visits the client's days at home hold (reasons.py).
    _shape(
        r"only (?P<made>\d+) of the (?P<of_n>\d+) visits fit the client's days at home "
        rf"(?P<when>this week|from {_DATE})(?: with at least (?P<gap>\d+) days between visits)?(?P<closed>(?:; .+)?)",
        "{when} в дни, когда получатель дома, помещается только {made} из {of_n}{gap}{closed}",
    ),
    _shape(
        r"the client has no day at home this week that is not a public holiday(?P<closed>(?:; .+)?)",
        "на этой неделе у получателя нет ни одного дня дома, кроме праздничных{closed}",
    ),
    _shape(
        r"the programme's fixed days fall on a holiday or a day the client is away",
        "фиксированные дни программы приходятся на праздник или на дни отсутствия получателя",
    ),
    _shape(
        r"no (?P<n_days>\d+) days a week fit the client's days at home with the required spacing",
        "нельзя выбрать {n_days} в неделю с нужным промежутком среди дней, когда получатель дома",
    ),
    # Departments and skills (reasons.py, compile.py, day.py, week.py, replan.py).
    _shape(
        r"no worker of department (?P<dept>.+) can take the client",
        "ни один работник отделения {dept} не может взять получателя на обслуживание",
    ),
    _shape(r"no worker of department (?P<dept>.+) is on duty", "в отделении {dept} нет ни одного работника на смене"),
    _shape(
        r"no worker of department (?P<dept>.+) on duty may make the visit",
        "ни одному работнику отделения {dept} на смене это посещение не разрешено",
    ),
    _shape(
        r"no worker on duty in department (?P<dept>.+) has skill (?P<skills_gen>.+)",
        "ни у одного работника отделения {dept} на смене нет {skills_gen}",
    ),
    _shape(r"no worker on duty that day", "в этот день нет ни одного работника на смене"),
    # The day's routes: the limit of visits, the lunch break, the time in the day (day.py).
    _shape(
        r"every eligible worker \((?P<ids>.+)\) already has the maximum number of visits",
        "у каждого подходящего работника ({ids}) уже максимум посещений",
    ),
    _shape(
        rf"no eligible worker has room left around the lunch break {_HOURS}",
        "ни у одного подходящего работника не осталось времени рядом с обеденным перерывом "
        "в часы, когда получатель дома",
    ),
    _shape(
        rf"no eligible worker has room left in the day {_HOURS}",
        "ни у одного подходящего работника не осталось времени в течение дня в часы, когда получатель дома",
    ),
    # The client's hours against the shifts (compile.py).
    _shape(
        r"the visit \((?P<minutes>\d+) min\) is longer than every window the client is at home",
        "посещение ({minutes} мин) длиннее любого промежутка, когда получатель дома",
    ),
    _shape(
        r"no window when the client is at home leaves room for the lunch break of an eligible worker",
        "ни один промежуток, когда получатель дома, не оставляет подходящему работнику времени на обеденный перерыв",
    ),
    _shape(
        r"no window when the client is at home fits the shift of an eligible worker, with travel",
        "ни один промежуток, когда получатель дома, не укладывается в смену подходящего работника с учётом дороги",
    ),
    # A worker who cannot come and nobody standing in (reasons.py, staffing.py): the worker's part first.
    _shape(
        r"(?P<away>.+) and no substitute with the skills is on duty",
        "{away}, а замещающего работника с нужными навыками на смене нет",
    ),
    _shape(
        r"(?P<away>.+), and no substitute(?: with skill (?P<skills_ins>.+))? is on duty",
        "{away}, а замещающего работника{skills_ins} на смене нет",
    ),
    _shape(
        r"(?P<away>.+), and so is the client's substitute: (?P<reason>.+)",
        "{away}; замещающий работник получателя тоже не может: {reason}",
    ),
    _shape(
        r"(?P<away>.+), and the client's substitute (?P<sub>\S+) lacks skill (?P<skills_gen>.+)",
        "{away}, а у замещающего работника получателя {sub} нет {skills_gen}",
    ),
    # One worker (compile.py, day.py, calendar.py via reasons.py and staffing.py).
    _shape(rf"{_WHO} belongs to department (?P<dept>.+)", "{who} относится к отделению {dept}"),
    _shape(
        rf"{_WHO} is absent{_PAREN} (?P<start>{_DATE})\.\.(?P<end>{_DATE})", "{who} отсутствует{paren} {start}–{end}"
    ),
    _shape(rf"{_WHO} has no shift on {_ON_WEEKDAY}", "у {who_gen} нет смены {on_wd}"),
    _shape(rf"{_WHO} is away on {_ON_WEEKDAY} (?P<date>{_DATE})", "{who} отсутствует {on_wd} {date}"),
    _shape(rf"{_WHO} lacks skill (?P<skills_gen>.+)", "у {who_gen} нет {skills_gen}"),
    _shape(rf"{_WHO} already has the maximum of (?P<n>\d+) visits", "у {who_gen} уже максимум посещений: {n}"),
    _shape(
        rf"{_WHO} has no room left around the lunch break {_HOURS}",
        "у {who_gen} не осталось времени рядом с обеденным перерывом в часы, когда получатель дома",
    ),
    _shape(
        rf"{_WHO} has no room left in the day {_HOURS}",
        "у {who_gen} не осталось времени в течение дня в часы, когда получатель дома",
    ),
    _shape(rf"{_WHO} is no longer among the workers", "{who} больше не числится среди работников"),
    _shape(rf"{_WHO} cannot make it", "{who} не может прийти"),
    # Re-planning (replan.py).
    _shape(
        r"client is away and no other day of the week is open",
        "получатель отсутствует, а других открытых дней на этой неделе нет",
    ),
    _shape(
        r"client is away, and no worker is on duty on the other days that keep the spacing",
        "получатель отсутствует, а в другие дни, сохраняющие промежуток между посещениями, нет работников на смене",
    ),
    _shape(
        rf"due on (?P<date>{_DATE}), before the re-planned days, and not in the published plan",
        "посещение было положено на {date}, до перепланируемых дней, и его нет в опубликованном плане",
    ),
    _shape(
        r"not placed in the published plan; re-plan the week to place it",
        "посещение не размещено в опубликованном плане; чтобы разместить его, перепланируйте неделю",
    ),
    _shape(
        rf"due on its fixed day (?P<date>{_DATE}), before the re-planned days \(from (?P<from_date>{_DATE})\)",
        "посещение приходится на фиксированный день {date}, до перепланируемых дней (с {from_date})",
    ),
    _shape(
        rf"due on its day this week (?P<date>{_DATE}), before the re-planned days \(from (?P<from_date>{_DATE})\)",
        "посещение приходится на свой день этой недели {date}, до перепланируемых дней (с {from_date})",
    ),
    _shape(r"no longer in the programme", "посещения больше нет в программе"),
    # What re-planning changed (changes.py).
    _shape(r"re-routed to (?P<sub>\S+)", "передано работнику {sub}"),
    _shape(
        r"the client's worker is now (?P<sub>\S+) \(was (?P<own>\S+)\)",
        "закреплённый работник получателя теперь {sub} (был {own})",
    ),
    _shape(r"client away that day", "получатель в этот день отсутствует"),
    _shape(
        rf"client away that day; on (?P<date>{_DATE}): (?P<reason>.+)",
        "получатель в этот день отсутствует; в день переноса {date}: {reason}",
    ),
    _shape(r"not fitted in", "не удалось включить в маршруты"),
    _shape(r"new in the programme", "новый получатель в программе"),
    _shape(
        r"new in the programme, not planned: (?P<reason>.+)",
        "новый получатель в программе, посещение не запланировано: {reason}",
    ),
    _shape(r"not in the published plan", "не было в опубликованном плане"),
)


def reason_text(reason: str, lang: Lang) -> str:
    """The reason as the reader reads it: in English as written, in Russian translated shape by shape;
    a sentence of no known shape stays in English rather than leaving the reader with nothing."""
    return reason if lang == "en" else _russian(reason)


def _russian(reason: str) -> str:
    for english, russian in _SHAPES:
        match = english.fullmatch(reason)
        if match is not None:
            return _render(russian, match)
    return reason


def _render(template: str, match: re.Match[str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda field: _fill(field[1], match), template)


def _fill(name: str, match: re.Match[str]) -> str:
    group, render = _FILLS.get(name, (name, _as_written))
    value = match[group]
    return "" if value is None else render(value)


def _as_written(value: str) -> str:
    return value


def _date(value: str) -> str:
    return date_text(dt.date.fromisoformat(value), "ru")


def _plural(n: int, one: str, few: str, many: str) -> str:
    """The Russian noun form after a number: 1 день, 2 дня, 5 дней (11-14 take the last)."""
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def _who(value: str, *, genitive: bool) -> str:
    """``assigned worker W1`` → закреплённый работник W1 (закреплённого работника W1 after "у")."""
    for english, nominative, of in (
        ("assigned worker ", "закреплённый работник ", "закреплённого работника "),
        ("substitute ", "замещающий работник ", "замещающего работника "),
    ):
        if value.startswith(english):
            rest = value.removeprefix(english).replace(" (for ", " (вместо ")
            return (of if genitive else nominative) + rest
    return ("работника " if genitive else "работник ") + value


def _skills(value: str, *, instrumental: bool) -> str:
    """``nurse`` → навыка nurse (after "нет"), с навыком nurse; a list takes the plural."""
    many = ", " in value
    if instrumental:
        return f" с {'навыками' if many else 'навыком'} {value}"
    return f"{'навыков' if many else 'навыка'} {value}"


def _parts(value: str) -> str:
    """``; Thursday 2026-12-10 is a public holiday (...); client is away ...``: the days that closed,
    each a reason of its own."""
    return "".join(f"; {_russian(part)}" for part in value.split("; ")[1:])


#: placeholder → (the group it renders, how): the values that change in Russian.
_FILLS: Mapping[str, tuple[str, Callable[[str], str]]] = {
    "date": ("date", _date),
    "start": ("start", _date),
    "end": ("end", _date),
    "from_date": ("from_date", _date),
    "weekday": ("weekday", lambda v: _RU_NAMES[_DAY_NAMES.index(v)]),
    "weekdays": ("weekdays", lambda v: _RU_EVERY[_DAY_NAMES.index(v.removesuffix("s"))]),
    "on_wd": ("on_wd", lambda v: _RU_ON[WEEKDAYS.index(v)]),
    "who": ("who", lambda v: _who(v, genitive=False)),
    "who_gen": ("who", lambda v: _who(v, genitive=True)),
    "skills_gen": ("skills_gen", lambda v: _skills(v, instrumental=False)),
    "skills_ins": ("skills_ins", lambda v: _skills(v, instrumental=True)),
    "when": ("when", lambda v: "на этой неделе" if v == "this week" else f"с {_date(v.removeprefix('from '))}"),
    "of_n": ("of_n", lambda v: f"{v} {_plural(int(v), 'посещения', 'посещений', 'посещений')}"),
    "n_days": ("n_days", lambda v: f"{v} {_plural(int(v), 'день', 'дня', 'дней')}"),
    "gap": ("gap", lambda v: f", если между посещениями не менее {v} {_plural(int(v), 'дня', 'дней', 'дней')}"),
    "closed": ("closed", _parts),
    "reason": ("reason", _russian),
    "away": ("away", _russian),
}

#: The kinds of reasons (``reasons.ReasonKind``) as the run's summary counts them.
_KINDS: Words = {
    "holiday": ("праздничный день", "public holiday"),
    "client-away": ("получатель отсутствует или не дома", "client away or not at home"),
    "worker-absent": ("работник не на смене", "worker off duty"),
    "skill": ("нет нужного навыка", "skill missing"),
    "visit-limit": ("предел посещений в день", "visit limit"),
    "lunch": ("обеденный перерыв", "lunch break"),
    "hours": ("часы получателя и смены", "client's hours and shifts"),
    "no-room": ("нет времени в маршрутах", "no room in the routes"),
    "spacing": ("дни и промежутки между посещениями", "days and spacing"),
    "other": ("другое", "other"),
}

#: The kinds of change re-planning lists (``Change.kind``).
_CHANGES: Words = {
    "moved": ("перенос", "moved"),
    "substitute": ("замена", "substitute"),
    "new-worker": ("новый закреплённый работник", "new-worker"),
    "new": ("новое посещение", "new"),
    "cancelled": ("отмена", "cancelled"),
}


def kind_text(kind: str, lang: Lang) -> str:
    """A kind of reason (``reasons.kind_of``) as a person reads it; an unknown kind is a bug (KeyError)."""
    return word(kind, lang, _KINDS)


def change_text(kind: str, lang: Lang) -> str:
    """A change's kind (``Change.kind``) as a person reads it; an unknown kind is a bug (KeyError)."""
    return word(kind, lang, _CHANGES)
