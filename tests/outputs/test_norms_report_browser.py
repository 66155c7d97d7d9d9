"""``norms_report.html`` in a real browser: Debian's ``chromium`` opens the page ``lean-social norms`` wrote,
with the network cut off, and shows every service's row and both pictures. ``.ci/run`` installs chromium;
without it this test fails, it does not skip."""

from __future__ import annotations

import re
from pathlib import Path

from browser import dump_dom, screenshot
from conftest import DEMO
from lean_social.app.norms import run_norms

OBSERVED = DEMO.parent / "observed" / "observed_visits.csv"


def test_the_report_opens_offline_in_chromium(tmp_path: Path) -> None:
    result = run_norms(DEMO, tmp_path / "out", observed=OBSERVED, bootstrap=20, lang="en")
    page = result.out_dir / "norms_report.html"
    assert page in result.files
    dom = dump_dom(page, tmp_path / "profile")
    assert "<title>Time norms from the time study</title>" in dom
    assert len(re.findall(r'<tr data-verdict="', dom)) == len(result.calibration.services)
    assert len(re.findall(r'<img src="data:image/png;base64,', dom)) == 2
    screenshot(page, tmp_path / "page.png", tmp_path / "profile", size="1100,2400")
