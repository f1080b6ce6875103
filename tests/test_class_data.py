"""Spark's classes from a class-data archive: written once by the first session (whole, or not
at all), mapped by the next sessions' JVMs, silent on the tool's output."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from segmentation.engines import class_data
from segmentation.engines.class_data import CACHE_ENV, ClassData, maps
from tests.test_scoring import fitted  # noqa: F401 - a fixture

pytestmark = pytest.mark.spark

SESSION = """
import sys
from pathlib import Path
from segmentation.engines.scoring import spark_session
spark = spark_session("local[1]", small_input=True)
assert spark.range(5).count() == 5
pid = spark.sparkContext._gateway.proc.pid  # spark-submit runs java in its place
mapped = any(sys.argv[1] in line for line in Path(f"/proc/{pid}/maps").read_text().splitlines())
print("mapped" if mapped else "not mapped")
"""
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
def test_the_first_session_writes_the_archive_and_the_scoring_command_maps_it(
    java,
    fitted,  # noqa: F811 - the fixture imported above
    tmp_path,
):
    """The first session writes the archive; the next, the scoring command's, maps it and
    writes nothing on standard error (no progress bars, JVM log lines or library warnings)
    and one line of its own on standard output."""
    cache = tmp_path / "cache"
    env = {"PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin", CACHE_ENV: str(cache),
           "HOME": str(tmp_path)}  # fmt: skip
    root = Path(__file__).resolve().parents[1]

    def run(script: str, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", script, str(cache), *args], cwd=root,
                              env=env, capture_output=True, text=True, timeout=600)  # fmt: skip

    first = run(SESSION)
    assert first.returncode == 0, first.stderr[-2000:]
    assert (first.stdout.strip(), first.stderr) == ("not mapped", "")
    archives = list(cache.iterdir())
    assert [p.suffix for p in archives] == [".jsa"]  # kept whole, nothing left half-written
    data, recipe = fitted
    saved = tmp_path / "recipe.json"
    saved.write_text(recipe.to_json())
    second = run(SCORING, str(data), "--apply-recipe", str(saved), "--engine", "spark",
                 "--spark-master", "local[1]", "--out", str(tmp_path / "s.csv"))  # fmt: skip
    assert second.returncode == 0, second.stderr[-2000:]
    assert second.stderr == ""
    scored, mapped = second.stdout.splitlines()
    assert scored.startswith("Scored ") and mapped == "mapped"
    assert list(cache.iterdir()) == archives


def test_without_a_cache_folder_to_write_the_jvm_starts_as_it_always_did(
    java, tmp_path, monkeypatch
):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "file" / "cache"))
    (tmp_path / "file").write_text("not a folder")
    nothing = ClassData()
    assert (nothing.driver, nothing.executor, nothing.pending) == ([], [], None)


STAND_IN = """
import sys
from pathlib import Path
sys.stdin.read()  # Spark's gateway exits at the end of its input, writing its archive then
Path(sys.argv[1]).write_bytes(b"archive")
"""


def test_a_session_ending_after_another_kept_the_archive_writes_none(tmp_path, monkeypatch):
    """Two first sessions at once each start to record; the one ending after the other kept
    its archive stops its JVM at once instead of waiting for a second archive. (A stand-in
    for the JVM writes its file at the end of its input, as the JVM does.)"""
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(class_data, "archive_path", lambda: tmp_path / "spark.jsa")
    session = ClassData()
    assert session.pending is not None and session.archive is not None
    jvm = subprocess.Popen([sys.executable, "-c", STAND_IN, str(session.pending)],
                           stdin=subprocess.PIPE)  # fmt: skip
    session.archive.write_bytes(b"kept by another session")
    session.finish(jvm)
    assert jvm.returncode is not None  # ended, not left running
    assert not session.pending.exists()
    assert session.archive.read_bytes() == b"kept by another session"
