"""Scoring with a saved recipe on pandas, DuckDB and Spark: the same labels, days, counts and
cents for every customer; the SQL texts of every dialect parse back; what SQL cannot repeat is
refused clearly."""

import fcntl
import json
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlglot

from segmentation.cli import main
from segmentation.engines.class_data import archive_path
from segmentation.engines.scoring import (
    QUIET_LOGS,
    SMALL_INPUT_BYTES,
    is_small_input,
    parquet_schema,
    score,
    score_duckdb,
    score_pandas,
    score_spark,
    spark_session,
    spark_settings,
)
from segmentation.engines.sql import DIALECTS, compile_recipe
from segmentation.errors import SettingsError
from segmentation.method.recipe import Recipe
from segmentation.outcomes.labelling import load_recipe

SKIP_SPARK = os.environ.get("REQUIRE_SPARK") != "1"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def spark():
    if shutil.which("java") is None:
        if SKIP_SPARK:
            pytest.skip("no Java runtime (apt-get install openjdk-17-jre-headless)")
        pytest.fail("Spark tests required (REQUIRE_SPARK=1) but there is no Java runtime")
    session = spark_session("local[2]", small_input=True)  # every test's data is small
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def edge_file(path):
    """Transactions with the cases engines disagree on when careless: float ids, exact
    duplicates, cancellations, negative and zero quantities, zero prices, missing customers
    and order ids, a customer whose refund cancels everything, two orders on one day, prices
    that sit on the half cent, ties at the score edges, and contact values that go blank."""
    rows = []
    day = pd.Timestamp("2024-01-01 09:00")
    for c in range(40):
        for k in range(1 + c % 5):
            rows.append(
                (
                    f"{1000 + c * 10 + k}",
                    float(100 + c),
                    day + pd.Timedelta(days=c * 3 + k * 7),
                    1 + (c % 3),
                    [1.25, 0.005, 2.335, 10.0][c % 4],
                    f"p{c}@shop.example",
                )
            )
    rows += [
        ("2000", 100.0, day, 1, 1.25, "p0@shop.example"),  # the same order line again
        ("2000", 100.0, day, 1, 1.25, "p0@shop.example"),
        ("C2001", 101.0, day + pd.Timedelta(days=20), -1, 0.005, None),
        ("2002", 102.0, day + pd.Timedelta(days=5), 0, 3.0, ""),
        ("2003", 103.0, day + pd.Timedelta(days=6), 2, 0.0, None),
        ("2004", np.nan, day + pd.Timedelta(days=7), 5, 9.99, None),
        (None, 104.0, day + pd.Timedelta(days=8), 1, 4.5, "late@shop.example"),
        ("2005", 199.0, day + pd.Timedelta(days=9), 2, 5.0, None),
        ("C2006", 199.0, day + pd.Timedelta(days=10), -2, 5.0, None),
        ("2007", 105.0, day + pd.Timedelta(days=9, hours=3), 1, 7.0, "p5@shop.example"),
    ]
    frame = pd.DataFrame(
        rows, columns=["InvoiceNo", "CustomerID", "InvoiceDate", "Quantity", "UnitPrice", "Email"]
    )
    frame.to_parquet(path, index=False)
    return frame


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scoring")
    data = folder / "shop.parquet"
    edge_file(data)
    recipe = folder / "recipe.json"
    assert main([str(data), "--k", "3", "--recipe", str(recipe), "--no-value"]) == 0
    return data, load_recipe(recipe.read_text())


@pytest.fixture(scope="session")
def online_retail_fitted(shared_data, tmp_path_factory, worker_id):
    """Online Retail, its recipe (fitted without value models) and pandas' labelled customers
    as text, made once per run whatever the number of test processes: the first to take the
    lock makes them in the run's folder, the others read them."""
    data = shared_data / "online_retail" / "online_retail.parquet"
    run = tmp_path_factory.getbasetemp()
    folder = (run if worker_id == "master" else run.parent) / "online_retail_fitted"
    folder.mkdir(exist_ok=True)
    recipe, expected = folder / "recipe.json", folder / "expected.pickle"
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not expected.exists():
            assert main([str(data), "--recipe", str(recipe), "--no-value"]) == 0
            as_text(score_pandas(data, load_recipe(recipe.read_text()))).to_pickle(expected)
    return data, load_recipe(recipe.read_text()), pd.read_pickle(expected)


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Every value as text as an export writes it (money to the cent)."""
    out = frame.copy().reset_index(drop=True)
    out["monetary"] = out["monetary"].map(lambda v: f"{v:.2f}")
    for c in out.columns:
        if c != "monetary":
            out[c] = out[c].map(
                lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
            )
    return out.sort_values("customer_id").reset_index(drop=True)


def test_duckdb_equals_pandas_on_every_customer_and_column(fitted):
    data, recipe = fitted
    expected = as_text(score_pandas(data, recipe))
    relation, _ = score_duckdb(data, recipe)
    got = as_text(relation.df())
    assert list(got.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(got, expected)
    # The customer whose refund cancels the purchase is gone; 12346-style float ids are whole.
    assert "199" not in set(got["customer_id"]) and "100" in set(got["customer_id"])


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux's /proc")
def test_a_session_s_jvm_maps_the_class_data_archive(spark):
    """A session started as the scoring command starts it maps the class-data archive (the
    first one on a machine has it recorded: tests/test_class_data.py): its JVM does not load
    Spark's classes one by one."""
    from pyspark import SparkContext

    archive = archive_path()
    assert archive is not None and archive.is_file()
    maps = Path(f"/proc/{SparkContext._gateway.proc.pid}/maps").read_text()
    assert str(archive) in maps


def test_spark_equals_pandas(fitted, spark):
    data, recipe = fitted
    expected = as_text(score_pandas(data, recipe))
    got = as_text(score_spark(data, recipe, spark).toPandas())
    pd.testing.assert_frame_equal(got, expected)


def test_spark_sorts_no_rows_across_workers_and_a_collected_file_is_in_customer_order(
    fitted, spark, tmp_path
):
    """A global ORDER BY makes Spark run the last stage twice (a sample for the ranges, then
    the sort): its part files are written as they come, and a collected file is sorted here."""
    data, recipe = fitted
    plan = score_spark(data, recipe, spark)._jdf.queryExecution().executedPlan().toString()
    assert "rangepartitioning" not in plan.lower()
    out = tmp_path / "labelled.csv"
    customers = len(score_pandas(data, recipe))
    assert score(data, recipe, engine="spark", out=out) == ("spark", customers)
    parts = tmp_path / "labelled.parquet"  # Spark's folder of parts, counted from footers
    assert score(data, recipe, engine="spark", out=parts) == ("spark", customers)
    assert len(pd.read_parquet(parts)) == customers
    ids = pd.read_csv(out, dtype={"customer_id": str}, encoding="utf-8-sig")["customer_id"]
    assert ids.tolist() == sorted(ids)


def test_spark_reads_the_rows_once_for_each_grouping_and_never_again_for_the_snapshot(
    fitted, spark
):
    """The customers' sums (exact duplicates out), their orders and their contacts: three
    passes over the file. The snapshot (the day after the last scored row) is taken over the
    customers found, not by finding them all again (Spark inlines each use of a CTE)."""
    data, recipe = fitted
    plan = score_spark(data, recipe, spark)._jdf.queryExecution().executedPlan().toString()
    assert plan.count("FileScan parquet") == 3
    assert "InMemoryRelation" not in plan


def test_spark_sends_the_kept_rows_to_their_customer_once_and_sums_nothing_before(fitted, spark):
    """The rows and the orders of a file are nearly all distinct: summing them partly before
    a shuffle (Spark's plan for a GROUP BY customer and row hash, or customer and order) groups
    nothing. The kept rows are sent to their customer's process instead, and the distinct rows,
    the customer's sums and the orders are found there (10 M rows on a 2-core standalone
    cluster: 17.3-23.0 s against 20.9-22.7 s in one warm session; the command line 39.3 and
    42.9 s against 41.6-45.6 s in the same hour)."""
    data, recipe = fitted
    plan = score_spark(data, recipe, spark)._jdf.queryExecution().executedPlan().toString()
    assert plan.count("Exchange hashpartitioning(customer_id#") >= 2
    assert "REPARTITION_BY_COL" in plan
    partial = (
        r"HashAggregate\(keys=\[customer_id#\d+, (segment_row_hash|order_key)#\d+\], "
        r"functions=\[partial_"
    )
    assert re.search(partial, plan) is None
    assert "HashAggregate(keys=[customer_id#" in plan


def test_contacts_are_the_latest_values_found_by_hashing_before_any_sort(fitted, spark, tmp_path):
    """A contact field's value is the one on the customer's latest dated row that has one,
    also when an older value comes back or the latest row is blank. Spark's MAX_BY over text
    sorts its input: the rows are first grouped by hashing (customer and values), so the sort
    sees a few groups per customer, not every row."""
    _, recipe = fitted
    day = pd.Timestamp("2024-03-01 10:00")
    rows = [("4000", 100.0, day, "old@shop.example"),
            ("4001", 100.0, day + pd.Timedelta(days=1), "new@shop.example"),
            ("4002", 100.0, day + pd.Timedelta(days=2), "old@shop.example"),
            ("4003", 100.0, day + pd.Timedelta(days=3), ""),
            ("4004", 101.0, day + pd.Timedelta(days=5), None),
            ("4005", 101.0, day, "only@shop.example")]  # fmt: skip
    frame = pd.DataFrame(rows, columns=["InvoiceNo", "CustomerID", "InvoiceDate", "Email"])
    frame["Quantity"], frame["UnitPrice"] = 1, 2.5
    data = tmp_path / "contacts.parquet"
    frame.to_parquet(data, index=False)
    latest = {"100": "old@shop.example", "101": "only@shop.example"}
    expected = as_text(score_pandas(data, recipe))
    assert dict(zip(expected["customer_id"], expected["Email"], strict=True)) == latest
    relation, _ = score_duckdb(data, recipe)
    pd.testing.assert_frame_equal(as_text(relation.df()), expected)
    result = score_spark(data, recipe, spark)
    pd.testing.assert_frame_equal(as_text(result.toPandas()), expected)
    plan = result._jdf.queryExecution().executedPlan().toString()
    sorted_input = plan[plan.index("SortAggregate") :]
    assert re.search(r"HashAggregate\(keys=\[customer_id#\d+L?, contact_0#\d+\]", sorted_input)


def test_spark_takes_a_parquet_file_s_columns_from_its_footer_without_a_job(
    fitted, spark, tmp_path
):
    """Spark's own schema inference runs a job, which on a cluster waits for an executor to
    start; the driver reads the footer instead, and gets exactly what Spark would infer (from
    pandas' file, and from Spark's own with its dates and decimals)."""
    data, recipe = fitted
    context = spark.sparkContext
    context.setJobGroup("footer", "the customers' query, not run")
    score_spark(data, recipe, spark)
    jobs = context.statusTracker().getJobIdsForGroup("footer")
    context.setJobGroup("other", "")
    assert list(jobs) == []
    written = str(tmp_path / "spark.parquet")
    spark.sql(
        "SELECT 'a' AS id, DATE'2024-01-02' AS day, CAST(1.25 AS DECIMAL(9,2)) AS price, "
        "TIMESTAMP'2024-01-02 10:00:00' AS at"
    ).coalesce(1).write.parquet(written)
    single = next(Path(written).glob("*.parquet"))
    for path in (data, single):
        assert parquet_schema(spark, Path(path)) == spark.read.parquet(str(path)).schema


def test_integer_customer_ids_give_the_same_customers_on_every_engine(fitted, spark, tmp_path):
    """Whole-number ids stored as integers (blanks included) are grouped as numbers by the SQL
    engines and written as the same text as the pandas reader's."""
    data, recipe = fitted
    frame = pd.read_parquet(data)
    frame["CustomerID"] = frame["CustomerID"].astype("Int64")
    ints = tmp_path / "ints.parquet"
    frame.to_parquet(ints, index=False)
    expected = as_text(score_pandas(data, recipe))
    pd.testing.assert_frame_equal(as_text(score_pandas(ints, recipe)), expected)
    relation, _ = score_duckdb(ints, recipe)
    pd.testing.assert_frame_equal(as_text(relation.df()), expected)
    pd.testing.assert_frame_equal(as_text(score_spark(ints, recipe, spark).toPandas()), expected)


def test_warehouse_texts_parse_back_and_name_the_table(fitted):
    _, recipe = fitted
    for dialect in DIALECTS:
        text = compile_recipe(recipe, dialect)
        tree = sqlglot.parse_one(text, read=dialect)
        assert "transactions" in {t.name for t in tree.find_all(sqlglot.exp.Table)}
        assert "rfm_segment" in text


def test_recipes_that_differ_only_in_their_values_each_get_their_own(fitted):
    """The query's text is parsed once for recipes of the same settings (their values are
    placed in afterwards): each recipe's text still holds its own values, in every order."""
    import dataclasses

    _, recipe = fitted
    mean = (123.456, *recipe.kmeans.mean[1:])
    other = dataclasses.replace(recipe, kmeans=dataclasses.replace(recipe.kmeans, mean=mean))
    first = compile_recipe(recipe, "duckdb")
    second = compile_recipe(other, "duckdb")
    assert "123.456" in second and "123.456" not in first
    assert second.replace("123.456", repr(recipe.kmeans.mean[0]), 1) == first
    assert compile_recipe(recipe, "duckdb") == first


def test_what_sql_cannot_repeat_is_refused(fitted):
    _, recipe = fitted
    older = {k: v for k, v in recipe.source.items() if k != "reading"}
    with pytest.raises(SettingsError, match="does not record how its file was read"):
        compile_recipe(Recipe.from_dict(older))
    status = json.loads(recipe.to_json())
    status["reading"]["roles"]["status"] = "Status"
    with pytest.raises(SettingsError, match="status"):
        compile_recipe(Recipe.from_dict(status))
    filled = json.loads(recipe.to_json())
    filled["reading"]["notes"].append(["Order lines", "12 lines took their order's fields"])
    filled["reading"]["codes"].append("topic:Order lines")
    with pytest.raises(SettingsError, match="one order id per row"):
        compile_recipe(Recipe.from_dict(filled))
    with pytest.raises(SettingsError, match="Unknown SQL dialect"):
        compile_recipe(recipe, "oracle")


def test_score_command(fitted, tmp_path, capsys, monkeypatch):
    data, recipe = fitted
    saved = tmp_path / "recipe.json"
    saved.write_text(recipe.to_json())
    for suffix in (".csv", ".xlsx", ".parquet"):
        out = tmp_path / f"labelled{suffix}"
        assert (
            main(
                [
                    "score",
                    str(data),
                    "--apply-recipe",
                    str(saved),
                    "--engine",
                    "duckdb",
                    "--out",
                    str(out),
                ]
            )
            == 0
        )
        assert out.exists()
    assert "with duckdb" in capsys.readouterr().out
    back = pd.read_parquet(tmp_path / "labelled.parquet")
    assert len(back) == len(score_pandas(data, recipe))
    assert main(["score", "--apply-recipe", str(saved), "--sql", "bigquery"]) == 0
    assert "transactions" in capsys.readouterr().out
    # A file named score is a file, when written as a path.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "score").write_bytes(data.read_bytes())
    assert main(["./score", "--no-value"]) == 2  # it is read as a file (and refused as one)
    assert "score" in capsys.readouterr().err
    assert (
        main(
            [
                "score",
                str(tmp_path / "book.xlsx"),
                "--apply-recipe",
                str(saved),
                "--engine",
                "duckdb",
            ]
        )
        == 2
    )


@pytest.mark.realdata
def test_online_retail_is_scored_identically_by_every_engine(online_retail_fitted, spark):
    data, recipe, expected = online_retail_fitted
    assert len(expected) == 4_317
    relation, _ = score_duckdb(data, recipe)
    pd.testing.assert_frame_equal(as_text(relation.df()), expected)
    pd.testing.assert_frame_equal(as_text(score_spark(data, recipe, spark).toPandas()), expected)


def test_an_engine_failure_is_one_clear_line(fitted, tmp_path, capsys):
    data, recipe = fitted
    saved = tmp_path / "recipe.json"
    saved.write_text(recipe.to_json())
    args = ["score", str(data), "--apply-recipe", str(saved), "--engine", "duckdb"]
    assert main([*args, "--memory-limit", "lots"]) == 2
    assert "is not a size" in capsys.readouterr().err
    assert main([*args, "--memory-limit", "1KB"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: The duckdb engine stopped:") and err.count("\n") == 1


@pytest.mark.parametrize("rule", ["duplicates", "refunds", "nonpositive_price"])
def test_each_cleaning_setting_gives_the_same_rows_on_duckdb(fitted, rule):
    data, recipe = fitted
    changed = json.loads(recipe.to_json())
    cleaning = changed["settings"]["cleaning"]
    if rule == "refunds":
        cleaning["refunds"] = "drop"
    else:
        cleaning[rule] = False
    changed = Recipe.from_dict(changed)
    expected = as_text(score_pandas(data, changed))
    relation, _ = score_duckdb(data, changed)
    pd.testing.assert_frame_equal(as_text(relation.df()), expected)


def test_rows_that_differ_only_in_a_column_the_recipe_does_not_read_both_count(
    fitted, spark, tmp_path
):
    """The exact-duplicate check compares every column of the file, those the recipe does not
    read too (the engines compare a hash of them): a line repeated exactly counts once, two
    lines that differ only in their description count twice."""
    _, recipe = fitted
    day = pd.Timestamp("2024-03-01 10:00")
    line = ("3000", 100.0, day, 2, 5.0, "a@shop.example")
    frame = pd.DataFrame(
        [(*line, "red"), (*line, "red"), (*line, "blue"), (*line, None),
         ("3001", 101.0, day, 1, 7.5, None, "red"), ("3001", 101.0, day, 1, 7.5, None, "red")],
        columns=["InvoiceNo", "CustomerID", "InvoiceDate", "Quantity", "UnitPrice", "Email",
                 "Description"],
    )  # fmt: skip
    data = tmp_path / "lines.parquet"
    frame.to_parquet(data, index=False)
    expected = as_text(score_pandas(data, recipe))
    assert dict(zip(expected["customer_id"], expected["monetary"], strict=True)) == {
        "100": "30.00",  # red once, blue, and the line without a description: 3 x 10.00
        "101": "7.50",
    }
    relation, _ = score_duckdb(data, recipe)
    pd.testing.assert_frame_equal(as_text(relation.df()), expected)
    pd.testing.assert_frame_equal(as_text(score_spark(data, recipe, spark).toPandas()), expected)


def test_rows_whose_blanks_sit_in_different_columns_are_not_copies(fitted, spark, tmp_path):
    """Two lines alike but for which of two unread columns is blank ("red" as the description
    of one and the country of the other) are two lines; a hash that skips blank values would
    take them for one."""
    _, recipe = fitted
    line = ("3000", 100.0, pd.Timestamp("2024-03-01 10:00"), 2, 5.0, "a@shop.example")
    frame = pd.DataFrame(
        [(*line, "red", None), (*line, "red", None), (*line, None, "red")],
        columns=["InvoiceNo", "CustomerID", "InvoiceDate", "Quantity", "UnitPrice", "Email",
                 "Description", "Country"],
    )  # fmt: skip
    data = tmp_path / "blanks.parquet"
    frame.to_parquet(data, index=False)
    expected = as_text(score_pandas(data, recipe))
    # the first line twice (once), the second once: 2 x 5.00 each
    assert dict(zip(expected["customer_id"], expected["monetary"], strict=True)) == {"100": "20.00"}
    relation, _ = score_duckdb(data, recipe)
    pd.testing.assert_frame_equal(as_text(relation.df()), expected)
    pd.testing.assert_frame_equal(as_text(score_spark(data, recipe, spark).toPandas()), expected)


def test_a_fixed_snapshot_gives_the_same_customers_on_duckdb(fitted):
    """A recipe fitted to a fixed snapshot day: each customer once, recency counted to that
    day (the query once joined every row to the snapshot, one customer row per line)."""
    data, recipe = fitted
    changed = json.loads(recipe.to_json())
    changed["settings"]["snapshot"] = "2024-06-30"
    changed = Recipe.from_dict(changed)
    expected = as_text(score_pandas(data, changed))
    relation, _ = score_duckdb(data, changed)
    got = as_text(relation.df())
    pd.testing.assert_frame_equal(got, expected)
    assert set(got["snapshot_date"]) == {"2024-06-30"}
    # customer 100 last bought on 2024-01-01 (orders 1000 and 2000): 181 days to June 30
    assert got.set_index("customer_id").loc["100", "recency_days"] == "181"


def test_value_predictions_come_with_every_engine(fitted, spark, tmp_path):
    data, _ = fitted
    recipe_path = tmp_path / "recipe.json"
    assert main([str(data), "--k", "3", "--recipe", str(recipe_path)]) == 0
    recipe = load_recipe(recipe_path.read_text())
    assert recipe.value is not None
    outputs = {}
    for engine in ("pandas", "duckdb", "spark"):
        out = tmp_path / f"{engine}.parquet"
        assert (
            main(
                [
                    "score",
                    str(data),
                    "--apply-recipe",
                    str(recipe_path),
                    "--engine",
                    engine,
                    "--out",
                    str(out),
                ]
            )
            == 0
        )
        outputs[engine] = pd.read_parquet(out).sort_values("customer_id").reset_index(drop=True)
    value = ["p_alive", "expected_purchases_365d", "expected_order_value", "value_365d"]
    expected = outputs["pandas"]
    for engine in ("duckdb", "spark"):
        got = outputs[engine]
        assert list(got.columns) == list(expected.columns)
        np.testing.assert_allclose(got[value], expected[value], rtol=1e-9)
        pd.testing.assert_frame_equal(
            as_text(got.drop(columns=value)), as_text(expected.drop(columns=value))
        )


def test_spark_applies_the_value_models_on_the_engine(fitted, spark, tmp_path):
    """A recipe with value models: Spark makes each customer's summary and applies the saved
    models to it on its workers (the package shipped to them), joined to the customers there;
    nothing per customer is collected to the driver before the output is written."""
    data, _ = fitted
    recipe_path = tmp_path / "recipe.json"
    assert main([str(data), "--k", "3", "--recipe", str(recipe_path)]) == 0
    recipe = load_recipe(recipe_path.read_text())
    expected = score_pandas(data, recipe).sort_values("customer_id", ignore_index=True)
    result = score_spark(data, recipe, spark)
    plan = result._jdf.queryExecution().executedPlan().toString()
    assert "MapInPandas" in plan or "MapInArrow" in plan
    got = result.toPandas().sort_values("customer_id", ignore_index=True)
    assert list(got.columns) == list(expected.columns)
    value = ["p_alive", "expected_purchases_365d", "expected_order_value", "value_365d"]
    np.testing.assert_allclose(got[value], expected[value], rtol=1e-9)
    pd.testing.assert_frame_equal(
        as_text(got.drop(columns=value)), as_text(expected.drop(columns=value))
    )


def test_the_sql_path_refuses_a_file_whose_price_was_a_line_total():
    from segmentation.engines.sql import check_sql_recipe
    from segmentation.errors import SettingsError

    reading = {
        "roles": {"customer_id": "c", "invoice_date": "d", "quantity": "q", "unit_price": "p"},
        "notes": [["Revenue", "'p' is the line total: for each product it grows with 'q'"]],
    }
    recipe = {"recipe_version": 4, "method": "scores", "settings": {"cleaning": {}},
              "scores": {"edges": {"recency": [1, 2, 3, 4], "frequency": [1, 2, 3, 4],
                                   "monetary": [1, 2, 3, 4]}, "rules": []},
              "reading": reading}  # fmt: skip
    with pytest.raises(SettingsError, match="line total"):
        check_sql_recipe(Recipe.from_dict(recipe))


def test_the_sql_path_decides_from_the_reading_codes_not_the_notes_wording(fitted):
    _, recipe = fitted
    data = json.loads(recipe.to_json())
    notes, codes = data["reading"]["notes"], data["reading"]["codes"]
    at = codes.index("revenue_quantity_x_price")
    # Wording that merely mentions a line total decides nothing ...
    notes[at][1] += " (each line total is quantity x price)"
    compile_recipe(Recipe.from_dict(data))
    # ... the decision's code does.
    codes[at] = "revenue_price_is_line_total"
    with pytest.raises(SettingsError, match="line total"):
        compile_recipe(Recipe.from_dict(data))
    codes[at] = "some_future_decision"
    with pytest.raises(SettingsError, match="score with --engine pandas"):
        compile_recipe(Recipe.from_dict(data))


@pytest.mark.skipif(not hasattr(os, "sysconf"), reason="the machine's memory is not known")
def test_a_local_spark_has_half_the_machine_s_memory_unless_told_otherwise(tmp_path, monkeypatch):
    """Spark's local mode runs every task inside the driver, whose heap is 1 GB by default:
    the duplicate check and the groupings of a file of ten million rows spill to disk with it.
    A local session gets half the machine's memory; a user's setting wins; a cluster's driver
    (which only plans and collects) keeps Spark's default."""
    from segmentation.engines import scoring

    monkeypatch.setattr(scoring, "CGROUP_LIMITS", (tmp_path / "absent",))  # not in a container
    half = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2 // 2**20
    for master in (None, "local[*]", "local[2]", "local"):
        assert spark_settings(master, {})["spark.driver.memory"] == f"{half}m"
    told = spark_settings("local[*]", {"spark.driver.memory": "3g"})
    assert told["spark.driver.memory"] == "3g"
    assert "spark.driver.memory" not in spark_settings("spark://127.0.0.1:7077", {})


def test_a_local_spark_in_a_container_takes_half_of_the_container_s_limit(tmp_path, monkeypatch):
    """In a container the machine's memory is the host's: the cgroup limit bounds it."""
    from segmentation.engines import scoring

    limit = tmp_path / "memory.max"
    monkeypatch.setattr(scoring, "CGROUP_LIMITS", (tmp_path / "absent", limit))
    limit.write_text("4294967296\n")  # 4 GiB
    assert spark_settings(None, {})["spark.driver.memory"] == "2048m"
    limit.write_text("max\n")  # no limit: the machine's memory
    half = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2 // 2**20
    assert spark_settings(None, {})["spark.driver.memory"] == f"{half}m"


def test_spark_s_jvms_collect_garbage_for_throughput_and_stay_quiet_unless_verbose():
    """The driver's and the executors' JVMs use the parallel (throughput) collector: a scoring
    run is one batch, and G1's concurrent work competes for the cores (10 M rows, `local[*]`,
    two pairs: 0.82-0.89 of the time). The quiet log settings sit beside it unless verbose;
    a user's own JVM options win whole."""
    quiet = f"-Dlog4j2.configurationFile={QUIET_LOGS.as_uri()}"
    for master in (None, "spark://127.0.0.1:7077"):
        settings = spark_settings(master, {})
        for side in ("driver", "executor"):
            options = settings[f"spark.{side}.extraJavaOptions"].split()
            options = [o for o in options if o != "-XX:TieredStopAtLevel=1"]  # the test below
            # the JVM's own warnings to its standard error (Spark's log when quiet)
            warnings = ["-Xlog:disable", "-Xlog:all=warning:stderr"]
            assert options == ["-XX:+UseParallelGC", *warnings, quiet]
            verbose = spark_settings(master, {}, verbose=True)[f"spark.{side}.extraJavaOptions"]
            verbose = [o for o in verbose.split() if o != "-XX:TieredStopAtLevel=1"]
            assert verbose == ["-XX:+UseParallelGC", *warnings]
    assert spark_settings(None, {})["spark.ui.showConsoleProgress"] == "false"
    assert "spark.ui.showConsoleProgress" not in spark_settings(None, {}, verbose=True)
    told = spark_settings(None, {"spark.driver.extraJavaOptions": "-Xss4m"})
    assert told["spark.driver.extraJavaOptions"] == "-Xss4m"


def test_a_cluster_s_driver_compiles_its_code_quickly_and_a_local_one_fully():
    """On a cluster the driver only plans, compiles the query's code and writes: its JVM
    compiles with the quick compiler alone (C1), leaving the cores to the executors (10 M rows
    on a 2-core standalone cluster on this machine, two pairs: 0.87 and 0.89 of the time). A
    local session runs the tasks in the driver, which keeps the optimising compiler, and so do
    the executors, unless the input is small (the test below)."""
    c1 = "-XX:TieredStopAtLevel=1"
    for master in ("spark://127.0.0.1:7077", "yarn", "k8s://https://host:443"):
        settings = spark_settings(master, {})
        assert c1 in settings["spark.driver.extraJavaOptions"].split()
        assert c1 not in settings["spark.executor.extraJavaOptions"].split()
    for master in (None, "local", "local[2]", "local[*]"):
        assert c1 not in spark_settings(master, {})["spark.driver.extraJavaOptions"].split()


def test_a_session_on_a_small_input_compiles_quickly():
    """A session on a small input is over before the optimising compiler pays back: the JVMs
    that run its tasks compile with C1 alone. Locally that is the driver (the scoring command,
    local[*], pairs on this 2-core machine: 115,000 rows 10.1-10.2 s against 14.4-14.7 s, 3
    million rows 18.6-18.8 s against 21.2-22.7 s; at 10 million rows C2 is faster, 36-39 s
    against 43 s); on a cluster the executors too (a 2-core standalone cluster on this machine,
    the cluster tests' two scoring commands, two pairs: Online Retail 18.2 and 22.2 s against
    22.2 and 27.1 s, the edge cases 16.0 and 17.5 s against 17.7 and 20.9 s). A large input's
    executors keep the optimising compiler."""
    c1 = "-XX:TieredStopAtLevel=1"
    for master in (None, "local[2]", "spark://127.0.0.1:7077", "yarn"):
        small = spark_settings(master, {}, small_input=True)
        assert c1 in small["spark.driver.extraJavaOptions"].split()
        assert c1 in small["spark.executor.extraJavaOptions"].split()
        large = spark_settings(master, {}, small_input=False)
        assert c1 not in large["spark.executor.extraJavaOptions"].split()


def test_an_input_is_small_by_its_size_on_disk(tmp_path):
    """Small: at most SMALL_INPUT_BYTES on disk (32 MB: a 3-million-row parquet file, some
    300,000 rows of CSV), a folder of parts by their sum; a path that is not here (a remote
    one) is not known to be small."""
    assert SMALL_INPUT_BYTES == 32 * 2**20
    csv = tmp_path / "shop.csv"
    csv.write_text("a,b\n1,2\n")
    assert is_small_input(csv)
    with open(csv, "r+b") as f:
        f.truncate(SMALL_INPUT_BYTES + 1)  # sparse: no disk used
    assert not is_small_input(csv)
    parts = tmp_path / "parts.parquet"
    parts.mkdir()
    for name in ("part-0.parquet", "part-1.parquet"):
        with open(parts / name, "wb") as f:
            f.truncate(SMALL_INPUT_BYTES // 2)
    assert is_small_input(parts)
    (parts / "part-2.parquet").write_bytes(b"x")
    assert not is_small_input(parts)
    assert not is_small_input(tmp_path / "absent.parquet")
    assert not is_small_input("s3a://bucket/shop.parquet")


def test_spark_conf_reaches_the_session_and_a_bad_one_is_refused(spark, capsys):
    from segmentation.cli import _spark_conf

    conf = _spark_conf(["spark.sql.shuffle.partitions=3"])
    session = spark_session("local[2]", conf)
    assert session.conf.get("spark.sql.shuffle.partitions") == "3"
    session.conf.set("spark.sql.shuffle.partitions", "8")
    assert main(["score", "x.parquet", "--apply-recipe", "r.json", "--spark-conf", "memory"]) == 2
    assert "--spark-conf 'memory' is not KEY=VALUE" in capsys.readouterr().err
