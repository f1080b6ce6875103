import datetime as dt

import pandas as pd
import pytest
from babel.dates import format_date, format_datetime
from hypothesis import given, settings
from hypothesis import strategies as st

from segmentation.columns.dates import parse_dates
from segmentation.columns.datewords import LOCALES
from segmentation.errors import DataError
from tests.conftest import examples


def dates(values: pd.Series, **options) -> pd.Series:
    return parse_dates(values, **options)[0]


def test_parse_dates_formats():
    iso = dates(pd.Series(["2011-12-09 12:50", "2011-01-02"]))
    assert iso.tolist() == [pd.Timestamp("2011-12-09 12:50"), pd.Timestamp("2011-01-02")]
    dayfirst = dates(pd.Series(["13/01/2011", "02/03/2011"]))
    assert dayfirst.tolist() == [pd.Timestamp("2011-01-13"), pd.Timestamp("2011-03-02")]
    monthfirst = dates(pd.Series(["01/13/2011", "02/03/2011"]))
    assert monthfirst.tolist() == [pd.Timestamp("2011-01-13"), pd.Timestamp("2011-02-03")]
    forced = dates(pd.Series(["02/03/2011"]), dayfirst=True)
    assert forced.tolist() == [pd.Timestamp("2011-03-02")]
    serial = dates(pd.Series([40522.5, 40886.0]))
    assert serial.tolist() == [pd.Timestamp("2010-12-10 12:00"), pd.Timestamp("2011-12-09")]
    ymd = dates(pd.Series([20111209, 20110102]))
    assert ymd.tolist() == [pd.Timestamp("2011-12-09"), pd.Timestamp("2011-01-02")]


def test_bad_dates_say_how_many_and_show_examples():
    with pytest.raises(
        DataError, match=r"2 dates could not be read \(for example 'soon', 'never'\)"
    ):
        dates(pd.Series(["02/01/2011", "soon", "never"]))


def test_spreadsheet_day_numbers_written_as_text_are_dates():
    # 45292 is 2024-01-01 in the 1900 system (Excel's day 1 is 1900-01-01, with its 1900-02-29).
    out, fmt = parse_dates(pd.Series(["45292", "45292.75", "45293"]))
    assert out.tolist() == [
        pd.Timestamp("2024-01-01"),
        pd.Timestamp("2024-01-01 18:00"),
        pd.Timestamp("2024-01-02"),
    ]
    assert "day numbers" in fmt.order


def test_stacked_sheets_read_iso_text_and_typed_day_first_text_each_by_its_own_rule():
    # One sheet's date cells became ISO text; another sheet's dates were typed day-first.
    values = pd.Series(["2024-01-05 10:00:00", "05/02/2024 14:05", "13/02/2024 09:00"])
    out, _ = parse_dates(values)
    assert out.tolist() == [
        pd.Timestamp("2024-01-05 10:00"),
        pd.Timestamp("2024-02-05 14:05"),
        pd.Timestamp("2024-02-13 09:00"),
    ]


def test_date_cells_among_text_keep_their_value_and_the_text_its_own_order():
    import datetime as dt

    values = pd.Series([dt.datetime(2024, 1, 5, 10), "05/02/2024", "13/02/2024"], dtype=object)
    out, _ = parse_dates(values)
    assert out.tolist() == [
        pd.Timestamp("2024-01-05 10:00"),
        pd.Timestamp("2024-02-05"),
        pd.Timestamp("2024-02-13"),
    ]


# --------------------------------------------------------------------- the world's ways
def ts(*values: str) -> list[pd.Timestamp]:
    return [pd.Timestamp(v) for v in values]


MARCH_12 = {  # 12 March 2024 as written in each language, with its month name
    "English": ["12 March 2024", "Mar 12, 2024", "12-Mar-24", "Tue, 12 Mar 2024"],
    "German": ["12. März 2024", "12. Mär. 2024"],
    "French": ["12 mars 2024", "mardi 12 mars 2024"],
    "Spanish": ["12 de marzo de 2024", "12-mar-2024"],
    "Portuguese": ["12 de março de 2024"],
    "Italian": ["12 marzo 2024"],
    "Dutch": ["12 maart 2024", "12 mrt 2024"],
    "Polish": ["12 marca 2024", "marzec 12, 2024"],
    "Swedish": ["12 mars 2024"],
    "Danish": ["12. marts 2024"],
    "Norwegian Bokmål": ["12. mars 2024"],
    "Finnish": ["12. maaliskuuta 2024"],
    "Turkish": ["12 Mart 2024"],
    "Indonesian": ["12 Maret 2024"],
    "Arabic": ["12 مارس 2024", "١٢ مارس ٢٠٢٤", "12 آذار 2024"],
    "Thai": ["12 มีนาคม 2024", "12 มี.ค. 2024"],
    "Russian": ["12 марта 2024"],
    "Japanese": ["2024年3月12日"],
    "Chinese": ["2024年3月12日"],
    "Korean": ["2024년 3월 12일"],
}


@pytest.mark.parametrize("language", sorted(MARCH_12))
def test_month_names_and_markers_of_each_language_read_to_the_same_day(language):
    values = MARCH_12[language]
    assert dates(pd.Series(values)).tolist() == [pd.Timestamp("2024-03-12")] * len(values)


def test_twelve_hour_times_with_local_markers():
    year_first = ["2024-03-12 오후 3:15:00", "2024年3月12日 午後3:15", "2024/03/12 上午 9:05"]
    out, fmt = parse_dates(pd.Series(year_first))
    assert out.tolist() == ts("2024-03-12 15:15", "2024-03-12 15:15", "2024-03-12 09:05")
    assert "12-hour times '오후' (Korean)" in fmt.words
    day_first = ["12/03/2024 3:15 p.m.", "12/03/2024 12:10 a.m.", "12/03/2024 3:15 ÖS"]
    out, fmt = parse_dates(pd.Series(day_first), dayfirst=True)
    assert out.tolist() == ts("2024-03-12 15:15", "2024-03-12 00:10", "2024-03-12 15:15")


def test_unix_epoch_seconds_and_milliseconds_by_magnitude():
    # 1710201600 is 2024-03-12 00:00 UTC (19,794 days of 86,400 seconds since 1970).
    seconds, fmt = parse_dates(pd.Series([1710201600, 1710201600 + 86_400 + 3_600]))
    assert seconds.tolist() == ts("2024-03-12", "2024-03-13 01:00")
    assert fmt.order.startswith("Unix time in seconds") and "2024-03-12 to 2024-03-13" in (
        fmt.decided_by
    )
    millis, fmt = parse_dates(pd.Series(["1710201600000", "1710288000500"]))
    assert millis.tolist() == ts("2024-03-12", "2024-03-13 00:00:00.500")
    assert "milliseconds written as text" in fmt.order


def test_buddhist_era_years_are_converted_and_said():
    out, fmt = parse_dates(pd.Series(["12/03/2567", "25/12/2566"]))
    assert out.tolist() == ts("2024-03-12", "2023-12-25")
    assert any("Buddhist" in w for w in fmt.words)
    assert dates(pd.Series(["12 มี.ค. 2567"])).tolist() == ts("2024-03-12")


def test_a_day_that_does_not_exist_is_refused_not_moved():
    with pytest.raises(DataError, match="31 avril 2024"):
        dates(pd.Series(["31 avril 2024", "1 mai 2024"]))


@settings(max_examples=examples(200), deadline=None)
@given(
    st.sampled_from(LOCALES),
    st.sampled_from(["long", "full", "datetime"]),
    st.lists(st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2035, 12, 31)), min_size=1),
)
def test_any_date_written_in_a_listed_language_reads_back_to_the_same_day(locale, style, when):
    """Babel writes the dates the way each language's CLDR patterns do; the reader is
    independent of those patterns (it knows only month names and markers)."""
    if style == "datetime":
        written = [format_datetime(w, "long", tzinfo=dt.UTC, locale=locale) for w in when]
    else:
        written = [format_date(w, style, locale=locale) for w in when]
    out = dates(pd.Series(written)).tolist()
    if style == "datetime":
        assert out == [pd.Timestamp(w.replace(microsecond=0)) for w in when], written
    else:
        assert out == [pd.Timestamp(w.date()) for w in when], written
