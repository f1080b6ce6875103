"""Spark's classes from a class-data archive: the JVM's start without loading them one by one.

A Spark session loads some 20,000 classes from about 200 jars: on a 2-core machine that is
several seconds of the driver's start and of every executor's. The JVM (17 and later) can map
classes from an archive it writes at exit (``-XX:ArchiveClassesAtExit``, class-data sharing):
the first session on a machine writes one into the user's cache folder, later sessions (and
executors started on this machine) map it. JDK 19 does this by itself
(``-XX:+AutoCreateSharedArchive``); Spark 4 runs on 17, so it is done here.

A half-written archive crashes the JVM that maps it, so the archive is written under a
temporary name, and kept (renamed, atomically) only when its JVM exited cleanly and a fresh
JVM maps it. A user's own ``spark.driver.extraJavaOptions`` replaces all of this.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

# The folder (under the user's cache) and the environment variable that moves it.
CACHE_ENV = "SEGMENTATION_CACHE"
# The JVM's own warnings (an archive it cannot use, classes it leaves out) go to its standard
# error, which is Spark's log when quiet, never to the tool's output.
JVM_WARNINGS = ["-Xlog:disable", "-Xlog:all=warning:stderr"]


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


class ClassData:
    """The class-data options of one Spark session: ``driver`` and ``executor`` JVM options,
    and, when this session writes the archive, ``pending`` (its temporary name)."""

    def __init__(self) -> None:
        self.archive = archive_path()
        self.pending: Path | None = None
        self.driver: list[str] = []
        self.executor: list[str] = []
        if self.archive is None:
            return
        if self.archive.is_file():
            self.driver = self.executor = [f"-XX:SharedArchiveFile={self.archive}"]
            return
        try:
            self.archive.parent.mkdir(parents=True, exist_ok=True)
        except OSError:  # no cache to write: the JVM starts as it always did
            return
        _remove_abandoned(self.archive)
        self.pending = self.archive.with_name(f"{self.archive.name}.{os.getpid()}.tmp")
        self.driver = [f"-XX:ArchiveClassesAtExit={self.pending}"]

    def keep_at_exit(self) -> None:
        """At this process's exit, :meth:`finish` Spark's JVM."""
        if self.pending is not None:
            atexit.register(self._finish_spark)

    def _finish_spark(self) -> None:
        from pyspark import SparkContext

        self.finish(getattr(SparkContext._gateway, "proc", None))

    def finish(self, process: subprocess.Popen | None) -> None:
        """End the JVM ``process`` (Spark's gateway, which records its classes). When another
        session kept an archive meanwhile, stop it at once: a second archive would cost the
        first's time again (seconds of writing) for nothing. Otherwise end its input (it exits
        and writes the archive), wait for it, and keep the archive when a fresh JVM maps it."""
        pending, archive = self.pending, self.archive
        assert pending is not None and archive is not None
        if process is not None and archive.is_file():
            process.kill()
            process.wait()
            return
        try:
            if process is not None and process.stdin:
                process.stdin.close()  # Spark's gateway exits at the end of its input
            exited = process is not None and process.wait(timeout=300) == 0
        except (OSError, subprocess.TimeoutExpired):
            exited = False
        if exited and maps(pending):
            os.replace(pending, archive)
        else:
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
