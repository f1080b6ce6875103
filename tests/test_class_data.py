"""Spark's classes from a class-data archive: recorded once, for the first session, by a short
session of its own (whole, or not at all), mapped by every session's JVM, silent on the tool's
output."""

import shutil
import subprocess

import pytest

from segmentation.engines.class_data import CACHE_ENV, ClassData, archive_path, maps, record

pytestmark = pytest.mark.spark


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


@pytest.fixture
def cache_without_archive(java, tmp_path, monkeypatch):
    """A cache folder with no archive: the machine's own on a fresh machine (its recording then
    serves every later Spark session of the tests: they run after this one, in one process),
    else an empty temporary one."""
    machine = archive_path()
    if machine is not None and not machine.exists():
        return machine.parent
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_the_first_session_has_the_archive_recorded_whole_then_named_quietly(
    cache_without_archive, capfd
):
    """On a machine without the archive, the first session's class-data options have a short
    session record it (about 30 s, once): kept whole (nothing half-written beside it), mapped
    by a fresh JVM, named for the driver's and the executors' JVMs; nothing reaches the tool's
    standard output or error. A later session finds it and records nothing."""
    archive = archive_path()
    assert archive is not None and archive.parent == cache_without_archive
    first = ClassData(["-XX:+UseParallelGC"])
    assert list(cache_without_archive.glob(f"{archive.name}*")) == [archive]
    assert maps(archive)
    assert first.driver == first.executor == [f"-XX:SharedArchiveFile={archive}"]
    assert capfd.readouterr() == ("", "")
    written = archive.stat().st_mtime_ns
    later = ClassData()
    assert later.driver == first.driver
    assert list(cache_without_archive.glob(f"{archive.name}*")) == [archive]
    assert archive.stat().st_mtime_ns == written


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
