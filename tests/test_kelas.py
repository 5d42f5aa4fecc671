"""``oslsim kelas``: the shared classroom world, its bounds, its server and its replay.

The session test starts ``oslsim kelas --port 0`` in a subprocess on loopback, joins 40
trainees over plain HTTP (a bounded thread pool, every request with a timeout), has each
send its own decisions for 3 rounds, and checks what the issue asks: the world advanced 3
rounds, each decision reached only its own OSL, a wrong code and a forged token are
refused, and the replay of the saved log gives the same monthly table.
"""

from __future__ import annotations

import contextlib
import io
import json
import queue
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

from oslsim.cli import main
from oslsim.kelas.world import DECISIONS, KelasWorld, check_decisions, load_log
from oslsim.phases.identification import forum_work
from tiny import P, add_org, make_state

MODULE = [sys.executable, "-m", "oslsim.cli"]
START_TIMEOUT_S = 120  # generous: the machine is shared; building the kelurahan takes seconds
REQUEST_TIMEOUT_S = 60  # a round of 2 months on 2,000 households takes well under this
TRAINEES = 40


# --------------------------------------------------------------------------- bounds


def test_decisions_are_bounded_by_the_parameters_ranges():
    low, high = DECISIONS["dues"]["range"]
    assert (low, high) == (0.0, 500_000.0)  # kinds.*.dues in params.py
    assert check_decisions({"dues": 20_000, "forum": True, "service_share": 0.5}) == {
        "dues": 20_000.0, "forum": True, "service_share": 0.5}
    for bad in ({"dues": -1}, {"dues": 500_001}, {"service_share": 1.5},
                {"forum_share": 0.7, "outreach_share": 0.4}, {"forum": 1}, {"dues": "10"},
                {"dues": float("nan")}, {"row": 3}, {"forum_share": True}, [1, 2]):
        with pytest.raises(ValueError):
            check_decisions(bad)


def test_an_hours_split_caps_forum_and_outreach_hours():
    # Forum of one: the rule would give 6 h to the forum and 8 h to outreach out of 20 h.
    st = make_state(rt=[0, 1, 1], n_rt=2)
    forum = add_org(st, "pkk", members=[1], wksbm=True)
    params = P({"time.forum_hours": 6.0, "time.forum_hours_per_member": 0.5,
                "time.outreach_hours": 8.0})
    st.hours[: st.m] = 20.0
    st.forum_share[forum], st.outreach_share[forum] = 0.15, 0.1  # 3 h and 2 h of 20
    forum_work(st, params)
    assert st.forum_effort[forum] == pytest.approx(3.0 / 6.0)
    assert st.outreach[forum] == pytest.approx(2.0 / 8.0)
    assert st.hours[forum] == pytest.approx(15.0)  # the rest stays for service
    # NaN (the default) is the model's own rule.
    st.hours[: st.m] = 20.0
    st.forum_share[forum] = st.outreach_share[forum] = np.nan
    forum_work(st, params)
    assert (st.forum_effort[forum], st.outreach[forum], st.hours[forum]) == (1.0, 1.0, 6.0)


def test_a_service_share_of_zero_stops_an_osls_own_service():
    def month(share):
        w = KelasWorld(site="baseline", seed=3, households=600, round_months=3,
                       warmup=False)
        st = w.model.state
        rows = np.flatnonzero(st.alive[: st.m] & ~st.wksbm[: st.m])
        m0 = st.m
        served = np.zeros(m0, int)

        def count(model):
            served[:] += model.state.cases_served[:m0]

        w.model.add_hook(count, when="after")
        if share is not None:
            st.service_share[rows] = share
        w.model.run(3)
        return served[rows]

    free, stopped = month(None), month(0.0)
    assert free.sum() > 0  # the rule (30% of the treasury) serves cases
    assert stopped.sum() == 0  # nothing spent, nothing served by these groups


def test_decisions_reach_only_their_own_osl_and_replay_exactly(tmp_path):
    w = KelasWorld(site="baseline", seed=5, households=800, round_months=2,
                   log_path=tmp_path / "log.json", warmup=False)
    alone = KelasWorld(site="baseline", seed=5, households=800, round_months=2, warmup=False)
    a = w.join(w.code, "Sari")
    b = w.join(w.code, "Budi")
    w.decide(a.token, {"dues": 12_345.0, "service_share": 0.6, "forum_share": 0.2})
    w.decide(b.token, {"dues": 0.0, "forum": False, "diklat": True})
    w.announce("diklat")
    w.advance()
    alone.advance()
    st, st0 = w.model.state, alone.model.state
    assert st.dues[a.row] == 12_345.0 and st.service_share[a.row] == 0.6
    assert st.dues[b.row] == 0.0 and not st.wksbm[b.row] and st.trained[b.row] == 1
    others = np.setdiff1d(np.arange(st.m), [a.row, b.row])
    others = others[others < st0.m]
    assert np.isnan(st.service_share[others]).all() and np.isnan(st.forum_share[others]).all()
    np.testing.assert_array_equal(st.dues[others], st0.dues[others])  # nobody else's dues
    assert st.trained[others].sum() == st0.trained[others].sum()
    w.announce("guncangan")
    w.advance()
    assert len(w.debrief_frame()) == 4  # 2 OSL x 2 rounds
    again = KelasWorld.replay(load_log(tmp_path / "log.json"))
    pd.testing.assert_frame_equal(again.timeseries(), w.timeseries())
    pd.testing.assert_frame_equal(again.debrief_frame(), w.debrief_frame())
    assert not w.timeseries().equals(alone.timeseries())  # the choices changed the world


def test_a_wrong_code_and_an_unknown_token_are_refused():
    w = KelasWorld(site="baseline", seed=1, households=300, warmup=False)
    with pytest.raises(PermissionError):
        w.join("0000" if w.code != "0000" else "1111", "X")
    with pytest.raises(PermissionError):
        w.decide("forged-token", {"dues": 1.0})
    t = w.join(w.code, "Y")
    with pytest.raises(ValueError):
        w.join(w.code, "Z", row=t.row)  # taken


# --------------------------------------------------------------------------- the CLI


@pytest.mark.parametrize("args, words", [
    (["--months", "0"], "--months"),
    (["--months", "25"], "--months"),
    (["--csv", "x.csv"], "--replay"),
    (["--site", "nowhere"], "--site"),
    (["--households", "0"], "--households"),
])
def test_bad_options_are_one_line_and_exit_2(args, words, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["kelas", "--port", "0", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert words in err and "\n" not in err and "Traceback" not in err


def test_a_busy_port_is_one_line_and_exit_2(capsys, tmp_path, monkeypatch):
    import socket

    monkeypatch.chdir(tmp_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        assert main(["kelas", "--port", str(port)]) == 2
    err = capsys.readouterr().err.strip()
    assert "already in use" in err and "\n" not in err
    assert list(tmp_path.iterdir()) == []  # refused before any world or log was made


def test_a_bad_log_is_one_line_and_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    for text in ("not json", json.dumps({"format": "other"}),
                 json.dumps({"format": "oslsim-kelas", "version": 1, "site": "baseline",
                             "seed": 1, "households": 300, "round_months": 2, "trainees": [],
                             "rounds": [{"months": 2, "events": ["meteor"],
                                         "decisions": {}}]})):
        bad.write_text(text)
        assert main(["kelas", "--replay", str(bad), "--csv", str(tmp_path / "o.csv")]) == 2
        err = capsys.readouterr().err.strip()
        assert str(bad) in err and "\n" not in err
    assert not (tmp_path / "o.csv").exists()


# --------------------------------------------------------------------------- the server


@contextlib.contextmanager
def running_kelas(*args: str, cwd=None) -> Iterator[dict[str, str]]:
    """Start ``oslsim kelas --port 0 ARGS``; yield url, code, key and log; always stop it."""
    proc = subprocess.Popen([*MODULE, "kelas", "--port", "0", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, encoding="utf-8", cwd=cwd)
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    seen: list[str] = []
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not any("Ctrl+C" in s for s in seen):
            try:
                seen.append(lines.get(timeout=max(0.1, deadline - time.monotonic())))
            except queue.Empty:
                raise AssertionError(f"no start message in {START_TIMEOUT_S} s: {seen}") from None
        text = "".join(seen)

        def find(pattern: str) -> str | None:
            found = re.search(pattern, text)
            return found.group(1) if found else None

        info = {"url": find(r"(http://[\d.]+:\d+)"), "code": find(r"Kode sesi: (\d{4})"),
                "key": find(r"kunci=([\w-]+)"), "log": find(r"Log sesi \(session log\): (\S+)"),
                "output": text}
        for _ in range(100):  # wait until it answers
            try:
                call(info["url"] + "/api/papan")
                break
            except OSError:
                time.sleep(0.2)
        yield info
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)


def call(url: str, body=None, token=None, key=None) -> tuple[int, dict]:
    """One JSON request with a timeout; returns (status, body)."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["X-Token"] = token
    if key:
        headers["X-Kunci"] = key
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers=headers,
                                 method="GET" if body is None else "POST")
    try:
        with urllib.request.urlopen(req, timeout=REQUEST_TIMEOUT_S) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def decisions_of(i: int, rnd: int) -> dict:
    """Trainee i's own decisions in round rnd: every trainee's numbers differ."""
    return {"dues": 1000.0 * (i + 1) + rnd, "forum": bool((i + rnd) % 2),
            "forum_share": round(0.01 * (i % 50), 2), "outreach_share": 0.25,
            "service_share": round(0.02 * i, 2), "diklat": i % 3 == 0}


@pytest.mark.slow
def test_forty_trainees_three_rounds_on_loopback(tmp_path):
    with running_kelas("--households", "2000", "--months", "2", "--seed", "11",
                       "--site", "baseline", cwd=tmp_path) as s:
        url, code, key = s["url"], s["code"], s["key"]
        assert url.startswith("http://127.0.0.1:")
        assert "hanya untuk komputer ini" in s["output"]
        page = urllib.request.urlopen(url + "/ikut", timeout=REQUEST_TIMEOUT_S).read().decode()
        assert "Kode sesi" in page and "http" not in page.replace("http://", "")  # no CDN
        assert not re.search(r"(src|href)=[\"']https?://", page)

        wrong = "0000" if code != "0000" else "1111"
        assert call(url + "/api/gabung", {"kode": wrong, "nama": "Palsu"})[0] == 403

        with ThreadPoolExecutor(max_workers=8) as pool:
            joined = list(pool.map(lambda i: call(url + "/api/gabung",
                                                  {"kode": code, "nama": f"Peserta {i}"}),
                                   range(TRAINEES)))
        assert all(status == 200 for status, _ in joined), joined[:3]
        tokens = [body["token"] for _, body in joined]
        rows = [body["row"] for _, body in joined]
        assert len(set(rows)) == TRAINEES and len(set(tokens)) == TRAINEES

        # Forged token, a trainee naming another OSL, out-of-range input, no trainer key.
        assert call(url + "/api/saya", token="forged")[0] == 403
        assert call(url + "/api/putuskan", {"dues": 5.0}, token="forged")[0] == 403
        assert call(url + "/api/putuskan", {"dues": 5.0, "row": rows[1]}, token=tokens[0]
                    )[0] == 400
        assert call(url + "/api/putuskan", {"dues": 1e9}, token=tokens[0])[0] == 400
        assert call(url + "/api/ronde", {})[0] == 403
        assert call(url + "/api/ronde", {}, key="wrong-key")[0] == 403

        for rnd in range(1, 4):
            with ThreadPoolExecutor(max_workers=8) as pool:
                sent = list(pool.map(lambda i, r=rnd: call(url + "/api/putuskan",
                                                           decisions_of(i, r),
                                                           token=tokens[i]),
                                     range(TRAINEES)))
            assert all(status == 200 for status, _ in sent)
            assert [b["row"] for _, b in sent] == rows
            if rnd == 2:
                assert call(url + "/api/umumkan", {"event": "diklat"}, key=key)[0] == 200
            status, done = call(url + "/api/ronde", {}, key=key)
            assert status == 200 and done["round"] == rnd and done["month"] == 2 * rnd

        status, board = call(url + "/api/papan")
        assert status == 200 and board["round"] == 3 and board["month"] == 6
        assert board["code"] is None  # the public board does not show the code
        for i in range(TRAINEES):  # each trainee sees their own OSL with their own dues
            status, me = call(url + "/api/saya", token=tokens[i])
            assert status == 200 and me["osl"]["row"] == rows[i]
            assert me["in_force"]["dues"] == decisions_of(i, 3)["dues"]
        live = pd.read_csv(io.BytesIO(urllib.request.urlopen(
            url + "/timeseries.csv", timeout=REQUEST_TIMEOUT_S).read()))
        debrief = pd.read_csv(io.BytesIO(urllib.request.urlopen(
            url + "/export.csv", timeout=REQUEST_TIMEOUT_S).read()))
        log_path = tmp_path / s["log"]
        shown = urllib.request.urlopen(url + "/debrief", timeout=REQUEST_TIMEOUT_S).read().decode()
        assert shown.count("<tr>") == 1 + 3 * TRAINEES and "Peserta 39" in shown

        # Ten wrong codes from one client (one was sent above), then even the right one waits.
        for _ in range(9):
            assert call(url + "/api/gabung", {"kode": wrong, "nama": "Tebak"})[0] == 403
        assert call(url + "/api/gabung", {"kode": code, "nama": "Tebak"})[0] == 429

    assert list(live["month"]) == list(range(7))
    # Each decision reached only its own OSL: the log and the debrief list, for each row,
    # exactly the numbers its own trainee sent.
    log = load_log(log_path)
    assert [r["round"] for r in log["rounds"]] == [1, 2, 3]
    for entry in log["rounds"]:
        by_row = {int(r): d for r, d in entry["decisions"].items()}
        assert sorted(by_row) == sorted(rows)
        for i, row in enumerate(rows):
            assert by_row[row] == decisions_of(i, entry["round"])
    assert len(debrief) == 3 * TRAINEES
    for i, row in enumerate(rows):
        mine = debrief[debrief["osl_row"] == row]
        assert (mine["trainee"] == f"Peserta {i}").all()
        assert list(mine["dues"]) == [decisions_of(i, r)["dues"] for r in (1, 2, 3)]
    # Diklat was offered in round 2 only: exactly the trainees who asked were trained then.
    r2 = debrief[debrief["round"] == 2].set_index("osl_row")
    asked = [row for i, row in enumerate(rows) if decisions_of(i, 2)["diklat"]]
    assert (r2.loc[asked, "trained"] >= 1).all()

    # In the replayed world the trainee rows hold their own last choices and no other row
    # holds any choice.
    world = KelasWorld.replay(log)
    st = world.model.state
    for i, row in enumerate(rows):
        d = decisions_of(i, 3)
        assert st.dues[row] == d["dues"] and st.service_share[row] == d["service_share"]
    others = np.setdiff1d(np.arange(st.m), rows)
    assert np.isnan(st.service_share[others]).all() and np.isnan(st.outreach_share[others]).all()

    # The replay from the command line gives the same monthly table, to the last digit.
    out = tmp_path / "again.csv"
    assert main(["kelas", "--replay", str(log_path), "--timeseries", str(out)]) == 0
    pd.testing.assert_frame_equal(pd.read_csv(out), live)

    # The replay serves the same session read-only.
    with running_kelas("--replay", str(log_path), cwd=tmp_path) as r:
        assert "Putar ulang" in r["output"] and r["code"] is None
        status, board = call(r["url"] + "/api/papan")
        assert status == 200 and board["replay"] and board["round"] == 3
        assert call(r["url"] + "/api/ronde", {})[0] == 409
        again = pd.read_csv(io.BytesIO(urllib.request.urlopen(
            r["url"] + "/timeseries.csv", timeout=REQUEST_TIMEOUT_S).read()))
        pd.testing.assert_frame_equal(again, live)
