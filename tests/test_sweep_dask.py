"""Sweeps on Dask: a real cluster on 127.0.0.1 (``dask scheduler`` and two ``dask worker``
processes started here) and a local cluster give exactly the local pool's numbers."""

from __future__ import annotations

import functools
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from oslsim import simulate
from oslsim.cli import main
from oslsim.experiments import load_results, sweep
from oslsim.experiments.runner import DaskRunner

pytest.importorskip("distributed")

EXPERIMENT = """
name = "on_dask"
months = 12
replicates = 2
seed = 21
[params]
households = 200
[factors]
"organisations.capacity_mean" = [0.2, 0.7]
"government.mode" = ["none", "facilitator"]
[keep]
outcomes = ["burden", "coverage", "pmks_prevalence"]
"""
WAIT = 90  # seconds: bound on every start-up and shutdown, on a busy shared machine
DASK = shutil.which("dask", path=str(Path(sys.executable).parent)) or shutil.which("dask")


def die_once(scenario, months, rng, overrides, marker):
    """Kill the Dask worker the first time any run reaches here; run normally afterwards."""
    try:
        fd = os.open(marker, os.O_CREAT | os.O_EXCL)
    except FileExistsError:
        return simulate(scenario, months=months, rng=rng, overrides=overrides)
    os.close(fd)
    os._exit(9)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(procs: list[subprocess.Popen]) -> None:
    """Stop each process group (SIGTERM, then SIGKILL after a bounded wait)."""
    for p in reversed(procs):
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    for p in reversed(procs):
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait(timeout=20)


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory):
    """A real cluster: one scheduler and two single-threaded workers, on 127.0.0.1."""
    if DASK is None:
        pytest.skip("the dask command is not installed")
    from distributed import Client

    folder = tmp_path_factory.mktemp("dask")
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs: list[subprocess.Popen] = []
    try:
        with open(folder / "scheduler.log", "w") as log:
            procs.append(subprocess.Popen(
                [DASK, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                 "--no-dashboard"], stdout=log, stderr=log, start_new_session=True))
        for i in range(2):
            with open(folder / f"worker{i}.log", "w") as log:
                procs.append(subprocess.Popen(
                    [DASK, "worker", address, "--nthreads", "1", "--nworkers", "1",
                     "--host", "127.0.0.1", "--no-dashboard", "--name", f"w{i}",
                     "--local-directory", str(folder / f"w{i}")],
                    stdout=log, stderr=log, start_new_session=True))
        with Client(address, timeout=WAIT) as client:
            client.wait_for_workers(2, timeout=WAIT)
            assert sorted(client.nthreads().values()) == [1, 1]
        yield address
    finally:
        stop(procs)


@pytest.fixture(scope="module")
def pooled(tmp_path_factory) -> dict[str, pd.DataFrame]:
    folder = tmp_path_factory.mktemp("pool")
    (folder / "exp.toml").write_text(EXPERIMENT, encoding="utf-8")
    report = sweep(folder / "exp.toml", out=folder / "pool.duckdb", workers=2, progress=False)
    assert report.done == 8
    return load_results(folder / "pool.duckdb")


def same_numbers(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    cols = ["run_id", "point", "replicate", "scenario", "seed", "status", "params"]
    pd.testing.assert_frame_equal(a["runs"][cols], b["runs"][cols])
    pd.testing.assert_frame_equal(a["design"], b["design"])
    pd.testing.assert_frame_equal(a["timeseries"], b["timeseries"])


def test_a_real_dask_cluster_gives_the_local_pools_results(tmp_path, scheduler, pooled):
    (tmp_path / "exp.toml").write_text(EXPERIMENT, encoding="utf-8")
    store = tmp_path / "dask.duckdb"
    report = sweep(tmp_path / "exp.toml", out=store, scheduler=scheduler, progress=False)
    assert report.runner == f"dask cluster {scheduler}" and report.workers == 2
    assert (report.done, report.failed) == (8, 0)
    res = load_results(store)
    assert not (res["runs"]["pid"] == os.getpid()).any()  # the runs ran on the workers
    same_numbers(res, pooled)


def test_cli_sweep_on_the_cluster_then_resume_is_a_no_op(tmp_path, scheduler, pooled, capsys):
    (tmp_path / "exp.toml").write_text(EXPERIMENT, encoding="utf-8")
    store = tmp_path / "cli.duckdb"
    args = ["sweep", str(tmp_path / "exp.toml"), "--scheduler", scheduler, "--out", str(store),
            "--no-progress"]
    assert main(args) == 0
    assert "dask cluster" in capsys.readouterr().out
    assert main([*args, "--resume"]) == 0
    assert "nothing to run: all 8 runs are done" in capsys.readouterr().out
    same_numbers(load_results(store), pooled)


def test_a_local_dask_cluster_gives_the_same_results_and_retries_a_dead_worker(tmp_path,
                                                                                pooled):
    (tmp_path / "exp.toml").write_text(EXPERIMENT, encoding="utf-8")
    store = tmp_path / "local.duckdb"
    run_fn = functools.partial(die_once, marker=str(tmp_path / "died"))
    report = sweep(tmp_path / "exp.toml", out=store, dask_local=2, progress=False,
                   run_fn=run_fn)
    assert report.runner == "local dask cluster"
    assert (tmp_path / "died").exists()  # a worker did die under a run
    assert (report.done, report.failed) == (8, 0)  # and Dask ran that run again elsewhere
    same_numbers(load_results(store), pooled)


def test_an_unreachable_scheduler_is_one_clear_error():
    address = f"tcp://127.0.0.1:{free_port()}"
    started = time.monotonic()
    with pytest.raises(ConnectionError, match="cannot reach the Dask scheduler at"):
        DaskRunner(scheduler=address, timeout=2)
    assert time.monotonic() - started < WAIT
