import pandas as pd
import pytest

from segmentation.dates import parse_dates
from segmentation.errors import DataError


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
