"""``lean-social capacity`` on the demo centre and the rural district: staff per department and scenario,
caseloads, the page and the summary in Russian, scenarios that move the figures the way they should,
and bad input refused with nothing written."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from conftest import DEMO
from lean_social import read_folder
from lean_social.app.capacity import CapacityResult, run_capacity
from lean_social.app.cli import main
from lean_social.domain.demand import week_demand
from lean_social.domain.staff import Scenario, Staff
from lean_social.outputs.capacity_report import capacity_html

MONDAY = "2026-12-07"
DISTRICT = DEMO.parent / "zimovniki"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def _by(rows: list[dict[str, str]], scenario: str) -> dict[str, dict[str, str]]:
    return {r["department"]: r for r in rows if r["scenario"] == scenario}


def test_capacity_of_the_demo_week_with_the_default_scenarios(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["capacity", str(DEMO), "--week", MONDAY, "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "штат на неделю с 07.12.2026" in err and "получателей +10 %" in err and "пешком → на велосипеде" in err
    assert sorted(p.name for p in out.iterdir()) == ["capacity.html", "caseload.csv", "run.json", "staff.csv"]
    staff = _rows(out / "staff.csv")
    now, more, bikes = _by(staff, "current"), _by(staff, "clients=+10%"), _by(staff, "mode=foot:bike")
    assert set(now) == {"D1", "D2", "D3"} and len(staff) == 9
    for department, row in now.items():
        needed = float(row["demand_h"]) / 37  # FTE = hours / (40 h x 0.925)
        assert float(row["fte_needed"]) == pytest.approx(needed, abs=0.01)
        assert float(row["demand_h"]) == pytest.approx(float(row["service_h"]) + float(row["travel_h"]), abs=0.11)
        assert float(more[department]["fte_needed"]) > float(row["fte_needed"])  # more clients, more staff
        assert float(more[department]["visits"]) == pytest.approx(1.1 * float(row["visits"]), abs=0.06)
        # Bicycles for the walkers: less travel a visit, fewer FTE; the same hours present.
        assert float(bikes[department]["travel_min_per_visit"]) < float(row["travel_min_per_visit"])
        assert float(bikes[department]["fte_needed"]) < float(row["fte_needed"])
        assert bikes[department]["fte_present"] == row["fte_present"]
        # Against the flat allowance of 15 minutes, the town's expected way is shorter.
        assert 3 < float(row["travel_min_per_visit"]) < 15
    caseload = _rows(out / "caseload.csv")
    assert len(caseload) == 3 * 3 * 4  # scenarios x departments x modes
    page = (out / "capacity.html").read_text(encoding="utf-8")
    assert '<html lang="ru">' in page and "Штат, ставок" in page and "<script" not in page
    assert page.count("<table>") == 2 + 6  # the two side by side, then staff and caseload of each scenario
    assert page.count('<th colspan="2">получателей +10 %</th>') == 2
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["settings"]["time_use_coefficient"] == 0.925 and run["settings"]["fte_week_h"] == 37.0
    assert run["fte_needed"]["clients=+10%"] > run["fte_needed"]["current"] > run["fte_needed"]["mode=foot:bike"]


def test_new_norms_drive_the_demand(tmp_path: Path) -> None:
    """FOOD's norm 40 → 60 minutes: the scenario's service hours grow by 20 minutes per FOOD service
    the week's visits carry, counted here from the week's demand."""
    lines = (DEMO / "services.csv").read_text(encoding="utf-8").splitlines()
    services = tmp_path / "services.csv"
    services.write_text(
        "\n".join(line.replace(",40,,shop", ",60,,shop") if line.startswith("FOOD,") else line for line in lines)
        + "\n",
        encoding="utf-8",
    )
    demo = read_folder(DEMO)
    monday = dt.date.fromisoformat(MONDAY)
    food = dict.fromkeys(demo.departments, 0)
    for cw in week_demand(demo, monday):
        food[cw.department] += sum(slot.count("FOOD") for slot in cw.slots)
    result = run_capacity(
        DEMO, monday, tmp_path / "out", scenarios=[f"norms={services}", f"norms={services},clients=+10%"]
    )
    rows = {(s.scenario, s.department): s for s in result.staff}
    for department in demo.departments:
        now, new = rows[("current", department)], rows[(f"norms={services}", department)]
        assert food[department] > 0
        assert new.service_h - now.service_h == pytest.approx(20 * food[department] / 60)
        assert new.fte_needed > now.fte_needed
        both = rows[(f"norms={services},clients=+10%", department)]
        assert both.service_h == pytest.approx(1.1 * new.service_h)  # the changes combine
    assert result.scenarios[1].norms_from == str(services)
    page = (tmp_path / "out" / "capacity.html").read_text(encoding="utf-8")
    assert f"нормы из {services}" in page


def test_the_rural_district_carries_fewer_clients_per_worker(tmp_path: Path) -> None:
    """Zimovniki's villages lie kilometres apart: its workers' expected way is longer and their caseload
    smaller than the town's, for every mode its workers use."""
    town = run_capacity(DEMO, dt.date.fromisoformat(MONDAY), tmp_path / "town")
    district = run_capacity(DISTRICT, dt.date.fromisoformat(MONDAY), tmp_path / "district")
    assert [s.name for s in district.scenarios] == ["current", "clients=+10%"]  # no walkers: no bike scenario

    def loads(result: CapacityResult) -> list[float | None]:
        return [c.clients_per_fte for c in result.caseloads if c.scenario == "current" and c.workers]

    assert None not in loads(district) + loads(town)
    assert max(loads(district)) < min(loads(town))  # type: ignore[type-var]
    travel = {s.department: s.travel_min_per_visit for s in district.staff if s.scenario == "current"}
    assert min(travel.values()) > max(s.travel_min_per_visit for s in town.staff)


def test_english_on_request(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    args = ["capacity", str(DISTRICT), "--week", MONDAY, "--out", str(out), "--lang", "en", "--csv-sep", ";"]
    assert main([*args, "--scenario", "mode=transit:car"]) == 0
    assert "staff for the week of 2026-12-07" in capsys.readouterr().err
    page = (out / "capacity.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "Clients per FTE" in page and "by bus → by car" in page
    assert (out / "staff.csv").read_text(encoding="utf-8-sig").startswith("department;scenario;")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--week", "2026-12-08"], "is a Tuesday"),
        (["--week", MONDAY, "--scenario", "norms=/no/such/services.csv"], "no file at"),
        (["--week", MONDAY, "--scenario", "clients=+ten%"], "per cent"),
        (["--week", MONDAY, "--scenario", "clients=10"], "per cent"),
        (["--week", MONDAY, "--scenario", "clients=-100%"], "per cent"),
        (["--week", MONDAY, "--scenario", "clients=+1e9%"], "per cent"),
        (["--week", MONDAY, "--scenario", "mode=foot:plane"], "FROM:TO"),
        (["--week", MONDAY, "--scenario", "staff=+1"], "each change is"),
        (["--week", MONDAY, "--scenario", "clients=+5%,clients=+6%"], "twice"),
    ],
)
def test_bad_options_exit_2_with_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], says: str
) -> None:
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as stopped:
        main(["capacity", str(DEMO), "--out", str(out), *args])
    assert stopped.value.code == 2
    assert says in capsys.readouterr().err
    assert not out.exists()


def test_a_bad_norms_file_is_named_with_row_and_column_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    services = tmp_path / "services.csv"
    text = (DEMO / "services.csv").read_text(encoding="utf-8")
    services.write_text(text.replace("DISH,Мытьё посуды,10", "DISH,Мытьё посуды,десять"), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["capacity", str(DEMO), "--week", MONDAY, "--out", str(out), "--scenario", f"norms={services}"]) == 1
    err = capsys.readouterr().err
    assert f"{services}, row 4, column 'norm_min'" in err
    assert not out.exists()
    # A catalogue without a service the programmes name: the programmes' rows say which.
    services.write_text("\n".join(line for line in text.splitlines() if not line.startswith("FOOD,")), encoding="utf-8")
    assert main(["capacity", str(DEMO), "--week", MONDAY, "--out", str(out), "--scenario", f"norms={services}"]) == 1
    assert f"programmes.csv (with {services})" in capsys.readouterr().err
    assert not out.exists()


def test_from_python_a_week_must_start_on_monday(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="Monday"):
        run_capacity(DEMO, dt.date(2026, 12, 8), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_the_page_escapes_what_the_data_says() -> None:
    row = Staff(
        department="<b>D1</b>",
        scenario="current",
        workers=1,
        visits=2,
        service_h=1.5,
        travel_min_per_visit=12,
        available_h=38.25,
    )
    page = capacity_html(dt.date(2026, 12, 7), [Scenario(name="current")], [row], [])
    assert "&lt;b&gt;D1&lt;/b&gt;" in page and "<b>D1" not in page


def test_the_week_counts_with_the_norms_in_effect_and_a_version_can_be_a_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The demo's ``calibrated-2026-11`` takes effect on 2027-01-01: a December week is counted with the
    base norms and can set the new version beside them; a January week is counted with the new one."""
    demo = read_folder(DEMO)
    calibrated = demo.with_norms("calibrated-2026-11")
    monday = dt.date.fromisoformat(MONDAY)
    extra = dict.fromkeys(demo.departments, 0.0)  # minutes the new norms add to the week's services
    for cw in week_demand(demo, monday):
        for slot in cw.slots:
            extra[cw.department] += sum(calibrated.service(c).norm_min - demo.service(c).norm_min for c in slot)
    result = run_capacity(DEMO, monday, tmp_path / "december", scenarios=["norms=calibrated-2026-11"])
    rows = {(s.scenario, s.department): s for s in result.staff}
    for department in demo.departments:
        now, new = rows[("current", department)], rows[("norms=calibrated-2026-11", department)]
        assert new.service_h - now.service_h == pytest.approx(extra[department] / 60)
    assert result.scenarios[1].norms_from == "calibrated-2026-11"
    run = json.loads((tmp_path / "december" / "run.json").read_text(encoding="utf-8"))
    assert run["norms"]["version"] == "base"

    january = run_capacity(DEMO, dt.date(2027, 1, 4), tmp_path / "january", scenarios=[])
    run = json.loads((tmp_path / "january" / "run.json").read_text(encoding="utf-8"))
    assert run["norms"] == {
        "version": "calibrated-2026-11",
        "effective": "2027-01-01",
        "source": run["norms"]["source"],
    }
    assert january.staff and all(s.scenario == "current" for s in january.staff)

    out = tmp_path / "unknown"
    assert main(["capacity", str(DEMO), "--week", MONDAY, "--out", str(out), "--scenario", "norms=nosuch"]) == 2
    assert "no norms version 'nosuch'" in capsys.readouterr().err and not out.exists()
