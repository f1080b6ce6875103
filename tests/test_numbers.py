import pandas as pd
import pytest

from segmentation.errors import DataError
from segmentation.numbers import parse_numbers


def test_parse_numbers_text_with_decimal_comma_and_errors():
    assert parse_numbers(pd.Series(["1,5", "2,25"]), "unit_price")[0].tolist() == [1.5, 2.25]
    assert parse_numbers(pd.Series(["£1,234.50", "3"]), "unit_price")[0].tolist() == [1234.5, 3.0]
    with pytest.raises(DataError, match="1 value of 'quantity' is not a number"):
        parse_numbers(pd.Series(["1", "two"]), "quantity")
