"""Scoring at scale: generated transactions scored with a saved recipe on each engine.

    .venv/bin/python bench/bench_scale.py [--rows 10000000] [--engines duckdb,pandas,spark]
                                          [--memory-limit 2GB] [--data DIR]

Targets from the scale issue: 10,000,000 rows (parquet) scored end to end with DuckDB in at
most 20 s and 3 GB peak on a 2-core machine, with the pandas path measured beside it in the
same run, and Spark's local time. For 100,000,000 rows run it once with ``--rows 100000000
--engines duckdb --memory-limit 2GB`` (DuckDB spills to disk beyond the limit). Each engine
runs as its own command (``python -m segmentation score``); time and peak memory are the
operating system's figures for that process and its children.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(args: list[str]) -> tuple[float, float, int, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    tail = (done.stdout + done.stderr).strip().splitlines()[-1:] or [""]
    return seconds, max(peak, before) / 1024, done.returncode, tail[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--engines", default="duckdb,pandas,spark,spark-cluster")
    parser.add_argument("--memory-limit")
    parser.add_argument("--data", help="folder for the generated file (kept between runs)")
    args = parser.parse_args()
    folder = Path(args.data or tempfile.gettempdir())
    data = folder / f"transactions_{args.rows}.parquet"
    py = sys.executable
    if not data.exists():
        start = time.perf_counter()
        subprocess.run(
            [py, "-m", "segmentation", "demo", "--rows", str(args.rows), "--out", str(data)],
            cwd=ROOT,
            check=True,
        )
        print(f"generated {args.rows:,} rows in {time.perf_counter() - start:.0f} s")
    with tempfile.TemporaryDirectory() as work:
        recipe = Path(work) / "recipe.json"
        subprocess.run(
            [py, "-m", "segmentation", "--demo", "--recipe", str(recipe), "--no-value"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        print(f"{args.rows:,} rows, {data.stat().st_size / 1e6:,.0f} MB parquet")
        for engine in args.engines.split(","):
            out = Path(work) / f"labelled_{engine}.parquet"
            if engine == "spark-cluster":  # a standalone master and a 2-core worker
                sys.path.insert(0, str(ROOT))
                from segmentation.engines.scoring import spark_settings
                from tests.spark_cluster import standalone_cluster

                # the worker and its executor get what a local session gets: half the machine
                memory = spark_settings(None, {})["spark.driver.memory"]
                with standalone_cluster(Path(work) / "cluster", memory=memory) as url:
                    command = [
                        *(py, "-m", "segmentation", "score", str(data)),
                        *("--apply-recipe", str(recipe), "--engine", "spark"),
                        *("--spark-master", url, "--spark-conf", "spark.driver.host=127.0.0.1"),
                        *("--spark-conf", f"spark.executor.memory={memory}"),
                        *("--out", str(out)),
                    ]
                    seconds, peak, code, last = timed(command)
                status = "ok" if code == 0 else f"failed (exit {code}): {last}"
                print(f"{engine:7} {seconds:7.1f} s  peak {peak:7,.0f} MB  {status}")
                continue
            command = [
                py,
                "-m",
                "segmentation",
                "score",
                str(data),
                "--apply-recipe",
                str(recipe),
                "--engine",
                engine,
                "--out",
                str(out),
            ]
            if args.memory_limit and engine == "duckdb":
                command += ["--memory-limit", args.memory_limit]
            seconds, peak, code, last = timed(command)
            status = "ok" if code == 0 else f"failed (exit {code}): {last}"
            print(f"{engine:7} {seconds:7.1f} s  peak {peak:7,.0f} MB  {status}")
    print("targets: DuckDB, 10,000,000 rows: <= 20 s and <= 3,072 MB")


if __name__ == "__main__":
    main()
