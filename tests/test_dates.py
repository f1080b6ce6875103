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
