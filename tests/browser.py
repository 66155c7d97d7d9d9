"""Debian's headless Chromium for the tests that look at a page as a person would: the maps, the route
sheets. ``.ci/run`` installs it; without it these tests fail, they do not skip.

Every run goes through a proxy that points nowhere, so a page that asked for anything from the network
would get nothing: what the tests see is what a planner on a closed network sees.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

__all__ = ["chromium", "dump_dom", "screenshot"]


def _binary() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("chromium is not installed: `apt-get install -y chromium` (.ci/run installs it)")


def chromium(page: Path, profile: Path, *args: str) -> str:
    """Run headless Chromium on the file ``page`` with ``args``; its standard output."""
    result = subprocess.run(
        [
            _binary(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            "--proxy-server=http://127.0.0.1:9",  # nothing could be fetched were anything asked for
            f"--user-data-dir={profile}",
            *args,
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def dump_dom(page: Path, profile: Path) -> str:
    """The DOM after the page's own scripts ran, as Chromium serialises it."""
    return chromium(page, profile, "--virtual-time-budget=5000", "--dump-dom")


def screenshot(page: Path, image: Path, profile: Path, *, size: str = "1200,800") -> None:
    """A PNG of the page as a window of ``size`` shows it."""
    chromium(page, profile, f"--window-size={size}", "--virtual-time-budget=5000", f"--screenshot={image}")
    assert image.stat().st_size > 10_000, f"{image} looks empty"
