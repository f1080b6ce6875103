"""Dates from any common export: date cells, ISO text (with or without UTC offsets), day-first or
month-first text, dotted European dates, Excel serial numbers, ``YYYYMMDD``, Unix epoch seconds
or milliseconds, and dates written with words in many languages (month names, 12-hour markers,
年月日, Buddhist-era years: see :mod:`segmentation.columns.datewords`).

Numbers are told apart by magnitude: ``YYYYMMDD`` (19000101 to 21001231), spreadsheet day numbers
(up to 2958465), Unix seconds (10**8 to 4 * 10**9, 1973 to 2096), milliseconds (10**11 to
4 * 10**12) and microseconds (10**14 to 4 * 10**15). The ranges do not overlap; the notes say
which was used and the span it gives.

Times with a UTC offset (``2024-03-30T23:10:00+01:00``) are read as the local wall time written
in the file (the offset is dropped): a shop's day is the day its customers saw, and the offset
changes with daylight saving inside one file.

When the day/month order of ``05/03/2012`` cannot be told from a day above 12, the order is
chosen by evidence: dotted dates are day-first; otherwise the order under which the dates rise
with the invoice numbers (or the rows) wins; failing that, a file written with decimal commas
or ``;`` leans day-first and any other file month-first. The choice and its reason are returned
for the reading notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..errors import DataError
from .datewords import Said, rewrite, said_in_words

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_TIME_OFFSET = r"(\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)\s*(?:Z|UTC|GMT|[+\-\u2212]\d{2}:?\d{2})$"
_DMY = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{2}|\d{4})(?:$|[ T,])")
# A clear majority of rising steps is needed to call an order; otherwise it is a guess.
RISING_MARGIN = 0.05


@dataclass(frozen=True)
class DateFormat:
    """How a date column was read, for the reading notes."""

    order: str = "stored as dates"
    decided_by: str = ""
    offsets_dropped: bool = False
    words: tuple[str, ...] = ()  # what was understood of dates written with words


def _rising(dates: pd.Series, order_key: pd.Series | None) -> float:
    """Share of consecutive steps (in invoice-number order, else row order) that do not go
    back in time."""
    frame = pd.DataFrame({"d": dates.to_numpy()})
    if order_key is not None:
        key = pd.to_numeric(order_key.astype("str").str.extract(r"(\d+)")[0], errors="coerce")
        if key.notna().mean() > 0.9:
            frame = frame.assign(k=key.to_numpy()).dropna().sort_values("k", kind="stable")
    d = frame["d"].dropna().drop_duplicates().to_numpy()
    if len(d) < 3:
        return 0.5
    return float((np.diff(d.astype("int64")) >= 0).mean())


def _parse_unique(text: pd.Series, **kwargs) -> pd.Series:
    """Parse each distinct value once (timestamps repeat on every line of an invoice)."""
    codes, uniques = pd.factorize(text)
    parsed = pd.to_datetime(pd.Series(uniques, dtype="object"), errors="coerce", **kwargs)
    values = np.append(parsed.to_numpy(dtype="datetime64[ns]"), np.datetime64("NaT"))
    return pd.Series(values[codes], index=text.index)


def _day_month_order(
    text: pd.Series, dayfirst: bool | None, lean_dayfirst: bool, order_key: pd.Series | None
) -> tuple[bool, str]:
    """Whether ``text`` (all like 05/03/2012) is day-first, and why."""
    parts = text.str.extract(_DMY)
    if dayfirst is not None:
        return dayfirst, "your choice"
    first = pd.to_numeric(parts[0], errors="coerce")
    second = pd.to_numeric(parts[2], errors="coerce")
    if (first > 12).any() and not (second > 12).any():
        example = text[first > 12].iloc[0]
        return True, f"values such as '{example}' have a day above 12 first"
    if (second > 12).any() and not (first > 12).any():
        example = text[second > 12].iloc[0]
        return False, f"values such as '{example}' have a day above 12 second"
    if (parts[1] == ".").all():
        return True, "dotted dates (day.month.year) are day-first"
    both = {
        order: _rising(_parse_unique(text, dayfirst=order, format="mixed"), order_key)
        for order in (True, False)
    }
    if abs(both[True] - both[False]) > RISING_MARGIN:
        order = both[True] > both[False]
        by = "invoice numbers" if order_key is not None else "the rows"
        return order, f"no day is above 12, and dates rise with {by} when read this way"
    if lean_dayfirst:
        return True, "no day is above 12; assumed day-first as the file uses decimal commas or ';'"
    return False, "no day is above 12; assumed month-first (set the order if it is day-first)"


_ISO = r"\d{4}-\d{2}-\d{2}(?:[ T].*)?"


def _iso_and_dmy(known: pd.Series) -> bool:
    iso = known.str.fullmatch(_ISO)
    dmy = known.str.match(_DMY)
    return bool(iso.any() and (~iso).any() and (iso | dmy).all())


def _date_cells(values: pd.Series, present: pd.Series) -> pd.Series | None:
    """In a column of date cells and text (sheets stacked, dates typed by hand), which rows
    are date cells; ``None`` for any other column."""
    if values.dtype != object:
        return None
    cells = values.map(lambda v: hasattr(v, "year") and hasattr(v, "month")) & present
    return cells if cells.any() and not cells[present].all() else None


def _cells_and_text(
    values: pd.Series,
    present: pd.Series,
    cells: pd.Series,
    dayfirst: bool | None,
    lean_dayfirst: bool,
    order_key: pd.Series | None,
) -> tuple[pd.Series, DateFormat]:
    """Date cells as they are; the text among them read by the text rules on their own."""
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    out[cells] = pd.to_datetime(values[cells].map(pd.Timestamp)).astype("datetime64[ns]")
    text = ~cells & present
    key = order_key[text] if order_key is not None else None
    parsed, note = parse_dates(
        values[text].astype("str"), dayfirst, lean_dayfirst=lean_dayfirst, order_key=key
    )
    out[text] = parsed
    why = f"date cells, and {int(text.sum()):,} written as text: {note.order}"
    return out, DateFormat(why, note.decided_by, note.offsets_dropped, note.words)


EPOCHS = (  # (low, high, unit, words): magnitudes of Unix times from 1973 to 2096
    (1e8, 4e9, "s", "Unix time in seconds"),
    (1e11, 4e12, "ms", "Unix time in milliseconds"),
    (1e14, 4e15, "us", "Unix time in microseconds"),
)


def _from_numbers(num: pd.Series, present: pd.Series, text: bool) -> tuple[pd.Series, DateFormat]:
    """Dates from numbers: YYYYMMDD, spreadsheet day numbers or Unix times, by magnitude."""
    known = num[present]
    written = " written as text" if text else ""
    if known.between(19000101, 21001231).all():
        out = pd.to_datetime(num.astype("Int64").astype("str"), format="%Y%m%d", errors="coerce")
        return out, DateFormat(f"year, month, day as one number (YYYYMMDD){written}")
    for low, high, unit, words in EPOCHS:
        if known.between(low, high).all():
            out = pd.to_datetime(num, unit=unit, errors="coerce")
            span = f"{out.min():%Y-%m-%d} to {out.max():%Y-%m-%d}"
            return out, DateFormat(f"{words}{written} (UTC)", f"their size; they span {span}")
    out = EXCEL_EPOCH + pd.to_timedelta(num.where(num.between(1, 2958465)), unit="D")
    return out, DateFormat(f"spreadsheet day numbers{written}")


_LETTERS = re.compile(r"(?!(?:utc|gmt|[tz])(?![^\W\d_]))[^\W\d_]", re.I)
_FAR_YEAR = re.compile(r"(?<!\d)2[4-6]\d\d(?!\d)")
# Ways of writing the rules below do not know, rewritten first: (pattern, replacement).
_TEXT_FIXES = (
    (re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]"), ""),  # direction marks
    (re.compile("\u060c"), ","),  # Arabic comma
    (re.compile(r"(?<=\d)\.\s+(?=\d)"), "."),  # "12. 3. 2024" (Czech, Slovak)
    # "12.3.2024 15.05.00": a time written with dots after a date (Danish, Finnish, Indonesian)
    (
        re.compile(r"(?<=\d)(,?\s+\d{1,2})\.(\d{2})(?:\.(\d{2}))?(?:\s*(?:UTC|GMT|Z))?$"),
        r"\1:\2:\g<3>",
    ),
)


def _world_text(text: pd.Series) -> tuple[pd.Series, tuple[str, ...], bool]:
    """Text dates with time-zone offsets (dropped: the last value says whether any was),
    direction marks, spaced or dotted parts, words, day-period markers or Buddhist-era years
    rewritten for the rules below; each distinct value once."""
    codes, uniques = pd.factorize(text)
    written = pd.Series(uniques, dtype="object")
    found = written.str.replace(_TIME_OFFSET, r"\1", regex=True)
    dropped = changed = bool((found != written).any())
    for pattern, replacement in _TEXT_FIXES:
        hits = found.map(lambda v, p=pattern: p.search(v) is not None).astype(bool)
        if hits.any():
            found[hits] = found[hits].str.replace(pattern, replacement, regex=True)
            found = found.str.rstrip(":")
            changed = True
    said: Said = {}
    if (found.str.contains(_LETTERS) | found.str.contains(_FAR_YEAR)).any():
        found = found.map(lambda v: rewrite(v, said))
        changed = True
    if not changed:
        return text, (), False
    rewritten = np.append(found.to_numpy(dtype=object), [None])
    return pd.Series(rewritten[codes], index=text.index), said_in_words(said), dropped


def parse_dates(
    values: pd.Series,
    dayfirst: bool | None = None,
    *,
    lean_dayfirst: bool = False,
    order_key: pd.Series | None = None,
) -> tuple[pd.Series, DateFormat]:
    """Datetimes (naive, local wall time) from a column as read, and how it was read.

    Parameters
    ----------
    values : the column as read.
    dayfirst : the day/month order chosen by the user; ``None`` decides from evidence.
    lean_dayfirst : the file uses decimal commas or ``;``: ambiguous dates lean day-first.
    order_key : invoice numbers, to see which order keeps dates rising with them.

    Raises
    ------
    DataError
        Dates that do not parse, with how many and examples.
    """
    present = values.notna()
    note = DateFormat()
    if pd.api.types.is_datetime64_any_dtype(values):
        out = values.dt.tz_localize(None) if values.dt.tz is not None else values
    elif pd.api.types.is_numeric_dtype(values):
        out, note = _from_numbers(values.astype("float64"), present, text=False)
    elif (cells := _date_cells(values, present)) is not None:
        return _cells_and_text(values, present, cells, dayfirst, lean_dayfirst, order_key)
    else:
        text, words, dropped = _world_text(values.astype("str").str.strip().where(present))
        known = text[present]
        if (
            known.str.fullmatch(r"\d{5}(?:\.\d+)?").all()
            and pd.to_numeric(known).between(25569, 73051).all()
        ) or known.str.fullmatch(r"\d{8}|\d{9,10}|\d{12,13}|\d{15,16}").all():
            # Spreadsheet day numbers written as text (1970 to 2100: a CSV saved from a sheet
            # whose date cells lost their format), YYYYMMDD or Unix times.
            out, note = _from_numbers(pd.to_numeric(text, errors="coerce"), present, text=True)
        elif known.str.fullmatch(r"\d{4}-\d{2}-\d{2}(?:[ T].*)?").all():
            out = _parse_unique(text, format="ISO8601")
            note = DateFormat("year-month-day", "", dropped)
        elif known.str.match(r"\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}").all():
            out = _parse_unique(text, format="mixed", yearfirst=True)
            note = DateFormat("year-month-day", "", dropped)
        elif known.str.match(_DMY).all():
            order, why = _day_month_order(known, dayfirst, lean_dayfirst, order_key)
            out = _parse_unique(text, dayfirst=order, format="mixed")
            note = DateFormat("day/month/year" if order else "month/day/year", why, dropped)
        elif _iso_and_dmy(known):
            # Stacked sheets: dates that were cells (now ISO text) and dates typed as text.
            iso = text.str.fullmatch(_ISO).fillna(False).astype(bool)
            order, why = _day_month_order(known[~iso[present]], dayfirst, lean_dayfirst, None)
            out = _parse_unique(text.where(iso), format="ISO8601")
            out[~iso] = _parse_unique(text.where(~iso), dayfirst=order, format="mixed")
            typed = "day/month/year" if order else "month/day/year"
            note = DateFormat(f"year-month-day, and {typed} where typed as text", why, dropped)
        else:
            out = _parse_unique(text, dayfirst=bool(dayfirst), format="mixed")
            note = DateFormat("as written", "", dropped)
        out = out.where(present)
        note = replace(note, words=words)
    if getattr(out.dt, "tz", None) is not None:
        out = out.dt.tz_localize(None)
    bad = out.isna() & present
    if bad.any():
        examples = ", ".join(repr(str(v)) for v in values[bad].unique()[:3])
        raise DataError(
            f"{int(bad.sum()):,} dates could not be read (for example {examples}). "
            "Check the date column, or set the day/month order.",
            setting="dayfirst",
        )
    return out.astype("datetime64[ns]"), note
