"""A saved recipe as one SQL query over a transactions table: "fit small, score big".

The query repeats the method's scoring steps: the cleaning rules, RFM at the recipe's snapshot
rule (money summed in millionths, each customer's sum rounded half up to the cent, so every
engine gives the same cent), the fitted transforms with their lambdas, standardisation, the
nearest centroid, the score thresholds and the segment grid, the playbook's actions, and the
contact fields (the latest non-empty value per customer). It is written once in DuckDB's
dialect and turned into Spark SQL, BigQuery, Snowflake or PostgreSQL by sqlglot, which parses
and regenerates it.

SQL tables have no row order, so the SQL path needs one order id per row: files whose order
lines had to be filled from the line above, status columns, store-scoped or daily order
numbers, several currencies or numbers written with decimal commas are refused with the
reason (score them with ``--engine pandas``). Value predictions are not part of the query.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from typing import Any

from ..columns.roles import ROLES
from ..errors import SettingsError
from ..method.cleaning import NON_PRODUCT_CODES
from ..method.recipe import Reading, Recipe
from ..settings import METRICS

try:  # the sql extra's: the package imports without it, and says so when a query is asked for
    import sqlglot
    from sqlglot import exp
except ImportError:
    sqlglot = None  # type: ignore[assignment]

DIALECTS = ("duckdb", "spark", "bigquery", "snowflake", "postgres")
TABLE = "transactions"
KEY = "segment_customer_key"  # the customer key, computed before anything else
# The dialect-specific parts of the query, all here.
# How exact duplicates are found. By default one row of each is kept with a DISTINCT. In these
# dialects (the 64-bit hash function named) each customer's rows are grouped instead by one
# hash of every column, blanks marked (a blank moved to another column makes another row),
# and each group keeps only the numbers the sums need: Spark's DISTINCT over every column
# carried and compared whole rows of text and was its slowest step. Two different rows of one
# customer that share a hash (odds of about one in 10**19 per pair) would count once.
HASHED_DISTINCT = {"spark": "XXHASH64"}
# The engines' 64-bit hash of several columns for a DISTINCT: with the file's columns known,
# it compares the columns the query reads and one hash of the others instead of carrying
# every column of every row (same odds). Other dialects compare every column.
ROW_HASH = {"duckdb": "HASH"}
# The contact fields' latest values: one ARG_MAX per field over each customer's rows, except in
# these dialects, where an ARG_MAX over text is a sort of every row: there the rows are first
# grouped by customer and their fields' values (keys the engine hashes), each group with its
# latest date per field, and the ARG_MAX sorts only those few groups per customer (DuckDB's
# ARG_MAX over every row is faster than the extra grouping: 0.96 of the time).
CONTACTS_GROUPED_FIRST = {"spark"}
# The kept rows sent once to the process of their customer, in these dialects (a hint on the
# ``kept`` rows): every grouping by the customer and something more (each row's hash, each
# order) then sums there, without summing partly before a shuffle that groups nothing
# (rows and orders are nearly all distinct) and without a second shuffle by customer.
DISTRIBUTED_BY_CUSTOMER = {"spark": "REPARTITION(customer_id)"}
# Roles the SQL path can read, and reading notes it can reproduce.
# Roles whose meaning needs more than one row (status vocabularies, per-store order numbers,
# several currencies) are read by the pandas engine only.
SQL_ROLES = set(ROLES) - {"status", "currency", "store"}
# The reading decisions the SQL path repeats (codes of the reading notes); any other is
# refused with its note.
SQL_CODES = {
    "topic:Sheets", "topic:Encoding", "topic:Delimiter", "topic:Header", "topic:Export",
    "customer_key", "customer_key_email", "dates", "revenue_quantity_x_price",
    "revenue_amount", "numbers_decimal_point", "rows_without_order_id",
}  # fmt: skip
REFUSALS = {
    "revenue_price_is_line_total": "When fitting, the file's price was a line total ({note}); "
    "the SQL engines multiply quantity by price: score with --engine pandas.",
    "numbers_decimal_comma": "The file writes decimal commas; the SQL engines read numbers "
    "with a decimal point (save it as parquet, or score with --engine pandas).",
}


def reading_codes(reading: Reading) -> tuple[str, ...]:
    """The codes of a recipe's reading decisions; recipes saved before codes existed have
    theirs derived from the notes' topics and wording, once, here."""
    if reading.codes is not None:
        return reading.codes
    codes = []
    for topic, text in reading.notes:
        if topic == "Customer key":
            codes.append(
                "customer_key_email_fill" if "use '" in text
                else "customer_key_email" if "e-mail" in text else "customer_key"
            )  # fmt: skip
        elif topic == "Revenue":
            codes.append(
                "revenue_price_is_line_total" if "is the line total" in text
                or "already the line total" in text
                else "revenue_quantity_x_price" if " x " in text else "revenue_amount"
            )  # fmt: skip
        elif topic == "Numbers":
            codes.append(
                "numbers_decimal_comma" if "decimal mark ','" in text else "numbers_decimal_point"
            )
        elif topic == "Order key" and "without an order id are each" in text:
            codes.append("rows_without_order_id")
        elif topic == "Dates":
            codes.append("dates")
        else:
            codes.append(f"topic:{topic}")
    return tuple(codes)


def _q(name: str) -> str:
    """A column name as a quoted identifier, written by sqlglot (quotes inside are escaped;
    spaces and capitals survive every dialect)."""
    return exp.to_identifier(str(name), quoted=True).sql(dialect="duckdb")


class _Values:
    """The recipe's values, kept out of the query's text: each is a named placeholder in the
    text, which is parsed into a tree before the values enter it as literal nodes made by
    sqlglot (numbers from finite floats, strings quoted by each dialect). No value of a recipe
    can change the query's shape."""

    def __init__(self) -> None:
        self.nodes: dict[str, exp.Expression] = {}

    def _add(self, node: exp.Expression) -> str:
        name = f"v{len(self.nodes)}"
        self.nodes[name] = node
        return f":{name}"

    def num(self, value: Any) -> str:

        number = float(value)
        if not math.isfinite(number):
            raise SettingsError(f"The recipe holds a number that is not finite ({value!r}).")
        return self._add(exp.Literal.number(repr(number)))

    def int(self, value: Any) -> str:

        if isinstance(value, bool) or int(value) != value:
            raise SettingsError(f"The recipe holds {value!r} where a whole number belongs.")
        return self._add(exp.Literal.number(int(value)))

    def text(self, value: Any) -> str:

        return self._add(exp.Literal.string(str(value)))


def check_sql_recipe(recipe: Recipe) -> None:
    """Refuse, with the reason, a recipe whose reading the SQL path cannot reproduce."""
    reading = recipe.reading
    if reading is None:
        raise SettingsError(
            "This recipe does not record how its file was read (it predates version 4): "
            "save it again, or score with --engine pandas."
        )
    roles = set(reading.role_columns)
    extra = sorted(roles - SQL_ROLES)
    if extra:
        raise SettingsError(
            f"The SQL engines cannot read the {', '.join(extra)} column(s) the way the fit did; "
            "score this file with --engine pandas."
        )
    for (topic, decision), code in zip(reading.notes, reading_codes(reading), strict=True):
        if code in REFUSALS:
            raise SettingsError(REFUSALS[code].format(note=decision))
        if code not in SQL_CODES:
            raise SettingsError(
                f"When fitting, the file needed '{topic}: {decision}'; SQL tables have no row "
                "order to repeat that, and expect one order id per row: score with --engine "
                "pandas."
            )


def _transform(method: str, param: float | None, x: str, v: _Values) -> str:
    """A fitted transform in SQL. Box-Cox and Yeo-Johnson are written for any lambda with the
    limits at zero as CASE branches, so the query's shape never depends on the value."""
    if method == "none":
        return x
    if method == "log":
        return f"LN({x})"
    if method == "sqrt":
        return f"SQRT({x})"
    if method == "cbrt":
        return f"CBRT({x})"
    assert param is not None, "a power transform has its fitted parameter"
    lam = float(param)
    if method == "boxcox":
        return _power_or_log(x, lam, v)
    if method == "yeojohnson":
        pos = _power_or_log(f"({x} + 1)", lam, v)
        neg = _power_or_log(f"(1 - {x})", 2 - lam, v)
        return f"CASE WHEN {x} >= 0 THEN {pos} ELSE -{neg} END"
    raise SettingsError(f"Unknown transform '{method}' in the recipe.")


def _power_or_log(x: str, lam: float, v: _Values) -> str:
    """(x ** lam - 1) / lam, and its limit ln(x) at lam = 0."""
    p = v.num(lam)
    return f"(CASE WHEN {p} = 0 THEN LN({x}) ELSE (POWER({x}, {p}) - 1) / NULLIF({p}, 0) END)"


def _case(pairs: list[tuple[str, str]], default: str = "NULL") -> str:
    if not pairs:
        return default
    return "CASE " + " ".join(f"WHEN {w} THEN {t}" for w, t in pairs) + f" ELSE {default} END"


def _customer_expr(roles: Mapping[str, str], reading: Reading, types) -> str:
    """The customer key: a whole number when the column holds numbers (12346.0 is customer
    12346; engines group numbers faster than text), written as text in the output."""
    column = _q(roles["customer_id"])
    if types.get(roles["customer_id"]) in ("float", "integer"):
        return f"CAST({column} AS BIGINT)"
    text = f"TRIM(CAST({column} AS VARCHAR))"
    if "customer_key_email" in reading_codes(reading):
        return f"LOWER({text})"
    return text


def compile_recipe(
    recipe: Recipe,
    dialect: str = "duckdb",
    table: str = TABLE,
    types: Mapping[str, str] | None = None,
    contacts: list[str] | None = None,
    summary: bool = False,
    columns: Sequence[str] | None = None,
    ordered: bool = True,
) -> str:
    """The scoring query of ``recipe`` in ``dialect``, over ``table`` (the file's columns).

    ``types`` says which columns hold numbers (``{"CustomerID": "float"}``, or ``"integer"``):
    a float customer id is cut to its whole number, as the pandas reader does. ``contacts`` are the
    columns to carry (default: the recipe's). ``summary=True`` gives instead the value models'
    customer summary (``customer_id, x, t_x, T, zbar``: purchase days, days from the first to
    the last, days from the first to the period's end, mean spend of the repeat days).

    ``columns`` are the file's columns, when the engine knows them (see ``HASHED_DISTINCT``
    and ``ROW_HASH``). ``ordered=False`` leaves out the final ORDER BY
    (Spark runs a global sort's last stage twice: once to sample the ranges)."""
    if dialect not in DIALECTS:
        raise SettingsError(f"Unknown SQL dialect '{dialect}'. Choose from: {', '.join(DIALECTS)}.")
    if sqlglot is None:
        raise SettingsError(
            "Writing the recipe as SQL needs sqlglot: pip install 'segmentation[sql]'."
        )
    check_sql_recipe(recipe)
    v = _Values()
    types = dict(types or {})
    reading = recipe.reading
    assert reading is not None  # checked above
    roles = reading.role_columns
    cleaning = recipe.cleaning
    contacts = list(reading.contacts if contacts is None else contacts)

    base = [f"{KEY} AS customer_id"]
    inv = roles.get("invoice_id")
    base.append(f"TRIM(CAST({_q(inv)} AS VARCHAR)) AS invoice_id" if inv else "NULL AS invoice_id")
    base.append(f"CAST({_q(roles['invoice_date'])} AS TIMESTAMP) AS invoice_date")
    if "quantity" in roles and "unit_price" in roles:
        qty, price = (f"CAST({_q(roles[r])} AS DOUBLE)" for r in ("quantity", "unit_price"))
        base += [f"{qty} AS quantity", f"{price} AS unit_price", f"{qty} * {price} AS revenue"]
        counted, priced = "quantity", "unit_price"
    else:
        amount = f"CAST({_q(roles['amount'])} AS DOUBLE)"
        base += ["NULL AS quantity", "NULL AS unit_price", f"{amount} AS revenue"]
        counted, priced = "revenue", "revenue"
    code = roles.get("stock_code")
    base.append(
        f"TRIM(CAST({_q(code)} AS VARCHAR)) AS stock_code" if code else "NULL AS stock_code"
    )
    for i, column in enumerate(contacts):
        base.append(f"CAST({_q(column)} AS VARCHAR) AS contact_{i}")
    carried = "*"
    hashed = cleaning.duplicates and columns is not None and dialect in HASHED_DISTINCT
    if hashed:
        assert columns is not None
        marked = ", ".join(f"{_q(c)}, {_q(c)} IS NULL" for c in columns)
        carried = f"*, {HASHED_DISTINCT[dialect]}({marked}) AS segment_row_hash"
        base.append("segment_row_hash")
    elif cleaning.duplicates and columns is not None and dialect in ROW_HASH:
        read = set(roles.values()) | set(contacts)
        parts = [_q(c) for c in columns if c in read]
        rest = [_q(c) for c in columns if c not in read]
        if rest:
            parts.append(f"{ROW_HASH[dialect]}({', '.join(rest)}) AS segment_row_hash")
        carried = ", ".join(parts)
    keyed = f"SELECT {_customer_expr(roles, reading, types)} AS {KEY}, {carried} FROM {table}"
    distinct = "DISTINCT " if cleaning.duplicates and not hashed else ""
    source = f"SELECT {distinct}* FROM ({keyed}) AS keyed_rows"

    refund = [f"COALESCE({counted} < 0, FALSE)"]
    if inv:
        refund.append("COALESCE(REGEXP_MATCHES(invoice_id, '^[Cc][0-9]+$'), FALSE)")
    is_refund = "(" + " OR ".join(refund) + ")"
    mode = cleaning.refunds
    keep = []
    if cleaning.missing_customer:
        keep.append("customer_id IS NOT NULL")
    if cleaning.missing_date:
        keep.append("invoice_date IS NOT NULL")
    if mode == "drop":
        keep.append(f"NOT {is_refund}")
    if cleaning.nonpositive_quantity and counted == "quantity":
        keep.append(f"quantity IS NOT NULL AND quantity <> 0 AND (quantity > 0 OR {is_refund})")
    if cleaning.nonpositive_price:
        if priced == "unit_price":
            keep.append("unit_price IS NOT NULL AND unit_price > 0")
        else:
            keep.append(f"revenue IS NOT NULL AND revenue <> 0 AND (revenue > 0 OR {is_refund})")
    if cleaning.non_product:
        codes = ", ".join(v.text(c) for c in sorted(NON_PRODUCT_CODES))
        keep.append(
            f"(stock_code IS NULL OR (UPPER(stock_code) NOT IN ({codes}) AND NOT "
            "REGEXP_MATCHES(stock_code, '^(gift_[0-9]+_[0-9]+|DCGS[A-Za-z0-9_]*)$')))"
        )
    where = " AND ".join(keep) or "TRUE"
    signed = "-ABS(revenue)" if mode != "keep" else "revenue"
    refund_flag = is_refund if mode != "keep" else "FALSE"

    frequency = recipe.frequency or ("invoices" if inv else "days")
    # Distinct orders (or days) are counted from a DISTINCT of (customer, order) pairs, which
    # an engine can spill to disk, rather than COUNT(DISTINCT) inside the customer grouping.
    # ``loose``: what a row adds to the frequency besides its order.
    if frequency == "invoices":
        order_key, loose = (
            "invoice_id",
            "CASE WHEN NOT refund AND invoice_id IS NULL THEN 1 ELSE 0 END",
        )
    elif frequency == "days":
        order_key, loose = "CAST(invoice_date AS DATE)", "0"
    else:
        order_key, loose = None, "CASE WHEN NOT refund THEN 1 ELSE 0 END"
    snapshot = recipe.snapshot
    # The day after the last scored row, over the customers found (a window over them, not a
    # second grouping: an engine that inlines CTEs, Spark, would compute every customer twice).
    snap = (
        f"CAST({v.text(snapshot)} AS DATE)"
        if snapshot
        else "CAST(CAST(MAX(last_row) OVER () AS DATE) + INTERVAL 1 DAY AS DATE)"
    )
    # A customer is scored when they bought (and, refunds netted, paid more than nothing):
    # one grouping of the kept rows decides it and gives the RFM sums, and every other part
    # keeps to the customers it found (the rows are read once per grouping, never re-joined).
    scored = "SUM(CASE WHEN NOT refund THEN 1 ELSE 0 END) > 0"
    if mode == "net":
        scored += " AND FLOOR(SUM(micros) / 10000 + 0.5) > 0"

    ctes = [
        f"src AS (SELECT {', '.join(base)} FROM ({source}) AS raw_rows)",
        "lines AS (SELECT *, CASE WHEN revenue IS NULL OR NOT revenue BETWEEN -1e300 AND 1e300 "
        f"THEN 0 ELSE (CASE WHEN {refund_flag} THEN {signed} ELSE revenue END) END AS money, "
        f"{refund_flag} AS refund FROM src WHERE {where})",
        f"kept AS (SELECT *, FLOOR(money * 1000000 + 0.5) AS micros, {loose} AS loose FROM lines)",
    ]
    rows = "kept"
    if hashed:  # each row once: one group per customer and hash of the row (HASHED_DISTINCT)
        ctes.append(
            "distinct_rows AS (SELECT customer_id, MIN(invoice_date) AS invoice_date, "
            "MIN(refund) AS refund, MIN(money) AS money, MIN(micros) AS micros, MIN(loose) AS "
            "loose FROM kept GROUP BY customer_id, segment_row_hash)"
        )
        rows = "distinct_rows"
    ctes.append(
        "per_customer AS (SELECT customer_id, "
        "MAX(CASE WHEN NOT refund THEN CAST(invoice_date AS DATE) END) AS last_purchase, "
        "MAX(invoice_date) AS last_row, SUM(loose) AS loose, "
        "FLOOR(SUM(micros) / 10000 + 0.5) AS cents "
        f"FROM {rows} GROUP BY customer_id HAVING {scored})"
    )
    ctes.append(f"dated AS (SELECT *, {snap} AS snapshot FROM per_customer)")
    if summary:
        return _transpile(_summary_query(ctes, ordered, rows), dialect, v)
    if order_key:
        ctes.append(
            f"orders AS (SELECT customer_id, COUNT(*) AS n FROM (SELECT DISTINCT customer_id, "
            f"{order_key} AS order_key FROM kept WHERE NOT refund AND {order_key} IS NOT "
            "NULL) AS pairs GROUP BY customer_id)"
        )
        ctes.append(
            "rfm AS (SELECT dated.customer_id, last_purchase, cents, snapshot, loose + "
            "COALESCE(orders.n, 0) AS frequency FROM dated LEFT JOIN orders ON "
            "orders.customer_id = dated.customer_id)"
        )
    else:
        ctes.append(
            "rfm AS (SELECT customer_id, last_purchase, cents, snapshot, loose AS frequency "
            "FROM dated)"
        )
    ctes.append(
        "metrics AS (SELECT customer_id, "
        "CAST(DATE_DIFF('day', last_purchase, snapshot) AS BIGINT) AS recency_days, "
        "CAST(frequency AS BIGINT) AS frequency, CAST(cents AS DOUBLE) / 100 AS monetary, "
        "CAST(snapshot AS VARCHAR) AS snapshot_date FROM rfm)"
    )
    layers, outputs = _labels(recipe, v)
    ctes += layers
    finals = [
        "CAST(labelled.customer_id AS VARCHAR) AS customer_id",
        "recency_days",
        "frequency",
        "monetary",
        *outputs,
    ]
    joins = ""
    if contacts and dialect in ("duckdb", "spark"):
        # Each field's value on the latest dated row that has one (CONTACTS_GROUPED_FIRST).
        fields = [f"contact_{i}" for i in range(len(contacts))]
        dated = [
            f"CASE WHEN {f} IS NOT NULL AND TRIM({f}) <> '' THEN invoice_date END" for f in fields
        ]
        source_rows = "src"
        if dialect in CONTACTS_GROUPED_FIRST:
            dates = ", ".join(f"MAX({d}) AS {f}_at" for f, d in zip(fields, dated, strict=True))
            ctes.append(
                f"contact_values AS (SELECT customer_id, {', '.join(fields)}, {dates} FROM src "
                f"GROUP BY customer_id, {', '.join(fields)})"
            )
            source_rows, dated = "contact_values", [f"{f}_at" for f in fields]
        latest = ", ".join(f"ARG_MAX({f}, {d}) AS {f}" for f, d in zip(fields, dated, strict=True))
        ctes.append(
            f"contacts AS (SELECT customer_id, {latest} FROM {source_rows} GROUP BY customer_id)"
        )
        joins = " LEFT JOIN contacts ON contacts.customer_id = labelled.customer_id"
        finals += [f"contacts.contact_{i} AS {_q(c)}" for i, c in enumerate(contacts)]
    for i, column in enumerate(contacts if dialect not in ("duckdb", "spark") else []):
        ctes.append(
            f"contact_{i} AS (SELECT customer_id, value FROM (SELECT customer_id, "
            f"contact_{i} AS value, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY "
            f"invoice_date DESC) AS n FROM src WHERE contact_{i} IS NOT NULL AND "
            f"TRIM(contact_{i}) <> '') AS ranked WHERE n = 1)"
        )
        joins += f" LEFT JOIN contact_{i} ON contact_{i}.customer_id = labelled.customer_id"
        finals.append(f"contact_{i}.value AS {_q(column)}")
    finals.append("snapshot_date")
    select = ", ".join(finals)
    order = " ORDER BY CAST(labelled.customer_id AS VARCHAR)" if ordered else ""
    query = "WITH " + ", ".join(ctes) + f" SELECT {select} FROM labelled{joins}{order}"
    return _transpile(query, dialect, v)


def _transpile(query: str, dialect: str, values: _Values) -> str:
    """Parse the query's text (ours alone: the recipe's values are placeholders), then put the
    values in as literal nodes, and write the tree in ``dialect``."""
    tree = exp.replace_placeholders(_parsed(query), **values.nodes)  # a copy: the kept stays
    if tree.find(exp.Placeholder) is not None:
        raise SettingsError("Internal error: a value of the recipe found no place in the query.")
    if dialect in DISTRIBUTED_BY_CUSTOMER:
        hint = sqlglot.parse_one(
            f"SELECT /*+ {DISTRIBUTED_BY_CUSTOMER[dialect]} */ 1", read=dialect
        ).args["hint"]
        for cte in tree.find_all(exp.CTE):
            if cte.alias == "kept":
                cte.this.set("hint", hint)
    return tree.sql(dialect=dialect, pretty=True)


@functools.lru_cache(maxsize=16)
def _parsed(query: str) -> exp.Expr:
    """The query's tree, kept: a recipe's text has placeholders for its values, so every
    dialect of it, and every recipe of the same settings, shares one parse (sqlglot takes
    about 0.1 s to parse the longest)."""
    return sqlglot.parse_one(query, read="duckdb")


def _summary_query(ctes: list[str], ordered: bool, rows: str) -> str:
    ctes = [
        *ctes,
        f"days AS (SELECT {rows}.customer_id, CAST(invoice_date AS DATE) AS day, snapshot, "
        f"SUM(money) AS spend FROM {rows} JOIN dated ON dated.customer_id = {rows}.customer_id "
        f"WHERE NOT refund GROUP BY {rows}.customer_id, CAST(invoice_date AS DATE), snapshot)",
        "spans AS (SELECT customer_id, snapshot, MIN(day) AS first_day, MAX(day) AS last_day, "
        "COUNT(*) - 1 AS x, SUM(spend) AS total, ARG_MIN(spend, day) AS first_spend FROM days "
        "GROUP BY customer_id, snapshot)",
    ]
    return (
        "WITH " + ", ".join(ctes) + " SELECT CAST(customer_id AS VARCHAR) AS customer_id, "
        "CAST(x AS BIGINT) AS x, CAST(DATE_DIFF('day', first_day, last_day) AS DOUBLE) AS t_x, "
        "CAST(DATE_DIFF('day', first_day, snapshot) - 1 AS DOUBLE) AS T, "
        "CASE WHEN x > 0 THEN (total - first_spend) / x ELSE 0 END AS zbar FROM spans"
        + (" ORDER BY CAST(customer_id AS VARCHAR)" if ordered else "")
    )


def _labels(recipe: Recipe, v: _Values) -> tuple[list[str], list[str]]:
    """Label layers over ``metrics`` as CTEs (each step computed once), and the output
    columns in the order of the customer file."""
    playbook = {segment: action for segment, _, _, action in recipe.playbook}
    layers, outputs = [], []
    step = "metrics"

    def add(name: str, columns: list[str]) -> None:
        nonlocal step
        layers.append(f"{name} AS (SELECT *, {', '.join(columns)} FROM {step})")
        step = name

    def action(column: str, names) -> str:
        # One branch per name, with or without an action: the query's shape never depends on
        # which names the playbook knows.
        pairs = [(f"{column} = {v.text(n)}", v.text(playbook.get(n, ""))) for n in names]
        return _case(pairs, "''")

    part = recipe.kmeans
    if part is not None:
        add(
            "standardized",
            [
                f"(({_transform(t.method, t.param, m, v)}) - {v.num(part.mean[i])}) / "
                f"{v.num(part.scale[i])} AS z_{i}"
                for i, (m, t) in enumerate(zip(METRICS, part.transforms, strict=True))
            ],
        )
        add(
            "distances",
            [
                " + ".join(f"POWER(z_{i} - {v.num(c[i])}, 2)" for i in range(len(METRICS)))
                + f" AS d_{k}"
                for k, c in enumerate(part.centroids)
            ],
        )
        k = part.k
        nearest = f"LEAST({', '.join(f'd_{j}' for j in range(k))})" if k > 1 else "d_0"
        add(
            "clustered",
            [_case([(f"d_{j} = {nearest}", str(j)) for j in range(k)], "0") + " AS cluster"],
        )
        add(
            "named",
            [
                _case([(f"cluster = {v.int(c)}", v.text(n)) for c, n in enumerate(part.names)])
                + " AS segment"
            ],
        )
        add("acted", [action("segment", part.names) + " AS action"])
        outputs += ["cluster", "segment", "action"]
    if recipe.scores is not None:
        edges = recipe.scores.edges

        def above(x: str, values, strict: bool = True) -> str:
            op = ">" if strict else ">="
            return " + ".join(f"CASE WHEN {x} {op} {v.num(e)} THEN 1 ELSE 0 END" for e in values)

        strict_f = not edges.fixed_frequency
        add(
            "scores",
            [
                f"CAST(5 - ({above('recency_days', edges.recency)}) AS BIGINT) AS r_score",
                f"CAST(1 + {above('frequency', edges.frequency, strict_f)} AS BIGINT) AS f_score",
                f"CAST(1 + {above('monetary', edges.monetary)} AS BIGINT) AS m_score",
            ],
        )
        rules = recipe.scores.rules
        grid = _case(
            [
                (
                    f"r_score BETWEEN {v.int(r0)} AND {v.int(r1)} AND "
                    f"f_score BETWEEN {v.int(f0)} AND {v.int(f1)} AND "
                    f"m_score BETWEEN {v.int(m0)} AND {v.int(m1)}",
                    v.text(name),
                )
                for name, r0, r1, f0, f1, m0, m1 in rules
            ],
            v.text("Others"),
        )
        add(
            "graded",
            [
                "CAST(r_score AS VARCHAR) || CAST(f_score AS VARCHAR) || "
                "CAST(m_score AS VARCHAR) AS rfm_score",
                f"{grid} AS rfm_segment",
            ],
        )
        names = [rule[0] for rule in rules] + ["Others"]
        add("advised", [action("rfm_segment", names) + " AS rfm_action"])
        outputs += ["r_score", "f_score", "m_score", "rfm_score", "rfm_segment", "rfm_action"]
    layers.append(f"labelled AS (SELECT * FROM {step})")
    return layers, outputs
