"""Time one month on the teaching page: ``python -m oslsim.dashboard.benchmark``.

Measures, for a community of ``--households`` (default 2,000), the server's work for one
press of the step button: the click handler, the model's month and the re-render of the
whole page (network picture, six plots, logic model, stories), through Solara's own
renderer in this process, and the network picture alone (one month's dots over the run's
unchanging layer; goal <= 150 ms at 2,000 households). With ``--browser`` it also times the
round trip in headless Chromium: click, until the month counter shows the next month.
Prints medians.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


def server_step_times(households: int, steps: int) -> list[float]:
    """Seconds per step-button press, rendered in-process by Solara (no browser)."""
    import ipyvuetify as v
    import solara

    from oslsim.dashboard import app
    from oslsim.dashboard.run import Settings

    app.SETTINGS.set(app.initial_settings(None).with_(households=households))
    _, rc = solara.render(app.Page(), handle_error=False)
    button = rc.find(v.Btn, class_="oslsim-step").widget
    button.click()  # warm-up: first matplotlib draw, caches
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        button.click()
        times.append(time.perf_counter() - start)
    # the counter shows every month stepped (warm-up included): the clicks really stepped
    assert app.SETTINGS.value.households == households
    rc.find(attributes={"data-month": steps + 1, "data-testid": "month",
                        "class": "oslsim-month"}).assert_single()
    rc.close()
    app.SETTINGS.set(Settings())
    return times


def network_times(households: int, steps: int) -> tuple[float, list[float]]:
    """Seconds to draw the unchanging layer once, and the network picture month by month."""
    from oslsim.dashboard.figures import network_picture, network_png
    from oslsim.dashboard.run import DashboardRun, Settings

    run = DashboardRun(Settings(households=households))
    start = time.perf_counter()
    picture = network_picture(run, "id", "pmks")
    layer = time.perf_counter() - start
    times = []
    for _ in range(steps):
        run.step()
        start = time.perf_counter()
        network_png(run, "id", "pmks", picture)
        times.append(time.perf_counter() - start)
    return layer, times


def browser_step_times(households: int, steps: int) -> list[float]:
    """Seconds from a click on the step button to the next month on screen (Chromium)."""
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ}
    proc = subprocess.Popen([sys.executable, "-m", "oslsim.cli", "serve", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1500, "height": 2000})
            deadline = time.monotonic() + 60
            while True:
                try:
                    page.goto(f"http://127.0.0.1:{port}")
                    break
                except Exception:  # noqa: BLE001 - server still starting
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.5)
            page.locator(".oslsim-month").wait_for(timeout=60000)
            if households != 2000:
                raise SystemExit("--browser measures the default 2,000 households")
            times = []
            for _ in range(steps + 1):
                before = page.locator(".oslsim-month").get_attribute("data-month")
                start = time.perf_counter()
                page.locator(".oslsim-step").click()
                page.wait_for_function(
                    "m => document.querySelector('.oslsim-month').dataset.month != m",
                    arg=before, timeout=30000)
                times.append(time.perf_counter() - start)
            browser.close()
        return times[1:]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def main(argv: list[str] | None = None) -> int:
    """Print the median seconds per month for the server and (optionally) the browser."""
    parser = argparse.ArgumentParser(prog="python -m oslsim.dashboard.benchmark",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=2000)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--browser", action="store_true",
                        help="also time the round trip in headless Chromium")
    args = parser.parse_args(argv)
    layer, net = network_times(args.households, args.steps)
    print(f"network: picture of {args.households} households, median "
          f"{1000 * statistics.median(net):.0f} ms, max {1000 * max(net):.0f} ms "
          f"({args.steps} months; its unchanging layer once per run: {1000 * layer:.0f} ms)")
    server = server_step_times(args.households, args.steps)
    print(f"server: one month at {args.households} households, median "
          f"{statistics.median(server):.3f} s, max {max(server):.3f} s ({args.steps} steps)")
    if args.browser:
        if not Path(CHROMIUM).exists():
            print(f"browser: skipped ({CHROMIUM} not found)")
            return 0
        page = browser_step_times(args.households, args.steps)
        print(f"browser: click to next month on screen, median {statistics.median(page):.3f} "
              f"s, max {max(page):.3f} s ({args.steps} steps)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
