"""The classroom pages in headless Chromium, offline: one trainee phone at 390 px, the trainer.

Starts ``oslsim kelas`` on loopback, refuses every request to another host, joins from the
trainee page with the session code, moves the hours slider, sends the decisions, runs a
round from the trainer screen and checks that the phone shows the new round and its OSL's
dues; screenshots of both pages go to ``OSLSIM_SHOT_DIR`` (or the test's folder).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

import pytest

from test_browser import CHROMIUM, CHROMIUM_ARGS
from test_kelas import running_kelas

TIMEOUT_MS = 60_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing"),
]


def test_trainee_phone_and_trainer_screen(tmp_path):
    from playwright.sync_api import sync_playwright

    shots = Path(os.environ.get("OSLSIM_SHOT_DIR", tmp_path))
    with running_kelas("--households", "1200", "--months", "3", "--seed", "2", "--cold",
                       cwd=tmp_path) as s, sync_playwright() as p:
        url = s["url"]
        local = urlparse(url).netloc
        external: list[str] = []
        errors: list[str] = []
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            def only_local(route) -> None:
                if urlparse(route.request.url).netloc == local:
                    route.continue_()
                else:
                    external.append(route.request.url)
                    route.abort()

            phone = browser.new_context(viewport={"width": 390, "height": 844},
                                        device_scale_factor=2, is_mobile=True, has_touch=True)
            trainee = phone.new_page()
            trainee.route("**/*", only_local)
            trainee.on("pageerror", lambda e: errors.append(str(e)))
            trainee.goto(url + "/ikut", timeout=TIMEOUT_MS)
            trainee.fill("#kode", s["code"])
            trainee.wait_for_function("document.querySelectorAll('#pilih option').length > 1",
                                      timeout=TIMEOUT_MS)
            trainee.fill("#nama", "Sari")
            trainee.click("#masuk")
            trainee.locator("#main").wait_for(timeout=TIMEOUT_MS)
            trainee.wait_for_function("document.querySelector('#osl').innerText !== 'OSL'",
                                      timeout=TIMEOUT_MS)
            osl = trainee.inner_text("#osl")
            assert "Ronde 0" in trainee.inner_text("#jam")
            trainee.fill("#iuran", "25000")
            trainee.locator("#forum_share").fill("40")
            assert trainee.inner_text("#vlayan") == "40%"  # 100 - 40 forum - 20 outreach
            trainee.click("#kirim")
            trainee.wait_for_function("document.querySelector('#status').innerText"
                                      ".includes('Terkirim')", timeout=TIMEOUT_MS)
            wide = trainee.evaluate("document.documentElement.scrollWidth")
            assert wide <= 390, f"the phone page scrolls sideways ({wide} px)"
            trainee.screenshot(path=str(shots / "kelas-ikut-390.png"), full_page=True)

            screen = browser.new_page(viewport={"width": 1366, "height": 900})
            screen.route("**/*", only_local)
            screen.on("pageerror", lambda e: errors.append(str(e)))
            screen.goto(f"{url}/?kunci={s['key']}", timeout=TIMEOUT_MS)
            screen.wait_for_function(f"document.querySelector('#kode').innerText"
                                     f".includes('{s['code']}')", timeout=TIMEOUT_MS)
            screen.wait_for_function("document.querySelector('#peserta').innerText"
                                     ".includes('Sari')", timeout=TIMEOUT_MS)
            assert "✓" in screen.inner_text("#peserta")  # Sari has sent her decisions
            screen.click("button[data-ev=guncangan]")
            screen.wait_for_function("document.querySelector('#akan').innerText"
                                     ".includes('Guncangan')", timeout=TIMEOUT_MS)
            screen.click("#jalan")
            screen.wait_for_function("document.querySelector('#jam').dataset.round === '1'",
                                     timeout=TIMEOUT_MS)
            screen.wait_for_function("document.querySelector('#seri').naturalWidth > 0 && "
                                     "document.querySelector('#jaringan').naturalWidth > 0",
                                     timeout=TIMEOUT_MS)
            screen.screenshot(path=str(shots / "kelas-pelatih.png"), full_page=True)

            trainee.wait_for_function("document.querySelector('#jam').innerText"
                                      ".includes('Ronde 1')", timeout=TIMEOUT_MS)
            assert "Rp 25.000" in trainee.inner_text("#keadaan")
            assert "Guncangan ekonomi" in trainee.inner_text("#umum")
            trainee.reload()  # a reload rejoins as the same OSL
            trainee.wait_for_function(f"document.querySelector('#osl').innerText === {osl!r}",
                                      timeout=TIMEOUT_MS)
            trainee.screenshot(path=str(shots / "kelas-ikut-390-ronde1.png"), full_page=True)
        finally:
            browser.close()
        assert external == [], f"a page tried to reach the internet: {external}"
        assert errors == [], f"page errors: {errors}"
