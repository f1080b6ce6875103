"""Command line, one subcommand per job:

    segmentation fit FILE ...        read, clean, segment; print the reports; write the labelled
                                     customers, summary, report and recipe
    segmentation score FILE --apply-recipe R ...
                                     label a file with a saved recipe (pandas, DuckDB or Spark),
                                     reading it as the fit read its own
    segmentation demo --out FILE     write the demo shop's transactions (or --rows N of them)

``python -m segmentation FILE ...`` is ``fit`` (``score`` when ``--apply-recipe`` is given); a
file named like a subcommand is written as a path (``./score``). An option that cannot apply
to a subcommand is refused in one line, never ignored."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import sys
import threading
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from .columns.loading import load_transactions
from .columns.states import parse_decisions
from .errors import SegmentationError
from .reading import read_text_file, source_bytes
from .settings import (
    ENGINES,
    FREQUENCY_MODES,
    METHODS,
    METRICS,
    PRESETS,
    PURCHASE_MODELS,
    REFUNDS,
    SAMPLE_UNITS,
    CleaningOptions,
    Settings,
)

if TYPE_CHECKING:
    import pandas as pd

TRANSFORM_NAMES = "none, log, sqrt, cbrt, boxcox, yeojohnson"

# Where each fixing choice is made on the command line (errors name the choice, not the flag).
HINTS = {
    "decimal": "--decimal , or --decimal .",
    "currency": "--currency CODE",
    "dayfirst": "--dayfirst",
    "map": "--map ROLE=COLUMN",
    "status": "--sale-status VALUE,... / --not-sale-status VALUE,... (or COLUMN=VALUE)",
}
ALIASES = {"recency": "recency_days", "r": "recency_days", "f": "frequency", "m": "monetary"}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line and exit 2, like every user error
        raise SegmentationError(message)


def _pairs(text: str, what: str) -> dict[str, str]:
    out = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = part.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise SegmentationError(f"{what} must look like NAME=VALUE (got '{part}').")
        out[key.strip()] = value.strip()
    return out


def parse_transforms(text: str) -> str | dict[str, str]:
    """``auto``, one transform for all, or ``recency=boxcox,frequency=boxcox,monetary=cbrt``."""
    if "=" not in text:
        return text
    pairs = {ALIASES.get(k.lower(), k.lower()): v for k, v in _pairs(text, "--transform").items()}
    unknown = set(pairs) - set(METRICS)
    if unknown:
        raise SegmentationError(f"Unknown metric in --transform: {', '.join(sorted(unknown))}.")
    return pairs


COMMANDS = ("fit", "score", "demo")


def _reading_options() -> _Parser:
    """How to read the file (a recipe's saved reading options fill what is not given)."""
    p = _Parser(add_help=False)
    p.add_argument("--sheet", help="workbook sheet (default: every sheet with the same columns)")
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="ROLE=COLUMN",
        help="set a column role, e.g. --map customer_id='Customer ID'",
    )
    p.add_argument(
        "--dayfirst", action="store_true", default=None, help="text dates are day/month/year"
    )
    p.add_argument("--decimal", choices=[".", ","], help="decimal mark of numbers written as text")
    p.add_argument("--currency", help="the currency to keep when the file holds several")
    p.add_argument("--encoding", help="text encoding (default: detected from the whole file)")
    p.add_argument(
        "--sale-status",
        metavar="VALUE,...",
        help="state values that are sales (VALUE or COLUMN=VALUE, comma-separated)",
    )
    p.add_argument(
        "--not-sale-status",
        metavar="VALUE,...",
        help="state values that are no sale: cancelled, test, pending, ... (VALUE or COLUMN=VALUE)",
    )
    p.add_argument(
        "--refund-status",
        metavar="VALUE,...",
        help="state values that are refunds or credit notes (VALUE or COLUMN=VALUE)",
    )
    return p


def _customer_file_options() -> _Parser:
    """Where the labelled customers go, with which contact fields."""
    p = _Parser(add_help=False)
    p.add_argument(
        "--contacts",
        help="contact columns for the customer file, comma-separated, or 'none' "
        "(default: e-mail, name, country and marketing consent where found)",
    )
    p.add_argument(
        "--consented-only",
        action="store_true",
        help="per-segment files hold only customers who accept marketing",
    )
    p.add_argument(
        "--out", help="labelled customers: .csv, .xlsx (a sheet per segment) or .parquet"
    )
    p.add_argument("--segment-files", help="one CSV per segment, in a .zip")
    return p


def build_parser() -> argparse.ArgumentParser:
    top = _Parser(
        prog="segmentation",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1],
    )
    commands = top.add_subparsers(dest="command", required=True, parser_class=_Parser)
    parents = [_reading_options(), _customer_file_options()]
    p = commands.add_parser(
        "fit",
        parents=parents,
        help="segment a transactions file",
        description="Segment a transactions file (the default subcommand).",
        epilog=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", nargs="?", help="transactions file: xlsx, xls, csv, txt or parquet")
    p.add_argument("--demo", action="store_true", help="use the built-in demo data")
    p.add_argument(
        "--show-orders",
        action="store_true",
        help="print three orders as read: the file's rows, the lines read, the total",
    )
    p.add_argument(
        "--refunds",
        choices=REFUNDS,
        help="net (default): subtract refunds from spend; drop: remove refund lines; "
        "keep: refund lines as ordinary rows",
    )
    for f in _rule_fields():
        p.add_argument(
            f"--keep-{f.replace('_', '-')}",
            dest=f"keep_{f}",
            action="store_true",
            help=f"turn off the '{f}' cleaning rule",
        )
    p.add_argument(
        "--keep-cancellations",
        dest="refunds",
        action="store_const",
        const="keep",
        help="same as --refunds keep (older name)",
    )
    p.add_argument(
        "--drop-non-product", action="store_true", help="remove non-product codes (POST, fees, ...)"
    )
    p.add_argument("--preset", choices=sorted(PRESETS), help="reproduce a known method")
    p.add_argument("--snapshot", help="snapshot date YYYY-MM-DD (default: day after last invoice)")
    p.add_argument("--sample", type=int, help="sample size")
    p.add_argument("--sample-unit", choices=SAMPLE_UNITS)
    p.add_argument("--transform", help=f"auto or metric=name,... ({TRANSFORM_NAMES})")
    p.add_argument("--frequency", choices=FREQUENCY_MODES)
    p.add_argument("--k", default=None, help="number of segments, or auto (default)")
    p.add_argument("--seed", type=int)
    p.add_argument(
        "--stability",
        action="store_true",
        help="check how stable the segments are (bootstrap refits; prediction strength per k)",
    )
    p.add_argument("--resamples", type=int, help="bootstrap refits of the stability check (50)")
    p.add_argument(
        "--method",
        choices=METHODS,
        default="both",
        help="K-Means segments, classic RFM scores with the segment grid, or both (default)",
    )
    p.add_argument("--rules", help="segment grid rules (.csv with the columns of the default)")
    p.add_argument("--report", help="a self-contained HTML report (.html)")
    p.add_argument(
        "--compare-at",
        metavar="DATE",
        help="compare with the segments at this earlier date of the same file (YYYY-MM-DD)",
    )
    p.add_argument(
        "--compare-with",
        metavar="FILE",
        help="compare with a customer file this tool exported earlier (.csv or .xlsx)",
    )
    p.add_argument(
        "--value-horizon",
        type=int,
        default=365,
        metavar="DAYS",
        help="days ahead for each customer's expected purchases and value (365)",
    )
    p.add_argument(
        "--discount-rate", type=float, default=0.0, help="annual discount rate of value (0.1)"
    )
    p.add_argument(
        "--holdout-fraction",
        type=float,
        default=0.25,
        help="share of the period held out to check the value model (0.25)",
    )
    p.add_argument(
        "--value-model",
        choices=("auto", *PURCHASE_MODELS),
        default="auto",
        help="repeat-purchase model (auto: the one whose forecast of a held-out period was "
        "closest: BG/NBD, MBG/NBD or Pareto/NBD)",
    )
    p.add_argument("--no-value", action="store_true", help="skip the customer value models")
    p.add_argument("--movement", help="the movement matrix (.csv): segment before x segment now")
    p.add_argument("--movers", help="one row per customer whose segment changed (.csv)")
    p.add_argument("--summary", help="cluster summary .csv")
    p.add_argument("--recipe", help="save the recipe (.json)")

    _score_options(commands.add_parser("score", parents=parents, help=SCORE_HELP))
    d = commands.add_parser("demo", help="write the demo shop's transactions")
    d.add_argument("--out", required=True, help="a .csv (the demo shop) or, with --rows, .parquet")
    d.add_argument("--rows", type=int, help="write this many generated transactions (parquet)")
    d.add_argument("--seed", type=int, default=7, help="the generator's seed (7)")
    return top


def _rule_fields() -> list[str]:
    return [f.name for f in fields(CleaningOptions) if f.type in (bool, "bool")]


def _k(text: str | None, default: int | None) -> int | None:
    if text is None:
        return default
    if text == "auto":
        return None
    if not text.isdigit() or int(text) < 1:
        raise SegmentationError(
            f"--k must be a number of segments (1 or more) or 'auto' (got '{text}')."
        )
    return int(text)


def settings_from_args(args: argparse.Namespace) -> Settings:
    base = PRESETS[args.preset] if args.preset else Settings()
    changes: dict[str, object] = {f: False for f in _rule_fields() if getattr(args, f"keep_{f}")}
    if args.drop_non_product:
        changes["non_product"] = True
    if args.refunds:
        changes["refunds"] = args.refunds
    cleaning = CleaningOptions(**{**vars(base.cleaning), **changes})
    k = _k(args.k, base.k)
    rules = None
    if args.rules:
        from .method.scores import read_rules

        rules = read_rules(args.rules)
    return Settings(
        cleaning=cleaning,
        snapshot=args.snapshot or base.snapshot,
        frequency=args.frequency or base.frequency,
        sample_size=args.sample if args.sample is not None else base.sample_size,
        sample_unit=args.sample_unit or base.sample_unit,
        transforms=parse_transforms(args.transform) if args.transform else base.transforms,
        k=k,
        k_max=base.k_max,
        seed=args.seed if args.seed is not None else base.seed,
        n_init=base.n_init,
        resamples=_resamples(args.resamples, base.resamples),
        method=args.method,
        rules=rules,
    )


def _resamples(value: int | None, default: int) -> int:
    if value is not None and value < 1:
        raise SegmentationError(f"--resamples must be 1 or more (got {value}).")
    return default if value is None else value


def _check_output(
    path: str | None, suffixes: tuple[str, ...] = (".csv", ".xlsx", ".parquet")
) -> None:
    if path and Path(path).suffix.lower() not in suffixes:
        raise SegmentationError(f"Output '{path}' must end in {' or '.join(suffixes)}.")


def _write_bytes(path: str, data: bytes) -> None:
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise SegmentationError(f"Cannot write '{path}': {exc.strerror or exc}.") from exc


def _write(path: str, frame: pd.DataFrame, sheet: str, extra: dict | None = None) -> None:
    from .outcomes.export import to_csv_bytes, to_xlsx_bytes

    suffix = Path(path).suffix.lower()
    if suffix == ".xlsx":
        _write_bytes(path, to_xlsx_bytes({sheet: frame, **(extra or {})}))
    elif suffix == ".parquet":
        from .engines.scoring import write_frame

        write_frame(frame, path)
    else:
        _write_bytes(path, to_csv_bytes(frame))


def _contacts(loaded, text: str | None) -> pd.DataFrame | None:
    """The contact fields asked for (default: those a marketer needs, where found)."""
    fields = loaded.contacts
    if text is None:
        chosen = fields.default
    elif text.strip().lower() == "none":
        return None
    else:
        chosen = [c.strip() for c in text.split(",") if c.strip()]
        unknown = [c for c in chosen if c not in fields.kinds]
        if unknown:
            raise SegmentationError(
                f"No contact column {', '.join(map(repr, unknown))} in the file; columns "
                f"that can travel: {', '.join(fields.kinds) or 'none'}."
            )
    return fields.values[chosen] if chosen else None


SCORE_HELP = "label a file with a saved recipe, on an engine"
# Options the pandas engine applies itself; the SQL engines read as the recipe says.
PANDAS_ONLY = ("sheet", "map", "dayfirst", "decimal", "currency", "encoding", "sale_status",
               "not_sale_status", "refund_status", "contacts", "consented_only",
               "segment_files")  # fmt: skip


def _score_options(p: argparse.ArgumentParser) -> None:
    p.description = (
        "Label every customer of a file with a saved recipe, on an engine: the file is read as "
        "the fit read its own (options given here win, on the pandas engine)."
    )
    p.add_argument("file", nargs="?", help="transactions: parquet (file or folder), csv, xlsx")
    p.add_argument("--apply-recipe", required=True, help="the recipe (.json) saved by a fit")
    p.add_argument("--engine", choices=ENGINES, default="auto", help="auto: DuckDB for large files")
    p.add_argument("--spark-master", help="Spark master URL (default local[*])")
    p.add_argument(
        "--spark-conf",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a Spark setting for your cluster (repeatable), e.g. spark.executor.memory=8g",
    )
    p.add_argument("--verbose", action="store_true", help="show the engines' own logs and warnings")
    p.add_argument("--memory-limit", help="DuckDB's memory limit, e.g. 2GB (it spills beyond)")
    p.add_argument(
        "--sql",
        metavar="DIALECT",
        help="print the scoring query for a warehouse (duckdb, spark, bigquery, snowflake, "
        "postgres) over a table named transactions, instead of scoring",
    )


def _spark_conf(items: list[str]) -> dict[str, str]:
    conf: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip().startswith("spark.") or not value.strip():
            raise SegmentationError(
                f"--spark-conf '{item}' is not KEY=VALUE with a Spark key "
                "(spark.executor.memory=8g)."
            )
        conf[key.strip()] = value.strip()
    return conf


def run(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    # python -m segmentation FILE (and --help: the fit's options, then the subcommands)
    if not argv or argv[0] not in COMMANDS:
        recipe = any(a == "--apply-recipe" or a.startswith("--apply-recipe=") for a in argv)
        argv.insert(0, "score" if recipe else "fit")
    args, unknown = build_parser().parse_known_args(argv)
    if unknown:  # refused, never ignored
        option = next((u for u in unknown if u.startswith("-")), unknown[0])
        if args.command == "score":
            raise SegmentationError(
                f"{option} cannot be used with --apply-recipe: the recipe decides how the file "
                "is labelled, and a fit's outputs need a fit."
            )
        raise SegmentationError(f"unrecognized arguments: {' '.join(unknown)}")
    {"fit": run_fit, "score": run_score, "demo": run_demo}[args.command](args)


def _roles(args: argparse.Namespace) -> dict[str, str]:
    roles: dict[str, str] = {}
    for item in args.map:
        roles.update(_pairs(item, "--map"))
    return roles


def _statuses(args: argparse.Namespace) -> tuple[tuple[str, str, str], ...]:
    return parse_decisions(args.sale_status, args.not_sale_status, args.refund_status)


def run_score(args: argparse.Namespace) -> None:
    """Label a file with a saved recipe: one path for every engine; the pandas engine reads
    the file as the fit read its own (options given win) and prints how it read it."""
    import time

    from .engines.scoring import choose_engine, fitted_contacts, read_as_fitted, score
    from .outcomes.labelling import apply_recipe, load_recipe

    spark_conf = _spark_conf(args.spark_conf)  # settings are checked before any file is read
    recipe = load_recipe(read_text_file(args.apply_recipe))
    if args.sql:
        from .engines.sql import compile_recipe

        print(compile_recipe(recipe, args.sql))
        return
    if not args.file:
        raise SegmentationError("Give the file to score (or --sql DIALECT to print the query).")
    if not Path(args.file).exists():
        raise SegmentationError(f"Cannot open '{args.file}': no such file or folder.")
    engine = choose_engine(args.engine, args.file)
    given = [n for n in PANDAS_ONLY if getattr(args, n) not in (None, False, [])]
    if engine != "pandas" and given:
        raise SegmentationError(
            f"--{given[0].replace('_', '-')} applies to the pandas engine only: the {engine} "
            "engine reads the file as the recipe says (or use --engine pandas)."
        )
    _check_output(args.out)
    _check_output(args.segment_files, (".zip",))
    start = time.perf_counter()
    if engine == "pandas":
        loaded = read_as_fitted(
            args.file,
            recipe,
            sheet=args.sheet,
            roles=_roles(args),
            dayfirst=args.dayfirst,
            decimal=args.decimal,
            currency=args.currency,
            encoding=args.encoding,
            statuses=_statuses(args),
        )
        saved = fitted_contacts(loaded, recipe)
        if args.contacts is None and saved:  # the fit's contact fields, where the file has them
            contacts = loaded.contacts.values[saved]
        else:
            contacts = _contacts(loaded, args.contacts)
        customers, report = apply_recipe(loaded.transactions, recipe, contacts)
        print("Reading\n" + loaded.notes.summary())
        print(report.summary())
        for column in ("segment", "rfm_segment"):
            if column in customers:
                print(customers[column].value_counts().to_string())
        _write_customers(args, customers, loaded, contacts)
        count = len(customers)
    else:
        engine, count = score(
            args.file,
            recipe,
            engine,
            args.out,
            args.spark_master,
            args.memory_limit,
            spark_conf,
            args.verbose,
        )
    print(
        f"Scored {count:,} customers of {args.file} with {engine} in "
        f"{time.perf_counter() - start:.1f} s" + (f"; wrote {args.out}" if args.out else "")
    )


def run_demo(args: argparse.Namespace) -> None:
    """The demo shop as a CSV (what the dashboard shows), or ``--rows`` generated
    transactions written to parquet in chunks (for the scale benchmarks)."""
    from .demo import demo_csv_bytes, write_large

    suffix = Path(args.out).suffix.lower()
    if args.rows is None:
        _check_output(args.out, (".csv",))
        _write_bytes(args.out, demo_csv_bytes(seed=args.seed))
        print(f"Wrote the demo shop's transactions to {args.out}")
        return
    if args.rows < 1 or suffix != ".parquet":
        raise SegmentationError("--rows needs 1 or more rows and a .parquet --out.")
    print(f"Wrote {write_large(args.rows, args.out, args.seed):,} rows to {args.out}")


def run_fit(args: argparse.Namespace) -> None:
    # Every setting is checked before the (possibly long) read: mistakes fail at once.
    settings = settings_from_args(args)
    for path in (args.out, args.summary):
        _check_output(path)
    _check_output(args.segment_files, (".zip",))
    _check_output(args.report, (".html", ".htm"))
    for path in (args.movement, args.movers):
        _check_output(path, (".csv",))
    if args.compare_at and args.compare_with:
        raise SegmentationError("Give --compare-at or --compare-with, not both.")
    if (args.movement or args.movers) and not (args.compare_at or args.compare_with):
        raise SegmentationError("--movement and --movers need --compare-at or --compare-with.")
    roles, statuses = _roles(args), _statuses(args)
    previous = None
    if args.compare_with:  # every file the user gives is read before anything is written
        from .outcomes.movement import read_previous

        previous = read_previous(*source_bytes(args.compare_with))
    if args.file:
        source, name = args.file, None
    elif args.demo:
        from .demo import demo_csv_bytes

        source, name = demo_csv_bytes(), "demo.csv"
    else:
        raise SegmentationError("Give a transactions file, or --demo for the built-in demo data.")
    # The method's libraries (scikit-learn, SciPy: about 2 s) load while the file is read: the
    # readers (fastexcel, pyarrow) release the GIL.
    preload = threading.Thread(target=_preload, args=(f"{__package__}.pipeline",))
    preload.start()
    try:  # the import ends before anything else does, a refused file included
        loaded = load_transactions(
            source,
            name,
            sheet=args.sheet,
            roles=roles,
            dayfirst=args.dayfirst,
            decimal=args.decimal,
            currency=args.currency,
            encoding=args.encoding,
            statuses=statuses,
        )
    finally:
        preload.join()

    from .outcomes.labelling import reading_of, recipe_to_json
    from .pipeline import Run

    contacts = _contacts(loaded, args.contacts)
    run = Run(loaded.transactions, settings)
    result = run.result()
    print(f"Read {loaded.name}: columns {loaded.roles.used()}")
    print("Reading\n" + loaded.notes.summary())
    if args.show_orders:
        print("\nOrders as read")
        for order in loaded.orders:
            print(order.text(loaded.notes.currency_symbol))
    print("\nCleaning\n" + result.report.summary())
    if result.profiled is not None:
        _print_kmeans(result)
    if result.scored is not None:
        _print_scores(result)
    if args.stability and result.profiled is not None:
        _print_stability(result, run.stability())
    value, tested = (None, None) if args.no_value else _value(args, run)
    predictions = value.predictions if value is not None else None
    customers = result.customer_file(contacts, predictions)
    if value is not None:
        at_cut = None
        if tested is not None:  # segments as they stood at the cut: nothing after it is seen
            at_cut = run.earlier_labels(tested.after_cut)
        _print_segment_value(customers, value, tested, at_cut, loaded.notes.currency_symbol)
    moved = None
    if args.compare_at or args.compare_with:
        from .outcomes.movement import movements

        moved = movements(result, loaded.transactions, args.compare_at, previous, contacts)
        if not moved:
            raise SegmentationError("The previous file has none of this run's segment columns.")
    _write_customers(args, customers, loaded, contacts)
    if args.summary:
        summary = result.profile if result.profiled is not None else result.kpis("rfm_segment")
        _write(args.summary, summary, "summary")
    if moved:
        _movement(args, loaded, moved, previous)
    if args.report:
        from .outcomes.report import html_report

        page = html_report(result, loaded.name, loaded.notes, loaded.notes.currency_symbol)
        _write_bytes(args.report, page.encode("utf-8"))
    if args.recipe:
        try:
            reading = reading_of(
                loaded,
                list(contacts.columns) if contacts is not None else [],
                sheet=args.sheet,
                dayfirst=args.dayfirst,
                decimal=args.decimal,
                currency=args.currency,
                encoding=args.encoding,
                statuses=[list(d) for d in statuses] or None,
            )
            text = recipe_to_json(result.recipe(value, reading))
            Path(args.recipe).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise SegmentationError(f"Cannot write '{args.recipe}': {exc.strerror}.") from exc


def _preload(module: str) -> None:
    with contextlib.suppress(ImportError):  # a broken install fails where it is used, in words
        importlib.import_module(module)


def _print_kmeans(result) -> None:
    print(f"\nChoosing k (suggested k = {result.suggested_k}, used k = {result.k})")
    print(result.elbow.metrics.round(4).to_string(index=False))
    print("\nTransforms: " + ", ".join(f"{m}={t}" for m, t in result.transformer.methods_.items()))
    print("\nK-Means segments")
    if result.sampled:
        print(
            f"(fitted on a sample of {len(result.rfm):,} customers; the labelled file has all "
            f"{len(result.labelled):,}, each labelled by that model)"
        )
    print(result.profile.round(2).to_string(index=False))
    print(result.kpis("segment").round(2).to_string(index=False))


def _print_scores(result) -> None:
    edges = result.scored.edges
    print("\nRFM scores (lower edges of scores 2-5; recency: of scores 4, 3, 2, 1)")
    for metric in ("recency", "frequency", "monetary"):
        print(f"  {metric}: " + ", ".join(f"{v:g}" for v in getattr(edges, metric)))
    if edges.fixed_frequency:
        print("  frequency quintiles collapse: fixed thresholds 1, 2, 3, 4-5, 6+ orders")
    print("\nRFM score segments (first matching rule wins)")
    print(result.kpis("rfm_segment").round(2).to_string(index=False))
    if result.profiled is not None:
        print("\nK-Means segments (rows) x RFM score segments (columns)")
        print(result.crosstab().to_string())


def _write_customers(args, customers: pd.DataFrame, loaded, contacts) -> None:
    """The customer file (with a sheet per segment in Excel) and the per-segment zip."""
    from .outcomes.export import segment_lists, segment_zip

    consent_column = None
    if args.consented_only:
        chosen = list(contacts.columns) if contacts is not None else []
        consent_column = loaded.contacts.consent_column(chosen)
        if consent_column is None:
            raise SegmentationError(
                "--consented-only needs a marketing-consent column among the contact fields."
            )
    lists = segment_lists(customers, consent_column)
    if args.out:
        _write(args.out, customers, "customers", lists)
    if args.segment_files:
        _write_bytes(args.segment_files, segment_zip(lists))


def _value(args, run):
    """Fit the value models; a data set they cannot describe is said, not fatal."""
    from .outcomes.backtesting import off_by
    from .outcomes.value import STRONG_CORRELATION

    if args.value_horizon < 1:
        raise SegmentationError("--value-horizon must be 1 day or more.")
    try:
        value = run.value(args.value_horizon, args.discount_rate, args.value_model)
        # The held-out check judges the model in use: one model name everywhere.
        check = run.holdout(args.holdout_fraction, value.purchases.model)
    except SegmentationError as exc:
        print(f"\nCustomer value: not computed. {exc}")
        return None, None
    tested = None
    try:  # the forecast is never shown without how far off it was on this data
        tested = run.backtest(args.value_horizon)
    except SegmentationError as exc:
        print(f"\nBacktest: not possible ({exc}) The forecasts below are unchecked.")
    else:
        print("\n" + tested.verdict(value.purchases.name))
        errors = tested.totals[["purchases_error", "revenue_error"]].map(off_by)
        print(errors.rename(columns=lambda c: c.replace("_", " ")).to_string())
        print(tested.scores.map(lambda v: f"{v:.2f}").rename("AUC").to_string())
    p, s = value.purchases, value.spend
    print(f"\nCustomer value ({p.name} and Gamma-Gamma)")
    print(f"  model: {value.chosen_because}")
    print("  " + check.verdict())
    print(check.by_purchases.round(3).to_string(index=False))
    if abs(value.correlation) >= STRONG_CORRELATION:
        print(
            f"  Warning: repeat purchases and spend are correlated ({value.correlation:.2f}); "
            "the spend model assumes they are not, so expected spend is less reliable."
        )
    print(f"  Details (time in days): {p.name} {_parameters(p)}; Gamma-Gamma {_parameters(s)}")
    return value, tested


def _parameters(model) -> str:
    fitted = model.to_dict()
    return ", ".join(
        f"{k} {v:.4f}" for k, v in fitted.items() if k not in ("model", "log_likelihood")
    )


def _print_segment_value(customers, value, tested, at_cut, symbol: str) -> None:
    from .outcomes.value import above_own_past, segment_value

    h = value.horizon
    recent = value.recent_revenue.reindex(customers["customer_id"]).to_numpy()
    customers = customers.assign(**{f"revenue_last_{h}d": recent})
    for by in ("segment", "rfm_segment"):
        if by in customers:
            table = segment_value(customers, by)
            print(f"\nExpected value over {h} days by {by} ({symbol or 'money'})")
            print(table.round(2).to_string(index=False))
            for line in above_own_past(table, by, h, symbol):
                print("  " + line)
            if tested is not None and by in at_cut:
                labels = at_cut.set_index("customer_id")[by]
                found = tested.by_segment(labels, value.purchases.name)
                print(
                    f"Backtest by {by} as it stood on {tested.cut} (forecast for the next "
                    f"{tested.horizon} days against what happened)"
                )
                print(_backtest_table(found).to_string(index=False))


def _backtest_table(found):
    """The backtest's per-segment table in plain words."""
    from .outcomes.backtesting import off_by

    shown = found[["segment", "customers", "predicted_purchases", "actual_purchases"]].copy()
    shown[["predicted_purchases", "actual_purchases"]] = shown[
        ["predicted_purchases", "actual_purchases"]
    ].round(0)
    for what in ("purchases", "revenue"):
        shown[f"{what} error"] = found[f"{what}_error"].map(off_by)
    return shown


def _movement(args, loaded, found, previous) -> None:
    from .outcomes.movement import matrix_table, movers_table

    symbol = loaded.notes.currency_symbol
    for move in found:
        print(f"\nMovement of the {move.by} labels from {move.before_date} to {move.now_date}")
        print(move.counts.to_string())
        for line in move.headlines(symbol):
            print("  " + line)
        if move.unmatched and previous is not None:
            print("  Names in only one of the two files: " + ", ".join(move.unmatched))
    if args.movement:
        _write(args.movement, matrix_table(found), "movement")
    if args.movers:
        _write(args.movers, movers_table(found), "movers")


def _print_stability(result, found) -> None:
    from .method.stability import prediction_strength

    settings = result.settings
    table = found.table.assign(segment=found.table["cluster"].map(result.names))
    print(f"\nStability ({found.resamples} bootstrap refits; Hennig 2007: 0.75 or more stable, ")
    print("0.6 to 0.75 doubtful, below 0.6 do not trust)")
    print(table[["cluster", "segment", "jaccard", "verdict"]].to_string(index=False))
    print(
        f"Agreement between random starts (adjusted Rand index): mean "
        f"{found.seed_agreement:.3f}, lowest {found.seed_agreement_min:.3f}"
    )
    strength = prediction_strength(result.scaled, settings.model_options)
    print("\nPrediction strength per k (0.8 or more supports k; information only)")
    print(strength.to_string(index=False))


def main(argv: list[str] | None = None) -> int:
    """Entry point: user errors print one line ``error: ...`` and return 2."""
    try:
        run(argv)
    except SegmentationError as exc:
        hint = HINTS.get(exc.setting or "")
        print(f"error: {exc}" + (f" (command line: {hint})" if hint else ""), file=sys.stderr)
        return 2
    except MemoryError:
        print("error: the file is too large for this machine's memory.", file=sys.stderr)
        return 2
    return 0
