import numpy as np
import pandas as pd
import pytest

from segmentation.columns.parsing import parse_ids


def test_parse_ids_keeps_text_and_cuts_float_rendering():
    assert parse_ids(pd.Series([12346.0, np.nan, 17850.0])).tolist()[::2] == ["12346", "17850"]
    text = parse_ids(pd.Series(["00123", " C536379 ", "12346.0", "A-7", "", None]))
    assert text.tolist()[:4] == ["00123", "C536379", "12346", "A-7"]
    assert text.isna().tolist()[4:] == [True, True]


def test_excel_protected_text_ids_are_the_text_inside():
    values = pd.Series(['="000123"', '="000124"', "000125"])
    assert parse_ids(values).tolist() == ["000123", "000124", "000125"]


def test_a_currency_chosen_for_a_file_that_does_not_say_is_its_currency():
    from segmentation.columns.loading import load_transactions
    from segmentation.errors import DataError

    text = b"Customer,Invoice,Date,Amount\nA,1,2024-01-02,10.50\nB,2,2024-01-03,4.00\n"
    plain = load_transactions(text, "shop.csv")
    assert plain.notes.currency is None and plain.notes.currency_symbol == ""
    chosen = load_transactions(text, "shop.csv", currency="eur")
    assert chosen.notes.currency == "EUR" and chosen.notes.currency_symbol == "€"
    assert "Currency: EUR (your choice: the file does not say)" in chosen.notes.lines()
    with pytest.raises(DataError, match="'EURO' is not a currency code"):
        load_transactions(text, "shop.csv", currency="EURO")
