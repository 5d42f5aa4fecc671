"""``oslsim serve``: bad input is one line with exit status 2; a real server starts offline.

The server test starts ``oslsim serve --port 0`` (any free port) in a subprocess, reads the
address from its start message and fetches the page and its front-end files over HTTP; it
is always stopped. :func:`running_server` is shared with ``test_browser.py``.
"""

from __future__ import annotations

import contextlib
import queue
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator

import pytest

from oslsim.cli import main
from oslsim.dashboard.assets import REQUIRED

MODULE = [sys.executable, "-m", "oslsim.cli"]
START_TIMEOUT_S = 90  # generous: the CI machine is shared, importing Solara takes seconds


@contextlib.contextmanager
def running_server(*args: str) -> Iterator[tuple[str, list[str]]]:
    """Start ``oslsim serve --port 0 ARGS``; yield (url, output lines so far); always stop it."""
    proc = subprocess.Popen([*MODULE, "serve", "--port", "0", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, encoding="utf-8")
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    seen: list[str] = []
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        url = None
        while url is None:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no start message within {START_TIMEOUT_S} s: {seen}"
                                     ) from None
            seen.append(line)
            found = re.search(r"http://[\w.\[\]:]+:\d+", line)
            url = found.group(0) if found else None
        while True:  # wait until it answers
            try:
                with urllib.request.urlopen(url, timeout=10) as r:
                    if r.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise AssertionError(f"server did not answer: {seen}") from None
                time.sleep(0.3)
        yield url, seen
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        yield s.getsockname()[1]


def _one_error_line(capsys) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_busy_port_is_one_line_and_exit_2(busy_port, capsys):
    assert main(["serve", "--port", str(busy_port)]) == 2
    line = _one_error_line(capsys)
    assert line.startswith("oslsim serve: error: --port")
    assert "already in use" in line and str(busy_port) in line


def test_busy_port_through_the_real_command(busy_port):
    out = subprocess.run([*MODULE, "serve", "--port", str(busy_port)], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 2
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert "already in use" in out.stderr and "Traceback" not in out.stderr


@pytest.mark.parametrize(("argv", "needle"), [
    (["--lang", "fr"], "use one of id, en"),
    (["--scenario", "no_govrnment"], "no_government"),
    (["--port", "70000"], "1 to 65535"),
])
def test_bad_options_are_one_line_and_exit_2(argv, needle, capsys):
    assert main(["serve", *argv]) == 2
    line = _one_error_line(capsys)
    assert needle in line


def test_negative_port_is_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["serve", "--port", "-1"])
    assert exc.value.code == 2
    assert "--port" in capsys.readouterr().err


def test_server_starts_on_localhost_and_serves_its_files_locally():
    with running_server("--lang", "en") as (url, lines):
        start = "".join(lines)
        assert url.startswith("http://127.0.0.1:")
        assert "hanya untuk komputer ini" in start and "this computer only" in start
        with urllib.request.urlopen(url, timeout=30) as r:
            page = r.read().decode("utf-8")
        loaded = re.findall(r'(?:src|href)="([^"]+)"', page)
        scripts = [u for u in loaded if u.endswith((".js", ".css"))]
        assert scripts and all(not u.startswith(("http:", "https:", "//")) for u in scripts), \
            scripts
        assert "/_solara/cdn/" in page
        for path in REQUIRED:
            with urllib.request.urlopen(f"{url}/_solara/cdn/{path}", timeout=30) as r:
                assert r.status == 200 and len(r.read()) > 100, path
