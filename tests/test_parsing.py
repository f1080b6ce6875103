import numpy as np
import pandas as pd

from segmentation.parsing import parse_ids


def test_parse_ids_keeps_text_and_cuts_float_rendering():
    assert parse_ids(pd.Series([12346.0, np.nan, 17850.0])).tolist()[::2] == ["12346", "17850"]
    text = parse_ids(pd.Series(["00123", " C536379 ", "12346.0", "A-7", "", None]))
    assert text.tolist()[:4] == ["00123", "C536379", "12346", "A-7"]
    assert text.isna().tolist()[4:] == [True, True]


def test_excel_protected_text_ids_are_the_text_inside():
    values = pd.Series(['="000123"', '="000124"', "000125"])
    assert parse_ids(values).tolist() == ["000123", "000124", "000125"]
