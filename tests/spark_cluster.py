"""A standalone Spark cluster on this machine (a master and one worker) from the installed
pyspark's ``bin/spark-class``: for the cluster test and the scale benchmark."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def standalone_cluster(logs: Path, cores: int = 2, memory: str = "2g") -> Iterator[str]:
    """``spark://127.0.0.1:PORT`` while the block runs; both processes stopped after it.
    Raises ``RuntimeError`` (logs in ``logs``) when the worker does not register in 90 s."""
    import pyspark

    home = Path(pyspark.__file__).parent
    spark_class = str(home / "bin" / "spark-class")
    logs.mkdir(parents=True, exist_ok=True)
    # The master and the worker only coordinate: the quick compiler and the serial collector
    # (their start: 4.6-5.2 s against 8.0-8.3 s on this 2-core machine).
    theirs = os.environ.get("SPARK_DAEMON_JAVA_OPTS", "")
    daemon = f"-XX:TieredStopAtLevel=1 -XX:+UseSerialGC {theirs}"
    env = {**os.environ, "SPARK_HOME": str(home), "SPARK_LOCAL_IP": "127.0.0.1",
           "SPARK_DAEMON_JAVA_OPTS": daemon}  # fmt: skip
    port = _free_port()
    master_log = logs / "master.log"
    master = subprocess.Popen(
        [spark_class, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
         "--port", str(port), "--webui-port", str(_free_port())],
        env=env, stdout=open(master_log, "w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    worker = subprocess.Popen(
        [spark_class, "org.apache.spark.deploy.worker.Worker", f"spark://127.0.0.1:{port}",
         "--host", "127.0.0.1", "--cores", str(cores), "--memory", memory,
         "--webui-port", str(_free_port()), "--work-dir", str(logs / "work")],
        env=env, stdout=open(logs / "worker.log", "w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.time() + 90
        while "Registering worker" not in master_log.read_text():
            if time.time() > deadline or master.poll() is not None or worker.poll() is not None:
                raise RuntimeError(f"the standalone cluster did not start (see {logs})")
            time.sleep(0.5)
        yield f"spark://127.0.0.1:{port}"
    finally:
        for process in (worker, master):
            process.terminate()
            process.wait(timeout=30)
