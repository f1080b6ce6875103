"""Workbooks (xlsx, xlsm, xls): find each sheet's header with a streaming preview, then parse the
chosen sheets once, all columns, several sheets in parallel threads.

fastexcel (Rust calamine) parses the Online Retail workbook about twenty times faster than
pandas' default openpyxl engine, but every fastexcel load parses the whole sheet; openpyxl's
streaming read-only mode finds the header and a sample in a few milliseconds.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from ..errors import FileReadError
from .guard import ReadLimits, check_inflated_sizes, check_zip
from .header import SAMPLE_ROWS, Preview, is_blank, preview_from_rows

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

# fastexcel logs "Could not determine dtype ..." for an empty column (a spacer between columns)
# and reads it as text, which is right: the message is for its developers, not for the user.
logging.getLogger("fastexcel").setLevel(logging.ERROR)

# Whether a sheet's preview holds what the method needs (given by the caller: roles are not
# this package's business). Without one, the first sheet with data is read.
Usable = Callable[[Preview], bool]


def _declares_dimensions(data: bytes) -> bool:
    """Whether every sheet states its size up front. openpyxl's read-only mode looks for that
    statement by parsing the whole sheet when it is missing, so such sheets are previewed with
    the (fast) workbook parser instead."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            if info.filename.startswith("xl/worksheets/sheet"):
                with zf.open(info) as part:
                    head = part.read(65536)
                if b"dimension ref=" not in head.split(b"sheetData", 1)[0]:
                    return False
    return True


def xlsx_preview(
    data: bytes, name: str, sheet: str | int | None, limits: ReadLimits, usable: Usable | None
) -> Preview:
    infos = check_zip(data, name, limits)
    # Inflating every sheet to check its true size takes a moment (0.08 s for Online Retail):
    # it runs beside openpyxl's preview, which reads only the first rows and trusts nothing
    # beyond the declared sizes. The full parsers wait for it.
    with ThreadPoolExecutor(max_workers=1) as pool:
        sizes_checked = pool.submit(check_inflated_sizes, data, name, infos)
        if not _declares_dimensions(data):
            sizes_checked.result()
            return xls_preview(data, name, sheet, usable)
        preview = _openpyxl_preview(data, name, sheet, limits, usable)
        sizes_checked.result()
    return preview


def _openpyxl_preview(
    data: bytes, name: str, sheet: str | int | None, limits: ReadLimits, usable: Usable | None
) -> Preview:
    import openpyxl  # imported here: only workbooks need it

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        all_sheets = tuple(wb.sheetnames)
        previews: dict[str, Preview] = {}
        for title in _wanted_sheets(all_sheets, sheet, name):
            ws = wb[title]
            # The workbook parser starts at the sheet's first used column (a table right of
            # empty columns); so does the preview.
            lead = max((ws.min_column or 1) - 1, 0)
            rows = [list(r)[lead:] for r in ws.iter_rows(max_row=SAMPLE_ROWS, values_only=True)]
            if any(not is_blank(c) for r in rows for c in r):
                if (ws.max_row or 0) > limits.max_rows:
                    raise FileReadError(
                        f"Sheet '{title}' has {ws.max_row:,} rows, over the "
                        f"{limits.max_rows:,}-row limit."
                    )
                previews[title] = preview_from_rows(rows)
    finally:
        wb.close()
    return _stack_previews(previews, all_sheets, name, usable)


def _wanted_sheets(all_sheets: tuple[str, ...], sheet: str | int | None, name: str) -> list[str]:
    if sheet is None:
        return list(all_sheets)
    if isinstance(sheet, int) and 0 <= sheet < len(all_sheets):
        return [all_sheets[sheet]]
    if sheet in all_sheets:
        return [str(sheet)]
    raise FileReadError(
        f"'{name}' has no sheet '{sheet}'. Sheets present: {', '.join(all_sheets)}."
    )


def _stack_previews(
    previews: dict[str, Preview], all_sheets: tuple[str, ...], name: str, usable: Usable | None
) -> Preview:
    """Read the first sheet that holds what the method needs (a summary or pivot sheet in
    front of the data is passed over, and the notes say so), and stack every later sheet with
    the same columns."""
    if not previews:
        raise FileReadError(f"'{name}' has no sheet with data.")
    titles = list(previews)
    first = next((t for t in titles if usable is None or usable(previews[t])), titles[0])
    passed = titles[: titles.index(first)]
    because = (
        f"sheet '{first}' holds the transactions; "
        + ", ".join(f"'{t}'" for t in passed)
        + (" does" if len(passed) == 1 else " do")
        + " not have the needed columns"
        if passed
        else ""
    )
    head = previews[first]
    same = [t for t in titles[titles.index(first) :] if previews[t].columns == head.columns]
    return Preview(
        columns=head.columns,
        rows=head.rows,
        header_row=head.header_row,
        sheets=tuple(same),
        all_sheets=all_sheets,
        skipped_sheets=tuple(t for t in all_sheets if t not in same),
        header_rows={t: previews[t].header_row for t in same},
        chosen_because=because,
    )


def xls_preview(data: bytes, name: str, sheet: str | int | None, usable: Usable | None) -> Preview:
    """Preview with the workbook parser: old .xls files, and sheets without a size statement."""
    import fastexcel

    reader = fastexcel.read_excel(data)
    all_sheets = tuple(reader.sheet_names)
    previews = {}
    for title in _wanted_sheets(all_sheets, sheet, name):
        grid = reader.load_sheet(title, header_row=None, n_rows=SAMPLE_ROWS).to_pandas()
        rows = grid.astype(object).where(grid.notna(), None).values.tolist()
        if rows and any(not is_blank(c) for r in rows for c in r):
            previews[title] = preview_from_rows(rows)
    return _stack_previews(previews, all_sheets, name, usable)


def _sheet_table(data: bytes | str, title: str, header_row: int, text: list[int]) -> pa.Table:
    import fastexcel
    import pyarrow as pa

    sheet = fastexcel.read_excel(data).load_sheet(
        title, header_row=header_row, dtypes={i: "string" for i in text} or None
    )
    return pa.Table.from_batches([sheet.to_arrow()])


def read_workbook(data: bytes | str, preview: Preview, text_columns: list[str]) -> pd.DataFrame:
    """Every column of the preview's sheets, stacked; ``text_columns`` as text as written."""
    import pyarrow as pa

    text = [preview.columns.index(c) for c in text_columns]
    jobs = [(data, t, preview.header_rows[t], text) for t in preview.sheets]
    if len(jobs) == 1:
        parts = [_sheet_table(*jobs[0])]
    else:
        with ThreadPoolExecutor(max_workers=2) as pool:
            parts = list(pool.map(lambda j: _sheet_table(*j), jobs))
    width = len(preview.columns)
    parts = [p.select(list(range(min(width, p.num_columns)))) for p in parts]
    parts = [p.rename_columns(preview.columns[: p.num_columns]) for p in parts]
    # Stack at the Arrow level (one conversion to pandas). A column typed differently in two
    # sheets is promoted to a common type; dates written as text in one sheet and as date cells
    # in another become text in both (ISO), and the date parser reads each as written.
    if len(parts) > 1:
        parts = _align_types(parts)
    table = parts[0] if len(parts) == 1 else pa.concat_tables(parts, promote_options="permissive")
    return table.to_pandas()


def _align_types(parts: list[pa.Table]) -> list[pa.Table]:
    """A column typed differently on two sheets (a date cell here, a date typed as text there;
    a number here, a number written as text there) becomes text on every sheet, as written
    (dates in ISO form), and the column's parser reads each value."""
    import pyarrow as pa
    import pyarrow.compute as pc

    out = list(parts)
    for name in parts[0].column_names:
        types = {p.schema.field(name).type for p in parts if name in p.column_names}
        types.discard(pa.null())
        if len(types) < 2:
            continue
        for i, part in enumerate(out):
            if name not in part.column_names:
                continue
            column = part.column(name)
            if pa.types.is_timestamp(column.type) or pa.types.is_date(column.type):
                text = pc.strftime(column, format="%Y-%m-%d %H:%M:%S")
            else:
                text = pc.cast(column, pa.string())
            out[i] = part.set_column(part.column_names.index(name), name, text)
    return out
