"""Spark's classes from a class-data archive: the JVM's start without loading them one by one.

A Spark session loads some 20,000 classes from about 200 jars: on a 2-core machine that is
several seconds of the driver's start and of every executor's. The JVM (17 and later) can map
classes from an archive it writes at exit (``-XX:ArchiveClassesAtExit``, class-data sharing):
the first session on a machine has a short session of its own write one into the user's cache
folder, then it and every later session (and executors started on this machine) map it. JDK 19
does this by itself (``-XX:+AutoCreateSharedArchive``); Spark 4 runs on 17, so it is done here.
A JVM that records its classes runs slower all its life (Spark's tests: 77 s against 51 s, and
18 s more to write at exit), which is why the user's own session never records.

A half-written archive crashes the JVM that maps it, so the archive is written under a
temporary name, and kept (renamed, atomically) only when its JVM exited cleanly and a fresh
JVM maps it. A user's own ``spark.driver.extraJavaOptions`` replaces all of this.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# The folder (under the user's cache) and the environment variable that moves it.
CACHE_ENV = "SEGMENTATION_CACHE"
# The JVM's own warnings (an archive it cannot use, classes it leaves out) go to its standard
# error, which is Spark's log when quiet, never to the tool's output.
JVM_WARNINGS = ["-Xlog:disable", "-Xlog:all=warning:stderr"]
# Spark's log: what its JVMs write (their start, their warnings, a recording session's output).
SPARK_LOG = Path(tempfile.gettempdir()) / "segmentation-spark.log"


def cache_folder() -> Path:
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "segmentation"


def java() -> str | None:
    """The java Spark starts (``JAVA_HOME``'s, else the one on the path)."""
    home = os.environ.get("JAVA_HOME")
    found = Path(home) / "bin" / "java" if home else None
    return str(found) if found and found.is_file() else shutil.which("java")


def archive_path() -> Path | None:
    """Where the archive of this pyspark on this java is (or will be); None without java."""
    import pyspark

    binary = java()
    if binary is None:
        return None
    key = f"{pyspark.__version__}\0{Path(pyspark.__file__).parent}\0{os.path.realpath(binary)}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    return cache_folder() / f"spark-{pyspark.__version__}-{digest}.jsa"


# A short Spark session that records the classes a scoring run loads (a parquet file read,
# grouped and joined) into the archive named by its argument, then waits for its JVM to write it.
RECORD = """
import sys, tempfile
from pyspark import SparkContext
from pyspark.sql import SparkSession
# the quick compiler alone: the session is short, and the archive does not depend on it
options = " ".join(dict.fromkeys([f"-XX:ArchiveClassesAtExit={sys.argv[1]}",
                                  "-XX:TieredStopAtLevel=1", *sys.argv[2:]]))  # each once
spark = (SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false")
         .config("spark.driver.extraJavaOptions", options).getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
with tempfile.TemporaryDirectory() as folder:
    spark.range(100).selectExpr("id % 7 AS c", "id * 1.5 AS m").write.parquet(folder + "/t")
    t = spark.read.parquet(folder + "/t")
    t.groupBy("c").agg({"m": "sum"}).join(t, "c").collect()
process = SparkContext._gateway.proc
process.stdin.close()  # Spark's gateway exits at the end of its input and writes the archive
sys.exit(process.wait())
"""


class ClassData:
    """The class-data options of one Spark session's ``driver`` and ``executor`` JVMs: the
    archive when there is one. The first session on a machine records one first, with a short
    session of its own (about 30 s, once; a JVM that records is slower all its life, so
    the user's own session never does)."""

    def __init__(self, java_options: list[str] | None = None) -> None:
        self.archive = archive_path()
        self.driver: list[str] = []
        self.executor: list[str] = []
        if self.archive is None:
            return
        if not self.archive.is_file():
            record(self.archive, java_options or [])
        if self.archive.is_file():
            self.driver = self.executor = [f"-XX:SharedArchiveFile={self.archive}"]


def record(archive: Path, java_options: list[str]) -> None:
    """Write ``archive`` with a short Spark session, and keep it (renamed, atomically) only
    when its JVM exited cleanly and a fresh JVM maps it. Nothing is kept when the cache cannot
    be written or the session fails; its output goes to Spark's log, never the tool's."""
    try:
        archive.parent.mkdir(parents=True, exist_ok=True)
    except OSError:  # no cache to write: the JVM starts as it always did
        return
    _remove_abandoned(archive)
    pending = archive.with_name(f"{archive.name}.{os.getpid()}.tmp")
    try:
        with open(SPARK_LOG, "ab") as log:
            done = subprocess.run(
                [sys.executable, "-c", RECORD, str(pending), *java_options],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                timeout=300,  # about 30 s on a busy 2-core machine
            )
        if done.returncode == 0 and maps(pending):
            os.replace(pending, archive)
    except (OSError, subprocess.TimeoutExpired):
        pass
    finally:
        pending.unlink(missing_ok=True)


def maps(archive: Path) -> bool:
    """Whether a fresh JVM starts with ``archive`` (a truncated one makes it crash)."""
    binary = java()
    if binary is None or not archive.is_file():
        return False
    # a crash report goes nowhere (a JVM writes it into its working folder: the user's)
    quiet_crash = [f"-XX:ErrorFile={os.devnull}", "-XX:-CreateCoredumpOnCrash"]
    try:
        done = subprocess.run(
            [binary, *JVM_WARNINGS, *quiet_crash, f"-XX:SharedArchiveFile={archive}", "-version"],
            capture_output=True,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _remove_abandoned(archive: Path) -> None:
    """Temporary archives whose process is gone (killed while writing)."""
    for pending in archive.parent.glob(f"{archive.name}.*.tmp"):
        pid = pending.name.removeprefix(f"{archive.name}.").removesuffix(".tmp")
        if pid.isdigit() and not _alive(int(pid)):
            pending.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
