"""Exports: labelled customers and cluster summary as CSV/XLSX, safe to open in a spreadsheet."""

from __future__ import annotations

import io
from collections.abc import Mapping

import pandas as pd

from ..settings import METRICS

CUSTOMER_COLUMNS = ["customer_id", *METRICS, "cluster", "segment"]
SCORE_COLUMNS = ["r_score", "f_score", "m_score", "rfm_score", "rfm_segment"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def customers_table(rfm: pd.DataFrame, labels: pd.Series, names: Mapping[int, str]) -> pd.DataFrame:
    """Every customer with ``customer_id, recency_days, frequency, monetary, cluster, segment``."""
    out = rfm[list(METRICS)].reset_index()
    out["cluster"] = labels.to_numpy()
    out["segment"] = out["cluster"].map(dict(names))
    return out[CUSTOMER_COLUMNS]


def metrics_table(rfm: pd.DataFrame) -> pd.DataFrame:
    """Every customer with ``customer_id`` and the RFM metrics (no K-Means labels)."""
    out = rfm[list(METRICS)].reset_index()
    return out


def customer_file(
    labelled: pd.DataFrame,
    scores: pd.DataFrame | None,
    playbook: pd.DataFrame,
    snapshot: str,
    contacts: pd.DataFrame | None = None,
    value: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The labelled customer file: ``customer_id``, the RFM metrics, ``cluster, segment,
    action`` (K-Means, when fitted), ``r_score ... rfm_segment, rfm_action`` (scores, when
    computed), the value predictions (when fitted), the contact fields and ``snapshot_date``.

    ``labelled`` is :func:`customers_table` (or the RFM metrics alone), ``scores`` the score
    table (index ``customer_id``), ``contacts`` the chosen contact fields (index
    ``customer_id``)."""
    from .playbook import lookup

    out = labelled.reset_index(drop=True).copy()
    if "segment" in out:
        out["action"] = lookup(out["segment"], playbook).to_numpy()
    if scores is not None:
        scored = scores.reindex(out["customer_id"].to_numpy())
        for column in SCORE_COLUMNS:
            out[column] = scored[column].to_numpy()
        out["rfm_action"] = lookup(out["rfm_segment"], playbook).to_numpy()
    if value is not None:
        predicted = value.reindex(out["customer_id"].to_numpy())
        for column in value.columns:
            out[column] = predicted[column].to_numpy()
    if contacts is not None and len(contacts.columns):
        taken = contacts.reindex(out["customer_id"].to_numpy())
        for column in contacts.columns:
            name = column if column not in out else f"contact_{column}"
            out[name] = taken[column].to_numpy()
    out["snapshot_date"] = snapshot
    return out


def _phone(text: pd.Series) -> pd.Series:
    from ..columns.contacts import is_phone

    return is_phone(text)


def neutral_text(text: str) -> str:
    """One text (a column header, a name) that a spreadsheet would run as a formula, with an
    apostrophe in front; any other text as it is."""
    return "'" + text if str(text).startswith(FORMULA_START) else text


def neutralize_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells and column headers that a spreadsheet would run as a formula with an
    apostrophe.

    Only text changes: ``=HYPERLINK(...)``, ``+1+1``, ``-2`` or ``@SUM(1)`` written as an id,
    a name or a header become ``'=HYPERLINK(...)``, ... Numbers are left alone, and so is text
    that cannot run anything: a phone number (digits, spaces and ``+ - ( ) .``, at least six
    digits) stays as written, so mailing tools import it.
    """
    out = frame.copy()
    out.columns = [neutral_text(str(c)) for c in out.columns]
    for col in out.columns:
        values = out[col]
        if pd.api.types.is_string_dtype(values) or values.dtype == object:
            text = values.astype("str")
            risky = text.str.startswith(FORMULA_START) & values.notna()
            if risky.any():
                risky &= ~_phone(text)
            if risky.any():
                out[col] = text.where(~risky, "'" + text).where(values.notna(), values)
    return out


def segment_lists(
    customers: pd.DataFrame, consent_column: str | None = None
) -> dict[str, pd.DataFrame]:
    """One list of customers per segment, largest first, for each method the file has
    (named "K-Means Champions", "RFM Champions" when it has both); only customers who accept
    marketing when ``consent_column`` is given."""
    from ..columns.contacts import consent

    if consent_column is not None:
        accepts = consent(customers[consent_column]).fillna(False).to_numpy(bool)
        customers = customers[accepts]
    present = [c for c in ("segment", "rfm_segment") if c in customers]
    prefixes = {"segment": "K-Means ", "rfm_segment": "RFM "} if len(present) > 1 else {}
    return {
        f"{prefixes.get(column, '')}{name}": part
        for column in present
        for name, part in sorted(customers.groupby(column), key=lambda g: -len(g[1]))
    }


def segment_zip(
    lists: Mapping[str, pd.DataFrame], delimiter: str = ",", decimal: str = "."
) -> bytes:
    """The lists of :func:`segment_lists` as one CSV each in a zip (file names made safe)."""
    return zip_bytes(
        {
            f"{safe_name(name)}.csv": to_csv_bytes(part, delimiter, decimal)
            for name, part in lists.items()
        }
    )


def safe_name(text: str, limit: int = 80) -> str:
    """A file or sheet name without characters that file systems or Excel refuse."""
    cleaned = "".join("_" if ch in '\\/:*?"<>|[]' or ord(ch) < 32 else ch for ch in str(text))
    cleaned = cleaned.strip().strip(".")
    if cleaned.startswith(FORMULA_START):  # a name a spreadsheet could take for a formula
        cleaned = "_" + cleaned
    return cleaned[:limit] or "segment"


def zip_bytes(files: Mapping[str, bytes]) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _is_share(column: str) -> bool:
    return column in ("share", "p_alive", "p_buying_again") or column.endswith("_share")


def _is_count(column: str, values: pd.Series) -> bool:
    return pd.api.types.is_integer_dtype(values) or column in ("frequency", "recency_days")


def rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """Money and other measures to 2 decimals, shares (fractions) to 4: no float noise such as
    0.1597482136781218 or 1912446.3000000007 in a file someone opens."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_float_dtype(values):
            out[column] = values.round(4 if _is_share(str(column)) else 2)
    return out


def to_csv_bytes(frame: pd.DataFrame, delimiter: str = ",", decimal: str = ".") -> bytes:
    """UTF-8 CSV (with a byte-order mark so Excel reads accents), rounded, formulas
    neutralised; ``delimiter`` and ``decimal`` follow the convention asked for (a ``;`` file
    with decimal commas for a European spreadsheet)."""
    if delimiter == decimal:
        raise ValueError("The delimiter and the decimal mark must differ.")
    text = neutralize_formulas(rounded(frame)).to_csv(index=False, sep=delimiter, decimal=decimal)
    return text.encode("utf-8-sig")


# Excel number formats by kind of column.
MONEY_FORMAT = "#,##0.00"
SHARE_FORMAT = "0.0%"
COUNT_FORMAT = "#,##0"
NUMBER_FORMATS = (MONEY_FORMAT, SHARE_FORMAT, COUNT_FORMAT)


def to_xlsx_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """A workbook with one sheet per frame: rounded, formulas neutralised, with number formats
    (shares as percent, money with thousands separators), column widths, filters and a frozen
    header row.

    Written with XlsxWriter cell by cell (pandas' ``to_excel`` spends as long again styling each
    cell); text is always written as text, never as a formula, a link or a number.
    """
    import xlsxwriter

    buffer = io.BytesIO()
    options = {
        "in_memory": True,
        "nan_inf_to_errors": True,
        "default_date_format": "yyyy-mm-dd hh:mm:ss",
        "remove_timezone": True,  # a date with a time zone as its wall time
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    book = xlsxwriter.Workbook(buffer, options)
    header = book.add_format({"bold": True, "border": 1, "align": "center"})
    numbers = {f: book.add_format({"num_format": f}) for f in NUMBER_FORMATS}
    used: set[str] = set()
    for title, frame in sheets.items():
        name = safe_name(title, 31).strip("'") or "sheet"
        while name.lower() in used:  # Excel compares sheet names without case
            name = name[:28] + f" {len(used)}"
        used.add(name.lower())
        sheet = book.add_worksheet(name)
        _write_sheet(sheet, neutralize_formulas(rounded(frame)), header, numbers)
    book.close()
    return buffer.getvalue()


def _write_sheet(ws, frame: pd.DataFrame, header, numbers: dict) -> None:
    ws.freeze_panes(1, 0)
    if len(frame.columns):
        ws.autofilter(0, 0, len(frame), len(frame.columns) - 1)
    cells = frame.astype(object).where(frame.notna(), None).to_numpy()  # once per sheet
    for i, column in enumerate(frame.columns):
        values = frame[column]
        name = str(column)
        number = None
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            if _is_share(name):
                number = SHARE_FORMAT
            elif _is_count(name, values):
                number = COUNT_FORMAT
            else:  # money and averages
                number = MONEY_FORMAT
        shown = max((len(str(v)) for v in values.iloc[:200].tolist()), default=0)
        width = max(len(name), shown) + 2
        ws.set_column(i, i, min(max(width, 8), 60), numbers.get(number))
        ws.write_string(0, i, name, header)
        for row, value in enumerate(cells[:, i].tolist(), 1):
            if value is not None and value == value:  # not missing (NaN differs from itself)
                ws.write(row, i, value)
