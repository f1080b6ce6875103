"""Score a file with a saved recipe on an engine: pandas (this package's own reader), DuckDB
(embedded; reads parquet or CSV directly, larger than memory) or Spark (PySpark, ``local[*]``
or a cluster). The SQL engines run the query of :mod:`segmentation.engines.sql`.

``python -m segmentation score DATA --apply-recipe recipe.json --engine E --out FILE``
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import tempfile
import warnings
from collections.abc import Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from ..columns.loading import LoadedData, load_transactions
from ..errors import SegmentationError, SettingsError
from ..method.recipe import Reading, Recipe
from ..outcomes.labelling import apply_recipe
from ..settings import ENGINES
from .class_data import JVM_WARNINGS, SPARK_LOG, ClassData

# Files above this size are scored with DuckDB when no engine is chosen: pandas holds a file
# in memory several times over; DuckDB streams it.
DUCKDB_ABOVE_MB = 200
OUTPUTS = (".csv", ".xlsx", ".parquet")
# The package each engine needs, and the extra that installs it.
NEEDS = {"duckdb": ("duckdb", "sql"), "spark": ("pyspark", "spark")}


def choose_engine(engine: str, path: str | Path) -> str:
    """The engine asked for (refused in words when its extra is not installed); ``auto`` is
    DuckDB (when installed) for parquet or CSV above ``DUCKDB_ABOVE_MB``, pandas otherwise."""
    if engine not in ENGINES:
        raise SettingsError(f"Unknown engine '{engine}'. Choose from: {', '.join(ENGINES)}.")
    if engine != "auto":
        package, extra = NEEDS.get(engine, (None, None))
        if package and importlib.util.find_spec(package) is None:
            raise SettingsError(
                f"The {engine} engine needs {package}: pip install 'segmentation[{extra}]'."
            )
        return engine
    path = Path(path)
    big = path.exists() and path.stat().st_size > DUCKDB_ABOVE_MB * 1_000_000
    duckdb = importlib.util.find_spec("duckdb") is not None
    return "duckdb" if big and duckdb and _format(path) in ("parquet", "csv") else "pandas"


def _format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".parquet" or path.is_dir():
        return "parquet"
    if suffix in (".csv", ".txt"):
        return "csv"
    return suffix.lstrip(".") or "unknown"


def _sql_source(path: Path, engine: str) -> str:
    kind = _format(path)
    if kind not in ("parquet", "csv"):
        raise SettingsError(
            f"The {engine} engine reads parquet or CSV; '{path.name}' is {kind}: save it as "
            "parquet or CSV, or score it with --engine pandas."
        )
    return kind


def read_as_fitted(path: str | Path, recipe: Recipe, **given: Any) -> LoadedData:
    """Read a file as the fit read its own: the recipe's reading options (roles, sheet, date
    order, decimal mark, currency, encoding, state decisions); options given win."""
    reading = recipe.reading or Reading(())
    roles = {**reading.role_columns, **(given.pop("roles", None) or {})}
    statuses = [*reading.statuses, *(given.pop("statuses", None) or ())]
    options: dict[str, Any] = {
        "sheet": reading.sheet,
        "dayfirst": reading.dayfirst,
        "decimal": reading.decimal,
        "currency": reading.currency,
        "encoding": reading.encoding,
    }
    options.update({k: v for k, v in given.items() if v is not None})
    return load_transactions(path, roles=roles or None, statuses=statuses, **options)


def fitted_contacts(loaded: LoadedData, recipe: Recipe) -> list[str]:
    """The contact fields the fit chose, those this file has."""
    fitted = recipe.reading.contacts if recipe.reading else ()
    return [c for c in fitted if c in loaded.contacts.kinds]


def score_pandas(path: str | Path, recipe: Recipe) -> pd.DataFrame:
    """Read the file as the fit read it, then label it with the fit's contact fields (value
    predictions included when the recipe has them)."""
    loaded = read_as_fitted(path, recipe)
    chosen = fitted_contacts(loaded, recipe)
    contacts = loaded.contacts.values[chosen] if chosen else None
    customers, _ = apply_recipe(loaded.transactions, recipe, contacts)
    return customers


def _duckdb_source(path: Path, memory_limit: str | None):
    """A DuckDB connection, the table expression that reads the file, which of its columns
    hold numbers (``float`` or ``integer``) and all its columns."""
    import duckdb

    kind = _sql_source(path, "duckdb")
    con = duckdb.connect()
    # Rows need no order until the final ORDER BY; without it DuckDB can spill more freely.
    con.execute("SET preserve_insertion_order = false")
    if memory_limit:
        try:
            con.execute(f"SET memory_limit = {duckdb_literal(memory_limit)}")
        except duckdb.Error as exc:
            raise SettingsError(f"--memory-limit '{memory_limit}' is not a size (2GB).") from exc
    where = str(path / "*.parquet") if path.is_dir() else str(path)
    reader = "read_parquet" if kind == "parquet" else "read_csv"
    table = f"{reader}({duckdb_literal(where)})"
    schema = con.sql(f"DESCRIBE SELECT * FROM {table}").df()
    kinds = {"DOUBLE": "float", "FLOAT": "float", "REAL": "float", "BIGINT": "integer"}
    kinds.update(INTEGER="integer", SMALLINT="integer", TINYINT="integer")
    types = {row.column_name: kinds.get(row.column_type, "") for row in schema.itertuples()}
    return con, table, types, list(schema["column_name"])


def score_duckdb(
    path: str | Path, recipe: Recipe, memory_limit: str | None = None
) -> tuple[Any, Any]:
    """The labelled customers as a DuckDB relation (nothing is collected), and a function
    that gives the value models' customer summary from the same rows."""
    from .sql import compile_recipe

    con, table, types, columns = _duckdb_source(Path(path), memory_limit)
    relation = con.sql(compile_recipe(recipe, "duckdb", table, types, columns=columns))

    def summary() -> pd.DataFrame:
        query = compile_recipe(recipe, "duckdb", table, types, summary=True, columns=columns)
        return con.sql(query).df().set_index("customer_id")

    return relation, summary


def duckdb_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


QUIET_LOGS = Path(__file__).with_name("log4j2-quiet.properties")
# An input this small (on disk) is scored before the JVM's optimising compiler pays back: about
# 3 million rows of parquet, 300,000 of CSV.
SMALL_INPUT_BYTES = 32 * 2**20


def is_small_input(path: str | Path) -> bool:
    """Whether ``path`` (a file, or a folder of parts) holds at most ``SMALL_INPUT_BYTES``;
    False when it is not on this machine."""
    path = Path(path)
    try:
        files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]
        return sum(p.stat().st_size for p in files) <= SMALL_INPUT_BYTES
    except OSError:
        return False


def spark_settings(
    master: str | None,
    conf: Mapping[str, str],
    verbose: bool = False,
    class_data: ClassData | None = None,
    small_input: bool = False,
) -> dict[str, str]:
    """The session's settings: ours, then the user's ``conf`` (their cluster's settings win).

    A local session (``local``, ``local[N]``, the default) runs every task inside the driver,
    whose heap is 1 GB unless told: it gets half the machine's memory, as a local DuckDB does
    (with one gigabyte, ten million rows' duplicate check and groupings spill to disk). The
    JVMs use the parallel garbage collector: a scoring run is one batch, and G1's concurrent
    work competes with it for the cores. Unless ``verbose``: no console progress bars, and
    Spark's logs at ERROR from the JVM's start. ``class_data``: the JVMs' class-data archive
    (:mod:`.class_data`). ``small_input``: the input is small (:func:`is_small_input`)."""
    java = ["-XX:+UseParallelGC", *JVM_WARNINGS]
    if not verbose:
        java.append(f"-Dlog4j2.configurationFile={QUIET_LOGS.as_uri()}")
    local = (master or "local").startswith("local")
    # The quick compiler alone (C1) for a JVM that runs no task or only a small input's: a
    # cluster's driver only plans, compiles the query's code and writes, leaving the cores to
    # the executors; the optimising compiler (C2) pays back on a large input's tasks only.
    c1 = ["-XX:TieredStopAtLevel=1"]
    driver = [*java, *(c1 if not local or small_input else [])]
    executor = [*java, *(c1 if small_input else [])]
    settings = {
        "spark.driver.extraJavaOptions": " ".join(
            [*driver, *(class_data.driver if class_data else [])]
        ),
        "spark.executor.extraJavaOptions": " ".join(
            [*executor, *(class_data.executor if class_data else [])]
        ),
        **({} if verbose else {"spark.ui.showConsoleProgress": "false"}),
        "spark.ui.enabled": "false",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.shuffle.partitions": "8",
        # pandas writes nanosecond timestamps, which Spark reads only as numbers (see below)
        "spark.sql.legacy.parquet.nanosAsLong": "true",
    }
    if local and hasattr(os, "sysconf"):
        memory = min([os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"), *_cgroup_limit()])
        settings["spark.driver.memory"] = f"{max(memory // 2, 2**30) // 2**20}m"
    return {**settings, **conf}


# A container's memory limit (cgroup v2, then v1): the machine's memory is the host's there.
CGROUP_LIMITS = (
    Path("/sys/fs/cgroup/memory.max"),
    Path("/sys/fs/cgroup/memory/memory.limit_in_bytes"),
)


def _cgroup_limit() -> list[int]:
    for path in CGROUP_LIMITS:
        try:
            text = path.read_text().strip()
        except OSError:
            continue
        return [int(text)] if text.isdigit() else []
    return []


def spark_session(
    master: str | None = None,
    conf: Mapping[str, str] | None = None,
    verbose: bool = False,
    small_input: bool = False,
):
    """A Spark session: ``master`` (default ``local[*]``) with :func:`spark_settings` (for a
    ``small_input`` or not), quiet unless ``verbose`` (Py4J's logs at ERROR too). Its workers
    run this Python (the value models applied there need its packages; on a cluster, the same
    path on every node) unless ``PYSPARK_PYTHON`` names another."""
    import logging

    from pyspark import SparkContext
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(master or "local[*]").appName("customer-segments")
    # a JVM to start (not one this process already has) without the user's own options: its
    # classes from the archive
    ours = SparkContext._gateway is None and "spark.driver.extraJavaOptions" not in (conf or {})
    class_data = None
    if ours:  # recorded, if need be, with the JVM options of this session
        plain = spark_settings(master, {}, verbose)["spark.driver.extraJavaOptions"].split()
        class_data = ClassData(plain)
    settings = spark_settings(master, conf or {}, verbose, class_data, small_input)
    if not verbose:
        logging.getLogger("py4j").setLevel(logging.ERROR)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # read when the context starts
    for key, value in settings.items():
        builder = builder.config(key, value)
    if verbose:
        return builder.getOrCreate()
    with _jvm_output_to(SPARK_LOG):  # the JVM's own start-up lines are not the user's
        spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


@contextmanager
def _jvm_output_to(path: Path):
    """Standard error pointed at ``path`` while a child process (Spark's JVM) starts: the
    child keeps writing there (its warnings, Spark's logs), this process gets its own back."""
    sys.stderr.flush()
    with open(path, "ab") as log:
        saved = os.dup(2)
        os.dup2(log.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def score_spark(path: str | Path, recipe: Recipe, spark, summary: bool = False) -> Any:
    """The labelled customers as a Spark DataFrame (nothing is collected; in no particular
    order), with the value predictions of a recipe that has value models (applied on the
    workers: :func:`spark_value`); ``summary=True`` gives the value models' customer summary
    instead."""
    from .sql import compile_recipe

    path = Path(path)
    kind = _sql_source(path, "spark")
    if kind == "parquet":
        schema = parquet_schema(spark, path)
        reader = spark.read if schema is None else spark.read.schema(schema)
        frame = reader.parquet(str(path))
    else:
        frame = spark.read.option("header", True).option("inferSchema", True).csv(str(path))
    date = recipe.reading.role_columns.get("invoice_date") if recipe.reading else None
    if date in frame.columns and frame.schema[date].dataType.typeName() == "long":
        from pyspark.sql import functions as F

        # nanoseconds since the epoch (pandas' parquet timestamps) as a timestamp
        nanos = F.col(f"`{date}`")
        frame = frame.withColumn(date, F.timestamp_micros(F.floor(nanos / 1000)))
    frame.createOrReplaceTempView("transactions")
    kinds = {"double": "float", "float": "float", "long": "integer", "integer": "integer"}
    types = {f.name: kinds.get(f.dataType.typeName(), "") for f in frame.schema.fields}
    # Each grouping reads the file's columns it needs (parquet by column): a customer's sums,
    # orders and contacts aggregate where they are read and only the groups cross workers.
    # Both queries read the one table (a CSV's types are inferred from the whole file once).

    def query(summary: bool):
        text = compile_recipe(
            recipe, "spark", "transactions", types, summary=summary, columns=frame.columns,
            ordered=False,
        )  # fmt: skip
        return spark.sql(text)

    if summary or recipe.value is None:
        return query(summary)
    return spark_value(query(False), query(True), recipe)


def parquet_schema(spark, path: Path) -> Any:
    """A parquet file's columns as Spark infers them, read from its footer by the driver:
    Spark's own inference runs a job, which on a cluster waits for an executor to start (the
    query is planned meanwhile instead). Spark's converter, from its internal API: any failure
    (a folder of parts, another Spark version) gives None, and Spark infers the schema."""
    from pyspark.sql.types import StructType

    if not path.is_file():
        return None
    jvm = spark._jvm
    try:
        stored = jvm.org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(
            jvm.org.apache.hadoop.fs.Path(path.resolve().as_uri()),
            spark._jsc.hadoopConfiguration(),
        )
        reader = jvm.org.apache.parquet.hadoop.ParquetFileReader.open(stored)
        try:
            meta = reader.getFooter().getFileMetaData()
        finally:
            reader.close()
        spark_own = meta.getKeyValueMetaData().get("org.apache.spark.sql.parquet.row.metadata")
        if not spark_own:
            converter = jvm.org.apache.spark.sql.execution.datasources.parquet
            spark_own = (
                converter.ParquetToSparkSchemaConverter(spark._jsparkSession.sessionState().conf())
                .convert(meta.getSchema())
                .json()
            )
    except Exception:  # Py4J's errors and changed internals alike: Spark infers it
        return None
    return StructType.fromJson(_nullable(json.loads(spark_own)))


def _nullable(schema: Any) -> Any:
    """Every field and element nullable, as Spark reads a file (a file Spark wrote may store
    them not nullable)."""
    if isinstance(schema, list):
        return [_nullable(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    flags = ("nullable", "containsNull", "valueContainsNull")
    return {k: True if k in flags else _nullable(v) for k, v in schema.items()}


def spark_value(customers, summary, recipe: Recipe):
    """The customers with the value predictions placed as in the customer file: the saved
    models applied to each customer's summary on Spark's workers, batch by batch (this package
    shipped to them as a zip), joined to the customers there."""
    from ..outcomes.value import predict_summary

    assert recipe.value is not None
    saved = recipe.value.as_saved()
    # the predictions' columns, from one made-up customer
    probe = pd.DataFrame({"x": [1], "t_x": [1.0], "T": [2.0], "zbar": [1.0]}, index=["c"])
    names = list(predict_summary(probe.rename_axis("customer_id"), saved).columns)
    schema = ", ".join(["customer_id STRING", *(f"`{n}` DOUBLE" for n in names)])

    def predict(batches):
        from segmentation.outcomes.value import predict_summary

        for batch in batches:
            out = predict_summary(batch.set_index("customer_id"), saved)
            yield out.astype("float64").reset_index()

    _ship_package(customers.sparkSession)
    predicted = summary.mapInPandas(predict, schema)
    columns = customers.columns
    at = value_position(columns)
    order = [*columns[:at], *names, *columns[at:]]
    return customers.join(predicted, "customer_id", "left").select(*(f"`{c}`" for c in order))


def value_position(columns: list[str]) -> int:
    """Where the value predictions go in the customer file: after the last action column."""
    return next((columns.index(c) + 1 for c in ("rfm_action", "action") if c in columns), 4)


SHIPPED = "segmentation-package"


def _ship_package(spark) -> None:
    """This package as a zip on every worker's import path (once per session)."""
    import shutil

    context = spark.sparkContext
    if any(f.endswith(f"/{SHIPPED}.zip") for f in context.listFiles):
        return
    package = Path(__file__).resolve().parents[1]
    folder = Path(tempfile.mkdtemp(prefix="segmentation-"))
    shutil.copytree(
        package, folder / "zip" / package.name, ignore=shutil.ignore_patterns("__pycache__")
    )
    archive = shutil.make_archive(str(folder / SHIPPED), "zip", folder / "zip")
    context.addPyFile(archive)


def with_value(frame: pd.DataFrame, recipe: Recipe, summary) -> pd.DataFrame:
    """The value predictions of a recipe that has them, computed in Python from the customer
    summary the engine made, placed where the customer file has them."""
    if recipe.value is None:
        return frame
    from ..outcomes.value import predict_summary

    predicted = predict_summary(summary(), recipe.value.as_saved())
    at = value_position(list(frame.columns))
    ids = frame["customer_id"].to_numpy()
    for offset, column in enumerate(predicted.columns):
        frame.insert(at + offset, column, predicted[column].reindex(ids).to_numpy())
    return frame


def write_frame(frame: pd.DataFrame, out: str | Path) -> None:
    """CSV (neutralised, UTF-8 with BOM), Excel or parquet, by the file's suffix."""
    from ..outcomes.export import to_csv_bytes, to_xlsx_bytes

    out = Path(out)
    suffix = out.suffix.lower()
    try:
        if suffix == ".parquet":
            frame.to_parquet(out, index=False)
        elif suffix == ".xlsx":
            out.write_bytes(to_xlsx_bytes({"customers": frame}))
        else:
            out.write_bytes(to_csv_bytes(frame))
    except OSError as exc:
        raise SegmentationError(f"Cannot write '{out}': {exc.strerror or exc}.") from exc


def score(
    path: str | Path,
    recipe: Recipe,
    engine: str = "auto",
    out: str | Path | None = None,
    spark_master: str | None = None,
    memory_limit: str | None = None,
    spark_conf: Mapping[str, str] | None = None,
    verbose: bool = False,
) -> tuple[str, int]:
    """Score ``path`` and write ``out``; returns the engine used and the customers scored.

    DuckDB writes parquet straight from the query (nothing collected) unless the recipe has
    value models (their predictions are computed in Python from a customer summary DuckDB
    makes); Spark writes parquet as a folder of part files (Spark's own layout, in no
    particular order), value predictions made on its workers. CSV and Excel are collected and
    written as one file. An engine's failure (out of memory, a file it cannot read) is a
    ``SegmentationError`` with its first line."""
    engine = choose_engine(engine, path)
    try:
        with warnings.catch_warnings():  # libraries' warnings are not the user's to read
            if not verbose:
                warnings.simplefilter("ignore")
            return _score(
                path, recipe, engine, out, spark_master, memory_limit, spark_conf, verbose
            )
    except MemoryError as exc:
        raise SegmentationError(
            "The file is too large for this machine's memory with this engine: try --engine "
            "duckdb, or a larger --memory-limit."
        ) from exc
    except Exception as exc:  # the engines' own errors (duckdb.Error, Spark's) as one line
        if isinstance(exc, SegmentationError) or type(exc).__module__.split(".")[0] not in (
            "duckdb",
            "_duckdb",
            "pyspark",
            "py4j",
        ):
            raise
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SegmentationError(f"The {engine} engine stopped: {first}") from exc


def _rows_in(folder: Path) -> int:
    """The rows of the part files Spark wrote, from their footers (not the query again, and
    no job)."""
    import pyarrow.parquet as pq

    return sum(pq.read_metadata(part).num_rows for part in folder.glob("*.parquet"))


def _score(
    path, recipe, engine, out, spark_master, memory_limit, spark_conf=None, verbose=False
) -> tuple[str, int]:
    if out is not None and Path(out).suffix.lower() not in OUTPUTS:
        raise SettingsError(f"Output '{out}' must end in {', '.join(OUTPUTS)}.")
    parquet = out is not None and Path(out).suffix.lower() == ".parquet"
    if engine == "pandas":
        frame = score_pandas(path, recipe)
        if out is not None:
            write_frame(frame, out)
        return engine, len(frame)
    if engine == "duckdb":
        relation, summary = score_duckdb(path, recipe, memory_limit)
        if parquet and recipe.value is None:  # straight from the query, nothing collected
            import duckdb

            relation.write_parquet(str(out))
            written = f"SELECT COUNT(*) FROM read_parquet({duckdb_literal(str(out))})"
            return engine, int(duckdb.execute(written).fetchall()[0][0])
        frame = with_value(relation.df(), recipe, summary)
    else:
        spark = spark_session(spark_master, spark_conf, verbose, is_small_input(path))
        result = score_spark(path, recipe, spark)
        if parquet:
            result.write.mode("overwrite").parquet(str(out))
            return engine, _rows_in(Path(out))
        frame = result.toPandas().sort_values("customer_id", ignore_index=True, na_position="last")
    if out is not None:
        write_frame(frame, out)
    return engine, len(frame)
