"""Benchmark: one classroom round with 40 connected trainees, and the trainee page's weight.

Starts ``oslsim kelas`` on loopback (3,000 households, rounds of 12 months), joins 40
trainees over HTTP, keeps all 40 polling ``/api/saya`` every 3 s as the phones do, and times
the trainer's "run the round" request (which returns when the round is done) for 3 rounds;
reports the median. Goal (issue 15): <= 2 s. The page weight is the bytes of ``/ikut``, the
only file a phone loads (CSS and JS are inline; plots are on the trainer screen), raw and
gzip-compressed; at 3G's ~50 kB/s the raw page needs weight / 50 kB seconds.

    python benchmarks/bench_kelas.py [--households 3000] [--months 12] [--clients 40]
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_kelas import call, decisions_of, running_kelas  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--households", type=int, default=3000)
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--clients", type=int, default=40)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, running_kelas(
            "--households", str(args.households), "--months", str(args.months),
            "--seed", "1", cwd=tmp) as s:
        url, code, key = s["url"], s["code"], s["key"]
        print(f"start (build, warm-up, serve): {time.perf_counter() - started:.1f} s")
        raw = urllib.request.urlopen(url + "/ikut", timeout=30).read()
        with ThreadPoolExecutor(8) as pool:
            joined = list(pool.map(lambda i: call(url + "/api/gabung",
                                                  {"kode": code, "nama": f"P{i}"}),
                                   range(args.clients)))
        tokens = [b["token"] for _, b in joined]
        stop = threading.Event()
        polls = [0]
        worst = [0.0]

        def phone(i: int) -> None:
            while not stop.is_set():
                t0 = time.perf_counter()
                status, _ = call(url + "/api/saya", token=tokens[i])
                worst[0] = max(worst[0], time.perf_counter() - t0)
                polls[0] += status == 200
                stop.wait(3.0)

        threads = [threading.Thread(target=phone, args=(i,), daemon=True)
                   for i in range(args.clients)]
        for t in threads:
            t.start()
        times = []
        for rnd in range(1, args.rounds + 1):
            for i, tok in enumerate(tokens):
                call(url + "/api/putuskan", decisions_of(i, rnd), token=tok)
            t0 = time.perf_counter()
            status, body = call(url + "/api/ronde", {}, key=key)
            times.append(time.perf_counter() - t0)
            assert status == 200 and body["round"] == rnd, body
            print(f"round {rnd}: {times[-1]:.2f} s (server: {body['seconds']:.2f} s)")
        stop.set()
        for t in threads:
            t.join(timeout=10)
    print(f"round of {args.months} months, {args.households} households, {args.clients} "
          f"polling clients: median {statistics.median(times):.2f} s of {len(times)} "
          f"(goal <= 2 s); {polls[0]} polls, slowest poll {worst[0]:.2f} s")
    print(f"trainee page /ikut: {len(raw)} bytes, {len(gzip.compress(raw))} gzipped; "
          f"~{len(raw) / 50_000:.2f} s at 50 kB/s (3G)")


if __name__ == "__main__":
    main()
