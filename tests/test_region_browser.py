"""The teaching page on a region in a real browser (headless Chromium, no internet).

Starts ``oslsim serve --scenario kabupaten_contoh --kelurahan "Desa Mekarwangi"``: the whole
kabupaten (60,000 households, 20 kelurahan) runs, the page shows that desa. Checks the note
naming it, its size and budget share, steps two months, switches to another kelurahan with
the page's selector and steps again. Screenshots go to ``$OSLSIM_SHOT_DIR`` (or the test's
temporary folder).
"""

from __future__ import annotations

import pytest

from test_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    LOAD_TIMEOUT_MS,
    _month,
    _offline,
    _shots,
)
from test_dashboard_serve import running_server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not __import__("pathlib").Path(CHROMIUM).exists(),
                       reason=f"{CHROMIUM} is missing"),
]
#: A month of the whole 60,000-household kabupaten takes a fraction of a second alone, but
#: the test machine is shared: allow a minute per step.
REGION_STEP_MS = 60_000


def _wait_month(page, month: int) -> None:
    page.wait_for_function(
        "m => document.querySelector('.oslsim-month')?.dataset.month === String(m)",
        arg=month, timeout=REGION_STEP_MS)


def test_one_kelurahan_of_a_region_in_chromium_offline(tmp_path):
    from playwright.sync_api import sync_playwright

    shots = _shots(tmp_path)
    with running_server("--scenario", "kabupaten_contoh", "--kelurahan", "Desa Mekarwangi",
                        "--lang", "id") as (url, _), sync_playwright() as p:
        external: list[str] = []
        errors: list[str] = []
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 2200})
            _offline(page, url, external)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url, timeout=LOAD_TIMEOUT_MS)
            page.locator(".oslsim-region-note").wait_for(timeout=LOAD_TIMEOUT_MS)
            page.locator(".oslsim-plot-burden svg").first.wait_for(timeout=LOAD_TIMEOUT_MS)
            assert _month(page) == 0
            note = page.locator(".oslsim-region-note").inner_text()
            assert "Desa Mekarwangi, kelurahan 3 dari 20" in note, note
            assert "2.100 dari 60.000 KK" in note and "sama rata per KK" in note, note
            # The summary and the picture are the desa's, not the kabupaten's.
            assert "2.100 KK" in page.locator(".oslsim-summary").inner_text()
            assert "3. Desa Mekarwangi" in page.locator(".oslsim-kelurahan").inner_text()
            assert page.locator(".oslsim-region-levers-note").count() == 1

            step = page.locator(".oslsim-step")
            for month in (1, 2):
                step.click()
                _wait_month(page, month)
            page.screenshot(path=str(shots / "oslsim-region-kelurahan.png"), full_page=True)

            # The selector shows another kelurahan of the same region, from month 0.
            page.locator(".oslsim-kelurahan").click()
            page.locator(".v-menu__content .v-list-item", has_text="17. Kelurahan Pasar").click()
            page.wait_for_function(
                "() => (document.querySelector('.oslsim-region-note')?.innerText || '')"
                ".includes('Kelurahan Pasar')", timeout=REGION_STEP_MS)
            _wait_month(page, 0)
            step.click()
            _wait_month(page, 1)
            note = page.locator(".oslsim-region-note").inner_text()
            assert "kelurahan 17 dari 20" in note, note
            page.screenshot(path=str(shots / "oslsim-region-kota.png"), full_page=True)
            assert not external, external
            assert not errors, errors
            assert page.locator(".v-alert.error").count() == 0
        finally:
            browser.close()
