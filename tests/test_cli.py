import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from segmentation.cli import main, parse_transforms
from segmentation.demo import demo_transactions
from tests.conftest import DEMO_CUSTOMER_FILE

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def demo_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "shop.csv"
    demo_transactions(n_customers=400, seed=5).to_csv(path, index=False)
    return path


def test_run_writes_customers_summary_and_recipe(demo_csv, tmp_path, capsys):
    out, summary, recipe = tmp_path / "c.csv", tmp_path / "s.csv", tmp_path / "r.json"
    code = main(
        [
            str(demo_csv),
            "--k",
            "3",
            "--out",
            str(out),
            "--summary",
            str(summary),
            "--recipe",
            str(recipe),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "Rows kept:" in printed and "suggested k =" in printed and "K-Means segments" in printed
    assert "RFM score segments" in printed
    customers = pd.read_csv(out, encoding="utf-8-sig")
    assert list(customers.columns) == DEMO_CUSTOMER_FILE
    assert sorted(customers["cluster"].unique()) == [0, 1, 2]
    assert pd.read_csv(summary, encoding="utf-8-sig")["customers"].sum() == len(customers)
    again = tmp_path / "again.xlsx"
    assert main([str(demo_csv), "--apply-recipe", str(recipe), "--out", str(again)]) == 0
    relabelled = pd.read_excel(again, dtype={"customer_id": str})
    assert relabelled["cluster"].tolist() == customers["cluster"].tolist()


def test_transform_option_parsing():
    assert parse_transforms("recency=boxcox,frequency=boxcox,monetary=cbrt") == {
        "recency_days": "boxcox",
        "frequency": "boxcox",
        "monetary": "cbrt",
    }
    assert parse_transforms("auto") == "auto"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.csv"], "error: Cannot open 'missing.csv'"),
        (
            ["{csv}", "--map", "customer_id=Nope"],
            "error: Column 'Nope' (set for customer_id) is not in the file",
        ),
        (["{csv}", "--k", "9999"], "error: There are"),
        (["{csv}", "--k", "many"], "error: --k must be a number of segments"),
        (["{csv}", "--transform", "monetary=square"], "error: Unknown transform 'square'"),
        (["{csv}", "--map", "customer_id"], "error: --map must look like NAME=VALUE"),
        (["{csv}", "--out", "x.pdf"], "error: Output 'x.pdf' must end in .csv or .xlsx"),
        (["{csv}", "--preset", "nope"], "error: argument --preset: invalid choice"),
        (
            ["{csv}", "--snapshot", "2000-01-01"],
            "error: The snapshot date 2000-01-01 must be after",
        ),
        ([], "error: Give a transactions file, or --demo"),
    ],
)
def test_user_errors_exit_2_with_one_line(args, message, demo_csv, capsys):
    code = main([a.replace("{csv}", str(demo_csv)) for a in args])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(message)
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.slow
def test_process_has_no_traceback_on_bad_file(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook at all")
    proc = subprocess.run(
        [sys.executable, "-m", "segmentation", str(bad)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    expected = "'bad.xlsx' is not a valid Excel workbook (it may be damaged or another format)."
    assert proc.stderr == f"error: {expected}\n"


def test_bad_settings_fail_before_the_file_is_read(tmp_path, capsys):
    # The file does not exist: a settings mistake must be reported first, without reading.
    assert main([str(tmp_path / "absent.xlsx"), "--k", "many"]) == 2
    assert capsys.readouterr().err.startswith("error: --k must be a number of segments")
    assert main([str(tmp_path / "absent.xlsx"), "--summary", "s.txt"]) == 2
    assert capsys.readouterr().err.startswith("error: Output 's.txt' must end in .csv or .xlsx")


def test_stability_option_prints_a_verdict_per_segment(demo_csv, capsys):
    assert main([str(demo_csv), "--k", "3", "--stability", "--resamples", "5"]) == 0
    out = capsys.readouterr().out
    assert "Stability (5 bootstrap refits" in out
    verdicts = [
        line
        for line in out.splitlines()
        if line.rstrip().endswith(("stable", "doubtful", "do not trust"))
    ]
    assert len(verdicts) == 3
    assert "Prediction strength per k" in out
    assert main([str(demo_csv), "--resamples", "0"]) == 2


def test_segment_files_workbook_sheets_report_and_consent(demo_csv, tmp_path):
    import zipfile

    import openpyxl

    out, zipped, page = tmp_path / "c.xlsx", tmp_path / "lists.zip", tmp_path / "r.html"
    args = [str(demo_csv), "--k", "3", "--out", str(out), "--segment-files", str(zipped)]
    assert main([*args, "--report", str(page)]) == 0
    customers = pd.read_excel(out, sheet_name="customers", dtype={"customer_id": str})
    sheets = openpyxl.load_workbook(out, read_only=True).sheetnames
    kmeans = customers["segment"].value_counts()
    grid = customers["rfm_segment"].value_counts()
    assert sheets == ["customers", *(f"K-Means {n}" for n in kmeans.index)] + [
        f"RFM {n}" for n in grid.index
    ]
    with zipfile.ZipFile(zipped) as archive:
        sizes = {
            name: len(pd.read_csv(archive.open(name), encoding="utf-8-sig"))
            for name in archive.namelist()
        }
    assert sizes == {f"K-Means {n}.csv": c for n, c in kmeans.items()} | {
        f"RFM {n}.csv": c for n, c in grid.items()
    }
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")

    # Only customers who accept marketing in the lists; the customer file keeps everyone.
    lists_only = [str(demo_csv), "--k", "3", "--segment-files", str(zipped), "--consented-only"]
    assert main(lists_only) == 0
    with zipfile.ZipFile(zipped) as archive:
        listed = pd.concat(
            pd.read_csv(archive.open(n), encoding="utf-8-sig", dtype={"customer_id": str})
            for n in archive.namelist()
            if n.startswith("RFM ")
        )
    consenting = customers[customers["Accepts Marketing"] == "yes"]
    assert 0 < len(listed) == len(consenting) < len(customers)
    assert set(listed["customer_id"]) == set(consenting["customer_id"])


def test_consent_needs_a_consent_column(demo_csv, tmp_path, capsys):
    out = tmp_path / "lists.zip"
    args = [str(demo_csv), "--contacts", "Email", "--segment-files", str(out), "--consented-only"]
    assert main(args) == 2
    assert "marketing-consent column" in capsys.readouterr().err
    assert main([str(demo_csv), "--contacts", "Phone"]) == 2
    assert "No contact column 'Phone'" in capsys.readouterr().err


@pytest.mark.slow
def test_stderr_holds_nothing_but_the_tool_s_own_lines(tmp_path):
    """Library warnings (an optimiser's overflow, a workbook parser's log) never reach the
    user: a good run prints nothing on stderr, on the demo and on a file written the world's
    ways (Turkish code page, month names, a 12-hour clock, grouped whole amounts)."""
    rows = ["Müşteri,Sipariş,Tarih,Tutar"]
    first = ["Şükrü", "Ayşe", "İsmail", "Gülşen", "Ömer", "Çağla", "Doğan", "Işıl"]
    names = [f"{a} {b}" for a in first for b in ("Öztürk", "Yılmaz", "Çelik", "Aydın")]
    months = ["Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran"]
    for i in range(240):
        amount = f"{(i * 37) % 900 + 100:,}" if i % 3 else f"{(i * 53) % 9000 + 1000:,}"
        day = f"{i % 28 + 1} {months[i % 6]} 2024 {i % 12 + 1}:{i % 60:02d} ÖS"
        rows.append(f'{names[(i * i) % len(names)]},{1000 + i},{day},"{amount}"')
    messy = tmp_path / "satislar.csv"
    messy.write_bytes(("\n".join(rows) + "\n").encode("cp1254"))
    for args in (["--demo"], [str(messy)]):
        proc = subprocess.run(
            [sys.executable, "-m", "segmentation", *args, "--out", str(tmp_path / "c.csv")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr == "", args


def test_apply_recipe_reads_the_file_as_the_fit_did(tmp_path):
    """The fit chose the e-mail column as the customer key (--map); the recipe remembers it,
    so next month's file of the same export is keyed by e-mail without repeating --map."""
    rows = ["Client,Email,Invoice,Date,Amount"]
    # Client ids are recycled across people; e-mail addresses are not: by e-mail there are
    # three customers, by client id two.
    for i, (client, email, day, amount) in enumerate([
        ("C1", "a@x.com", "2024-01-02", 10.0), ("C1", "b@x.com", "2024-01-05", 20.0),
        ("C2", "c@x.com", "2024-02-01", 30.0), ("C1", "a@x.com", "2024-03-01", 15.0),
    ]):  # fmt: skip
        rows.append(f"{client},{email},{i + 1},{day},{amount}")
    march = tmp_path / "march.csv"
    march.write_text("\n".join(rows) + "\n")
    april = tmp_path / "april.csv"
    april.write_text("\n".join(rows) + "\n")
    recipe = tmp_path / "r.json"
    out = tmp_path / "fit.csv"
    args = [str(march), "--map", "customer_id=Email", "--method", "scores", "--no-value"]
    assert main([*args, "--recipe", str(recipe), "--out", str(out)]) == 0
    labelled = tmp_path / "april_labelled.csv"
    assert main([str(april), "--apply-recipe", str(recipe), "--out", str(labelled)]) == 0
    got = pd.read_csv(labelled)
    assert sorted(got["customer_id"]) == ["a@x.com", "b@x.com", "c@x.com"]


@pytest.mark.parametrize("option", [["--summary", "s.csv"], ["--recipe", "r2.json"],
                                    ["--k", "4"], ["--compare-at", "2024-01-01"]])  # fmt: skip
def test_an_option_that_cannot_apply_to_a_recipe_is_refused(demo_csv, tmp_path, capsys, option):
    recipe = tmp_path / "r.json"
    assert main([str(demo_csv), "--k", "3", "--no-value", "--recipe", str(recipe),
                 "--out", str(tmp_path / "a.csv")]) == 0  # fmt: skip
    capsys.readouterr()
    args = [str(demo_csv), "--apply-recipe", str(recipe), "--out", str(tmp_path / "b.csv")]
    option = [option[0], *(str(tmp_path / o) if "." in o else o for o in option[1:])]
    assert main([*args, *option]) == 2
    err = capsys.readouterr().err
    assert f"{option[0]} cannot be used with --apply-recipe" in err


def test_fit_is_the_default_subcommand_and_gives_the_same_files(demo_csv, tmp_path):
    args = ["--k", "3", "--no-value", "--method", "both"]
    assert main(["fit", str(demo_csv), *args, "--out", str(tmp_path / "a.csv")]) == 0
    assert main([str(demo_csv), *args, "--out", str(tmp_path / "b.csv")]) == 0
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_score_on_pandas_takes_the_reading_and_customer_file_options(demo_csv, tmp_path, capsys):
    # One path for a recipe: `score` with the pandas engine reads the file as `FILE
    # --apply-recipe` did (notes printed) and writes the per-segment zip, consent respected.
    recipe = tmp_path / "r.json"
    assert main([str(demo_csv), "--k", "3", "--no-value", "--recipe", str(recipe),
                 "--out", str(tmp_path / "fit.csv")]) == 0  # fmt: skip
    capsys.readouterr()
    lists = tmp_path / "lists.zip"
    args = ["score", str(demo_csv), "--apply-recipe", str(recipe), "--engine", "pandas"]
    assert main([*args, "--segment-files", str(lists), "--out", str(tmp_path / "s.csv")]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("Reading\n") and "Scored 400 customers" in printed
    import zipfile

    with zipfile.ZipFile(lists) as archive:  # a list per K-Means and per grid segment
        sizes = [len(pd.read_csv(archive.open(n))) for n in archive.namelist()]
    assert sum(sizes) == 2 * 400
    fitted = pd.read_csv(tmp_path / "fit.csv", dtype={"customer_id": str})
    scored = pd.read_csv(tmp_path / "s.csv", dtype={"customer_id": str})
    assert scored["segment"].tolist() == fitted["segment"].tolist()


def test_an_option_the_sql_engines_cannot_apply_is_refused(demo_csv, tmp_path, capsys):
    recipe = tmp_path / "r.json"
    assert main([str(demo_csv), "--k", "3", "--no-value", "--recipe", str(recipe)]) == 0
    capsys.readouterr()
    args = ["score", str(demo_csv), "--apply-recipe", str(recipe), "--engine", "duckdb"]
    assert main([*args, "--contacts", "Email"]) == 2
    assert "--contacts applies to the pandas engine only" in capsys.readouterr().err


def test_demo_writes_the_dashboard_s_demo_shop_or_rows_of_generated_data(tmp_path, capsys):
    from segmentation.demo import demo_csv_bytes

    assert main(["demo", "--out", str(tmp_path / "demo.csv")]) == 0
    assert (tmp_path / "demo.csv").read_bytes() == demo_csv_bytes()
    assert main(["demo", "--rows", "1234", "--out", str(tmp_path / "big.parquet")]) == 0
    assert len(pd.read_parquet(tmp_path / "big.parquet")) == 1234
    assert main(["demo", "--rows", "10", "--out", str(tmp_path / "big.csv")]) == 2
    assert "--rows needs" in capsys.readouterr().err


def test_help_lists_the_fit_options_and_the_subcommands(capsys):
    # Scripts (and people) read `python -m segmentation --help` for what the command takes.
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert "--refunds" in text and "--apply-recipe" not in text.split("segmentation score")[0]
    assert "segmentation score FILE --apply-recipe" in text and "segmentation demo" in text
