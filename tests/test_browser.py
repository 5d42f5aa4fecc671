"""The teaching page in a real browser: headless Chromium through Playwright, no internet.

Starts ``oslsim serve`` on a free port, loads the page with every request to another host
refused (a classroom without internet), moves a slider, steps several months, checks the
month counter and the burden plot changed, plays and pauses, switches to English and saves
a screenshot.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from test_dashboard_serve import running_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
#: Waits are generous: the CI machine is shared, the first page load compiles a lot of JS.
LOAD_TIMEOUT_MS = 90_000
STEP_TIMEOUT_MS = 30_000
STEPS = 4

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"{CHROMIUM} is missing (CI installs Debian's chromium; "
                              "locally: apt-get install chromium)"),
]


def _month(page) -> int:
    return int(page.locator(".oslsim-month").get_attribute("data-month"))


def _wait_month(page, month: int) -> None:
    page.wait_for_function(
        "m => document.querySelector('.oslsim-month')?.dataset.month === String(m)",
        arg=month, timeout=STEP_TIMEOUT_MS)


def _wait_changed(locator, before: bytes, timeout_s: float = 20.0) -> bytes:
    """Screenshot ``locator`` until it differs from ``before`` (ECharts redraws async)."""
    deadline = time.monotonic() + timeout_s
    while True:
        now = locator.screenshot()
        if now != before or time.monotonic() > deadline:
            return now
        time.sleep(0.3)


def test_page_in_chromium_offline(tmp_path):
    from playwright.sync_api import sync_playwright

    with running_server() as (url, _), sync_playwright() as p:
        local = urlparse(url).netloc
        external: list[str] = []
        failed: list[str] = []
        errors: list[str] = []
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 2200})

            def only_local(route) -> None:
                target = urlparse(route.request.url)
                if target.scheme in ("data", "blob") or target.netloc == local:
                    route.continue_()
                else:
                    external.append(route.request.url)
                    route.abort()

            page.route("**/*", only_local)
            page.on("requestfailed", lambda r: failed.append(f"{r.url} {r.failure}"))
            page.on("response", lambda r: failed.append(f"{r.status} {r.url}")
                    if r.status >= 400 else None)
            page.on("pageerror", lambda e: errors.append(str(e)))

            page.goto(url, timeout=LOAD_TIMEOUT_MS)
            page.locator(".oslsim-month").wait_for(timeout=LOAD_TIMEOUT_MS)
            page.locator(".oslsim-plot-burden canvas").first.wait_for(timeout=LOAD_TIMEOUT_MS)
            assert _month(page) == 0
            step = page.locator(".oslsim-step")
            assert "Maju 1 bulan" in step.inner_text()

            # a slider: two steps right on the WKSBM lever (keyboard, as a trainee could)
            value = page.locator(".oslsim-lever-wksbm .oslsim-lever-value")
            before_value = float(value.inner_text().replace(",", "."))
            thumb = page.locator(".oslsim-lever-wksbm [role=slider]").first
            thumb.focus()
            thumb.press("ArrowRight")
            thumb.press("ArrowRight")
            expected = f"{round(before_value + 0.2, 2):g}".replace(".", ",")  # two steps of 0,1
            page.wait_for_function(
                "v => document.querySelector('.oslsim-lever-wksbm .oslsim-lever-value')"
                ".innerText === v", arg=expected, timeout=STEP_TIMEOUT_MS)
            _wait_month(page, 0)  # a lever change restarts at month 0

            burden = page.locator(".oslsim-plot-burden")
            plot_before = burden.screenshot()
            for month in range(1, STEPS + 1):
                step.click()
                _wait_month(page, month)
            assert "Bulan ke-4" in page.locator(".oslsim-month").inner_text()
            plot_after = _wait_changed(burden, plot_before)
            assert plot_after != plot_before, "the burden plot did not change"

            # play runs month after month by itself; pause stops it
            page.locator(".oslsim-play").click()
            page.wait_for_function(
                "m => Number(document.querySelector('.oslsim-month').dataset.month) >= m",
                arg=STEPS + 2, timeout=STEP_TIMEOUT_MS)
            page.locator(".oslsim-play").click()  # now labelled "Jeda" (pause)
            page.wait_for_function(
                "() => document.querySelector('.oslsim-play').innerText.includes('Jalankan')",
                timeout=STEP_TIMEOUT_MS)
            page.wait_for_timeout(1000)  # a month already under way may still land
            paused = _month(page)
            page.wait_for_timeout(2000)
            assert _month(page) == paused, "the run went on after pause"
            assert paused >= STEPS + 2

            page.locator(".oslsim-lang-en").click()
            page.wait_for_function(
                "() => document.querySelector('.oslsim-step').innerText.includes('Step')",
                timeout=STEP_TIMEOUT_MS)
            assert f"Month {paused}" in page.locator(".oslsim-month").inner_text()
            assert "policy levers" in page.inner_text("body").lower()  # CSS upper-cases it

            shot = Path(os.environ.get("OSLSIM_SHOT_DIR", tmp_path)) / "oslsim-page-en.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
        finally:
            browser.close()
        assert external == [], f"the page tried to reach the internet: {external}"
        assert failed == [], f"requests failed: {failed}"
        assert errors == [], f"JavaScript errors: {errors}"
