"""Spark's classes from a class-data archive: recorded once, for the first session, by a short
session of its own (whole, or not at all), mapped by every session's JVM, silent on the tool's
output."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from segmentation.engines.class_data import CACHE_ENV, ClassData, maps, record
from tests.test_scoring import fitted  # noqa: F401 - a fixture

pytestmark = pytest.mark.spark

# The scoring command as a user runs it, then whether its JVM mapped the archive.
SCORING = """
import sys
from pathlib import Path
from pyspark import SparkContext
from segmentation.cli import main
assert main(["score", *sys.argv[2:]]) == 0
pid = SparkContext._gateway.proc.pid
mapped = any(sys.argv[1] in line for line in Path(f"/proc/{pid}/maps").read_text().splitlines())
print("mapped" if mapped else "not mapped")
"""


@pytest.fixture(scope="module")
def java():
    if shutil.which("java") is None:
        pytest.skip("no Java runtime (apt-get install openjdk-17-jre-headless)")
    return shutil.which("java")


def test_a_truncated_archive_is_never_kept(java, tmp_path, monkeypatch):
    """A JVM that maps a half-written archive crashes: the check starts a JVM on it, whose
    crash report is not left in the user's folder."""
    monkeypatch.chdir(tmp_path)
    archive = tmp_path / "small.jsa"
    subprocess.run([java, f"-XX:ArchiveClassesAtExit={archive}", "-version"], check=True,
                   capture_output=True)  # fmt: skip
    assert maps(archive)
    half = tmp_path / "half.jsa"
    half.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    assert not maps(half)
    assert not maps(tmp_path / "missing.jsa")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["half.jsa", "small.jsa"]


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux's /proc")
def test_the_first_scoring_command_has_the_archive_recorded_then_maps_it_quietly(
    java,
    fitted,  # noqa: F811 - the fixture imported above
    tmp_path,
):
    """On a machine without the archive, the scoring command has a short session record it,
    keeps it whole, and its own JVM maps it (so does every later session: the archive stays);
    standard error stays empty (no progress bars, JVM log lines or library warnings) and
    standard output holds the tool's one line."""
    cache = tmp_path / "cache"
    env = {"PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin", CACHE_ENV: str(cache),
           "HOME": str(tmp_path)}  # fmt: skip
    data, recipe = fitted
    saved = tmp_path / "recipe.json"
    saved.write_text(recipe.to_json())
    scoring = subprocess.run(
        [sys.executable, "-c", SCORING, str(cache), str(data), "--apply-recipe", str(saved),
         "--engine", "spark", "--spark-master", "local[1]", "--out", str(tmp_path / "s.csv")],
        cwd=Path(__file__).resolve().parents[1], env=env, capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip
    assert scoring.returncode == 0, scoring.stderr[-2000:]
    assert scoring.stderr == ""
    scored, mapped = scoring.stdout.splitlines()
    assert scored.startswith("Scored ") and mapped == "mapped"
    archives = list(cache.iterdir())
    assert [p.suffix for p in archives] == [".jsa"]  # kept whole, nothing left half-written
    assert maps(archives[0])


def test_without_a_cache_folder_to_write_the_jvm_starts_as_it_always_did(
    java, tmp_path, monkeypatch
):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "file" / "cache"))
    (tmp_path / "file").write_text("not a folder")
    nothing = ClassData()
    assert (nothing.driver, nothing.executor) == ([], [])


def test_a_recording_that_fails_keeps_nothing(tmp_path, monkeypatch):
    """A recording session whose JVM cannot start (here a java that fails at once) leaves no
    archive and nothing half-written; the session then starts as it always did."""
    broken = tmp_path / "jdk" / "bin" / "java"
    broken.parent.mkdir(parents=True)
    broken.write_text("#!/bin/sh\nexit 1\n")
    broken.chmod(0o755)
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "jdk"))
    cache = tmp_path / "cache"
    record(cache / "spark.jsa", [])
    assert list(cache.iterdir()) == []
