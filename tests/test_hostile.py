"""Hostile and broken files: a correct result or a clear message, in bounded time and memory."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from segmentation import SegmentationError, Settings, load_transactions, segment
from segmentation.outcomes.export import to_csv_bytes, to_xlsx_bytes
from tests.data.make_bad_files import FORMULAS, HEADER, cases, write_corpus

ROOT = Path(__file__).resolve().parents[1]
CASES = {c.name: c for c in cases()}
MAX_SECONDS = 20
MAX_MB = 1024


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> dict[str, Path]:
    return {case.name: path for case, path in write_corpus(tmp_path_factory.mktemp("bad"))}


def settings_for(name: str) -> Settings:
    args = CASES[name].cli_args
    return Settings(k=int(args[1])) if args else Settings()


@pytest.mark.parametrize("name", list(CASES))
def test_core_gives_result_or_segmentation_error(name, corpus):
    expect = CASES[name].expect
    try:
        result = segment(load_transactions(corpus[name]).transactions, settings_for(name))
    except SegmentationError as exc:
        assert expect != "ok", f"unexpected error: {exc}"
        assert expect in str(exc)
        return
    assert expect == "ok", f"expected an error containing {expect!r}"
    expected = expected_rfm(CASES[name].good())
    got = result.rfm.sort_index()
    assert got.index.tolist() == expected.index.tolist()
    assert got["frequency"].tolist() == expected["frequency"].tolist()
    assert got["recency_days"].tolist() == expected["recency_days"].tolist()
    assert got["monetary"].tolist() == expected["monetary"].tolist()


def expected_rfm(lines: list[str]) -> pd.DataFrame:
    """RFM of the lines the file should yield, by plain pandas (each line is an invoice)."""
    frame = pd.read_csv(io.StringIO("\n".join([HEADER, *lines])), dtype={"CustomerID": str})
    frame["InvoiceDate"] = pd.to_datetime(frame["InvoiceDate"])
    snapshot = frame["InvoiceDate"].max().normalize() + pd.Timedelta(days=1)
    frame["revenue"] = frame["Quantity"] * frame["UnitPrice"]
    by = frame.groupby("CustomerID")
    out = pd.DataFrame(
        {
            "recency_days": (snapshot - by["InvoiceDate"].max().dt.normalize()).dt.days,
            "frequency": by["InvoiceNo"].nunique(),
            "monetary": by["revenue"].sum().round(2),
        }
    )
    return out.sort_index()


def assert_exit(name: str, code: int, err: str) -> None:
    """0 for a good file; else 2 and one line ``error: ...`` naming the problem."""
    case = CASES[name]
    if case.expect == "ok":
        assert code == 0, err
    else:
        assert code == 2
        assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err
        assert case.expect in err


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if not c.heavy])
def test_cli_exit_code_and_message(name, corpus, tmp_path, capsys):
    from segmentation.cli import main

    code = main([str(corpus[name]), *CASES[name].cli_args, "--out", str(tmp_path / "out.csv")])
    assert_exit(name, code, capsys.readouterr().err)


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.heavy])
def test_cli_exit_code_time_and_memory(name, corpus, tmp_path):
    """A file built to exhaust memory or time, in the command line's own process."""
    args = [
        sys.executable,
        "-m",
        "segmentation",
        str(corpus[name]),
        *CASES[name].cli_args,
        "--out",
        str(tmp_path / "out.csv"),
    ]
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)  # wait4 gives this child's own peak memory
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # Popen did not see the reaping
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert seconds < MAX_SECONDS
    assert usage.ru_maxrss / 1024 < MAX_MB
    assert_exit(name, proc.returncode, err)


def test_zip_bomb_refused_from_the_directory_before_parsing(corpus):
    start = time.perf_counter()
    with pytest.raises(SegmentationError, match=r"would expand to 1\.5 GB"):
        load_transactions(corpus["zip_bomb.xlsx"])
    assert time.perf_counter() - start < 2
    assert corpus["zip_bomb.xlsx"].stat().st_size < 10_000_000


def test_limits_are_settings(corpus):
    from segmentation import ReadLimits

    with pytest.raises(SegmentationError, match=r"over the 0\.0 GB limit"):
        load_transactions(
            corpus["fifty_sheets.xlsx"], limits=ReadLimits(max_uncompressed_bytes=1000)
        )
    with pytest.raises(SegmentationError, match="over the 5-row limit"):
        load_transactions(corpus["bad_prices.csv"], limits=ReadLimits(max_rows=5))


def test_formula_ids_work_and_exports_neutralise_them(corpus):
    result = segment(load_transactions(corpus["formula_ids.csv"]).transactions)
    ids = set(result.customers["customer_id"])
    assert set(FORMULAS) <= ids
    csv = pd.read_csv(
        io.BytesIO(to_csv_bytes(result.customers)), dtype={"customer_id": str}, encoding="utf-8-sig"
    )
    assert {"'" + f for f in FORMULAS} <= set(csv["customer_id"])
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"c": result.customers})))
    cells = [row[0] for row in book["c"].iter_rows(min_row=2)]
    assert not any(c.data_type == "f" for c in cells)
    assert {"'" + f for f in FORMULAS} <= {c.value for c in cells}


def test_fifty_sheets_are_stacked(corpus):
    loaded = load_transactions(corpus["fifty_sheets.xlsx"])
    assert len(loaded.preview.sheets) == 50


GATE = ("is empty", "not a valid Excel", "zip archive", "password-protected", "NUL bytes",
        "would expand", "inflate to other sizes", "declares XML entities")  # fmt: skip
# Files the reader's gate refuses (damaged, hostile, not what their name says).
REFUSED = [name for name, case in CASES.items() if any(g in case.expect for g in GATE)]


@pytest.mark.parametrize("option", ["--compare-with", "--rules"])
@pytest.mark.parametrize("name", REFUSED)
def test_every_file_a_user_gives_passes_the_same_gate(name, option, corpus, tmp_path, capsys):
    """A previous export and a rule table are read through the transactions' gate: the same
    refusal in one line, nothing written."""
    from segmentation.cli import main

    out = tmp_path / "customers.csv"
    args = ["--demo", "--k", "3", "--no-value", "--out", str(out), option, str(corpus[name])]
    if option == "--compare-with":
        args += ["--movement", str(tmp_path / "movement.csv")]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert CASES[name].expect in err
    assert not out.exists()


def test_a_recipe_file_passes_the_gate(tmp_path, capsys):
    from segmentation.cli import main

    huge = tmp_path / "huge.json"
    huge.write_bytes(b" " * 25_000_000)
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"name": "Ren\xe9e"}'.encode("latin-1"))
    for path, expected in ((huge, "too large for a recipe"), (latin, "not UTF-8")):
        assert main(["score", "x.csv", "--apply-recipe", str(path)]) == 2
        err = capsys.readouterr().err
        assert expected in err and err.count("\n") == 1
