"""The teaching page in a real browser: headless Chromium through Playwright, no internet.

Starts ``oslsim serve`` on a free port and loads the page with every request to another host
refused (a classroom without internet). The first test moves a slider, steps, plays and
pauses. The second follows the lesson plan of ``docs/teaching.md``: pick a site, run to month
24, pin it as A, change a lever, run B to month 24, read the difference table, export the CSV
(and check its rows) and the PNG, click the network, open the print view (one A4 page),
check that no English word and no decimal-point number shows in Indonesian, switch language,
and look at the page on a 390 px phone, where the columns stack. Screenshots go to
``$OSLSIM_SHOT_DIR`` (or the test's temporary folder).
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
            page.locator(".oslsim-plot-burden svg").first.wait_for(timeout=LOAD_TIMEOUT_MS)
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
            page.locator(".oslsim-play").click()  # now labelled "Hentikan sementara"
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


#: Words that may stand in Indonesian text (the study's abbreviations and loan terms).
ALLOWED = {"WKSBM", "PMKS", "PPKS", "PSKS", "OSL", "KPS", "KK", "RT", "RW", "PKK", "KUBE",
           "PDPS", "Diklat", "Kesos", "BPS", "Pemda", "Rp", "seed", "CSV", "PNG", "A4",
           "Bahasa", "English"}
#: English words that must not show on the Indonesian page (whole words).
ENGLISH = {"the", "and", "of", "households", "household", "run", "runs", "capture", "share",
           "month", "burden", "served", "pts", "living", "capacity", "members", "pause",
           "step", "reset", "play", "download", "print", "link", "coverage", "solidarity",
           "not", "with", "by"}
#: A number written with a decimal point: 0.18, 22.0779, 10.00 (a thousands dot, 2.000, is
#: Indonesian and allowed).
DECIMAL_POINT = r"(?<![\d.,])(0\.\d+|\d+\.(?:\d{1,2}|\d{4,})(?!\d))"


def _shots(tmp_path) -> Path:
    return Path(os.environ.get("OSLSIM_SHOT_DIR", tmp_path))


def _offline(page, url: str, external: list[str]) -> None:
    local = urlparse(url).netloc

    def only_local(route) -> None:
        target = urlparse(route.request.url)
        if target.scheme in ("data", "blob") or target.netloc == local:
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)


def _run_to(page, month: int) -> None:
    box = page.locator("input[data-testid=run-to-month]")
    box.fill(str(month))
    box.press("Tab")
    go = page.locator("[data-testid=run-to-month-go]")
    page.wait_for_function(
        "m => document.querySelector('[data-testid=run-to-month-go]').innerText.includes(m)",
        arg=f"{month}", timeout=STEP_TIMEOUT_MS)
    go.click()
    _wait_month(page, month)


def test_lesson_plan_in_chromium_offline(tmp_path):
    import io
    import re

    import pandas as pd
    from playwright.sync_api import sync_playwright

    shots = _shots(tmp_path)
    with running_server() as (url, _), sync_playwright() as p:
        external: list[str] = []
        errors: list[str] = []
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1500, "height": 2200},
                                          accept_downloads=True)
            page = context.new_page()
            _offline(page, url, external)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url, timeout=LOAD_TIMEOUT_MS)
            page.locator("[data-testid=month]").wait_for(timeout=LOAD_TIMEOUT_MS)

            # 1. pick a site: Surosutan (one WKSBM in every RW)
            page.locator(".oslsim-scenario").click()
            page.locator(".v-menu__content .v-list-item", has_text="Surosutan").click()
            page.wait_for_function(
                "() => document.querySelector('.oslsim-lever-wksbm .oslsim-lever-value')"
                ".innerText === '1'", timeout=LOAD_TIMEOUT_MS)
            page.locator("[data-testid=info-panel]").wait_for()
            assert "Apa yang diperhatikan" in page.locator("[data-testid=info-panel]").inner_text()
            assert "dihangatkan" in page.inner_text("body") or \
                "sudah dijalankan" in page.inner_text("body")  # the warm start is said

            # 2. run to month 24 and pin it as run A
            _run_to(page, 24)
            page.locator("[data-testid=pin-run]").click()
            page.locator("[data-testid=compare-table]").wait_for(timeout=STEP_TIMEOUT_MS)

            # 3. change a lever (WKSBM coverage to 0) and run B to month 24
            thumb = page.locator(".oslsim-lever-wksbm [role=slider]").first
            thumb.focus()
            thumb.press("Home")
            page.wait_for_function(
                "() => document.querySelector('.oslsim-lever-wksbm .oslsim-lever-value')"
                ".innerText === '0'", timeout=STEP_TIMEOUT_MS)
            _wait_month(page, 0)
            _run_to(page, 24)
            table = page.locator("[data-testid=compare-table]")
            page.wait_for_function(
                "() => document.querySelector('[data-testid=compare-table] table')"
                "?.dataset.month === '24'", timeout=STEP_TIMEOUT_MS)
            text = table.inner_text()
            assert "Perbandingan percobaan A dan B pada bulan ke-24" in text
            assert "1 → 0" in text  # the lever that differs
            assert table.locator("tbody tr").count() == 11
            page.screenshot(path=str(shots / "oslsim-lesson-id.png"), full_page=True)

            # 4. export the run: CSV (A and B, months 0-24) and the plots as PNG
            with page.expect_download() as dl:
                page.locator("[data-testid=export-csv]").click()
            csv = Path(dl.value.path()).read_text(encoding="utf-8")
            frame = pd.read_csv(io.StringIO(csv), sep=";", decimal=",")
            assert list(frame["run"]) == ["A"] * 25 + ["B"] * 25
            assert list(frame["month"]) == [*range(25), *range(25)]
            assert frame["burden"].between(0, 10).all()
            with page.expect_download() as dl:
                page.locator("[data-testid=export-png]").click()
            assert Path(dl.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
            href = page.locator("[data-testid=share-link]").get_attribute("href")
            assert "site=surosutan" in href and "wksbm=0" in href

            # 5. click a household in the network: its story opens
            story = page.locator(".oslsim-household .oslsim-story")
            before = story.inner_text()
            img = page.locator("[data-testid=network]")
            box = img.bounding_box()
            for fx, fy in ((0.5, 0.3), (0.3, 0.2), (0.6, 0.4), (0.4, 0.35), (0.2, 0.3)):
                img.click(position={"x": box["width"] * fx, "y": box["height"] * fy})
                page.wait_for_timeout(1500)
                if story.inner_text() != before:
                    break
            assert story.inner_text() != before, "no click on the network picked a household"
            assert re.match(r"Rumah tangga \d+ di RT \d\d/RW \d\d", story.inner_text())

            # 6. no English word and no decimal point in Indonesian
            body = page.inner_text("body")
            words = {w for w in re.findall(r"[A-Za-z]+", body)
                     if w.lower() in ENGLISH and w not in ALLOWED}
            assert words == set(), f"English on the Indonesian page: {sorted(words)}"
            found = re.findall(DECIMAL_POINT, body)
            assert found == [], f"decimal points on the Indonesian page: {found}"

            # 7. the print view: one A4 page with the settings, logic model and A/B table
            page.locator("[data-testid=print-summary]").click()
            page.locator("[data-testid=print-view]").wait_for(timeout=STEP_TIMEOUT_MS)
            page.locator("[data-testid=print-compare]").wait_for()
            page.wait_for_timeout(1000)
            page.emulate_media(media="print")
            pdf = page.pdf(format="A4", print_background=True)
            (shots / "oslsim-print.pdf").write_bytes(pdf)
            page.screenshot(path=str(shots / "oslsim-print.png"), full_page=True)
            pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
            assert pages == 1, f"the printed summary takes {pages} pages"
            page.emulate_media(media="screen")
            page.locator(".oslsim-print-close").click()
            page.locator("[data-testid=month]").wait_for(timeout=STEP_TIMEOUT_MS)

            # 8. switch language
            page.locator(".oslsim-lang-en").click()
            page.wait_for_function(
                "() => document.querySelector('.oslsim-step').innerText.includes('Step')",
                timeout=STEP_TIMEOUT_MS)
            page.wait_for_function(
                "() => document.body.innerText.includes('Run A against run B at month 24')"
                " && document.body.innerText.includes('Glossary')", timeout=STEP_TIMEOUT_MS)

            # 9. a phone, 390 px wide: the columns stack and nothing is wider than the screen
            phone = browser.new_page(viewport={"width": 390, "height": 844})
            _offline(phone, url, external)
            phone.goto(url + href, timeout=LOAD_TIMEOUT_MS)  # the shared link, too
            phone.locator("[data-testid=month]").wait_for(timeout=LOAD_TIMEOUT_MS)
            phone.locator(".oslsim-plot-burden svg").first.wait_for(timeout=LOAD_TIMEOUT_MS)
            phone.wait_for_function(
                "() => document.querySelector('.oslsim-lever-wksbm .oslsim-lever-value')"
                ".innerText === '0'", timeout=LOAD_TIMEOUT_MS)  # the link's settings
            side = phone.locator(".oslsim-side").bounding_box()
            main = phone.locator(".oslsim-main").bounding_box()
            net = phone.locator(".oslsim-network").bounding_box()
            assert main["y"] >= side["y"] + side["height"] - 1, "columns did not stack"
            assert side["width"] <= 390 and main["width"] <= 390 and net["width"] <= 390
            assert net["width"] >= 300  # the network uses the phone's width
            wide = phone.evaluate("document.documentElement.scrollWidth")
            assert wide <= 392, f"the page is {wide} px wide on a 390 px screen"
            phone.screenshot(path=str(shots / "oslsim-390px.png"))
            # the whole stacked page: the page scrolls inside its own frame, so grow the
            # viewport (same width) rather than asking for a full-page picture
            phone.set_viewport_size({"width": 390, "height": 7000})
            phone.wait_for_timeout(1500)
            assert phone.evaluate("document.documentElement.scrollWidth") <= 392
            phone.screenshot(path=str(shots / "oslsim-390px-whole.png"))
        finally:
            browser.close()
        assert external == [], f"the page tried to reach the internet: {external}"
        assert errors == [], f"JavaScript errors: {errors}"
